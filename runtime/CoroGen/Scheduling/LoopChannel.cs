using System;
using System.Collections.Generic;
using System.Threading.Channels;

namespace CoroGen.Scheduling;

/// <summary>
/// A bounded FIFO channel between loop tasks, with backpressure: <see cref="Send"/> waits while the channel holds
/// <see cref="Capacity"/> items, <see cref="Receive"/> waits while it is empty. Waiting is loop-native (the task parks; no thread
/// blocks). After <see cref="Complete"/>, sends fail with <see cref="ChannelClosedException"/> and receivers drain what is left,
/// then get <see cref="ChannelClosedException"/> too. A cancelled sender or receiver leaves the queue of waiters; a wake-up it
/// received but could not use passes to the next waiter, so no item and no free slot is ever lost. Use it from the loop thread:
/// while the loop that uses it runs, calls from another thread throw <see cref="InvalidOperationException"/> and change nothing.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class LoopChannel<T>
{
    private readonly Queue<T> items = new();
    private readonly WaitQueue senders = new();
    private readonly WaitQueue receivers = new();
    private LoopAffinity affinity;

    /// <summary>Creates a channel that holds at most <paramref name="capacity"/> items.</summary>
    /// <param name="capacity">The bound; at least 1.</param>
    public LoopChannel(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A channel holds at least one item.");
        }

        Capacity = capacity;
    }

    /// <summary>The most items the channel holds before senders wait.</summary>
    public int Capacity { get; }

    /// <summary>The number of items in the channel.</summary>
    public int Count => items.Count;

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Adds <paramref name="item"/> if there is room, without waiting.</summary>
    /// <param name="item">The item.</param>
    /// <returns>False when the channel is full or completed.</returns>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop that uses the channel runs.</exception>
    public bool TrySend(T item)
    {
        affinity.Check();
        if (IsCompleted || items.Count >= Capacity)
        {
            return false;
        }

        items.Enqueue(item);
        receivers.WakeOne();
        return true;
    }

    /// <summary>Takes the oldest item, without waiting.</summary>
    /// <param name="item">The item, or <c>default</c>.</param>
    /// <returns>False when the channel is empty.</returns>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop that uses the channel runs.</exception>
    public bool TryReceive(out T item)
    {
        affinity.Check();
        if (items.Count == 0)
        {
            item = default!;
            return false;
        }

        item = items.Dequeue();
        senders.WakeOne();
        return true;
    }

    /// <summary>Marks the channel complete: no more sends; waiting senders fail, receivers drain the rest and then fail.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop that uses the channel runs.</exception>
    public void Complete()
    {
        affinity.Check();
        if (!IsCompleted)
        {
            IsCompleted = true;
            senders.WakeAll();
            receivers.WakeAll();
        }
    }

    /// <summary>A coroutine that adds <paramref name="item"/>, waiting while the channel is full: <c>await channel.Send(item)</c>.</summary>
    /// <param name="item">The item.</param>
    /// <returns>A coroutine to delegate to.</returns>
    /// <exception cref="ChannelClosedException">Raised at the await when the channel is (or becomes) completed.</exception>
    public Coroutine<LoopRequest, Unit, Unit> Send(T item) => new SendCoroutine(this, item);

    /// <summary>A coroutine that takes the oldest item, waiting while the channel is empty: <c>T item = await channel.Receive()</c>.</summary>
    /// <returns>A coroutine to delegate to; its result is the item.</returns>
    /// <exception cref="ChannelClosedException">Raised at the await when the channel is completed and empty.</exception>
    public Coroutine<LoopRequest, Unit, T> Receive() => new ReceiveCoroutine(this);

    private static void Leave(WaitQueue queue, Waiter waiter)
    {
        if (waiter.Woken)
        {
            queue.WakeOne(); // pass on the wake-up this waiter cannot use any more
        }
        else
        {
            queue.Remove(waiter);
        }
    }

    private sealed class SendCoroutine : Coroutine<LoopRequest, Unit, Unit>
    {
        private readonly LoopChannel<T> owner;
        private readonly T item;
        private Waiter? waiter;

        internal SendCoroutine(LoopChannel<T> owner, T item)
        {
            this.owner = owner;
            this.item = item;
        }

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
                    Leave(owner.senders, waiter);
                    waiter = null;
                    throw;
                }

                owner.senders.Remove(waiter); // after a stray wake-up it may still be queued
                waiter = null;
            }

            owner.affinity.Check();
            if (owner.IsCompleted)
            {
                throw new ChannelClosedException("The channel was completed: nothing more can be sent.");
            }

            if (owner.items.Count < owner.Capacity)
            {
                owner.items.Enqueue(item);
                owner.receivers.WakeOne();
                if (owner.items.Count < owner.Capacity)
                {
                    owner.senders.WakeOne(); // room remains: let the next waiting sender in too
                }

                return false;
            }

            waiter = new Waiter(LoopContext.RequireTask("Sending to a channel"));
            owner.senders.Add(waiter);
            return Yielded(LoopRequest.Park);
        }
    }

    private sealed class ReceiveCoroutine : CoroutineWithResult<LoopRequest, Unit, T>
    {
        private readonly LoopChannel<T> owner;
        private Waiter? waiter;

        internal ReceiveCoroutine(LoopChannel<T> owner) => this.owner = owner;

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
                    Leave(owner.receivers, waiter);
                    waiter = null;
                    throw;
                }

                owner.receivers.Remove(waiter);
                waiter = null;
            }

            owner.affinity.Check();
            if (owner.items.Count > 0)
            {
                T item = owner.items.Dequeue();
                owner.senders.WakeOne();
                if (owner.items.Count > 0)
                {
                    owner.receivers.WakeOne(); // items remain: let the next waiting receiver in too
                }

                return Complete(item);
            }

            if (owner.IsCompleted)
            {
                throw new ChannelClosedException("The channel was completed and is empty.");
            }

            waiter = new Waiter(LoopContext.RequireTask("Receiving from a channel"));
            owner.receivers.Add(waiter);
            return Yielded(LoopRequest.Park);
        }
    }
}
