using System;
using System.Collections.Generic;
using Xunit;
using X = CoroGen.Tests.ExitIntoDelegationTemplates;

namespace CoroGen.Tests;

/// <summary>
/// API.md section 5: "Close() closes sub first, then raises CoroutineExitException in the delegator at the await;
/// Throw(new CoroutineExitException()) behaves the same way; if sub.Close() throws, that exception (not the exit) is raised
/// in the delegator at the await". A sub that yields while being closed makes sub.Close() throw InvalidOperationException.
/// </summary>
public sealed class ExitIntoDelegationConformanceTests
{
    [Fact]
    public void CloseOverASubThatIgnoresTheExitRaisesInvalidOperationExceptionInTheDelegator()
    {
        var log = new List<string>();
        var co = X.OverStubborn(log);
        Assert.True(co.MoveNext());
        co.Close(); // the delegator catches the InvalidOperationException and returns
        Assert.Equal(2, log.Count);
        Assert.Equal("sub caught exit", log[0]);
        Assert.StartsWith("delegator caught InvalidOperationException: ", log[1]);
        Assert.True(co.IsFinished);
    }

    [Fact]
    public void ThrowingAnExitOverASubThatIgnoresItBehavesLikeClose()
    {
        var log = new List<string>();
        var co = X.OverStubborn(log);
        Assert.True(co.MoveNext());
        Assert.False(co.Throw(new CoroutineExitException()));
        Assert.Equal(2, log.Count);
        Assert.Equal("sub caught exit", log[0]);
        Assert.StartsWith("delegator caught InvalidOperationException: ", log[1]);
        Assert.Equal("ioe", co.Result);
    }

    [Fact]
    public void CloseOverASubThatCatchesTheExitAndReturnsStillRaisesTheExitInTheDelegator()
    {
        var log = new List<string>();
        var co = X.OverReturning(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "sub caught exit", "delegator caught exit" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void ThrowingAnExitOverASubThatCatchesItAndReturnsBehavesLikeClose()
    {
        var log = new List<string>();
        var co = X.OverReturning(log);
        Assert.True(co.MoveNext());
        var exit = new CoroutineExitException();
        var escaped = Assert.Throws<CoroutineExitException>(() => co.Throw(exit));
        Assert.Same(exit, escaped); // raised again as itself in the delegator, as CPython's throw(GeneratorExit) does
        Assert.Equal(new[] { "sub caught exit", "delegator caught exit" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void AThrownExitIsRaisedAsItselfWhereThrowWasCalledWhenTheInnermostSubReturns()
    {
        var log = new List<string>();
        var co = X.OverOverReturning(log);
        Assert.True(co.MoveNext());
        var exit = new CoroutineExitException();
        var escaped = Assert.Throws<CoroutineExitException>(() => co.Throw(exit));
        Assert.Same(exit, escaped);
        Assert.Equal(new[] { "sub caught exit", "delegator caught exit", "outer caught exit", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void ASubThatCatchesTheExitAwaitsACleanupAndReturnsIsClosedWithoutAResult()
    {
        // README, "Decisions": a body that catches the exit and returns is Closed; awaiting a cleanup first changes nothing.
        var log = new List<string>();
        var sub = X.CleansUpAndReturns(log);
        var co = X.OverStoredSub(sub, log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(new[] { "sub caught exit", "cleanup ran", "delegator caught exit" }, log);
        Assert.Equal(CoroutineState.Closed, sub.State);
        Assert.Throws<InvalidOperationException>(() => sub.Result);
        Assert.Equal(CoroutineState.Closed, co.State);

        var thrownLog = new List<string>();
        var thrownSub = X.CleansUpAndReturns(thrownLog);
        var thrown = X.OverStoredSub(thrownSub, thrownLog);
        thrown.MoveNext();
        Assert.False(thrown.Throw(new CoroutineExitException()));
        Assert.Equal(new[] { "sub caught exit", "cleanup ran", "delegator caught exit" }, thrownLog);
        Assert.Equal(CoroutineState.Closed, thrownSub.State);
        Assert.Throws<InvalidOperationException>(() => thrownSub.Result);
    }

    [Fact]
    public void ASubThatAwaitsACleanupThenYieldsIgnoredTheExitAndCompletesWhenItReturnsLater()
    {
        var log = new List<string>();
        var sub = X.CleansUpAndYields(log);
        var co = X.OverStoredSub(sub, log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(3, log.Count);
        Assert.Equal("delegator caught InvalidOperationException: The sub-coroutine ignored CoroutineExitException: it yielded while being closed.", log[2]);
        Assert.Equal(CoroutineState.Suspended, sub.State);
        Assert.Equal(11, sub.Current);

        // Left out of the chain, it is an ordinary suspended coroutine: finishing later is a normal end, as when a body
        // that ignored the exit without awaiting anything returns later.
        Assert.False(sub.MoveNext());
        Assert.Equal(CoroutineState.Completed, sub.State);
        Assert.Equal(8, sub.Result);
    }
}
