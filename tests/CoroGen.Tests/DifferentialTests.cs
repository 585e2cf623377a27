using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// The oracle: each template also runs through the C# compiler's own async lowering (TemplateOracle). The same driver
/// script, with Throw and Close injected at every suspension point, must give the same trace of yields, side effects,
/// exceptions, finally order and final state from the generated class and from the oracle.
/// </summary>
public sealed class DifferentialTests
{
    // Every script: k steps, then one injected operation, then run to the end (and once more to see the finished state).
    public static IEnumerable<CoroutineOp[]> Scripts(int maxSteps)
    {
        for (int k = 0; k <= maxSteps; k++)
        {
            foreach (Func<CoroutineOp> inject in OracleComparison.Injections)
            {
                yield return Enumerable.Repeat(CoroutineOp.MoveNext, k).Append(inject()).Append(CoroutineOp.Drain()).Append(CoroutineOp.MoveNext).ToArray();
            }
        }
    }

    [Fact]
    public void Fibonacci() => Compare(_ => TemplateOracle.Run<int>(co => Templates.Fibonacci(4, co)), _ => Templates.Fibonacci(4), 5);

    [Fact]
    public void CountDown() => Compare(_ => TemplateOracle.Run<int, int>(co => Templates.CountDown(3, co)), _ => Templates.CountDown(3), 4);

    [Fact]
    public void Launch() => Compare(_ => TemplateOracle.Run<int>(co => Templates.Launch(co)), _ => Templates.Launch(), 5);

    [Fact]
    public void Loops() => Compare(log => TemplateOracle.Run<int>(co => Templates.Loops(log, co)), log => Templates.Loops(log), 10);

    [Fact]
    public void ForEach() => Compare(
        log => TemplateOracle.Run<int>(co => Templates.ForEach(log, new List<int> { 1, 2 }, new[] { 0, 3 }, "ab", new[] { 7, 800 }, co)),
        log => Templates.ForEach(log, new List<int> { 1, 2 }, new[] { 0, 3 }, "ab", new[] { 7, 800 }),
        8);

    [Fact]
    public void Guarded() => Compare(log => TemplateOracle.Run<int>(co => Templates.Guarded(log, co)), log => Templates.Guarded(log), 5);

    [Fact]
    public void Resources() => Compare(log => TemplateOracle.Run<int>(co => Templates.Resources(log, co)), log => Templates.Resources(log), 5);

    [Fact]
    public void Stubborn() => Compare(log => TemplateOracle.Run<int>(co => Templates.Stubborn(log, co)), log => Templates.Stubborn(log), 3);

    [Fact]
    public void Raising() => Compare(log => TemplateOracle.Run<int>(co => Templates.Raising(log, co)), log => Templates.Raising(log), 3);

    [Fact]
    public void Delegation()
    {
        CoroutineOp[][] sends =
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send("abc"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Throw<ArgumentException>("arg"), CoroutineOp.Send("xy"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Throw<TimeoutException>("late"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send("abc"), CoroutineOp.Close },
        };
        Compare(log => TemplateOracle.Run<int, string>(co => Templates.Delegator(log, co)), log => Templates.Delegator(log), 4, sends);
    }

    [Fact]
    public void Echo()
    {
        CoroutineOp[][] sends =
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send("ab"), CoroutineOp.Send("cd"), CoroutineOp.MoveNext },
            new[] { CoroutineOp.Send("early"), CoroutineOp.MoveNext, CoroutineOp.Send("x"), CoroutineOp.Throw<InvalidOperationException>("no") },
        };
        Compare(log => TemplateOracle.Run<string, string, string>(co => Templates.Echo(log, co)), log => Templates.Echo(log), 3, sends);
    }

    [Fact]
    public void CatchAllIsTheDocumentedDifference()
    {
        // API.md section 4: a catch clause that does not name CoroutineExitException does not intercept it. The C# compiler's
        // lowering cannot know that rule, so on Close the oracle's catch (Exception) swallows the exit and the generated class's does not.
        CoroutineOp[] close = { CoroutineOp.MoveNext, CoroutineOp.Close };
        string oracle = CoroutineDriver.Trace(log => TemplateOracle.Run<int>(co => Templates.CatchAll(log, co)), close);
        string generated = CoroutineDriver.Trace(log => Templates.CatchAll(log), close);
        Assert.Contains("caught CoroutineExitException", oracle);
        Assert.DoesNotContain("caught", generated);
        Assert.Contains("log: finally", generated);

        // Everything else agrees.
        Compare(log => TemplateOracle.Run<int>(co => Templates.CatchAll(log, co)), log => Templates.CatchAll(log), maxSteps: -1,
            Scripts(3).Where(s => !s.Any(op => op == CoroutineOp.Close || op.ToString()!.Contains("CoroutineExitException"))));
    }

    private static void Compare<TYield, TSend, TReturn>(
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> oracle,
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> generated,
        int maxSteps,
        IEnumerable<CoroutineOp[]>? extra = null) // maxSteps < 0: only the extra scripts
    {
        int compared = 0;
        foreach (CoroutineOp[] script in Scripts(maxSteps).Concat(extra ?? Enumerable.Empty<CoroutineOp[]>()))
        {
            string expected = CoroutineDriver.Trace(oracle, script);
            string actual = CoroutineDriver.Trace(generated, script);
            Assert.True(expected == actual, $"Script {string.Join(", ", script.Select(s => s.ToString()))}\n--- oracle ---\n{expected}\n--- generated ---\n{actual}");
            compared++;
        }

        Assert.True(compared > 0);
    }
}
