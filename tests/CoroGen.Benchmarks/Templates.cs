using System;
using CoroGen;

namespace CoroGen.Benchmarks;

/// <summary>
/// The CoroGen side of every benchmark: [Coroutine] templates exactly as a user writes them. The generator turns each
/// into a resumable class (FibonacciCoroutine, MaximumCoroutine, ...) and a factory (Templates.Fibonacci(n), ...).
/// </summary>
public static partial class Templates
{
    /// <summary>The seed's fibonacci_generator(n).</summary>
    [Coroutine]
    public static async Coroutine Fibonacci(int n, Yielder<long> co)
    {
        long a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            await co.Yield(a);
            (a, b) = (b, a + b);
        }
    }

    /// <summary>The seed's maximum(): n = yield maxi.</summary>
    [Coroutine]
    public static async Coroutine Maximum(Yielder<int?, int> co)
    {
        int? maxi = null;
        while (true)
        {
            int n = await co.Yield(maxi);
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    /// <summary>A delegation chain of <paramref name="depth"/> levels (PEP 380 yield from) whose innermost level yields <paramref name="count"/> values.</summary>
    [Coroutine]
    public static async Coroutine<int> Chain(int depth, int count, Yielder<int> co)
    {
        if (depth == 0)
        {
            for (int i = 0; i < count; i++)
                await co.Yield(i);
            return count;
        }

        return await Chain(depth - 1, count, co);
    }

    /// <summary>Throw round trip: the exception thrown in is caught around the yield, and the coroutine yields again.</summary>
    [Coroutine]
    public static async Coroutine Catcher(Yielder<int> co)
    {
        int caught = 0;
        while (true)
        {
            try
            {
                await co.Yield(caught);
            }
            catch (InvalidOperationException)
            {
                caught++;
            }
        }
    }

    /// <summary>Close: suspended inside try/finally, so Close must raise the exit there and run the finally.</summary>
    [Coroutine]
    public static async Coroutine Guarded(Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        finally
        {
            Sink.Cleanups++;
        }
    }

    /// <summary>The seed's coro1/coro2: a little work, yield, a little work, yield (driven by the round-robin scheduler).</summary>
    [Coroutine]
    public static async Coroutine Worker(Yielder<int> co)
    {
        Sink.Work++;
        await co.Yield(0);
        Sink.Work++;
        await co.Yield(0);
    }
}

/// <summary>Side effects that the JIT cannot remove.</summary>
public static class Sink
{
    public static int Cleanups;
    public static int Work;
}
