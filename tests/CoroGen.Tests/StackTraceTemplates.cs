using System;
using System.Runtime.CompilerServices;
using CoroGen;

namespace CoroGen.Tests;

// Templates whose exceptions the stack-trace tests inspect. A comment "// line: name" marks each line a test expects
// in a stack trace; the tests find the numbers by reading this file, so editing it cannot silently skew them.
public static partial class StackTraceTemplates
{
    /// <summary>The path of this file, as the compiler saw it.</summary>
    public static string SourcePath() => Here();

    private static string Here([CallerFilePath] string path = "") => path;

    [Coroutine]
    public static async Coroutine ThrowsAfterYield(Yielder<int> co)
    {
        await co.Yield(1);
        int[] values = new[] { 1, 2 };
        await co.Yield(values.Length);
        throw new InvalidOperationException("thrown by the template"); // line: throw
    }

    [Coroutine]
    public static async Coroutine ThrowsInABlock(bool fail, Yielder<int> co)
    {
        await co.Yield(1);
        if (fail)
        {
            // A comment and a blank line between the statement's first line and the throw: the copied
            // statement keeps its line structure, so the lines after its #line directive still match.

            Cleanups += 0;
            throw new ArgumentException("deep in a block"); // line: deep throw
        }
    }

    [Coroutine]
    public static async Coroutine ThrowsAfterDisabledLines(bool fail, Yielder<int> co)
    {
        await co.Yield(1);
        if (fail)
        {
            // Lines switched off by #if in a statement copied whole: the copy keeps their line breaks, or the throw's line
            // would be reported three lines early.
#if COROGEN_NEVER_DEFINED
            Cleanups += 1;
            Cleanups += 2;
            Cleanups += 3;
#endif
            throw new ArgumentException("after disabled lines"); // line: after disabled lines
        }
    }

    // The exception that leaves a try whose finally suspends is raised again after it, and a resource's failing Dispose is
    // called by generated cleanup: neither shows a frame of the runtime's helpers.
    [Coroutine]
    public static async Coroutine FailsThroughASuspendingFinally(Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            throw new InvalidOperationException("left the try"); // line: left the try
        }
        finally
        {
            await co.Yield(2);
        } // line: finally end
    }

    [Coroutine]
    public static async Coroutine FailsInDispose(Yielder<int> co)
    { // line: fails in dispose open
        using (new FailingDisposable())
        {
            await co.Yield(1);
        } // line: using end
    }

    private sealed class FailingDisposable : IDisposable
    {
        public void Dispose() => throw new ObjectDisposedException("resource");
    }

    [Coroutine]
    public static async Coroutine FailsInAHelper(Yielder<int> co)
    {
        await co.Yield(1);
        string? missing = null;
        await co.Yield(Length(missing!)); // line: helper call
    }

    private static int Length(string text) => text.Length;

    public static int Cleanups { get; set; }

    [Coroutine]
    public static async Coroutine Waits(Yielder<int> co)
    {
        try
        {
            await co.Yield(1); // line: waits in try
        }
        finally
        {
            Cleanups++;
        }
    }

    [Coroutine]
    public static async Coroutine ThrowsInCatch(bool suspendInCatch, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            throw new InvalidOperationException("first");
        }
        catch (InvalidOperationException e)
            when (e.Message.Length > 0)
        {
            if (suspendInCatch)
                await co.Yield(2);
            throw new ArgumentException("from the catch", e); // line: catch throw
        }
    }

    [Coroutine]
    public static async Coroutine ThrowsInFinally(Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            Cleanups++;
            throw new NotSupportedException("from the finally"); // line: finally throw
        }
    }

    // A finally that throws after the try suspended, and a resource whose Dispose throws, run by MoveNext (the body leaves
    // the region) or by Close() (the body leaves for Close): the trace names the throwing line, with no frame without one.
    [Coroutine]
    public static async Coroutine FinallyThrowsAfterYield(Yielder<int> co)
    { // line: finally throws open
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        finally
        {
            Cleanups++;
            throw new NotSupportedException("from the finally"); // line: finally throws after yield
        }
    }

    [Coroutine]
    public static async Coroutine DisposeThrowsAfterYield(Yielder<int> co)
    { // line: using dispose open
        using (var resource = new FailingDisposable())
        {
            await co.Yield(1);
            await co.Yield(2);
        } // line: using dispose throws
    }

    [Coroutine]
    public static async Coroutine UsingDeclarationDisposeThrows(Yielder<int> co)
    { // line: using declaration open
        using var resource = new FailingDisposable();
        await co.Yield(1);
        await co.Yield(2);
    } // line: using declaration dispose throws

    [Coroutine]
    public static async Coroutine<int> Innermost(int divisor, Yielder<int> co)
    {
        await co.Yield(1);
        return 100 / divisor; // line: innermost
    }

    [Coroutine]
    public static async Coroutine<int> Middle(int divisor, Yielder<int> co)
    {
        await co.Yield(0);
        int result = await Innermost(divisor, co); // line: middle
        return result + 1;
    }

    [Coroutine]
    public static async Coroutine Outer(int divisor, Yielder<int> co)
    {
        int result = await Middle(divisor, co); // line: outer
        await co.Yield(result);
    }
}
