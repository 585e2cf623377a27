using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// A yield of a nullable local or parameter that lives in a field reads it member by member
/// (CoroutineLowering.Fieldwise), so that a store just before does not stall the copy; every other operand is kept.
/// </summary>
public sealed class YieldOperandGenerationTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using CoroGen;

        public static partial class T
        {
            [Coroutine]
            public static async Coroutine Operands(int? parameter, List<Func<int?>> readers, Yielder<int?> co)
            {
                int? hoisted = parameter;
                int plain = 1;
                int? captured = 2;
                readers.Add(() => captured);
                await co.Yield(hoisted);
                await co.Yield(parameter);
                await co.Yield(plain);
                await co.Yield(captured);
                await co.Yield(hoisted + 1);
                await co.Yield(hoisted);
            }
        }
        """;

    [Fact]
    public void NullableFieldsAreReadMemberByMember()
    {
        string[] yields = GeneratorHarness.GenerateOne(Source).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("return this.Yielded(", System.StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(
            new[]
            {
                "return this.Yielded(Yield_Line14, global::CoroGen.CoroutineLowering.Fieldwise(ref this.@hoisted));",
                "return this.Yielded(Yield_Line15, global::CoroGen.CoroutineLowering.Fieldwise(ref this.@parameter));",
                "return this.Yielded(Yield_Line16, this.@plain);",
                "return this.Yielded(Yield_Line17, global::CoroGen.CoroutineLowering.Fieldwise(ref this.@captured));",
                "return this.Yielded(Yield_Line18, this.@hoisted + 1);",
                "return this.Yielded(Yield_Line19, global::CoroGen.CoroutineLowering.Fieldwise(ref this.@hoisted));",
            },
            yields);
    }
}
