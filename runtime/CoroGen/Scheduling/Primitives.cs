using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;

namespace CoroGen.Scheduling;

// The loop's hand-written sub-coroutines, in the style of generated code: OnResume() first at every resume point,
// `return Yielded(LoopRequest.Park)` to wait, `return Complete(value)` / `return false` to finish. A parked sub is woken
// through a Waiter; it always re-checks its condition when it resumes, so a stray wake-up only costs a step.

internal static class LoopContext
{
    // A task waited for from another loop's task: the two loops never wake each other, so it would never be seen to end.
    internal static InvalidOperationException ForeignTask(string operation, LoopTask task) => new(
        $"{operation} waits only for tasks of the loop running it; task {task.Id} belongs to another event loop. Spawn the work on "
        + "this loop, or have the other loop's task complete a TaskCompletionSource and await its Task here.");

    // Whether `coroutine` may start as a task or a scope's body: it has not started, or it is what LoopRequest.Await gives for a
    // task that had already completed (one finished coroutine, shared: it runs nothing, and awaiting it reads its result). So
    // `co.MoveOnAfter(d, LoopRequest.Await(task))` works whether or not the task has completed by then.
    internal static bool CanStart(Coroutine coroutine) => coroutine.State == CoroutineState.Created || coroutine is ICompletedAwait;

    internal static LoopTask RequireTask(string operation)
    {
        return LoopTask.Current ?? throw new InvalidOperationException(
            $"{operation} must run inside a task of a running EventLoop (await it from a scheduler coroutine).");
    }
}

/// <summary><c>await task</c> inside a scheduler coroutine: parks the loop task until the Task completes.</summary>
internal sealed class TaskAwaitCoroutine : Coroutine<LoopRequest, Unit, Unit>
{
    private readonly Task task;
    private ExternalWaiter? waiter;

    internal TaskAwaitCoroutine(Task task) => this.task = task;

    protected override bool IsSuspendedInCleanupRegion => waiter is not null;

    [StackTraceHidden] // machinery between the joining template's frame and the joined task's failure, as Gather's is
    protected override bool Resume()
    {
        if (waiter is not null)
        {
            try
            {
                OnResume();
            }
            catch
            {
                waiter.Loop.Abandon(waiter); // cancelled: stop waiting; the Task runs on, unobserved
                throw;
            }
        }

        if (!task.IsCompleted)
        {
            if (waiter is null)
            {
                LoopTask current = LoopContext.RequireTask("Awaiting a Task");
                waiter = current.Loop.BeginExternal(current);
                ExternalWaiter w = waiter;
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(w.Post);
            }

            return Yielded(LoopRequest.Park);
        }

        if (waiter is not null)
        {
            waiter.Loop.Abandon(waiter);
        }

        task.GetAwaiter().GetResult(); // raises the task's exception as await would
        return false;
    }
}

/// <summary><c>await task</c> (with a result) inside a scheduler coroutine.</summary>
internal sealed class TaskAwaitCoroutine<T> : CoroutineWithResult<LoopRequest, Unit, T>
{
    private readonly Task<T> task;
    private ExternalWaiter? waiter;

    internal TaskAwaitCoroutine(Task<T> task) => this.task = task;

    protected override bool IsSuspendedInCleanupRegion => waiter is not null;

    [StackTraceHidden] // machinery between the joining template's frame and the joined task's failure, as Gather's is
    protected override bool Resume()
    {
        if (waiter is not null)
        {
            try
            {
                OnResume();
            }
            catch
            {
                waiter.Loop.Abandon(waiter);
                throw;
            }
        }

        if (!task.IsCompleted)
        {
            if (waiter is null)
            {
                LoopTask current = LoopContext.RequireTask("Awaiting a Task");
                waiter = current.Loop.BeginExternal(current);
                ExternalWaiter w = waiter;
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(w.Post);
            }

            return Yielded(LoopRequest.Park);
        }

        if (waiter is not null)
        {
            waiter.Loop.Abandon(waiter);
        }

        return Complete(task.GetAwaiter().GetResult());
    }
}

/// <summary><c>await handle.Join()</c> / <c>await handle.Wait()</c>.</summary>
internal sealed class JoinCoroutine<T> : CoroutineWithResult<LoopRequest, Unit, T>
{
    private readonly LoopTask target;
    private readonly LoopTask<T>? typed; // null for Wait(): no result, no failure
    private Waiter? waiter;

    internal JoinCoroutine(LoopTask target, LoopTask<T>? typed)
    {
        this.target = target;
        this.typed = typed;
    }

    protected override bool IsSuspendedInCleanupRegion => waiter is not null;

    [StackTraceHidden] // machinery between the joining template's frame and the joined task's failure, as Gather's is
    protected override bool Resume()
    {
        if (waiter is not null)
        {
            try
            {
                OnResume();
            }
            catch
            {
                target.FinishWaiters.Remove(waiter);
                waiter = null;
                throw;
            }
        }

        // A task of another loop is refused whether or not it has finished yet, so that a program does not work or fail
        // depending on which loop got further first (scheduler.md §4).
        if (waiter is null && LoopTask.Current is { } caller && caller.Loop != target.Loop)
        {
            throw LoopContext.ForeignTask(typed is null ? "Wait" : "Join", target);
        }

        if (!target.IsFinished)
        {
            if (waiter is null || waiter.Queue is null)
            {
                LoopTask current = LoopContext.RequireTask(typed is null ? "Waiting for a task" : "Joining a task");
                if (current == target)
                {
                    throw new InvalidOperationException("A task cannot join itself: it would wait forever.");
                }

                waiter = new Waiter(current);
                target.FinishWaiters.Add(waiter);
            }

            return Yielded(LoopRequest.Park);
        }

        waiter = null;
        return typed is null ? Complete(default!) : Complete(typed.ObserveResult());
    }
}

/// <summary>
/// <c>await co.WhenAny(a, b)</c>: waits until one of the tasks has finished and returns it (the first in argument order among
/// those finished when it resumes), without raising its failure or observing it, as <see cref="LoopTask.Wait"/> does.
/// </summary>
/// <remarks>
/// It puts one waiter in the finish queue of each task it waits for, and takes every one of them out again when it returns, is
/// cancelled or is closed: a task that many WhenAny calls wait for in turn never holds more waiters than calls in progress.
/// </remarks>
/// <typeparam name="TTask">The tasks' handle type (<see cref="LoopTask"/>, or <see cref="LoopTask{T}"/> to join the one returned).</typeparam>
internal sealed class WhenAnyCoroutine<TTask> : CoroutineWithResult<LoopRequest, Unit, TTask>
    where TTask : LoopTask
{
    private readonly TTask[] tasks;
    private Waiter[]? waiters;

    internal WhenAnyCoroutine(TTask[] tasks) => this.tasks = tasks;

    protected override bool IsSuspendedInCleanupRegion => waiters is not null;

    protected override bool Resume()
    {
        if (waiters is not null)
        {
            try
            {
                OnResume();
            }
            catch
            {
                Leave(); // cancelled, timed out or closed: no task keeps a waiter of this call
                throw;
            }
        }
        else
        {
            LoopTask current = LoopContext.RequireTask("WhenAny");
            foreach (TTask t in tasks)
            {
                if (t.Loop != current.Loop)
                {
                    throw LoopContext.ForeignTask("WhenAny", t);
                }

                if (t == current)
                {
                    throw new InvalidOperationException("A task cannot wait for itself in WhenAny: it cannot finish while it waits.");
                }
            }
        }

        foreach (TTask t in tasks)
        {
            if (t.IsFinished)
            {
                Leave();
                return Complete(t);
            }
        }

        if (waiters is null)
        {
            LoopTask current = LoopContext.RequireTask("WhenAny");
            waiters = new Waiter[tasks.Length];
            for (int i = 0; i < tasks.Length; i++)
            {
                waiters[i] = new Waiter(current);
                tasks[i].FinishWaiters.Add(waiters[i]);
            }
        }

        return Yielded(LoopRequest.Park);
    }

    // A task's finish wakes (and dequeues) only its own waiter; the others are still queued on unfinished tasks.
    private void Leave()
    {
        if (waiters is null)
        {
            return;
        }

        for (int i = 0; i < waiters.Length; i++)
        {
            tasks[i].FinishWaiters.Remove(waiters[i]);
        }

        waiters = null;
    }
}

/// <summary>
/// <c>await co.Gather(a, b, c)</c>: spawns every coroutine, waits for all, results in order; the first failure cancels the rest.
/// The rules live here once; the subclasses only spawn each child with its own result type and read the results.
/// </summary>
/// <typeparam name="TResult">What the gather returns: an array, or a tuple of mixed types.</typeparam>
internal abstract class GatherCoroutineBase<TResult> : CoroutineWithResult<LoopRequest, Unit, TResult>
{
    private readonly Coroutine[] coroutines;
    private LoopTask[]? tasks;
    private int remaining;
    private Exception? failure;

    // The child whose failure `failure` is, while it is one (null once the gathering task's own exception replaced it).
    private LoopTask? failedChild;
    private bool active;

    private protected GatherCoroutineBase(Coroutine[] coroutines) => this.coroutines = coroutines;

    /// <summary>The coroutines to spawn, in argument order (checked before any is spawned).</summary>
    private protected Coroutine[] Children => coroutines;

    protected sealed override bool IsSuspendedInCleanupRegion => active;

    /// <summary>Spawns child <paramref name="index"/> (a coroutine that has not started, checked) on <paramref name="loop"/>.</summary>
    private protected abstract LoopTask SpawnChild(EventLoop loop, int index);

    /// <summary>The result, once every child in <paramref name="tasks"/> has completed.</summary>
    private protected abstract TResult Results(LoopTask[] tasks);

    [StackTraceHidden] // a child's failure, raised again here, reads as the child's and the gathering template's frames
    protected sealed override bool Resume()
    {
        if (tasks is null)
        {
            LoopTask current = LoopContext.RequireTask("Gather");
            var seen = new HashSet<Coroutine>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < coroutines.Length; i++)
            {
                if (coroutines[i] is null || !LoopContext.CanStart(coroutines[i]))
                {
                    throw new ArgumentException($"Gather needs coroutines that have not started; argument {i} is {(coroutines[i] is null ? "null" : coroutines[i].State.ToString())}.");
                }

                if (coroutines[i] is not ICompletedAwait && !seen.Add(coroutines[i]))
                {
                    throw new ArgumentException($"Gather received the same coroutine twice (argument {i} repeats an earlier one).");
                }
            }

            tasks = new LoopTask[coroutines.Length];
            for (int i = 0; i < coroutines.Length; i++)
            {
                tasks[i] = SpawnChild(current.Loop, i);
            }

            remaining = tasks.Length;
            active = true;
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i].FinishWaiters.Add(new ChildWaiter(current, this, tasks[i]));
            }
        }
        else
        {
            try
            {
                OnResume();
            }
            catch (CoroutineExitException)
            {
                // Closed: cancel the children and go; a close cannot wait. A child's failure that Gather took to raise is
                // never raised now: it stays unobserved, so Run reports it unless someone joins the child.
                active = false;
                failedChild = null;
                CancelChildren();
                throw;
            }
            catch (Exception e)
            {
                // Cancelled, or a timeout scope expired (or anything else thrown into it): cancel the children, wait for
                // them to finish, then raise it. The gathering task's own exception wins over a child's failure, which must
                // not swallow a cancellation or a timeout: that failure stays unobserved, so Run reports it unless someone
                // joins the child. The first exception thrown into the task wins over later ones.
                if (failedChild is not null)
                {
                    failedChild = null;
                    failure = e;
                }
                else
                {
                    failure ??= e;
                }

                // The loop's shutdown has cancelled the children itself: cancelling them again would cut their cleanup short.
                if (e is not CoroutineCancelledException { RaisedByShutdown: true })
                {
                    CancelChildren();
                }
            }
        }

        if (remaining > 0)
        {
            return Yielded(LoopRequest.Park);
        }

        active = false;
        if (failure is not null)
        {
            if (failedChild is not null)
            {
                failedChild.Observed = true; // only now that it is raised: see ChildFinished
            }

            ExceptionDispatchInfo.Throw(failure);
        }

        return Complete(Results(tasks));
    }

    private void CancelChildren()
    {
        foreach (LoopTask t in tasks!)
        {
            if (!t.IsFinished)
            {
                t.Cancel();
            }
        }
    }

    private void ChildFinished(LoopTask child)
    {
        remaining--;
        if (!active)
        {
            return;
        }

        if (failure is null && child.Status != LoopTaskStatus.Completed)
        {
            // Not marked observed until Gather raises it (the gathering task's own cancellation may win meanwhile): the
            // loop prunes observed failures from its list, and one pruned then unmarked would never be reported.
            failedChild = child;
            failure = child.IsCancelled
                ? new CoroutineCancelledException($"Gathered task {child.Id} was cancelled.", child.Exception)
                : child.Exception;
            CancelChildren();
        }
    }

    private sealed class ChildWaiter : Waiter
    {
        private readonly GatherCoroutineBase<TResult> gather;
        private readonly LoopTask child;

        internal ChildWaiter(LoopTask task, GatherCoroutineBase<TResult> gather, LoopTask child)
            : base(task)
        {
            this.gather = gather;
            this.child = child;
        }

        internal override void Notify()
        {
            gather.ChildFinished(child);
            if (gather.active && gather.remaining == 0)
            {
                base.Notify();
            }
        }
    }
}

/// <summary><c>await co.Gather(a, b, c)</c> over coroutines of one result type: the results as an array, in argument order.</summary>
internal sealed class GatherCoroutine<T> : GatherCoroutineBase<T[]>
{
    internal GatherCoroutine(Coroutine<LoopRequest, Unit, T>[] coroutines)
        : base(coroutines)
    {
    }

    private protected override LoopTask SpawnChild(EventLoop loop, int index) => loop.Spawn((Coroutine<LoopRequest, Unit, T>)Children[index]);

    private protected override T[] Results(LoopTask[] tasks)
    {
        var results = new T[tasks.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            results[i] = ((LoopTask<T>)tasks[i]).Result;
        }

        return results;
    }
}

/// <summary><c>await co.Gather(a, b)</c> over two result types: the results as a tuple.</summary>
internal sealed class GatherCoroutine<T1, T2> : GatherCoroutineBase<(T1, T2)>
{
    internal GatherCoroutine(Coroutine<LoopRequest, Unit, T1> c1, Coroutine<LoopRequest, Unit, T2> c2)
        : base([c1, c2])
    {
    }

    private protected override LoopTask SpawnChild(EventLoop loop, int index) => index == 0
        ? loop.Spawn((Coroutine<LoopRequest, Unit, T1>)Children[0])
        : loop.Spawn((Coroutine<LoopRequest, Unit, T2>)Children[1]);

    private protected override (T1, T2) Results(LoopTask[] tasks) => (((LoopTask<T1>)tasks[0]).Result, ((LoopTask<T2>)tasks[1]).Result);
}

/// <summary><c>await co.Gather(a, b, c)</c> over three result types: the results as a tuple.</summary>
internal sealed class GatherCoroutine<T1, T2, T3> : GatherCoroutineBase<(T1, T2, T3)>
{
    internal GatherCoroutine(Coroutine<LoopRequest, Unit, T1> c1, Coroutine<LoopRequest, Unit, T2> c2, Coroutine<LoopRequest, Unit, T3> c3)
        : base([c1, c2, c3])
    {
    }

    private protected override LoopTask SpawnChild(EventLoop loop, int index) => index switch
    {
        0 => loop.Spawn((Coroutine<LoopRequest, Unit, T1>)Children[0]),
        1 => loop.Spawn((Coroutine<LoopRequest, Unit, T2>)Children[1]),
        _ => loop.Spawn((Coroutine<LoopRequest, Unit, T3>)Children[2]),
    };

    private protected override (T1, T2, T3) Results(LoopTask[] tasks) =>
        (((LoopTask<T1>)tasks[0]).Result, ((LoopTask<T2>)tasks[1]).Result, ((LoopTask<T3>)tasks[2]).Result);
}

/// <summary>What a <see cref="SchedulerExtensions.MoveOnAfter{T}"/> scope produced.</summary>
/// <typeparam name="T">The body's result type.</typeparam>
public readonly struct TimeoutResult<T>
{
    internal TimeoutResult(bool timedOut, T value)
    {
        TimedOut = timedOut;
        Value = value;
    }

    /// <summary>True when the deadline passed and interrupted the body.</summary>
    public bool TimedOut { get; }

    /// <summary>True when the body returned (then <see cref="Value"/> is its result).</summary>
    public bool Completed => !TimedOut;

    /// <summary>The body's result; <c>default</c> when it timed out.</summary>
    public T Value { get; }

    /// <inheritdoc/>
    public override string ToString() => TimedOut ? "TimedOut" : $"Completed({Value})";
}

/// <summary>A timeout scope around a body: MoveOnAfter (returns TimedOut) or FailAfter (raises <see cref="TimeoutException"/>).</summary>
internal sealed class TimeoutCoroutine<T> : CoroutineWithResult<LoopRequest, Unit, TimeoutResult<T>>
{
    private readonly TimeSpan delay;
    private readonly Coroutine<LoopRequest, Unit, T> body;
    private readonly bool fail;
    private TimeoutScope? scope;

    internal TimeoutCoroutine(TimeSpan delay, Coroutine<LoopRequest, Unit, T> body, bool fail)
    {
        this.delay = delay;
        this.body = body;
        this.fail = fail;
    }

    protected override bool Resume()
    {
        if (scope is null)
        {
            // Delegating to a started body would resume a coroutine that another task (or an earlier await) runs.
            if (!LoopContext.CanStart(body))
            {
                throw new ArgumentException(
                    $"{(fail ? "FailAfter" : "MoveOnAfter")} needs a body that has not started; this one is {body.State}. Pass a fresh factory call.",
                    nameof(body));
            }

            LoopTask current = LoopContext.RequireTask(fail ? "FailAfter" : "MoveOnAfter");
            scope = current.Loop.EnterScope(current, delay);
            return DelegateTo(body);
        }

        T value;
        try
        {
            OnResume();
            value = DelegationResult<T>();
        }
        catch (ScopeTimeoutException e) when (e.Scope == scope)
        {
            // A cancellation raised in the body since the scope began may be what the timeout cut short: a finally that
            // suspends while the cancellation unwinds gets the timeout there, which replaces it. Reporting the timeout would
            // let a cancelled task go on as if nobody had cancelled it, so the cancellation wins (asyncio's timeout() does
            // the same while the task is still cancelling). The loop cannot tell a body that caught the cancellation and
            // went on, which then gets the cancellation again here.
            LoopTask.RareState rare = scope.Task.Rare;
            if (rare.CancelsRaised != scope.CancelsAtEntry)
            {
                ExceptionDispatchInfo.Throw(rare.LastCancel!);
            }

            // Likewise an enclosing scope whose deadline passed since this one began: its timeout was raised (or was about
            // to be) and this one's replaced it in cleanup that suspended, or a Gather kept this one (the first it got).
            // Reporting this timeout would let the enclosing body go on past its deadline; the outermost such scope's
            // timeout goes on instead. (A scope that began after the enclosing deadline passed, say one that bounds the
            // cleanup that timeout runs, reports its own.)
            TimeoutScope? expired = null;
            for (TimeoutScope? outer = scope.Outer; outer is not null; outer = outer.Outer)
            {
                if (outer.FiredAt > scope.FiresAtEntry)
                {
                    expired = outer;
                }
            }

            if (expired is not null)
            {
                throw new ScopeTimeoutException(expired);
            }

            if (fail)
            {
                throw new TimeoutException($"The operation did not finish within {delay}.", e);
            }

            return Complete(new TimeoutResult<T>(true, default!));
        }
        finally
        {
            scope.Task.Loop.ExitScope(scope);
        }

        return Complete(new TimeoutResult<T>(false, value));
    }
}

/// <summary>Unwraps FailAfter's TimeoutResult.</summary>
internal sealed class FailAfterCoroutine<T> : CoroutineWithResult<LoopRequest, Unit, T>
{
    private readonly TimeoutCoroutine<T> scope;
    private bool started;

    internal FailAfterCoroutine(TimeSpan delay, Coroutine<LoopRequest, Unit, T> body) => scope = new TimeoutCoroutine<T>(delay, body, fail: true);

    protected override bool Resume()
    {
        if (!started)
        {
            started = true;
            return DelegateTo(scope);
        }

        OnResume();
        return Complete(DelegationResult<TimeoutResult<T>>().Value);
    }
}
