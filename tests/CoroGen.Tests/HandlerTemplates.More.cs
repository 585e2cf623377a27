using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

// More shapes: exits from moved catch blocks through suspending finally blocks, goto case through a finally, closures
// over catch variables, and exceptions pending at two levels.
public static partial class HandlerTemplates
{
    [Coroutine]
    public static async Coroutine<int> ReturnFromCatchThroughSuspendingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            return 1;
        }
        catch (InvalidOperationException e)
        {
            await co.Yield(2);
            log.Add("returning from catch " + e.Message);
            return 2;
        }
        finally
        {
            log.Add("finally");
            await co.Yield(3);
        }
    }

    [Coroutine]
    public static async Coroutine CloseInsideMovedCatchRunsFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            catch (FormatException e)
            {
                log.Add("handler " + e.Message);
                await co.Yield(2);
                log.Add("handler end");
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

    [Coroutine]
    public static async Coroutine GotoCaseThroughSuspendingFinally(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 2; i++)
        {
            switch (i)
            {
                case 0:
                    try
                    {
                        await co.Yield(0);
                        goto case 5;
                    }
                    finally
                    {
                        log.Add("finally in case 0");
                        await co.Yield(-5);
                    }

                case 5:
                    log.Add("case 5 after " + i);
                    await co.Yield(5);
                    break;
                default:
                    try
                    {
                        await co.Yield(9);
                        goto case 5;
                    }
                    finally
                    {
                        log.Add("finally in default");
                    }
            }
        }
    }

    [Coroutine]
    public static async Coroutine GotoLabelFromMovedCatch(List<string> log, Yielder<int> co)
    {
        int tries = 0;
    Start:
        tries++;
        try
        {
            await co.Yield(tries);
            log.Add("no error on try " + tries);
        }
        catch (InvalidOperationException)
        {
            await co.Yield(-tries);
            if (tries < 3) goto Start;
            log.Add("giving up");
        }
    }

    [Coroutine]
    public static async Coroutine ClosuresOverCatchVariablesInLoop(List<string> log, Yielder<int> co)
    {
        var messages = new List<Func<string>>();
        for (int i = 0; i < 3; i++)
        {
            try
            {
                await co.Yield(i);
                throw new FormatException("error " + i);
            }
            catch (FormatException e) when (e.Message.Length > 0)
            {
                messages.Add(() => e.Message);
                await co.Yield(-i);
            }
        }

        log.Add(string.Join(",", messages.Select(m => m())));
    }

    [Coroutine]
    public static async Coroutine PendingExceptionsAtTwoLevels(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
                throw new FormatException("inner");
            }
            finally
            {
                await co.Yield(2);
                log.Add("inner finally");
            }
        }
        finally
        {
            await co.Yield(3);
            log.Add("outer finally");
        }
    }

    [Coroutine]
    public static async Coroutine SuspendingFinallyCatchesLaterHandler(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                log.Add("finally before the handler");
                await co.Yield(2);
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add("handled " + e.Message);
            await co.Yield(3);
        }
    }

    [Coroutine]
    public static async Coroutine YieldInFinallyInsideMovedCatch(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e)
        {
            try
            {
                await co.Yield(2);
                log.Add("handler body " + e.Message);
            }
            finally
            {
                await co.Yield(3);
                log.Add("finally inside the handler");
            }
        }
    }

    [Coroutine]
    public static async Coroutine<int> ContinueAndReturnThroughThreeLevels(List<string> log, Yielder<int> co)
    {
        int sum = 0;
        for (int i = 0; i < 4; i++)
        {
            try
            {
                try
                {
                    try
                    {
                        await co.Yield(i);
                        if (i == 1) continue;
                        if (i == 3) return sum;
                        sum += i;
                    }
                    finally
                    {
                        log.Add("a" + i);
                        if (i > 0) await co.Yield(100 + i);
                    }
                }
                finally
                {
                    log.Add("b" + i);
                }
            }
            finally
            {
                log.Add("c" + i);
                await co.Yield(200 + i);
            }
        }

        return -1;
    }

    [Coroutine]
    public static async Coroutine SwitchInMovedCatch(List<string> log, Yielder<int> co)
    {
        foreach (int code in new[] { 1, 2 })
        {
            try
            {
                await co.Yield(code);
            }
            catch (InvalidOperationException e)
            {
                switch (code)
                {
                    case 1:
                        await co.Yield(10);
                        log.Add("code one " + e.Message);
                        break;
                    default:
                        await co.Yield(20);
                        throw;
                }
            }
        }
    }

    [Coroutine]
    public static async Coroutine CheckedInsideSuspendingFinally(List<string> log, Yielder<int> co)
    {
        int counter = int.MaxValue;
        try
        {
            await co.Yield(1);
        }
        finally
        {
            checked
            {
                await co.Yield(2);
                try
                {
                    counter++;
                }
                catch (OverflowException)
                {
                    log.Add("overflow in finally");
                }
            }
        }
    }

    [Coroutine]
    public static async Coroutine PatternVariableInMovedCatch(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (Exception e) when (e is InvalidOperationException { Message: var message })
        {
            await co.Yield(message.Length);
            log.Add("message " + message);
        }
    }

    [Coroutine]
    public static async Coroutine UsingDeclarationInsideSuspendingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            using var probe = new Templates.Probe(log, "in finally");
            await co.Yield(2);
            log.Add("finally body");
        }
    }
}
