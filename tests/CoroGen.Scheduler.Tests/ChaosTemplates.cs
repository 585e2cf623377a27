using System;
using System.Collections.Generic;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// The chaos test's one interpreter template (compiled by the generator): it runs a random <see cref="ChaosPlan"/> on the loop and
/// records what happens into a <see cref="ChaosWorld"/>, which checks the scheduler's invariants (see ChaosTests.cs).
/// </summary>
public static partial class ChaosTemplates
{
    [Coroutine]
    public static async Coroutine<int> Interpret(ChaosPlan plan, ChaosWorld w, bool root, Yielder<LoopRequest> co)
    {
        LoopTask me = co.CurrentTask();
        int frame = w.EnterFrame(plan, root, me);
        CoroutineCancelledException? cancelled = null;
        try
        {
            var children = new List<LoopTask<int>>();
            for (int i = 0; i < plan.Ops.Count; i++)
            {
                ChaosOp op = plan.Ops[i];
                w.Log($"f{frame} t{me.Id} op{i} {op}");
                if (op.Kind == ChaosOpKind.Sleep)
                {
                    TimeSpan start = w.Now;
                    await co.Sleep(TimeSpan.FromMilliseconds(op.Ms));
                    w.CheckSlept(frame, start, op.Ms);
                }
                else if (op.Kind == ChaosOpKind.Reschedule)
                {
                    TimeSpan start = w.Now;
                    await co.Reschedule();
                    w.CheckSlept(frame, start, 0);
                }
                else if (op.Kind == ChaosOpKind.Spawn)
                {
                    LoopTask<int> child = co.Spawn(Interpret(op.Sub!, w, true));
                    w.Spawned(child, op.Sub!, me);
                    children.Add(child);
                }
                else if (op.Kind == ChaosOpKind.Join && children.Count > 0)
                {
                    LoopTask<int> child = children[op.Index % children.Count];
                    if (w.MarkJoined(child))
                    {
                        try
                        {
                            int r = await child.Join();
                            w.JoinReturned(frame, child, r);
                        }
                        catch (Exception e)
                        {
                            if (!w.JoinRaised(frame, child, e, op.Catch))
                            {
                                throw;
                            }
                        }
                    }
                    else
                    {
                        await child.Wait();
                        w.WaitReturned(frame, child);
                    }
                }
                else if (op.Kind == ChaosOpKind.Cancel && children.Count > 0)
                {
                    LoopTask<int> child = children[op.Index % children.Count];
                    w.CancelIssued(frame, child, self: false);
                    child.Cancel();
                }
                else if (op.Kind == ChaosOpKind.CancelSelf)
                {
                    w.CancelIssued(frame, me, self: true);
                    me.Cancel();
                    await co.Reschedule();
                    w.Violation($"f{frame} t{me.Id}: cancelled itself, yet its next suspension point returned normally");
                }
                else if (op.Kind == ChaosOpKind.SetEvent)
                {
                    w.Event.Set();
                }
                else if (op.Kind == ChaosOpKind.ClearEvent)
                {
                    w.Event.Clear();
                }
                else if (op.Kind == ChaosOpKind.WaitEvent)
                {
                    TimeSpan start = w.Now;
                    w.PushScope(me, start + TimeSpan.FromMilliseconds(op.Ms));
                    try
                    {
                        TimeoutResult<Unit> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(op.Ms), w.Event.Wait());
                        w.ScopeEnded(frame, me, start, op.Ms, r.TimedOut);
                    }
                    finally
                    {
                        w.PopScope(me);
                    }
                }
                else if (op.Kind == ChaosOpKind.Send)
                {
                    TimeSpan start = w.Now;
                    int value = w.NextValue();
                    w.PushScope(me, start + TimeSpan.FromMilliseconds(op.Ms));
                    try
                    {
                        TimeoutResult<Unit> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(op.Ms), w.Channel.Send(value));
                        w.ScopeEnded(frame, me, start, op.Ms, r.TimedOut);
                        if (!r.TimedOut)
                        {
                            w.Sent.Add(value);
                        }
                    }
                    finally
                    {
                        w.PopScope(me);
                    }
                }
                else if (op.Kind == ChaosOpKind.Receive)
                {
                    TimeSpan start = w.Now;
                    w.PushScope(me, start + TimeSpan.FromMilliseconds(op.Ms));
                    try
                    {
                        TimeoutResult<int> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(op.Ms), w.Channel.Receive());
                        w.ScopeEnded(frame, me, start, op.Ms, r.TimedOut);
                        if (!r.TimedOut)
                        {
                            w.Received.Add(r.Value);
                        }
                    }
                    finally
                    {
                        w.PopScope(me);
                    }
                }
                else if (op.Kind == ChaosOpKind.MoveOnAfter)
                {
                    TimeSpan start = w.Now;
                    w.PushScope(me, start + TimeSpan.FromMilliseconds(op.Ms));
                    try
                    {
                        Coroutine<LoopRequest, Unit, int> body = Interpret(op.Sub!, w, false);
                        TimeoutResult<int> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(op.Ms), body);
                        w.ScopeEnded(frame, me, start, op.Ms, r.TimedOut);
                        if (!r.TimedOut)
                        {
                            w.CheckValue(frame, "MoveOnAfter body", op.Sub!, r.Value);
                        }
                    }
                    catch (Exception e)
                    {
                        if (!w.Caught(frame, "MoveOnAfter", e, op.Catch))
                        {
                            throw;
                        }
                    }
                    finally
                    {
                        w.PopScope(me);
                    }
                }
                else if (op.Kind == ChaosOpKind.FailAfter)
                {
                    TimeSpan start = w.Now;
                    w.PushScope(me, start + TimeSpan.FromMilliseconds(op.Ms));
                    try
                    {
                        Coroutine<LoopRequest, Unit, int> body = Interpret(op.Sub!, w, false);
                        int r = await co.FailAfter(TimeSpan.FromMilliseconds(op.Ms), body);
                        w.ScopeEnded(frame, me, start, op.Ms, timedOut: false);
                        w.CheckValue(frame, "FailAfter body", op.Sub!, r);
                    }
                    catch (TimeoutException e)
                    {
                        w.FailAfterTimedOut(frame, me, start, op.Ms, e);
                    }
                    catch (Exception e)
                    {
                        if (!w.Caught(frame, "FailAfter", e, op.Catch))
                        {
                            throw;
                        }
                    }
                    finally
                    {
                        w.PopScope(me);
                    }
                }
                else if (op.Kind == ChaosOpKind.Gather)
                {
                    int group = w.NextGroup();
                    var coroutines = new Coroutine<LoopRequest, Unit, int>[op.Subs!.Count];
                    for (int j = 0; j < coroutines.Length; j++)
                    {
                        coroutines[j] = Interpret(w.ForGroup(op.Subs[j], group), w, true);
                    }

                    try
                    {
                        int[] results = await co.Gather(coroutines);
                        w.GatherReturned(frame, group, op.Subs, results);
                    }
                    catch (Exception e)
                    {
                        w.GatherRaised(frame, group, e);
                        if (!w.Caught(frame, "Gather", e, op.Catch))
                        {
                            throw;
                        }
                    }
                }
                else if (op.Kind == ChaosOpKind.Throw)
                {
                    throw w.NewFailure(frame, me);
                }
            }

            w.Returning(frame, plan, me, root);
            return plan.Value;
        }
        catch (Exception e)
        {
            if (root && plan.CleanupMs > 0 && e is CoroutineCancelledException c)
            {
                cancelled = c; // a task may catch its cancellation and clean up, awaiting while it does (below)
            }
            else
            {
                w.Escaping(frame, me, root, e);
                throw;
            }
        }
        finally
        {
            w.Finally(frame);
        }

        w.Log($"f{frame} t{me.Id}: cleans up for {plan.CleanupMs} ms after {cancelled!.Message}");
        try
        {
            TimeSpan start = w.Now;
            await co.Sleep(TimeSpan.FromMilliseconds(plan.CleanupMs));
            w.CheckSlept(frame, start, plan.CleanupMs);
        }
        catch (Exception e)
        {
            w.Escaping(frame, me, root, e); // cancelled again while cleaning up (by its parent, or by the loop's shutdown)
            throw;
        }

        w.Escaping(frame, me, root, cancelled);
        throw cancelled;
    }

    // ---- Minimal repro (found by seeds 1148 and 2951 of the chaos test): a Gather that is already failing swallows the gathering task's
    // own cancellation or timeout. ----

    [Coroutine]
    public static async Coroutine<int> SleepThenFail(int ms, Yielder<LoopRequest> co)
    {
        await co.Sleep(TimeSpan.FromMilliseconds(ms));
        throw new InvalidOperationException("child failed");
    }

    /// <summary>Cleans up for <paramref name="ms"/> when cancelled (documented as allowed: a task may await while it cleans up).</summary>
    [Coroutine]
    public static async Coroutine<int> SlowCleanup(int ms, Yielder<LoopRequest> co)
    {
        bool cancelled = false;
        try
        {
            await co.Sleep(TimeSpan.FromSeconds(1));
        }
        catch (CoroutineCancelledException)
        {
            cancelled = true;
        }

        if (cancelled)
        {
            await co.Sleep(TimeSpan.FromMilliseconds(ms));
            throw new CoroutineCancelledException("cancelled, cleaned up");
        }

        return 0;
    }

    /// <summary>Gathers a child that fails at 5 ms and one whose cleanup takes 10 ms; handles the failure and keeps going for 100 ms.</summary>
    [Coroutine]
    public static async Coroutine<int> GatherHandleFailureThenWork(List<string> log, Yielder<LoopRequest> co)
    {
        try
        {
            Coroutine<LoopRequest, Unit, int> a = SleepThenFail(5);
            Coroutine<LoopRequest, Unit, int> b = SlowCleanup(10);
            await co.Gather(a, b);
        }
        catch (InvalidOperationException e)
        {
            log.Add($"caught '{e.Message}' at {co.Now().TotalMilliseconds} ms");
        }

        await co.Sleep(TimeSpan.FromMilliseconds(100));
        log.Add($"finished at {co.Now().TotalMilliseconds} ms");
        return 1;
    }

    [Coroutine]
    public static async Coroutine<string> TimeoutDuringFailingGather(List<string> log, Yielder<LoopRequest> co)
    {
        Coroutine<LoopRequest, Unit, int> body = GatherHandleFailureThenWork(log);
        TimeoutResult<int> r = await co.MoveOnAfter(TimeSpan.FromMilliseconds(8), body);
        string result = $"{r} at {co.Now().TotalMilliseconds} ms";
        log.Add("result: " + result);
        return result;
    }

    [Coroutine]
    public static async Coroutine<string> CancelDuringFailingGather(List<string> log, Yielder<LoopRequest> co)
    {
        LoopTask<int> t = co.Spawn(GatherHandleFailureThenWork(log));
        await co.Sleep(TimeSpan.FromMilliseconds(8)); // the first child failed at 5 ms; the second cleans up until 15 ms
        t.Cancel();
        try
        {
            int r = await t.Join();
            log.Add($"result: join returned {r} at {co.Now().TotalMilliseconds} ms ({t.State})");
        }
        catch (CoroutineCancelledException)
        {
            log.Add($"result: join raised the cancellation at {co.Now().TotalMilliseconds} ms ({t.State})");
        }

        return "";
    }

    // ---- Deadlock and unobserved failures (read from EventLoop.Deadlock, checked here) ----

    [Coroutine]
    public static async Coroutine<int> RescheduleThenFail(Yielder<LoopRequest> co)
    {
        await co.Reschedule();
        throw new InvalidOperationException("unobserved child failure");
    }

    [Coroutine]
    public static async Coroutine<int> SpawnFailingChildThenWaitForever(LoopEvent never, Yielder<LoopRequest> co)
    {
        _ = co.Spawn(RescheduleThenFail());
        await co.Sleep(TimeSpan.FromMilliseconds(1)); // the child has failed by now
        await never.Wait();                           // nothing sets it: deadlock
        return 0;
    }
}

