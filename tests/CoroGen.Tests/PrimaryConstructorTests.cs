using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CoroGen.Tests;

// A primary constructor parameter is the instance's state: the template reads and writes the instance's own (through a
// generated property of the type, since the generated nested class cannot name it).
public partial class Ledger(int start, string label)
{
    public int Start => start;

    [Coroutine]
    public async Coroutine<string> Count(int steps, Yielder<string, int> co)
    {
        for (int i = 0; i < steps; i++)
        {
            start += await co.Yield($"{label} {start}");
            start++;
        }

        Func<string> describe = () => nameof(start) + "=" + start;
        return describe();
    }
}

public partial class Pair<T>(T first, T second)
{
    [Coroutine]
    public async Coroutine Both(Yielder<T> co)
    {
        await co.Yield(first);
        (first, second) = (second, first);
        await co.Yield(first);
    }
}

// A parameter named `value`, which a property setter's own `value` would hide.
public partial class ValueCounter(int value)
{
    public int Peek() => value;

    [Coroutine]
    public async Coroutine Run(Yielder<int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            await co.Yield(value);
            value++;
        }

        value += 10;
    }
}

// In a struct the template works on a copy of the instance, as an async method does.
public partial struct Cursor(int position)
{
    public readonly int Position => position;

    [Coroutine]
    public async Coroutine Walk(Yielder<int> co)
    {
        await co.Yield(position++);
        await co.Yield(position);
    }
}

public readonly partial struct Fixed(int value)
{
    [Coroutine]
    public async Coroutine Twice(Yielder<int> co)
    {
        await co.Yield(value);
        await co.Yield(value * 2);
    }
}

public sealed class PrimaryConstructorTests
{
    [Fact]
    public void AClassTemplateReadsAndWritesItsInstancesParameter()
    {
        var ledger = new Ledger(10, "at");
        var count = ledger.Count(2);
        var seen = new List<string>();
        count.MoveNext();
        seen.Add(count.Current);
        count.Send(5);
        seen.Add(count.Current);
        Assert.False(count.Send(100));
        Assert.Equal(new[] { "at 10", "at 16" }, seen);
        Assert.Equal("start=117", count.Result);
        Assert.Equal(117, ledger.Start);
        Assert.Equal(new[] { "a", "b" }, new Pair<string>("a", "b").Both().ToArray());
    }

    [Fact]
    public void AParameterNamedValueIsWrittenAsTheTemplateWritesIt()
    {
        var counter = new ValueCounter(10);
        Assert.Equal(new[] { 10, 11, 12 }, counter.Run().ToArray());
        Assert.Equal(23, counter.Peek());
    }

    [Fact]
    public void AStructTemplateWorksOnACopyAsTheOracleDoes()
    {
        var cursor = new Cursor(3);
        Assert.Equal(new[] { 3, 4 }, cursor.Walk().ToArray());
        Assert.Equal(3, cursor.Position);
        Assert.Equal(Run(co => cursor.Walk(co)), cursor.Walk().ToArray());
        Assert.Equal(new[] { 4, 8 }, new Fixed(4).Twice().ToArray());
    }

    [Fact]
    public void AClassTemplateAgreesWithTheOracle()
    {
        Assert.Equal(Run(co => new Pair<int>(1, 2).Both(co)), new Pair<int>(1, 2).Both().ToArray());
    }

    private static int[] Run(Func<Yielder<int>, Coroutine> template)
    {
        var oracle = CoroGen.Templates.TemplateOracle.Run<int>(template);
        var values = new List<int>();
        while (oracle.MoveNext())
        {
            values.Add(oracle.Current);
        }

        return values.ToArray();
    }
}
