using System;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>API.md section 4, the Throw column, and how exceptions leave a coroutine.</summary>
public class ThrowTests
{
    [Fact]
    public void ExceptionFromTheFirstMoveNextEscapesAsTheSameObjectWithItsStackTrace()
    {
        var co = new Failing(failAt: 0);
        var e = Assert.Throws<TestException>(() => co.MoveNext());
        Assert.Same(co.ToThrow, e);
        Assert.Contains(nameof(Boom.RaiseFromBody), e.StackTrace);
        Assert.Contains(nameof(Failing), e.StackTrace);
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "start" }, co.Log);
    }

    [Fact]
    public void ExceptionAfterAResumeEscapesMoveNextAndSendAsTheSameObject()
    {
        var viaMoveNext = new Failing(failAt: 1);
        viaMoveNext.MoveNext();
        var e1 = Assert.Throws<TestException>(() => viaMoveNext.MoveNext());
        Assert.Same(viaMoveNext.ToThrow, e1);
        Assert.Contains(nameof(Boom.RaiseFromBody), e1.StackTrace);
        Assert.Equal(CoroutineState.Faulted, viaMoveNext.State);

        var viaSend = new Failing(failAt: 1);
        viaSend.MoveNext();
        var e2 = Assert.Throws<TestException>(() => viaSend.Send(3));
        Assert.Same(viaSend.ToThrow, e2);
        Assert.Contains(nameof(Boom.RaiseFromBody), e2.StackTrace);
        Assert.Equal(CoroutineState.Faulted, viaSend.State);
    }

    [Fact]
    public void ThrowBeforeStartEscapesRunsNothingAndCloses()
    {
        var co = new CountUp(3, claimCleanup: true);
        var e = Boom.Thrown("early");
        var escaped = Assert.Throws<TestException>(() => co.Throw(e));
        Assert.Same(e, escaped);
        Assert.Contains("OriginalThrowSite", escaped.StackTrace);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Empty(co.Log);
        Assert.False(co.MoveNext());
        Assert.Empty(co.Log);
    }

    [Fact]
    public void ThrowBeforeStartWithAFreshExceptionEscapesIt()
    {
        var co = new TryFinally();
        var e = new TestException("fresh");
        Assert.Same(e, Assert.Throws<TestException>(() => co.Throw(e)));
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Empty(co.Log);
    }

    [Fact]
    public void ThrowCaughtThenYieldReturnsTrue()
    {
        var co = new Catcher(returnAfterCatch: false);
        co.MoveNext();
        var e = new TestException("x");
        Assert.True(co.Throw(e));
        Assert.Equal(2, co.Current);
        Assert.Same(e, co.Caught);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(new[] { "caught x" }, co.Log);
        Assert.False(co.MoveNext());
        Assert.Equal(43, co.Result);
    }

    [Fact]
    public void ThrowCaughtThenReturnReturnsFalseAndCompletes()
    {
        var co = new Catcher(returnAfterCatch: true);
        co.MoveNext();
        Assert.False(co.Throw(new TestException("x")));
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(42, co.Result);
    }

    [Fact]
    public void ThrowNotCaughtEscapesAsTheSameObjectWithItsOriginalStackTraceAndFaults()
    {
        var co = new Catcher(returnAfterCatch: false);
        co.MoveNext();
        var e = Boom.Thrown("origin");
        var other = new InvalidCastException("not caught by the body");
        var escaped = Assert.Throws<InvalidCastException>(() => co.Throw(other));
        Assert.Same(other, escaped);
        Assert.Equal(CoroutineState.Faulted, co.State);

        var co2 = new CountUp(3);
        co2.MoveNext();
        var escaped2 = Assert.Throws<TestException>(() => co2.Throw(e));
        Assert.Same(e, escaped2);
        Assert.Contains("OriginalThrowSite", escaped2.StackTrace);
        Assert.Equal(CoroutineState.Faulted, co2.State);
        Assert.Equal(new[] { "start" }, co2.Log);
    }

    [Fact]
    public void ThrowAfterFinishEscapesAndLeavesTheStateUnchanged()
    {
        var completed = new CountUp(0);
        completed.MoveNext();
        var e1 = new TestException("late");
        Assert.Same(e1, Assert.Throws<TestException>(() => completed.Throw(e1)));
        Assert.Equal(CoroutineState.Completed, completed.State);
        Assert.Equal(0, completed.Result);

        var faulted = new Failing(failAt: 0);
        Assert.Throws<TestException>(() => faulted.MoveNext());
        var e2 = Boom.Thrown("late");
        var escaped = Assert.Throws<TestException>(() => faulted.Throw(e2));
        Assert.Same(e2, escaped);
        Assert.Contains("OriginalThrowSite", escaped.StackTrace);
        Assert.Equal(CoroutineState.Faulted, faulted.State);

        var closed = new TryFinally();
        closed.MoveNext();
        closed.Close();
        var e3 = new TestException("late");
        Assert.Same(e3, Assert.Throws<TestException>(() => closed.Throw(e3)));
        Assert.Equal(CoroutineState.Closed, closed.State);
        Assert.Equal(new[] { "start", "finally" }, closed.Log);
    }

    [Fact]
    public void ThrowRunsFinallyOnTheWayOut()
    {
        var co = new TryFinally();
        co.MoveNext();
        var e = new TestException("x");
        Assert.Same(e, Assert.Throws<TestException>(() => co.Throw(e)));
        Assert.Equal(new[] { "start", "finally" }, co.Log);
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void ThrowNullIsRejected()
    {
        var co = new CountUp(2);
        co.MoveNext();
        Assert.Throws<ArgumentNullException>(() => co.Throw(null!));
        Assert.Equal(CoroutineState.Suspended, co.State);
    }

    [Fact]
    public void ThrowingCoroutineExitExceptionThatEscapesClosesNotFaults()
    {
        var co = new TryFinally();
        co.MoveNext();
        var exit = new CoroutineExitException();
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => co.Throw(exit)));
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);

        var noCleanup = new CountUp(3);
        noCleanup.MoveNext();
        Assert.Throws<CoroutineExitException>(() => noCleanup.Throw(new CoroutineExitException()));
        Assert.Equal(CoroutineState.Closed, noCleanup.State);
    }

    [Fact]
    public void ThrowingCoroutineExitExceptionThatTheBodyCatchesAndYieldsReturnsTrue()
    {
        var co = new ExitHandler(ExitMode.Yield);
        co.MoveNext();
        var exit = new CoroutineExitException();
        Assert.True(co.Throw(exit));
        Assert.Same(exit, co.CaughtExit);
        Assert.Equal(99, co.Current);
        Assert.Equal(CoroutineState.Suspended, co.State);
    }

    [Fact]
    public void ExitEscapingMoveNextClosesNotFaults()
    {
        // A body that raises CoroutineExitException on its own (not through Close/Throw).
        var exit = new CoroutineExitException();
        var raiser = new ExitRaiser(exit);
        raiser.MoveNext();
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => raiser.MoveNext()));
        Assert.Equal(CoroutineState.Closed, raiser.State);
        Assert.False(raiser.MoveNext());
    }

    [Fact]
    public void AnExceptionEscapingAfterAnExitWasMadeStillFaults()
    {
        // The direct step learns that an exit is escaping from the exception last thrown on the thread: an exit made (and
        // thrown, and caught) earlier must not turn a later, different escaping exception into Closed.
        var raiser = new ExitRaiser(new CoroutineExitException());
        raiser.MoveNext();
        Assert.Throws<CoroutineExitException>(() => raiser.MoveNext());
        Assert.Equal(CoroutineState.Closed, raiser.State);

        var e = new TestException("after the exit");
        var thrower = new ExitRaiser(null!, e);
        thrower.MoveNext();
        Assert.Same(e, Assert.Throws<TestException>(() => thrower.MoveNext()));
        Assert.Equal(CoroutineState.Faulted, thrower.State);
        Assert.False(thrower.MoveNext());
    }

    [Fact]
    public void AnExitRaisedByThrowThatTheBodyCaughtEndsClosedWhenItEscapesLater()
    {
        // The body catches the exit, yields, then rethrows it on the next MoveNext: the exit escapes a plain step.
        var co = new ExitCatcherThatRethrows();
        co.MoveNext();
        var exit = new CoroutineExitException();
        Assert.True(co.Throw(exit));
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => co.MoveNext()));
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void FinallyThatYieldsTwiceWithAPendingExceptionRethrowsItIntact()
    {
        var co = new YieldingFinally();
        co.MoveNext();
        var e = Boom.Thrown("pending");
        Assert.True(co.Throw(e));
        Assert.Equal(50, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(51, co.Current);
        var escaped = Assert.Throws<TestException>(() => co.MoveNext());
        Assert.Same(e, escaped);
        Assert.Contains("OriginalThrowSite", escaped.StackTrace);
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "finally start", "finally middle", "finally end" }, co.Log);
    }
}
