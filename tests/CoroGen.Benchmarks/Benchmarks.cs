using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using CoroGen.Benchmarks.AsyncBuilder;

namespace CoroGen.Benchmarks;

// Every class is one group: the CoroGen row(s) and the baseline(s) they must be compared with, measured in the same run.
// The Baseline row of a group is the C# alternative a user would otherwise pick; the Ratio column is row / baseline.
// Method names are read by python/compare.py: rename them there too.

/// <summary>(1) One Fibonacci step (MoveNext + Current) of a long-lived coroutine: construction is not measured.</summary>
[BenchmarkCategory("Fibonacci step")]
public class FibonacciStep
{
    public const int Steps = 1000;

    private Templates.FibonacciCoroutine generated = null!;
    private IEnumerator<long> iterator = null!;
    private HandWrittenFibonacci handWritten = null!;

    [GlobalSetup]
    public void Setup()
    {
        // n = int.MaxValue: the benchmark never exhausts them (the refill branch is for safety and costs the same everywhere).
        generated = Templates.Fibonacci(int.MaxValue);
        iterator = Iterators.Fibonacci(int.MaxValue).GetEnumerator();
        handWritten = new HandWrittenFibonacci(int.MaxValue);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps, Description = "C# iterator (yield return)")]
    public long CSharpIterator()
    {
        IEnumerator<long> it = iterator;
        long sum = 0;
        for (int i = 0; i < Steps; i++)
        {
            if (!it.MoveNext())
            {
                it = iterator = Iterators.Fibonacci(int.MaxValue).GetEnumerator();
                continue;
            }

            sum += it.Current;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "CoroGen generated class")]
    public long CoroGen()
    {
        Templates.FibonacciCoroutine c = generated;
        long sum = 0;
        for (int i = 0; i < Steps; i++)
        {
            if (!c.MoveNext())
            {
                c = generated = Templates.Fibonacci(int.MaxValue);
                continue;
            }

            sum += c.Current;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "hand-written class (seed's Fibonacci)")]
    public long HandWritten()
    {
        HandWrittenFibonacci c = handWritten;
        long sum = 0;
        for (int i = 0; i < Steps; i++)
        {
            if (!c.MoveNext())
            {
                c = handWritten = new HandWrittenFibonacci(int.MaxValue);
                continue;
            }

            sum += c.Current;
        }

        return sum;
    }
}

/// <summary>(2) One Send round trip into maximum(): resume with a value, run to the next yield, read Current.</summary>
[BenchmarkCategory("Send round trip")]
public class SendRoundTrip
{
    public const int Sends = 1000;

    private Templates.MaximumCoroutine generated = null!;
    private AsyncYielder<int?, int> asyncBuilder = null!;

    [GlobalSetup]
    public void Setup()
    {
        generated = Templates.Maximum();
        generated.MoveNext();
        asyncBuilder = new AsyncYielder<int?, int>().Run(AsyncTemplates.Maximum);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sends, Description = "async-builder coroutine (custom AsyncMethodBuilder)")]
    public int AsyncBuilder()
    {
        AsyncYielder<int?, int> m = asyncBuilder;
        int sum = 0;
        for (int i = 0; i < Sends; i++)
        {
            m.Send(i & 1023);
            sum += m.Current.GetValueOrDefault();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Sends, Description = "CoroGen generated class")]
    public int CoroGen()
    {
        Templates.MaximumCoroutine m = generated;
        int sum = 0;
        for (int i = 0; i < Sends; i++)
        {
            m.Send(i & 1023);
            sum += m.Current.GetValueOrDefault();
        }

        return sum;
    }
}

/// <summary>(3a) One Throw round trip: the exception is raised at the yield, caught around it, and the coroutine yields again.
/// Each op allocates a fresh exception (rethrowing one object would grow its stack trace), in every row alike.</summary>
[BenchmarkCategory("Throw round trip")]
public class ThrowRoundTrip
{
    private Templates.CatcherCoroutine generated = null!;
    private AsyncYielder<int, int> asyncBuilder = null!;

    [GlobalSetup]
    public void Setup()
    {
        generated = Templates.Catcher();
        generated.MoveNext();
        asyncBuilder = new AsyncYielder<int, int>().Run(AsyncTemplates.Catcher);
    }

    [Benchmark(Baseline = true, Description = "one .NET throw/catch (same method)")]
    public int PlainThrowCatch()
    {
        try
        {
            throw new InvalidOperationException();
        }
        catch (InvalidOperationException)
        {
            return 1;
        }
    }

    [Benchmark(Description = "one .NET throw/catch (thrown one call deeper)")]
    public int HelperThrowCatch()
    {
        try
        {
            Thrower.Throw(new InvalidOperationException());
            return 0;
        }
        catch (InvalidOperationException)
        {
            return 1;
        }
    }

    [Benchmark(Description = "CoroGen Throw (caught, yields again)")]
    public int CoroGen() => generated.Throw(new InvalidOperationException()) ? generated.Current : -1;

    [Benchmark(Description = "async-builder Throw (caught, yields again)")]
    public int AsyncBuilder() => asyncBuilder.Throw(new InvalidOperationException()) ? asyncBuilder.Current : -1;
}

internal static class Thrower
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(Exception e) => throw e;
}

/// <summary>(3b) Close of a coroutine suspended inside try/finally (the finally runs); each op creates and starts the coroutine too.</summary>
[BenchmarkCategory("Close in try/finally")]
public class CloseInFinally
{
    [Benchmark(Baseline = true, Description = "C# iterator: create, MoveNext, Dispose (runs finally)")]
    public int CSharpIterator()
    {
        IEnumerator<int> it = Iterators.Guarded();
        it.MoveNext();
        it.Dispose();
        return it.Current;
    }

    [Benchmark(Description = "CoroGen: create, MoveNext (no Close)")]
    public int CoroGenNoClose()
    {
        Templates.GuardedCoroutine c = Templates.Guarded();
        c.MoveNext();
        return c.Current;
    }

    [Benchmark(Description = "CoroGen: create, MoveNext, Close (runs finally)")]
    public int CoroGen()
    {
        Templates.GuardedCoroutine c = Templates.Guarded();
        c.MoveNext();
        c.Close();
        return c.Current;
    }
}

/// <summary>(4) Construction and the memory of one suspended maximum(): create, run to the first yield, keep it.</summary>
[BenchmarkCategory("Create + first step")]
public class Construction
{
    private readonly StrongBox<int> inbox = new(0);

    [Benchmark(Baseline = true, Description = "C# iterator maximum (same locals)")]
    public object CSharpIterator()
    {
        IEnumerator<int?> it = Iterators.Maximum(inbox);
        it.MoveNext();
        return it;
    }

    [Benchmark(Description = "CoroGen maximum()")]
    public object CoroGen()
    {
        Templates.MaximumCoroutine m = Templates.Maximum();
        m.MoveNext();
        return m;
    }

    [Benchmark(Description = "async-builder maximum()")]
    public object AsyncBuilder() => new AsyncYielder<int?, int>().Run(AsyncTemplates.Maximum);

    [Benchmark(Description = "C# iterator fibonacci")]
    public object CSharpIteratorFibonacci()
    {
        IEnumerator<long> it = Iterators.Fibonacci(100).GetEnumerator();
        it.MoveNext();
        return it;
    }

    [Benchmark(Description = "CoroGen fibonacci")]
    public object CoroGenFibonacci()
    {
        Templates.FibonacciCoroutine c = Templates.Fibonacci(100);
        c.MoveNext();
        return c;
    }
}

/// <summary>
/// (5) Delegation: the cost per yielded VALUE through a chain of Depth levels. Each op creates the chain, primes it and
/// drains Count values; OperationsPerInvoke = Count, so ns/op and bytes/op are per value (chain construction amortized).
/// </summary>
[BenchmarkCategory("Delegation")]
public class Delegation
{
    public const int Count = 10_000;

    [Params(1, 10, 100, 1000)]
    public int Depth;

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "nested C# iterators (foreach + yield return)")]
    public int CSharpIterators() => Drain.Iterators(Depth, Count);

    [Benchmark(OperationsPerInvoke = Count, Description = "CoroGen delegation (await Chain(...))")]
    public int CoroGen() => Drain.CoroGen(Depth, Count);
}

/// <summary>Drains a delegation chain of <c>depth</c> levels yielding <c>count</c> values: the shared body of (5) and (5b).</summary>
internal static class Drain
{
    public static int Iterators(int depth, int count)
    {
        int sum = 0;
        foreach (int x in global::CoroGen.Benchmarks.Iterators.Chain(depth, count))
            sum += x;
        return sum;
    }

    public static int CoroGen(int depth, int count)
    {
        int sum = 0;
        Templates.ChainCoroutine c = Templates.Chain(depth, count);
        while (c.MoveNext())
            sum += c.Current;
        return sum + c.Result;
    }
}

/// <summary>
/// (5b) Delegation 10,000 levels deep. Nested iterators pay 10,000 calls per value, so they drain fewer values; CoroGen
/// drains more, so that building the 10,000-level chain is amortized as it is at the smaller depths.
/// </summary>
[BenchmarkCategory("Delegation")]
public class DeepDelegation
{
    public const int Count = 200;
    public const int CoroGenCount = 200_000;

    [Params(10_000)]
    public int Depth;

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "nested C# iterators (foreach + yield return)")]
    public int CSharpIterators() => Drain.Iterators(Depth, Count);

    [Benchmark(OperationsPerInvoke = CoroGenCount, Description = "CoroGen delegation (await Chain(...))")]
    public int CoroGen() => Drain.CoroGen(Depth, CoroGenCount);
}

/// <summary>
/// The seed's round-robin scheduler (deque of coroutines; pop, send(None), append until StopIteration) over Workers
/// trivial coroutines that each do a little work, yield, work, yield. One op = one resume (3 per worker, the last one finishing it).
/// </summary>
[BenchmarkCategory("Round-robin scheduler")]
public class RoundRobin
{
    public const int Workers = 1000;
    public const int ResumesPerWorker = 3;

    [Benchmark(Baseline = true, OperationsPerInvoke = Workers * ResumesPerWorker, Description = "C# iterators, Queue round robin")]
    public int CSharpIterators()
    {
        var ready = new Queue<IEnumerator<int>>(Workers);
        for (int i = 0; i < Workers; i++)
            ready.Enqueue(Iterators.Worker());
        int resumes = 0;
        while (ready.TryDequeue(out IEnumerator<int>? c))
        {
            resumes++;
            if (c.MoveNext())
                ready.Enqueue(c);
        }

        return resumes;
    }

    [Benchmark(OperationsPerInvoke = Workers * ResumesPerWorker, Description = "CoroGen coroutines, Queue round robin")]
    public int CoroGen()
    {
        var ready = new Queue<Coroutine<int, Unit, Unit>>(Workers);
        for (int i = 0; i < Workers; i++)
            ready.Enqueue(Templates.Worker());
        int resumes = 0;
        while (ready.TryDequeue(out Coroutine<int, Unit, Unit>? c))
        {
            resumes++;
            if (c.MoveNext())
                ready.Enqueue(c);
        }

        return resumes;
    }
}

// ---- Scheduler workloads (the scheduler issue) go here ----
// Add one [BenchmarkCategory("Scheduler: ...")] class per workload of the scheduler issue (EventLoop from
// runtime/CoroGen/Scheduling: sleeping workers, 1,000 coroutines, nested workers, gather, channel ping-pong), each with
// its baseline row (e.g. the same workload on Task/async-await with a single-threaded SynchronizationContext, or the
// round-robin above), OperationsPerInvoke set so that ns/op is per coroutine step, and a matching workload in
// python/compare.py (WORKLOADS) so the CPython ratio is printed for it too. Keep each under a second per invocation.
