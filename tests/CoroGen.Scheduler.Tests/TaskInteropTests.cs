using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class TaskInteropTests
{
    [Fact]
    public void AwaitTaskOfT_ResultArrivesOnTheLoopThread()
    {
        int loopThread = Environment.CurrentManagedThreadId;
        var r = S.VirtualLoop().Run(S.Of<(int, int)>(async s =>
        {
            int v = await s.Await(Task.Run(() =>
            {
                Assert.NotEqual(loopThread, Environment.CurrentManagedThreadId);
                return 42;
            }));
            return (v, Environment.CurrentManagedThreadId);
        }));
        Assert.Equal((42, loopThread), r);
    }

    [Fact]
    public void AwaitFailedTask_RaisesItsExceptionAtTheAwait()
    {
        var boom = new InvalidOperationException("boom");
        string r = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Await(Task.Run(() => throw boom));
                return "no";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                try
                {
                    await s.Await(Task.FromException<int>(boom)); // already failed: raised without suspending
                    return "no";
                }
                catch (InvalidOperationException e2)
                {
                    Assert.Same(boom, e2);
                    return "yes";
                }
            }
        }));
        Assert.Equal("yes", r);
    }

    [Fact]
    public void OnlyTheAwaitingTaskSuspends_OthersKeepRunning()
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var waiter = s.Co.Spawn(S.Of<int>(async w =>
            {
                log.Add("waiting");
                int v = await w.Await(tcs.Task);
                log.Add("got " + v);
                return v;
            }));
            var other = s.Co.Spawn(S.Do(async o =>
            {
                for (int i = 0; i < 3; i++)
                {
                    log.Add("other " + i);
                    await o.Y();
                }

                tcs.SetResult(7);
                return default;
            }));
            Assert.Equal(7, await s.Call(waiter.Join()));
            await s.Call(other.Join());
            return default;
        }));
        Assert.Equal(new[] { "waiting", "other 0", "other 1", "other 2", "got 7" }, log);
    }

    [Fact]
    public void AwaitingACompletedTaskOrValueTask_GivesAFinishedCoroutine_SharedForUnitAndBool()
    {
        // The await of a step of `await foreach` (ValueTask<bool>) or of a `DisposeAsync` (ValueTask) that completed at once
        // gives a finished coroutine; for results without a value of their own (Unit, true, false) one shared object.
        Assert.Same(LoopRequest.Await(Task.CompletedTask), LoopRequest.Await(ValueTask.CompletedTask));
        Assert.Same(LoopRequest.Await(new ValueTask<bool>(true)), LoopRequest.Await(Task.FromResult(true)));
        Assert.Same(LoopRequest.Await(new ValueTask<bool>(false)), LoopRequest.Await(new ValueTask<bool>(false)));
        Assert.NotSame(LoopRequest.Await(new ValueTask<bool>(false)), LoopRequest.Await(new ValueTask<bool>(true)));

        var done = LoopRequest.Await(Task.FromResult(41));
        Assert.Equal(CoroutineState.Completed, done.State);
        Assert.Equal(41, done.Result);
        Assert.True(LoopRequest.Await(new ValueTask<bool>(true)).Result);
        Assert.False(LoopRequest.Await(new ValueTask<bool>(false)).Result);

        // Driving a shared finished coroutine changes nothing.
        var shared = LoopRequest.Await(Task.CompletedTask);
        Assert.False(shared.MoveNext());
        shared.Close();
        Assert.Equal(CoroutineState.Completed, shared.State);
    }

    [Fact]
    public void TheAwaitOfACompletedTask_IsAcceptedWhereAFreshCoroutineIs_AsThatOfAPendingOneIs()
    {
        // co.MoveOnAfter(d, LoopRequest.Await(task)) bounds an await of a .NET task: it must not depend on whether the task
        // has completed by the time the scope starts.
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            TimeoutResult<int> bounded = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), LoopRequest.Await(Task.FromResult(5))));
            int failed = await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(1), LoopRequest.Await(new ValueTask<int>(6))));
            Unit[] both = await s.Call(s.Co.Gather(LoopRequest.Await(Task.CompletedTask), LoopRequest.Await(Task.CompletedTask)));
            LoopTask<bool> spawned = s.Co.Spawn(LoopRequest.Await(Task.FromResult(true)));
            bool joined = await s.Call(spawned.Join());
            return $"{bounded.Value} {failed} {both.Length} {joined} {spawned.State}";
        }));
        Assert.Equal("5 6 2 True Completed", r);
    }

    [Fact]
    public void ValueTasks_CompletedOnesDoNotSuspend_PendingOnesDo()
    {
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<int>(async s =>
        {
            long before = loop.Steps;
            int a = await s.Await(new ValueTask<int>(5));
            await s.Await(ValueTask.CompletedTask);
            await s.Await(Task.CompletedTask);
            Assert.Equal(before, loop.Steps); // no suspension so far
            int b = await s.Await(new ValueTask<int>(Task.Run(() => 6)));
            await s.Await(new ValueTask(Task.Run(() => { })));
            return a + b;
        }));
        Assert.Equal(11, r);
    }

    [Fact]
    public void CancellingATaskThatAwaitsATask_RaisesAtTheAwait_AndTheLoopDoesNotWaitForTheTask()
    {
        var never = new TaskCompletionSource<int>();
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    await w.Await(never.Task);
                }
                catch (CoroutineCancelledException)
                {
                    log.Add("cancelled at the await");
                    throw;
                }

                return default;
            }));
            await s.Y();
            t.Cancel();
            await s.Call(t.Wait());
            return default;
        }));
        Assert.Equal(new[] { "cancelled at the await" }, log);
    }

    [Fact]
    public void FailAfter_AroundAnAwaitedTask_OnTheSystemClock()
    {
        var never = new TaskCompletionSource<int>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string r = new EventLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Call(s.Co.FailAfter(TimeSpan.FromMilliseconds(50), S.Of<int>(async b => await b.Await(never.Task))));
                return "no timeout";
            }
            catch (TimeoutException)
            {
                return "timeout";
            }
        }));
        Assert.Equal("timeout", r);
        Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void PendingTaskAwait_HoldsVirtualTimeUntilItCompletes()
    {
        var loop = S.VirtualLoop();
        var gate = new ManualResetEventSlim();
        var r = loop.Run(S.Of<string>(async s =>
        {
            var sleeper = s.Co.Spawn(S.Of<double>(async w =>
            {
                await w.Y(w.Co.Sleep(10));
                return w.Co.Now().TotalSeconds;
            }));
            var worker = Task.Run(() =>
            {
                gate.Wait(TimeSpan.FromSeconds(30));
                return 1;
            });
            await s.Y();
            gate.Set();
            await s.Await(worker);
            double awaitedAt = s.Co.Now().TotalSeconds; // the clock did not jump to the sleeper's deadline meanwhile
            return $"{awaitedAt} {await s.Call(sleeper.Join())}";
        }));
        Assert.Equal("0 10", r);
    }

    [Fact]
    public void ManualVirtualClock_TheLoopWaitsUntilAnotherThreadAdvancesIt()
    {
        var clock = new VirtualTimeProvider { AutoAdvance = false };
        var loop = new EventLoop(clock);
        var wakes = new List<double>();
        var run = Task.Factory.StartNew(
            () => loop.Run(S.Do(async s =>
            {
                for (int i = 1; i <= 3; i++)
                {
                    await s.Y(s.Co.Sleep(i));
                    wakes.Add(s.Co.Now().TotalSeconds);
                }

                return default;
            })),
            TaskCreationOptions.LongRunning);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            Thread.Yield();
        }

        Assert.True(run.Wait(TimeSpan.FromSeconds(5)));
        Assert.Equal(3, wakes.Count);
        Assert.True(wakes[0] >= 1 && wakes[1] >= wakes[0] + 2 && wakes[2] >= wakes[1] + 3, string.Join(",", wakes));
    }

    [Fact]
    public void ManualVirtualClock_TheIdleLoopDoesNotMoveIt_OnlyAnotherThreadsAdvanceWakesTheSleeper()
    {
        // AutoAdvance = false (VirtualTimeProvider.AutoAdvance, scheduler.md §8): with only a sleeper left, the loop blocks
        // instead of jumping the clock to the deadline. The loop thread blocks only there (nothing else takes a lock it
        // needs), so once it is seen blocked, the clock must still read zero and Run must still be running.
        var clock = new VirtualTimeProvider { AutoAdvance = false };
        var loop = new EventLoop(clock);
        double woke = -1;
        Exception? failure = null;
        var loopThread = new Thread(() =>
        {
            try
            {
                woke = loop.Run(S.Of<double>(async s =>
                {
                    await s.Y(s.Co.Sleep(5));
                    return s.Co.Now().TotalSeconds;
                }));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        loopThread.Start();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (loopThread.IsAlive && (loopThread.ThreadState & ThreadState.WaitSleepJoin) == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }

        Assert.True(loopThread.IsAlive, "the loop finished without anybody advancing its manual clock");
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(loopThread.Join(TimeSpan.FromSeconds(30)));
        Assert.Null(failure);
        Assert.Equal(5.0, woke);
    }

    [Fact]
    public void VirtualTimeProvider_TimersFireInOrderOnAdvance()
    {
        var clock = new VirtualTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var fired = new List<string>();
        using var a = clock.CreateTimer(_ => fired.Add("a@" + clock.GetUtcNow().Second), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var b = clock.CreateTimer(_ => fired.Add("b@" + clock.GetUtcNow().Second), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(new[] { "b@1", "a@3", "b@3", "b@5" }, fired);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 6, TimeSpan.Zero), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(6), clock.GetElapsedTime(0, clock.GetTimestamp()) - TimeSpan.FromTicks(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }
}
