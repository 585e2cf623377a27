using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;
using T = CoroGen.Tests.ConstructTemplates;

namespace CoroGen.Tests;

/// <summary>
/// C# constructs the random-template fuzzer does not generate (switch expressions, patterns, deconstruction, compound and
/// null-coalescing assignment, conditional access, initializers, using, foreach over arrays, lists and struct enumerators,
/// checked blocks, goto, closures, generics, ref and span locals, params, throw expressions, out var, recursion, instance
/// templates in generic nested types), each with suspension points inside or across it: every template of ConstructTemplates
/// runs against the oracle with Throw, Close and the exit injected at every suspension point and with several sent values.
/// </summary>
public sealed class ConstructTests
{
    private static readonly Dictionary<string, (Func<List<string>, Coroutine<int, int, string>> Oracle, Func<List<string>, Coroutine<int, int, string>> Generated)> Corpus = new()
    {
        ["AttributedLocalFunctionAndLambda"] = (log => TemplateOracle.Run<int, int, string>(co => T.AttributedLocalFunctionAndLambda(log, co)), log => T.AttributedLocalFunctionAndLambda(log)),
        ["WhileConditionVariablesPerIteration"] = (log => TemplateOracle.Run<int, int, string>(co => T.WhileConditionVariablesPerIteration(log, co)), log => T.WhileConditionVariablesPerIteration(log)),
        ["ForHeaderVariables"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForHeaderVariables(log, co)), log => T.ForHeaderVariables(log)),
        ["CollectionAndResourceVariables"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionAndResourceVariables(log, co)), log => T.CollectionAndResourceVariables(log)),
        ["ForeachMultiDimensionalArray"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachMultiDimensionalArray(log, co)), log => T.ForeachMultiDimensionalArray(log)),
        ["LocalFunctionCallsACapturingOne"] = (log => TemplateOracle.Run<int, int, string>(co => T.LocalFunctionCallsACapturingOne(log, co)), log => T.LocalFunctionCallsACapturingOne(log)),
        ["ForeachOverAFactoryCaptured"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachOverAFactoryCaptured(log, co)), log => T.ForeachOverAFactoryCaptured(log)),
        ["InitOnlyAndRequiredMembers"] = (log => TemplateOracle.Run<int, int, string>(co => T.InitOnlyAndRequiredMembers(log, co)), log => T.InitOnlyAndRequiredMembers(log)),
        ["CheckedUserDefinedCompoundAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedUserDefinedCompoundAssignment(log, co)), log => T.CheckedUserDefinedCompoundAssignment(log)),
        ["UserDefinedCompoundAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.UserDefinedCompoundAssignment(log, co)), log => T.UserDefinedCompoundAssignment(log)),
        ["MultiLineStringLiterals"] = (log => TemplateOracle.Run<int, int, string>(co => T.MultiLineStringLiterals(log, co)), log => T.MultiLineStringLiterals(log)),
        ["PerIterationVariablesWithoutTheirDeclaration"] = (log => TemplateOracle.Run<int, int, string>(co => T.PerIterationVariablesWithoutTheirDeclaration(log, co)), log => T.PerIterationVariablesWithoutTheirDeclaration(log)),
        ["FilterAndWhenVariablesCaptured"] = (log => TemplateOracle.Run<int, int, string>(co => T.FilterAndWhenVariablesCaptured(log, co)), log => T.FilterAndWhenVariablesCaptured(log)),
        ["MoreLoopHeaderShapes"] = (log => TemplateOracle.Run<int, int, string>(co => T.MoreLoopHeaderShapes(log, co)), log => T.MoreLoopHeaderShapes(log)),
        ["LambdaParameterNamedLikeABox"] = (log => TemplateOracle.Run<int, int, string>(co => T.LambdaParameterNamedLikeABox(log, co)), log => T.LambdaParameterNamedLikeABox(log)),
        ["PatternVariablesAssignedWhenUnmatched"] = (log => TemplateOracle.Run<int, int, string>(co => T.PatternVariablesAssignedWhenUnmatched(log, co)), log => T.PatternVariablesAssignedWhenUnmatched(log)),
        ["GotoReentersForCatchAndSwitch"] = (log => TemplateOracle.Run<int, int, string>(co => T.GotoReentersForCatchAndSwitch(log, co)), log => T.GotoReentersForCatchAndSwitch(log)),
        ["SwitchWhenSuspendsDeclares"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchWhenSuspendsDeclares(log, co)), log => T.SwitchWhenSuspendsDeclares(log)),
        ["GotoCaseReentersABlock"] = (log => TemplateOracle.Run<int, int, string>(co => T.GotoCaseReentersABlock(log, co)), log => T.GotoCaseReentersABlock(log)),
        ["EmbeddedStatementVariableInALabeledBlock"] = (log => TemplateOracle.Run<int, int, string>(co => T.EmbeddedStatementVariableInALabeledBlock(log, co)), log => T.EmbeddedStatementVariableInALabeledBlock(log)),
        ["OneVariablePerScopeEntry"] = (log => TemplateOracle.Run<int, int, string>(co => T.OneVariablePerScopeEntry(log, co)), log => T.OneVariablePerScopeEntry(log)),
        ["UsingResourceReadByAQuery"] = (log => TemplateOracle.Run<int, int, string>(co => T.UsingResourceReadByAQuery(log, co)), log => T.UsingResourceReadByAQuery(log)),
        ["BlockReenteredByGoto"] = (log => TemplateOracle.Run<int, int, string>(co => T.BlockReenteredByGoto(log, co)), log => T.BlockReenteredByGoto(log)),
        ["UsingOnStructTypeParameter"] = (log => TemplateOracle.Run<int, int, string>(co => T.UsingOnStructTypeParameter(log, new StructRes(log), co)), log => T.UsingOnStructTypeParameter(log, new StructRes(log))),
        ["ParenthesizedDelegation"] = (log => TemplateOracle.Run<int, int, string>(co => T.ParenthesizedDelegation(log, co)), log => T.ParenthesizedDelegation(log)),
        ["SwitchArmsPatterns"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchArmsPatterns(log, co)), log => T.SwitchArmsPatterns(log)),
        ["SwitchGoverningRelational"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchGoverningRelational(log, co)), log => T.SwitchGoverningRelational(log)),
        ["IsPatternDeclarationUsedAfterYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.IsPatternDeclarationUsedAfterYield(log, co)), log => T.IsPatternDeclarationUsedAfterYield(log)),
        ["ListPatternAcrossYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.ListPatternAcrossYield(log, co)), log => T.ListPatternAcrossYield(log)),
        ["PatternInLoopCondition"] = (log => TemplateOracle.Run<int, int, string>(co => T.PatternInLoopCondition(log, co)), log => T.PatternInLoopCondition(log)),
        ["SwitchStatementPatternVariables"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchStatementPatternVariables(log, co)), log => T.SwitchStatementPatternVariables(log)),
        ["TupleSwapWithYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.TupleSwapWithYield(log, co)), log => T.TupleSwapWithYield(log)),
        ["DeconstructIntoArrayElements"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructIntoArrayElements(log, co)), log => T.DeconstructIntoArrayElements(log)),
        ["DeconstructRecordAfterYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructRecordAfterYield(log, co)), log => T.DeconstructRecordAfterYield(log)),
        ["CompoundPostIncrementIndex"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundPostIncrementIndex(log, co)), log => T.CompoundPostIncrementIndex(log)),
        ["CoalesceAssignIndexerOnce"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceAssignIndexerOnce(log, co)), log => T.CoalesceAssignIndexerOnce(log)),
        ["CompoundOnHoistedStructField"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundOnHoistedStructField(log, co)), log => T.CompoundOnHoistedStructField(log)),
        ["ConditionalAccessCallArguments"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessCallArguments(log, co)), log => T.ConditionalAccessCallArguments(log)),
        ["InterpolationAlignmentAndNested"] = (log => TemplateOracle.Run<int, int, string>(co => T.InterpolationAlignmentAndNested(log, co)), log => T.InterpolationAlignmentAndNested(log)),
        ["CollectionExpressionsWithSpread"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionExpressionsWithSpread(log, co)), log => T.CollectionExpressionsWithSpread(log)),
        ["NestedObjectInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.NestedObjectInitializer(log, co)), log => T.NestedObjectInitializer(log)),
        ["UsingDeclarationsAcrossYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.UsingDeclarationsAcrossYields(log, co)), log => T.UsingDeclarationsAcrossYields(log)),
        ["ForeachArrayBreak"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachArrayBreak(log, co)), log => T.ForeachArrayBreak(log)),
        ["ForeachListEnumerator"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachListEnumerator(log, co)), log => T.ForeachListEnumerator(log)),
        ["ForeachCustomStructEnumerator"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachCustomStructEnumerator(log, co)), log => T.ForeachCustomStructEnumerator(log)),
        ["ForeachSpanWithoutSuspension"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachSpanWithoutSuspension(log, co)), log => T.ForeachSpanWithoutSuspension(log)),
        ["ForeachNestedBreakAndContinue"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachNestedBreakAndContinue(log, co)), log => T.ForeachNestedBreakAndContinue(log)),
        ["CheckedUncheckedBlocks"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedUncheckedBlocks(log, co)), log => T.CheckedUncheckedBlocks(log)),
        ["CheckedAroundSuspendingTries"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedAroundSuspendingTries(log, co)), log => T.CheckedAroundSuspendingTries(log)),
        ["SameNamedLocalFunctionsInFlattenedBlocks"] = (log => TemplateOracle.Run<int, int, string>(co => T.SameNamedLocalFunctionsInFlattenedBlocks(log, co)), log => T.SameNamedLocalFunctionsInFlattenedBlocks(log)),
        ["GotoAcrossYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.GotoAcrossYields(log, co)), log => T.GotoAcrossYields(log)),
        ["ClosureInLoopPerIterationNotLive"] = (log => TemplateOracle.Run<int, int, string>(co => T.ClosureInLoopPerIterationNotLive(log, co)), log => T.ClosureInLoopPerIterationNotLive(log)),
        ["RefAndSpanLocalsInBlocks"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefAndSpanLocalsInBlocks(log, co)), log => T.RefAndSpanLocalsInBlocks(log)),
        ["SpanPerIterationBeforeYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanPerIterationBeforeYield(log, co)), log => T.SpanPerIterationBeforeYield(log)),
        ["StackallocScopedAndRefReadonly"] = (log => TemplateOracle.Run<int, int, string>(co => T.StackallocScopedAndRefReadonly(log, co)), log => T.StackallocScopedAndRefReadonly(log)),
        ["SpanReassignedInLoopWithTwoYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanReassignedInLoopWithTwoYields(log, co)), log => T.SpanReassignedInLoopWithTwoYields(log)),
        ["SameNamedSpansInFlattenedBlocks"] = (log => TemplateOracle.Run<int, int, string>(co => T.SameNamedSpansInFlattenedBlocks(log, co)), log => T.SameNamedSpansInFlattenedBlocks(log)),
        ["SpanLocalsInHandlersAndSwitches"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanLocalsInHandlersAndSwitches(log, co)), log => T.SpanLocalsInHandlersAndSwitches(log)),
        ["SpanInNestedStatementsThatSuspend"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanInNestedStatementsThatSuspend(log, co)), log => T.SpanInNestedStatementsThatSuspend(log)),
        ["SpanInSwitchTryUsingAndGoto"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanInSwitchTryUsingAndGoto(log, co)), log => T.SpanInSwitchTryUsingAndGoto(log)),
        ["RefAndSpanToAHoistedLocalThenToStackMemory"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefAndSpanToAHoistedLocalThenToStackMemory(log, co)), log => T.RefAndSpanToAHoistedLocalThenToStackMemory(log)),
        ["RefLocalReboundAfterEachYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefLocalReboundAfterEachYield(log, co)), log => T.RefLocalReboundAfterEachYield(log)),
        ["SpanDeclaredByAnOutArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpanDeclaredByAnOutArgument(log, co)), log => T.SpanDeclaredByAnOutArgument(log)),
        ["ParamsOptionalNamed"] = (log => TemplateOracle.Run<int, int, string>(co => T.ParamsOptionalNamed(log, co)), log => T.ParamsOptionalNamed(log)),
        ["AllowsRefStructLocalDeadAtYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.AllowsRefStructLocalDeadAtYields<ReadOnlySpan<char>>(log, n => "abcdefgh".AsSpan(0, Math.Clamp(n, 0, 8)), s => s.Length, co)),
            log => T.AllowsRefStructLocalDeadAtYields<ReadOnlySpan<char>>(log, n => "abcdefgh".AsSpan(0, Math.Clamp(n, 0, 8)), s => s.Length)),
        ["ParamsCollections"] = (log => TemplateOracle.Run<int, int, string>(co => T.ParamsCollections(log, co)), log => T.ParamsCollections(log)),
        ["ThrowExpressionsAndDefaults"] = (log => TemplateOracle.Run<int, int, string>(co => T.ThrowExpressionsAndDefaults(log, co)), log => T.ThrowExpressionsAndDefaults(log)),
        ["OutVarNextToAwait"] = (log => TemplateOracle.Run<int, int, string>(co => T.OutVarNextToAwait(log, co)), log => T.OutVarNextToAwait(log)),
        ["RecursionDriver"] = (log => TemplateOracle.Run<int, int, string>(co => T.RecursionDriver(log, co)), log => T.RecursionDriver(log)),
        ["DelegationInPatternsAndSwitches"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegationInPatternsAndSwitches(log, co)), log => T.DelegationInPatternsAndSwitches(log)),
        ["TupleEqualityAndNames"] = (log => TemplateOracle.Run<int, int, string>(co => T.TupleEqualityAndNames(log, co)), log => T.TupleEqualityAndNames(log)),
        ["IteratorForeachBreakAndGoto"] = (log => TemplateOracle.Run<int, int, string>(co => T.IteratorForeachBreakAndGoto(log, co)), log => T.IteratorForeachBreakAndGoto(log)),
        ["CatchFilterPatternVariable"] = (log => TemplateOracle.Run<int, int, string>(co => T.CatchFilterPatternVariable(log, co)), log => T.CatchFilterPatternVariable(log)),
        ["StructLocalsAcrossYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructLocalsAcrossYields(log, co)), log => T.StructLocalsAcrossYields(log)),
        ["GenericLocalFunctions"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericLocalFunctions(log, co)), log => T.GenericLocalFunctions(log)),
        ["CheckedConversionsAcrossYield"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedConversionsAcrossYield(log, co)), log => T.CheckedConversionsAcrossYield(log)),
        ["DefaultAndNameofArguments"] = (log => TemplateOracle.Run<int, int, string>(co => T.DefaultAndNameofArguments(log, co)), log => T.DefaultAndNameofArguments(log)),
        ["GenericRecursion"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericRecursion(log, co)), log => T.GenericRecursion(log)),
        ["IndexFromEndBeforeSuspension"] = (log => TemplateOracle.Run<int, int, string>(co => T.IndexFromEndBeforeSuspension(log, co)), log => T.IndexFromEndBeforeSuspension(log)),
        ["InterpolatedStringBuilder"] = (log => TemplateOracle.Run<int, int, string>(co => T.InterpolatedStringBuilder(log, co)), log => T.InterpolatedStringBuilder(log)),
        ["DeconstructDelegationResult"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructDelegationResult(log, co)), log => T.DeconstructDelegationResult(log)),
        ["GotoCaseOutOfUsingBlocks"] = (log => TemplateOracle.Run<int, int, string>(co => T.GotoCaseOutOfUsingBlocks(log, co)), log => T.GotoCaseOutOfUsingBlocks(log)),
        ["ClosureModifiesParameterWhileSuspended"] = (log => TemplateOracle.Run<int, int, string>(co => T.ClosureModifiesParameterWhileSuspended(log, 5, co)), log => T.ClosureModifiesParameterWhileSuspended(log, 5)),
        ["CallerInfoArguments"] = (log => TemplateOracle.Run<int, int, string>(co => T.CallerInfoArguments(log, co)), log => T.CallerInfoArguments(log)),
        ["StructInstanceRecursion"] = (log => TemplateOracle.Run<int, int, string>(co => new ConstructCounterStruct { Count = 1 }.Run(log, 2, co)), log => new ConstructCounterStruct { Count = 1 }.Run(log, 2)),
        ["ConditionalAccessReceiverReassigned"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessReceiverReassigned(log, co)), log => T.ConditionalAccessReceiverReassigned(log)),
        ["ClosuresSeeLaterWrites"] = (log => TemplateOracle.Run<int, int, string>(co => T.ClosuresSeeLaterWrites(log, 3, co)), log => T.ClosuresSeeLaterWrites(log, 3)),
        ["GenericConstrained"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericConstrained(log, new BumpStruct(), co)), log => T.GenericConstrained(log, new BumpStruct())),
        ["GenericClassConstraint"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericClassConstraint<List<int>>(log, co)), log => T.GenericClassConstraint<List<int>>(log)),
        ["InstanceInGenericNestedType"] = (log => TemplateOracle.Run<int, int, string>(co => new ConstructOuter<string>.Host<int>(log, 2).Track("tag", new[] { 1, 5, 3 }, co)), log => new ConstructOuter<string>.Host<int>(log, 2).Track("tag", new[] { 1, 5, 3 })),
        ["InstanceInGenericNestedTypeNulls"] = (log => TemplateOracle.Run<int, int, string>(co => new ConstructOuter<int>.Host<string>(log, "b").Track(7, new[] { "a", null, "c" }, co)), log => new ConstructOuter<int>.Host<string>(log, "b").Track(7, new[] { "a", null, "c" })),
    };

    // README, "Decisions": an object whose initializer sets init-only or required members is made after the initializer's
    // values, since only an initializer may set them; C# runs the constructor first.
    [Fact]
    public void AnInitOnlyInitializerWithASuspensionPointRunsTheConstructorAfterTheValues()
    {
        var log = new List<string>();
        var c = T.InitOnlyWithLoggingConstructor(log);
        Assert.True(c.MoveNext());
        Assert.Empty(log); // C# would have run the constructor before suspending
        Assert.False(c.Send(5));
        Assert.Equal(5, c.Result);
        Assert.Equal(new[] { "constructor", "value:5" }, log);
    }

    public static IEnumerable<object[]> CorpusNames() => Corpus.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void CorpusMatchesOracle(string name)
    {
        var (oracle, generated) = Corpus[name];
        Compare(oracle, generated);
    }

    // A lowered checked block around a try that suspends compiles, and its arithmetic still overflows after a resumption:
    // in the try body, a local function, a catch filter (whose exception makes it false), a when clause, and a checked
    // expression in a finally inside an unchecked block (whose own arithmetic wraps).
    [Fact]
    public void CheckedBlockAroundSuspendingTries_OverflowsAfterResuming()
    {
        var log = new List<string>();
        Coroutine<int, int, string> c = T.CheckedAroundSuspendingTries(log);
        Assert.True(c.MoveNext());
        Assert.True(c.Send(1));
        Assert.Equal(2, c.Current);
        Assert.True(c.Send(11)); // 11 + int.MaxValue - 10 overflows: the catch block yields
        Assert.Equal(3, c.Current);
        Assert.True(c.Send(0));
        Assert.Equal(4, c.Current);
        Assert.True(c.Send(0));
        Assert.Equal(5, c.Current);
        Assert.Throws<OverflowException>(() => c.Send(1)); // the when clause: 1 + int.MaxValue
        Assert.Equal(CoroutineState.Faulted, c.State);

        log.Clear();
        c = T.CheckedAroundSuspendingTries(log);
        Assert.True(c.MoveNext());
        Assert.True(c.Send(int.MaxValue)); // Bump overflows, the filter overflows (so it is false), the outer catch takes it
        Assert.Equal(3, c.Current);
        Assert.Equal(new[] { "bump:1", "filter:2147483647" }, log);

        c = T.CheckedAroundSuspendingTries(new List<string>());
        foreach (int sent in new[] { 1, 0, 0, -5 })
        {
            Assert.True(sent == 1 ? c.MoveNext() && c.Send(sent) : c.Send(sent));
        }

        Assert.Equal(7, c.Current);
        Assert.True(c.Send(1)); // unchecked: wraps
        Assert.Equal(8, c.Current);
        Assert.Throws<OverflowException>(() => c.Send(1)); // checked(...) inside the unchecked block
    }

    // Spans and ref locals used in nested statements that suspend, dead at each yield, compute what the templates say
    // (worked out by hand, with 0 sent each time; the corpus compares other sent values and Throw/Close with the oracle).
    [Theory]
    [InlineData(nameof(T.SpanInNestedStatementsThatSuspend), new[] { 6, 1, 2, 5, 2, 2, 6, 3 }, "13;2,3,6,4", "sent:0,do:6,do:3")]
    [InlineData(nameof(T.SpanInSwitchTryUsingAndGoto), new[] { 7, 2, 8, 8, 3, 5, 48 }, "6;13,15,48,8", "finally:13,read:a")]
    [InlineData(nameof(T.RefAndSpanToAHoistedLocalThenToStackMemory), new[] { 1, 131 }, "131", "view:7,18,one:4")]
    [InlineData(nameof(T.RefLocalReboundAfterEachYield), new[] { 11, 12, 11 }, "12,11,3", "r:12,r:11")]
    [InlineData(nameof(T.SpanDeclaredByAnOutArgument), new[] { 11, 4, 6 }, "11,4,6", "w:4,w:6")]
    public void SpansInNestedStatementsThatSuspend_ComputeTheTemplatesValues(string name, int[] yields, string result, string logged)
    {
        var log = new List<string>();
        Coroutine<int, int, string> c = Corpus[name].Generated(log);
        var seen = new List<int>();
        for (bool more = c.MoveNext(); more; more = c.Send(0))
        {
            seen.Add(c.Current);
        }

        Assert.Equal(yields, seen);
        Assert.Equal(result, c.Result);
        Assert.Equal(logged, string.Join(",", log));
    }

    [Fact]
    public void SameNamedLocalFunctionsInFlattenedBlocks_EachCallsItsOwn()
    {
        Assert.Equal("Result: 3,5,0,7,110", Final(log => T.SameNamedLocalFunctionsInFlattenedBlocks(log), 1, 3, 5, 6, 10));
        Assert.Equal("Result: 9,5,0,7,110", Final(log => T.SameNamedLocalFunctionsInFlattenedBlocks(log), -1, 8, 5, 6, 10));
    }

    private static string Final(Func<List<string>, Coroutine<int, int, string>> create, params int[] sent)
    {
        Coroutine<int, int, string> c = create(new List<string>());
        bool more = c.MoveNext();
        foreach (int value in sent)
        {
            Assert.True(more);
            more = c.Send(value);
        }

        Assert.False(more);
        return "Result: " + c.Result;
    }

    // ---- Driver (OracleComparison) ----

    private static readonly int[][] SentRuns =
    {
        new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
        new[] { -1, 5, -3, 0, 9, 2, 1, 1, 1, 1 },
        new[] { 99, 1, 7, 2, 1, 1, 1, 1, 1, 1 },
        new[] { int.MaxValue, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
        new[] { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 },
    };

    private static void Compare<TYield, TSend, TReturn>(
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> oracle,
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> generated,
        int maxSteps = 12) => OracleComparison.Compare(oracle, generated, maxSteps, SentRuns);
}
