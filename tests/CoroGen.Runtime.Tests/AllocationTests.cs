using System;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>Stepping a coroutine allocates nothing once it exists.</summary>
public class AllocationTests
{
    private const int Steps = 1_000_000;

    [Fact]
    public void FibonacciStepsAMillionTimesWithoutAllocating()
    {
        Warm(new Fibonacci());
        var co = new Fibonacci();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = 0;
        for (int i = 0; i < Steps; i++)
        {
            co.MoveNext();
            checksum += co.Current;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
        Assert.Equal(CoroutineState.Suspended, co.State);
    }

    [Fact]
    public void SteppingThroughADelegationAllocatesNothing()
    {
        Warm(new DelegatingFibonacci());
        var co = new DelegatingFibonacci();
        co.MoveNext(); // the delegation starts here (the sub is created by the body)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Steps; i++)
        {
            co.MoveNext();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(CoroutineState.Suspended, co.State);
    }

    private static void Warm<T>(System.Collections.Generic.IEnumerator<T> co)
    {
        for (int i = 0; i < 200_000; i++)
        {
            co.MoveNext();
        }
    }
}
