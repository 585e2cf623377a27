using System;
using System.Collections.Generic;
using System.Threading.Channels;

namespace CoroGen.Scheduling;

/// <summary>
/// A bounded FIFO channel between loop tasks, with backpressure: <see cref="Send"/> waits while the channel holds
/// <see cref="Capacity"/> items, <see cref="Receive"/> waits while it is empty. Waiting is loop-native (the task parks; no thread
/// blocks). After <see cref="Complete"/>, sends fail with <see cref="ChannelClosedException"/> and receivers drain what is left,
/// then get <see cref="ChannelClosedException"/> too (or, waiting with <see cref="WaitToReceive"/>, false). A cancelled sender or receiver leaves the queue of waiters; a wake-up it
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

    /// <summary>
    /// A coroutine that waits until an item can be taken, without taking it (the .NET <c>ChannelReader.WaitToReadAsync</c>):
    /// <c>while (await channel.WaitToReceive()) while (channel.TryReceive(out var item)) ...</c> drains the channel until it is
    /// completed, with no exception.
    /// </summary>
    /// <remarks>
    /// The result is true when the channel holds an item as the caller resumes, at once if it holds one now (then the caller's
    /// <see cref="TryReceive"/>, with no suspension in between, takes it); false once the channel is completed and empty, which
    /// it stays. The caller waits in the same FIFO queue as <see cref="Receive"/>'s waiters, woken by the same sends, and a true
    /// answer counts as taking the wake-up for one item: a caller that then does not take it leaves it to the next receive or
    /// the next send's wake-up. A true answer is a snapshot, not a reservation: another task may take the item before a caller
    /// that suspends in between, so <see cref="TryReceive"/> can still say false. Cancelled while waiting, the caller leaves
    /// the queue and passes on a wake-up it had received, as a receiver does.
    /// </remarks>
    /// <returns>A coroutine to delegate to; its result says whether an item is available (false: completed and drained).</returns>
    public Coroutine<LoopRequest, Unit, bool> WaitToReceive() => new WaitToReceiveCoroutine(this);

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

    /// <summary>
    /// Waits in the queue of receivers until an item is there or the channel is completed, then hands over to the subclass: the
    /// one rule of waiting (FIFO wake-ups, re-queueing after a lost race, passing on a wake-up when cancelled) for both ways to
    /// receive.
    /// </summary>
    private abstract class ReceiverCoroutine<TResult> : CoroutineWithResult<LoopRequest, Unit, TResult>
    {
        private protected readonly LoopChannel<T> Owner;
        private Waiter? waiter;

        private protected ReceiverCoroutine(LoopChannel<T> owner) => Owner = owner;

        protected sealed override bool IsSuspendedInCleanupRegion => waiter is not null;

        /// <summary>What to return while the channel holds at least one item.</summary>
        private protected abstract TResult Available();

        /// <summary>What to return (or raise) once the channel is completed and empty.</summary>
        private protected abstract TResult Drained();

        protected sealed override bool Resume()
        {
            if (waiter is not null)
            {
                try
                {
                    OnResume();
                }
                catch
                {
                    Leave(Owner.receivers, waiter);
                    waiter = null;
                    throw;
                }

                Owner.receivers.Remove(waiter);
                waiter = null;
            }

            Owner.affinity.Check();
            if (Owner.items.Count > 0)
            {
                return Complete(Available());
            }

            if (Owner.IsCompleted)
            {
                return Complete(Drained());
            }

            waiter = new Waiter(LoopContext.RequireTask("Receiving from a channel"));
            Owner.receivers.Add(waiter);
            return Yielded(LoopRequest.Park);
        }
    }

    private sealed class ReceiveCoroutine : ReceiverCoroutine<T>
    {
        internal ReceiveCoroutine(LoopChannel<T> owner)
            : base(owner)
        {
        }

        private protected override T Available()
        {
            T item = Owner.items.Dequeue();
            Owner.senders.WakeOne();
            if (Owner.items.Count > 0)
            {
                Owner.receivers.WakeOne(); // items remain: let the next waiting receiver in too
            }

            return item;
        }

        private protected override T Drained() => throw new ChannelClosedException("The channel was completed and is empty.");
    }

    private sealed class WaitToReceiveCoroutine : ReceiverCoroutine<bool>
    {
        internal WaitToReceiveCoroutine(LoopChannel<T> owner)
            : base(owner)
        {
        }

        // A true answer stands for one item, which the caller is about to take (TryReceive): as Receive wakes the next receiver
        // when items remain after its own, this one does when there are more than the one it answered for. Waking it for that
        // one too would only make the next receiver run, find the channel emptied and queue again at the back.
        private protected override bool Available()
        {
            if (Owner.items.Count > 1)
            {
                Owner.receivers.WakeOne();
            }

            return true;
        }

        private protected override bool Drained() => false;
    }
}
