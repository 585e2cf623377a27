using System;
using System.Collections.Generic;
using CoroGen;

namespace Samples;

public static partial class Closures
{
    [Coroutine]
    public static async Coroutine Collect(IEnumerable<object> items, List<Func<string>> actions, Yielder<int> co)
    {
        foreach (object item in items)
        {
            if (item is not string name)
            {
                goto Next;
            }

            actions.Add(() => name);
            await co.Yield(name.Length);
        Next:
            ;
        }
    }
}
