using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using Xunit;

namespace CoroGen.Tests;

// Templates whose Close leaves the body by returning from the suspension point (no handler encloses it that could catch the
// exit), beside ones where Close must still raise the exit.
public static partial class CloseTemplates
{
    [Coroutine]
    public static async Coroutine Layered(List<string> log, IEnumerable<int> items, Yielder<int> co)
    {
        try
        {
            using (new Logged(log, "resource disposed"))
            {
                foreach (int item in items)
                {
                    try
                    {
                        await co.Yield(item);
                    }
                    catch (InvalidOperationException e)
                    {
                        log.Add("caught " + e.Message);
                    }
                    finally
                    {
                        log.Add("inner finally " + item);
                    }
                }
            }
        }
        finally
        {
            log.Add("outer finally");
        }

        log.Add("after the loop"); // never reached by Close
    }

    [Coroutine]
    public static async Coroutine<int> CleanupFails(List<string> log, Exception failure, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                log.Add("inner finally");
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            log.Add("outer finally");
        }

        return 7;
    }

    [Coroutine]
    public static async Coroutine OuterCatchesExit(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                log.Add("inner finally");
            }
        }
        catch (CoroutineExitException)
        {
            log.Add("caught the exit");
        }
    }

    [Coroutine]
    public static async Coroutine<int> ReturnsAValue(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally");
        }

        return 42;
    }

    [Coroutine]
    public static async Coroutine<int> Inner(List<string> log, bool failInFinally, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("inner finally");
            if (failInFinally)
            {
                throw new FormatException("inner cleanup failed");
            }
        }

        return 5;
    }

    [Coroutine]
    public static async Coroutine Outer(List<string> log, Coroutine<int, Unit, int> sub, Yielder<int> co)
    {
        try
        {
            int result = await sub;
            log.Add("result " + result);
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    [Coroutine]
    public static async Coroutine OuterOutsideRegions(List<string> log, Coroutine<int, Unit, int> sub, Yielder<int> co)
    {
        int result = await sub;
        log.Add("result " + result);
    }

    [Coroutine]
    public static async Coroutine OuterCatchingExit(List<string> log, Coroutine<int, Unit, int> sub, Yielder<int> co)
    {
        try
        {
            await sub;
        }
        catch (CoroutineExitException)
        {
            log.Add("outer caught the exit");
        }
    }

    [Coroutine]
    public static async Coroutine Widening(List<string> log, Coroutine<int, Unit, int> sub, Yielder<long> co)
    {
        try
        {
            await sub;
        }
        finally
        {
            log.Add("widening finally");
        }
    }

    [Coroutine]
    public static async Coroutine AllOf(List<string> log, IEnumerable<int> items, Yielder<int> co)
    {
        try
        {
            await co.YieldAll(items);
        }
        finally
        {
            log.Add("finally");
        }
    }

    public sealed class Logged : IDisposable
    {
        private readonly List<string> log;
        private readonly string message;

        public Logged(List<string> log, string message) => (this.log, this.message) = (log, message);

        public void Dispose() => log.Add(message);
    }
}

/// <summary>
/// Close of a coroutine suspended where nothing can catch its exit returns from the suspension point instead of raising the
/// exit (API.md section 4 semantics, without the exception): the same blocks run in the same order, with the same outcomes.
/// </summary>
public sealed class CloseByReturnTests
{
    [Fact]
    public void RunsEveryCleanupInnerFirstWithoutRaisingAnException()
    {
        var log = new List<string>();
        var items = new DisposalLogged(log, new[] { 10, 20, 30 });
        var coroutine = CloseTemplates.Layered(log, items);
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.MoveNext());
        Assert.Equal(20, coroutine.Current);
        log.Clear();

        int raised = FirstChanceExceptionsOnThisThread(coroutine.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally 20", "enumerator disposed", "resource disposed", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
        Assert.False(coroutine.MoveNext());
        coroutine.Close(); // a no-op once closed
        Assert.Equal(4, log.Count);
    }

    [Fact]
    public void AFinallyThatThrowsFaultsTheCoroutineAndItsExceptionEscapesClose()
    {
        var log = new List<string>();
        var failure = new FormatException("cleanup failed");
        var coroutine = CloseTemplates.CleanupFails(log, failure);
        Assert.True(coroutine.MoveNext());

        FormatException escaped = Assert.Throws<FormatException>(coroutine.Close);

        Assert.Same(failure, escaped);
        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Faulted, coroutine.State);
        Assert.Throws<InvalidOperationException>(() => coroutine.Result);
    }

    [Fact]
    public void AFinallyThatRaisesAnExitEndsTheCoroutineClosed()
    {
        var log = new List<string>();
        var coroutine = CloseTemplates.CleanupFails(log, new CoroutineExitException());
        Assert.True(coroutine.MoveNext());

        coroutine.Close(); // the exit escaping the body is Close's own outcome

        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    [Fact]
    public void ACatchOfTheExitFurtherOutStillSeesIt()
    {
        var log = new List<string>();
        var coroutine = CloseTemplates.OuterCatchesExit(log);
        Assert.True(coroutine.MoveNext());

        int raised = FirstChanceExceptionsOnThisThread(coroutine.Close);

        Assert.Equal(1, raised);
        Assert.Equal(new[] { "inner finally", "caught the exit" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    [Fact]
    public void AClosedCoroutineHasNoResult()
    {
        var log = new List<string>();
        var coroutine = CloseTemplates.ReturnsAValue(log);
        Assert.True(coroutine.MoveNext());

        coroutine.Close();

        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
        Assert.Throws<InvalidOperationException>(() => coroutine.Result);
    }

    [Fact]
    public void BreakingOutOfForEachClosesByReturn()
    {
        var log = new List<string>();
        var coroutine = CloseTemplates.Layered(log, new[] { 1, 2, 3 });
        int raised = FirstChanceExceptionsOnThisThread(() =>
        {
            foreach (int item in coroutine)
            {
                if (item == 2)
                {
                    break;
                }
            }
        });

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally 1", "inner finally 2", "resource disposed", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    [Fact]
    public void TheCoroutineIsClosedAgainAfterAThrowItCaughtAndYieldedFrom()
    {
        // Throw leaves the coroutine on the checked path for good; Close still returns from the next suspension point.
        var log = new List<string>();
        var coroutine = CloseTemplates.Layered(log, new[] { 1, 2, 3 });
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.Throw(new InvalidOperationException("retry")));
        Assert.Equal(2, coroutine.Current);
        log.Clear();

        int raised = FirstChanceExceptionsOnThisThread(coroutine.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally 2", "resource disposed", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    [Fact]
    public void AChainClosesSubFirstWithoutRaisingAnException()
    {
        var log = new List<string>();
        var inner = CloseTemplates.Inner(log, failInFinally: false);
        var outer = CloseTemplates.Outer(log, inner);
        Assert.True(outer.MoveNext());
        Assert.Equal(1, outer.Current);

        int raised = FirstChanceExceptionsOnThisThread(outer.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
        Assert.False(outer.MoveNext());
    }

    [Fact]
    public void ClosingAChainThatClosesByReturnAllocatesNothing()
    {
        // Close makes its exit only for a level that must see it raised; here no level does.
        var log = new List<string>();
        var warmInner = CloseTemplates.Inner(log, failInFinally: false);
        var warmOuter = CloseTemplates.Outer(log, warmInner);
        warmOuter.MoveNext();
        warmOuter.Close(); // compiles the path

        var inner = CloseTemplates.Inner(log, failInFinally: false);
        var outer = CloseTemplates.Outer(log, inner);
        Assert.True(outer.MoveNext());
        log.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        outer.Close();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void ADelegatorOutsideAnyRegionIsClosedWithoutRunning()
    {
        var log = new List<string>();
        var inner = CloseTemplates.Inner(log, failInFinally: false);
        var outer = CloseTemplates.OuterOutsideRegions(log, inner);
        Assert.True(outer.MoveNext());

        int raised = FirstChanceExceptionsOnThisThread(outer.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally" }, log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void ADelegatorThatCatchesTheExitStillGetsItAfterItsSubClosed()
    {
        var log = new List<string>();
        var inner = CloseTemplates.Inner(log, failInFinally: false);
        var outer = CloseTemplates.OuterCatchingExit(log, inner);
        Assert.True(outer.MoveNext());

        int raised = FirstChanceExceptionsOnThisThread(outer.Close);

        Assert.Equal(1, raised); // the sub closed by returning; the exit was raised once, at the delegator's await
        Assert.Equal(new[] { "inner finally", "outer caught the exit" }, log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void AnExceptionFromTheSubsCleanupIsRaisedAtTheDelegatorsAwait()
    {
        var log = new List<string>();
        var inner = CloseTemplates.Inner(log, failInFinally: true);
        var outer = CloseTemplates.Outer(log, inner);
        Assert.True(outer.MoveNext());

        FormatException escaped = Assert.Throws<FormatException>(outer.Close);

        Assert.Equal("inner cleanup failed", escaped.Message);
        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Faulted, inner.State);
        Assert.Equal(CoroutineState.Faulted, outer.State);
    }

    [Fact]
    public void AConvertingDelegationClosesItsSubWithoutRaisingAnException()
    {
        var log = new List<string>();
        var inner = CloseTemplates.Inner(log, failInFinally: false);
        var outer = CloseTemplates.Widening(log, inner);
        Assert.True(outer.MoveNext());
        Assert.Equal(1L, outer.Current);

        int raised = FirstChanceExceptionsOnThisThread(outer.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "inner finally", "widening finally" }, log);
        Assert.Equal(CoroutineState.Closed, inner.State);
        Assert.Equal(CoroutineState.Closed, outer.State);
    }

    [Fact]
    public void YieldAllDisposesItsEnumeratorWithoutRaisingAnException()
    {
        var log = new List<string>();
        var coroutine = CloseTemplates.AllOf(log, new DisposalLogged(log, new[] { 4, 5 }));
        Assert.True(coroutine.MoveNext());
        Assert.Equal(4, coroutine.Current);

        int raised = FirstChanceExceptionsOnThisThread(coroutine.Close);

        Assert.Equal(0, raised);
        Assert.Equal(new[] { "enumerator disposed", "finally" }, log);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    // Counts the exceptions thrown on this thread while `action` runs (the xunit runner may run other tests on other threads).
    private static int FirstChanceExceptionsOnThisThread(Action action)
    {
        int thread = Environment.CurrentManagedThreadId;
        int count = 0;
        EventHandler<FirstChanceExceptionEventArgs> handler = (_, _) =>
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref count);
            }
        };
        AppDomain.CurrentDomain.FirstChanceException += handler;
        try
        {
            action();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= handler;
        }

        return count;
    }

    private sealed class DisposalLogged : IEnumerable<int>
    {
        private readonly List<string> log;
        private readonly int[] items;

        public DisposalLogged(List<string> log, int[] items) => (this.log, this.items) = (log, items);

        public IEnumerator<int> GetEnumerator() => new Enumerator(log, items);

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator : IEnumerator<int>
        {
            private readonly List<string> log;
            private readonly int[] items;
            private int index = -1;

            public Enumerator(List<string> log, int[] items) => (this.log, this.items) = (log, items);

            public int Current => items[index];

            object IEnumerator.Current => Current;

            public bool MoveNext() => ++index < items.Length;

            public void Reset() => index = -1;

            public void Dispose() => log.Add("enumerator disposed");
        }
    }
}
