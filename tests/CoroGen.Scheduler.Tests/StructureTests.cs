using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>The loop's internal structures (timer heap, ready ring, parked list, virtual clock), against simple models.</summary>
public class StructureTests
{
    // A stand-in target: the heap only stores and returns it.
    private sealed record Target(int Id);

    [Theory]
    [InlineData(uint.MaxValue)] // the push order never wraps
    [InlineData(50u)] // the push order is renumbered again and again
    public void TimerHeap_PopsLiveEntriesInDeadlineThenPushOrder_SkipsCancelledOnes(uint renumberAt)
    {
        var rng = new Random(7);
        var heap = new TimerHeap(renumberAt);
        var model = new SortedSet<(long Deadline, int Order)>();
        var live = new Dictionary<int, (long Deadline, int Order, int Slot)>(); // by target id
        var targets = new Dictionary<int, Target>();
        int order = 0;
        long now = 0;
        for (int round = 0; round < 4000; round++)
        {
            int op = rng.Next(10);
            if (op < 5)
            {
                // Few distinct deadlines: many ties, which must pop in push order.
                long deadline = now + rng.Next(0, 40);
                var t = new Target(order);
                targets[t.Id] = t;
                int slot = heap.Push(deadline, t);
                live[t.Id] = (deadline, order, slot);
                model.Add((deadline, order));
                order++;
            }
            else if (op < 8 && live.Count > 0)
            {
                int id = live.Keys.ElementAt(rng.Next(live.Count));
                var (deadline, o, slot) = live[id];
                heap.Cancel(slot);
                live.Remove(id);
                model.Remove((deadline, o));
            }
            else
            {
                now += rng.Next(0, 5);
                while (heap.TryPopDue(now, out object popped))
                {
                    var (deadline, o) = model.Min;
                    Assert.True(deadline <= now);
                    Assert.Equal(o, ((Target)popped).Id);
                    model.Remove(model.Min);
                    live.Remove(o);
                }

                Assert.True(model.Count == 0 || model.Min.Deadline > now);
            }

            Assert.Equal(model.Count, heap.Count - heap.Dead);
            Assert.Equal(model.Count > 0, heap.TryPeekLiveDeadline(out long next));
            if (model.Count > 0)
            {
                Assert.Equal(model.Min.Deadline, next);
            }

            // What the loop prefetches: the next live entry (the top, once dead tops are dropped) and the one after it,
            // which is null only when a cancelled entry comes between them.
            heap.PeekNextTwo(out object? first, out object? second);
            Assert.Equal(model.Count > 0 ? model.Min.Order : null, ((Target?)first)?.Id);
            if (model.Count >= 2 && (heap.Dead == 0 || second is not null))
            {
                Assert.Equal(model.ElementAt(1).Order, ((Target)second!).Id);
            }
            else if (model.Count < 2)
            {
                Assert.Null(second);
            }
        }

        while (heap.TryPopDue(long.MaxValue, out object popped))
        {
            Assert.Equal(model.Min.Order, ((Target)popped).Id);
            model.Remove(model.Min);
        }

        Assert.Empty(model);
        Assert.Equal(0, heap.Count);
    }

    [Fact]
    public void TimerHeap_MostlyCancelled_IsCompacted_AndSlotsAreReused()
    {
        var heap = new TimerHeap();
        var slots = new List<int>();
        for (int i = 0; i < 1000; i++)
        {
            slots.Add(heap.Push(i, new Target(i)));
        }

        for (int i = 0; i < 1000; i += 4)
        {
            heap.Push(5000 + i, new Target(5000 + i));
        }

        foreach (int slot in slots)
        {
            heap.Cancel(slot);
        }

        Assert.True(heap.Count < 1000, $"{heap.Count} entries after cancelling 1000 of 1250: the heap should have been rebuilt");
        int reused = heap.Push(1, new Target(-1));
        Assert.True(reused < 1250, "a freed slot is reused");
        Assert.True(heap.TryPopDue(long.MaxValue, out object first));
        Assert.Equal(-1, ((Target)first).Id);
        var rest = new List<int>();
        while (heap.TryPopDue(long.MaxValue, out object t))
        {
            rest.Add(((Target)t).Id);
        }

        Assert.Equal(Enumerable.Range(0, 250).Select(i => 5000 + (4 * i)), rest);
    }

    [Fact]
    public void TaskRing_KeepsTheLastDequeuedTask_AcrossGrowth()
    {
        var loop = S.VirtualLoop();
        var tasks = Enumerable.Range(0, 300).Select(_ => loop.Spawn(S.Do(async s => default))).ToArray();
        var ring = new TaskRing();
        var expected = new Queue<LoopTask>();
        int next = 0;
        var rng = new Random(3);
        for (int round = 0; round < 2000; round++)
        {
            if (ring.Count > 0 && rng.Next(3) == 0)
            {
                LoopTask t = ring.Dequeue();
                Assert.Same(expected.Dequeue(), t);
                Assert.Same(t, ring.LastDequeued);

                // What the loop does while t runs: enqueue others (the ring may grow), then t itself.
                for (int k = rng.Next(4); k > 0; k--)
                {
                    ring.Enqueue(tasks[next % tasks.Length]);
                    expected.Enqueue(tasks[next++ % tasks.Length]);
                    Assert.Same(t, ring.LastDequeued);
                }

                ring.Enqueue(t);
                expected.Enqueue(t);
                Assert.Same(t, ring.LastDequeued);
            }
            else
            {
                ring.Enqueue(tasks[next % tasks.Length]);
                expected.Enqueue(tasks[next++ % tasks.Length]);
            }

            Assert.Equal(expected.Count, ring.Count);
        }

        var copy = new List<LoopTask>();
        ring.CopyTo(copy);
        Assert.Equal(expected, copy);
        ring.ForgetLastDequeued();
        Assert.Null(ring.LastDequeued);
    }

    [Fact]
    public void RunningTask_IsCurrentAndRunning_WhileTheReadyQueueGrowsUnderIt()
    {
        var loop = S.VirtualLoop();
        var seen = new List<string>();
        loop.Run(S.Do(async s =>
        {
            LoopTask? me = LoopTask.Current;
            for (int round = 0; round < 3; round++)
            {
                // Spawning enough tasks to grow the ring several times while this task runs.
                for (int i = 0; i < 200 << round; i++)
                {
                    s.Co.Spawn(S.Do(async c =>
                    {
                        Assert.Equal(LoopTaskStatus.Running, LoopTask.Current!.State);
                        await c.Y();
                        return default;
                    }));
                }

                Assert.Same(me, LoopTask.Current);
                Assert.Equal(LoopTaskStatus.Running, me!.State);
                seen.Add(me.ToString());
                await s.Y();
                Assert.Same(me, LoopTask.Current);
            }

            return default;
        }));
        Assert.Equal(Enumerable.Repeat("LoopTask 1 (Running)", 3), seen);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void ManyTasksParkingRepeatedly_AreAllCancelledAtShutdown_NewestFirst()
    {
        // More parks than the parked list keeps before compacting, and duplicates of tasks that park again and again.
        const int n = 1500;
        var loop = S.VirtualLoop();
        var cleaned = new List<int>();
        var ticks = new[] { new LoopEvent(), new LoopEvent(), new LoopEvent() };
        loop.Run(S.Do(async s =>
        {
            for (int i = 0; i < n; i++)
            {
                int me = i;
                s.Co.Spawn(S.Do(async t =>
                {
                    try
                    {
                        for (int round = 0; ; round++)
                        {
                            await t.Call(ticks[round % 3].Wait());
                        }
                    }
                    finally
                    {
                        cleaned.Add(me);
                    }
                }));
            }

            for (int round = 0; round < 4; round++)
            {
                ticks[(round + 1) % 3] = new LoopEvent();
                ticks[round % 3].Set();
                await s.Y(s.Co.Sleep(1));
            }

            Assert.Equal(n + 1, loop.TaskCount);
            return default;
        }));
        Assert.Equal(Enumerable.Range(0, n).Reverse(), cleaned);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void Deadlock_ClosesEveryParkedTask_AfterTheParkedListWasCompacted()
    {
        const int n = 1300;
        var loop = S.VirtualLoop();
        var closed = 0;
        var never = new LoopEvent();
        var ex = Assert.Throws<InvalidOperationException>(() => loop.Run(S.Do(async s =>
        {
            for (int i = 0; i < n; i++)
            {
                s.Co.Spawn(S.Do(async t =>
                {
                    try
                    {
                        await t.Y(t.Co.Sleep(0.5)); // parks after a sleep: not everything parks at once
                        await t.Call(never.Wait());
                    }
                    finally
                    {
                        closed++;
                    }

                    return default;
                }));
            }

            await s.Call(never.Wait());
            return default;
        })));
        Assert.Contains("Deadlock", ex.Message);
        Assert.Equal(n, closed);
        Assert.Equal(0, loop.TaskCount);
    }

    [Fact]
    public void CancelledSleepers_ThatSleepAgain_WakeAtTheirNewDeadline_NotTheOldOne()
    {
        var loop = S.VirtualLoop();
        var log = new List<string>();
        loop.Run(S.Do(async s =>
        {
            var sleepers = Enumerable.Range(0, 40).Select(i => s.Co.Spawn(S.Do(async t =>
            {
                try
                {
                    await t.Y(t.Co.Sleep(10)); // cancelled at 1 s: this entry stays in the heap, dead
                }
                catch (CoroutineCancelledException)
                {
                    await t.Y(t.Co.Sleep(i % 2 == 0 ? 5 : 20)); // wakes at 6 s or 21 s, never at 10 s
                    log.Add($"{i}@{t.Co.Now().TotalSeconds}");
                }

                return default;
            }))).ToArray();
            await s.Y(s.Co.Sleep(1));
            foreach (var t in sleepers)
            {
                t.Cancel();
            }

            foreach (var t in sleepers)
            {
                await s.Call(t.Wait());
            }

            return default;
        }));
        var expected = Enumerable.Range(0, 40).Where(i => i % 2 == 0).Select(i => $"{i}@6")
            .Concat(Enumerable.Range(0, 40).Where(i => i % 2 == 1).Select(i => $"{i}@21"));
        Assert.Equal(expected, log);
    }

    [Fact]
    public void SpawnedTask_TakesAtMost48Bytes_AndARequestIsOneLong()
    {
        // The task is on every step's path and a loop may hold a million of them: it keeps only what most steps touch.
        // Every scheduler coroutine holds its current request: kind and ticks share one long.
        Assert.Equal(8, System.Runtime.CompilerServices.Unsafe.SizeOf<LoopRequest>());
        if (IntPtr.Size != 8)
        {
            return;
        }

        var loop = S.VirtualLoop();
        var coroutines = Enumerable.Range(0, 40).Select(_ => S.Do(async s => default)).ToArray();
        loop.Spawn(S.Do(async s => default)); // the ring's first array
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var c in coroutines)
        {
            loop.Spawn(c);
        }

        long perTask = (GC.GetAllocatedBytesForCurrentThread() - before) / coroutines.Length;
        Assert.True(perTask <= 48, $"{perTask} bytes per spawned task");
    }

    [Fact]
    public void VirtualClock_TimersCreatedByOtherThreads_FireOnceAtTheirDueTime_WhileALoopAutoAdvances()
    {
        var clock = new VirtualTimeProvider();
        var loop = new EventLoop(clock);
        var fired = new ConcurrentDictionary<int, long>();
        var due = new ConcurrentDictionary<int, long>();
        var timers = new ConcurrentBag<ITimer>();
        using var stop = new CancellationTokenSource();
        var wakes = new List<(long Deadline, long At)>();

        // Two threads keep creating timers on the loop's clock while the loop's sleepers move it.
        var creators = Enumerable.Range(0, 2).Select(c => Task.Factory.StartNew(
            () =>
            {
                var rng = new Random(c);
                for (int i = c; i < 4000; i += 2)
                {
                    int id = i;
                    long delay = rng.Next(0, 3) == 0 ? 0 : rng.Next(1, 2_000_000);
                    long start = clock.GetTimestamp();
                    var timer = clock.CreateTimer(_ => Assert.True(fired.TryAdd(id, clock.GetTimestamp()), $"timer {id} fired twice"), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                    due[id] = long.MinValue; // fires at once on this thread (dueTime zero)
                    timers.Add(timer);
                    int id2 = id + 1_000_000;
                    due[id2] = long.MaxValue; // unknown until created: the timer reads the clock under its lock
                    var later = clock.CreateTimer(_ => Assert.True(fired.TryAdd(id2, clock.GetTimestamp()), $"timer {id2} fired twice"), null, TimeSpan.FromTicks(delay), Timeout.InfiniteTimeSpan);
                    due[id2] = start + delay; // a lower bound: the clock may have moved between the read and the creation
                    timers.Add(later);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        loop.Run(S.Do(async s =>
        {
            var rng = new Random(11);
            var sleepers = Enumerable.Range(0, 200).Select(_ => s.Co.Spawn(S.Do(async t =>
            {
                for (int k = 0; k < 200 && !creators.All(c => c.IsCompleted); k++)
                {
                    long d = rng.Next(1, 100_000);
                    long deadline = t.Co.Now().Ticks + d;
                    await t.Y(t.Co.Sleep(TimeSpan.FromTicks(d)));
                    wakes.Add((deadline, t.Co.Now().Ticks));
                }

                return default;
            }))).ToArray();
            foreach (var t in sleepers)
            {
                await s.Call(t.Wait());
            }

            return default;
        }));
        Task.WaitAll(creators);
        clock.Advance(TimeSpan.FromSeconds(10)); // fires whatever the loop's jumps had not reached yet

        Assert.All(wakes, w => Assert.Equal(w.Deadline, w.At));
        Assert.Equal(8000, fired.Count);
        foreach (var (id, at) in fired)
        {
            Assert.True(at >= due[id], $"timer {id} fired at {at}, before its due time {due[id]}");
        }

        foreach (var t in timers)
        {
            t.Dispose();
        }
    }

    [Theory]
    [InlineData(LoopTaskStatus.Sleeping, 0)]
    [InlineData(LoopTaskStatus.Cancelled, (int.MaxValue >> 3))]
    public void Task_StatusAndTimerSlot_ShareAnInt_WithoutDisturbingEachOther(LoopTaskStatus status, int slot)
    {
        var task = new EventLoop().Spawn(SchedulerTemplates.Child(1));
        task.TimerSlot = slot;
        task.Status = status;
        Assert.Equal(slot, task.TimerSlot);
        Assert.Equal(status, task.Status);
        task.TimerSlot = 5;
        Assert.Equal(status, task.Status);
        Assert.Equal(5, task.TimerSlot);
        Assert.Throws<InvalidOperationException>(() => task.TimerSlot = (int.MaxValue >> 3) + 1);
    }
}
