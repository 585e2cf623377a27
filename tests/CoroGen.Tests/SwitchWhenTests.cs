using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

// Suspension points inside the when clause of a case label: the labels are tried in order, each pattern then its clause.
public static partial class SwitchWhenTemplates
{
    [Coroutine]
    public static async Coroutine<string> Classify(object value, List<string> log, Yielder<int, bool> co)
    {
        switch (value)
        {
            case int n when await co.Yield(n):
                log.Add("accepted " + n);
                return "int " + n;
            case int n when n > 100:
                return "big";
            case string s when await co.Yield(s.Length) && s.Length > 1:
                log.Add("string " + s);
                return s;
            case 7:
                return "seven";
            default:
                log.Add("default");
                return "other";
        }
    }
}

public sealed class SwitchWhenTests
{
    public static IEnumerable<object[]> Values() => new[] { new object[] { 5 }, new object[] { 500 }, new object[] { "ab" }, new object[] { 7L }, new object[] { 3.5 } };

    [Theory]
    [MemberData(nameof(Values))]
    public void AgreesWithTheOracle(object value)
    {
        var scripts = DifferentialTests.Scripts(3).Concat(new[]
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(true), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(false), CoroutineOp.Send(true), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(false), CoroutineOp.Send(false), CoroutineOp.Drain() },
        });
        foreach (CoroutineOp[] script in scripts)
        {
            Assert.Equal(
                CoroutineDriver.Trace(log => TemplateOracle.Run<int, bool, string>(co => SwitchWhenTemplates.Classify(value, log, co)), script),
                CoroutineDriver.Trace(log => SwitchWhenTemplates.Classify(value, log), script));
        }
    }

    [Fact]
    public void ASuspendingWhenClauseDecidesTheCase()
    {
        var log = new List<string>();
        var coroutine = SwitchWhenTemplates.Classify(5, log);
        Assert.True(coroutine.MoveNext());
        Assert.Equal(5, coroutine.Current);   // the when clause yields the pattern variable
        Assert.False(coroutine.Send(true));
        Assert.Equal("int 5", coroutine.Result);
        Assert.Equal(new[] { "accepted 5" }, log);
    }
}
