using System;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>API.md section 4, the Close column and the Close rules under the table.</summary>
public class CloseTests
{
    [Fact]
    public void CloseOnCreatedClosesAndRunsNothing()
    {
        var co = new TryFinally();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.True(co.IsFinished);
        Assert.Empty(co.Log);
        Assert.False(co.MoveNext());
        Assert.Empty(co.Log);
    }

    [Fact]
    public void CloseOnSuspendedRunsTheFinallyExactlyOnce()
    {
        var co = new TryFinally();
        co.MoveNext();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
        co.Close();
        Assert.False(co.MoveNext());
        Assert.False(co.Send(default));
        Assert.Equal(new[] { "start", "finally" }, co.Log);
    }

    [Fact]
    public void CloseRunsNestedFinallysInnerFirstExactlyOnce()
    {
        var co = new NestedFinally();
        co.MoveNext();
        co.Close();
        Assert.Equal(new[] { "inner finally", "outer finally" }, co.Log);
        Assert.Equal(CoroutineState.Closed, co.State);

        var atSecond = new NestedFinally();
        atSecond.MoveNext();
        atSecond.MoveNext();
        atSecond.Close();
        Assert.Equal(new[] { "resumed", "inner finally", "outer finally" }, atSecond.Log);
        Assert.Equal(CoroutineState.Closed, atSecond.State);
    }

    [Fact]
    public void CloseOutsideAnyCleanupRegionRunsNoUserCode()
    {
        var co = new CountUp(3);
        co.MoveNext();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start" }, co.Log);
    }

    [Fact]
    public void CloseThatResumesABodyWithoutHandlersUnwindsItToClosed()
    {
        var co = new CountUp(3, claimCleanup: true);
        co.MoveNext();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start" }, co.Log);
    }

    [Fact]
    public void CloseOnFinishedIsANoOp()
    {
        var completed = new TryFinally();
        while (completed.MoveNext())
        {
        }

        completed.Close();
        Assert.Equal(CoroutineState.Completed, completed.State);
        Assert.Equal("done", completed.Result);

        var faulted = new Failing(failAt: 0);
        Assert.Throws<TestException>(() => faulted.MoveNext());
        faulted.Close();
        Assert.Equal(CoroutineState.Faulted, faulted.State);

        var closed = new TryFinally();
        closed.Close();
        closed.Close();
        Assert.Equal(CoroutineState.Closed, closed.State);
    }

    [Fact]
    public void CloseWhereTheBodyCatchesTheExitAndReturnsCloses()
    {
        var co = new ExitHandler(ExitMode.Return);
        co.MoveNext();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.NotNull(co.CaughtExit);
        Assert.Equal(new[] { "caught exit" }, co.Log);
    }

    [Fact]
    public void CloseWhereTheBodyYieldsThrowsAndStaysSuspendedAtThatYield()
    {
        var co = new ExitHandler(ExitMode.Yield);
        co.MoveNext();
        var e = Assert.Throws<InvalidOperationException>(() => co.Close());
        Assert.Contains("ignored CoroutineExitException", e.Message);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(99, co.Current);
        Assert.False(co.IsFinished);

        // It is suspended at that yield: resuming continues after it.
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(6, co.Result);
        Assert.Equal(new[] { "caught exit", "after 99" }, co.Log);
    }

    [Fact]
    public void ClosingAgainAfterAnIgnoredExitRaisesTheExitAtTheNewYield()
    {
        var co = new ExitHandler(ExitMode.Yield);
        co.MoveNext();
        Assert.Throws<InvalidOperationException>(() => co.Close());
        co.Close(); // the yield at 99 is outside the try: the exit escapes the body
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "caught exit" }, co.Log);
    }

    [Fact]
    public void CloseWhereTheBodyThrowsAnotherExceptionLetsItEscapeAndFaults()
    {
        var co = new ExitHandler(ExitMode.ThrowOther);
        co.MoveNext();
        var e = Assert.Throws<TestException>(() => co.Close());
        Assert.Same(co.OtherException, e);
        Assert.Contains(nameof(Boom.RaiseFromBody), e.StackTrace);
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void CloseWhereTheFinallyThrowsLetsItEscapeAndFaults()
    {
        var co = new TryFinally();
        var x = new TestException("from finally");
        co.FinallyAction = () => Boom.RaiseFromBody(x);
        co.MoveNext();
        Assert.Same(x, Assert.Throws<TestException>(() => co.Close()));
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
        co.Close();
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void FinallyThatYieldsDuringCloseMakesCloseThrowWithCurrentTheYieldedValue()
    {
        var co = new YieldingFinally();
        co.MoveNext();
        Assert.Throws<InvalidOperationException>(() => co.Close());
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(50, co.Current);
        Assert.IsType<CoroutineExitException>(co.PendedException);

        Assert.True(co.MoveNext());
        Assert.Equal(51, co.Current);

        // The pending exit is re-raised when the finally ends: it escapes MoveNext and the coroutine is Closed, not Faulted.
        var exit = Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Same(co.PendedException, exit);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "finally start", "finally middle", "finally end" }, co.Log);
        Assert.False(co.MoveNext());
    }

    [Fact]
    public void PendingExitReRaisedOutOfSendAndThrowAlsoCloses()
    {
        var viaSend = new YieldingFinally();
        viaSend.MoveNext();
        Assert.Throws<InvalidOperationException>(() => viaSend.Close());
        viaSend.Send(1);
        Assert.Throws<CoroutineExitException>(() => viaSend.Send(2));
        Assert.Equal(CoroutineState.Closed, viaSend.State);

        var viaClose = new YieldingFinally();
        viaClose.MoveNext();
        Assert.Throws<InvalidOperationException>(() => viaClose.Close());
        viaClose.Close(); // the exit is raised at the yield of 50, which no try encloses: it escapes, so Close succeeds
        Assert.Equal(CoroutineState.Closed, viaClose.State);
    }

    [Fact]
    public void CloseWhileSuspendedInAFinallyThatYieldsUnwindsFromThere()
    {
        var co = new YieldingFinally();
        co.MoveNext();
        co.MoveNext(); // normal exit from the try: the finally starts and yields 50
        Assert.Equal(50, co.Current);
        co.Close(); // raised at the yield in the finally (not protected): escapes, Closed
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "body resumed", "finally start" }, co.Log);
    }
}
