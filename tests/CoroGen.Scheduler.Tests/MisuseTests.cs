using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>Misuse of the scheduler's API, as documented in docs/scheduler.md: each gets a clear exception, never a hang or a corrupt loop.</summary>
public class MisuseTests
{
    // Runs an action on another thread and returns what it threw.
    private static Exception? OnOtherThread(Action action)
    {
        Exception? thrown = null;
        var t = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        t.Start();
        t.Join();
        return thrown;
    }

    [Fact]
    public void EventSet_FromAnotherThread_Throws_AndLeavesTheWaiterWaiting()
    {
        var ev = new LoopEvent();
        Exception? thrown = null;
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var waiter = s.Co.Spawn(S.Do(async w => { await w.Call(ev.Wait()); log.Add("woken"); return default; }));
            await s.Y();
            thrown = OnOtherThread(ev.Set);
            Assert.False(ev.IsSet);
            Assert.Equal(LoopTaskStatus.Waiting, waiter.State);
            ev.Set(); // from the loop thread: still wakes the waiter
            await s.Call(waiter.Join());
            return default;
        }));
        var ioe = Assert.IsType<InvalidOperationException>(thrown);
        Assert.Contains("loop", ioe.Message);
        Assert.Equal(new[] { "woken" }, log);
    }

    [Fact]
    public void ChannelOperations_FromAnotherThread_Throw_AndLeaveTheChannelIntact()
    {
        var ch = new LoopChannel<int>(4);
        var thrown = new List<Exception?>();
        int received = 0;
        S.VirtualLoop().Run(S.Do(async s =>
        {
            Assert.True(ch.TrySend(1)); // the loop uses the channel: it belongs to the loop now
            thrown.Add(OnOtherThread(() => ch.TrySend(2)));
            thrown.Add(OnOtherThread(() => ch.TryReceive(out _)));
            thrown.Add(OnOtherThread(ch.Complete));
            Assert.Equal(1, ch.Count);
            Assert.False(ch.IsCompleted);
            received = await s.Call(ch.Receive());
            return default;
        }));
        Assert.Equal(3, thrown.Count);
        Assert.All(thrown, e => Assert.IsType<InvalidOperationException>(e));
        Assert.Equal(1, received);
    }

    [Fact]
    public void LoopOperations_FromAnotherThread_WhileTheLoopRuns_Throw()
    {
        var loop = S.VirtualLoop();
        var thrown = new List<Exception?>();
        loop.Run(S.Do(async s =>
        {
            var sleeper = s.Co.Spawn(S.Do(async w => { await w.Y(w.Co.Sleep(5)); return default; }));
            thrown.Add(OnOtherThread(() => loop.Spawn(S.Do(async w => { await w.Y(); return default; }))));
            thrown.Add(OnOtherThread(sleeper.Cancel));
            thrown.Add(OnOtherThread(() => loop.Run(S.Do(async w => { await w.Y(); return default; }))));
            await s.Call(sleeper.Join());
            Assert.True(sleeper.State == LoopTaskStatus.Completed);
            return default;
        }));
        Assert.Equal(3, thrown.Count);
        Assert.All(thrown, e => Assert.IsType<InvalidOperationException>(e));
    }

    [Fact]
    public void SameCoroutine_SpawnedTwice_TheSecondTaskFails_AndTheFirstRunsItOnce()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var body = S.Do(async w => { log.Add("a"); await w.Y(w.Co.Sleep(1)); log.Add("b"); return default; });
        LoopTask<Unit>? first = null, second = null;
        var e = Assert.ThrowsAny<Exception>(() => loop.Run(S.Do(async s =>
        {
            first = s.Co.Spawn(body);
            second = s.Co.Spawn(body);
            await s.Call(first.Join());
            await s.Call(second.Wait());
            return default;
        })));
        Assert.Equal(new[] { "a", "b" }, log);
        Assert.True(first!.State == LoopTaskStatus.Completed);
        Assert.True(second!.IsFaulted);
        var ioe = Assert.IsType<InvalidOperationException>(second.Exception);
        Assert.Contains("already", ioe.Message);
        Assert.Same(ioe, Assert.Single(Assert.IsType<AggregateException>(e).InnerExceptions));
    }

    [Fact]
    public void Run_WithACoroutineAlreadySpawned_FailsWithAClearError()
    {
        var loop = S.VirtualLoop();
        int runs = 0;
        var body = S.Do(async w => { runs++; await w.Y(); return default; });
        loop.Spawn(body);
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(body));
        Assert.Contains("already", e.Message);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void SameCoroutine_SpawnedIntoTwoLoops_TheSecondFails()
    {
        var a = S.VirtualLoop();
        var b = S.VirtualLoop();
        int runs = 0;
        var body = S.Do(async w => { runs++; await w.Y(); return default; });
        a.Spawn(body);
        b.Spawn(body);
        a.Run(S.Do(async s => { await s.Y(); await s.Y(); return default; }));
        var e = Assert.Throws<AggregateException>(() => b.Run(S.Do(async s => { await s.Y(); return default; })));
        Assert.IsType<InvalidOperationException>(Assert.Single(e.InnerExceptions));
        Assert.Equal(1, runs);
    }
}

/// <summary>The documented contract at its edges: what a demanding user tries after reading docs/scheduler.md.</summary>
public class ContractEdgeTests
{
    [Fact]
    public void JoinCycle_IsReportedAsADeadlock()
    {
        LoopTask<int>? a = null, b = null;
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Do(async s =>
        {
            a = s.Co.Spawn(S.Of<int>(async t => { await t.Y(); return await t.Call(b!.Join()); }));
            b = s.Co.Spawn(S.Of<int>(async t => { await t.Y(); return await t.Call(a!.Join()); }));
            await s.Call(a.Wait());
            return default;
        })));
        Assert.Contains("Deadlock", e.Message);
        Assert.True(a!.IsCancelled && b!.IsCancelled);
    }

    [Fact]
    public void JoiningATaskOfAnotherLoop_Throws()
    {
        var other = S.VirtualLoop();
        var foreign = other.Spawn(S.Of<int>(async t => { await t.Y(); return 1; }));
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Of<int>(async s => await s.Call(foreign.Join()))));
        Assert.Contains("another event loop", e.Message);
    }

    [Fact]
    public void JoiningOutsideAnyLoop_Throws()
    {
        var loop = S.VirtualLoop();
        var t = loop.Spawn(S.Of<int>(async w => { await w.Y(); return 1; }));
        var join = t.Join();
        var e = Assert.Throws<InvalidOperationException>(() => join.MoveNext());
        Assert.Contains("inside a task of a running EventLoop", e.Message);
    }

    [Fact]
    public void Cancel_OnAFinishedTask_Twice_AndFromInsideItself()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var done = s.Co.Spawn(S.Of<int>(async t => 7));
            await s.Call(done.Wait());
            done.Cancel();
            done.Cancel();
            Assert.Equal(7, done.Result);
            var self = s.Co.Spawn(S.Do(async t =>
            {
                t.Co.CurrentTask().Cancel();
                log.Add("still running");
                try
                {
                    await t.Y(t.Co.Sleep(1));
                    log.Add("slept");
                }
                catch (CoroutineCancelledException)
                {
                    log.Add("cancelled at the sleep");
                    throw;
                }

                return default;
            }));
            await s.Call(self.Wait());
            Assert.True(self.IsCancelled);
            var twice = s.Co.Spawn(S.Do(async t => { await t.Y(t.Co.Sleep(5)); return default; }));
            await s.Y();
            twice.Cancel();
            twice.Cancel();
            await s.Call(twice.Wait());
            Assert.True(twice.IsCancelled);
            return default;
        }));
        Assert.Equal(new[] { "still running", "cancelled at the sleep" }, log);
    }

    [Fact]
    public void Cancel_WhileInAFinallyThatSuspends()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    await w.Y(w.Co.Sleep(10));
                }
                finally
                {
                    log.Add("cleanup " + w.Co.Now().TotalSeconds);
                    try
                    {
                        await w.Y(w.Co.Sleep(1));
                        log.Add("cleanup done");
                    }
                    catch (CoroutineCancelledException)
                    {
                        log.Add("cleanup cancelled");
                        throw;
                    }
                }

                return default;
            }));
            await s.Y();
            t.Cancel();
            await s.Y();
            await s.Y();
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled);
            return default;
        }));
        Assert.Equal(new[] { "cleanup 0", "cleanup cancelled" }, log);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void MoveOnAfter_ZeroOrNegative_BodyRunsUntilItsFirstSuspension(int ms)
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var quick = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromMilliseconds(ms), S.Of<int>(async b => { log.Add("quick"); return 1; })));
            Assert.True(quick.Completed);
            var slow = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromMilliseconds(ms), S.Of<int>(async b => { log.Add("slow"); await b.Y(); log.Add("never"); return 1; })));
            Assert.True(slow.TimedOut);
            var e = await Assert.ThrowsAsync<TimeoutException>(async () => await s.Call(s.Co.FailAfter(TimeSpan.FromMilliseconds(ms), S.Of<int>(async b => { await b.Y(); return 1; }))));
            return default;
        }));
        Assert.Equal(new[] { "quick", "slow" }, log);
    }

    [Fact]
    public void MoveOnAfter_MaxValueAndInfinite_NeverExpire()
    {
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var a = await s.Call(s.Co.MoveOnAfter(TimeSpan.MaxValue, S.Of<int>(async b => { await b.Y(b.Co.Sleep(TimeSpan.FromDays(1000))); return 1; })));
            var c = await s.Call(s.Co.MoveOnAfter(Timeout.InfiniteTimeSpan, S.Of<int>(async b => { await b.Y(b.Co.Sleep(TimeSpan.FromDays(1000))); return 2; })));
            Assert.Equal(1, a.Value);
            Assert.Equal(2, c.Value);
            return default;
        }));
        Assert.Equal(TimeSpan.FromDays(2000), loop.Elapsed);
    }

    [Fact]
    public void NestedScopes_InnerLongerThanOuter_OuterExpiresAtItsDeadline()
    {
        var loop = S.VirtualLoop();
        bool innerTimedOut = true;
        var r = loop.Run(S.Of<TimeoutResult<int>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async o =>
            {
                var inner = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(5), S.Of<int>(async b => { await b.Y(b.Co.Sleep(3)); return 1; })));
                innerTimedOut = inner.TimedOut;
                return 2;
            })))));
        Assert.True(r.TimedOut);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void BodyThatFinishesExactlyAtTheDeadline_TimesOut()
    {
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<TimeoutResult<int>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async b => { await b.Y(b.Co.Sleep(1)); return 1; })))));
        Assert.True(r.TimedOut);
    }

    [Fact]
    public void Gather_Empty_One_Null()
    {
        S.VirtualLoop().Run(S.Do(async s =>
        {
            Assert.Empty(await s.Call(s.Co.Gather<int>()));
            Assert.Equal(new[] { 3 }, await s.Call(s.Co.Gather(S.Of<int>(async b => { await b.Y(); return 3; }))));
            var e = await Assert.ThrowsAsync<ArgumentException>(async () => await s.Call(s.Co.Gather(S.Of<int>(async b => 1), null!)));
            Assert.Contains("argument 1 is null", e.Message);
            return default;
        }));
    }

    [Fact]
    public void Gather_FailingChild_WaitsForAChildThatIgnoresCancellation()
    {
        var loop = S.VirtualLoop();
        var boom = new InvalidOperationException("boom");
        var log = new List<string>();
        loop.Run(S.Do(async s =>
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await s.Call(s.Co.Gather(
                S.Of<int>(async b => { await b.Y(b.Co.Sleep(1)); throw boom; }),
                S.Of<int>(async b =>
                {
                    try
                    {
                        await b.Y(b.Co.Sleep(10));
                    }
                    catch (CoroutineCancelledException)
                    {
                        log.Add("ignored at " + b.Co.Now().TotalSeconds);
                    }

                    await b.Y(b.Co.Sleep(2));
                    log.Add("stubborn done at " + b.Co.Now().TotalSeconds);
                    return 2;
                }))));
            Assert.Same(boom, e);
            log.Add("gather raised at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "ignored at 1", "stubborn done at 3", "gather raised at 3" }, log);
    }

    [Fact]
    public void Channel_WritesAfterComplete_Fail_ReadersDrain_WaitingWritersFail()
    {
        var ch = new LoopChannel<int>(1);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            await s.Call(ch.Send(1));
            var writer = s.Co.Spawn(S.Do(async w =>
            {
                try { await w.Call(ch.Send(2)); log.Add("sent 2"); }
                catch (ChannelClosedException) { log.Add("writer failed"); }
                return default;
            }));
            await s.Y();
            ch.Complete();
            Assert.False(ch.TrySend(3));
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await s.Call(ch.Send(4)));
            await s.Call(writer.Join());
            Assert.Equal(1, await s.Call(ch.Receive()));
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await s.Call(ch.Receive()));
            return default;
        }));
        Assert.Equal(new[] { "writer failed" }, log);
    }

    [Fact]
    public void Run_AfterADeadlock_RunsAgain()
    {
        var loop = S.VirtualLoop();
        var ev = new LoopEvent();
        Assert.Throws<InvalidOperationException>(() => loop.Run(S.Do(async s => { await s.Call(ev.Wait()); return default; })));
        Assert.Equal(0, loop.TaskCount);
        Assert.Equal(4, loop.Run(S.Of<int>(async s => { await s.Y(s.Co.Sleep(1)); return 4; })));
    }

    [Fact]
    public void ProviderTimer_CreatedByUserCode_FiresOnTheLoopThread_AsTheLoopJumpsPastIt()
    {
        var clock = S.Clock();
        var loop = new EventLoop(clock);
        var log = new List<string>();
        Thread? loopThread = null;
        using ITimer timer = clock.CreateTimer(_ => log.Add($"timer at {loop.Elapsed.TotalSeconds} on loop thread {Thread.CurrentThread == loopThread}"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        loop.Run(S.Do(async s =>
        {
            loopThread = Thread.CurrentThread;
            await s.Y(s.Co.Sleep(3));
            log.Add($"woke at {s.Co.Now().TotalSeconds}");
            return default;
        }));
        Assert.Equal(new[] { "timer at 1 on loop thread True", "woke at 3" }, log);
    }

    [Fact]
    public void TaskDelayOnTheVirtualClock_AwaitedInALoopTask_CompletesWhenAnotherThreadAdvances()
    {
        // Documented (scheduler.md §8): the loop does not auto-advance while an awaited Task is pending, even one that
        // waits on the virtual clock itself; another thread's Advance completes it.
        var clock = S.Clock();
        var loop = new EventLoop(clock);
        using var delayCreated = new ManualResetEventSlim();
        var run = Task.Run(() => loop.Run(S.Of<int>(async s =>
        {
            Task delay = Task.Delay(TimeSpan.FromSeconds(1), clock);
            delayCreated.Set();
            await s.Await(delay);
            return 1;
        })));
        Assert.True(delayCreated.Wait(TimeSpan.FromSeconds(30)));
        Assert.False(run.Wait(TimeSpan.FromMilliseconds(50)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, run.Result);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }
}

public class MisuseFixTests
{
    [Fact]
    public void ThrowingProviderTimer_FiredByAutoAdvance_IsReportedByRun_AfterEveryTaskFinished()
    {
        var clock = S.Clock();
        var loop = new EventLoop(clock);
        var log = new List<string>();
        var boom = new ApplicationException("timer callback");
        using ITimer timer = clock.CreateTimer(_ => throw boom, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var e = Assert.Throws<AggregateException>(() => loop.Run(S.Do(async s =>
        {
            s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    await w.Y(w.Co.Sleep(10));
                }
                finally
                {
                    log.Add("cleanup at " + w.Co.Now().TotalSeconds);
                }

                return default;
            }));
            await s.Y(s.Co.Sleep(3));
            log.Add("main done at " + s.Co.Now().TotalSeconds);
            return default;
        })));
        Assert.Same(boom, Assert.Single(e.InnerExceptions));
        Assert.Equal(new[] { "main done at 3", "cleanup at 3" }, log);
        Assert.Equal(0, loop.TaskCount);
        Assert.Equal(7, loop.Run(S.Of<int>(async s => { await s.Y(s.Co.Sleep(1)); return 7; }))); // nothing left over
    }

    [Fact]
    public void ThrowingProviderTimer_ComesLastInRunsAggregate_AfterMainsFailureAndTheUnobservedTaskFailures()
    {
        // Documented (EventLoop.Run, scheduler.md §6): what ended the run first, then the unobserved task failures in the order
        // the tasks failed, then the failures of the clock's timer callbacks, even one that came before a task failure.
        var clock = S.Clock();
        var loop = new EventLoop(clock);
        var boom = new ApplicationException("timer callback");
        var workerFailure = new FormatException("worker");
        var mainFailure = new InvalidOperationException("main");
        using ITimer timer = clock.CreateTimer(_ => throw boom, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var e = Assert.Throws<AggregateException>(() => loop.Run(S.Do(async s =>
        {
            s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(2));
                throw workerFailure;
            }));
            await s.Y(s.Co.Sleep(3));
            throw mainFailure;
        })));
        Assert.Equal(new Exception[] { mainFailure, workerFailure, boom }, e.InnerExceptions);
    }

    [Fact]
    public void MoveOnAfterAndFailAfter_WithAStartedBody_RaiseArgumentException_AndLeaveItToItsTask()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var body = S.Of<int>(async b => { log.Add("body 1"); await b.Y(); log.Add("body 2"); return 1; });
            var task = s.Co.Spawn(body);
            await s.Y(); // the task has started its body
            var e1 = await Assert.ThrowsAsync<ArgumentException>(async () => await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), body)));
            var e2 = await Assert.ThrowsAsync<ArgumentException>(async () => await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(1), body)));
            Assert.Contains("has not started", e1.Message);
            Assert.Contains("FailAfter", e2.Message);
            Assert.Equal(1, await s.Call(task.Join()));
            return default;
        }));
        Assert.Equal(new[] { "body 1", "body 2" }, log);
    }
}

public class ShutdownAndDeadlockEdgeTests
{
    [Fact]
    public void TaskSpawnedDuringShutdown_IsCancelledBeforeItRuns()
    {
        var log = new List<string>();
        LoopTask<Unit>? late = null;
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    await w.Y(w.Co.Sleep(10));
                }
                finally
                {
                    late = w.Co.Spawn(S.Do(async l => { log.Add("late ran"); await l.Y(); return default; }));
                }

                return default;
            }));
            await s.Y();
            return default;
        }));
        Assert.Empty(log);
        Assert.True(late!.IsCancelled);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void Shutdown_LetsTheChildrenOfABackgroundGatherFinishTheirSuspendingCleanup()
    {
        // The shutdown cancels every task, the children of the Gather included; the gathering task's own shutdown cancellation
        // must not reach them a second time, which would cut their cleanup short at its first suspension point.
        var log = new List<string>();
        var loop = S.VirtualLoop();
        Script<int> SlowCleanup(string name) => S.Of<int>(async c =>
        {
            try
            {
                await c.Y(c.Co.Sleep(100));
            }
            finally
            {
                log.Add($"{name} cleanup starts at {loop.Elapsed.TotalSeconds}");
                await c.Y(c.Co.Sleep(1));
                log.Add($"{name} cleanup done at {loop.Elapsed.TotalSeconds}");
            }

            return 0;
        });

        int result = loop.Run(S.Of<int>(async s =>
        {
            s.Co.Spawn(SlowCleanup("plain"));
            s.Co.Spawn(S.Of<int[]>(async g => await g.Call(g.Co.Gather(SlowCleanup("child1"), SlowCleanup("child2")))));
            await s.Y(s.Co.Sleep(1));
            return 14;
        }));

        Assert.Equal(14, result);
        Assert.Equal(
            new[] { "child2 cleanup starts at 1", "child1 cleanup starts at 1", "plain cleanup starts at 1", "child2 cleanup done at 2", "child1 cleanup done at 2", "plain cleanup done at 2" },
            log.OrderBy(l => l.Contains("done")).ToList());
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void Deadlock_WithAFinallyThatSuspends_IsReportedWithTheClosesFailure()
    {
        var ev = new LoopEvent();
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var e = Assert.Throws<AggregateException>(() => loop.Run(S.Do(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
            }
            finally
            {
                log.Add("finally");
                await s.Y(s.Co.Sleep(1));
                log.Add("never");
            }

            return default;
        })));
        Assert.StartsWith("Deadlock", e.Message);
        Assert.Contains("yielded while being closed", Assert.IsType<InvalidOperationException>(Assert.Single(e.InnerExceptions)).Message);
        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void RunFromInsideATaskOfAnotherLoop_OnTheSameThread_Throws()
    {
        var inner = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Of<int>(async s => inner.Run(S.Of<int>(async t => 1)))));
        Assert.Contains("Another event loop is running on this thread", e.Message);
        Assert.Equal(0, inner.TaskCount);
        Assert.Equal(2, inner.Run(S.Of<int>(async t => 2)));
    }

    [Fact]
    public void CancelBeforeRun_EndsTheTaskWithoutRunningIt()
    {
        var loop = S.VirtualLoop();
        bool ran = false;
        var t = loop.Spawn(S.Do(async w => { ran = true; await w.Y(); return default; }));
        t.Cancel();
        loop.Run(S.Do(async s => { await s.Call(t.Wait()); return default; }));
        Assert.False(ran);
        Assert.True(t.IsCancelled);
    }
}

public class SleepSecondsEdgeTests
{
    [Theory]
    [InlineData(-0.001)] // TimeSpan.FromSeconds(-0.001) is Timeout.InfiniteTimeSpan
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(double.NegativeInfinity)]
    public void SleepZeroOrNegativeSeconds_Reschedules(double seconds)
    {
        var loop = S.VirtualLoop();
        var log = new List<string>();
        loop.Run(S.Do(async s =>
        {
            s.Co.Spawn(S.Do(async o => { log.Add("other"); return default; }));
            await s.Y(s.Co.Sleep(seconds));
            log.Add("main");
            return default;
        }));
        Assert.Equal(new[] { "other", "main" }, log);
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.MaxValue)]
    [InlineData(1e12)] // more seconds than a TimeSpan holds
    public void SleepInfiniteOrHugeSeconds_SleepsUntilCancelled(double seconds)
    {
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<TimeoutResult<Unit>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Do(async b => { await b.Y(b.Co.Sleep(seconds)); return default; })))));
        Assert.True(r.TimedOut);
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Elapsed);
    }

    [Fact]
    public void SleepNaNSeconds_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => S.VirtualLoop().Run(S.Do(async s => { await s.Y(s.Co.Sleep(double.NaN)); return default; })));
        Assert.Equal("seconds", e.ParamName);
    }
}

public class JoinAndGatherMisuseTests
{
    [Fact]
    public void ATaskJoiningOrWaitingForItself_Throws()
    {
        S.VirtualLoop().Run(S.Do(async s =>
        {
            LoopTask<int>? self = null;
            self = s.Co.Spawn(S.Of<int>(async t => await t.Call(self!.Join())));
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await s.Call(self.Join()));
            Assert.Contains("cannot join itself", e.Message);
            var me = s.Co.CurrentTask();
            var w = await Assert.ThrowsAsync<InvalidOperationException>(async () => await s.Call(me.Wait()));
            Assert.Contains("cannot join itself", w.Message);
            return default;
        }));
    }

    [Fact]
    public void Gather_TheSameCoroutineTwice_OrOneAlreadySpawned()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var c = S.Of<int>(async b => { log.Add("c"); await b.Y(); return 1; });
            var twice = await Assert.ThrowsAsync<ArgumentException>(async () => await s.Call(s.Co.Gather(c, c)));
            Assert.Contains("same coroutine twice", twice.Message);
            var spawned = s.Co.Spawn(c);
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await s.Call(s.Co.Gather(c, S.Of<int>(async b => 2))));
            Assert.Contains("spawned twice", e.Message);
            Assert.Equal(1, await s.Call(spawned.Join()));
            return default;
        }));
        Assert.Equal(new[] { "c" }, log);
    }
}

public class CancellationReportTests
{
    [Fact]
    public void MainCancelledByAnotherTask_RunThrowsTheCancellation()
    {
        LoopTask? main = null;
        var e = Assert.Throws<CoroutineCancelledException>(() => S.VirtualLoop().Run(S.Do(async s =>
        {
            main = s.Co.CurrentTask();
            s.Co.Spawn(S.Do(async c => { await c.Y(c.Co.Sleep(1)); main.Cancel(); return default; }));
            await s.Y(s.Co.Sleep(5));
            return default;
        })));
        Assert.Equal("The loop task was cancelled.", e.Message);
        Assert.True(main!.IsCancelled);
        Assert.Same(e, main.Exception);
    }

    [Fact]
    public void JoiningACancelledTask_RaisesANewCancellation_WhoseInnerIsTheTasks()
    {
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Of<int>(async w => { await w.Y(w.Co.Sleep(5)); return 1; }));
            await s.Y();
            t.Cancel();
            var e = await Assert.ThrowsAsync<CoroutineCancelledException>(async () => await s.Call(t.Join()));
            Assert.Equal($"The joined task {t.Id} was cancelled.", e.Message);
            Assert.Same(t.Exception, e.InnerException);
            Assert.Throws<InvalidOperationException>(() => t.Result);
            return default;
        }));
    }
}

public class VirtualTimerArgumentTests
{
    [Fact]
    public void NegativeDueTimeOrPeriod_ThrowsLikeTheSystemClock_InfiniteIsAccepted()
    {
        var clock = S.Clock();
        int fired = 0;
        foreach (TimeProvider provider in new TimeProvider[] { TimeProvider.System, clock })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => provider.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan));
            Assert.Throws<ArgumentOutOfRangeException>(() => provider.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-2)));
            using ITimer t = provider.CreateTimer(_ => fired++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Assert.Throws<ArgumentOutOfRangeException>(() => t.Change(TimeSpan.FromMilliseconds(-2), Timeout.InfiniteTimeSpan));
        }

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired);
    }
}

public class RunAgainTests
{
    [Fact]
    public void Run_WithAStartedOrFinishedMain_ThrowsArgumentException_AndTheLoopStaysUsable()
    {
        var loop = S.VirtualLoop();
        var main = S.Of<int>(async s => { await s.Y(); return 1; });
        Assert.Equal(1, loop.Run(main));
        var e = Assert.Throws<ArgumentException>(() => loop.Run(main));
        Assert.Contains("has not started", e.Message);
        Assert.False(loop.IsRunning);
        Assert.Equal(0, loop.TaskCount);
        Assert.Equal(2, loop.Run(S.Of<int>(async s => { await s.Y(); return 2; })));
    }
}

public class ManualClockRaceTests
{
    // A clock that another thread advances, simulated deterministically: the first time the loop arms its wake-up timer, the
    // clock moves on just before the timer is armed, as a concurrent Advance between the loop's reading and its Change would.
    private sealed class AdvancedWhileArming : TimeProvider
    {
        internal readonly VirtualTimeProvider Clock = new() { AutoAdvance = false };
        internal readonly ManualResetEventSlim Armed = new();
        private bool raced;

        public override long GetTimestamp() => Clock.GetTimestamp();

        public override long TimestampFrequency => Clock.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => Clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Timer(this, Clock.CreateTimer(callback, state, dueTime, period));

        private sealed class Timer(AdvancedWhileArming owner, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime != Timeout.InfiniteTimeSpan && !owner.raced)
                {
                    owner.raced = true;
                    owner.Clock.Advance(TimeSpan.FromMilliseconds(500));
                }

                bool changed = inner.Change(dueTime, period);
                owner.Armed.Set();
                return changed;
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Fact]
    public void ClockAdvancedWhileTheLoopArmsItsWakeUp_TheLoopStillWakesAtItsDeadline()
    {
        var clock = new AdvancedWhileArming();
        var loop = new EventLoop(clock);
        var run = Task.Factory.StartNew(
            () => loop.Run(S.Of<double>(async s => { await s.Y(s.Co.Sleep(1)); return s.Co.Now().TotalSeconds; })),
            TaskCreationOptions.LongRunning);
        Assert.True(clock.Armed.Wait(TimeSpan.FromSeconds(30)));
        clock.Clock.Advance(TimeSpan.FromMilliseconds(500)); // now exactly at the deadline
        Assert.True(run.Wait(TimeSpan.FromSeconds(10)), "the loop missed its deadline: its wake-up timer was armed late");
        Assert.Equal(1.0, run.Result);
    }
}

public class ProviderTimerDeadlockTests
{
    [Fact]
    public void TaskWaitingOnlyForAProviderTimersCallback_IsADeadlock_TheLoopDoesNotJumpToUserTimers()
    {
        var clock = S.Clock();
        var loop = new EventLoop(clock);
        var ev = new LoopEvent();
        using ITimer timer = clock.CreateTimer(_ => ev.Set(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(S.Do(async s => { await s.Call(ev.Wait()); return default; })));
        Assert.StartsWith("Deadlock", e.Message);
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);

        // With a sleeper of its own the loop jumps past the timer, which fires on the loop thread and wakes the waiter.
        var woke = loop.Run(S.Of<double>(async s =>
        {
            using ITimer again = clock.CreateTimer(_ => ev.Set(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            s.Co.Spawn(S.Do(async w => { await w.Y(w.Co.Sleep(5)); return default; }));
            await s.Call(ev.Wait());
            return s.Co.Now().TotalSeconds;
        }));
        Assert.Equal(1.0, woke);
    }
}

public class ChannelCapacityTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void CapacityBelowOne_Throws(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LoopChannel<int>(capacity));
        Assert.Equal("capacity", e.ParamName);
    }
}

public class AwaitOutsideLoopTests
{
    private static async Task<int> PlainAsync(LoopTask<int> task) => await task;

    [Fact]
    public void AwaitingALoopTaskInAPlainAsyncMethod_ThrowsInsteadOfHanging()
    {
        var loop = S.VirtualLoop();
        var t = loop.Spawn(S.Of<int>(async w => { await w.Y(); return 1; }));
        // It used to throw from the awaiter's OnCompleted, which the async method builder rethrows on the thread pool: the
        // process crashed. Now the async method's own Task faults, at once, with what to do instead.
        Task<int> plain = PlainAsync(t);
        Assert.True(plain.IsFaulted);
        var e = Assert.IsType<InvalidOperationException>(plain.Exception!.InnerException);
        Assert.Contains("can only be awaited inside a scheduler [Coroutine] template", e.Message);
        Assert.Equal(1, loop.Run(S.Of<int>(async s => await s.Call(t.Join()))));
    }
}

/// <summary>Templates that misuse a Yielder: one kept from another task's coroutine.</summary>
public static partial class YielderMisuseTemplates
{
    public static Yielder<LoopRequest>? Kept;

    [Coroutine]
    public static async Coroutine<int> KeepsItsYielder(Yielder<LoopRequest> co)
    {
        Kept = co;
        await co.Sleep(TimeSpan.FromSeconds(10));
        return 1;
    }

    [Coroutine]
    public static async Coroutine<string> SleepsThroughAnother(Yielder<LoopRequest> co)
    {
        LoopTask<int> other = co.Spawn(KeepsItsYielder());
        await co.Sleep(TimeSpan.FromSeconds(1)); // the other task runs, keeps its Yielder and sleeps
        string refused;
        try
        {
            await Kept!.Sleep(TimeSpan.FromSeconds(5));
            refused = "slept through the other task's Yielder";
        }
        catch (InvalidOperationException e)
        {
            refused = e.Message;
        }

        int result = await other.Join();
        return $"{refused}|{result}@{co.Now().TotalSeconds}";
    }
}

public class YielderMisuseTests
{
    [Fact]
    public void ASleepThroughAnotherTasksYielderIsRefused_AndThatTaskSleepsOnUndisturbed()
    {
        string[] got = new EventLoop(new VirtualTimeProvider()).Run(YielderMisuseTemplates.SleepsThroughAnother()).Split('|');
        Assert.StartsWith("Yield was called on the Yielder of a coroutine that is not running", got[0]);
        Assert.Equal("1@10", got[1]);
    }
}
