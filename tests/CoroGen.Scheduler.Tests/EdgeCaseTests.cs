using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// Seams between the scheduler's features: huge timeouts, clocks other than the virtual and system ones, cleanup that
/// suspends while a deadlock is handled, cancellations and timeouts of nested scopes that cut each other's cleanup short,
/// failures a Gather took and never raised, configured Task awaits, and objects of one loop used from another.
/// </summary>
public class EdgeCaseTests
{
    // Runs the loop on its own thread so that a hang fails the test instead of the test run.
    private static T RunGuarded<T>(EventLoop loop, Coroutine<LoopRequest, Unit, T> main)
    {
        var run = Task.Factory.StartNew(() => loop.Run(main), TaskCreationOptions.LongRunning);
        Assert.True(Task.WaitAny(new Task[] { run }, TimeSpan.FromSeconds(20)) == 0, "the loop hung");
        return run.GetAwaiter().GetResult();
    }

    [Fact]
    public void ASleepForeverWithNothingLeftToCancelIt_IsADeadlockThatSaysSo()
    {
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => RunGuarded(loop, S.Do(async s =>
        {
            await s.Y(s.Co.Sleep(Timeout.InfiniteTimeSpan));
            return default;
        })));
        Assert.StartsWith("Deadlock: 1 task(s) wait on events, channels, joins or gathers, or sleep forever (Timeout.InfiniteTimeSpan)", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TimeoutScope_WithADelayBeyondTheClocksRange_NeverExpires_LikeASleep(bool fail)
    {
        // A scope's delay is a TimeSpan that does not go through LoopRequest's 62 bits: a delay far beyond 2^61 ticks
        // (7,300 years) once made a finite deadline whose jump overflowed the virtual clock (the loop spun forever).
        TimeSpan delay = TimeSpan.MaxValue - TimeSpan.FromDays(1);
        var ev = new LoopEvent();
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => RunGuarded(loop, S.Do(async s =>
        {
            var body = S.Of<int>(async b => { await b.Call(ev.Wait()); return 1; });
            if (fail)
            {
                await s.Call(s.Co.FailAfter(delay, body));
            }
            else
            {
                await s.Call(s.Co.MoveOnAfter(delay, body));
            }

            return default;
        })));
        Assert.StartsWith("Deadlock", e.Message);
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
    }

    [Fact]
    public void TimeoutScope_WithADelayJustBelowTheRequestLimit_StillExpires()
    {
        TimeSpan delay = TimeSpan.FromDays(365.0 * 7000);
        var ev = new LoopEvent();
        var loop = S.VirtualLoop();
        var r = RunGuarded(loop, S.Of<bool>(async s =>
            (await s.Call(s.Co.MoveOnAfter(delay, S.Of<int>(async b => { await b.Call(ev.Wait()); return 1; })))).TimedOut));
        Assert.True(r);
        Assert.Equal(delay, loop.Elapsed);
    }

    // A clock of its own that keeps the base TimeProvider's timers (System.Threading.Timer, which refuses due times beyond
    // 0xFFFFFFFE ms, about 49.7 days), on a clock that stands still (so no deadline ever passes by itself).
    private sealed class ManualClockWithSystemTimers : TimeProvider
    {
        internal readonly ManualResetEventSlim Armed = new();

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => 0;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Recording(this, base.CreateTimer(callback, state, dueTime, period));

        private sealed class Recording : ITimer
        {
            private readonly ManualClockWithSystemTimers clock;
            private readonly ITimer inner;

            internal Recording(ManualClockWithSystemTimers clock, ITimer inner)
            {
                this.clock = clock;
                this.inner = inner;
            }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                bool changed = inner.Change(dueTime, period);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    clock.Armed.Set();
                }

                return changed;
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Fact]
    public void LoopOnACustomClock_WithADeadlineMonthsAway_WaitsInsteadOfThrowing()
    {
        // The loop waits for its next deadline with a timer of the clock; a timer of the base TimeProvider refuses a due
        // time beyond about 49.7 days (ArgumentOutOfRangeException out of Run). The loop wakes up early instead and waits again.
        var clock = new ManualClockWithSystemTimers();
        var loop = new EventLoop(clock);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() =>
        {
            clock.Armed.Wait();
            release.SetResult();
        });
        string r = RunGuarded(loop, S.Of<string>(async s =>
        {
            var sleeper = s.Co.Spawn(S.Of<int>(async t => { await t.Y(t.Co.Sleep(TimeSpan.FromDays(60))); return 1; }));
            await s.Await(release.Task);
            sleeper.Cancel();
            await s.Call(sleeper.Wait());
            return sleeper.State.ToString();
        }));
        Assert.Equal("Cancelled", r);
    }

    [Fact]
    public void Deadlock_WhoseCloseSuspendsOnAPendingTask_DoesNotLeaveTheLoopWaitingForIt()
    {
        // A finally that awaits a Task while the deadlock handler closes the task registers a pending completion and then
        // stops (a close cannot wait). The loop must not count that completion as pending after the run, or the next
        // Run neither jumps the virtual clock nor reports a deadlock: it waits for a Task nobody awaits.
        var never = new TaskCompletionSource<int>();
        var ev = new LoopEvent();
        var loop = S.VirtualLoop();
        var first = Assert.Throws<AggregateException>(() => RunGuarded(loop, S.Do(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
            }
            finally
            {
                await s.Await(never.Task);
            }

            return default;
        })));
        Assert.StartsWith("Deadlock", first.Message);
        Assert.Equal(7, RunGuarded(loop, S.Of<int>(async s => { await s.Y(s.Co.Sleep(1)); return 7; })));
        var second = Assert.Throws<InvalidOperationException>(() => RunGuarded(loop, S.Do(async s => { await s.Call(ev.Wait()); return default; })));
        Assert.StartsWith("Deadlock", second.Message);
    }

    [Fact]
    public void Deadlock_WhoseCloseSuspendsInAChannelReceive_LeavesNoWaiterThatSwallowsTheNextItem()
    {
        // A finally that waits on a channel while the deadlock handler closes its task queues a waiter and stops there. The
        // channel outlives the run: the next run's item must go to a receiver that still waits, not wake the closed task.
        var channel = new LoopChannel<int>(1);
        var ev = new LoopEvent();
        var loop = S.VirtualLoop();
        Assert.Throws<AggregateException>(() => RunGuarded(loop, S.Do(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
            }
            finally
            {
                await s.Call(channel.Receive());
            }

            return default;
        })));
        int got = RunGuarded(loop, S.Of<int>(async s =>
        {
            var receiver = s.Co.Spawn(S.Of<int>(async r => await r.Call(channel.Receive())));
            await s.Y();
            Assert.True(channel.TrySend(5));
            return await s.Call(receiver.Join());
        }));
        Assert.Equal(5, got);
    }

    [Fact]
    public void Deadlock_WhileAGatherWaitsForAChildThatIgnoresCancellation_TheFailureThatCancelledItIsStillReported()
    {
        // A child failed, Gather took its failure (to raise it) and cancelled the sibling, which caught the cancellation and
        // waits on an event nobody sets: a deadlock. Closing the gathering task means Gather never raises that failure, so it
        // must go back to unobserved and be reported by Run with the deadlock, not vanish.
        var boom = new ApplicationException("child failed");
        var never = new LoopEvent();
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var e = Assert.Throws<AggregateException>(() => RunGuarded(loop, S.Of<int[]>(async s => await s.Call(s.Co.Gather(
            S.Of<int>(async a => { await a.Y(); throw boom; }),
            S.Of<int>(async b =>
            {
                try
                {
                    await b.Y(b.Co.Sleep(10));
                }
                catch (CoroutineCancelledException)
                {
                    log.Add("sibling cancelled");
                    await b.Call(never.Wait());
                }

                return 2;
            }))))));
        Assert.Equal(new[] { "sibling cancelled" }, log);
        Assert.StartsWith("Deadlock", Assert.IsType<InvalidOperationException>(e.InnerExceptions[0]).Message);
        Assert.Same(boom, e.InnerExceptions[1]);
        Assert.Equal(2, e.InnerExceptions.Count);
    }

    [Fact]
    public void AwaitingATaskFaultedWithSeveralExceptions_RaisesTheFirst_AsAwaitDoes()
    {
        var first = new ApplicationException("first");
        var second = new InvalidOperationException("second");
        var tcs = new TaskCompletionSource<int>();
        var loop = S.VirtualLoop();
        var r = RunGuarded(loop, S.Of<string>(async s =>
        {
            var awaiting = s.Co.Spawn(S.Of<int>(async t => await t.Await(tcs.Task)));
            await s.Y();
            tcs.SetException(new Exception[] { first, second });
            try
            {
                await s.Call(awaiting.Join());
                return "no exception";
            }
            catch (Exception caught)
            {
                return ReferenceEquals(caught, first) ? "first" : caught.ToString();
            }
        }));
        Assert.Equal("first", r);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancel_WhoseCleanupIsCutShortByTheScopesTimeout_IsNotHiddenByTheScope(bool fail)
    {
        // Cancelled at 0.5 s inside a MoveOnAfter(1 s), the body's finally sleeps; the scope's deadline passes during that
        // sleep and its timeout is raised there, replacing the cancellation that was unwinding the body (as any exception
        // thrown in a finally does). The scope must not turn that into a TimedOut result (or a TimeoutException) and let
        // the cancelled task go on as if nobody had cancelled it: the cancellation goes on unwinding.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Of<int>(async w =>
            {
                var body = S.Of<int>(async b =>
                {
                    try
                    {
                        await b.Y(b.Co.Sleep(10));
                        return 1;
                    }
                    finally
                    {
                        log.Add("cleanup from " + b.Co.Now().TotalSeconds);
                        await b.Y(b.Co.Sleep(2));
                        log.Add("cleanup done");
                    }
                });
                if (fail)
                {
                    await w.Call(w.Co.FailAfter(TimeSpan.FromSeconds(1), body));
                }
                else
                {
                    var r = await w.Call(w.Co.MoveOnAfter(TimeSpan.FromSeconds(1), body));
                    log.Add("scope returned " + r);
                }

                log.Add("went on after the cancellation");
                return 2;
            }));
            await s.Y(s.Co.Sleep(0.5));
            t.Cancel();
            await s.Call(t.Wait());
            log.Add(t.State + " at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "cleanup from 0.5", "Cancelled at 1" }, log);
    }

    [Fact]
    public void Cancel_CaughtInsideAScope_ThenTheScopeTimesOut_TheScopeRaisesTheCancellation()
    {
        // The other side of the rule above, which the loop cannot tell from it: a body that catches a Cancel() and carries
        // on has its scope's later timeout turned into that cancellation too (asyncio's timeout() does the same for a task
        // that swallowed CancelledError without uncancel()). Catch the cancellation outside the scope to go on after it.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            CoroutineCancelledException? raised = null;
            var t = s.Co.Spawn(S.Of<string>(async w =>
            {
                var res = await w.Call(w.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async b =>
                {
                    try
                    {
                        await b.Y(b.Co.Sleep(10));
                    }
                    catch (CoroutineCancelledException e)
                    {
                        raised = e;
                        log.Add("caught at " + b.Co.Now().TotalSeconds);
                    }

                    await b.Y(b.Co.Sleep(10));
                    return 1;
                })));
                return res.ToString();
            }));
            await s.Y(s.Co.Sleep(0.5));
            t.Cancel();
            await s.Call(t.Wait());
            log.Add(t.State + " at " + s.Co.Now().TotalSeconds);
            Assert.Same(raised, t.Exception);
            return default;
        }));
        Assert.Equal(new[] { "caught at 0.5", "Cancelled at 1" }, log);
    }

    [Fact]
    public void GatherCancelledAfterManyJoinedFailures_StillReportsTheChildFailureItTook()
    {
        // The loop prunes failures that were observed from its list (a long-running loop joins most of them). Gather used to
        // mark its child's failure observed as soon as it took it, and to unmark it when the gathering task's own
        // cancellation won: a prune in between dropped the failure from the list, so Run never reported it.
        var boom = new ApplicationException("child failed");
        var loop = S.VirtualLoop();
        var e = Assert.Throws<AggregateException>(() => RunGuarded(loop, S.Do(async s =>
        {
            var gatherer = s.Co.Spawn(S.Of<int[]>(async g => await g.Call(g.Co.Gather(
                S.Of<int>(async a => { await a.Y(); throw boom; }),
                S.Of<int>(async b =>
                {
                    try
                    {
                        await b.Y(b.Co.Sleep(10));
                    }
                    catch (CoroutineCancelledException)
                    {
                        await b.Y(b.Co.Sleep(5)); // slow cleanup: the Gather waits for it
                    }

                    return 2;
                })))));
            await s.Y(s.Co.Sleep(1));
            for (int i = 0; i < 1100; i++)
            {
                var f = s.Co.Spawn(S.Of<int>(async x => { await x.Y(); throw new InvalidOperationException("joined"); }));
                try
                {
                    await s.Call(f.Join());
                }
                catch (InvalidOperationException)
                {
                }
            }

            gatherer.Cancel();
            await s.Call(gatherer.Wait());
            Assert.True(gatherer.IsCancelled);
            return default;
        })));
        Assert.Same(boom, Assert.Single(e.InnerExceptions));
    }

    // A context like a UI thread's while the loop blocks it: what is posted to it never runs.
    private sealed class BlockedContext : SynchronizationContext
    {
        internal int Posts;

        public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref Posts);

        public override void Send(SendOrPostCallback d, object? state) => throw new InvalidOperationException("blocked");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AwaitingConfiguredTasks_InATemplate_IsTheSameAsAwaitingTheTasks(bool flag)
    {
        // `await task.ConfigureAwait(false)` did not compile in a template (LoopRequest.Await had no overload for configured
        // awaitables). It now means `await task`, whatever the flag: even on a thread whose context never runs what is posted
        // to it, ConfigureAwait(true) must not send the completion there.
        var context = new BlockedContext();
        var t = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var u = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var v = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = S.VirtualLoop();
        int r = 0;
        var run = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            r = loop.Run(S.Of<int>(async s =>
            {
                var awaiting = s.Co.Spawn(ConfiguredAwaitTemplates.AwaitConfigured(t.Task, u.Task, new ValueTask<int>(v.Task), ValueTask.CompletedTask, flag));
                await s.Y();
                _ = Task.Run(() =>
                {
                    t.SetResult(40);
                    u.SetResult();
                    v.SetResult(2);
                });
                return await s.Call(awaiting.Join());
            }));
        });
        run.IsBackground = true; // a hang must not keep the test host alive
        run.Start();
        Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the loop hung: a completion went to the blocked context");
        Assert.Equal(42, r);
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public void OrdinaryAsyncCode_AwaitedFromATemplate_DoesNotPostToTheContextOfTheThreadRunningTheLoop()
    {
        var context = new BlockedContext();
        int r = 0;
        var run = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            r = new EventLoop().Run(ConfiguredAwaitTemplates.AwaitsOrdinaryAsyncCode());
            Assert.Same(context, SynchronizationContext.Current); // given back when Run returns
        });
        run.IsBackground = true;
        run.Start();
        Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the loop hung: a continuation went to the blocked context");
        Assert.Equal(42, r);
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public void ConfiguredAwaits_InALoopRunFromATaskOnAnExclusiveScheduler_DoNotWaitForThatScheduler()
    {
        var pair = new ConcurrentExclusiveSchedulerPair();
        Task<int> running = Task.Factory.StartNew(() => new EventLoop().Run(ConfiguredAwaitTemplates.AwaitsOrdinaryAsyncCode()),
            CancellationToken.None, TaskCreationOptions.LongRunning, pair.ExclusiveScheduler);
        Assert.True(running.Wait(TimeSpan.FromSeconds(20)), "the loop hung: ConfigureAwait(true) waited for the blocked scheduler");
        Assert.Equal(42, running.Result);
    }

    [Fact]
    public void AwaitingConfiguredFaultedOrCancelledTasks_RaisesWhatAwaitingTheTaskRaises()
    {
        var boom = new ApplicationException("boom");
        var loop = S.VirtualLoop();
        var results = loop.Run(S.Of<List<string>>(async s =>
        {
            var list = new List<string>();
            var faulted = new TaskCompletionSource<int>();
            var later = s.Co.Spawn(ConfiguredAwaitTemplates.AwaitConfigured(faulted.Task, Task.CompletedTask, new ValueTask<int>(1), default, false));
            var now = s.Co.Spawn(ConfiguredAwaitTemplates.AwaitConfigured(Task.FromException<int>(boom), Task.CompletedTask, new ValueTask<int>(1), default, false));
            var cancelled = s.Co.Spawn(ConfiguredAwaitTemplates.AwaitConfigured(Task.FromResult(1), Task.FromCanceled(new CancellationToken(true)), new ValueTask<int>(1), default, false));
            await s.Y();
            faulted.SetException(boom);
            foreach (var task in new[] { later, now, cancelled })
            {
                try
                {
                    await s.Call(task.Join());
                    list.Add("no exception");
                }
                catch (Exception e)
                {
                    list.Add(ReferenceEquals(e, boom) ? "boom" : e.GetType().Name);
                }
            }

            return list;
        }));
        Assert.Equal(new[] { "boom", "boom", "TaskCanceledException" }, results);
    }

    [Fact]
    public void CleanupWithItsOwnDeadline_InAFinallyDuringCancellation_TimesOutAndTheCancellationGoesOn()
    {
        // A common pattern: bound the cleanup that a cancellation runs. The scope begins after the cancellation was raised,
        // so its timeout is its own (TimedOut); the finally then ends and the cancellation goes on unwinding the task.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Of<int>(async w =>
            {
                try
                {
                    await w.Y(w.Co.Sleep(10));
                    return 1;
                }
                finally
                {
                    var r = await w.Call(w.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Of<int>(async c => { await c.Y(c.Co.Sleep(60)); return 0; })));
                    log.Add("cleanup " + r + " at " + w.Co.Now().TotalSeconds);
                }
            }));
            await s.Y(s.Co.Sleep(1));
            t.Cancel();
            await s.Call(t.Wait());
            log.Add(t.State + " at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "cleanup TimedOut at 3", "Cancelled at 3" }, log);
    }

    [Fact]
    public void OuterTimeout_WhoseCleanupTheInnerTimeoutCutsShort_IsNotHiddenByTheInnerScope()
    {
        // Outer 1 s, inner 2 s. The outer deadline passes first and its timeout unwinds the body, whose finally sleeps; the
        // inner deadline passes during that sleep and its timeout, raised there, replaces the outer's. The inner scope must
        // not report its own timeout and let the outer body go on past the outer deadline: the outer scope times out.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var outer = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async o =>
            {
                var inner = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Of<int>(async b =>
                {
                    try
                    {
                        await b.Y(b.Co.Sleep(10));
                        return 1;
                    }
                    finally
                    {
                        await b.Y(b.Co.Sleep(3));
                    }
                })));
                log.Add("inner returned " + inner + " at " + o.Co.Now().TotalSeconds);
                await o.Y(o.Co.Sleep(100));
                return 2;
            })));
            log.Add("outer " + outer + " at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "outer TimedOut at 2" }, log);
    }

    [Fact]
    public void OuterTimeout_WhileAGatherInTheInnerScopeWaitsForItsChildren_IsNotHiddenByTheInnerScope()
    {
        // Inner 1 s around a Gather whose child cleans up slowly when cancelled; outer 2 s. The inner timeout makes the Gather
        // cancel the child and wait; the outer deadline passes during that wait, and the Gather keeps the first exception it
        // got (the inner timeout) while it cancels the child again, which cuts its cleanup short. Once the child is done, the
        // inner scope must not report its timeout as if the outer one had not passed.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var outer = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Of<int>(async o =>
            {
                var inner = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int[]>(async b => await b.Call(b.Co.Gather(S.Of<int>(async c =>
                {
                    try
                    {
                        await c.Y(c.Co.Sleep(10));
                        return 1;
                    }
                    finally
                    {
                        await c.Y(c.Co.Sleep(3));
                    }
                }))))));
                log.Add("inner returned " + inner.TimedOut + " at " + o.Co.Now().TotalSeconds);
                await o.Y(o.Co.Sleep(100));
                return 2;
            })));
            log.Add("outer " + outer + " at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "outer TimedOut at 2" }, log);
    }

    [Fact]
    public void ScopeBoundingTheCleanupOfAnOuterTimeout_ReportsItsOwnTimeout_AndTheOuterScopeTimesOut()
    {
        // The scope in the finally begins after the outer deadline passed: its timeout is its own, the rest of the finally
        // runs, and the outer timeout goes on unwinding to its scope.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var outer = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async o =>
            {
                try
                {
                    await o.Y(o.Co.Sleep(10));
                    return 1;
                }
                finally
                {
                    var r = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Of<int>(async c => { await c.Y(c.Co.Sleep(60)); return 0; })));
                    log.Add("cleanup " + r + " at " + o.Co.Now().TotalSeconds);
                }
            })));
            log.Add("outer " + outer + " at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "cleanup TimedOut at 3", "outer TimedOut at 3" }, log);
    }

    [Fact]
    public void SpawnWhileTheLoopIsNotRunning_TheTaskWaitsForTheNextRun()
    {
        // Between runs, as before the first, a spawned task waits in the ready queue; the next Run starts it beside main,
        // first in line, and cancels it with the rest when main finishes.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        Assert.Equal(1, loop.Run(S.Of<int>(async s => { await s.Y(); return 1; })));
        var early = loop.Spawn(S.Of<int>(async t => { log.Add("early ran"); await t.Y(t.Co.Sleep(1)); log.Add("early woke"); return 2; }));
        Assert.Equal(LoopTaskStatus.Ready, early.State);
        Assert.Equal(1, loop.TaskCount);
        Assert.Empty(log);
        Assert.Equal(3, loop.Run(S.Of<int>(async s => { log.Add("main ran"); await s.Y(); return 3; })));
        Assert.Equal(new[] { "early ran", "main ran" }, log);
        Assert.True(early.IsCancelled);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void ObjectsOfALoopRunningOnAnotherThread_UsedByATaskOfASecondLoop_ThrowSayingSo_AndChangeNothing()
    {
        // A task of loop B touches an event, a channel, a task and the loop of loop A (running on another thread). The error
        // must say that they belong to another loop (not tell a loop task to "call it from a loop task"), and change nothing.
        var ev = new LoopEvent();
        var channel = new LoopChannel<int>(1);
        var loopA = S.VirtualLoop();
        var loopB = S.VirtualLoop();
        var parked = new ManualResetEventSlim();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LoopTask<int>? waiter = null;
        var runA = Task.Factory.StartNew(() => loopA.Run(S.Of<int>(async s =>
        {
            waiter = s.Co.Spawn(S.Of<int>(async w => { await w.Call(ev.Wait()); return await w.Call(channel.Receive()); }));
            await s.Y();
            Assert.True(channel.TrySend(7));
            parked.Set();
            await s.Await(release.Task);
            ev.Set();
            return await s.Call(waiter.Join());
        })), TaskCreationOptions.LongRunning);
        Assert.True(parked.Wait(TimeSpan.FromSeconds(20)));
        var messages = RunGuarded(loopB, S.Of<List<string>>(async s =>
        {
            var list = new List<string>();
            foreach (Action misuse in new Action[] { ev.Set, ev.Clear, () => channel.TryReceive(out _), () => channel.Complete(), () => waiter!.Cancel(), () => loopA.Spawn(S.Of<int>(async x => 0)) })
            {
                try
                {
                    misuse();
                    list.Add("no exception");
                }
                catch (InvalidOperationException e)
                {
                    list.Add(e.Message);
                }
            }

            return list;
        }));
        Assert.Equal(6, messages.Count);
        Assert.All(messages, m => Assert.StartsWith("This belongs to another event loop", m));
        Assert.False(ev.IsSet);
        Assert.Equal(1, channel.Count);
        release.SetResult();
        Assert.True(runA.Wait(TimeSpan.FromSeconds(20)));
        Assert.Equal(7, runA.Result);
    }

    [Fact]
    public void Deadlock_WhoseCloseSuspendsInsideATimeoutScope_LeavesNoTimerForTheNextRun()
    {
        // A finally that suspends inside a MoveOnAfter while the deadlock handler closes its task had armed the scope's timer.
        // The scope must end with the task, or its deadline stays live in the heap: the next run, deadlocked at once, would
        // jump the virtual clock to it before reporting the deadlock (and count it as something that may still wake a task).
        var ev = new LoopEvent();
        var loop = S.VirtualLoop();
        Assert.Throws<AggregateException>(() => RunGuarded(loop, S.Do(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
            }
            finally
            {
                await s.Call(s.Co.MoveOnAfter(TimeSpan.FromHours(1), S.Of<int>(async b => { await b.Y(b.Co.Sleep(TimeSpan.FromHours(2))); return 0; })));
            }

            return default;
        })));
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
        Assert.Throws<InvalidOperationException>(() => RunGuarded(loop, S.Do(async s => { await s.Call(ev.Wait()); return default; })));
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
    }

    [Fact]
    public void Channel_AReceiverThatComesWhileAnItemWaitsForAWokenReceiver_TakesIt_AndTheWokenOneWaitsAgain()
    {
        // Waiters queue in FIFO order, but an item goes to whoever takes it first (as in asyncio.Queue): a task that receives
        // while a woken receiver has not run yet gets the item, and the woken one waits again, behind those already waiting.
        var ch = new LoopChannel<int>(1);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            LoopTask<int> Receiver(string name) => s.Co.Spawn(S.Of<int>(async r =>
            {
                int v = await r.Call(ch.Receive());
                log.Add(name + " got " + v);
                return v;
            }));

            var first = Receiver("first");
            await s.Y();
            var second = Receiver("second");
            await s.Y();
            Assert.True(ch.TrySend(1)); // wakes first
            log.Add("main got " + await s.Call(ch.Receive())); // takes it before first runs
            await s.Y();
            Assert.True(ch.TrySend(2)); // second waited longer now
            Assert.True(ch.TrySend(3) == false);
            await s.Y();
            Assert.True(ch.TrySend(3));
            await s.Call(first.Wait());
            await s.Call(second.Wait());
            return default;
        }));
        Assert.Equal(new[] { "main got 1", "second got 2", "first got 3" }, log);
    }

    [Fact]
    public void Run_WhileTheLoopRunsOnAnotherThread_SaysSo_InsteadOfAdvisingToSpawn()
    {
        // From a task, a nested Run is told to spawn instead; from another thread, Spawn throws too, so that advice would not
        // help: the message says the loop runs on another thread and what to do.
        var loop = S.VirtualLoop();
        string? nested = null;
        string? concurrent = null;
        loop.Run(S.Do(async s =>
        {
            try
            {
                loop.Run(S.Of<int>(async x => 0));
            }
            catch (InvalidOperationException e)
            {
                nested = e.Message;
            }

            var other = new Thread(() =>
            {
                try
                {
                    loop.Run(S.Of<int>(async x => 0));
                }
                catch (InvalidOperationException e)
                {
                    concurrent = e.Message;
                }
            });
            other.Start();
            other.Join();
            return default;
        }));
        Assert.StartsWith("The loop is already running; Run cannot be nested. Spawn", nested);
        Assert.StartsWith("The loop is already running on another thread; Run cannot be called again until it returns.", concurrent);
        Assert.Equal(0, loop.TaskCount);
    }
}
