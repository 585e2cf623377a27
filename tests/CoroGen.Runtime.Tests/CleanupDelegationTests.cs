using System;
using System.Collections.Generic;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>
/// Delegating from a finally while the chain is being closed (<c>finally { await Cleanup(co); }</c>): the cleanup
/// coroutine runs normally. If it finishes, the finally goes on and the exit keeps unwinding; if it yields, the level
/// whose finally it is has ignored the exit (Python: that level's close() raises RuntimeError in its delegator; the
/// root's Close() throws and the root stays suspended in the cleanup).
/// </summary>
public class CleanupDelegationTests
{
    [Fact]
    public void RootFinallyAwaitingACleanupThatFinishesAtOnceCompletesOnClose()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 2);
        var cleanup = new CountUp(0);
        var root = new CleanupInFinally("root", log, () => inner, () => cleanup);
        Assert.True(root.MoveNext());
        root.Close();
        Assert.Equal(
            new[] { "inner start", "inner finally", "root finally start", "root cleanup returned 0", "root finally end" },
            log);
        Assert.Equal(CoroutineState.Closed, root.State);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Completed, cleanup.State);
    }

    [Fact]
    public void RootFinallyAwaitingACleanupThatFinishesAtOnceCompletesOnThrow()
    {
        var log = new List<string>();
        var root = new CleanupInFinally("root", log, () => new Inner("inner", log, 2), () => new CountUp(0));
        root.MoveNext();
        var e = new TestException("x");
        Assert.Same(e, Assert.Throws<TestException>(() => root.Throw(e)));
        Assert.Equal(
            new[] { "inner start", "inner finally", "root finally start", "root cleanup returned 0", "root finally end" },
            log);
        Assert.Equal(CoroutineState.Faulted, root.State);
    }

    [Fact]
    public void MiddleFinallyAwaitingACleanupThatFinishesAtOnceCompletesOnClose()
    {
        var log = new List<string>();
        var inner = new Inner("inner", log, 2);
        CleanupInFinally? middle = null;
        var outer = new Delegator("outer", log, () => middle = new CleanupInFinally("middle", log, () => inner, () => new CountUp(0)));
        Assert.True(outer.MoveNext());
        outer.Close();
        Assert.Equal(
            new[]
            {
                "outer start", "inner start", "inner finally", "middle finally start", "middle cleanup returned 0", "middle finally end",
                "outer finally",
            },
            log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, middle!.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void MiddleFinallyAwaitingANestedCleanupChainThatYieldsIgnoresTheExit()
    {
        var log = new List<string>();
        var cleanupInner = new Inner("cleanup inner", log, 0);
        var outer = new Delegator(
            "outer",
            log,
            () => new CleanupInFinally("middle", log, () => new Inner("inner", log, 1), () => new Delegator("cleanup", log, () => cleanupInner)));
        outer.MoveNext();

        // The cleanup delegator yields its own value (1000) after its sub finished: the middle level ignored the exit.
        Assert.Throws<InvalidOperationException>(() => outer.Close());
        Assert.Equal(CoroutineState.Faulted, outer.State);
        Assert.Equal(CoroutineState.Completed, cleanupInner.State);
        Assert.Equal(
            new[]
            {
                "outer start", "inner start", "inner finally", "middle finally start", "cleanup start", "cleanup inner start",
                "cleanup inner done", "cleanup inner finally", "cleanup got 0", "outer finally",
            },
            log);
    }

    [Fact]
    public void RootFinallyAwaitingACleanupThatYieldsIgnoresTheExitAndResumesLater()
    {
        var log = new List<string>();
        var cleanup = new CountUp(1);
        var root = new CleanupInFinally("root", log, () => new Inner("inner", log, 2), () => cleanup);
        root.MoveNext();
        Assert.Throws<InvalidOperationException>(() => root.Close());
        Assert.Equal(CoroutineState.Suspended, root.State);
        Assert.Equal(0, root.Current); // the cleanup's yield

        // The cleanup finishes, the finally ends, and the pending exit escapes: Closed.
        Assert.Throws<CoroutineExitException>(() => root.MoveNext());
        Assert.Equal(CoroutineState.Closed, root.State);
        Assert.Equal(CoroutineState.Completed, cleanup.State);
        Assert.Equal(
            new[] { "inner start", "inner finally", "root finally start", "root cleanup returned 1", "root finally end" },
            log);
    }

    [Fact]
    public void MiddleFinallyAwaitingACleanupThatYieldsGivesTheDelegatorInvalidOperationException()
    {
        var log = new List<string>();
        CleanupInFinally? middle = null;
        var outer = new Delegator(
            "outer",
            log,
            () => middle = new CleanupInFinally("middle", log, () => new Inner("inner", log, 2), () => new CountUp(1)),
            catchAtAwait: true);
        outer.MoveNext();

        // middle ignored the exit; outer sees InvalidOperationException at its await, catches it and yields: it ignored it too.
        Assert.Throws<InvalidOperationException>(() => outer.Close());
        Assert.IsType<InvalidOperationException>(outer.Caught);
        Assert.Equal(-100, outer.Current);
        Assert.Equal(CoroutineState.Suspended, outer.State);
        Assert.Equal(
            new[] { "outer start", "inner start", "inner finally", "middle finally start", "outer caught " + outer.Caught!.Message },
            log);

        // The outer chain no longer includes the middle level; it goes on normally.
        Assert.False(outer.MoveNext());
        Assert.Equal(-1, outer.Result);
    }
}
