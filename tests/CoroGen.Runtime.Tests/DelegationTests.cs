using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>API.md section 5: delegation (PEP 380) through the runtime's trampoline.</summary>
public class DelegationTests
{
    [Fact]
    public void YieldsPassThroughSendsReachTheSubAndTheAwaitGetsItsResult()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 3);
        var outer = new Delegator("outer", log, () => inner);

        Assert.True(outer.MoveNext());
        Assert.Equal(1, outer.Current);
        Assert.Equal(CoroutineState.Suspended, outer.State);
        Assert.Equal(CoroutineState.Suspended, inner.State);
        Assert.Same(inner, outer.Sub);

        Assert.True(outer.Send(10));
        Assert.Equal(2, outer.Current);
        Assert.True(outer.Send(20));
        Assert.Equal(3, outer.Current);
        Assert.True(outer.Send(30));
        Assert.Equal(1060, outer.Current);
        Assert.Equal(CoroutineState.Completed, inner.State);
        Assert.Equal(60, inner.Result);

        Assert.False(outer.MoveNext());
        Assert.Equal(60, outer.Result);
        Assert.Equal(CoroutineState.Completed, outer.State);
        Assert.Equal(
            new[]
            {
                "outer start", "inner start", "inner got 10", "inner got 20", "inner got 30", "inner done", "inner finally",
                "outer got 60", "outer finally", "outer end",
            },
            log);
    }

    [Fact]
    public void MoveNextOnTheDelegatorResumesTheSubWithDefault()
    {
        var log = new List<string>();
        var outer = new Delegator("outer", log, () => new Inner("inner", log, 2));
        outer.MoveNext();
        Assert.True(outer.MoveNext());
        Assert.Equal(2, outer.Current);
        Assert.Contains("inner got 0", log);
    }

    [Fact]
    public void SendBeforeStartIsRejectedBeforeAnyDelegation()
    {
        var log = new List<string>();
        var outer = new Delegator("outer", log, () => new Inner("inner", log, 2));
        Assert.Throws<InvalidOperationException>(() => outer.Send(1));
        Assert.Equal(CoroutineState.Created, outer.State);
        Assert.Empty(log);
        Assert.True(outer.MoveNext());
        Assert.Equal(1, outer.Current);
    }

    [Fact]
    public void ForeachOverADelegatorSeesTheSubsYields()
    {
        var log = new List<string>();
        var outer = new Delegator("outer", log, () => new Inner("inner", log, 3));
        Assert.Equal(new[] { 1, 2, 3, 1000 }, outer.ToList());
        Assert.Equal(CoroutineState.Completed, outer.State);
    }

    [Fact]
    public void ThrowIsForwardedToTheSubWhichCatchesAndYields()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 2, catchTest: true);
        var outer = new Delegator("outer", log, () => inner);
        outer.MoveNext();

        Assert.True(outer.Throw(new TestException("x")));
        Assert.Equal(77, outer.Current);
        Assert.Equal(CoroutineState.Suspended, inner.State);
        Assert.Equal(CoroutineState.Suspended, outer.State);

        // The delegation continues: sends still reach the sub.
        Assert.True(outer.Send(5));
        Assert.Equal(2, outer.Current);
        Assert.True(outer.Send(6));
        Assert.Equal(1011, outer.Current);
        Assert.Equal(
            new[] { "outer start", "inner start", "inner caught x", "inner got 5", "inner got 6", "inner done", "inner finally", "outer got 11" },
            log);
    }

    [Fact]
    public void ThrowTheSubDoesNotCatchIsRaisedAtTheDelegatorsAwait()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => inner, catchAtAwait: true);
        outer.MoveNext();
        var e = new TestException("x");

        Assert.True(outer.Throw(e));
        Assert.Equal(-100, outer.Current);
        Assert.Same(e, outer.Caught);
        Assert.Equal(CoroutineState.Faulted, inner.State);
        Assert.Equal(CoroutineState.Suspended, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner finally", "outer caught x" }, log);

        Assert.False(outer.MoveNext());
        Assert.Equal(-1, outer.Result);
    }

    [Fact]
    public void ThrowNobodyCatchesEscapesTheRootAsTheSameObjectAndFaultsEveryLevel()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => inner);
        outer.MoveNext();
        var e = Boom.Thrown("x");

        var escaped = Assert.Throws<TestException>(() => outer.Throw(e));
        Assert.Same(e, escaped);
        Assert.Contains("OriginalThrowSite", escaped.StackTrace);
        Assert.Equal(CoroutineState.Faulted, inner.State);
        Assert.Equal(CoroutineState.Faulted, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner finally", "outer finally" }, log);
    }

    [Fact]
    public void ThrowThatTheSubCatchesAndFinishesOnResumesTheDelegatorWithTheResult()
    {
        var log = new List<string>();
        var sub = new Catcher(returnAfterCatch: true);
        var outer = new Delegator("outer", log, () => sub);
        outer.MoveNext();
        Assert.True(outer.Throw(new TestException("x")));
        Assert.Equal(1042, outer.Current);
        Assert.Equal(CoroutineState.Completed, sub.State);
    }

    [Fact]
    public void ExceptionRaisedBySubOnItsOwnIsRaisedAtTheAwait()
    {
        var log = new List<string>();
        var sub = new Failing(failAt: 1);
        var outer = new Delegator("outer", log, () => sub, catchAtAwait: true);
        outer.MoveNext();
        Assert.True(outer.MoveNext());
        Assert.Equal(-100, outer.Current);
        Assert.Same(sub.ToThrow, outer.Caught);
        Assert.Equal(CoroutineState.Faulted, sub.State);
    }

    [Fact]
    public void ExceptionFromSubNobodyCatchesEscapesWithTheSubsStackTrace()
    {
        var log = new List<string>();
        var sub = new Failing(failAt: 1);
        var outer = new Delegator("outer", log, () => sub);
        outer.MoveNext();
        var escaped = Assert.Throws<TestException>(() => outer.Send(1));
        Assert.Same(sub.ToThrow, escaped);
        Assert.Contains(nameof(Boom.RaiseFromBody), escaped.StackTrace);
        Assert.Contains(nameof(Failing), escaped.StackTrace);
        Assert.Equal(CoroutineState.Faulted, outer.State);
        Assert.Equal(CoroutineState.Faulted, sub.State);
        Assert.Equal(new[] { "outer start", "outer finally" }, log);
    }

    [Fact]
    public void ExceptionFromSubWhilePrimingIsRaisedAtTheAwait()
    {
        var log = new List<string>();
        var sub = new Failing(failAt: 0);
        var outer = new Delegator("outer", log, () => sub);
        Assert.Same(sub.ToThrow, Assert.Throws<TestException>(() => outer.MoveNext()));
        Assert.Equal(CoroutineState.Faulted, outer.State);
        Assert.Equal(new[] { "outer start", "outer finally" }, log);
    }

    [Fact]
    public void CloseClosesTheSubFirstThenTheDelegator()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 3);
        var outer = new Delegator("outer", log, () => inner);
        outer.MoveNext();
        outer.Send(1);
        outer.Close();
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner got 1", "inner finally", "outer finally" }, log);
        outer.Close();
        Assert.False(outer.MoveNext());
        Assert.Equal(5, log.Count);
    }

    [Fact]
    public void ThrowingCoroutineExitExceptionIntoADelegatorBehavesLikeClose()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 3);
        var outer = new Delegator("outer", log, () => inner);
        outer.MoveNext();
        var exit = new CoroutineExitException();
        Assert.Throws<CoroutineExitException>(() => outer.Throw(exit));
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner finally", "outer finally" }, log);
    }

    [Fact]
    public void SubCloseThatThrowsGivesTheDelegatorThatException()
    {
        var log = new List<string>();
        var x = new TestException("x");
        var inner = new Inner("inner", log, 3) { FinallyAction = () => Boom.RaiseFromBody(x) };
        var outer = new Delegator("outer", log, () => inner);
        outer.MoveNext();
        var escaped = Assert.Throws<TestException>(() => outer.Close());
        Assert.Same(x, escaped);
        Assert.Contains(nameof(Boom.RaiseFromBody), escaped.StackTrace);
        Assert.Equal(CoroutineState.Faulted, inner.State);
        Assert.Equal(CoroutineState.Faulted, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner finally", "outer finally" }, log);
    }

    [Fact]
    public void SubCloseThatThrowsIsRaisedAtTheAwaitWhereTheDelegatorCanCatchIt()
    {
        var log = new List<string>();
        var x = new TestException("x");
        var inner = new Inner("inner", log, 3) { FinallyAction = () => throw x };
        var outer = new Delegator("outer", log, () => inner, catchAtAwait: true);
        outer.MoveNext();

        // The delegator catches x instead of the exit and yields: it ignored the exit.
        Assert.Throws<InvalidOperationException>(() => outer.Close());
        Assert.Same(x, outer.Caught);
        Assert.Equal(-100, outer.Current);
        Assert.Equal(CoroutineState.Suspended, outer.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner finally", "outer caught x" }, log);
    }

    [Fact]
    public void SubThatIgnoresTheExitGivesTheDelegatorInvalidOperationException()
    {
        var log = new List<string>();
        var sub = new ExitHandler(ExitMode.Yield);
        var outer = new Delegator("outer", log, () => sub, catchAtAwait: true);
        outer.MoveNext();
        Assert.Throws<InvalidOperationException>(() => outer.Close()); // outer yields -100 after catching: it too ignored the exit
        Assert.IsType<InvalidOperationException>(outer.Caught);
        Assert.Equal(-100, outer.Current);

        var sub2 = new ExitHandler(ExitMode.Yield);
        var outer2 = new Delegator("outer2", log, () => sub2);
        outer2.MoveNext();
        Assert.Throws<InvalidOperationException>(() => outer2.Close());
        Assert.Equal(CoroutineState.Faulted, outer2.State);
    }

    [Fact]
    public void SubThatCatchesTheExitAndReturnsStillClosesTheDelegator()
    {
        var log = new List<string>();
        var sub = new ExitHandler(ExitMode.Return);
        var outer = new Delegator("outer", log, () => sub);
        outer.MoveNext();
        outer.Close();
        Assert.Equal(CoroutineState.Closed, sub.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.Equal(new[] { "outer start", "outer finally" }, log);
    }

    [Fact]
    public void ExitRaisedBySubOnItsOwnClosesTheWholeChain()
    {
        var log = new List<string>();
        var exit = new CoroutineExitException();
        var sub = new ExitRaiser(exit);
        var outer = new Delegator("outer", log, () => sub);
        outer.MoveNext();
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => outer.MoveNext()));
        Assert.Equal(CoroutineState.Closed, sub.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.Equal(new[] { "outer start", "outer finally" }, log);
    }

    [Fact]
    public void ThrowingTheExitIntoAChainWhoseSubReturnsStillClosesTheDelegator()
    {
        var log = new List<string>();
        var sub = new ExitHandler(ExitMode.Return);
        var outer = new Delegator("outer", log, () => sub);
        outer.MoveNext();
        Assert.Throws<CoroutineExitException>(() => outer.Throw(new CoroutineExitException()));
        Assert.Equal(CoroutineState.Closed, sub.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.Equal(new[] { "outer start", "outer finally" }, log);
    }

    [Fact]
    public void CloseAndThrowBeforeStartNeverCreateTheSub()
    {
        var log = new List<string>();
        int made = 0;
        var closed = new Delegator("outer", log, () => { made++; return new Inner("inner", log, 1); });
        closed.Close();
        Assert.Equal(CoroutineState.Closed, closed.State);

        var thrown = new Delegator("outer", log, () => { made++; return new Inner("inner", log, 1); });
        var e = new TestException("early");
        Assert.Same(e, Assert.Throws<TestException>(() => thrown.Throw(e)));
        Assert.Equal(CoroutineState.Closed, thrown.State);
        Assert.Equal(0, made);
        Assert.Empty(log);
    }

    [Fact]
    public void AwaitingAnAlreadyFinishedSubReturnsItsResultAtOnce()
    {
        var log = new List<string>();
        var sub = new CountUp(2);
        while (sub.MoveNext())
        {
        }

        int subLog = sub.Log.Count;
        var outer = new Delegator("outer", log, () => sub);
        Assert.True(outer.MoveNext());
        Assert.Equal(1002, outer.Current);
        Assert.Equal(subLog, sub.Log.Count);
        Assert.Equal(new[] { "outer start", "outer got 2" }, log);
    }

    [Fact]
    public void SubThatFinishesWithoutYieldingDoesNotSuspendTheDelegator()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 0);
        var outer = new Delegator("outer", log, () => inner);
        Assert.True(outer.MoveNext());
        Assert.Equal(1000, outer.Current);
        Assert.Equal(CoroutineState.Completed, inner.State);
        Assert.Equal(new[] { "outer start", "inner start", "inner done", "inner finally", "outer got 0" }, log);
    }

    [Fact]
    public void ChainOfSubsThatFinishWithoutYieldingDoesNotSuspend()
    {
        var log = new List<string>();
        var outer = new Delegator("outer", log, () => new Delegator("middle", log, () => new Inner("inner", log, 0)));

        // middle yields its own 1000 after the inner finished at once.
        Assert.True(outer.MoveNext());
        Assert.Equal(1000, outer.Current);
        Assert.True(outer.MoveNext());
        Assert.Equal(1000, outer.Current); // outer got middle's result 0
        Assert.False(outer.MoveNext());
    }

    [Fact]
    public void ThreeLevelChainPassesYieldsSendsAndResults()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));

        Assert.True(outer.MoveNext());
        Assert.Equal(1, outer.Current);
        Assert.True(outer.Send(3));
        Assert.Equal(2, outer.Current);
        Assert.True(outer.Send(4));
        Assert.Equal(1007, outer.Current); // middle's own yield passes through
        Assert.Equal(CoroutineState.Completed, inner.State);
        Assert.Equal(CoroutineState.Suspended, middle!.State);
        Assert.True(outer.Send(100));
        Assert.Equal(1007, outer.Current); // outer's own yield of middle's result
        Assert.Equal(CoroutineState.Completed, middle.State);
        Assert.False(outer.MoveNext());
        Assert.Equal(7, outer.Result);
        Assert.Equal(
            new[]
            {
                "outer start", "middle start", "inner start", "inner got 3", "inner got 4", "inner done", "inner finally",
                "middle got 7", "middle finally", "middle end", "outer got 7", "outer finally", "outer end",
            },
            log);
    }

    [Fact]
    public void CloseOnAThreeLevelChainRunsFinallysInnerFirst()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));
        outer.MoveNext();
        log.Clear();
        outer.Close();
        Assert.Equal(new[] { "inner finally", "middle finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, middle!.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void CloseOnAThreeLevelChainSuspendedInTheMiddleLevel()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 1);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));
        outer.MoveNext();
        outer.MoveNext(); // inner finishes; middle yields 1000
        Assert.Equal(1000, outer.Current);
        log.Clear();
        outer.Close();
        Assert.Equal(new[] { "middle finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, middle!.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void ThrowOnAThreeLevelChainUnwindsToTheLevelThatCatches()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner), catchAtAwait: true);
        outer.MoveNext();
        log.Clear();
        var e = new TestException("deep");
        Assert.True(outer.Throw(e));
        Assert.Equal(-100, outer.Current);
        Assert.Same(e, outer.Caught);
        Assert.Equal(new[] { "inner finally", "middle finally", "outer caught deep" }, log);
        Assert.Equal(CoroutineState.Faulted, inner.State);
        Assert.Equal(CoroutineState.Faulted, middle!.State);
        Assert.Equal(CoroutineState.Suspended, outer.State);
    }

    [Fact]
    public void ThrowOnAThreeLevelChainCaughtInTheMiddleContinuesFromThere()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner, catchAtAwait: true));
        outer.MoveNext();
        Assert.True(outer.Throw(new TestException("deep")));
        Assert.Equal(-100, outer.Current);
        Assert.True(outer.MoveNext()); // middle returns -1, outer yields -1 + 1000
        Assert.Equal(999, outer.Current);
        Assert.False(outer.MoveNext());
        Assert.Equal(-1, outer.Result);
    }

    [Fact]
    public void ReEnteringTheRootFromInsideTheInnermostSubThrowsInsideTheSub()
    {
        var log = new List<string>();
        var outcomes = new List<Exception?>();
        Delegator? outer = null;
        var inner = new Inner("inner", log, 2);
        inner.OnStep = () => ReEntrant.RunOperations(
            new List<Action> { () => outer!.MoveNext(), () => outer!.Send(1), () => outer!.Throw(new TestException("no")), () => outer!.Close() },
            outcomes);
        outer = new Delegator("outer", log, () => new Delegator("middle", log, () => inner));
        outer.MoveNext();
        Assert.True(outer.Send(5));
        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.IsType<InvalidOperationException>(o));
        Assert.Equal(2, outer.Current);
        Assert.Equal(CoroutineState.Suspended, outer.State);
    }

    [Fact]
    public void ReEnteringAMiddleLevelFromInsideTheInnermostSubThrowsInsideTheSubAndLeavesTheChainIntact()
    {
        var log = new List<string>();
        var outcomes = new List<Exception?>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        inner.OnStep = () => ReEntrant.RunOperations(
            new List<Action> { () => middle!.MoveNext(), () => middle!.Send(1), () => middle!.Throw(new TestException("no")), () => middle!.Close() },
            outcomes);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));
        outer.MoveNext();
        Assert.True(outer.Send(5));
        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.IsType<InvalidOperationException>(o));
        Assert.Equal(CoroutineState.Suspended, middle!.State);
        Assert.Equal(CoroutineState.Suspended, inner.State);

        // The chain goes on as if nothing happened.
        Assert.Equal(2, outer.Current);
        Assert.True(outer.Send(6));
        Assert.Equal(1011, outer.Current);
        Assert.True(outer.MoveNext());
        Assert.Equal(1011, outer.Current);
        Assert.False(outer.MoveNext());
        Assert.Equal(11, outer.Result);
        Assert.Equal(8, outcomes.Count);
        Assert.All(outcomes, o => Assert.IsType<InvalidOperationException>(o));
        Assert.Equal(
            new[]
            {
                "outer start", "middle start", "inner start", "inner got 5", "inner got 6", "inner done", "inner finally",
                "middle got 11", "middle finally", "middle end", "outer got 11", "outer finally", "outer end",
            },
            log);
    }

    [Fact]
    public void EveryLevelOfARunningChainIsRunning()
    {
        var log = new List<string>();
        Delegator? middle = null;
        Delegator? outer = null;
        var seen = new List<CoroutineState>();
        var inner = new Inner("inner", log, 2);
        inner.OnStep = () =>
        {
            seen.Add(inner.State);
            seen.Add(middle!.State);
            seen.Add(outer!.State);
        };
        outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));
        outer.MoveNext();
        Assert.Equal(CoroutineState.Suspended, middle!.State);
        Assert.Equal(CoroutineState.Suspended, inner.State);
        outer.Send(1);
        Assert.Equal(new[] { CoroutineState.Running, CoroutineState.Running, CoroutineState.Running }, seen);
        Assert.Equal(CoroutineState.Suspended, middle.State);
        Assert.False(middle.IsFinished);
    }

    [Fact]
    public void DrivingAnAwaitedLevelDirectlyIsRejectedAndLeavesTheChainIntact()
    {
        var log = new List<string>();
        Delegator? middle = null;
        var inner = new Inner("inner", log, 2);
        var outer = new Delegator("outer", log, () => middle = new Delegator("middle", log, () => inner));
        outer.MoveNext();
        foreach (Coroutine<int, int, int> level in new Coroutine<int, int, int>[] { middle!, inner })
        {
            Assert.Throws<InvalidOperationException>(() => level.MoveNext());
            Assert.Throws<InvalidOperationException>(() => level.Send(1));
            Assert.Throws<InvalidOperationException>(() => level.Throw(new TestException("no")));
            Assert.Throws<InvalidOperationException>(() => level.Close());
            Assert.Equal(CoroutineState.Suspended, level.State);
        }

        Assert.Equal(new[] { "outer start", "middle start", "inner start" }, log);
        Assert.True(outer.Send(2));
        Assert.Equal(2, outer.Current);
        Assert.True(outer.Send(3));
        Assert.Equal(1005, outer.Current);

        // Once the inner level has finished it is free again (and finished).
        Assert.False(inner.MoveNext());
        Assert.Equal(5, inner.Result);
    }

    [Fact]
    public void SubYieldingADerivedTypeAndTakingABaseTypeCanServeTheChain()
    {
        var sub = new StringSub();
        var root = new ObjectRoot(sub);
        Assert.True(root.MoveNext());
        Assert.Equal("from sub", root.Current);
        Assert.True(root.Send("sent"));
        Assert.Equal(new object?[] { "sent" }, sub.Received);
        Assert.Equal(1, root.Current);
        Assert.False(root.MoveNext());
        Assert.Equal(1, root.Result);
    }

    [Fact]
    public void SubOfAnIncompatibleTypeIsRejectedAtTheAwait()
    {
        var log = new List<string>();
        var outer = new Delegator("outer", log, () => new Echo(), catchAtAwait: true);
        Assert.True(outer.MoveNext());
        Assert.IsType<InvalidOperationException>(outer.Caught);
        Assert.Equal(-100, outer.Current);
    }

    [Fact]
    public void DelegatingToItselfIsRejectedAtTheAwait()
    {
        var log = new List<string>();
        Delegator? outer = null;
        outer = new Delegator("outer", log, () => outer!, catchAtAwait: true);
        Assert.True(outer.MoveNext());
        Assert.IsType<InvalidOperationException>(outer.Caught);
    }

    [Fact]
    public void ASubCanBeAwaitedByOnlyOneChainAtATime()
    {
        var log = new List<string>();
        var shared = new Inner("shared", log, 3);
        var first = new Delegator("first", log, () => shared);
        var second = new Delegator("second", log, () => shared, catchAtAwait: true);
        first.MoveNext();
        Assert.True(second.MoveNext());
        Assert.IsType<InvalidOperationException>(second.Caught);
        Assert.True(first.Send(1));
        Assert.Equal(2, first.Current);
    }
}
