using System;
using System.Collections.Generic;

namespace CoroGen.Scheduling;

/// <summary>
/// The deadline heap of sleeping tasks and timeout scopes: a 4-ary min-heap on (deadline, push order), so that entries
/// with the same deadline fire in the order they were pushed.
/// </summary>
/// <remarks>
/// <para>Cancelling an entry (a sleeper that is cancelled, a timeout scope that ends before its deadline: the common case)
/// is O(1): the entry stays where it is, only its target slot is cleared, and it is dropped when it reaches the top; when
/// dead entries outnumber live ones the heap is rebuilt without them in O(n), amortized over the cancellations. The goal
/// is that of curio's <c>timequeue</c> (timeouts usually never fire, so cancelling one must cost next to nothing); curio
/// keeps far deadlines in coarse buckets, this heap uses lazy deletion.</para>
/// <para>Entries are 16 bytes without references: the deadline, the push order and the index of a slot that holds the
/// target (the task or the scope). Sifting therefore moves plain data (no GC write barriers), a node's four children take
/// 64 bytes (one cache line when the array happens to start on a line boundary, two otherwise: .NET does not align
/// arrays to cache lines), and telling a live entry from a dead one reads the slot, not the task. A slot is owned by one entry
/// until that entry leaves the heap, so the slot index is also the sleeper's token.</para>
/// </remarks>
internal sealed class TimerHeap
{
    private Entry[] heap = new Entry[64];
    private int count;
    private uint seq;

    // Slot i holds the target of the entry that owns it, or null once that entry was cancelled.
    private object?[] targets = new object?[64];
    private int slotsUsed;
    private int[] freeSlots = new int[64];
    private int freeCount;

    private readonly uint renumberAt;

    internal TimerHeap()
        : this(uint.MaxValue)
    {
    }

    /// <summary>For tests: renumbers the push order when it reaches <paramref name="renumberAt"/> instead of 2^32 - 1.</summary>
    internal TimerHeap(uint renumberAt) => this.renumberAt = renumberAt;

    /// <summary>The entries in the heap, live or dead.</summary>
    internal int Count => count;

    /// <summary>Entries known to be dead but still in the heap.</summary>
    internal int Dead { get; private set; }

    private struct Entry
    {
        internal long Deadline;
        internal uint Seq; // the push order, modulo renumbering (see Push)
        internal int Slot;
    }

    /// <summary>Adds an entry that fires <paramref name="target"/> (a LoopTask or a TimeoutScope) at <paramref name="deadline"/>.</summary>
    /// <returns>The entry's slot: pass it to <see cref="Cancel"/>.</returns>
    internal int Push(long deadline, object target)
    {
        if (count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }

        if (seq >= renumberAt)
        {
            Renumber();
        }

        int slot = AllocateSlot();
        targets[slot] = target;
        SiftUp(count++, new Entry { Deadline = deadline, Seq = seq++, Slot = slot });
        return slot;
    }

    /// <summary>Cancels the entry that owns <paramref name="slot"/> (it must still be live): O(1), amortized.</summary>
    internal void Cancel(int slot)
    {
        targets[slot] = null;
        Dead++;
        if (Dead > 32 && Dead > count / 2)
        {
            Compact();
        }
    }

    /// <summary>Removes the first live entry due at <paramref name="now"/>, dropping dead ones on the way.</summary>
    /// <returns>False when no live entry is due.</returns>
    internal bool TryPopDue(long now, out object target)
    {
        while (count > 0 && heap[0].Deadline <= now)
        {
            object? t = RemoveTop();
            if (t is not null)
            {
                target = t;
                return true;
            }
        }

        target = null!;
        return false;
    }

    /// <summary>The earliest live deadline; drops dead entries from the top. False when no live entry is left.</summary>
    internal bool TryPeekLiveDeadline(out long deadline)
    {
        while (count > 0)
        {
            // Without dead entries the top is live: no need to read its slot (a likely cache miss).
            if (Dead == 0 || targets[heap[0].Slot] is not null)
            {
                deadline = heap[0].Deadline;
                return true;
            }

            RemoveTop();
        }

        deadline = 0;
        return false;
    }

    /// <summary>
    /// The targets of the next two entries to fire, unless later pushes come before them: the top, and the earliest of its
    /// children. Either is null when there is none or it was cancelled. For prefetching only.
    /// </summary>
    internal void PeekNextTwo(out object? next, out object? afterNext)
    {
        next = afterNext = null;
        int n = count;
        if (n == 0)
        {
            return;
        }

        Entry[] h = heap;
        next = targets[h[0].Slot];
        if (n == 1)
        {
            return;
        }

        int min = 1;
        int end = Math.Min(5, n);
        for (int c = 2; c < end; c++)
        {
            if (Less(in h[c], in h[min]))
            {
                min = c;
            }
        }

        afterNext = targets[h[min].Slot];
    }

    /// <summary>Adds every task that sleeps in the heap (the target of a live entry) to <paramref name="into"/>.</summary>
    internal void CopySleepersTo(List<LoopTask> into)
    {
        for (int i = 0; i < count; i++)
        {
            if (targets[heap[i].Slot] is LoopTask task)
            {
                into.Add(task);
            }
        }
    }

    // Removes the top entry and frees its slot; returns its target (null if it was dead).
    private object? RemoveTop()
    {
        int slot = heap[0].Slot;
        object? target = targets[slot];
        FreeSlot(slot);
        if (target is null)
        {
            Dead--;
        }

        int last = --count;
        if (last > 0)
        {
            // Floyd's bottom-up variant: walk the hole down along the smaller children to a leaf (three comparisons a
            // level), then sift the last entry up from there; it rarely moves far, since it came from the bottom.
            Entry[] h = heap;
            int hole = 0;
            while (true)
            {
                int first = (hole << 2) + 1;
                if (first >= last)
                {
                    break;
                }

                int min = first;
                int end = Math.Min(first + 4, last);
                for (int c = first + 1; c < end; c++)
                {
                    if (Less(in h[c], in h[min]))
                    {
                        min = c;
                    }
                }

                h[hole] = h[min];
                hole = min;
            }

            SiftUp(hole, h[last]);
        }

        return target;
    }

    private void SiftUp(int i, Entry e)
    {
        Entry[] h = heap;
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

    // Rebuilds the heap without its dead entries.
    private void Compact()
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (targets[heap[i].Slot] is null)
            {
                FreeSlot(heap[i].Slot);
            }
            else
            {
                heap[n++] = heap[i];
            }
        }

        count = n;
        Dead = 0;
        Heapify();
    }

    // The push order is 32 bits. Before it wraps, the entries are sorted (a sorted array is a heap) and renumbered 0..n-1
    // in that order, which keeps every comparison as it was.
    private void Renumber()
    {
        Array.Sort(heap, 0, count, Comparer<Entry>.Create(static (a, b) => Less(in a, in b) ? -1 : Less(in b, in a) ? 1 : 0));
        for (int i = 0; i < count; i++)
        {
            heap[i].Seq = (uint)i;
        }

        seq = (uint)count;
    }

    private void Heapify()
    {
        for (int i = (count - 2) >> 2; i >= 0; i--)
        {
            // Sift entry i down (children of node i are already heaps).
            Entry e = heap[i];
            int hole = i;
            while (true)
            {
                int first = (hole << 2) + 1;
                if (first >= count)
                {
                    break;
                }

                int min = first;
                int end = Math.Min(first + 4, count);
                for (int c = first + 1; c < end; c++)
                {
                    if (Less(in heap[c], in heap[min]))
                    {
                        min = c;
                    }
                }

                if (!Less(in heap[min], in e))
                {
                    break;
                }

                heap[hole] = heap[min];
                hole = min;
            }

            heap[hole] = e;
        }
    }

    private int AllocateSlot()
    {
        if (freeCount > 0)
        {
            return freeSlots[--freeCount];
        }

        if (slotsUsed == targets.Length)
        {
            Array.Resize(ref targets, targets.Length * 2);
        }

        return slotsUsed++;
    }

    private void FreeSlot(int slot)
    {
        targets[slot] = null;
        if (freeCount == freeSlots.Length)
        {
            Array.Resize(ref freeSlots, freeSlots.Length * 2);
        }

        freeSlots[freeCount++] = slot;
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Seq < b.Seq);
}
