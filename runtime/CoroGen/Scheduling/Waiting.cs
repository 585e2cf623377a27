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

/// <summary>An intrusive FIFO of waiters with O(1) removal (a cancelled waiter leaves at once).</summary>
internal sealed class WaitQueue
{
    private Waiter? head;
    private Waiter? tail;

    internal bool IsEmpty => head is null;

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
internal sealed class TaskRing
{
    // Slots wrap the task in a struct: a store into a LoopTask[] would pay the covariant array store check (the element type
    // is abstract, so the JIT cannot prove the stored LoopTask<T> fits) on every enqueue; a struct array has no such check.
    private Slot[] items = new Slot[64];
    private int head;
    private int count;

    internal int Count => count;

    internal void Enqueue(LoopTask task)
    {
        if (count == items.Length)
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
        ref Slot slot = ref items[head];
        LoopTask task = slot.Task;
        slot.Task = null!;
        head++;
        if (head == items.Length)
        {
            head = 0;
        }

        count--;
        return task;
    }

    private void Grow()
    {
        var bigger = new Slot[items.Length * 2];
        for (int i = 0; i < count; i++)
        {
            int j = head + i;
            bigger[i] = items[j >= items.Length ? j - items.Length : j];
        }

        items = bigger;
        head = 0;
    }

    private struct Slot
    {
        internal LoopTask Task;
    }
}

/// <summary>
/// The deadline heap of sleeping tasks and timeout scopes. Cancelling an entry (a sleeper that is cancelled, a timeout
/// scope that ends before its deadline: the common case) is O(1): the entry is only marked dead (its token no longer
/// matches) and dropped when it reaches the top; when dead entries outnumber live ones the heap is rebuilt without them
/// in O(n), amortized over the cancellations. The goal is that of curio's <c>timequeue</c> (timeouts usually never fire, so
/// cancelling one must cost next to nothing); curio keeps far deadlines in coarse buckets, this heap uses lazy deletion.
/// </summary>
internal sealed class TimerHeap
{
    private Entry[] heap = new Entry[64];
    private int count;
    private long seq;

    internal int Count => count;

    /// <summary>Entries known to be dead but still in the heap.</summary>
    internal int Dead;

    internal struct Entry
    {
        internal long Deadline;
        internal long Seq;
        internal LoopTask? Task; // a sleeper, valid while Task.SleepToken == Token and it still sleeps
        internal int Token;
        internal TimeoutScope? Scope; // or a timeout scope, valid while it is armed

        internal readonly bool IsLive => Task is not null
            ? Task.Status == LoopTaskStatus.Sleeping && Task.SleepToken == Token
            : Scope!.Armed;
    }

    internal ref Entry Top => ref heap[0];

    internal void Push(long deadline, LoopTask? task, int token, TimeoutScope? scope)
    {
        if (count == heap.Length)
        {
            System.Array.Resize(ref heap, heap.Length * 2);
        }

        var e = new Entry { Deadline = deadline, Seq = seq++, Task = task, Token = token, Scope = scope };
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(in e, in heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = e;
    }

    internal Entry Pop()
    {
        Entry top = heap[0];
        count--;
        Entry last = heap[count];
        heap[count] = default;
        if (count > 0)
        {
            SiftDown(0, last);
        }

        return top;
    }

    /// <summary>Drops dead entries from the top; returns false when no live entry is left.</summary>
    internal bool TryPeekLiveDeadline(out long deadline)
    {
        while (count > 0)
        {
            if (heap[0].IsLive)
            {
                deadline = heap[0].Deadline;
                return true;
            }

            Pop();
            Dead--;
        }

        deadline = 0;
        return false;
    }

    /// <summary>Records that one entry died; rebuilds the heap when most entries are dead.</summary>
    internal void EntryDied()
    {
        Dead++;
        if (Dead > 32 && Dead > count / 2)
        {
            Compact();
        }
    }

    private void Compact()
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (heap[i].IsLive)
            {
                heap[n++] = heap[i];
            }
        }

        for (int i = n; i < count; i++)
        {
            heap[i] = default;
        }

        count = n;
        Dead = 0;
        for (int i = (n >> 1) - 1; i >= 0; i--)
        {
            SiftDown(i, heap[i]);
        }
    }

    private void SiftDown(int i, Entry e)
    {
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Less(in heap[child + 1], in heap[child]))
            {
                child++;
            }

            if (!Less(in heap[child], in e))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = e;
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Seq < b.Seq);
}
