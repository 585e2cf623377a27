using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using CoroGen;

namespace CoroGen.Tests;

// Templates with suspension points inside catch and finally blocks, pending exits through moved-out finally blocks,
// REWRITE-DESIGN.md section 7 cases 1-14. Each logs its side effects so the differential tests can compare the generated
// class with the oracle trace for trace. Names starting with "Case" carry the section 7 case number.
public static partial class HandlerTemplates
{
    // ---- Section 7 ----

    // 1. A yield in a loop in a try in a loop in a try: resuming re-dispatches through two try entries and two flattened loops.
    [Coroutine]
    public static async Coroutine Case01_NestedLoopsAndTries(List<string> log, Yielder<int> co)
    {
        try
        {
            for (int i = 0; i < 2; i++)
            {
                try
                {
                    int j = 0;
                    while (j < 2)
                    {
                        await co.Yield(i * 10 + j);
                        log.Add($"i={i} j={j}");
                        j++;
                    }
                }
                finally
                {
                    log.Add("inner finally " + i);
                }
            }
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    // 2. break out of two nested try/finally levels (both finally blocks suspend) after a resume: inner, outer, after.
    [Coroutine]
    public static async Coroutine Case02_BreakThroughTwoFinallys(List<string> log, Yielder<int> co)
    {
        int n = 0;
        while (true)
        {
            try
            {
                try
                {
                    await co.Yield(1);
                    n++;
                    if (n == 2) break;
                }
                finally
                {
                    log.Add("inner finally");
                    await co.Yield(2);
                }
            }
            finally
            {
                log.Add("outer finally");
                await co.Yield(3);
            }

            log.Add("loop again");
        }

        log.Add("after the loop");
    }

    // 2b. The same with finally blocks that do not suspend, around a suspension point.
    [Coroutine]
    public static async Coroutine Case02_BreakThroughTwoPlainFinallys(List<string> log, Yielder<int> co)
    {
        while (true)
        {
            try
            {
                try
                {
                    await co.Yield(1);
                    break;
                }
                finally
                {
                    log.Add("inner finally");
                }
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        log.Add("after the loop");
    }

    // 3. continue out of try/finally in a for: the finally, then the incrementor, every iteration.
    [Coroutine]
    public static async Coroutine Case03_ContinueThroughFinally(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 3; log.Add("increment " + i++))
        {
            try
            {
                await co.Yield(i);
                if (i != 1) continue;
                log.Add("body end " + i);
            }
            finally
            {
                log.Add("finally " + i);
                await co.Yield(100 + i);
            }
        }
    }

    // 4. C# forbids `return` in a finally block (CS0157), so "finally returns 2" cannot be written; the nearest case:
    // `return 1` in a try whose finally suspends and changes state: the result stays 1, the finally runs once.
    [Coroutine]
    public static async Coroutine<int> Case04_ReturnThroughSuspendingFinally(List<string> log, Yielder<int> co)
    {
        int value = 1;
        try
        {
            await co.Yield(0);
            return value;
        }
        finally
        {
            value = 2;
            log.Add("finally sees " + value);
            await co.Yield(value);
        }
    }

    // 5. Close while suspended in try/finally: the finally runs exactly once; afterwards the coroutine is finished.
    [Coroutine]
    public static async Coroutine Case05_CloseRunsFinallyOnce(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        finally
        {
            log.Add("finally");
        }

        await co.Yield(3);
    }

    // 6. Close while suspended outside any try: no user code runs.
    [Coroutine]
    public static async Coroutine Case06_CloseOutsideTry(List<string> log, Yielder<int> co)
    {
        int count = 0;
        await co.Yield(1);
        count++;
        log.Add("count " + count);
        await co.Yield(2);
    }

    // 7. Close where the finally yields: Close throws "ignored", the coroutine is suspended at that yield.
    [Coroutine]
    public static async Coroutine Case07_FinallyYieldsDuringClose(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally starts");
            await co.Yield(2);
            log.Add("finally ends");
        }

        log.Add("after");
    }

    // 8. Close where the finally throws X: Close propagates X and the coroutine is finished.
    [Coroutine]
    public static async Coroutine Case08_FinallyThrowsDuringClose(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally");
            throw new FormatException("from finally");
        }
    }

    // 9. Suspending inside try/finally must not run the finally.
    [Coroutine]
    public static async Coroutine Case09_SuspendingSkipsFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            log.Add("try");
            await co.Yield(1);
            log.Add("resumed");
            await co.Yield(2);
        }
        finally
        {
            log.Add("finally");
            await co.Yield(3);
        }
    }

    // 10. Throw(e) into try ... catch (E) when (f): f sees e; a false f lets e propagate; f runs before inner finally blocks.
    [Coroutine]
    public static async Coroutine Case10_FilterRunsFirst(List<string> log, Yielder<int> co)
    {
        for (int round = 0; round < 2; round++)
        {
            try
            {
                try
                {
                    await co.Yield(round);
                }
                finally
                {
                    log.Add("inner finally");
                }
            }
            catch (InvalidOperationException e) when (Note(log, $"filter {round} sees {e.Message}") && round == 0)
            {
                log.Add("handler " + e.Message);
                await co.Yield(50 + round);
                log.Add("handler resumed");
            }
        }
    }

    // 11. A catch that yields, then `throw;`: the original exception object (and its stack trace) leaves the coroutine.
    [Coroutine]
    public static async Coroutine Case11_RethrowAfterYield(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            await co.Yield(2);
            log.Add("rethrowing");
            throw;
        }
    }

    // 12. A finally that yields twice with a pending exception: afterwards the original exception is rethrown intact.
    [Coroutine]
    public static async Coroutine Case12_FinallyYieldsTwiceWithPendingException(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            log.Add("no exception");
        }
        finally
        {
            await co.Yield(2);
            log.Add("between");
            await co.Yield(3);
            log.Add("finally done");
        }
    }

    // 13. A finally that yields while a break to an outer loop is pending; on another path a pending return value.
    [Coroutine]
    public static async Coroutine<int> Case13_PendingBreakAndReturn(List<string> log, Yielder<int> co)
    {
        for (int outer = 0; outer < 3; outer++)
        {
            for (int inner = 0; ; inner++)
            {
                try
                {
                    int sent = inner + outer;
                    await co.Yield(sent);
                    if (outer == 0 && inner == 1) break;
                    if (outer == 1) goto NextOuter;
                    if (outer == 2) return 40 + inner;
                }
                finally
                {
                    log.Add($"finally {outer}/{inner}");
                    await co.Yield(-1);
                }
            }

            log.Add("after inner " + outer);
        NextOuter:
            log.Add("next outer " + outer);
        }

        return -99;
    }

    // 14. catch (Exception) around a yield, then Close: the exit is not swallowed (the documented difference with the oracle).
    [Coroutine]
    public static async Coroutine Case14_CatchAllLetsCloseThrough(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
            await co.Yield(2);
        }
        finally
        {
            log.Add("finally");
        }
    }

    // 11, with a real stack trace: the exception comes from a helper; `throw;` after the catch block yields keeps its frames.
    [Coroutine]
    public static async Coroutine Case11_RethrowKeepsTheTrace(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            FailInHelper();
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            await co.Yield(2);
            throw;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void FailInHelper() => throw new InvalidOperationException("from the helper");

    internal static bool Note(List<string> log, string text)
    {
        log.Add(text);
        return true;
    }
}
