#nullable disable
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// C# 14 constructs (user-defined compound assignment operators); GeneratedCodeCompatibilityTests, which compiles the corpus
// as C# 10 and 12, leaves this file out.
public static partial class ConstructTemplates
{
    // C# 14 compound assignment operators declared by the type itself: called on the target, in place for a struct.
    [Coroutine]
    public static async Coroutine<string> UserDefinedCompoundAssignment(List<string> log, Yielder<int, int> co)
    {
        var acc = new Accumulator(log, "a");
        var first = acc;
        acc += await co.Yield(1);
        acc = new Accumulator(log, "b");
        first += await co.Yield(2) + 1;
        var tally = new CompoundTally();
        tally += await co.Yield(3);
        tally += await co.Yield(4);
        return $"{first.Total},{acc.Total},{tally.Count}";
    }

    // A compound operator with a checked variant: the checked context around the assignment picks it, after resuming too.
    [Coroutine]
    public static async Coroutine<string> CheckedUserDefinedCompoundAssignment(List<string> log, Yielder<int, int> co)
    {
        var meter = new CheckedMeter();
        checked
        {
            meter += await co.Yield(1);
            meter += 5;
            await co.Yield(0);
            meter += 6;
        }

        meter += await co.Yield(2);
        var other = new CheckedMeter();
        other = checked(other += await co.Yield(3));
        unchecked
        {
            other += await co.Yield(4);
        }

        log.Add(meter.Trail + "|" + other.Trail);
        return meter.Trail + "|" + other.Trail;
    }
}

public sealed class CheckedMeter
{
    public string Trail = "";

    public void operator +=(int v) => Trail += "u" + v;

    public void operator checked +=(int v) => Trail += "c" + v;
}

public sealed class Accumulator
{
    private readonly List<string> log;
    private readonly string name;

    public Accumulator(List<string> log, string name)
    {
        this.log = log;
        this.name = name;
    }

    public int Total { get; private set; }

    // Both: C# 14 picks the compound one for `+=`.
    public static Accumulator operator +(Accumulator a, int v) => new(a.log, a.name + "+") { Total = a.Total + v };

    public void operator +=(int v)
    {
        log.Add(name + "+=" + v);
        Total += v * 10;
    }
}

public struct CompoundTally
{
    public int Count;

    public void operator +=(int v) => Count += v + 100;
}
