using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Catch and finally blocks that suspend, in many shapes.
public static partial class HandlerTemplates
{
    [Coroutine]
    public static async Coroutine CatchYieldsThenContinues(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            log.Add("try done");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            await co.Yield(2);
            log.Add("handler done");
        }

        await co.Yield(3);
        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine CatchFilterReadsVariable(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e) when (Note(log, "filter " + e.Message) && e.Message.Length > 2)
        {
            await co.Yield(e.Message.Length);
            log.Add("handled " + e.Message);
        }
        catch (FormatException e) when (e.Message == "never")
        {
            log.Add("not this one");
        }
    }

    [Coroutine]
    public static async Coroutine TwoMovedCatches(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 2; i++)
        {
            try
            {
                await co.Yield(i);
            }
            catch (InvalidOperationException e)
            {
                await co.Yield(10 + i);
                log.Add("ioe " + e.Message);
            }
            catch (FormatException e)
            {
                await co.Yield(20 + i);
                log.Add("fmt " + e.Message);
            }
        }
    }

    [Coroutine]
    public static async Coroutine MovedAndPlainCatches(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        catch (FormatException e)
        {
            log.Add("plain " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            log.Add("moved " + e.Message);
            await co.Yield(3);
        }
    }

    [Coroutine]
    public static async Coroutine CatchExitAndYield(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("exit caught");
            await co.Yield(2);
            log.Add("after the ignored exit");
        }
    }

    [Coroutine]
    public static async Coroutine CatchExitAndReturn(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        catch (CoroutineExitException e)
        {
            log.Add("exit caught " + (e is not null));
            return;
        }

        log.Add("not closed");
    }

    [Coroutine]
    public static async Coroutine BreakFromMovedCatch(List<string> log, Yielder<int> co)
    {
        int i = 0;
        while (true)
        {
            try
            {
                await co.Yield(i++);
            }
            catch (InvalidOperationException)
            {
                await co.Yield(-1);
                log.Add("breaking");
                break;
            }
            finally
            {
                log.Add("finally " + i);
            }

            if (i > 3) break;
        }

        log.Add("after loop");
    }

    [Coroutine]
    public static async Coroutine<int> ReturnFromMovedCatch(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            return 1;
        }
        catch (InvalidOperationException e)
        {
            int length = e.Message.Length;
            await co.Yield(length);
            return length * 10;
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine NestedMovedCatch(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException outer)
        {
            try
            {
                await co.Yield(2);
                log.Add("inner try " + outer.Message);
            }
            catch (FormatException inner)
            {
                await co.Yield(3);
                log.Add("inner " + inner.Message + " outer " + outer.Message);
            }
        }
    }

    [Coroutine]
    public static async Coroutine RethrowFromTryInsideHandler(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e)
        {
            await co.Yield(2);
            try
            {
                log.Add("inner try");
                if (e.Message.Length > 0) throw;
            }
            finally
            {
                log.Add("inner finally");
            }
        }
    }

    [Coroutine]
    public static async Coroutine CatchInsideHandlerRethrowsItsOwn(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException)
        {
            await co.Yield(2);
            try
            {
                throw new FormatException("second");
            }
            catch (FormatException f)
            {
                log.Add("own " + f.Message);
            }

            throw;
        }
    }

    [Coroutine]
    public static async Coroutine HandlerThrowsNewException(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
            }
            catch (InvalidOperationException e)
            {
                await co.Yield(2);
                throw new FormatException("wrapped " + e.Message);
            }
        }
        catch (FormatException f)
        {
            log.Add("outer " + f.Message);
        }
    }

    [Coroutine]
    public static async Coroutine MovedCatchWithSuspendingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            log.Add("try end");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            await co.Yield(2);
        }
        finally
        {
            log.Add("finally");
            await co.Yield(3);
            log.Add("finally end");
        }

        log.Add("after");
    }

    [Coroutine]
    public static async Coroutine PlainCatchWithSuspendingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        finally
        {
            await co.Yield(2);
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine SuspendingFinallyWithoutSuspendingTry(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            try
            {
                log.Add("try " + i);
                if (i == 1) continue;
                if (i == 2) throw new FormatException("at two");
            }
            finally
            {
                await co.Yield(i);
                log.Add("finally " + i);
            }
        }
    }

    [Coroutine]
    public static async Coroutine<int> ThreeFinallysAndReturn(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                try
                {
                    await co.Yield(1);
                    return 7;
                }
                finally
                {
                    log.Add("first");
                    await co.Yield(2);
                }
            }
            finally
            {
                log.Add("second");
            }
        }
        finally
        {
            log.Add("third");
            await co.Yield(3);
        }
    }

    [Coroutine]
    public static async Coroutine GotoOutOfTwoFinallys(List<string> log, Yielder<int> co)
    {
        int round = 0;
    Again:
        round++;
        try
        {
            try
            {
                await co.Yield(round);
                if (round < 3) goto Again;
            }
            finally
            {
                await co.Yield(-round);
                log.Add("inner " + round);
            }
        }
        finally
        {
            log.Add("outer " + round);
        }

        log.Add("done");
    }

    [Coroutine]
    public static async Coroutine SuspendingFinallyInUsing(List<string> log, Yielder<int> co)
    {
        using (new Templates.Probe(log, "resource"))
        {
            try
            {
                await co.Yield(1);
            }
            finally
            {
                await co.Yield(2);
                log.Add("finally");
            }
        }
    }

    [Coroutine]
    public static async Coroutine SuspendingFinallyInForeach(List<string> log, Yielder<int> co)
    {
        foreach (int x in new List<int> { 1, 2, 3 })
        {
            try
            {
                await co.Yield(x);
                if (x == 2) break;
            }
            finally
            {
                await co.Yield(x * 10);
                log.Add("finally " + x);
            }
        }

        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine ContinueWhileThroughFinally(List<string> log, Yielder<int> co)
    {
        int i = 0;
        while (i < 4)
        {
            i++;
            try
            {
                if (i % 2 == 0) continue;
                await co.Yield(i);
            }
            finally
            {
                log.Add("finally " + i);
                if (i == 3) await co.Yield(33);
            }

            log.Add("body end " + i);
        }
    }

    [Coroutine]
    public static async Coroutine BareCatchYields(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch
        {
            log.Add("bare catch");
            await co.Yield(2);
        }
    }

    [Coroutine]
    public static async Coroutine FilterFalseNeverRunsHandler(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException) when (Note(log, "filter") && false)
        {
            await co.Yield(2);
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine ExceptionInsideSuspendingFinallyReplaces(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
                throw new InvalidOperationException("first");
            }
            finally
            {
                await co.Yield(2);
                throw new FormatException("second");
            }
        }
        catch (Exception e) when (e is not CoroutineExitException)
        {
            log.Add("got " + e.Message);
        }
    }

    [Coroutine]
    public static async Coroutine ThrowInsideCatchYieldLoop(List<string> log, Yielder<int> co)
    {
        int attempts = 0;
        while (attempts < 3)
        {
            try
            {
                attempts++;
                await co.Yield(attempts);
                log.Add("ok " + attempts);
                break;
            }
            catch (InvalidOperationException e)
            {
                log.Add("retry after " + e.Message);
                await co.Yield(100 + attempts);
            }
        }
    }

    [Coroutine]
    public static async Coroutine FinallyYieldsInLoopInsideFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            for (int i = 0; i < 2; i++)
            {
                await co.Yield(10 + i);
                log.Add("cleanup step " + i);
            }
        }
    }
}
