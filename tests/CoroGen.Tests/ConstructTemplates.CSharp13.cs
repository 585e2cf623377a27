#nullable disable
// Templates that use C# 13 syntax (params collections). GeneratedCodeCompatibilityTests leaves files named *.CSharp13.cs
// out of its corpus: it compiles for C# 10 to 12, where this syntax is the template's own error, not the generated code's.
using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

public static partial class ConstructTemplates
{
    [Coroutine]
    public static async Coroutine<string> ParamsCollections(List<string> log, Yielder<int, int> co)
    {
        int s1 = SumSpan(L(log, "s", 1), await co.Yield(3), L(log, "t", 4));
        int s2 = SumSpan();
        int s3 = SumEnumerable(await co.Yield(5), L(log, "u", 6));
        return $"{s1};{s2};{s3}";
    }

    public static int SumSpan(params ReadOnlySpan<int> values)
    {
        int s = 0;
        foreach (int v in values)
        {
            s += v;
        }

        return s * 10 + values.Length;
    }

    public static int SumEnumerable(params IEnumerable<int> values) => values.Sum();
}
