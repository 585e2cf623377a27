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

    [Fact]
    public void TheCorpusHasAtLeastEightyTemplates() => Assert.True(Corpus.Count >= 80, $"only {Corpus.Count} templates in the corpus");

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
        CorpusEntry.Of("Case14_CatchAllLetsCloseThrough", H.Case14_CatchAllLetsCloseThrough, H.Case14_CatchAllLetsCloseThrough, 3, catchAll: true, extra: ThrowIoe),
        CorpusEntry.Of("CatchYieldsThenContinues", H.CatchYieldsThenContinues, H.CatchYieldsThenContinues, 3),
        CorpusEntry.Of("CatchFilterReadsVariable", H.CatchFilterReadsVariable, H.CatchFilterReadsVariable, 2),
        CorpusEntry.Of("TwoMovedCatches", H.TwoMovedCatches, H.TwoMovedCatches, 5),
        CorpusEntry.Of("MovedAndPlainCatches", H.MovedAndPlainCatches, H.MovedAndPlainCatches, 4),
        CorpusEntry.Of("CatchExitAndYield", H.CatchExitAndYield, H.CatchExitAndYield, 2),
        CorpusEntry.Of("CatchExitAndReturn", H.CatchExitAndReturn, H.CatchExitAndReturn, 3),
        CorpusEntry.Of("BreakFromMovedCatch", H.BreakFromMovedCatch, H.BreakFromMovedCatch, 6),
        CorpusEntry.Of("ReturnFromMovedCatch", H.ReturnFromMovedCatch, H.ReturnFromMovedCatch, 3),
        CorpusEntry.Of("NestedMovedCatch", H.NestedMovedCatch, H.NestedMovedCatch, 4),
        CorpusEntry.Of("RethrowFromTryInsideHandler", H.RethrowFromTryInsideHandler, H.RethrowFromTryInsideHandler, 3),
        CorpusEntry.Of("CatchInsideHandlerRethrowsItsOwn", H.CatchInsideHandlerRethrowsItsOwn, H.CatchInsideHandlerRethrowsItsOwn, 3),
        CorpusEntry.Of("HandlerThrowsNewException", H.HandlerThrowsNewException, H.HandlerThrowsNewException, 3),
        CorpusEntry.Of("MovedCatchWithSuspendingFinally", H.MovedCatchWithSuspendingFinally, H.MovedCatchWithSuspendingFinally, 4),
        CorpusEntry.Of("PlainCatchWithSuspendingFinally", H.PlainCatchWithSuspendingFinally, H.PlainCatchWithSuspendingFinally, 3),
        CorpusEntry.Of("SuspendingFinallyWithoutSuspendingTry", H.SuspendingFinallyWithoutSuspendingTry, H.SuspendingFinallyWithoutSuspendingTry, 4),
        CorpusEntry.Of("ThreeFinallysAndReturn", H.ThreeFinallysAndReturn, H.ThreeFinallysAndReturn, 4),
        CorpusEntry.Of("GotoOutOfTwoFinallys", H.GotoOutOfTwoFinallys, H.GotoOutOfTwoFinallys, 7),
        CorpusEntry.Of("SuspendingFinallyInUsing", H.SuspendingFinallyInUsing, H.SuspendingFinallyInUsing, 3),
        CorpusEntry.Of("SuspendingFinallyInForeach", H.SuspendingFinallyInForeach, H.SuspendingFinallyInForeach, 5),
        CorpusEntry.Of("ContinueWhileThroughFinally", H.ContinueWhileThroughFinally, H.ContinueWhileThroughFinally, 4),
        CorpusEntry.Of("BareCatchYields", H.BareCatchYields, H.BareCatchYields, 3, catchAll: true, extra: ThrowIoe),
        CorpusEntry.Of("FilterFalseNeverRunsHandler", H.FilterFalseNeverRunsHandler, H.FilterFalseNeverRunsHandler, 2),
        CorpusEntry.Of("ExceptionInsideSuspendingFinallyReplaces", H.ExceptionInsideSuspendingFinallyReplaces, H.ExceptionInsideSuspendingFinallyReplaces, 3),
        CorpusEntry.Of("ThrowInsideCatchYieldLoop", H.ThrowInsideCatchYieldLoop, H.ThrowInsideCatchYieldLoop, 5),
        CorpusEntry.Of("FinallyYieldsInLoopInsideFinally", H.FinallyYieldsInLoopInsideFinally, H.FinallyYieldsInLoopInsideFinally, 4),
        CorpusEntry.Of("SwitchOnIntInLoop", H.SwitchOnIntInLoop, H.SwitchOnIntInLoop, 6),
        CorpusEntry.Of("SwitchOnTypePatterns", H.SwitchOnTypePatterns, H.SwitchOnTypePatterns, 6),
        CorpusEntry.Of("SwitchOnStrings", H.SwitchOnStrings, H.SwitchOnStrings, 6),
        CorpusEntry.Of("SwitchDefaultInTheMiddle", H.SwitchDefaultInTheMiddle, H.SwitchDefaultInTheMiddle, 4),
        CorpusEntry.Of("SwitchReturnsFromSection", H.SwitchReturnsFromSection, H.SwitchReturnsFromSection, 4),
        CorpusEntry.Of("NestedSwitches", H.NestedSwitches, H.NestedSwitches, 4),
        CorpusEntry.Of("SwitchInsideSuspendingFinally", H.SwitchInsideSuspendingFinally, H.SwitchInsideSuspendingFinally, 6),
        CorpusEntry.Of("SwitchOnEnum", H.SwitchOnEnum, H.SwitchOnEnum, 4),
        CorpusEntry.Of("SwitchWithoutMatch", H.SwitchWithoutMatch, H.SwitchWithoutMatch, 2),
        CorpusEntry.Of("SwitchWhenClauses", H.SwitchWhenClauses, H.SwitchWhenClauses, 5),
        CorpusEntry.Of("SwitchSectionLocals", H.SwitchSectionLocals, H.SwitchSectionLocals, 3),
        CorpusEntry.Of("SwitchThrowsInSection", H.SwitchThrowsInSection, H.SwitchThrowsInSection, 3),
        CorpusEntry.Of("CheckedOverflowAfterYield", H.CheckedOverflowAfterYield, H.CheckedOverflowAfterYield, 2),
        CorpusEntry.Of("UncheckedWraps", H.UncheckedWraps, H.UncheckedWraps, 3),
        CorpusEntry.Of("CheckedInsideUnchecked", H.CheckedInsideUnchecked, H.CheckedInsideUnchecked, 3),
        CorpusEntry.Of("CheckedLoopCondition", H.CheckedLoopCondition, H.CheckedLoopCondition, 7),
        CorpusEntry.Of("CheckedSwitchSection", H.CheckedSwitchSection, H.CheckedSwitchSection, 2),
        CorpusEntry.Of("Case27_ForeachClosures", H.Case27_ForeachClosures, H.Case27_ForeachClosures, 7),
        CorpusEntry.Of("Case27_ForeachDeconstructionClosures", H.Case27_ForeachDeconstructionClosures, H.Case27_ForeachDeconstructionClosures, 5),
        CorpusEntry.Of("ConstLocals", H.ConstLocals, H.ConstLocals, 5),
        CorpusEntry.Of("Case27_BodyLocalClosures", H.Case27_BodyLocalClosures, H.Case27_BodyLocalClosures, 4),
        CorpusEntry.Of("Case27_WhileBodyClosuresThatWrite", H.Case27_WhileBodyClosuresThatWrite, H.Case27_WhileBodyClosuresThatWrite, 4),
        CorpusEntry.Of("Case27_ForVariableIsShared", H.Case27_ForVariableIsShared, H.Case27_ForVariableIsShared, 4),
        CorpusEntry.Of("Case27_NestedLambdas", H.Case27_NestedLambdas, H.Case27_NestedLambdas, 3),
        CorpusEntry.Of("Case27_OutVarCaptured", H.Case27_OutVarCaptured, H.Case27_OutVarCaptured, 4),
        CorpusEntry.Of("Case27_ClosureInSwitchInLoop", H.Case27_ClosureInSwitchInLoop, H.Case27_ClosureInSwitchInLoop, 4),
        CorpusEntry.Of("Case28_SiblingLocals", H.Case28_SiblingLocals, H.Case28_SiblingLocals, 5),
        CorpusEntry.Of("Case29_PatternVariables", H.Case29_PatternVariables, H.Case29_PatternVariables, 4),
        CorpusEntry.Of("PatternInWhileCondition", H.PatternInWhileCondition, H.PatternInWhileCondition, 3),
        CorpusEntry.Of("PatternInDeclaration", H.PatternInDeclaration, H.PatternInDeclaration, 2),
        CorpusEntry.Of("PatternVariablesInLoop", H.PatternVariablesInLoop, H.PatternVariablesInLoop, 3),
        CorpusEntry.Of("GotoBackwardLoop", H.GotoBackwardLoop, H.GotoBackwardLoop, 4),
        CorpusEntry.Of("GotoForwardPastYields", H.GotoForwardPastYields, H.GotoForwardPastYields, 3),
        CorpusEntry.Of("GotoOutOfNestedLoops", H.GotoOutOfNestedLoops, H.GotoOutOfNestedLoops, 6),
        CorpusEntry.Of("SameLabelInSiblingBlocks", H.SameLabelInSiblingBlocks, H.SameLabelInSiblingBlocks, 5),
        CorpusEntry.Of("GotoOutOfUsingAndFinally", H.GotoOutOfUsingAndFinally, H.GotoOutOfUsingAndFinally, 5),
        CorpusEntry.Of("Case30_UsingVarStruct", H.Case30_UsingVarStruct, H.Case30_UsingVarStruct, 3),
        CorpusEntry.Of("Case31_ForeachList", H.Case31_ForeachList, H.Case31_ForeachList, 4),
        CorpusEntry.Of("Case32_ForeachThrowingDispose", H.Case32_ForeachThrowingDispose, H.Case32_ForeachThrowingDispose, 7));

    private static Dictionary<string, CorpusEntry> Build(params CorpusEntry[] entries)
    {
        var corpus = entries.ToDictionary(e => e.Name);
        foreach (CorpusEntry entry in MoreEntries())
        {
            corpus.Add(entry.Name, entry);
        }

        return corpus;
    }

    private static IEnumerable<CorpusEntry> MoreEntries()
    {
        // 33 (and 39's Send before start, Throw before start, Send after finish): the governing expression takes the sent value.
        yield return CorpusEntry.Of("Case33_SwitchWithGotoCase", H.Case33_SwitchWithGotoCase, H.Case33_SwitchWithGotoCase, 3, false,
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(0), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(1), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(2), CoroutineOp.Drain(), CoroutineOp.Send(3) },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(7), CoroutineOp.Send(1), CoroutineOp.Drain() },
            new[] { CoroutineOp.Send(5), CoroutineOp.MoveNext, CoroutineOp.Send(2), CoroutineOp.MoveNext, CoroutineOp.MoveNext },
            new[] { CoroutineOp.Throw<InvalidOperationException>("before start"), CoroutineOp.MoveNext },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(0), CoroutineOp.Throw<InvalidOperationException>("in section"), CoroutineOp.MoveNext });

        yield return CorpusEntry.Of("ReturnFromCatchThroughSuspendingFinally", H.ReturnFromCatchThroughSuspendingFinally, H.ReturnFromCatchThroughSuspendingFinally, 4);
        yield return CorpusEntry.Of("CloseInsideMovedCatchRunsFinally", H.CloseInsideMovedCatchRunsFinally, H.CloseInsideMovedCatchRunsFinally, 3);
        yield return CorpusEntry.Of("GotoCaseThroughSuspendingFinally", H.GotoCaseThroughSuspendingFinally, H.GotoCaseThroughSuspendingFinally, 7);
        yield return CorpusEntry.Of("GotoLabelFromMovedCatch", H.GotoLabelFromMovedCatch, H.GotoLabelFromMovedCatch, 6);
        yield return CorpusEntry.Of("ClosuresOverCatchVariablesInLoop", H.ClosuresOverCatchVariablesInLoop, H.ClosuresOverCatchVariablesInLoop, 7);
        yield return CorpusEntry.Of("PendingExceptionsAtTwoLevels", H.PendingExceptionsAtTwoLevels, H.PendingExceptionsAtTwoLevels, 4);
        yield return CorpusEntry.Of("SuspendingFinallyCatchesLaterHandler", H.SuspendingFinallyCatchesLaterHandler, H.SuspendingFinallyCatchesLaterHandler, 4);
        yield return CorpusEntry.Of("YieldInFinallyInsideMovedCatch", H.YieldInFinallyInsideMovedCatch, H.YieldInFinallyInsideMovedCatch, 4);
        yield return CorpusEntry.Of("ContinueAndReturnThroughThreeLevels", H.ContinueAndReturnThroughThreeLevels, H.ContinueAndReturnThroughThreeLevels, 12);
        yield return CorpusEntry.Of("SwitchInMovedCatch", H.SwitchInMovedCatch, H.SwitchInMovedCatch, 5);
        yield return CorpusEntry.Of("CheckedInsideSuspendingFinally", H.CheckedInsideSuspendingFinally, H.CheckedInsideSuspendingFinally, 3);
        yield return CorpusEntry.Of("PatternVariableInMovedCatch", H.PatternVariableInMovedCatch, H.PatternVariableInMovedCatch, 2);
        yield return CorpusEntry.Of("UsingDeclarationInsideSuspendingFinally", H.UsingDeclarationInsideSuspendingFinally, H.UsingDeclarationInsideSuspendingFinally, 3);

        // 7, twice: Close while the finally yields is ignored; a second Close raises the exit at that yield.
        yield return CorpusEntry.Of("Case07_CloseTwice", H.Case07_FinallyYieldsDuringClose, H.Case07_FinallyYieldsDuringClose, -1, false,
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.Close, CoroutineOp.MoveNext },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.Throw<FormatException>("during the finally"), CoroutineOp.MoveNext },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Throw<FormatException>("pending"), CoroutineOp.Close, CoroutineOp.MoveNext });

        yield return CorpusEntry.Of("DelegateInFinally", H.DelegateInFinally, H.DelegateInFinally, 4);
        yield return CorpusEntry.Of("DelegateInCatch", H.DelegateInCatch, H.DelegateInCatch, 4);
        CoroutineOp[][] afterIgnoredClose =
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.Throw<FormatException>("into the sub"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.Throw<InvalidOperationException>("not caught"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.ThrowExit, CoroutineOp.Drain() },
        };
        yield return CorpusEntry.Of("DelegateAfterCatchingTheExit", H.DelegateAfterCatchingTheExit, H.DelegateAfterCatchingTheExit, 3, false, afterIgnoredClose);
        yield return CorpusEntry.Of("DelegateAfterAFinallyReplacesTheExit", H.DelegateAfterAFinallyReplacesTheExit, H.DelegateAfterAFinallyReplacesTheExit, 3, false, afterIgnoredClose);
        yield return CorpusEntry.Of("DelegateInFinallyAfterIgnoredClose", H.DelegateInFinally, H.DelegateInFinally, -1, false, afterIgnoredClose);
        yield return CorpusEntry.Of("DelegateInCatchAfterIgnoredClose", H.DelegateInCatch, H.DelegateInCatch, -1, false, afterIgnoredClose);
        yield return CorpusEntry.Of("YieldAllInFinally", H.YieldAllInFinally, H.YieldAllInFinally, 4);
        yield return CorpusEntry.Of("FilterOrderAroundSuspendingFinally", H.FilterOrderAroundSuspendingFinally, H.FilterOrderAroundSuspendingFinally, 3);
        yield return CorpusEntry.Of("SwitchSectionSharesLocals", H.SwitchSectionSharesLocals, H.SwitchSectionSharesLocals, 3);
        yield return CorpusEntry.Of("SiblingIfPatternVariables", H.SiblingIfPatternVariables, H.SiblingIfPatternVariables, 2);
        yield return CorpusEntry.Of("SwitchOnTuple", H.SwitchOnTuple, H.SwitchOnTuple, 5);
        yield return CorpusEntry.Of("ReturnFromCheckedBlock", H.ReturnFromCheckedBlock, H.ReturnFromCheckedBlock, 4);
        yield return CorpusEntry.Of("UsingInSwitchSection", H.UsingInSwitchSection, H.UsingInSwitchSection, 3);
        yield return CorpusEntry.Of("MovedHandlersInNestedLoops", H.MovedHandlersInNestedLoops, H.MovedHandlersInNestedLoops, 8);
        yield return CorpusEntry.Of("CatchWithoutVariableRethrows", H.CatchWithoutVariableRethrows, H.CatchWithoutVariableRethrows, 3);
        yield return CorpusEntry.Of("FinallyThrowDiscardsPendingReturn", H.FinallyThrowDiscardsPendingReturn, H.FinallyThrowDiscardsPendingReturn, 3);
        yield return CorpusEntry.Of("FinallyThrowDiscardsPendingBreak", H.FinallyThrowDiscardsPendingBreak, H.FinallyThrowDiscardsPendingBreak, 4);

        // 39: a re-entrant MoveNext from a lambda the moved-out finally calls.
        yield return CorpusEntry.Pair<int, Unit, Unit>(
            "Case39_ReentrantFromFinally",
            log =>
            {
                Coroutine<int, Unit, Unit>? self = null;
                self = TemplateOracle.Run<int>(co => H.Case39_ReentrantFromFinally(log, () => self!.MoveNext(), co));
                return self;
            },
            log =>
            {
                Coroutine<int, Unit, Unit>? self = null;
                self = H.Case39_ReentrantFromFinally(log, () => self!.MoveNext());
                return self;
            },
            3);

        // 40: generic template in a generic type with a private nested type.
        yield return CorpusEntry.Pair<string, Unit, int>(
            "Case40_GenericWalk",
            log => TemplateOracle.Run<string, int>(co => new Box<string>("b", "a", "c").Case40_Walk(log, s => s, co)),
            log => new Box<string>("b", "a", "c").Case40_Walk(log, s => s),
            6);
    }
}
