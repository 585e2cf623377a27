using System.Collections.Generic;
using CoroGen;

namespace Samples;

public sealed class Gauge
{
    public int Level { get; set; }

    public void Note(int value) => Level = value;
}

public static partial class Spills
{
    private static int Next(List<int> seen) { seen.Add(seen.Count); return seen.Count; }

    private static string Format(int a, int b, int c) => $"{a} {b} {c}";

    // Arguments and operands evaluated before a suspension point are kept in fields, in C#'s order.
    [Coroutine]
    public static async Coroutine<int> Arguments(List<int> seen, Gauge gauge, Yielder<string, int> co)
    {
        int total = 0;
        total += Next(seen) * await co.Yield("first");
        gauge.Level += await co.Yield(Format(Next(seen), await co.Yield("inner"), Next(seen)));
        return checked(total + await co.Yield("last"));
    }

    // A branch that is not taken does not suspend.
    [Coroutine]
    public static async Coroutine ShortCircuits(bool ready, string? name, Gauge? gauge, Yielder<string, int> co)
    {
        if (ready && await co.Yield("ready?") > 0)
        {
            name ??= "n" + await co.Yield("name?");
        }

        gauge?.Note(await co.Yield(name ?? "none"));
        string size = name?.Length switch
        {
            null => "none",
            0 => "empty",
            _ => "size " + await co.Yield("size?"),
        };
        await co.Yield(size);
    }

    // Initializers fill a temporary member by member; the struct local is mutated in place.
    [Coroutine]
    public static async Coroutine<List<int>> Initializers(List<int> seen, Yielder<string, int> co)
    {
        var list = new List<int> { Next(seen), await co.Yield("second"), Next(seen) };
        var gauge = new Gauge { Level = await co.Yield("level") };
        list.Add(gauge.Level);
        return list;
    }
}
