using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// The driver that ExpressionTests and ConstructTests share (DifferentialTests uses its injections): each template runs under the oracle (the C# compiler's own
/// lowering of the same method) and as its generated class with the same scripts, and the traces (yields, logged side
/// effects, exceptions, final state) must be identical.
/// </summary>
internal static class OracleComparison
{
    /// <summary>The operations injected at every suspension point: a plain resume, Close, two exception types, the exit.</summary>
    internal static readonly Func<CoroutineOp>[] Injections =
    {
        () => CoroutineOp.MoveNext,
        () => CoroutineOp.Close,
        () => CoroutineOp.Throw<InvalidOperationException>("boom"),
        () => CoroutineOp.Throw<FormatException>("bad"),
        () => CoroutineOp.ThrowExit,
    };

    /// <summary>
    /// Every injection after k steps (0 sent each time) and after k sends of 1, 2, 3..., for k up to
    /// <paramref name="maxSteps"/>; then one run per entry of <paramref name="sentRuns"/>, sending its values in order.
    /// </summary>
    internal static IEnumerable<CoroutineOp[]> Scripts(int maxSteps, int[][] sentRuns)
    {
        for (int k = 0; k <= maxSteps; k++)
        {
            foreach (Func<CoroutineOp> inject in Injections)
            {
                yield return Enumerable.Repeat(CoroutineOp.MoveNext, k).Append(inject()).Append(CoroutineOp.Drain()).Append(CoroutineOp.MoveNext).ToArray();
                yield return new[] { CoroutineOp.MoveNext }.Concat(Enumerable.Range(1, k).Select(i => CoroutineOp.Send(i))).Append(inject()).Append(CoroutineOp.Drain()).ToArray();
            }
        }

        foreach (int[] values in sentRuns)
        {
            yield return new[] { CoroutineOp.MoveNext }.Concat(values.Select(v => CoroutineOp.Send(v))).Append(CoroutineOp.Drain()).ToArray();
        }
    }

    internal static void Compare<TYield, TSend, TReturn>(
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> oracle,
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> generated,
        int maxSteps,
        int[][] sentRuns)
    {
        foreach (CoroutineOp[] script in Scripts(maxSteps, sentRuns))
        {
            string expected = CoroutineDriver.Trace(oracle, script);
            string actual = CoroutineDriver.Trace(generated, script);
            Assert.True(expected == actual, $"Script {string.Join(", ", script.Select(s => s.ToString()))}\n--- oracle ---\n{expected}\n--- generated ---\n{actual}");
        }
    }
}
