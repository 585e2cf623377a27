using System;

namespace CoroGen.Scheduling;

/// <summary>
/// A loop-native event (like <c>asyncio.Event</c>): tasks wait until it is set. <see cref="Set"/> wakes every waiter; a waiter
/// woken by a <see cref="Set"/> returns even if the event is cleared again before it runs. Use it from the loop thread: while the
/// loop that uses it runs, <see cref="Set"/> and <see cref="Clear"/> from another thread throw <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class LoopEvent
{
    private readonly WaitQueue waiters = new();
    private LoopAffinity affinity;

    /// <summary>Creates an event, initially not set.</summary>
    public LoopEvent()
    {
    }

    /// <summary>True once <see cref="Set"/> was called (and until <see cref="Clear"/>).</summary>
    public bool IsSet { get; private set; }

    /// <summary>Sets the event and wakes every task waiting for it.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop that uses the event runs.</exception>
    public void Set()
    {
        affinity.Check();
        if (!IsSet)
        {
            IsSet = true;
            waiters.WakeAll();
        }
    }

    /// <summary>Resets the event, so that later <see cref="Wait"/>s wait again.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop that uses the event runs.</exception>
    public void Clear()
    {
        affinity.Check();
        IsSet = false;
    }

    /// <summary>A coroutine that returns as soon as the event is set (at once if it is): <c>await ev.Wait()</c>. Cancelling the waiter removes it.</summary>
    /// <returns>A coroutine to delegate to.</returns>
    public Coroutine<LoopRequest, Unit, Unit> Wait() => new WaitCoroutine(this);

    private sealed class WaitCoroutine : Coroutine<LoopRequest, Unit, Unit>
    {
        private readonly LoopEvent owner;
        private Waiter? waiter;

        internal WaitCoroutine(LoopEvent owner) => this.owner = owner;

        protected override bool IsSuspendedInCleanupRegion => waiter is not null;

        protected override bool Resume()
        {
            if (waiter is not null)
            {
                try
                {
                    OnResume();
                }
                catch
                {
                    owner.waiters.Remove(waiter);
                    waiter = null;
                    throw;
                }

                if (waiter.Woken)
                {
                    waiter = null;
                    return false;
                }
            }

            if (owner.IsSet)
            {
                if (waiter is not null)
                {
                    owner.waiters.Remove(waiter);
                    waiter = null;
                }

                return false;
            }

            if (waiter is null)
            {
                waiter = new Waiter(LoopContext.RequireTask("Waiting for an event"));
                owner.affinity.Check();
                owner.waiters.Add(waiter);
            }

            return Yielded(LoopRequest.Park);
        }
    }
}
