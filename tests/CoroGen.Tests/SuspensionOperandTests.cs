using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit;

namespace CoroGen.Tests;

// Templates whose yielded value or awaited sub is computed by code that throws or calls back into the coroutine.
public static partial class OperandTemplates
{
    [Coroutine]
    public static async Coroutine ThrowingYieldOperand(List<string> log, string? text, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(text!.Length);
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine NullSub(List<string> log, Coroutine<int, Unit, Unit>? sub, Yielder<int> co)
    {
        using (new CloseTemplates.Logged(log, "disposed"))
        {
            await co.Yield(1);
            await sub!;
        }
    }

    [Coroutine]
    public static async Coroutine ReentrantOperand(List<string> log, StrongBox<Coroutine<int, Unit, Unit>?> self, Yielder<int> co)
    {
        await co.Yield(1);
        await co.Yield(CallBack(log, self.Value!));
        log.Add("after the second yield");
    }

    [Coroutine]
    public static async Coroutine NullablePairs(Yielder<(int, string)?> co)
    {
        (int, string)? pair = null;
        await co.Yield(pair);
        for (int i = 1; i <= 2; i++)
        {
            pair = (i, new string('x', i));
            await co.Yield(pair);
        }

        pair = null;
        await co.Yield(pair);
    }

    private static int CallBack(List<string> log, Coroutine<int, Unit, Unit> coroutine)
    {
        try
        {
            coroutine.MoveNext();
            log.Add("re-entered");
        }
        catch (InvalidOperationException)
        {
            log.Add("refused: " + coroutine.State);
        }

        return 2;
    }
}

/// <summary>
/// A suspension point records its resume point only once what it yields or delegates to has been computed: until then the
/// body is Running, so an exception there unwinds through the template's finally blocks, and a call back into the
/// coroutine is refused.
/// </summary>
public sealed class SuspensionOperandTests
{
    [Fact]
    public void AYieldOperandThatThrowsRunsTheFinallyBlocksAndFaults()
    {
        var log = new List<string>();
        var coroutine = OperandTemplates.ThrowingYieldOperand(log, null);
        Assert.True(coroutine.MoveNext());

        Assert.Throws<NullReferenceException>(() => coroutine.MoveNext());

        Assert.Equal(new[] { "finally" }, log);
        Assert.Equal(CoroutineState.Faulted, coroutine.State);
        Assert.False(coroutine.MoveNext());
    }

    [Fact]
    public void AwaitingANullSubDisposesTheResourceAndFaults()
    {
        var log = new List<string>();
        var coroutine = OperandTemplates.NullSub(log, null);
        Assert.True(coroutine.MoveNext());

        ArgumentNullException e = Assert.Throws<ArgumentNullException>(() => coroutine.MoveNext());

        Assert.Contains("awaited a null coroutine", e.Message);
        Assert.Equal(new[] { "disposed" }, log);
        Assert.Equal(CoroutineState.Faulted, coroutine.State);
    }

    [Fact]
    public void ANullableLocalYieldsTheValueItHoldsAtTheYield()
    {
        // The generated code reads it member by member (CoroutineLowering.Fieldwise): the values must be exactly these.
        Assert.Equal(new (int, string)?[] { null, (1, "x"), (2, "xx"), null }, OperandTemplates.NullablePairs().ToArray());
    }

    [Fact]
    public void AYieldOperandThatCallsBackIntoTheCoroutineIsRefused()
    {
        var log = new List<string>();
        var self = new StrongBox<Coroutine<int, Unit, Unit>?>();
        var coroutine = OperandTemplates.ReentrantOperand(log, self);
        self.Value = coroutine;
        Assert.True(coroutine.MoveNext());

        Assert.True(coroutine.MoveNext());

        Assert.Equal(2, coroutine.Current);
        Assert.Equal(new[] { "refused: Running" }, log);
        Assert.False(coroutine.MoveNext());
        Assert.Equal(new[] { "refused: Running", "after the second yield" }, log);
    }
}
