using System;
using System.Collections.Generic;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class WhenAnyTests
{
    [Fact]
    public void ReturnsTheEarliestFinisher_AndTheOthersRunOn()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var slow = s.Co.Spawn(S.SleepThen(3, 1));
            var fast = s.Co.Spawn(S.SleepThen(1, 2));
            var mid = s.Co.Spawn(S.SleepThen(2, 3));
            LoopTask<int> first = await s.Call(s.Co.WhenAny(slow, fast, mid));
            Assert.Same(fast, first);
            Assert.Equal(TimeSpan.FromSeconds(1), s.Co.Now());
            Assert.False(slow.IsFinished);
            Assert.Equal(0, slow.FinishWaiterCount); // the call left the tasks that did not finish
            Assert.Equal(0, mid.FinishWaiterCount);
            int value = await s.Call(first.Join());

            LoopTask second = await s.Call(s.Co.WhenAny(new LoopTask[] { slow, mid }));
            Assert.Same(mid, second);
            Assert.Equal(TimeSpan.FromSeconds(2), s.Co.Now());
            return $"{value},{await s.Call(slow.Join())}";
        }));
        Assert.Equal("2,1", r);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed);
    }

    [Fact]
    public void AlreadyFinished_ReturnsAtOnce_FirstInArgumentOrder_WithoutSuspending()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var a = s.Co.Spawn(S.SleepThen(0, 1));
            var b = s.Co.Spawn(S.SleepThen(0, 2));
            var pending = s.Co.Spawn(S.SleepThen(5, 3));
            await s.Y(s.Co.Sleep(1)); // a and b finish
            var other = s.Co.Spawn(S.Do(async o => { log.Add("other ran"); return default; }));
            LoopTask first = await s.Call(s.Co.WhenAny(pending, b, a));
            log.Add("returned");
            Assert.Same(b, first); // both finished: the first of them in argument order
            Assert.Equal(0, pending.FinishWaiterCount);
            Assert.Equal(TimeSpan.FromSeconds(1), s.Co.Now());
            await s.Call(other.Join());
            pending.Cancel();
            return default;
        }));
        Assert.Equal(new[] { "returned", "other ran" }, log); // no suspension: the ready task did not run in between
    }

    [Fact]
    public void FailedTask_IsReturnedWithoutRaising_ItsFailureArrivesAtTheJoin_AndRunDoesNotReportItAgain()
    {
        var boom = new InvalidOperationException("boom");
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var failing = s.Co.Spawn(S.SleepThenFail(1, boom));
            var slow = s.Co.Spawn(S.SleepThen(5, 1));
            LoopTask<int> done = await s.Call(s.Co.WhenAny(slow, failing));
            Assert.Same(failing, done);
            Assert.True(done.IsFaulted);
            Assert.False(done.Observed); // WhenAny does not observe it
            try
            {
                await s.Call(done.Join());
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                slow.Cancel();
                return "caught at " + s.Co.Now().TotalSeconds;
            }
        }));
        Assert.Equal("caught at 1", r); // Run returned: the joined failure is not reported again
    }

    [Fact]
    public void FailureNeverJoined_IsStillReportedByRun()
    {
        var boom = new InvalidOperationException("boom");
        var ex = Assert.Throws<AggregateException>(() => S.VirtualLoop().Run(S.Of<int>(async s =>
        {
            var failing = s.Co.Spawn(S.SleepThenFail(1, boom));
            LoopTask done = await s.Call(s.Co.WhenAny(failing, s.Co.Spawn(S.SleepThen(2, 0))));
            Assert.Same(failing, done);
            return 7;
        })));
        Assert.Same(boom, Assert.Single(ex.InnerExceptions));
    }

    [Fact]
    public void CancellingTheWaiter_LeavesNoRegistration_AndTheTasksFinishingLaterDisturbNothing()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var a = s.Co.Spawn(S.SleepThen(3, 1));
            var b = s.Co.Spawn(S.SleepThen(4, 2));
            var waiter = s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    await w.Call(w.Co.WhenAny(a, b));
                    log.Add("returned");
                }
                catch (CoroutineCancelledException)
                {
                    log.Add("cancelled at " + w.Co.Now().TotalSeconds);
                }

                // Still alive after a and b finish: a registration left behind would wake this sleep early.
                await w.Y(w.Co.Sleep(10));
                log.Add("slept until " + w.Co.Now().TotalSeconds);
                return default;
            }));
            await s.Y(s.Co.Sleep(1));
            Assert.Equal(1, a.FinishWaiterCount);
            Assert.Equal(1, b.FinishWaiterCount);
            waiter.Cancel();
            await s.Y(s.Co.Sleep(1));
            Assert.Equal(0, a.FinishWaiterCount);
            Assert.Equal(0, b.FinishWaiterCount);
            Assert.Equal(LoopTaskStatus.Sleeping, waiter.State);
            await s.Call(waiter.Join());
            return default;
        }));
        Assert.Equal(new[] { "cancelled at 1", "slept until 11" }, log);
        Assert.Equal(TimeSpan.FromSeconds(11), loop.Elapsed);
    }

    [Fact]
    public void MoveOnAfterAroundIt_TimesOut_AndLeavesNoRegistration()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var a = s.Co.Spawn(S.SleepThen(3, 1));
            var b = s.Co.Spawn(S.SleepThen(4, 2));
            TimeoutResult<LoopTask<int>> t = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2), s.Co.WhenAny(a, b)));
            Assert.True(t.TimedOut);
            Assert.Equal(TimeSpan.FromSeconds(2), s.Co.Now());
            Assert.Equal(0, a.FinishWaiterCount);
            Assert.Equal(0, b.FinishWaiterCount);
            await s.Y(s.Co.Sleep(5)); // a and b finish meanwhile; nothing wakes this sleep early
            Assert.Equal(TimeSpan.FromSeconds(7), s.Co.Now());
            return $"{await s.Call(a.Join())},{await s.Call(b.Join())}";
        }));
        Assert.Equal("1,2", r);
    }

    [Fact]
    public void ThousandSequentialCalls_OnOneLongTask_DoNotGrowItsWaiters()
    {
        var loop = S.VirtualLoop();
        int r = loop.Run(S.Of<int>(async s =>
        {
            var longTask = s.Co.Spawn(S.SleepThen(1_000_000, 5));
            int returned = 0;
            for (int i = 0; i < 1000; i++)
            {
                var shortTask = s.Co.Spawn(S.SleepThen(1, i));
                LoopTask<int> done = await s.Call(s.Co.WhenAny(longTask, shortTask));
                Assert.Same(shortTask, done);
                returned += await s.Call(done.Join()) == i ? 1 : 0;
                Assert.Equal(0, longTask.FinishWaiterCount);
            }

            Assert.Equal(TimeSpan.FromSeconds(1000), s.Co.Now());
            longTask.Cancel();
            return returned;
        }));
        Assert.Equal(1000, r);
    }

    [Fact]
    public void ArgumentErrors_AreRaisedByTheCall()
    {
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.SleepThen(1, 1));
            var empty = Assert.Throws<ArgumentException>(() => s.Co.WhenAny());
            Assert.Contains("at least one task", empty.Message);
            Assert.Throws<ArgumentException>(() => s.Co.WhenAny(Array.Empty<LoopTask<int>>()));
            var hasNull = Assert.Throws<ArgumentException>(() => s.Co.WhenAny(t, null!));
            Assert.Contains("argument 1 is null", hasNull.Message);
            Assert.Throws<ArgumentNullException>(() => s.Co.WhenAny((LoopTask[])null!));
            await s.Call(t.Join());
            return default;
        }));
    }

    [Fact]
    public void TaskOfAnotherLoop_OrTheCallerItself_IsRefusedAtTheAwait()
    {
        var other = S.VirtualLoop();
        var foreign = other.Spawn(S.SleepThen(1, 1));
        string r = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            var mine = s.Co.Spawn(S.SleepThen(1, 2));
            string messages;
            try
            {
                await s.Call(s.Co.WhenAny(mine, foreign));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Contains("another event loop", e.Message);
                Assert.Contains("TaskCompletionSource", e.Message);
                messages = "foreign";
            }

            Assert.Equal(0, mine.FinishWaiterCount);
            try
            {
                await s.Call(s.Co.WhenAny(mine, s.Co.CurrentTask()));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Contains("itself", e.Message);
                messages += ",self";
            }

            await s.Call(mine.Join());
            return messages;
        }));
        Assert.Equal("foreign,self", r);
        Assert.Equal(1, other.Run(S.Of<int>(async s => await s.Call(foreign.Join()))));
    }

    [Fact]
    public void Deadlock_ClosesTheWaiter_AndTakesItsRegistrationsOut_MixedResultTypesGiveAnUntypedTask()
    {
        var never = new LoopEvent();
        LoopTask<int>? a = null;
        LoopTask<string>? b = null;
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(S.Do(async s =>
        {
            a = s.Co.Spawn(S.Of<int>(async w => { await w.Call(never.Wait()); return 1; }));
            b = s.Co.Spawn(S.Of<string>(async w => { await w.Call(never.Wait()); return "b"; }));
            LoopTask first = await s.Call(s.Co.WhenAny(a, b)); // an int task and a string task: the untyped overload
            return default;
        })));
        Assert.StartsWith("Deadlock", e.Message);
        Assert.Equal(0, a!.FinishWaiterCount);
        Assert.Equal(0, b!.FinishWaiterCount);
    }
}
