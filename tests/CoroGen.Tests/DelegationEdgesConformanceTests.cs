using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using B = CoroGen.Tests.BaseTypedAwaitTemplates;
using T = CoroGen.Tests.ConformanceTemplates;

namespace CoroGen.Tests;

/// <summary>API.md sections 3 and 5: delegation through the base types, and what escapes a delegator.</summary>
public sealed class DelegationEdgesConformanceTests
{
    [Fact]
    public void ACoroutineTypedAsTheNonGenericBaseCanBeAwaited()
    {
        var co = B.AwaitPlain(B.Numbers());
        Assert.Equal(new[] { 1, 2, -1 }, co.ToArray());
        Assert.Equal("after plain", co.Result);
    }

    [Fact]
    public void ACoroutineTypedAsCoroutineOfTReturnCanBeAwaitedForItsResult()
    {
        var co = B.AwaitWithResult(B.Numbers());
        Assert.Equal(new[] { 1, 2 }, co.ToArray());
        Assert.Equal("result 3", co.Result);
    }

    [Fact]
    public void AnIncompatibleSubBehindABaseTypeIsRaisedAtTheAwait()
    {
        // The static type does not say what the sub yields, so the check happens when the await runs.
        var co = B.AwaitPlain(B.Words());
        Assert.Throws<InvalidOperationException>(() => co.MoveNext());
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void AwaitingASubThatAlreadyStartedResumesItWhereItIsSuspended()
    {
        // PEP 380: `yield from` begins with next(sub), so the value the sub yielded before is not yielded again.
        var sub = B.Numbers();
        Assert.True(sub.MoveNext());
        Assert.Equal(1, sub.Current);
        var co = B.AwaitWithResult(sub);
        Assert.Equal(new[] { 2 }, co.ToArray());
        Assert.Equal("result 3", co.Result);
        Assert.Equal(CoroutineState.Completed, sub.State);
    }

    [Theory]
    [InlineData(CoroutineState.Faulted)]
    [InlineData(CoroutineState.Closed)]
    public void AwaitingASubThatEndedWithoutAResultRaisesInvalidOperationExceptionAtTheAwait(CoroutineState ended)
    {
        var sub = B.Failing();
        Assert.True(sub.MoveNext());
        if (ended == CoroutineState.Faulted)
        {
            Assert.Throws<FormatException>(() => sub.MoveNext());
        }
        else
        {
            sub.Close();
        }

        Assert.Equal(ended, sub.State);
        var co = B.AwaitFinished(sub);
        Assert.Equal(new[] { -1 }, co.ToArray());
        Assert.StartsWith("no result: ", co.Result);
        Assert.Equal(ended, sub.State); // awaiting it did not change it
    }

    [Fact]
    public void AnExceptionFromTheSubNobodyCatchesEscapesTheDelegatorAsTheSameObject()
    {
        var log = new List<string>();
        var co = T.Delegator(log);
        co.MoveNext();
        var e = new InvalidOperationException("nobody catches this");
        Assert.Same(e, Assert.Throws<InvalidOperationException>(() => co.Throw(e)));
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "sub finally", "delegator finally" }, log);
    }

    [Fact]
    public void AnExitThrownIntoADelegatorEscapesAsTheSameObject()
    {
        var co = T.Delegator(new List<string>());
        co.MoveNext();
        var exit = new CoroutineExitException();
        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => co.Throw(exit)));
        Assert.Equal(CoroutineState.Closed, co.State);
    }
}
