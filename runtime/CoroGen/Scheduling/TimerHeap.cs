using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CoroGen.Scheduling;

/// <summary>
/// The deadline heap of sleeping tasks and timeout scopes: a 4-ary min-heap on (deadline, push order), so that entries
/// with the same deadline fire in the order they were pushed.
/// </summary>
/// <remarks>
/// <para>Cancelling an entry (a sleeper that is cancelled, a timeout scope that ends before its deadline: the common case)
/// is O(1): nothing in the heap changes, the entry just stops being live, and it is dropped when it reaches the top; when
/// dead entries outnumber live ones the heap is rebuilt without them in O(n), amortized over the cancellations. The goal
/// is that of curio's <c>timequeue</c> (timeouts usually never fire, so cancelling one must cost next to nothing); curio
/// keeps far deadlines in coarse buckets, this heap uses lazy deletion.</para>
/// <para>An entry is 24 bytes with a single reference (each move during a sift pays one GC write barrier), and a heap
/// node's four children share one or two cache lines, which halves the depth of a binary heap.</para>
/// </remarks>
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

        // The push order: breaks ties between equal deadlines, and its low 32 bits are a sleeper's token.
        internal long Seq;

        // A sleeping LoopTask, live while it sleeps with this entry's token; or a TimeoutScope, live while it is armed.
        internal object Target;

        internal readonly bool IsLive
        {
            get
            {
                if (Target is TimeoutScope scope)
                {
                    return scope.Armed;
                }

                LoopTask task = Unsafe.As<LoopTask>(Target); // only tasks and scopes are pushed
                return task.Status == LoopTaskStatus.Sleeping && task.SleepToken == (int)Seq;
            }
        }

        /// <summary>The sleeping task of a sleeper entry; null for a timeout scope.</summary>
        internal readonly LoopTask? Sleeper => Target as TimeoutScope is null ? Unsafe.As<LoopTask>(Target) : null;
    }

    internal long TopDeadline => heap[0].Deadline;

    /// <summary>Puts <paramref name="task"/> to sleep until <paramref name="deadline"/>: the entry is live while the task's status is Sleeping.</summary>
    internal void PushSleeper(long deadline, LoopTask task)
    {
        long s = seq++;
        task.SleepToken = (int)s;
        Push(new Entry { Deadline = deadline, Seq = s, Target = task });
    }

    /// <summary>Arms <paramref name="scope"/> to fire at <paramref name="deadline"/>: the entry is live while the scope is armed.</summary>
    internal void PushScope(long deadline, TimeoutScope scope) => Push(new Entry { Deadline = deadline, Seq = seq++, Target = scope });

    private void Push(in Entry e)
    {
        if (count == heap.Length)
        {
            System.Array.Resize(ref heap, heap.Length * 2);
        }

        Entry[] h = heap;
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            if (!Less(in e, in h[parent]))
            {
                break;
            }

            h[i] = h[parent];
            i = parent;
        }

        h[i] = e;
    }

    internal Entry Pop()
    {
        Entry top = heap[0];
        int last = --count;
        if (last > 0)
        {
            SiftDown(0, heap[last]);
        }

        heap[last] = default;
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

    /// <summary>Adds every sleeping task (each live sleeper entry's task) to <paramref name="into"/>.</summary>
    internal void CopySleepersTo(List<LoopTask> into)
    {
        for (int i = 0; i < count; i++)
        {
            if (heap[i].IsLive && heap[i].Sleeper is LoopTask task)
            {
                into.Add(task);
            }
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

        System.Array.Clear(heap, n, count - n);
        count = n;
        Dead = 0;
        for (int i = (n - 2) >> 2; i >= 0; i--)
        {
            SiftDown(i, heap[i]);
        }
    }

    // Moves the hole at i down to where e belongs (e is the entry that was at i, or the last one after a pop).
    private void SiftDown(int i, Entry e)
    {
        Entry[] h = heap;
        int n = count;
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= n)
            {
                break;
            }

            int min = first;
            int end = first + 4 < n ? first + 4 : n;
            for (int c = first + 1; c < end; c++)
            {
                if (Less(in h[c], in h[min]))
                {
                    min = c;
                }
            }

            if (!Less(in h[min], in e))
            {
                break;
            }

            h[i] = h[min];
            i = min;
        }

        h[i] = e;
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Seq < b.Seq);
}
