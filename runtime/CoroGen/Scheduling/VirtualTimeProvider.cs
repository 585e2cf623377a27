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
    private readonly List<VirtualTimer> timers = new();
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
            VirtualTimer? due = null;
            lock (gate)
            {
                foreach (VirtualTimer t in timers)
                {
                    if (t.DueTicks <= target && (due is null || t.DueTicks < due.DueTicks || (t.DueTicks == due.DueTicks && t.Seq < due.Seq)))
                    {
                        due = t;
                    }
                }

                if (due is null)
                {
                    Volatile.Write(ref ticks, Math.Max(ticks, target));
                    return;
                }

                if (due.DueTicks > ticks)
                {
                    Volatile.Write(ref ticks, due.DueTicks);
                }

                if (due.PeriodTicks > 0)
                {
                    due.DueTicks += due.PeriodTicks;
                }
                else
                {
                    timers.Remove(due);
                }
            }

            if (due.Context is { } context)
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
            // AsyncLocal values), not in that of whoever advances the clock; in none of its own if the flow was suppressed.
            Context = ExecutionContext.Capture();
        }

        internal TimerCallback Callback { get; }

        internal ExecutionContext? Context { get; }

        internal object? State { get; }

        internal long DueTicks;
        internal long PeriodTicks;
        internal long Seq;

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
                owner.timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                long due = Math.Max(0, dueTime.Ticks);
                DueTicks = due > long.MaxValue - owner.ticks ? long.MaxValue : owner.ticks + due;
                PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : Math.Max(0, period.Ticks);
                Seq = owner.timerSeq++;
                owner.timers.Add(this);
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
                owner.timers.Remove(this);
            }
        }

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
