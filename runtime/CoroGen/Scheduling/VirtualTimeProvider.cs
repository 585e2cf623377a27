using System;
using System.Collections.Generic;
using System.Threading;

namespace CoroGen.Scheduling;

/// <summary>
/// A manual clock for tests and simulations: time moves only when <see cref="Advance"/> (or <see cref="SetUtcNow"/>) is called,
/// or, in <see cref="AutoAdvance"/> mode, when an <see cref="EventLoop"/> using it has nothing to run but sleepers: the loop then
/// jumps the clock to the next deadline at once. Sleep-heavy programs run instantly and deterministically. Thread-safe; timers it
/// creates fire on the thread that advances the clock, in the execution context they were created in (as TimeProvider.System's do).
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    // The clock moves and timers change only under the gate; reading the clock takes no lock (a volatile read, atomic on
    // every platform), so that an event loop on this clock can read it at every sleep for next to nothing.
    private readonly object gate = new();

    // The armed timers, earliest deadline first (ties in the order they were armed). A timer that is changed or disposed
    // leaves its old entry behind, recognized as stale by its arming number; the queue is rebuilt without stale entries
    // when they outnumber the armed timers. Arming, disarming and firing are O(log n), not a scan of every timer.
    private readonly PriorityQueue<VirtualTimer, (long DueTicks, long Seq)> timers = new();
    private int armedTimers;
    private long ticks;
    private long timerSeq;

    /// <summary>Creates a clock at 2000-01-01T00:00:00Z, in auto-advance mode.</summary>
    public VirtualTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Creates a clock at <paramref name="start"/>, in auto-advance mode.</summary>
    /// <param name="start">The initial time.</param>
    public VirtualTimeProvider(DateTimeOffset start) => ticks = start.UtcTicks;

    /// <summary>
    /// True (the default): an event loop on this clock advances it to the next deadline whenever no task is ready and no awaited
    /// <see cref="System.Threading.Tasks.Task"/> is pending. False: the loop waits until another thread advances the clock.
    /// </summary>
    /// <remarks>
    /// The loop jumps only to its own deadlines; timers created on this provider fire when a jump passes them. A Task that waits
    /// on this clock (<c>Task.Delay(d, provider)</c>) awaited from a loop task is a pending Task like any other: the loop does not
    /// advance while it waits for it, so only another thread's <see cref="Advance"/> completes it. Loop tasks sleep with <c>co.Sleep</c>.
    /// </remarks>
    public bool AutoAdvance { get; set; } = true;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timestamps are <see cref="TimeSpan"/> ticks.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Ticks, TimeSpan.Zero);

    /// <inheritdoc/>
    public override long GetTimestamp() => Ticks;

    /// <summary>The clock, in ticks: what <see cref="GetTimestamp"/> returns, without the virtual call.</summary>
    internal long Ticks => Volatile.Read(ref ticks);

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due, in deadline order, each at its own time.</summary>
    /// <param name="delta">A non-negative amount of time.</param>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Time cannot move backwards.");
        }

        long target;
        lock (gate)
        {
            long max = DateTimeOffset.MaxValue.UtcTicks;
            target = delta.Ticks > max - ticks ? max : ticks + delta.Ticks;
        }

        AdvanceTo(target);
    }

    /// <summary>Sets the clock to <paramref name="value"/>, which must not be earlier than now, firing the timers that fall due.</summary>
    /// <param name="value">The new time.</param>
    public void SetUtcNow(DateTimeOffset value)
    {
        if (value.UtcTicks < GetTimestamp())
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Time cannot move backwards.");
        }

        AdvanceTo(value.UtcTicks);
    }

    /// <summary>
    /// Moves the clock to <paramref name="target"/> (no effect if it is already there or later), firing the timers that fall
    /// due on the way. When none does, which is what an auto-advancing loop's jump to its next deadline usually finds, it
    /// costs one uncontended lock. With <paramref name="stopAfterFiring"/>, it stops at the first timer it fires (the clock
    /// then reads that timer's due time): an auto-advancing loop jumps that way, so that a task the callback woke runs at the
    /// callback's time, not at the loop's later deadline.
    /// </summary>
    internal void AdvanceTo(long target, bool stopAfterFiring = false)
    {
        while (true)
        {
            VirtualTimer? due;
            lock (gate)
            {
                due = EarliestArmed();
                if (due is null || due.DueTicks > target)
                {
                    Volatile.Write(ref ticks, Math.Max(ticks, target));
                    return;
                }

                timers.Dequeue();
                if (due.DueTicks > ticks)
                {
                    Volatile.Write(ref ticks, due.DueTicks);
                }

                if (due.PeriodTicks > 0 && due.DueTicks <= long.MaxValue - due.PeriodTicks)
                {
                    // Rearmed for its next period, keeping its place among timers due at the same time. (A period that
                    // would end past the clock's last tick never comes: the timer is disarmed, below.)
                    due.DueTicks += due.PeriodTicks;
                    timers.Enqueue(due, (due.DueTicks, due.Seq));
                }
                else
                {
                    due.Armed = false;
                    armedTimers--;
                }
            }

            if ((due.Context ?? EmptyExecutionContext.Value) is { } context)
            {
                ExecutionContext.Run(context, static t => ((VirtualTimer)t!).Callback(((VirtualTimer)t!).State), due);
            }
            else
            {
                due.Callback(due.State);
            }

            if (stopAfterFiring)
            {
                return;
            }
        }
    }

    // The armed timer with the earliest deadline, at the head of the queue (stale entries before it are dropped); null if
    // none is armed. Under the gate.
    private VirtualTimer? EarliestArmed()
    {
        while (timers.TryPeek(out VirtualTimer? timer, out (long DueTicks, long Seq) entry))
        {
            if (timer.Armed && timer.Seq == entry.Seq && timer.DueTicks == entry.DueTicks)
            {
                return timer;
            }

            timers.Dequeue();
        }

        return null;
    }

    // Arms, rearms (dueTicks) or disarms (null) a timer. Under the gate.
    private void Arm(VirtualTimer timer, long? dueTicks, long periodTicks)
    {
        if (timer.Armed)
        {
            timer.Armed = false; // its entry in the queue is stale from now on
            armedTimers--;
        }

        if (dueTicks is long due)
        {
            timer.DueTicks = due;
            timer.PeriodTicks = periodTicks;
            timer.Seq = timerSeq++;
            timer.Armed = true;
            armedTimers++;
            timers.Enqueue(timer, (due, timer.Seq));
        }

        if (timers.Count > 32 && timers.Count > 2 * armedTimers)
        {
            DropStaleEntries();
        }
    }

    private void DropStaleEntries()
    {
        var armed = new List<(VirtualTimer, (long, long))>(armedTimers);
        foreach ((VirtualTimer timer, (long DueTicks, long Seq) entry) in timers.UnorderedItems)
        {
            if (timer.Armed && timer.Seq == entry.Seq && timer.DueTicks == entry.DueTicks)
            {
                armed.Add((timer, entry));
            }
        }

        timers.Clear();
        timers.EnqueueRange(armed);
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback ?? throw new ArgumentNullException(nameof(callback)), state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class VirtualTimer : ITimer
    {
        private readonly VirtualTimeProvider owner;

        internal VirtualTimer(VirtualTimeProvider owner, TimerCallback callback, object? state)
        {
            this.owner = owner;
            Callback = callback;
            State = state;

            // As TimeProvider.System's timers do, the callback runs in the execution context the timer was made in (its
            // AsyncLocal values), not in that of whoever advances the clock; in the empty one if the flow was suppressed
            // (EmptyExecutionContext), so that it neither sees nor changes the values of whoever advances the clock.
            Context = ExecutionContext.Capture();
        }

        internal TimerCallback Callback { get; }

        internal ExecutionContext? Context { get; }

        internal object? State { get; }

        // Under the owner's gate. Seq numbers each arming: a queue entry with an older one is stale.
        internal long DueTicks;
        internal long PeriodTicks;
        internal long Seq;
        internal bool Armed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // As TimeProvider.System's timers do: a negative time other than "infinite" is a mistake, and firing at once
            // (or once instead of periodically) would let a test on the virtual clock pass where production throws.
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "The due time must be zero or more, or Timeout.InfiniteTimeSpan.");
            }

            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "The period must be zero or more, or Timeout.InfiniteTimeSpan.");
            }

            lock (owner.gate)
            {
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    owner.Arm(this, null, 0);
                    return true;
                }

                long due = Math.Max(0, dueTime.Ticks);
                owner.Arm(
                    this,
                    due > long.MaxValue - owner.ticks ? long.MaxValue : owner.ticks + due,
                    period == Timeout.InfiniteTimeSpan ? 0 : Math.Max(0, period.Ticks));
            }

            if (dueTime <= TimeSpan.Zero)
            {
                owner.AdvanceTo(owner.GetTimestamp()); // fire now, on this thread
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.Arm(this, null, 0);
            }
        }

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
