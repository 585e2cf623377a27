using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;
using T = CoroGen.Tests.ExpressionTemplates;

namespace CoroGen.Tests;

/// <summary>
/// Suspension points inside expressions (REWRITE-DESIGN 6.7): every template of ExpressionTemplates runs against the oracle
/// (the C# compiler's own lowering of the same method) with Throw, Close and the exit injected at every suspension point
/// and with several sent values; the named tests are section 7's cases 15 to 26, each also checking the evaluation order
/// its log proves.
/// </summary>
public sealed class ExpressionTests
{
    private static readonly Dictionary<string, (Func<List<string>, Coroutine<int, int, string>> Oracle, Func<List<string>, Coroutine<int, int, string>> Generated)> Corpus = new()
    {
        ["RefArrayElementBadIndex"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefArrayElementBadIndex(log, co)), log => T.RefArrayElementBadIndex(log)),
        ["RefArrayElementNullArray"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefArrayElementNullArray(log, co)), log => T.RefArrayElementNullArray(log)),
        ["OutArrayElementBadIndex"] = (log => TemplateOracle.Run<int, int, string>(co => T.OutArrayElementBadIndex(log, co)), log => T.OutArrayElementBadIndex(log)),
        ["InMultiDimensionalElement"] = (log => TemplateOracle.Run<int, int, string>(co => T.InMultiDimensionalElement(log, co)), log => T.InMultiDimensionalElement(log)),
        ["ConditionalCompoundStatement"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalCompoundStatement(log, co)), log => T.ConditionalCompoundStatement(log)),
        ["DynamicCall"] = (log => TemplateOracle.Run<int, int, string>(co => T.DynamicCall(log, co)), log => T.DynamicCall(log)),
        ["DynamicMemberAssignments"] = (log => TemplateOracle.Run<int, int, string>(co => T.DynamicMemberAssignments(log, co)), log => T.DynamicMemberAssignments(log)),
        ["ConditionalAccessPartsReadOnce"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessPartsReadOnce(log, co)), log => T.ConditionalAccessPartsReadOnce(log)),
        ["TypeParameterReceiverReassigned"] = (log => TemplateOracle.Run<int, int, string>(co => T.TypeParameterReceiverReassigned(log, co)), log => T.TypeParameterReceiverReassigned(log)),
        ["ArgumentSecond"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArgumentSecond(log, co)), log => T.ArgumentSecond(log)),
        ["ArgumentFirst"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArgumentFirst(log, co)), log => T.ArgumentFirst(log)),
        ["ArgumentLast"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArgumentLast(log, co)), log => T.ArgumentLast(log)),
        ["ArgumentsTwoYields"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArgumentsTwoYields(log, co)), log => T.ArgumentsTwoYields(log)),
        ["NamedArgumentsPermuted"] = (log => TemplateOracle.Run<int, int, string>(co => T.NamedArgumentsPermuted(log, co)), log => T.NamedArgumentsPermuted(log)),
        ["ParamsArguments"] = (log => TemplateOracle.Run<int, int, string>(co => T.ParamsArguments(log, co)), log => T.ParamsArguments(log)),
        ["NestedCalls"] = (log => TemplateOracle.Run<int, int, string>(co => T.NestedCalls(log, co)), log => T.NestedCalls(log)),
        ["StaticCall"] = (log => TemplateOracle.Run<int, int, string>(co => T.StaticCall(log, co)), log => T.StaticCall(log)),
        ["GenericCall"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericCall(log, co)), log => T.GenericCall(log)),
        ["LambdaArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.LambdaArgument(log, co)), log => T.LambdaArgument(log)),
        ["MethodGroupArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.MethodGroupArgument(log, co)), log => T.MethodGroupArgument(log)),
        ["RefArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.RefArgument(log, co)), log => T.RefArgument(log)),
        ["OutArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.OutArgument(log, co)), log => T.OutArgument(log)),
        ["StatementCall"] = (log => TemplateOracle.Run<int, int, string>(co => T.StatementCall(log, co)), log => T.StatementCall(log)),
        ["DelegateReassigned"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegateReassigned(log, co)), log => T.DelegateReassigned(log)),
        ["ReceiverReassigned"] = (log => TemplateOracle.Run<int, int, string>(co => T.ReceiverReassigned(log, co)), log => T.ReceiverReassigned(log)),
        ["ExtensionReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.ExtensionReceiver(log, co)), log => T.ExtensionReceiver(log)),
        ["StructReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructReceiver(log, co)), log => T.StructReceiver(log)),
        ["StructFieldReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructFieldReceiver(log, co)), log => T.StructFieldReceiver(log)),
        ["StructArrayElementField"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructArrayElementField(log, co)), log => T.StructArrayElementField(log)),
        ["StructArrayBadIndex"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructArrayBadIndex(log, co)), log => T.StructArrayBadIndex(log)),
        ["StructArrayElementMethod"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructArrayElementMethod(log, co)), log => T.StructArrayElementMethod(log)),
        ["IndexerReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.IndexerReceiver(log, co)), log => T.IndexerReceiver(log)),
        ["ConditionalElementAccess"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalElementAccess(log, co)), log => T.ConditionalElementAccess(log)),
        ["LeftOperandKept"] = (log => TemplateOracle.Run<int, int, string>(co => T.LeftOperandKept(log, co)), log => T.LeftOperandKept(log)),
        ["BinaryChain"] = (log => TemplateOracle.Run<int, int, string>(co => T.BinaryChain(log, co)), log => T.BinaryChain(log)),
        ["StringConcat"] = (log => TemplateOracle.Run<int, int, string>(co => T.StringConcat(log, co)), log => T.StringConcat(log)),
        ["UserDefinedOperator"] = (log => TemplateOracle.Run<int, int, string>(co => T.UserDefinedOperator(log, co)), log => T.UserDefinedOperator(log)),
        ["UnaryAndCasts"] = (log => TemplateOracle.Run<int, int, string>(co => T.UnaryAndCasts(log, co)), log => T.UnaryAndCasts(log)),
        ["IncrementWithSuspendedIndex"] = (log => TemplateOracle.Run<int, int, string>(co => T.IncrementWithSuspendedIndex(log, co)), log => T.IncrementWithSuspendedIndex(log)),
        ["IsPattern"] = (log => TemplateOracle.Run<int, int, string>(co => T.IsPattern(log, co)), log => T.IsPattern(log)),
        ["ComparisonInIf"] = (log => TemplateOracle.Run<int, int, string>(co => T.ComparisonInIf(log, co)), log => T.ComparisonInIf(log)),
        ["AndNotTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.AndNotTaken(log, co)), log => T.AndNotTaken(log)),
        ["OrNotTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.OrNotTaken(log, co)), log => T.OrNotTaken(log)),
        ["AndTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.AndTaken(log, co)), log => T.AndTaken(log)),
        ["OrTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.OrTaken(log, co)), log => T.OrTaken(log)),
        ["OrInIf"] = (log => TemplateOracle.Run<int, int, string>(co => T.OrInIf(log, co)), log => T.OrInIf(log)),
        ["CoalesceNotTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceNotTaken(log, co)), log => T.CoalesceNotTaken(log)),
        ["CoalesceTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceTaken(log, co)), log => T.CoalesceTaken(log)),
        ["CoalesceNullable"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceNullable(log, co)), log => T.CoalesceNullable(log)),
        ["CoalesceChain"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceChain(log, co)), log => T.CoalesceChain(log)),
        ["ConditionalAccessNull"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessNull(log, co)), log => T.ConditionalAccessNull(log)),
        ["ConditionalAccessTaken"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessTaken(log, co)), log => T.ConditionalAccessTaken(log)),
        ["ConditionalAccessStatement"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessStatement(log, co)), log => T.ConditionalAccessStatement(log)),
        ["ConditionalAccessChain"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalAccessChain(log, co)), log => T.ConditionalAccessChain(log)),
        ["CoalesceAssignNull"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceAssignNull(log, co)), log => T.CoalesceAssignNull(log)),
        ["CoalesceAssignNotNull"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceAssignNotNull(log, co)), log => T.CoalesceAssignNotNull(log)),
        ["CoalesceAssignValue"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceAssignValue(log, co)), log => T.CoalesceAssignValue(log)),
        ["CoalesceAssignProperty"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoalesceAssignProperty(log, co)), log => T.CoalesceAssignProperty(log)),
        ["ConditionalBothBranches"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalBothBranches(log, co)), log => T.ConditionalBothBranches(log)),
        ["ConditionalInArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalInArgument(log, co)), log => T.ConditionalInArgument(log)),
        ["ConditionalNested"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalNested(log, co)), log => T.ConditionalNested(log)),
        ["ConditionalCondition"] = (log => TemplateOracle.Run<int, int, string>(co => T.ConditionalCondition(log, co)), log => T.ConditionalCondition(log)),
        ["CompoundLocal"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundLocal(log, co)), log => T.CompoundLocal(log)),
        ["CompoundProperty"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundProperty(log, co)), log => T.CompoundProperty(log)),
        ["CompoundArrayElement"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundArrayElement(log, co)), log => T.CompoundArrayElement(log)),
        ["CompoundIndexer"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundIndexer(log, co)), log => T.CompoundIndexer(log)),
        ["CompoundString"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundString(log, co)), log => T.CompoundString(log)),
        ["CompoundNarrowing"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundNarrowing(log, co)), log => T.CompoundNarrowing(log)),
        ["CompoundAsValue"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundAsValue(log, co)), log => T.CompoundAsValue(log)),
        ["AssignArrayElement"] = (log => TemplateOracle.Run<int, int, string>(co => T.AssignArrayElement(log, co)), log => T.AssignArrayElement(log)),
        ["AssignFieldOfReassignedReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.AssignFieldOfReassignedReceiver(log, co)), log => T.AssignFieldOfReassignedReceiver(log)),
        ["AssignmentAsValue"] = (log => TemplateOracle.Run<int, int, string>(co => T.AssignmentAsValue(log, co)), log => T.AssignmentAsValue(log)),
        ["TupleDeconstruction"] = (log => TemplateOracle.Run<int, int, string>(co => T.TupleDeconstruction(log, co)), log => T.TupleDeconstruction(log)),
        ["CheckedAddition"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedAddition(log, co)), log => T.CheckedAddition(log)),
        ["UncheckedAddition"] = (log => TemplateOracle.Run<int, int, string>(co => T.UncheckedAddition(log, co)), log => T.UncheckedAddition(log)),
        ["CheckedSpilledLeft"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedSpilledLeft(log, co)), log => T.CheckedSpilledLeft(log)),
        ["CheckedAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedAssignment(log, co)), log => T.CheckedAssignment(log)),
        ["ObjectInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.ObjectInitializer(log, co)), log => T.ObjectInitializer(log)),
        ["CollectionInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionInitializer(log, co)), log => T.CollectionInitializer(log)),
        ["DictionaryIndexInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.DictionaryIndexInitializer(log, co)), log => T.DictionaryIndexInitializer(log)),
        ["DictionaryAddInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.DictionaryAddInitializer(log, co)), log => T.DictionaryAddInitializer(log)),
        ["NestedCollectionInitializer"] = (log => TemplateOracle.Run<int, int, string>(co => T.NestedCollectionInitializer(log, co)), log => T.NestedCollectionInitializer(log)),
        ["TargetTypedNew"] = (log => TemplateOracle.Run<int, int, string>(co => T.TargetTypedNew(log, co)), log => T.TargetTypedNew(log)),
        ["ArrayCreation"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArrayCreation(log, co)), log => T.ArrayCreation(log)),
        ["ArraySize"] = (log => TemplateOracle.Run<int, int, string>(co => T.ArraySize(log, co)), log => T.ArraySize(log)),
        ["RectangularArray"] = (log => TemplateOracle.Run<int, int, string>(co => T.RectangularArray(log, co)), log => T.RectangularArray(log)),
        ["CollectionExpression"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionExpression(log, co)), log => T.CollectionExpression(log)),
        ["TupleLiteral"] = (log => TemplateOracle.Run<int, int, string>(co => T.TupleLiteral(log, co)), log => T.TupleLiteral(log)),
        ["AnonymousObject"] = (log => TemplateOracle.Run<int, int, string>(co => T.AnonymousObject(log, co)), log => T.AnonymousObject(log)),
        ["WithExpression"] = (log => TemplateOracle.Run<int, int, string>(co => T.WithExpression(log, co)), log => T.WithExpression(log)),
        ["InterpolatedHoles"] = (log => TemplateOracle.Run<int, int, string>(co => T.InterpolatedHoles(log, co)), log => T.InterpolatedHoles(log)),
        ["InterpolatedFormat"] = (log => TemplateOracle.Run<int, int, string>(co => T.InterpolatedFormat(log, co)), log => T.InterpolatedFormat(log)),
        ["RangeOperands"] = (log => TemplateOracle.Run<int, int, string>(co => T.RangeOperands(log, co)), log => T.RangeOperands(log)),
        ["SwitchGoverning"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchGoverning(log, co)), log => T.SwitchGoverning(log)),
        ["SwitchArm"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchArm(log, co)), log => T.SwitchArm(log)),
        ["SwitchArmPatternVariable"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchArmPatternVariable(log, co)), log => T.SwitchArmPatternVariable(log)),
        ["SwitchArmThrow"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchArmThrow(log, co)), log => T.SwitchArmThrow(log)),
        ["SwitchNoMatch"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchNoMatch(log, co)), log => T.SwitchNoMatch(log)),
        ["ThrowStatement"] = (log => TemplateOracle.Run<int, int, string>(co => T.ThrowStatement(log, co)), log => T.ThrowStatement(log)),
        ["ThrowInCoalesce"] = (log => TemplateOracle.Run<int, int, string>(co => T.ThrowInCoalesce(log, co)), log => T.ThrowInCoalesce(log)),
        ["ThrowInConditional"] = (log => TemplateOracle.Run<int, int, string>(co => T.ThrowInConditional(log, co)), log => T.ThrowInConditional(log)),
        ["AwaitInYieldArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.AwaitInYieldArgument(log, co)), log => T.AwaitInYieldArgument(log)),
        ["DelegationWithSuspendedArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegationWithSuspendedArgument(log, co)), log => T.DelegationWithSuspendedArgument(log)),
        ["DelegationWithEarlierArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegationWithEarlierArgument(log, co)), log => T.DelegationWithEarlierArgument(log)),
        ["FactoryDelegationInYieldArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.CoDelegationInYieldArgument(log, co)), log => T.FactoryDelegationInYieldArgument(log)),
        ["DelegationInOperand"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegationInOperand(log, co)), log => T.DelegationInOperand(log)),
        ["DelegationInArgument"] = (log => TemplateOracle.Run<int, int, string>(co => T.DelegationInArgument(log, co)), log => T.DelegationInArgument(log)),
        ["WhileCondition"] = (log => TemplateOracle.Run<int, int, string>(co => T.WhileCondition(log, co)), log => T.WhileCondition(log)),
        ["WhileAndCondition"] = (log => TemplateOracle.Run<int, int, string>(co => T.WhileAndCondition(log, co)), log => T.WhileAndCondition(log)),
        ["DoCondition"] = (log => TemplateOracle.Run<int, int, string>(co => T.DoCondition(log, co)), log => T.DoCondition(log)),
        ["ForHeader"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForHeader(log, co)), log => T.ForHeader(log)),
        ["ForeachCollection"] = (log => TemplateOracle.Run<int, int, string>(co => T.ForeachCollection(log, co)), log => T.ForeachCollection(log)),
        ["UsingResource"] = (log => TemplateOracle.Run<int, int, string>(co => T.UsingResource(log, co)), log => T.UsingResource(log)),
        ["ReturnExpression"] = (log => TemplateOracle.Run<int, int, string>(co => T.ReturnExpression(log, co)), log => T.ReturnExpression(log)),
        ["ExpressionBody"] = (log => TemplateOracle.Run<int, int, string>(co => T.ExpressionBody(log, co)), log => T.ExpressionBody(log)),
        ["LoopOfSpills"] = (log => TemplateOracle.Run<int, int, string>(co => T.LoopOfSpills(log, co)), log => T.LoopOfSpills(log)),
        ["SpillInTry"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpillInTry(log, co)), log => T.SpillInTry(log)),
        ["SwitchStatementGoverning"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchStatementGoverning(log, co)), log => T.SwitchStatementGoverning(log)),
        ["CheckedBlockCompound"] = (log => TemplateOracle.Run<int, int, string>(co => T.CheckedBlockCompound(log, co)), log => T.CheckedBlockCompound(log)),
        ["NullableConditionalAccess"] = (log => TemplateOracle.Run<int, int, string>(co => T.NullableConditionalAccess(log, co)), log => T.NullableConditionalAccess(log)),
        ["StringIndexAndLength"] = (log => TemplateOracle.Run<int, int, string>(co => T.StringIndexAndLength(log, co)), log => T.StringIndexAndLength(log)),
        ["DeconstructIntoProperties"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructIntoProperties(log, co)), log => T.DeconstructIntoProperties(log)),
        ["ChainedAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.ChainedAssignment(log, co)), log => T.ChainedAssignment(log)),
        ["GenericReceiver"] = (log => TemplateOracle.Run<int, int, string>(co => T.GenericReceiver(log, 1, co)), log => T.GenericReceiver(log, 1)),
        ["NullConditionalAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.NullConditionalAssignment(log, co)), log => T.NullConditionalAssignment(log)),
        ["InstanceTemplate"] = (log => TemplateOracle.Run<int, int, string>(co => new ExpressionHost(log).Accumulate(co)), log => new ExpressionHost(log).Accumulate()),
        ["SpillInCatchAndFinally"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpillInCatchAndFinally(log, co)), log => T.SpillInCatchAndFinally(log)),
        ["SpillInSwitchSection"] = (log => TemplateOracle.Run<int, int, string>(co => T.SpillInSwitchSection(log, co)), log => T.SpillInSwitchSection(log)),
        ["InterpolatedToStringTiming"] = (log => TemplateOracle.Run<int, int, string>(co => T.InterpolatedToStringTiming(log, co)), log => T.InterpolatedToStringTiming(log)),
        ["StructArgumentCopied"] = (log => TemplateOracle.Run<int, int, string>(co => T.StructArgumentCopied(log, co)), log => T.StructArgumentCopied(log)),
        ["SwitchWhenSuspends"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchWhenSuspends(log, co)), log => T.SwitchWhenSuspends(log)),
        ["SwitchWhenNoMatch"] = (log => TemplateOracle.Run<int, int, string>(co => T.SwitchWhenNoMatch(log, co)), log => T.SwitchWhenNoMatch(log)),
        ["ExpressionBodyThrow"] = (log => TemplateOracle.Run<int, int, string>(co => T.ExpressionBodyThrow(log, co)), log => T.ExpressionBodyThrow(log)),
        ["CompoundStructArrayElementField"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundStructArrayElementField(log, co)), log => T.CompoundStructArrayElementField(log)),
        ["CompoundListIndexer"] = (log => TemplateOracle.Run<int, int, string>(co => T.CompoundListIndexer(log, co)), log => T.CompoundListIndexer(log)),
        ["IndexWithSideEffect"] = (log => TemplateOracle.Run<int, int, string>(co => T.IndexWithSideEffect(log, co)), log => T.IndexWithSideEffect(log)),
        ["PostfixIncrementOperand"] = (log => TemplateOracle.Run<int, int, string>(co => T.PostfixIncrementOperand(log, co)), log => T.PostfixIncrementOperand(log)),
        ["ExtendedPropertyPatternInSwitch"] = (log => TemplateOracle.Run<int, int, string>(co => T.ExtendedPropertyPatternInSwitch(log, co)), log => T.ExtendedPropertyPatternInSwitch(log)),
        ["MethodGroupReceiverReadBeforeSuspension"] = (log => TemplateOracle.Run<int, int, string>(co => T.MethodGroupReceiverReadBeforeSuspension(log, co)), log => T.MethodGroupReceiverReadBeforeSuspension(log)),
        ["ImplicitInArguments"] = (log => TemplateOracle.Run<int, int, string>(co => T.ImplicitInArguments(log, co)), log => T.ImplicitInArguments(log)),
        ["ImplicitInCompoundAssignment"] = (log => TemplateOracle.Run<int, int, string>(co => T.ImplicitInCompoundAssignment(log, co)), log => T.ImplicitInCompoundAssignment(log)),
        ["StructThisInArgument"] = (log => TemplateOracle.Run<int, int, string>(co => new AuStructTemplate { N = 1 }.ThisInArgument(log, co)), log => new AuStructTemplate { N = 1 }.ThisInArgument(log)),
        ["ImplicitInOperatorsConstructorsIndexersDelegates"] = (log => TemplateOracle.Run<int, int, string>(co => T.ImplicitInOperatorsConstructorsIndexersDelegates(log, co)), log => T.ImplicitInOperatorsConstructorsIndexersDelegates(log)),
        ["DeconstructionTargetsSuspend"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructionTargetsSuspend(log, co)), log => T.DeconstructionTargetsSuspend(log)),
        ["DeconstructionTargetsDictionaryDiscardNested"] = (log => TemplateOracle.Run<int, int, string>(co => T.DeconstructionTargetsDictionaryDiscardNested(log, co)), log => T.DeconstructionTargetsDictionaryDiscardNested(log)),
        ["AnonymousObjectInferredNames"] = (log => TemplateOracle.Run<int, int, string>(co => T.AnonymousObjectInferredNames(log, co)), log => T.AnonymousObjectInferredNames(log)),
        ["StructThisArgument"] = (log => TemplateOracle.Run<int, int, string>(co => new AuStructTemplate { N = 1 }.ThisArgument(log, co)), log => new AuStructTemplate { N = 1 }.ThisArgument(log)),
        ["CollectionExpressionAddsInOrder"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionExpressionAddsInOrder(log, co)), log => T.CollectionExpressionAddsInOrder(log)),
        ["CollectionExpressionAddThrowsBeforeSuspension"] = (log => TemplateOracle.Run<int, int, string>(co => T.CollectionExpressionAddThrowsBeforeSuspension(log, co)), log => T.CollectionExpressionAddThrowsBeforeSuspension(log)),
    };

    public static IEnumerable<object[]> CorpusNames() => Corpus.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void CorpusMatchesOracle(string name)
    {
        var (oracle, generated) = Corpus[name];
        Compare(oracle, generated);
    }

    [Fact]
    public void CorpusIsLarge() => Assert.True(Corpus.Count + 1 >= 80, $"{Corpus.Count + 1} expression templates");

    [Fact]
    public void ExpressionBodyWithoutResult() =>
        Compare(log => TemplateOracle.Run<int, int>(co => T.ExpressionBodyVoid(log, co)), log => T.ExpressionBodyVoid(log));

    // ---- Section 7, cases 15 to 26 ----

    [Fact]
    public void Case15_LeftOperandIsReadBeforeTheSuspension()
    {
        // The yielded operand assigns x = 5 while the addition is under way: the old x (1) is used.
        Assert.Equal("Result: 11,5", Final(log => T.LeftOperandKept(log), CoroutineOp.MoveNext, CoroutineOp.Send(10)));
        Compare(log => Corpus["LeftOperandKept"].Oracle(log), log => Corpus["LeftOperandKept"].Generated(log));

        // A closure the driver runs while the coroutine is suspended reassigns x: the old x is still used.
        foreach (var make in new Func<Coroutine<Action, int, string>>[] { () => TemplateOracle.Run<Action, int, string>(co => T.ClosureMutatesOperand(co)), () => T.ClosureMutatesOperand() })
        {
            Coroutine<Action, int, string> c = make();
            Assert.True(c.MoveNext());
            c.Current();
            Assert.False(c.Send(10));
            Assert.Equal("11,100", c.Result);
        }
    }

    [Fact]
    public void Case16_CompoundAssignmentUsesTheOldIndexAndElement()
    {
        List<string> log = new();
        var c = T.CompoundArrayElement(log);
        Assert.True(c.MoveNext());
        Assert.Equal(14, c.Current); // Swap(ref i, 2) + Swap(ref a[0], 50) yields 7 + 7
        Assert.False(c.Send(3));
        Assert.Equal("4,2,3;2", c.Result); // a[0] = old a[0] (1) + 3, although i became 2 and a[0] 50 during the suspension
        Compare(Corpus["CompoundArrayElement"].Oracle, Corpus["CompoundArrayElement"].Generated);

        foreach (var make in new Func<Coroutine<Action, int, string>>[] { () => TemplateOracle.Run<Action, int, string>(co => T.ClosureMutatesIndex(co)), () => T.ClosureMutatesIndex() })
        {
            Coroutine<Action, int, string> coroutine = make();
            Assert.True(coroutine.MoveNext());
            coroutine.Current();
            Assert.False(coroutine.Send(5));
            Assert.Equal("6,2,3;2", coroutine.Result); // the old a[0] (1) plus 5, stored at the old index
        }
    }

    [Fact]
    public void Case17_CompoundPropertyGetsOnceBeforeAndSetsOnceAfter()
    {
        List<string> log = new();
        var c = T.CompoundProperty(log);
        Assert.True(c.MoveNext());
        Assert.Equal(new[] { "new Box b", "set b.P=5", "get b.P" }, log);
        Assert.True(c.Send(4));
        Assert.Equal(new[] { "new Box b", "set b.P=5", "get b.P", "set b.P=9", "get b.P", "k:2" }, log);
        Assert.False(c.Send(1));
        Assert.Equal("27", c.Result);
        Compare(Corpus["CompoundProperty"].Oracle, Corpus["CompoundProperty"].Generated);
    }

    [Fact]
    public void Case18_StructReceiverIsMutatedInPlace()
    {
        Assert.Equal("Result: 30", Final(log => T.StructReceiver(log), CoroutineOp.MoveNext, CoroutineOp.Send(5), CoroutineOp.Send(15)));
        Assert.Equal("Result: 7", Final(log => T.StructFieldReceiver(log), CoroutineOp.MoveNext, CoroutineOp.Send(3), CoroutineOp.Send(4)));
        Compare(Corpus["StructReceiver"].Oracle, Corpus["StructReceiver"].Generated);
        Compare(Corpus["StructFieldReceiver"].Oracle, Corpus["StructFieldReceiver"].Generated);
    }

    [Fact]
    public void Case19_StructArrayElementStaysTheOriginalArraysAndBadIndexThrowsFirst()
    {
        Assert.Equal("Result: 42,3,0", Final(log => T.StructArrayElementField(log), CoroutineOp.MoveNext, CoroutineOp.Send(42)));
        var bad = T.StructArrayBadIndex(new List<string>());
        Assert.Throws<IndexOutOfRangeException>(() => bad.MoveNext()); // before suspending
        Compare(Corpus["StructArrayElementField"].Oracle, Corpus["StructArrayElementField"].Generated);
        Compare(Corpus["StructArrayBadIndex"].Oracle, Corpus["StructArrayBadIndex"].Generated);
        Compare(Corpus["StructArrayElementMethod"].Oracle, Corpus["StructArrayElementMethod"].Generated);
    }

    [Fact]
    public void Case20_ArgumentsInLexicalOrder()
    {
        List<string> log = new();
        var c = T.ArgumentSecond(log);
        Assert.True(c.MoveNext());
        Assert.Equal(new[] { "a:1" }, log);
        Assert.False(c.Send(9));
        Assert.Equal(new[] { "a:1", "c:3" }, log);
        Assert.Equal("1,9,3", c.Result);

        log.Clear();
        var named = T.NamedArgumentsPermuted(log);
        Assert.True(named.MoveNext());
        Assert.Equal(new[] { "c:3" }, log); // third: is written first, so it is evaluated first
        Assert.False(named.Send(1));
        Assert.Equal(new[] { "c:3", "b:2" }, log);
        Assert.Equal("1,2,3", named.Result);
        Compare(Corpus["ArgumentSecond"].Oracle, Corpus["ArgumentSecond"].Generated);
        Compare(Corpus["NamedArgumentsPermuted"].Oracle, Corpus["NamedArgumentsPermuted"].Generated);
    }

    [Fact]
    public void Case21_TheOriginalDelegateIsInvoked()
    {
        Assert.Equal("Result: 6,100", Final(log => T.DelegateReassigned(log), CoroutineOp.MoveNext, CoroutineOp.Send(5)));
        Compare(Corpus["DelegateReassigned"].Oracle, Corpus["DelegateReassigned"].Generated);
    }

    [Fact]
    public void Case22_ShortCircuitsNotTakenDoNotSuspend()
    {
        foreach (string name in new[] { "AndNotTaken", "OrNotTaken", "CoalesceNotTaken", "ConditionalAccessNull" })
        {
            var c = Corpus[name].Generated(new List<string>());
            Assert.True(c.MoveNext());
            Assert.Equal(99, c.Current); // the first suspension is the one after the expression
            Compare(Corpus[name].Oracle, Corpus[name].Generated);
        }
    }

    [Fact]
    public void Case23_SentValueFlowsToTheBranchTaken()
    {
        Assert.Equal("Result: v4", Final(log => T.CoalesceAssignNull(log), CoroutineOp.MoveNext, CoroutineOp.Send(4)));
        Assert.Equal("Result: 1,4", Final(log => T.ConditionalBothBranches(log), CoroutineOp.MoveNext, CoroutineOp.Send(1), CoroutineOp.Send(4)));
        var c = T.ConditionalBothBranches(new List<string>());
        Assert.True(c.MoveNext());
        Assert.Equal(1, c.Current);
        Assert.True(c.Send(0));
        Assert.Equal(4, c.Current);
        foreach (string name in new[] { "CoalesceAssignNull", "CoalesceAssignValue", "CoalesceAssignProperty", "ConditionalBothBranches", "ConditionalNested" })
        {
            Compare(Corpus[name].Oracle, Corpus[name].Generated);
        }
    }

    [Fact]
    public void Case24_CheckedArithmeticStillOverflows()
    {
        var c = T.CheckedAddition(new List<string>());
        Assert.True(c.MoveNext());
        Assert.Throws<OverflowException>(() => c.Send(1));
        Assert.Equal("Result: -2147483648", Final(log => T.UncheckedAddition(log), CoroutineOp.MoveNext, CoroutineOp.Send(1)));

        // The spilled left operand overflows before the suspension, in its checked context.
        var left = T.CheckedSpilledLeft(new List<string>());
        Assert.Throws<OverflowException>(() => left.MoveNext());
        foreach (string name in new[] { "CheckedAddition", "UncheckedAddition", "CheckedSpilledLeft", "CheckedAssignment" })
        {
            Compare(Corpus[name].Oracle, Corpus[name].Generated);
        }
    }

    [Fact]
    public void Case25_InitializersEvaluateEarlierElementsOnceInOrder()
    {
        List<string> log = new();
        var c = T.CollectionInitializer(log);
        Assert.True(c.MoveNext());
        Assert.Equal(new[] { "new LoggingList", "a:1", "Add 1" }, log);
        Assert.False(c.Send(2));
        Assert.Equal(new[] { "new LoggingList", "a:1", "Add 1", "Add 2", "c:3", "Add 3" }, log);
        foreach (string name in new[] { "ObjectInitializer", "CollectionInitializer", "DictionaryIndexInitializer", "DictionaryAddInitializer", "NestedCollectionInitializer", "ArrayCreation", "RectangularArray", "CollectionExpression" })
        {
            Compare(Corpus[name].Oracle, Corpus[name].Generated);
        }
    }

    [Fact]
    public void Case26_InterpolatedStringHoleSideEffectHappensOnceBeforeTheYield()
    {
        List<string> log = new();
        var c = T.InterpolatedHoles(log);
        Assert.True(c.MoveNext());
        Assert.Equal(new[] { "a:1" }, log);
        Assert.False(c.Send(2));
        Assert.Equal(new[] { "a:1", "c:3" }, log);
        Assert.Equal("1-2-3", c.Result);
        Compare(Corpus["InterpolatedHoles"].Oracle, Corpus["InterpolatedHoles"].Generated);
        Compare(Corpus["InterpolatedFormat"].Oracle, Corpus["InterpolatedFormat"].Generated);
    }

    [Fact]
    public void DelegationWithSuspensionsInItsArguments()
    {
        // await Sub(await co.Yield(1), co): the argument's yield, then the sub-coroutine's.
        var c = T.DelegationWithSuspendedArgument(new List<string>());
        Assert.True(c.MoveNext());
        Assert.Equal(1, c.Current);
        Assert.True(c.Send(3));
        Assert.Equal(30, c.Current);
        Assert.False(c.Send(5));
        Assert.Equal("8", c.Result);
    }

    // ---- Driver (OracleComparison) ----

    private static readonly int[][] SentRuns =
    {
        new[] { 1, 2, 3, 4, 5, 6, 7, 8 },
        new[] { -1, 5, -3, 0, 9, 2, 1, 1 },
        new[] { 99, 1, 1, 1, 1, 1, 1, 1 },
        new[] { int.MaxValue, 1, 2, 3, 4, 5, 6, 7 },
    };

    private static void Compare<TYield, TSend, TReturn>(
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> oracle,
        Func<List<string>, Coroutine<TYield, TSend, TReturn>> generated,
        int maxSteps = 6) => OracleComparison.Compare(oracle, generated, maxSteps, SentRuns);

    // The last line of a driver trace ("Result: ..." when the coroutine finished).
    private static string Final(Func<List<string>, Coroutine<int, int, string>> create, params CoroutineOp[] script)
    {
        Coroutine<int, int, string> c = create(new List<string>());
        foreach (CoroutineOp op in script)
        {
            CoroutineDriver.Trace(c, new[] { op }, null);
        }

        return c.IsFinished && c.State == CoroutineState.Completed ? "Result: " + c.Result : "State: " + c.State;
    }
}
