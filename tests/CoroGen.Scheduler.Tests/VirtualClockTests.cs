using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// The virtual clock's timers against a model that scans every timer for the next one due (what the clock did before it
/// kept its timers in a queue): random creations, changes, disposals, periodic timers and callbacks that change or dispose
/// timers, including themselves, must fire the same timers at the same times in the same order.
/// </summary>
public class VirtualClockTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void TimersFireAsTheScanningModelSays(int seed)
    {
        var random = new Random(seed);
        var clock = new VirtualTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var model = new ScanningModel();
        long start = clock.GetTimestamp();
        var actual = new List<string>();
        var expected = new List<string>();
        var timers = new List<ITimer?>();

        // Each timer's callback may change or dispose another timer (or itself), the same way in both worlds.
        void Fire(int id, List<string> log, long now, Action<int, TimeSpan, TimeSpan> change, Action<int> dispose)
        {
            log.Add($"{id}@{now}");
            int action = (id * 7 + log.Count) % 5;
            int other = (id * 3 + log.Count) % timers.Count;
            if (action == 0)
            {
                change(other, TimeSpan.FromTicks(1 + (id + log.Count) % 4), Timeout.InfiniteTimeSpan);
            }
            else if (action == 1)
            {
                dispose(other);
            }
        }

        void Change(int id, TimeSpan due, TimeSpan period)
        {
            timers[id]?.Change(due, period);
        }

        void Dispose(int id)
        {
            timers[id]?.Dispose();
        }

        for (int round = 0; round < 400; round++)
        {
            int op = random.Next(10);
            if (op < 3 || timers.Count == 0)
            {
                int id = timers.Count;
                TimeSpan due = RandomDue(random);
                TimeSpan period = random.Next(4) == 0 ? TimeSpan.FromTicks(random.Next(1, 6)) : Timeout.InfiniteTimeSpan;
                // Created disarmed, then armed: a callback that fires at once may change its own timer.
                timers.Add(clock.CreateTimer(_ => Fire(id, actual, clock.GetTimestamp() - start, Change, Dispose), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
                model.Callbacks[id] = () => Fire(id, expected, model.Now, model.Change, model.Dispose);
                model.Change(id, due, period);
                timers[id]!.Change(due, period);
            }
            else if (op < 5)
            {
                int id = random.Next(timers.Count);
                TimeSpan due = RandomDue(random);
                TimeSpan period = random.Next(4) == 0 ? TimeSpan.FromTicks(random.Next(1, 6)) : Timeout.InfiniteTimeSpan;
                model.Change(id, due, period);
                timers[id]!.Change(due, period);
            }
            else if (op < 6)
            {
                int id = random.Next(timers.Count);
                model.Dispose(id);
                timers[id]!.Dispose();
            }
            else
            {
                long delta = random.Next(0, 12);
                model.Advance(delta);
                clock.Advance(TimeSpan.FromTicks(delta));
            }

            Assert.Equal(expected, actual);
            Assert.Equal(model.Now, clock.GetTimestamp() - start);
        }

        Assert.True(actual.Count > 100, $"only {actual.Count} timers fired: the workload does not exercise the queue");
    }

    [Fact]
    public void ManyDisposedTimersLeaveTheRestFiringInOrder()
    {
        var clock = new VirtualTimeProvider();
        var fired = new List<int>();
        var timers = new List<ITimer>();
        for (int i = 0; i < 10_000; i++)
        {
            int id = i;
            timers.Add(clock.CreateTimer(_ => fired.Add(id), null, TimeSpan.FromTicks(10_000 - i), Timeout.InfiniteTimeSpan));
        }

        for (int i = 0; i < 10_000; i++)
        {
            if (i % 10 != 0)
            {
                timers[i].Dispose();
            }
        }

        clock.Advance(TimeSpan.FromTicks(10_000));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => 9990 - 10 * i), fired);
    }

    [Fact]
    public void APeriodicTimerAtTheEndOfTimeFiresOnce()
    {
        var clock = new VirtualTimeProvider();
        int fired = 0;
        using ITimer timer = clock.CreateTimer(_ => fired++, null, DateTimeOffset.MaxValue - clock.GetUtcNow(), TimeSpan.FromTicks(1));
        clock.SetUtcNow(DateTimeOffset.MaxValue);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, fired);
        Assert.Equal(DateTimeOffset.MaxValue, clock.GetUtcNow());
    }

    private static TimeSpan RandomDue(Random random) => random.Next(8) switch
    {
        0 => TimeSpan.Zero,
        1 => Timeout.InfiniteTimeSpan,
        _ => TimeSpan.FromTicks(random.Next(1, 20)),
    };

    // The clock's semantics in their plainest form: at each step fire the armed timer with the earliest deadline (the
    // earliest armed first among equals), up to the target.
    private sealed class ScanningModel
    {
        private readonly Dictionary<int, (long Due, long Period, long Seq)> armed = new();
        private long seq;

        public long Now { get; private set; }

        public Dictionary<int, Action> Callbacks { get; } = new();

        public void Change(int id, TimeSpan due, TimeSpan period)
        {
            armed.Remove(id);
            if (due == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            armed[id] = (Now + due.Ticks, period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks, seq++);
            if (due == TimeSpan.Zero)
            {
                AdvanceTo(Now);
            }
        }

        public void Dispose(int id) => armed.Remove(id);

        public void Advance(long delta) => AdvanceTo(Now + delta);

        private void AdvanceTo(long target)
        {
            while (true)
            {
                var due = armed.Where(t => t.Value.Due <= target).OrderBy(t => t.Value.Due).ThenBy(t => t.Value.Seq).Select(t => (int?)t.Key).FirstOrDefault();
                if (due is not int id)
                {
                    Now = Math.Max(Now, target);
                    return;
                }

                (long at, long period, long s) = armed[id];
                Now = Math.Max(Now, at);
                if (period > 0)
                {
                    armed[id] = (at + period, period, s);
                }
                else
                {
                    armed.Remove(id);
                }

                Callbacks[id]();
            }
        }
    }
}
