using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CoroGen.Benchmarks;

/// <summary>The same workloads written with the C# compiler's iterators (yield return): the baseline of most groups.</summary>
public static class Iterators
{
    public static IEnumerable<long> Fibonacci(int n)
    {
        long a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            yield return a;
            (a, b) = (b, a + b);
        }
    }

    /// <summary>
    /// maximum() with the same locals (maxi, n). An iterator cannot receive a value at its yield, so the sent value
    /// comes through a mailbox the driver shares with it (one extra hoisted reference, the parameter).
    /// </summary>
    public static IEnumerator<int?> Maximum(StrongBox<int> inbox)
    {
        int? maxi = null;
        while (true)
        {
            yield return maxi;
            int n = inbox.Value;
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    /// <summary>Nested iterators: each level re-yields every value of the level below (the pre-PEP 380 idiom).</summary>
    public static IEnumerable<int> Chain(int depth, int count)
    {
        if (depth == 0)
        {
            for (int i = 0; i < count; i++)
                yield return i;
            yield break;
        }

        foreach (int x in Chain(depth - 1, count))
            yield return x;
    }

    public static IEnumerator<int> Guarded()
    {
        try
        {
            yield return 1;
            yield return 2;
        }
        finally
        {
            Sink.Cleanups++;
        }
    }

    public static IEnumerator<int> Worker()
    {
        Sink.Work++;
        yield return 0;
        Sink.Work++;
        yield return 0;
    }
}

/// <summary>The seed's hand-written <c>class Fibonacci</c> (the "why not use a custom iterator?" example), ported to C#.</summary>
public sealed class HandWrittenFibonacci
{
    private long a = 1, b = 1;
    private readonly int n;
    private int i;

    public HandWrittenFibonacci(int n) => this.n = n;

    public long Current => a;

    // __next__: a special 0-case, then advance; false plays StopIteration.
    public bool MoveNext()
    {
        if (i == 0)
        {
            i++;
            return n > 0;
        }

        if (i < n)
        {
            (a, b) = (b, a + b);
            i++;
            return true;
        }

        return false;
    }
}
