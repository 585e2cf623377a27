using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using CoroGen.Scheduling;

namespace CoroGen.Benchmarks;

// The scheduler issue's benchmark: in one process, 1,000,000 coroutines x 10 yields through the EventLoop's round-robin
// ready queue, and 100,000 sleepers x 10 random sleeps through its deadline heap under virtual time, each beside the same
// workload written with C# iterators and a Queue (plus a heap, PriorityQueue, for the sleepers). python/scheduler.py runs
// the seed's own two schedulers (deque round-robin, heapq sleeping scheduler on a virtual clock) on the same workloads and,
// given BenchmarkDotNet's JSON results, prints steps per second, bytes per task and every ratio. See docs/scheduler.md.
//
// One op = one step: one resume of one coroutine up to its next yield or its end (11 per coroutine: 10 yields + the
// finishing resume, the seed's StopIteration). Each invocation builds every coroutine and runs them all to completion, so
// ns/op includes creating the coroutines, amortised over their 11 steps; Allocated/op x 11 is the bytes per task.

/// <summary>The scheduler workloads as templates, exactly as a user writes them.</summary>
public static partial class SchedulerWorkloads
{
    /// <summary>Yields to the loop <paramref name="yields"/> times (reschedule: to the back of the ready queue), then ends.</summary>
    [Coroutine]
    public static async Coroutine Spinner(int yields, Yielder<LoopRequest> co)
    {
        for (int i = 0; i < yields; i++)
        {
            await co.Yield();
        }
    }

    /// <summary>Sleeps <paramref name="count"/> times, for delays[offset], delays[offset + 1], ... (TimeSpan ticks), then ends.</summary>
    [Coroutine]
    public static async Coroutine Sleeper(long[] delays, int offset, int count, Yielder<LoopRequest> co)
    {
        for (int i = 0; i < count; i++)
        {
            await co.Sleep(new TimeSpan(delays[offset + i]));
        }
    }

    /// <summary>The main task of the sleepers run: sleeps until every sleeper has finished (one heap entry, two steps).</summary>
    [Coroutine]
    public static async Coroutine SleepUntil(long deadline, Yielder<LoopRequest> co)
    {
        await co.SleepUntil(new TimeSpan(deadline));
    }

    /// <summary>The same spinner as a C# iterator; it yields false for "reschedule me".</summary>
    public static IEnumerator<bool> SpinnerIterator(int yields)
    {
        for (int i = 0; i < yields; i++)
        {
            yield return false;
        }
    }

    /// <summary>The same sleeper as a C# iterator; it yields the delay (the seed's ("sleep", delay)).</summary>
    public static IEnumerator<long> SleeperIterator(long[] delays, int offset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return delays[offset + i];
        }
    }

    /// <summary>Random delays in (0, 1 s], as TimeSpan ticks, the same for every run.</summary>
    public static long[] RandomDelays(int count, int seed = 42)
    {
        var random = new Random(seed);
        var delays = new long[count];
        for (int i = 0; i < count; i++)
        {
            delays[i] = 1 + random.NextInt64(TimeSpan.TicksPerSecond);
        }

        return delays;
    }

    /// <summary>The latest time any sleeper finishes: the largest sum of one sleeper's delays.</summary>
    public static long LastWakeUp(long[] delays, int sleepers, int sleeps)
    {
        long last = 0;
        for (int s = 0; s < sleepers; s++)
        {
            long sum = 0;
            for (int i = 0; i < sleeps; i++)
            {
                sum += delays[(s * sleeps) + i];
            }

            last = Math.Max(last, sum);
        }

        return last;
    }
}

/// <summary>
/// 1,000,000 coroutines x 10 yields, round-robin (the seed's automatic scheduler: pop, resume, append until it finishes).
/// One op = one step; 11,000,000 steps per invocation.
/// </summary>
[BenchmarkCategory("Scheduler: 1,000,000 coroutines x 10 yields, round robin")]
public class SchedulerRoundRobin
{
    public const int Coroutines = 1_000_000;
    public const int Yields = 10;
    public const int Steps = Coroutines * (Yields + 1);

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps, Description = "C# iterators, Queue round robin")]
    public long CSharpIterators()
    {
        var ready = new Queue<IEnumerator<bool>>();
        for (int i = 0; i < Coroutines; i++)
        {
            ready.Enqueue(SchedulerWorkloads.SpinnerIterator(Yields));
        }

        long steps = 0;
        while (ready.TryDequeue(out IEnumerator<bool>? coro))
        {
            steps++;
            if (coro.MoveNext())
            {
                ready.Enqueue(coro);
            }
        }

        return Check(steps);
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "CoroGen EventLoop (co.Yield() = reschedule)")]
    public long EventLoop()
    {
        var loop = new EventLoop();
        for (int i = 0; i < Coroutines - 1; i++)
        {
            loop.Spawn(SchedulerWorkloads.Spinner(Yields));
        }

        // The main task is the last spinner: it finishes in the same turn as the others, after them.
        loop.Run(SchedulerWorkloads.Spinner(Yields));
        return Check(loop.Steps);
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "CoroGen coroutines, Queue round robin (no EventLoop)")]
    public long CoroGenQueue()
    {
        var ready = new Queue<Coroutine<LoopRequest, Unit, Unit>>();
        for (int i = 0; i < Coroutines; i++)
        {
            ready.Enqueue(SchedulerWorkloads.Spinner(Yields));
        }

        long steps = 0;
        while (ready.TryDequeue(out Coroutine<LoopRequest, Unit, Unit>? coro))
        {
            steps++;
            if (coro.MoveNext())
            {
                ready.Enqueue(coro);
            }
        }

        return Check(steps);
    }

    private static long Check(long steps) =>
        steps == Steps ? steps : throw new InvalidOperationException($"{steps} steps instead of {Steps}");
}

/// <summary>
/// 100,000 sleepers x 10 sleeps of random length in (0, 1 s] under virtual time (the seed's sleeping scheduler: a ready
/// queue and a deadline heap; when nothing is ready, the clock jumps to the nearest deadline). One op = one step;
/// 1,100,000 steps per invocation (the EventLoop's main task adds 2 more, not counted).
/// </summary>
[BenchmarkCategory("Scheduler: 100,000 sleepers x 10 random sleeps, virtual time")]
public class SchedulerSleepers
{
    public const int Sleepers = 100_000;
    public const int Sleeps = 10;
    public const int Steps = Sleepers * (Sleeps + 1);

    private long[] delays = null!;
    private long lastWakeUp;

    [GlobalSetup]
    public void Setup()
    {
        delays = SchedulerWorkloads.RandomDelays(Sleepers * Sleeps);
        lastWakeUp = SchedulerWorkloads.LastWakeUp(delays, Sleepers, Sleeps);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps, Description = "C# iterators, Queue + PriorityQueue heap, virtual clock")]
    public long CSharpIterators()
    {
        var ready = new Queue<IEnumerator<long>>();
        var sleeping = new PriorityQueue<IEnumerator<long>, long>();
        for (int s = 0; s < Sleepers; s++)
        {
            ready.Enqueue(SchedulerWorkloads.SleeperIterator(delays, s * Sleeps, Sleeps));
        }

        long now = 0;
        long steps = 0;
        while (true)
        {
            if (ready.Count == 0 && sleeping.Count == 0)
            {
                break;
            }

            // wait for the nearest sleeper if nothing is ready: the virtual clock jumps to its deadline
            if (ready.Count == 0)
            {
                sleeping.TryDequeue(out IEnumerator<long>? sleeper, out long deadline);
                if (deadline > now)
                {
                    now = deadline;
                }

                ready.Enqueue(sleeper!);
            }

            IEnumerator<long> coro = ready.Dequeue();
            steps++;
            if (coro.MoveNext())
            {
                sleeping.Enqueue(coro, now + coro.Current);
            }
        }

        return Check(steps, now);
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "CoroGen EventLoop, VirtualTimeProvider (auto-advance)")]
    public long EventLoop()
    {
        var loop = new EventLoop(new VirtualTimeProvider());
        for (int s = 0; s < Sleepers; s++)
        {
            loop.Spawn(SchedulerWorkloads.Sleeper(delays, s * Sleeps, Sleeps));
        }

        // The main task sleeps until just after the last sleeper's last deadline.
        loop.Run(SchedulerWorkloads.SleepUntil(lastWakeUp + 1));
        return Check(loop.Steps - 2, loop.Elapsed.Ticks - 1);
    }

    private long Check(long steps, long end) =>
        steps == Steps && end == lastWakeUp ? steps : throw new InvalidOperationException($"{steps} steps instead of {Steps}, ended at {end} instead of {lastWakeUp}");
}
