using System;
using System.Collections.Generic;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>API.md section 5: <c>await co.YieldAll(items)</c>, run by <see cref="YieldAllCoroutine{TYield, TSend}"/>.</summary>
public class YieldAllTests
{
    [Fact]
    public void YieldsEachItemDiscardsSentValuesAndDisposesAtTheEnd()
    {
        var items = new TrackingEnumerable(1, 2, 3);
        var co = new YieldAllUser(items);
        Assert.True(co.MoveNext());
        Assert.Equal(1, co.Current);
        Assert.True(co.Send("ignored"));
        Assert.Equal(2, co.Current);
        Assert.True(co.Send("ignored too"));
        Assert.Equal(3, co.Current);
        Assert.Equal(0, items.Disposed);
        Assert.True(co.MoveNext());
        Assert.Equal(99, co.Current);
        Assert.Equal(1, items.Created);
        Assert.Equal(1, items.Disposed);
        Assert.Equal(new[] { "start", "after all", "finally" }, co.Log);
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
    }

    [Fact]
    public void EmptyItemsDoNotSuspend()
    {
        var items = new TrackingEnumerable();
        var co = new YieldAllUser(items);
        Assert.True(co.MoveNext());
        Assert.Equal(99, co.Current);
        Assert.Equal(1, items.Disposed);
        Assert.Equal(new[] { "start", "after all", "finally" }, co.Log);
    }

    [Fact]
    public void ThrowDisposesTheEnumeratorAndRaisesAtTheAwait()
    {
        var items = new TrackingEnumerable(1, 2, 3);
        var co = new YieldAllUser(items);
        co.MoveNext();
        var e = new TestException("x");
        Assert.True(co.Throw(e));
        Assert.Equal(99, co.Current);
        Assert.Same(e, co.Caught);
        Assert.Equal(1, items.Disposed);
        Assert.Equal(1, items.MoveNextCalls);
        Assert.Equal(new[] { "start", "caught x", "finally" }, co.Log);
    }

    [Fact]
    public void ThrowTheDelegatorDoesNotCatchEscapesAfterDisposing()
    {
        var items = new TrackingEnumerable(1, 2, 3);
        var co = new YieldAllUser(items);
        co.MoveNext();
        var e = new InvalidCastException("x");
        Assert.Same(e, Assert.Throws<InvalidCastException>(() => co.Throw(e)));
        Assert.Equal(1, items.Disposed);
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
    }

    [Fact]
    public void CloseDisposesTheEnumeratorThenRaisesTheExitAtTheAwait()
    {
        var order = new List<string>();
        var co = new YieldAllUser(Iterate(order));
        co.MoveNext();
        co.MoveNext();
        Assert.Equal(20, co.Current);
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "iterator finally" }, order);
        Assert.Equal(new[] { "start", "finally" }, co.Log);

        var items = new TrackingEnumerable(1, 2, 3);
        var co2 = new YieldAllUser(items);
        co2.MoveNext();
        co2.Close();
        Assert.Equal(1, items.Disposed);
        Assert.Equal(CoroutineState.Closed, co2.State);
    }

    [Fact]
    public void ThrowAndCloseDisposeTheIteratorBeforeTheDelegatorsHandlersRun()
    {
        YieldAllUser? thrown = null;
        thrown = new YieldAllUser(Iterate(() => thrown!.Log));
        thrown.MoveNext();
        Assert.True(thrown.Throw(new TestException("x")));
        Assert.Equal(new[] { "start", "iterator finally", "caught x", "finally" }, thrown.Log);

        YieldAllUser? closed = null;
        closed = new YieldAllUser(Iterate(() => closed!.Log));
        closed.MoveNext();
        closed.Close();
        Assert.Equal(new[] { "start", "iterator finally", "finally" }, closed.Log);
        Assert.Equal(CoroutineState.Closed, closed.State);
    }

    [Fact]
    public void ExceptionFromTheEnumeratorIsRaisedAtTheAwait()
    {
        var co = new YieldAllUser(Failing());
        Assert.True(co.MoveNext());
        Assert.Equal(1, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(99, co.Current);
        Assert.Equal("from iterator", co.Caught!.Message);
        Assert.Contains(nameof(Failing), co.Caught.StackTrace);
    }

    [Fact]
    public void YieldAllCoroutineOnItsOwnFollowsTheProtocol()
    {
        var items = new TrackingEnumerable(4, 5);
        var co = new YieldAllCoroutine<int, Unit>(items);
        Assert.Throws<InvalidOperationException>(() => co.Send(default));
        Assert.Equal(0, items.Created);
        Assert.True(co.MoveNext());
        Assert.Equal(4, co.Current);
        Assert.True(co.MoveNext());
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(1, items.Disposed);

        var closedEarly = new YieldAllCoroutine<int, Unit>(items);
        closedEarly.Close();
        Assert.Equal(1, items.Created);
        Assert.Equal(CoroutineState.Closed, closedEarly.State);
    }

    private static IEnumerable<int> Iterate(List<string> order)
    {
        try
        {
            yield return 10;
            yield return 20;
            yield return 30;
        }
        finally
        {
            order.Add("iterator finally");
        }
    }

    private static IEnumerable<int> Iterate(Func<List<string>> log)
    {
        try
        {
            yield return 10;
            yield return 20;
        }
        finally
        {
            log().Add("iterator finally");
        }
    }

    private static IEnumerable<int> Failing()
    {
        yield return 1;
        throw new TestException("from iterator");
    }
}
