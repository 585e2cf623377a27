using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CoroGen.Tests;

/// <summary>Generated classes driven through the public API (API.md sections 2 to 5).</summary>
public sealed class BehaviourTests
{
    [Fact]
    public void FibonacciYieldsTheSeedsNumbers()
    {
        Assert.Equal(new[] { 1, 1, 2, 3, 5, 8, 13 }, Templates.Fibonacci(7).ToArray());
    }

    [Fact]
    public void GeneratedClassHasTheContractShape()
    {
        Templates.FibonacciCoroutine fib = Templates.Fibonacci(3);
        Type generated = typeof(Templates.FibonacciCoroutine);
        Assert.Equal("FibonacciCoroutine", generated.Name);
        Assert.Equal(typeof(Templates), generated.DeclaringType);
        Assert.Equal(typeof(Coroutine<int, Unit, Unit>), generated.BaseType); // Yielder<int>: TSend = Unit; Coroutine: TReturn = Unit
        Assert.Equal(typeof(Coroutine<int, Unit, int>), typeof(Templates.CountDownCoroutine).BaseType);
        Assert.True(generated.IsSealed);
        Assert.Equal(CoroutineState.Created, fib.State);
        Assert.Same(fib, fib.GetEnumerator());
    }

    [Fact]
    public void MaximumTracksTheLargestSentValue()
    {
        var m = Templates.Maximum();
        Assert.True(m.MoveNext());
        Assert.Null(m.Current);
        var seen = new List<int?>();
        foreach (int v in new[] { 13, 5, 20 })
        {
            Assert.True(m.Send(v));
            seen.Add(m.Current);
        }

        Assert.Equal(new int?[] { 13, 13, 20 }, seen);
    }

    [Fact]
    public void SendBeforeStartThrowsAndLeavesTheCoroutineUsable()
    {
        var m = Templates.Maximum();
        Assert.Throws<InvalidOperationException>(() => m.Send(1));
        Assert.Equal(CoroutineState.Created, m.State);
        Assert.True(m.MoveNext());
        Assert.True(m.Send(4));
        Assert.Equal(4, m.Current);
    }

    [Fact]
    public void ReturnValueIsTheResult()
    {
        var countDown = Templates.CountDown(3);
        Assert.Equal(new[] { 3, 2, 1 }, countDown.ToList());
        Assert.Equal(CoroutineState.Completed, countDown.State); // foreach disposes, and Close on a finished coroutine is a no-op
        var again = Templates.CountDown(2);
        while (again.MoveNext())
        {
        }

        Assert.Equal(CoroutineState.Completed, again.State);
        Assert.Equal(2, again.Result);
        Assert.Throws<InvalidOperationException>(() => Templates.CountDown(1).Result);
    }

    [Fact]
    public void DelegationPassesYieldsThroughAndReturnsTheSubsResult()
    {
        Assert.Equal(new[] { 3, 2, 1, -3 }, Templates.Launch().ToArray());
    }

    [Fact]
    public void SentValuesArriveAndTheLogShowsOrder()
    {
        var log = new List<string>();
        var echo = Templates.Echo(log);
        Assert.Empty(log); // the factory runs nothing
        Assert.True(echo.MoveNext());
        Assert.Equal("ready", echo.Current);
        Assert.True(echo.Send("ab"));
        Assert.Equal("AB", echo.Current);
        Assert.False(echo.Send("cd"));
        Assert.Equal("abcd", echo.Result);
        Assert.Equal(new[] { "start", "got ab", "got cd" }, log);
        Assert.False(echo.Send("ignored"));
        Assert.False(echo.MoveNext());
    }

    [Fact]
    public void LoopsBreakContinueAndFor()
    {
        var log = new List<string>();
        Assert.Equal(new[] { 1, 3, 5, 7, 109, 108, 107, 0, 16 }, Templates.Loops(log).ToArray());
        Assert.Equal(new[] { "after 1", "after 3", "after 5", "after 7", "end" }, log);
    }

    [Fact]
    public void ForEachOverListArrayStringAndSequence()
    {
        var log = new List<string>();
        var sequence = new DisposalTracking(new[] { 7, 8, 200, 9 });
        int[] values = Templates.ForEach(log, new List<int> { 1, 2 }, new[] { 0, 3 }, "ab", sequence).ToArray();
        Assert.Equal(new[] { 1, 2, 3, 'a', 'b', 7, 8 }, values);
        Assert.Equal(1, sequence.Disposals);
        Assert.Equal(new[] { "end" }, log);
    }

    [Fact]
    public void ForEachEnumeratorIsDisposedWhenClosedMidway()
    {
        var sequence = new DisposalTracking(new[] { 7, 8, 9 });
        var coroutine = Templates.ForEach(new List<string>(), new List<int>(), Array.Empty<int>(), string.Empty, sequence);
        Assert.True(coroutine.MoveNext());
        Assert.Equal(7, coroutine.Current);
        coroutine.Close();
        Assert.Equal(1, sequence.Disposals);
        Assert.Equal(CoroutineState.Closed, coroutine.State);
    }

    [Fact]
    public void CloseRunsFinallyBlocksOnceInnerFirst()
    {
        var log = new List<string>();
        var guarded = Templates.Guarded(log);
        guarded.MoveNext();
        guarded.MoveNext();
        Assert.Equal(2, guarded.Current);
        Assert.Equal(new[] { "try" }, log); // suspending inside try/finally runs no finally
        guarded.Close();
        Assert.Equal(new[] { "try", "inner finally", "outer finally" }, log);
        Assert.Equal(CoroutineState.Closed, guarded.State);
        guarded.Close();
        Assert.False(guarded.MoveNext());
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void ThrowIsCaughtByTheEnclosingCatchWithItsFilter()
    {
        var log = new List<string>();
        var guarded = Templates.Guarded(log);
        guarded.MoveNext();
        guarded.MoveNext();
        Assert.True(guarded.Throw(new InvalidOperationException("boom")));
        Assert.Equal(4, guarded.Current);
        Assert.Equal(new[] { "try", "filter boom", "inner finally", "caught boom", "outer finally" }, log);
    }

    [Fact]
    public void AnUncaughtThrowEscapesAsTheSameObjectAndFaults()
    {
        var log = new List<string>();
        var guarded = Templates.Guarded(log);
        guarded.MoveNext();
        var error = new FormatException("not caught");
        FormatException escaped = Assert.Throws<FormatException>(() => guarded.Throw(error));
        Assert.Same(error, escaped);
        Assert.Equal(CoroutineState.Faulted, guarded.State);
        Assert.Equal(new[] { "try", "outer finally" }, log);
    }

    [Fact]
    public void AnExceptionFromTheBodyKeepsItsStackTrace()
    {
        var log = new List<string>();
        var raising = Templates.Raising(log);
        raising.MoveNext();
        FormatException e = Assert.Throws<FormatException>(() => raising.MoveNext());
        Assert.Equal("bad input", e.Message);
        Assert.Contains("RaisingCoroutine.Resume", e.StackTrace);
        Assert.Equal(CoroutineState.Faulted, raising.State);
        Assert.False(raising.MoveNext());
    }

    [Fact]
    public void CatchExceptionDoesNotInterceptClose()
    {
        var log = new List<string>();
        var catchAll = Templates.CatchAll(log);
        catchAll.MoveNext();
        catchAll.Close();
        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(CoroutineState.Closed, catchAll.State);

        log.Clear();
        catchAll = Templates.CatchAll(log);
        catchAll.MoveNext();
        Assert.False(catchAll.Throw(new TimeoutException()));
        Assert.Equal(new[] { "caught TimeoutException", "finally" }, log);
        Assert.Equal(CoroutineState.Completed, catchAll.State);
    }

    [Fact]
    public void YieldingDuringCloseThrowsAndStaysSuspended()
    {
        var log = new List<string>();
        var stubborn = Templates.Stubborn(log);
        stubborn.MoveNext();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => stubborn.Close());
        Assert.Contains("ignored CoroutineExitException", e.Message);
        Assert.Equal(CoroutineState.Suspended, stubborn.State);
        Assert.Equal(99, stubborn.Current);
        Assert.Equal(new[] { "refusing to exit" }, log);

        // The body handled the exit: resuming continues after that yield, and nothing is re-raised.
        Assert.False(stubborn.MoveNext());
        Assert.Equal(CoroutineState.Completed, stubborn.State);

        // Closed again at that yield, outside the catch: the exit escapes the body, which ends Closed.
        var again = Templates.Stubborn(new List<string>());
        again.MoveNext();
        Assert.Throws<InvalidOperationException>(() => again.Close());
        again.Close();
        Assert.Equal(CoroutineState.Closed, again.State);
    }

    [Fact]
    public void CloseOutsideAnyRegionRunsNothing()
    {
        var log = new List<string>();
        var unprotected = Templates.Unprotected(log);
        unprotected.MoveNext();
        unprotected.Close();
        Assert.Equal(new[] { "one" }, log);
        Assert.Equal(CoroutineState.Closed, unprotected.State);
    }

    [Fact]
    public void ThrowBeforeStartEscapesAndCloses()
    {
        var log = new List<string>();
        var unprotected = Templates.Unprotected(log);
        Assert.Throws<TimeoutException>(() => unprotected.Throw(new TimeoutException()));
        Assert.Equal(CoroutineState.Closed, unprotected.State);
        Assert.Empty(log);
    }

    [Fact]
    public void UsingDisposesOnceInReverseOrderAndStructsInPlace()
    {
        var log = new List<string>();
        Assert.Equal(new[] { 1, 2, 3, 4 }, Templates.Resources(log).ToArray());
        Assert.Equal(new[] { "open first", "open second", "dispose second", "dispose first", "dispose struct 1" }, log);

        log.Clear();
        var closed = Templates.Resources(log);
        closed.MoveNext();
        closed.MoveNext();
        closed.Close();
        Assert.Equal(new[] { "open first", "open second", "dispose second", "dispose first" }, log);
    }

    [Fact]
    public void ReEnteringFromInsideTheBodyThrowsThere()
    {
        Coroutine<int, Unit, Unit>? self = null;
        var coroutine = Templates.ReEnter(() => self!);
        self = coroutine;
        coroutine.MoveNext();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => coroutine.MoveNext());
        Assert.Contains("already running", e.Message);
        Assert.Equal(CoroutineState.Faulted, coroutine.State);
    }

    [Fact]
    public void InstanceTemplatesSeeTheirObject()
    {
        var account = new Account();
        var deposits = account.Deposits();
        deposits.MoveNext();
        deposits.Send(10);
        deposits.Send(5);
        Assert.Equal(15, deposits.Current);
        Assert.False(deposits.Send(0));
        Assert.Equal(2, deposits.Result);
        Assert.Equal(15, account.Balance);
    }

    [Fact]
    public void GenericTemplates()
    {
        Assert.Equal(new[] { "x", "x", "x" }, Account.Repeat("x", 3).ToArray());
        Assert.IsType<Account.RepeatCoroutine<string>>(Account.Repeat("x", 3));
    }

    [Fact]
    public void FactoryResultsStoredInLocalsAndIterated()
    {
        var stored = Templates.StoredSub();
        var values = new List<int>();
        while (stored.MoveNext())
        {
            values.Add(stored.Current);
        }

        Assert.Equal(new[] { 1, 1, 2, 10, 2, 1 }, values);
        Assert.Equal(6, stored.Result);
    }

    [Fact]
    public void ATemplateWithoutSuspensionPointsKeepsItsLocals()
    {
        var coroutine = Templates.NeverSuspends();
        Assert.False(coroutine.MoveNext());
        Assert.Equal(5, coroutine.Result);
    }

    [Fact]
    public void AYieldSpanningSeveralLinesKeepsTheStateMapOnOneLine()
    {
        Assert.Equal(new[] { 3 }, Templates.MultiLineYield().ToArray());
    }

    [Fact]
    public void ExpressionBodiedTemplate()
    {
        Assert.Equal(new[] { "only" }, Templates.ExpressionBodied().ToArray());
    }

    [Fact]
    public void CallingATemplateDirectlyNamesTheFactory()
    {
        // Only the oracle can hand out a Yielder; null stands for a "default" one.
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => Templates.Fibonacci(3, null!));
        Assert.Contains("Fibonacci", e.Message);
        Assert.Contains("factory", e.Message);
    }

    [Fact]
    public void CallingATemplateWithAHandWrittenCoroutinesYielderNamesTheFactory()
    {
        // A hand-written subclass can make a real Yielder (README: "A Yielder outside generated code"); the template
        // still does not run with it.
        Yielder<int> yielder = (Yielder<int>)new YielderMaker().Make();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => Templates.Fibonacci(3, yielder));
        Assert.Contains("Fibonacci", e.Message);
        Assert.Contains("factory", e.Message);
    }

    private sealed class YielderMaker : Coroutine<int, Unit, Unit>
    {
        public Yielder<int, Unit> Make() => CreateChannel();

        protected override bool Resume() => false;
    }

    [Fact]
    public void AMillionStepsAllocateNothing()
    {
        var maximum = Templates.Maximum();
        maximum.MoveNext();
        var fib = Templates.Fibonacci(int.MaxValue);
        fib.MoveNext();
        for (int i = 0; i < 1000; i++)
        {
            maximum.Send(i);
            fib.MoveNext();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++)
        {
            maximum.Send(i);
            fib.MoveNext();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(999_999, maximum.Current);
    }

    private sealed class DisposalTracking : IEnumerable<int>
    {
        private readonly int[] items;

        public DisposalTracking(int[] items) => this.items = items;

        public int Disposals { get; private set; }

        public IEnumerator<int> GetEnumerator()
        {
            try
            {
                foreach (int item in items)
                {
                    yield return item;
                }
            }
            finally
            {
                Disposals++;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
