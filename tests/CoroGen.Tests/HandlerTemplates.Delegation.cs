using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Delegation, YieldAll and filters around moved handlers.
public static partial class HandlerTemplates
{
    [Coroutine]
    public static async Coroutine<int> CleanupSteps(List<string> log, Yielder<int> co)
    {
        await co.Yield(70);
        log.Add("cleanup sub");
        await co.Yield(71);
        return 7;
    }

    [Coroutine]
    public static async Coroutine<int> CatchingSub(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(70);
        }
        catch (FormatException e)
        {
            log.Add("sub caught " + e.Message);
        }

        await co.Yield(71);
        return 7;
    }

    // Close, the exit caught, then a delegation that yields: Close reports the ignored exit and the coroutine stays
    // suspended inside the delegation, which from then on gets what the driver sends, throws or closes, as any other
    // (found by the CPython differential fuzzer: a Throw after such a Close was raised in the delegator, not the sub).
    [Coroutine]
    public static async Coroutine<int> DelegateAfterCatchingTheExit(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("caught the exit");
        }

        int r = await CatchingSub(log, co);
        log.Add("sub returned " + r);
        return r;
    }

    // The same when a finally replaces the exit with an exception that an outer catch handles.
    [Coroutine]
    public static async Coroutine<int> DelegateAfterAFinallyReplacesTheExit(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                log.Add("finally throws");
                throw new FormatException("replaces the exit");
            }
        }
        catch (FormatException e)
        {
            log.Add("caught " + e.Message);
        }

        int r = await CatchingSub(log, co);
        log.Add("sub returned " + r);
        return r;
    }

    [Coroutine]
    public static async Coroutine DelegateInFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            int r = await CleanupSteps(log, co);
            log.Add("sub returned " + r);
        }
    }

    [Coroutine]
    public static async Coroutine DelegateInCatch(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e)
        {
            int r = await CleanupSteps(log, co);
            log.Add("sub returned " + r + " for " + e.Message);
        }
    }

    [Coroutine]
    public static async Coroutine YieldAllInFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            await co.YieldAll(new[] { 5, 6 });
            log.Add("yielded all");
        }
    }

    [Coroutine]
    public static async Coroutine FilterOrderAroundSuspendingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                log.Add("inner finally");
                await co.Yield(2);
            }
        }
        catch (InvalidOperationException e) when (Note(log, "outer filter " + e.Message))
        {
            log.Add("outer handler");
        }
    }

    [Coroutine]
    public static async Coroutine SwitchSectionSharesLocals(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 2; i++)
        {
            switch (i)
            {
                case 0:
                    int shared = 10;
                    await co.Yield(shared);
                    log.Add("zero " + shared);
                    break;
                case 1:
                    shared = 20;
                    await co.Yield(shared);
                    log.Add("one " + shared);
                    break;
            }
        }
    }

    // Copied if statements in sibling blocks, flattened to one level, each declaring a pattern variable `n`.
    [Coroutine]
    public static async Coroutine SiblingIfPatternVariables(List<string> log, Yielder<int> co)
    {
        object first = 1, second = "two";
        {
            if (first is int n) log.Add("first " + n);
            await co.Yield(1);
        }

        {
            if (second is string n) log.Add("second " + n);
            await co.Yield(2);
        }
    }

    [Coroutine]
    public static async Coroutine CatchWithoutVariableRethrows(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            catch (InvalidOperationException)
            {
                await co.Yield(2);
                throw;
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add("outer got " + e.Message);
        }
    }
}
