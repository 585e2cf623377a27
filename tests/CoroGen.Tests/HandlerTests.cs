using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;
using H = CoroGen.Tests.HandlerTemplates;

namespace CoroGen.Tests;

/// <summary>
/// Suspension points in catch and finally blocks, switch statements, checked blocks, labelled gotos, closures over
/// per-iteration variables and pattern variables: every template of the corpus runs through the generated class and
/// through the oracle with Throw and Close injected at every suspension point, and the traces must be equal.
/// </summary>
public sealed partial class HandlerTests
{
    private static readonly CoroutineOp[] ThrowIoe = { CoroutineOp.MoveNext, CoroutineOp.Throw<InvalidOperationException>("boom"), CoroutineOp.Drain(), CoroutineOp.MoveNext };

    public static IEnumerable<object[]> CorpusNames() => Corpus.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void GeneratedMatchesOracle(string name)
    {
        CorpusEntry entry = Corpus[name];
        int compared = 0;
        foreach (CoroutineOp[] script in entry.Scripts())
        {
            string expected = entry.Oracle(script);
            string actual = entry.Generated(script);
            Assert.True(expected == actual, $"{name}: script {string.Join(", ", script.Select(s => s.ToString()))}\n--- oracle ---\n{expected}\n--- generated ---\n{actual}");
            compared++;
        }

        Assert.True(compared > 0);
    }

    // The corpus: name -> entry. Templates live in HandlerTemplates*.cs.
    internal static readonly Dictionary<string, CorpusEntry> Corpus = Build(
        CorpusEntry.Of("Case01_NestedLoopsAndTries", H.Case01_NestedLoopsAndTries, H.Case01_NestedLoopsAndTries, 5),
        CorpusEntry.Of("Case02_BreakThroughTwoFinallys", H.Case02_BreakThroughTwoFinallys, H.Case02_BreakThroughTwoFinallys, 8),
        CorpusEntry.Of("Case02_BreakThroughTwoPlainFinallys", H.Case02_BreakThroughTwoPlainFinallys, H.Case02_BreakThroughTwoPlainFinallys, 2),
        CorpusEntry.Of("Case03_ContinueThroughFinally", H.Case03_ContinueThroughFinally, H.Case03_ContinueThroughFinally, 7),
        CorpusEntry.Of("Case04_ReturnThroughSuspendingFinally", H.Case04_ReturnThroughSuspendingFinally, H.Case04_ReturnThroughSuspendingFinally, 3),
        CorpusEntry.Of("Case05_CloseRunsFinallyOnce", H.Case05_CloseRunsFinallyOnce, H.Case05_CloseRunsFinallyOnce, 4),
        CorpusEntry.Of("Case06_CloseOutsideTry", H.Case06_CloseOutsideTry, H.Case06_CloseOutsideTry, 3),
        CorpusEntry.Of("Case07_FinallyYieldsDuringClose", H.Case07_FinallyYieldsDuringClose, H.Case07_FinallyYieldsDuringClose, 3),
        CorpusEntry.Of("Case08_FinallyThrowsDuringClose", H.Case08_FinallyThrowsDuringClose, H.Case08_FinallyThrowsDuringClose, 2),
        CorpusEntry.Of("Case09_SuspendingSkipsFinally", H.Case09_SuspendingSkipsFinally, H.Case09_SuspendingSkipsFinally, 4),
        CorpusEntry.Of("Case10_FilterRunsFirst", H.Case10_FilterRunsFirst, H.Case10_FilterRunsFirst, 4,
            extra: new[] { CoroutineOp.MoveNext, CoroutineOp.MoveNext, CoroutineOp.Throw<InvalidOperationException>("second"), CoroutineOp.Drain() }),
        CorpusEntry.Of("Case11_RethrowAfterYield", H.Case11_RethrowAfterYield, H.Case11_RethrowAfterYield, 3, extra: ThrowIoe),
        CorpusEntry.Of("Case12_FinallyYieldsTwiceWithPendingException", H.Case12_FinallyYieldsTwiceWithPendingException, H.Case12_FinallyYieldsTwiceWithPendingException, 4),
        CorpusEntry.Of("Case13_PendingBreakAndReturn", H.Case13_PendingBreakAndReturn, H.Case13_PendingBreakAndReturn, 14),
        CorpusEntry.Of("Case14_CatchAllLetsCloseThrough", H.Case14_CatchAllLetsCloseThrough, H.Case14_CatchAllLetsCloseThrough, 3, catchAll: true, extra: ThrowIoe));

    private static Dictionary<string, CorpusEntry> Build(params CorpusEntry[] entries) => entries.ToDictionary(e => e.Name);
}
