using System;
using System.Collections.Generic;
using CoroGen;

namespace Samples;

public partial class Counter<T>
    where T : IComparable<T>
{
    private readonly List<T> seen = new();

    public int Limit { get; set; } = 3;

    [Coroutine]
    public async Coroutine<int> Track(T first, Yielder<T, T> co)
    {
        T current = first;
        while (seen.Count < Limit)
        {
            seen.Add(current);
            current = await co.Yield(current);
        }

        return this.seen.Count;
    }

    [Coroutine]
    private static async Coroutine Repeat<TItem>(TItem item, int times, Yielder<TItem> co)
        where TItem : notnull
    {
        for (int i = 0; i < times; i++)
            await co.Yield(item);
    }

    public partial class Nested
    {
        [Coroutine]
        protected internal static async Coroutine Twice(Yielder<string> co)
        {
            await Repeat("x", 2, co);
        }
    }
}
