using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

// Local functions capturing a per-iteration variable of a lowered loop (REWRITE-DESIGN case 27 with local functions):
// each iteration's local function sees its own variable, whether called, converted to a delegate, or called from a lambda.
public static partial class LocalFunctionTemplates
{
    [Coroutine]
    public static async Coroutine<int> Collect(List<Func<int>> made, List<string> log, Yielder<int> co)
    {
        int total = 0;
        foreach (int x in new[] { 1, 2, 3 })
        {
            int doubled = x * 2;
            int Twice() => doubled + x - x;
            int Plus(int n) => n + x;
            made.Add(Twice);                       // a method-group conversion binds this iteration's variables
            made.Add(() => Plus(100));             // a lambda calling the local function
            await co.Yield(Twice());
            log.Add("after " + x);
            total += Plus(0);
        }

        return total;
    }
}

public sealed class LocalFunctionCaptureTests
{
    [Fact]
    public void EachIterationsLocalFunctionSeesItsOwnVariables()
    {
        var made = new List<Func<int>>();
        var log = new List<string>();
        var coroutine = LocalFunctionTemplates.Collect(made, log);
        var yielded = new List<int>();
        while (coroutine.MoveNext())
        {
            yielded.Add(coroutine.Current);
        }

        Assert.Equal(new[] { 2, 4, 6 }, yielded);
        Assert.Equal(6, coroutine.Result);
        Assert.Equal(new[] { 2, 101, 4, 102, 6, 103 }, made.Select(f => f()).ToArray());
    }

    [Fact]
    public void AgreesWithTheOracle()
    {
        foreach (CoroutineOp[] script in DifferentialTests.Scripts(4))
        {
            var madeByOracle = new List<Func<int>>();
            var madeByGenerated = new List<Func<int>>();
            string oracle = CoroutineDriver.Trace(log => TemplateOracle.Run<int, int>(co => LocalFunctionTemplates.Collect(madeByOracle, log, co)), script);
            string generated = CoroutineDriver.Trace(log => LocalFunctionTemplates.Collect(madeByGenerated, log), script);
            Assert.Equal(oracle, generated);
            Assert.Equal(madeByOracle.Select(f => f()), madeByGenerated.Select(f => f()));
        }
    }
}

public static partial class UsingCaptureTemplates
{
    [Coroutine]
    public static async Coroutine Resources(List<Func<string>> made, List<string> log, Yielder<int> co)
    {
        foreach (int x in new[] { 1, 2 })
        {
            using (var probe = new Templates.Probe(log, "p" + x))
            {
                made.Add(() => probe.ToString() + x);   // each iteration's closure keeps its own resource
                await co.Yield(x);
            }

            using var second = new Templates.Probe(log, "q" + x);
            made.Add(() => second.ToString() + x);
            await co.Yield(-x);
        }
    }
}

public sealed class UsingCaptureTests
{
    [Fact]
    public void AgreesWithTheOracle()
    {
        foreach (CoroutineOp[] script in DifferentialTests.Scripts(5))
        {
            var madeByOracle = new List<Func<string>>();
            var madeByGenerated = new List<Func<string>>();
            string oracle = CoroutineDriver.Trace(log => TemplateOracle.Run<int>(co => UsingCaptureTemplates.Resources(madeByOracle, log, co)), script);
            string generated = CoroutineDriver.Trace(log => UsingCaptureTemplates.Resources(madeByGenerated, log), script);
            Assert.Equal(oracle, generated);
            Assert.Equal(madeByOracle.Select(f => f()), madeByGenerated.Select(f => f()));
        }
    }
}

// Found by the differential fuzzer: a for loop's variable, declared once per iteration of an enclosing lowered loop and
// captured by a local function, was assigned without its box, so the generated code did not compile.
public static partial class ForVariableCaptureTemplates
{
    [Coroutine]
    public static async Coroutine<int> Nested(List<Func<int>> made, Yielder<int, int> co)
    {
        int rounds = 0;
        while (rounds++ < 2)
        {
            for (int i = 0; i < 2; i++)
            {
                i += await co.Yield(i);
                int Peek() => i + 100 * rounds;
                made.Add(Peek);
            }
        }

        return rounds;
    }
}

public sealed class ForVariableCaptureTests
{
    [Fact]
    public void AgreesWithTheOracle()
    {
        foreach (CoroutineOp[] script in DifferentialTests.Scripts(5).Append(new[] { CoroutineOp.MoveNext, CoroutineOp.Send(1), CoroutineOp.Drain() }))
        {
            var madeByOracle = new List<Func<int>>();
            var madeByGenerated = new List<Func<int>>();
            string oracle = CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => ForVariableCaptureTemplates.Nested(madeByOracle, co)), script);
            string generated = CoroutineDriver.Trace(log => ForVariableCaptureTemplates.Nested(madeByGenerated), script);
            Assert.Equal(oracle, generated);
            Assert.Equal(madeByOracle.Select(f => f()), madeByGenerated.Select(f => f()));
        }
    }
}
