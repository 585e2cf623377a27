using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// Guards the memory layout behind issue 7's target (a suspended <c>maximum()</c> takes no more memory than the C#
/// compiler's iterator for the same locals; the benchmarks report it): object sizes are deterministic, and a field added
/// to the base classes can silently take padding that the generated class's fields used.
/// </summary>
public sealed class LayoutTests
{
    [Fact]
    public void ASuspendedMaximumIsNoLargerThanTheIteratorForTheSameLocals()
    {
        var inbox = new StrongBox<int>();
        long generated = BytesAllocatedBy(() =>
        {
            var maximum = Templates.Maximum();
            maximum.MoveNext();
            return maximum;
        });
        long iterator = BytesAllocatedBy(() =>
        {
            IEnumerator<int?> maximum = IteratorMaximum(inbox);
            maximum.MoveNext();
            return maximum;
        });

        Assert.True(generated <= iterator, $"a suspended maximum() takes {generated} B, the iterator {iterator} B");
    }

    // The seed's maximum() as a C# iterator: the same locals (maxi, n), the sent value read from a box.
    private static IEnumerator<int?> IteratorMaximum(StrongBox<int> inbox)
    {
        int? maxi = null;
        while (true)
        {
            yield return maxi;
            int n = inbox.Value;
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    // What making and starting the object allocates, after a first call has loaded and compiled everything it uses.
    private static long BytesAllocatedBy(Func<object> make)
    {
        GC.KeepAlive(make());
        long before = GC.GetAllocatedBytesForCurrentThread();
        object made = make();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(made);
        return allocated;
    }
}
