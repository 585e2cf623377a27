using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// The Task-interop chaos test's templates (compiled by the generator): a main task that spawns, cancels and joins workers, and a
/// worker that runs a random <see cref="InteropPlan"/> of awaits on .NET Tasks and ValueTasks (pending ones completed by other
/// threads, completed ones, faulted ones, cancelled ones), sleeps, reschedules, cancels of siblings and timeout scopes around
/// pending awaits. Everything they see is recorded into an <see cref="InteropWorld"/>, which checks the invariants (see
/// InteropChaosTests.cs). No await sits in a catch or finally block.
/// </summary>
public static partial class InteropChaosTemplates
{
    [Coroutine]
    public static async Coroutine<int> MainTask(InteropMainPlan plan, InteropWorld w, Yielder<LoopRequest> co)
    {
        LoopTask me = co.CurrentTask();
        w.MainStarted(me);
        var handles = new List<LoopTask<int>>();
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            InteropMainStep step = plan.Steps[i];
            w.Log($"main step {i} {step}");
            if (step.Kind == InteropMainStepKind.Spawn)
            {
                LoopTask<int> h = co.Spawn(Worker(step.Worker!, w));
                w.Spawned(h, step.Worker!);
                handles.Add(h);
            }
            else if (step.Kind == InteropMainStepKind.Sleep)
            {
                TimeSpan start = w.Now;
                await co.Sleep(TimeSpan.FromMilliseconds(step.Ms));
                w.MainResumed("sleep");
                w.CheckSlept("main sleep", start, step.Ms);
            }
            else if (step.Kind == InteropMainStepKind.Cancel && handles.Count > 0)
            {
                w.IssueCancel(me, handles[step.Index % handles.Count]);
            }
            else if (step.Kind == InteropMainStepKind.Join && handles.Count > 0)
            {
                LoopTask<int> h = handles[step.Index % handles.Count];
                try
                {
                    int r = await h.Join();
                    w.MainResumed("join");
                    w.JoinReturned(h, r);
                }
                catch (Exception e)
                {
                    w.MainResumed("join");
                    w.JoinRaised(h, e);
                }
            }
            else if (step.Kind == InteropMainStepKind.Wait && handles.Count > 0)
            {
                LoopTask<int> h = handles[step.Index % handles.Count];
                await h.Wait();
                w.MainResumed("wait");
                w.WaitReturned(h);
            }
            else if (step.Kind == InteropMainStepKind.Await)
            {
                int v = await AwaitOne(step.Op!, w);
                w.MainResumed("await");
            }
        }

        if (plan.JoinAllAtEnd)
        {
            for (int i = 0; i < handles.Count; i++)
            {
                LoopTask<int> h = handles[i];
                try
                {
                    int r = await h.Join();
                    w.MainResumed("join");
                    w.JoinReturned(h, r);
                }
                catch (Exception e)
                {
                    w.MainResumed("join");
                    w.JoinRaised(h, e);
                }
            }
        }

        if (plan.Throws)
        {
            throw w.MainFailing();
        }

        w.MainReturning();
        return plan.Value;
    }

    [Coroutine]
    public static async Coroutine<int> Worker(InteropPlan plan, InteropWorld w, Yielder<LoopRequest> co)
    {
        LoopTask me = co.CurrentTask();
        w.WorkerStarted(me, plan);
        try
        {
            for (int i = 0; i < plan.Ops.Count; i++)
            {
                InteropOp op = plan.Ops[i];
                w.Log($"t{me.Id} op{i} {op}");
                if (op.Kind == InteropOpKind.Await)
                {
                    int v = await AwaitOne(op, w);
                }
                else if (op.Kind == InteropOpKind.Sleep || op.Kind == InteropOpKind.Reschedule)
                {
                    await Pause(op, w);
                }
                else if (op.Kind == InteropOpKind.CancelSibling)
                {
                    w.CancelSibling(me, op.Index);
                }
                else if (op.Kind == InteropOpKind.CompleteFromLoop)
                {
                    w.CompleteSomeFromLoop(op.Index);
                }
                else if (op.Kind == InteropOpKind.MoveOnAfter)
                {
                    TimeSpan start = w.Now;
                    w.EnterScope(me, op, start);
                    try
                    {
                        TimeoutResult<int> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(op.Ms), AwaitOne(op.Inner!, w));
                        w.ScopeEnded(me, op, start, r.TimedOut, r.Value, null);
                    }
                    finally
                    {
                        w.ExitScope(me);
                    }
                }
                else if (op.Kind == InteropOpKind.FailAfter)
                {
                    TimeSpan start = w.Now;
                    w.EnterScope(me, op, start);
                    try
                    {
                        int r = await co.FailAfter(TimeSpan.FromMilliseconds(op.Ms), AwaitOne(op.Inner!, w));
                        w.ScopeEnded(me, op, start, false, r, null);
                    }
                    catch (TimeoutException e)
                    {
                        w.ScopeEnded(me, op, start, true, 0, e);
                    }
                    finally
                    {
                        w.ExitScope(me);
                    }
                }
                else if (op.Kind == InteropOpKind.Throw)
                {
                    throw w.WorkerFailure(me);
                }
            }

            w.WorkerReturning(me);
            return plan.Value;
        }
        catch (Exception e)
        {
            w.WorkerEscaping(me, e);
            throw;
        }
        finally
        {
            w.WorkerFinally(me);
        }
    }

    /// <summary>One await on a .NET Task or ValueTask (made by the world when the await starts); records what arrives there.</summary>
    [Coroutine]
    public static async Coroutine<int> AwaitOne(InteropOp op, InteropWorld w, Yielder<LoopRequest> co)
    {
        LoopTask me = co.CurrentTask();
        long steps = w.BeginAwait(me, op);
        try
        {
            int v;
            if (op.Shape == InteropShape.TaskOfInt)
            {
                Task<int> t = w.MakeTaskOfInt(op);
                v = await t;
            }
            else if (op.Shape == InteropShape.Task)
            {
                Task t = w.MakeTask(op);
                await t;
                v = op.Value;
            }
            else if (op.Shape == InteropShape.ValueTaskOfInt)
            {
                ValueTask<int> t = w.MakeValueTaskOfInt(op);
                v = await t;
            }
            else
            {
                ValueTask t = w.MakeValueTask(op);
                await t;
                v = op.Value;
            }

            w.AwaitReturned(me, op, v, steps);
            return v;
        }
        catch (Exception e)
        {
            if (!w.AwaitRaised(me, op, e, steps))
            {
                throw;
            }

            return -1;
        }
        finally
        {
            w.AwaitFinally(me, op);
        }
    }

    [Coroutine]
    public static async Coroutine<int> Pause(InteropOp op, InteropWorld w, Yielder<LoopRequest> co)
    {
        LoopTask me = co.CurrentTask();
        TimeSpan start = w.Now;
        try
        {
            if (op.Kind == InteropOpKind.Sleep)
            {
                await co.Sleep(TimeSpan.FromMilliseconds(op.Ms));
                w.Resumed(me, op, null);
                w.CheckSlept($"t{me.Id} sleep", start, op.Ms);
            }
            else
            {
                await co.Reschedule();
                w.Resumed(me, op, null);
            }
        }
        catch (Exception e)
        {
            if (!w.Resumed(me, op, e))
            {
                throw;
            }
        }

        return 0;
    }

    /// <summary>The probe run after a seed: waits on an event nobody sets. With no awaited Task pending, that is a deadlock.</summary>
    [Coroutine]
    public static async Coroutine<int> WaitForever(LoopEvent never, Yielder<LoopRequest> co)
    {
        await never.Wait();
        return 0;
    }
}
