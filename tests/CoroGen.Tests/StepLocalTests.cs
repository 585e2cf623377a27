using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

// Locals declared by `T x = await ...;` with no suspension point after them in their block live in Resume, not in
// fields. These templates put such locals next to the cases that must stay fields.
public static partial class StepLocalTemplates
{
    // n is a step local; total is live across the yield.
    [Coroutine]
    public static async Coroutine<int> Accumulate(List<string> log, Yielder<int, int> co)
    {
        int total = 0;
        for (int i = 0; i < 4; i++)
        {
            int n = await co.Yield(total);
            for (int j = 0; j < 2; j++)
            {
                total += n; // a nested loop that does not suspend
            }

            log.Add($"n={n} total={total}");
        }

        return total;
    }

    // first is live across the second yield: it stays a field. second is a step local, read in a finally.
    [Coroutine]
    public static async Coroutine<int> TwoInARow(List<string> log, Yielder<int, int> co)
    {
        int first = await co.Yield(1);
        try
        {
            int second = await co.Yield(first);
            try
            {
                log.Add("second " + second);
                if (second < 0)
                {
                    throw new InvalidOperationException("negative " + second);
                }
            }
            finally
            {
                log.Add("finally sees " + second);
            }

            return first + second;
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            return -1;
        }
    }

    // A lambda captures x: it must stay a field (and a box per iteration).
    [Coroutine]
    public static async Coroutine<int> Captured(List<Func<int>> readers, Yielder<int, int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            int x = await co.Yield(i);
            readers.Add(() => x * 10);
        }

        return readers.Count;
    }

    // buffer and sum are used only before the first yield, and copy is reassigned after each yield before it is read: all
    // three are dead at every suspension point, so they are locals of Resume and a suspended coroutine keeps nothing they
    // refer to alive. kept is read after the yield: a field.
    [Coroutine]
    public static async Coroutine<int> DeadBeforeTheYield(List<WeakReference> buffers, Yielder<int, int> co)
    {
        byte[] buffer = new byte[1 << 16];
        buffers.Add(new WeakReference(buffer));
        int sum = buffer.Length;
        int kept = sum / 1024;
        for (int i = 0; i < 3; i++)
        {
            string copy = "step " + i;
            kept += copy.Length;
            kept += await co.Yield(kept);
        }

        return kept;
    }

    // x is dead at the yields, but declared in checked and unchecked blocks that suspend, which are lowered line by line:
    // it stays a field (declared in place, it would end with its line: CS0103).
    [Coroutine]
    public static async Coroutine<int> DeadInCheckedBlocks(List<string> log, Yielder<int, int> co)
    {
        int g = await co.Yield(0);
        checked
        {
            int x = g * 2;
            await co.Yield(x);
            x = g + (int.MaxValue / 2);
            log.Add("checked " + x);
        }

        unchecked
        {
            int y = g * 3;
            await co.Yield(y);
            y = g + int.MaxValue;
            log.Add("unchecked " + y);
        }

        return g;
    }

    // The writes of x after the yield sit in arguments of calls the compiler removes, so x keeps its value from before
    // the yield: it stays a field (declared in place, it would be read unassigned: CS0165).
    [Coroutine]
    public static async Coroutine<int> WrittenOnlyInRemovedCalls(List<string> log, Yielder<int, int> co)
    {
        int x = log.Count + 3;
        await co.Yield(x);
        NeverCalled((x = 5) > 0);
        System.Diagnostics.Debug.Assert((x = 6) > 0);
        NotImplemented(x = 8);
        log.Add("x " + x);
        return x;
    }

    [System.Diagnostics.Conditional("COROGEN_NEVER_DEFINED")]
    private static void NeverCalled(bool value)
    {
    }

    static partial void NotImplemented(int value);

    // The declaration is followed by a suspension point in its own block: it stays a field.
    [Coroutine]
    public static async Coroutine<int> LiveAcross(Yielder<int, int> co)
    {
        int a = await co.Yield(0);
        await co.Yield(a + 1);
        return a;
    }
}

public sealed class StepLocalTests
{
    public static IEnumerable<object[]> Scripts() =>
        DifferentialTests.Scripts(5).Concat(new[]
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(3), CoroutineOp.Send(4), CoroutineOp.Send(5), CoroutineOp.Send(6), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(3), CoroutineOp.Send(-4), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send(3), CoroutineOp.Close },
        }).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Scripts))]
    public void AgreeWithTheOracle(CoroutineOp[] script)
    {
        Assert.Equal(
            CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.Accumulate(log, co)), script),
            CoroutineDriver.Trace(log => StepLocalTemplates.Accumulate(log), script));
        Assert.Equal(
            CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.TwoInARow(log, co)), script),
            CoroutineDriver.Trace(log => StepLocalTemplates.TwoInARow(log), script));
        Assert.Equal(
            CoroutineDriver.Trace(_ => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.DeadBeforeTheYield(new List<WeakReference>(), co)), script),
            CoroutineDriver.Trace(_ => StepLocalTemplates.DeadBeforeTheYield(new List<WeakReference>()), script));
        Assert.Equal(
            CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.DeadInCheckedBlocks(log, co)), script),
            CoroutineDriver.Trace(log => StepLocalTemplates.DeadInCheckedBlocks(log), script));
        Assert.Equal(
            CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.WrittenOnlyInRemovedCalls(log, co)), script),
            CoroutineDriver.Trace(log => StepLocalTemplates.WrittenOnlyInRemovedCalls(log), script));
        Assert.Equal(
            CoroutineDriver.Trace(_ => TemplateOracle.Run<int, int, int>(co => StepLocalTemplates.LiveAcross(co)), script),
            CoroutineDriver.Trace(_ => StepLocalTemplates.LiveAcross(), script));
    }

    [Fact]
    public void EachClosureKeepsItsOwnIterationsValue()
    {
        var readers = new List<Func<int>>();
        var coroutine = StepLocalTemplates.Captured(readers);
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.Send(1));
        Assert.True(coroutine.Send(2));
        Assert.False(coroutine.Send(3));
        Assert.Equal(new[] { 10, 20, 30 }, readers.Select(r => r()));
    }

    [Theory]
    [InlineData(typeof(StepLocalTemplates.AccumulateCoroutine), "total", "n")]
    [InlineData(typeof(StepLocalTemplates.TwoInARowCoroutine), "first", "second")]
    [InlineData(typeof(StepLocalTemplates.LiveAcrossCoroutine), "a", null)]
    public void OnlyLocalsLiveAtASuspensionPointAreFields(Type generated, string field, string? stepLocal)
    {
        string[] fields = generated.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => f.Name).ToArray();
        Assert.Contains(field, fields);
        if (stepLocal is not null)
        {
            Assert.DoesNotContain(fields, f => f.StartsWith(stepLocal, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void LocalsDeadAtEverySuspensionPointAreNotFields_SoASuspendedCoroutineDoesNotKeepTheirObjectsAlive()
    {
        string[] fields = typeof(StepLocalTemplates.DeadBeforeTheYieldCoroutine).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => f.Name).ToArray();
        Assert.Contains("kept", fields);
        Assert.Contains("i", fields);
        Assert.DoesNotContain(fields, f => f is "buffer" or "sum" or "copy");

        var buffers = new List<WeakReference>();
        var coroutine = StepLocalTemplates.DeadBeforeTheYield(buffers);
        Assert.True(coroutine.MoveNext());
        Assert.Equal(64 + 6, coroutine.Current);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(buffers.Single().IsAlive, "the suspended coroutine keeps the buffer alive");
        Assert.True(coroutine.Send(1));
        Assert.True(coroutine.Send(2));
        Assert.False(coroutine.Send(3));
        Assert.Equal(64 + 6 + 1 + 6 + 2 + 6 + 3, coroutine.Result);
        GC.KeepAlive(coroutine);
    }

    [Fact]
    public void ACapturedLocalStaysAField()
    {
        string[] fields = typeof(StepLocalTemplates.CapturedCoroutine).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => f.Name).ToArray();
        Assert.Contains(fields, f => f.StartsWith("x", StringComparison.Ordinal));
    }
}
