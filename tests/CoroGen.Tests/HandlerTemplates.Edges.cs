using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Edge shapes: tuple switches, returns from checked blocks, using in switch sections, nested moved handlers in loops.
public static partial class HandlerTemplates
{
    [Coroutine]
    public static async Coroutine<string> SwitchOnTuple(List<string> log, Yielder<int> co)
    {
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                switch (a, b)
                {
                    case (0, 0):
                        await co.Yield(0);
                        break;
                    case (1, var second) when second == 1:
                        await co.Yield(11);
                        return "found " + second;
                    case var (x, y):
                        log.Add($"pair {x},{y}");
                        await co.Yield(x * 10 + y);
                        break;
                }
            }
        }

        return "none";
    }

    [Coroutine]
    public static async Coroutine<int> ReturnFromCheckedBlock(List<string> log, Yielder<int> co)
    {
        int value = int.MaxValue - 2;
        checked
        {
            while (true)
            {
                await co.Yield(value);
                if (value == int.MaxValue) return value;
                value++;
            }
        }
    }

    [Coroutine]
    public static async Coroutine UsingInSwitchSection(List<string> log, Yielder<int> co)
    {
        switch (log.Count)
        {
            case 0:
            {
                using (var probe = new Templates.Probe(log, "section"))
                {
                    await co.Yield(1);
                }

                using var second = new Templates.Probe(log, "declared");
                await co.Yield(2);
                break;
            }
        }

        log.Add("after");
    }

    [Coroutine]
    public static async Coroutine MovedHandlersInNestedLoops(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 2; i++)
        {
            foreach (string s in new[] { "a", "b" })
            {
                try
                {
                    await co.Yield(i);
                    if (s == "b") continue;
                    log.Add("got " + s + i);
                }
                catch (InvalidOperationException e) when (i == 0)
                {
                    await co.Yield(-1);
                    log.Add("handled " + e.Message + " at " + s);
                    break;
                }
                finally
                {
                    await co.Yield(100 + i);
                }
            }
        }
    }

    // A finally that throws replaces the pending return of its try, as in C# and Python. Once the exception is caught
    // outside, the forgotten return must stay forgotten, also when a later finally suspends (found by the CPython
    // differential fuzzer: the generated class returned 10 at the end of the outer finally).
    [Coroutine]
    public static async Coroutine<int> FinallyThrowDiscardsPendingReturn(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
                return 10;
            }
            finally
            {
                log.Add("inner finally throws");
                throw new FormatException("replaces the return");
            }
        }
        catch (FormatException e)
        {
            log.Add("caught " + e.Message);
        }
        finally
        {
            await co.Yield(2);
        }

        log.Add("after");
        await co.Yield(3);
        return 20;
    }

    // The same with a pending break: the exception from the finally replaces it, and the loop goes on.
    [Coroutine]
    public static async Coroutine<int> FinallyThrowDiscardsPendingBreak(List<string> log, Yielder<int> co)
    {
        int rounds = 0;
        for (int i = 0; i < 2; i++)
        {
            try
            {
                try
                {
                    await co.Yield(i);
                    break;
                }
                finally
                {
                    throw new FormatException("replaces the break " + i);
                }
            }
            catch (FormatException e)
            {
                log.Add("caught " + e.Message);
            }
            finally
            {
                await co.Yield(10 + i);
            }

            rounds++;
        }

        return rounds;
    }
}
