using System.Collections.Generic;

namespace CoroGen.Scheduling;

/// <summary>A loop task parked in a <see cref="WaitQueue"/>. Notify wakes it (schedules it if it is parked).</summary>
internal class Waiter
{
    internal readonly LoopTask Task;
    internal Waiter? Prev;
    internal Waiter? Next;
    internal WaitQueue? Queue;

    // Set when a waker picked this waiter: a waiter that is then cancelled before it runs passes the wake-up on.
    internal bool Woken;

    internal Waiter(LoopTask task) => Task = task;

    internal virtual void Notify()
    {
        Woken = true;
        Task.Loop.Schedule(Task);
    }
}

/// <summary>
/// Which loop a primitive (an event, a channel) belongs to: the last loop that used it from its own thread. A call from any
/// other thread while that loop runs throws before it changes anything: the primitive's state and its waiters are the loop
/// thread's, and a wake-up from another thread would unlink a waiter without ever scheduling it (the task would wait forever).
/// </summary>
internal struct LoopAffinity
{
    private EventLoop? loop;

    internal void Check()
    {
        EventLoop? current = EventLoop.Current;
        if (loop is not null && loop != current)
        {
            loop.CheckThread();
        }

        if (current is not null)
        {
            loop = current;
        }
    }
}

/// <summary>An intrusive FIFO of waiters with O(1) removal (a cancelled waiter leaves at once).</summary>
internal sealed class WaitQueue
{
    private Waiter? head;
    private Waiter? tail;

    internal bool IsEmpty => head is null;

    /// <summary>The number of waiters, counted by walking the list (for tests and diagnostics: no hot path keeps a count).</summary>
    internal int Count
    {
        get
        {
            int n = 0;
            for (Waiter? w = head; w is not null; w = w.Next)
            {
                n++;
            }

            return n;
        }
    }

    internal void Add(Waiter w)
    {
        w.Queue = this;
        w.Prev = tail;
        w.Next = null;
        if (tail is null)
        {
            head = w;
        }
        else
        {
            tail.Next = w;
        }

        tail = w;
    }

    internal void Remove(Waiter w)
    {
        if (w.Queue != this)
        {
            return;
        }

        if (w.Prev is null)
        {
            head = w.Next;
        }
        else
        {
            w.Prev.Next = w.Next;
        }

        if (w.Next is null)
        {
            tail = w.Prev;
        }
        else
        {
            w.Next.Prev = w.Prev;
        }

        w.Prev = w.Next = null;
        w.Queue = null;
    }

    /// <summary>Wakes the first waiter, if any.</summary>
    internal bool WakeOne()
    {
        Waiter? w = head;
        if (w is null)
        {
            return false;
        }

        Remove(w);
        w.Notify();
        return true;
    }

    /// <summary>Wakes every waiter, in order.</summary>
    internal void WakeAll()
    {
        while (head is not null)
        {
            WakeOne();
        }
    }
}

/// <summary>The ready queue: a growable ring buffer of tasks.</summary>
/// <remarks>
/// The slot just before the head keeps the task most recently dequeued until the next <see cref="Dequeue"/>: the loop reads
/// the task it is running from there (<see cref="LastDequeued"/>) instead of storing it into a field of its own, which would
/// cost a GC write barrier at every step. So that an enqueue never overwrites that slot, the ring grows when only it is free.
/// </remarks>
internal sealed class TaskRing
{
    // Slots wrap the task in a struct: a store into a LoopTask[] would pay the covariant array store check (the element type
    // is abstract, so the JIT cannot prove the stored LoopTask<T> fits) on every enqueue; a struct array has no such check.
    private Slot[] items = new Slot[64];
    private int head;
    private int count;

    internal int Count => count;

    /// <summary>The task the last <see cref="Dequeue"/> returned (null after <see cref="ForgetLastDequeued"/>).</summary>
    internal LoopTask? LastDequeued => items[head == 0 ? items.Length - 1 : head - 1].Task;

    internal void Enqueue(LoopTask task)
    {
        if (count == items.Length - 1)
        {
            Grow();
        }

        int tail = head + count;
        if (tail >= items.Length)
        {
            tail -= items.Length;
        }

        items[tail].Task = task;
        count++;
    }

    internal LoopTask Dequeue()
    {
        // The previous task leaves its slot now (storing null needs no write barrier); this one stays in its slot.
        ForgetLastDequeued();
        LoopTask task = items[head].Task;
        head++;
        if (head == items.Length)
        {
            head = 0;
        }

        count--;
        return task;
    }

    /// <summary>Clears the slot of the task last dequeued, so that the ring does not keep it alive.</summary>
    internal void ForgetLastDequeued() => items[head == 0 ? items.Length - 1 : head - 1].Task = null!;

    /// <summary>Adds every queued task to <paramref name="into"/>, front to back.</summary>
    internal void CopyTo(List<LoopTask> into)
    {
        for (int i = 0; i < count; i++)
        {
            int j = head + i;
            into.Add(items[j >= items.Length ? j - items.Length : j].Task);
        }
    }

    private void Grow()
    {
        var bigger = new Slot[items.Length * 2];
        for (int i = 0; i < count; i++)
        {
            int j = head + i;
            bigger[i] = items[j >= items.Length ? j - items.Length : j];
        }

        bigger[^1].Task = LastDequeued!; // the slot before the new head
        items = bigger;
        head = 0;
    }

    private struct Slot
    {
        internal LoopTask Task;
    }
}
