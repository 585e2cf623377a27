using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class LoopTests
{
    [Fact]
    public void LoopRequest_DefaultIsReschedule_FactoriesDescribeTheirWait()
    {
        Assert.True(default(LoopRequest).IsReschedule);
        Assert.Equal(LoopRequest.Reschedule, default(LoopRequest));
        Assert.Equal(TimeSpan.FromSeconds(2), LoopRequest.ForSleep(TimeSpan.FromSeconds(2)).SleepDelay);
        Assert.NotEqual(LoopRequest.ForSleep(TimeSpan.FromSeconds(1)), LoopRequest.ForDeadline(TimeSpan.FromSeconds(1)));
        Assert.Equal("Sleep(00:00:01)", LoopRequest.ForSleep(TimeSpan.FromSeconds(1)).ToString());
        Assert.Equal("Reschedule", LoopRequest.Reschedule.ToString());
    }

    [Fact]
    public void LoopRequest_KeepsItsTicksExactly_AndSaturatesBeyond2To61ToForever()
    {
        // A request packs its kind and ticks into one long (62 bits of ticks).
        long largest = (long.MaxValue >> 2) - 1;
        Assert.Equal(new TimeSpan(largest), LoopRequest.ForSleep(new TimeSpan(largest)).SleepDelay);
        Assert.Equal(new TimeSpan(-5), LoopRequest.ForSleep(new TimeSpan(-5)).SleepDelay);
        Assert.Equal(TimeSpan.MaxValue, LoopRequest.ForSleep(new TimeSpan(largest + 1)).SleepDelay);
        Assert.Equal(TimeSpan.MaxValue, LoopRequest.ForSleep(System.Threading.Timeout.InfiniteTimeSpan).SleepDelay);
        Assert.Equal(LoopRequest.ForSleep(TimeSpan.MaxValue), LoopRequest.ForSleep(new TimeSpan(long.MaxValue >> 1)));
        Assert.NotEqual(LoopRequest.ForSleep(new TimeSpan(1)), LoopRequest.ForSleep(new TimeSpan(2)));
        Assert.Equal(TimeSpan.Zero, LoopRequest.ForDeadline(TimeSpan.FromDays(1)).SleepDelay);
        Assert.Equal("SleepUntil(1.00:00:00)", LoopRequest.ForDeadline(TimeSpan.FromDays(1)).ToString());
        Assert.False(LoopRequest.ForSleep(TimeSpan.Zero).IsReschedule); // a zero sleep reschedules when run, but is a sleep
    }

    [Fact]
    public void SleepUntil_AndZeroSleep()
    {
        var loop = S.VirtualLoop();
        var log = new List<string>();
        loop.Run(S.Do(async s =>
        {
            var other = s.Co.Spawn(S.Do(async o => { log.Add("other"); return default; }));
            await s.Y(s.Co.Sleep(TimeSpan.Zero)); // reschedules: the other task runs first
            log.Add("after zero sleep at " + s.Co.Now().TotalSeconds);
            await s.Y(s.Co.SleepUntil(TimeSpan.FromSeconds(7)));
            log.Add("at " + s.Co.Now().TotalSeconds);
            await s.Y(s.Co.SleepUntil(TimeSpan.FromSeconds(3))); // already passed: reschedules
            log.Add("still at " + s.Co.Now().TotalSeconds);
            return default;
        }));
        Assert.Equal(new[] { "other", "after zero sleep at 0", "at 7", "still at 7" }, log);
    }

    [Fact]
    public void ZeroSleep_GoesToTheBackOfTheReadyQueue_AtOnce_AsAReschedule()
    {
        // scheduler.md §1: a zero delay reschedules (the back of the ready queue, curio's sleep(0)): a task that sleeps 0
        // before another task reschedules in the same turn runs before it in the next turn.
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var a = s.Co.Spawn(S.Do(async t =>
            {
                log.Add("a1");
                await t.Y(t.Co.Sleep(TimeSpan.Zero));
                log.Add("a2");
                return default;
            }));
            var b = s.Co.Spawn(S.Do(async t =>
            {
                log.Add("b1");
                await t.Y(t.Co.Reschedule());
                log.Add("b2");
                return default;
            }));
            await s.Call(a.Join());
            await s.Call(b.Join());
            return default;
        }));
        Assert.Equal(new[] { "a1", "b1", "a2", "b2" }, log);
    }

    [Fact]
    public void HugeDelays_MeanForever_NotOverflow()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var sleeper = s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(TimeSpan.MaxValue));
                return default;
            }));
            var infinite = await s.Call(s.Co.MoveOnAfter(System.Threading.Timeout.InfiniteTimeSpan, S.Of<int>(async b =>
            {
                await b.Y(b.Co.Sleep(1));
                return 2;
            })));
            Assert.Equal(2, infinite.Value);
            var scoped = await s.Call(s.Co.MoveOnAfter(TimeSpan.MaxValue, S.Of<int>(async b =>
            {
                await b.Y(b.Co.Sleep(1));
                return 1;
            })));
            var forever = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(3), S.Do(async b =>
            {
                await b.Y(b.Co.Sleep(TimeSpan.MaxValue));
                return default;
            })));
            sleeper.Cancel();
            await s.Call(sleeper.Wait());
            return $"{scoped.Value} {forever.TimedOut} {s.Co.Now().TotalSeconds} {sleeper.State}";
        }));
        Assert.Equal("1 True 5 Cancelled", r);
        var deadlock = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Do(async s =>
        {
            await s.Y(s.Co.Sleep(System.Threading.Timeout.InfiniteTimeSpan));
            return default;
        })));
        Assert.Contains("Deadlock", deadlock.Message);
    }

    [Fact]
    public void Run_CannotBeNested_AndCurrentIsSetOnlyWhileRunning()
    {
        Assert.Null(EventLoop.Current);
        var loop = S.VirtualLoop();
        var ex = Assert.Throws<InvalidOperationException>(() => loop.Run(S.Of<int>(async s =>
        {
            Assert.Same(loop, EventLoop.Current);
            Assert.True(loop.IsRunning);
            return loop.Run(S.Of<int>(async t => 1));
        })));
        Assert.Contains("nested", ex.Message);
        Assert.Null(EventLoop.Current);
        Assert.False(loop.IsRunning);
        Assert.Equal(5, loop.Run(S.Of<int>(async s => 5))); // the loop can run again
    }

    [Fact]
    public void TasksSpawnedBeforeRun_RunWithMain()
    {
        var loop = S.VirtualLoop();
        var t = loop.Spawn(S.Of<int>(async s =>
        {
            await s.Y(s.Co.Sleep(1));
            return 3;
        }));
        Assert.Equal(LoopTaskStatus.Ready, t.State);
        int r = loop.Run(S.Of<int>(async s => await s.Call(t.Join()) * 2));
        Assert.Equal(6, r);
        Assert.Equal(1, t.Id);
    }

    [Fact]
    public void HeapWithManyCancelledEntries_StillWakesTheRestInOrder_AtTheirDeadlines()
    {
        var rng = new Random(42);
        int n = 5000;
        var deadlines = Enumerable.Range(0, n).Select(_ => rng.Next(1, 100_000)).ToArray();
        var cancel = Enumerable.Range(0, n).Select(_ => rng.Next(3) != 0).ToArray(); // two thirds are cancelled
        var woke = new List<(int, double)>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var tasks = deadlines.Select((d, i) => s.Co.Spawn(S.Do(async t =>
            {
                await t.Y(t.Co.Sleep(TimeSpan.FromMilliseconds(d)));
                woke.Add((i, t.Co.Now().TotalMilliseconds));
                return default;
            }))).ToArray();
            await s.Y();
            for (int i = 0; i < n; i++)
            {
                if (cancel[i])
                {
                    tasks[i].Cancel();
                }

                if (i % 100 == 0)
                {
                    await s.Y(s.Co.Sleep(TimeSpan.FromMilliseconds(1))); // interleave cancellations with wake-ups
                }
            }

            foreach (var t in tasks)
            {
                await s.Call(t.Wait());
            }

            return default;
        }));
        Assert.Equal(woke.Select(w => w.Item2).OrderBy(x => x), woke.Select(w => w.Item2));
        foreach (var (i, at) in woke)
        {
            Assert.Equal(deadlines[i], at);
        }

        int cancelledBeforeDeadline = 0;
        for (int i = 0; i < n; i++)
        {
            if (!woke.Any(w => w.Item1 == i))
            {
                Assert.True(cancel[i]);
                cancelledBeforeDeadline++;
            }
        }

        Assert.True(cancelledBeforeDeadline > n / 2);
    }
}
