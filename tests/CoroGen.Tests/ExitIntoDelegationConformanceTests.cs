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
    public void AThrownExitReachesEveryDelegatorAsItselfWhenTheInnermostSubReturns()
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
}
