using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;
using T = CoroGen.Tests.ConformanceTemplates;

namespace CoroGen.Tests;

/// <summary>API.md, statement by statement, on classes made by the real generator.</summary>
public sealed class ContractConformanceTests
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    // ---- Section 1: suspension points ----

    [Fact]
    public void BareYieldYieldsTheDefaultAndEvaluatesToTheSentValue()
    {
        var co = T.BareYield();
        Assert.True(co.MoveNext());
        Assert.Null(co.Current);
        Assert.True(co.Send(3));
        Assert.Equal("after 3", co.Current);
        Assert.False(co.Send(4));
        Assert.Equal(7, co.Result);
    }

    [Fact]
    public void AHelperThatReturnsWhatYieldReturnsIsASuspensionPoint()
    {
        var co = T.UsesHelper();
        Assert.True(co.MoveNext());
        Assert.Equal(42, co.Current);
        Assert.False(co.Send(5));
        Assert.Equal(5, co.Result);
    }

    [Fact]
    public void TheYielderMayStandAtAnyPositionAndTheFactoryKeepsTheOtherParametersInOrder()
    {
        MethodInfo first = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.YielderFirst) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.Equal(new[] { ("a", typeof(int)), ("b", typeof(string)) }, first.GetParameters().Select(p => (p.Name!, p.ParameterType)));
        Assert.Equal(typeof(T.YielderFirstCoroutine), first.ReturnType);

        MethodInfo middle = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.YielderInTheMiddle) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.Equal(new[] { ("a", typeof(int)), ("b", typeof(string)), ("c", typeof(long)) }, middle.GetParameters().Select(p => (p.Name!, p.ParameterType)));

        var co = T.YielderFirst(3, "b");
        Assert.True(co.MoveNext());
        Assert.Equal(3, co.Current);
        Assert.False(co.MoveNext());
        Assert.Equal("b", co.Result);

        var mid = T.YielderInTheMiddle(4, "x", 5L);
        Assert.True(mid.MoveNext());
        Assert.Equal(4, mid.Current);
        Assert.False(mid.MoveNext());
        Assert.Equal("x5", mid.Result);
    }

    // ---- Section 2: the factory and the generated class ----

    [Fact]
    public void OverloadsGetDistinctGeneratedClasses()
    {
        Coroutine<int, Unit, Unit> byInt = T.Overloaded(3);
        Coroutine<int, Unit, Unit> byString = T.Overloaded("four");
        Type a = byInt.GetType(), b = byString.GetType();
        Assert.NotEqual(a, b);
        foreach (Type generated in new[] { a, b })
        {
            Assert.Equal(typeof(T), generated.DeclaringType);
            Assert.StartsWith("Overloaded", generated.Name);
            Assert.EndsWith("Coroutine", generated.Name);
            Assert.True(generated.IsSealed);
        }

        Assert.Equal(new[] { 3 }, byInt.ToArray());
        Assert.Equal(new[] { 4 }, byString.ToArray());
    }

    [Fact]
    public void TheFactoryKeepsAccessibilityTypeParametersAndConstraints()
    {
        MethodInfo factory = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.Constrained) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.True(factory.IsAssembly); // internal
        Assert.True(factory.IsStatic);
        Type[] arguments = factory.GetGenericArguments();
        Assert.Equal(new[] { "T", "U" }, arguments.Select(t => t.Name));
        Assert.Equal(
            GenericParameterAttributes.ReferenceTypeConstraint | GenericParameterAttributes.DefaultConstructorConstraint,
            arguments[0].GenericParameterAttributes & GenericParameterAttributes.SpecialConstraintMask);
        Assert.True(arguments[1].GenericParameterAttributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint));
        Assert.Equal(new[] { "value", "other" }, factory.GetParameters().Select(p => p.Name));
        Assert.Equal(typeof(T.ConstrainedCoroutine<,>), factory.ReturnType.GetGenericTypeDefinition());

        var co = T.Constrained<List<int>, int>(new List<int> { 1 }, 9);
        Assert.IsAssignableFrom<Coroutine<int, Unit, List<int>>>(co);
        Assert.True(co.MoveNext());
        Assert.Equal(9, co.Current);
        Assert.False(co.MoveNext());
        Assert.Equal(new[] { 1 }, co.Result);

        MethodInfo hidden = typeof(T).GetMethods(All).Single(m => m.Name == "Hidden" && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.True(hidden.IsPrivate);
        Assert.Empty(hidden.GetParameters());
        Assert.Equal(new[] { 7 }, T.MakeHidden().ToArray());
    }

    [Fact]
    public void TheFactoryKeepsDefaultValuesParamsAndThis()
    {
        MethodInfo defaults = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.WithDefaults) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.Equal(new object?[] { 3, "s", DayOfWeek.Friday, 1.5m }, defaults.GetParameters().Select(p => p.DefaultValue));
        var co = T.WithDefaults();
        Assert.Equal(new[] { 3 }, co.ToArray());
        Assert.Equal("sFriday1.5", co.Result);

        MethodInfo withParams = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.WithParams) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.NotNull(withParams.GetParameters().Single().GetCustomAttribute<ParamArrayAttribute>());
        Assert.Equal(new[] { 1, 2, 3 }, T.WithParams(1, 2, 3).ToArray());

        MethodInfo extension = typeof(T).GetMethods(All).Single(m => m.Name == nameof(T.ExtensionOf) && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.True(extension.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute)));
        Assert.Equal(new[] { 4 }, "four".ExtensionOf().ToArray());
    }

    [Fact]
    public void InstanceTemplatesOfGenericAndNestedTypesGetFactoriesInTheSameType()
    {
        MethodInfo echo = typeof(ConformanceHost<>).GetMethods(All).Single(m => m.Name == "Echo" && m.GetCustomAttribute<CoroutineAttribute>() is null);
        Assert.True(echo.IsFamily); // protected
        Assert.False(echo.IsStatic);
        Assert.Equal(new[] { typeof(int) }, echo.GetParameters().Select(p => p.ParameterType));
        Type echoClass = echo.ReturnType.IsGenericType ? echo.ReturnType.GetGenericTypeDefinition() : echo.ReturnType;
        Assert.Equal("EchoCoroutine", echoClass.Name);
        Assert.Equal(typeof(ConformanceHost<>), echoClass.DeclaringType);
        Assert.True(echoClass.IsSealed);

        var host = new ConformanceHost<string>("seed");
        var co = host.MakeEcho(2);
        Assert.True(co.MoveNext());
        Assert.Equal("seed", co.Current);
        Assert.True(co.Send("one"));
        Assert.Equal("one", co.Current);
        Assert.False(co.Send("two"));
        Assert.Equal("two", co.Result);

        var once = ConformanceHost<int>.Inner.Once(5);
        Assert.Equal(typeof(ConformanceHost<>.Inner), once.GetType().DeclaringType);
        Assert.Equal("OnceCoroutine", once.GetType().Name);
        Assert.IsAssignableFrom<Coroutine<int, Unit, int>>(once);
        Assert.Equal(new[] { 5 }, once.ToArray());
        Assert.Equal(5, once.Result);
    }

    // ---- Section 4: Created ----

    [Fact]
    public void ThrowBeforeTheStartLetsTheSameExceptionEscapeRunsNothingAndCloses()
    {
        var log = new List<string>();
        var co = T.LogsFromTheStart(log);
        var e = new FormatException("early");
        Assert.Same(e, Assert.Throws<FormatException>(() => co.Throw(e)));
        Assert.Empty(log);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.True(co.IsFinished);
        Assert.False(co.MoveNext());
        Assert.Empty(log);
    }

    [Fact]
    public void CloseBeforeTheStartClosesAndRunsNoFinally()
    {
        var log = new List<string>();
        var co = T.LogsFromTheStart(log);
        Assert.False(co.IsFinished);
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Empty(log);
        Assert.False(co.MoveNext());
        Assert.False(co.Send(default));
        Assert.Empty(log);
    }

    // ---- Section 4: Suspended ----

    [Fact]
    public void MoveNextResumesTheAwaitWithDefaultOfTSend()
    {
        var reference = T.SentOrDefault();
        Assert.True(reference.MoveNext());
        Assert.False(reference.MoveNext());
        Assert.Equal("null", reference.Result);

        var value = T.SentPlusOne();
        Assert.True(value.MoveNext());
        Assert.False(value.MoveNext());
        Assert.Equal(1, value.Result);
    }

    [Fact]
    public void AThrownExitThatEscapesTheBodyEscapesThrowAsItselfAndCloses()
    {
        var log = new List<string>();
        var co = T.LogsFromTheStart(log); // suspended where only a finally encloses it
        Assert.True(co.MoveNext());
        var exit = new CoroutineExitException();
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => co.Throw(exit)));
        Assert.Equal(new[] { "started", "finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.False(co.MoveNext());
        Assert.Equal(new[] { "started", "finally" }, log);
    }

    [Fact]
    public void ThrowCaughtThenReturnGivesFalseAndTheResult()
    {
        var co = T.CatchAndReturn();
        Assert.True(co.MoveNext());
        Assert.False(co.Throw(new InvalidOperationException("x")));
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(41, co.Result);
    }

    [Fact]
    public void ThrowOfAnExitThatTheBodyCatchesAndReturnsFromIsANormalFinishWithAResult()
    {
        var log = new List<string>();
        var co = T.CatchExitAndReturn(log);
        Assert.True(co.MoveNext());
        Assert.False(co.Throw(new CoroutineExitException()));
        Assert.Equal(new[] { "caught exit" }, log);
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(42, co.Result);
    }

    [Fact]
    public void CloseWhereTheBodyCatchesTheExitAndReturnsCloses()
    {
        var log = new List<string>();
        var co = T.CatchExitAndReturn(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "caught exit" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.True(co.IsFinished);
    }

    [Fact]
    public void CloseWhereTheBodyCatchesTheExitAwaitsASubThatFinishesAndReturnsCloses()
    {
        var log = new List<string>();
        var co = T.CatchExitAwaitACleanupAndReturn(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "caught exit", "cleanup", "cleanup returned 7" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Throws<InvalidOperationException>(() => co.Result);
    }

    [Fact]
    public void CloseRunsUsingDisposalsAndFinallyBlocksOnceInnerFirst()
    {
        var log = new List<string>();
        var co = T.Resources(log);
        Assert.True(co.MoveNext());
        Assert.Empty(log);
        co.Close();
        Assert.Equal(new[] { "dispose inner", "finally", "dispose outer" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
        co.Close();
        Assert.False(co.MoveNext());
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void AnotherExceptionRaisedWhileClosingEscapesCloseAndFaults()
    {
        var e = new FormatException("from finally");
        var co = T.FinallyThrows(e);
        Assert.True(co.MoveNext());
        Assert.Same(e, Assert.Throws<FormatException>(() => co.Close()));
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.True(co.IsFinished);
    }

    [Theory]
    [InlineData("Throw")]
    [InlineData("Close")]
    public void AnExceptionRaisedWhileHandlingAThrowOrTheExitEscapesAsTheSameObjectAndFaults(string operation)
    {
        var replacement = new ArgumentException("instead");
        var co = T.RaisesInstead(replacement);
        Assert.True(co.MoveNext());
        Action handled = operation == "Throw" ? () => co.Throw(new FormatException("thrown in")) : co.Close;
        Assert.Same(replacement, Assert.Throws<ArgumentException>(handled));
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Throws<InvalidOperationException>(() => co.Result);
    }

    [Fact]
    public void AFinallyThatYieldsDuringCloseMakesCloseThrowAndThePendingExitLaterClosesIt()
    {
        var log = new List<string>();
        var co = T.YieldingFinally(log);
        Assert.True(co.MoveNext());
        InvalidOperationException ignored = Assert.Throws<InvalidOperationException>(() => co.Close());
        Assert.Contains("ignored CoroutineExitException", ignored.Message);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(100, co.Current);
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Equal(new[] { "finally start", "finally end" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);

        // The same through Send and Throw.
        var viaSend = T.YieldingFinally(new List<string>());
        viaSend.MoveNext();
        Assert.Throws<InvalidOperationException>(() => viaSend.Close());
        Assert.Throws<CoroutineExitException>(() => viaSend.Send(default));
        Assert.Equal(CoroutineState.Closed, viaSend.State);

        // Throw of an exit is not Close: a finally that yields makes Throw return true; the exit escapes when it finishes.
        var viaThrowOfAnExit = T.YieldingFinally(new List<string>());
        viaThrowOfAnExit.MoveNext();
        var exit = new CoroutineExitException();
        Assert.True(viaThrowOfAnExit.Throw(exit));
        Assert.Equal(100, viaThrowOfAnExit.Current);
        Assert.Equal(CoroutineState.Suspended, viaThrowOfAnExit.State);
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => viaThrowOfAnExit.MoveNext()));
        Assert.Equal(CoroutineState.Closed, viaThrowOfAnExit.State);

        // Closed again while suspended in that finally: the exit is raised at its yield, the rest of the finally is skipped.
        var closedAgainLog = new List<string>();
        var closedAgain = T.YieldingFinally(closedAgainLog);
        closedAgain.MoveNext();
        Assert.Throws<InvalidOperationException>(() => closedAgain.Close());
        closedAgain.Close();
        Assert.Equal(CoroutineState.Closed, closedAgain.State);
        Assert.Equal(new[] { "finally start" }, closedAgainLog);

        // Throw into that finally: its exception replaces the pending exit, escapes and faults the coroutine.
        var thrownIntoLog = new List<string>();
        var thrownInto = T.YieldingFinally(thrownIntoLog);
        thrownInto.MoveNext();
        Assert.Throws<InvalidOperationException>(() => thrownInto.Close());
        var e = new FormatException("into the finally");
        Assert.Same(e, Assert.Throws<FormatException>(() => thrownInto.Throw(e)));
        Assert.Equal(CoroutineState.Faulted, thrownInto.State);
        Assert.Equal(new[] { "finally start" }, thrownIntoLog);
    }

    [Fact]
    public void ACatchAllWithAFilterDoesNotSeeTheExitOfClose()
    {
        var log = new List<string>();
        var co = T.FilteredCatchAll(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);

        var thrown = new List<string>();
        var other = T.FilteredCatchAll(thrown);
        other.MoveNext();
        Assert.False(other.Throw(new FormatException("f")));
        Assert.Equal(new[] { "filter saw FormatException", "caught", "finally" }, thrown);
        Assert.Equal(CoroutineState.Completed, other.State);
    }

    [Fact]
    public void ACatchOfATypeParameterInterceptsTheExitOnlyWhenTheTypeArgumentIsTheExit()
    {
        // TException = Exception: a catch (Exception), which neither Close's exit nor a raised one stops.
        var log = new List<string>();
        var asCatchAll = T.CatchOfATypeParameter<Exception>(log);
        Assert.True(asCatchAll.MoveNext());
        asCatchAll.Close();
        Assert.Equal(CoroutineState.Closed, asCatchAll.State);
        var raising = T.CatchOfATypeParameter<Exception>(log);
        Assert.True(raising.MoveNext());
        Assert.True(raising.MoveNext());
        Assert.Throws<CoroutineExitException>(() => raising.MoveNext());
        Assert.Equal(CoroutineState.Closed, raising.State);
        Assert.Empty(log);

        // It still catches everything else.
        var other = T.CatchOfATypeParameter<Exception>(log);
        other.MoveNext();
        Assert.True(other.Throw(new FormatException()));
        Assert.Equal(2, other.Current);
        Assert.Equal(new[] { "caught FormatException" }, log);

        // TException = CoroutineExitException: a catch (CoroutineExitException). Handled, then yielding: the exit was ignored.
        log.Clear();
        var namesTheExit = T.CatchOfATypeParameter<CoroutineExitException>(log);
        Assert.True(namesTheExit.MoveNext());
        Assert.Throws<InvalidOperationException>(() => namesTheExit.Close());
        Assert.Equal(CoroutineState.Suspended, namesTheExit.State);
        Assert.Equal(2, namesTheExit.Current);
        Assert.True(namesTheExit.MoveNext());
        Assert.Equal(3, namesTheExit.Current);
        Assert.Equal(new[] { "caught CoroutineExitException", "caught raised CoroutineExitException" }, log);
    }

    [Fact]
    public void CatchExceptionDoesNotInterceptAnExitTheBodyRaisesItself()
    {
        var log = new List<string>();
        var co = T.CatchExceptionAroundARaisedExit(log);
        Assert.True(co.MoveNext());
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Equal(new[] { "raising" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void ABareCatchDoesNotInterceptAnExitTheBodyRaisesItself()
    {
        var log = new List<string>();
        var co = T.BareCatchAroundARaisedExit(log);
        Assert.True(co.MoveNext());
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Equal(new[] { "raising" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void CatchExceptionDoesNotInterceptAnExitEscapingAnotherCoroutinesThrow()
    {
        var otherLog = new List<string>();
        var other = T.Counting(otherLog);
        other.MoveNext();
        var log = new List<string>();
        var co = T.CatchExceptionAroundAnExitFromAnotherCoroutine(other, log);
        Assert.True(co.MoveNext());
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Empty(log);
        Assert.Equal(new[] { "finally" }, otherLog);
        Assert.Equal(CoroutineState.Closed, other.State);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    // ---- Section 4: Running ----

    [Theory]
    [InlineData("MoveNext")]
    [InlineData("Send")]
    [InlineData("Throw")]
    [InlineData("Close")]
    [InlineData("Dispose")]
    public void ReEnteringARunningCoroutineRaisesAlreadyRunningInsideTheBodyAtTheCallSite(string operation)
    {
        var log = new List<string>();
        Coroutine<int, Unit, Unit>? self = null;
        Action reEnter = operation switch
        {
            "MoveNext" => () => self!.MoveNext(),
            "Send" => () => self!.Send(Unit.Value),
            "Throw" => () => self!.Throw(new FormatException("into myself")),
            "Close" => () => self!.Close(),
            _ => () => self!.Dispose(),
        };
        self = T.ReEnterWith(reEnter, log);
        Assert.True(self.MoveNext());
        Assert.True(self.MoveNext());
        Assert.Equal(2, self.Current);
        string entry = Assert.Single(log);
        Assert.StartsWith("caught in body: ", entry);
        Assert.Contains("already running", entry);
        Assert.Equal(CoroutineState.Suspended, self.State);
    }

    // ---- Section 4: Completed / Faulted / Closed ----

    [Fact]
    public void OperationsOnAFinishedCoroutine()
    {
        // Completed
        var completed = T.BareYield();
        completed.MoveNext();
        completed.Send(1);
        Assert.False(completed.Send(2));
        Assert.True(completed.IsFinished);
        Assert.False(completed.MoveNext());
        Assert.False(completed.Send(5));
        var e1 = new FormatException("after completion");
        Assert.Same(e1, Assert.Throws<FormatException>(() => completed.Throw(e1)));
        Assert.Equal(CoroutineState.Completed, completed.State);
        completed.Close();
        Assert.Equal(CoroutineState.Completed, completed.State);
        Assert.Equal(3, completed.Result);

        // Faulted
        var boom = new ArgumentException("boom");
        var faulted = T.Raises(boom);
        Assert.True(faulted.MoveNext());
        Assert.Same(boom, Assert.Throws<ArgumentException>(() => faulted.MoveNext()));
        Assert.Equal(CoroutineState.Faulted, faulted.State);
        Assert.True(faulted.IsFinished);
        Assert.False(faulted.MoveNext());
        Assert.False(faulted.Send(default));
        var e2 = new FormatException("after fault");
        Assert.Same(e2, Assert.Throws<FormatException>(() => faulted.Throw(e2)));
        Assert.Equal(CoroutineState.Faulted, faulted.State);
        faulted.Close();
        Assert.Equal(CoroutineState.Faulted, faulted.State);

        // Closed
        var closed = T.Counting(new List<string>());
        closed.MoveNext();
        closed.Close();
        Assert.Equal(CoroutineState.Closed, closed.State);
        Assert.False(closed.MoveNext());
        var e3 = new FormatException("after close");
        Assert.Same(e3, Assert.Throws<FormatException>(() => closed.Throw(e3)));
        Assert.Equal(CoroutineState.Closed, closed.State);
    }

    [Fact]
    public void ResultIsOnlyAvailableOnceCompleted()
    {
        var co = T.CatchAndReturn();
        Assert.Throws<InvalidOperationException>(() => co.Result); // Created
        co.MoveNext();
        Assert.Throws<InvalidOperationException>(() => co.Result); // Suspended
        co.Close();
        Assert.Throws<InvalidOperationException>(() => co.Result); // Closed
        var faulted = T.Raises(new FormatException());
        faulted.MoveNext();
        Assert.Throws<FormatException>(() => faulted.MoveNext());
        Assert.Throws<InvalidOperationException>(() => faulted.Result); // Faulted
    }

    [Fact]
    public void ForeachDrivesWithMoveNextAndDisposesAtTheEndOrOnBreak()
    {
        var log = new List<string>();
        var co = T.Counting(log);
        foreach (int i in co)
        {
            if (i == 2)
            {
                break;
            }
        }

        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(2, co.Current);

        // At the end the coroutine has completed; the disposal is a Close of a finished coroutine, which changes nothing.
        var seen = new List<int>();
        var completed = T.BareYield();
        foreach (string? value in completed)
        {
            seen.Add(seen.Count);
        }

        Assert.Equal(new[] { 0, 1 }, seen);
        Assert.Equal(CoroutineState.Completed, completed.State);
        Assert.Equal(0, completed.Result); // MoveNext sent default(int) to both yields
    }

    // ---- Section 5: delegation ----

    [Fact]
    public void DelegationPassesYieldsAndSendsAndTheAwaitGetsTheResult()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        Assert.True(co.MoveNext());
        Assert.Equal(10, co.Current);
        Assert.True(co.MoveNext()); // MoveNext resumes the sub with default(TSend)
        Assert.Equal(20, co.Current);
        Assert.True(co.Send("b"));
        Assert.Equal(500, co.Current);
        Assert.False(co.MoveNext());
        Assert.Equal(5, co.Result);
        Assert.Equal(new[] { "sub got null", "sub got b", "sub finally", "delegator got 5", "delegator finally" }, log);
    }

    [Fact]
    public void ThrowIsForwardedToTheSubWhichHandlesItAndTheDelegationContinues()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        co.MoveNext();
        Assert.True(co.Throw(new FormatException("f")));
        Assert.Equal(-1, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(600, co.Current);
        Assert.Equal(new[] { "sub caught f", "sub finally", "delegator got 6" }, log);
    }

    [Fact]
    public void AnExceptionEscapingTheSubIsRaisedInTheDelegatorAtTheAwait()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        co.MoveNext();
        Assert.False(co.Throw(new ArgumentException("a")));
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(-1, co.Result);
        Assert.Equal(new[] { "sub finally", "delegator caught ArgumentException: a", "delegator finally" }, log);
    }

    [Fact]
    public void CloseClosesTheSubFirstThenRaisesTheExitInTheDelegator()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        co.MoveNext();
        co.Close();
        Assert.Equal(new[] { "sub finally", "delegator caught exit", "delegator finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void ThrowingAnExitIntoADelegatorBehavesLikeClose()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        co.MoveNext();
        Assert.Throws<CoroutineExitException>(() => co.Throw(new CoroutineExitException()));
        Assert.Equal(new[] { "sub finally", "delegator caught exit", "delegator finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void WhenTheSubsCloseThrowsThatExceptionIsRaisedAtTheAwait()
    {
        var log = new List<string>();
        var co = T.CatchesAtTheAwait(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "caught at await: from sub finally" }, log);
        Assert.True(co.IsFinished);
    }

    [Fact]
    public void AwaitingAStoredSubDelegatesAndAnAlreadyFinishedOneGivesItsResultAtOnce()
    {
        var subLog = new List<string>();
        var sub = T.Sub(subLog);
        var log = new List<string>();
        var co = T.AwaitStored(sub, log);
        Assert.True(co.MoveNext());
        Assert.Equal(10, co.Current);
        Assert.True(co.Send("s"));
        Assert.Equal(20, co.Current);
        Assert.False(co.Send("t"));
        Assert.Equal(5, co.Result);
        Assert.Equal(new[] { "stored sub returned 5" }, log);

        var finished = T.Sub(new List<string>());
        while (finished.MoveNext())
        {
        }

        var again = T.AwaitStored(finished, log);
        Assert.False(again.MoveNext());
        Assert.Equal(5, again.Result);
    }

    [Fact]
    public void YieldAllDiscardsSentValuesAndDisposesTheEnumerator()
    {
        var items = new TrackedItems(1, 2, 3);
        var log = new List<string>();
        var co = T.YieldAllItems(items, log);
        Assert.True(co.MoveNext());
        Assert.Equal(1, co.Current);
        Assert.True(co.Send("discarded"));
        Assert.Equal(2, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(3, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(99, co.Current);
        Assert.Equal(1, items.Disposed);
        Assert.False(co.Send("end"));
        Assert.Equal("end", co.Result);
        Assert.Equal(new[] { "yield all done" }, log);
    }

    [Fact]
    public void ThrowInsideYieldAllDisposesTheEnumeratorAndRaisesAtTheAwait()
    {
        var items = new TrackedItems(1, 2, 3);
        var log = new List<string>();
        var co = T.YieldAllItems(items, log);
        co.MoveNext();
        Assert.False(co.Throw(new FormatException("t")));
        Assert.Equal(1, items.Disposed);
        Assert.Equal("caught", co.Result);
        Assert.Equal(new[] { "caught at await: t" }, log);
    }

    [Fact]
    public void CloseInsideYieldAllDisposesTheEnumeratorAndRaisesTheExitAtTheAwait()
    {
        var items = new TrackedItems(1, 2, 3);
        var log = new List<string>();
        var co = T.YieldAllItems(items, log);
        co.MoveNext();
        co.Close();
        Assert.Equal(1, items.Disposed);
        Assert.Equal(new[] { "exit at await" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }
}
