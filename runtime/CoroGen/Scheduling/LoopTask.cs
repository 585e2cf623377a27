using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoroGen.Scheduling;

/// <summary>Where a <see cref="LoopTask"/> is in its life.</summary>
public enum LoopTaskStatus
{
    /// <summary>In the ready queue (also right after <see cref="EventLoop.Spawn{T}"/>).</summary>
    Ready,

    /// <summary>Its coroutine is running on the loop thread now.</summary>
    Running,

    /// <summary>Asleep in the deadline heap.</summary>
    Sleeping,

    /// <summary>Waiting for an event, a channel, a join, a gather, a WhenAny or a <see cref="System.Threading.Tasks.Task"/>.</summary>
    Waiting,

    /// <summary>Its coroutine returned; <see cref="LoopTask{T}.Result"/> holds the value.</summary>
    Completed,

    /// <summary>An exception other than cancellation escaped its coroutine (<see cref="LoopTask.Exception"/>).</summary>
    Faulted,

    /// <summary>A <see cref="CoroutineCancelledException"/> (or the coroutine's close) ended it.</summary>
    Cancelled,
}

/// <summary>
/// A coroutine running as a task of an <see cref="EventLoop"/>: the handle <see cref="EventLoop.Spawn{T}"/> returns.
/// Every member is meant for the loop's thread (code running inside the loop, or the thread before <see cref="EventLoop.Run{T}"/>).
/// </summary>
public abstract class LoopTask
{
    // A task is on the loop's hot path at every step, and a million of them may be alive at once: it holds only what most
    // steps touch (the coroutine, in LoopTask<T>), the sleep token, and a reference to the rest (Rare), made on demand.
    // The running task keeps Status == Ready while it runs (the loop knows which task runs), so a task that only reschedules
    // itself is read, never written, by the loop.
    // The status in the low three bits and, while Sleeping, the slot of its entry in the loop's timer heap (to cancel the
    // sleep) above them: one int rather than two keeps a task at 48 bytes instead of 56.
    private int statusAndSlot;

    private const int StatusBits = 3;
    private const int StatusMask = (1 << StatusBits) - 1;

    // A task spawned and not stepped yet: in the ready queue like a Ready one (State reports Ready), but its first step checks
    // that nothing else started its coroutine meanwhile (the same coroutine spawned twice, or run elsewhere). Only the status
    // value left in the three bits, so the check costs nothing on the steps after the first.
    internal const LoopTaskStatus NotStarted = (LoopTaskStatus)7;

    internal LoopTaskStatus Status
    {
        get => (LoopTaskStatus)(statusAndSlot & StatusMask);
        set => statusAndSlot = (statusAndSlot & ~StatusMask) | (int)value;
    }

    internal int TimerSlot
    {
        get => statusAndSlot >>> StatusBits;
        set
        {
            if (value > int.MaxValue >> StatusBits)
            {
                throw new InvalidOperationException($"More than {int.MaxValue >> StatusBits} tasks and timeout scopes sleep, wait or are armed in one loop at once.");
            }

            statusAndSlot = (value << StatusBits) | (statusAndSlot & StatusMask);
        }
    }

    private RareState? rare;

    /// <summary>What few tasks need: a pending exception, timeout scopes, a failure, joiners.</summary>
    internal sealed class RareState
    {
        // The exception to raise at the suspension point when the task next runs (cancellation or a timeout), and its
        // strength: 0 for Cancel(), depth + 1 for a timeout scope (outer scopes are stronger than inner ones).
        internal Exception? PendingThrow;
        internal int PendingPriority = int.MaxValue;

        // The number of timeout scopes the task is inside, and the innermost one (each links to the one around it).
        internal int ScopeDepth;
        internal TimeoutScope? InnermostScope;

        // How many of its timeout scopes' deadlines have passed (numbering them: TimeoutScope.FiredAt).
        internal long ScopeFires; // 64 bits: a task firing a timeout every microsecond would wrap 32 in about an hour

        // How many cancellations (priority 0: Cancel(), the loop's shutdown) were raised in the task, and the last one: a
        // timeout scope that catches its own timeout after one was raised inside it raises that cancellation instead.
        internal int CancelsRaised;
        internal Exception? LastCancel;

        internal Exception? Failure;
        internal bool Observed;

        // Made on first join: most tasks are never joined.
        internal WaitQueue? FinishWaiters;

        // The token of co.CancellationToken() outside any timeout scope, made on first request.
        internal CancellationTokenSource? Cancellation;

        // The task's ExecutionContext (its AsyncLocal values, CurrentCulture...) when it is not the loop's common one
        // (EventLoop.baseContext): most tasks never change theirs, and keep the loop's without a field of their own.
        internal ExecutionContext? Context;

        // Clears the pending exception, which is being raised now (or dropped as the task finishes), counting a cancellation.
        internal void Take(Exception pending)
        {
            PendingThrow = null;
            if (PendingPriority == 0)
            {
                CancelsRaised++;
                LastCancel = pending;
            }

            PendingPriority = int.MaxValue;
        }
    }

    internal RareState Rare => rare ??= new RareState();

    // co.CancellationToken(): the token of the innermost timeout scope the task is in, or the task's own outside any. The
    // loop cancels it when it raises a cancellation that reaches that scope (CancelTokens). Cancellations are raised once
    // (edge-triggered, scheduler.md §5), and so are tokens: once the cancellation that cancelled a token has been raised in
    // the task, a token asked for afterwards (by cleanup in a finally, or by a task that caught it and went on) is a new
    // one, which only a later cancellation cancels. One asked for while a cancellation that reaches it is pending (raised
    // by the loop, not yet delivered at the task's suspension point) is made cancelled.
    internal CancellationToken CancellationToken
    {
        get
        {
            RareState state = Rare;
            TimeoutScope? scope = state.InnermostScope;
            ref CancellationTokenSource? source = ref scope is null ? ref state.Cancellation : ref scope.Cancellation;
            bool pending = state.PendingThrow is not null && (state.PendingPriority == 0 || (scope is not null && scope.Depth >= state.PendingPriority - 1));
            if (source is null || (source.IsCancellationRequested && !pending))
            {
                source = new CancellationTokenSource();
                if (pending)
                {
                    source.Cancel();
                }
            }

            return source.Token;
        }
    }

    // The loop raises a cancellation of this strength (EventLoop.Interrupt's priority: 0 for the task, depth + 1 for a scope)
    // at the task's suspension point: the tokens of the scopes it unwinds are cancelled first (and the task's own for a Cancel()).
    // Cancel runs the tokens' callbacks here, on the loop thread; one that throws must not break the loop, so its failure is
    // kept as one the loop reports (EventLoop.Run's unobserved failures).
    internal void CancelTokens(int priority)
    {
        RareState state = Rare;
        for (TimeoutScope? scope = state.InnermostScope; scope is not null && scope.Depth >= priority - 1; scope = scope.Outer)
        {
            CancelSource(scope.Cancellation);
        }

        if (priority == 0)
        {
            CancelSource(state.Cancellation);
        }
    }

    private void CancelSource(CancellationTokenSource? source)
    {
        if (source is null || source.IsCancellationRequested)
        {
            return;
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            Loop.ReportCallbackFailure(e);
        }
    }

    internal Exception? PendingThrow => rare?.PendingThrow;

    // The task's own ExecutionContext, or null when it runs in the loop's common one (the usual case, read at every step).
    internal ExecutionContext? OwnContext
    {
        get => rare?.Context;
        set
        {
            if (value is not null || rare is not null)
            {
                Rare.Context = value;
            }
        }
    }

    internal Exception? Failure => rare?.Failure;

    internal bool Observed
    {
        get => rare is { Observed: true };
        set => Rare.Observed = value;
    }

    internal WaitQueue FinishWaiters => Rare.FinishWaiters ??= new WaitQueue();

    internal void WakeFinishWaiters() => rare?.FinishWaiters?.WakeAll();

    /// <summary>How many joiners, gathers and WhenAny calls wait for this task now (for tests; makes nothing).</summary>
    internal int FinishWaiterCount => rare?.FinishWaiters?.Count ?? 0;

    /// <summary>Takes the pending exception, if any, to raise it now.</summary>
    internal Exception? TakePendingThrow()
    {
        RareState? r = rare;
        Exception? pending = r?.PendingThrow;
        if (pending is not null)
        {
            r!.Take(pending); // out of line: every step runs this method, and only a step with a pending exception needs more
        }

        return pending;
    }

    private protected LoopTask(EventLoop loop, int id)
    {
        Loop = loop;
        Id = id;
    }

    /// <summary>The loop that runs this task.</summary>
    public EventLoop Loop { get; }

    /// <summary>
    /// A number unique within the loop, in spawn order (the main task is the first one <see cref="EventLoop.Run{T}"/> spawns).
    /// It is 32 bits, to keep a task small: after 2^31 spawns in one loop the numbers wrap around and repeat.
    /// </summary>
    public int Id { get; }

    /// <summary>Where the task is in its life.</summary>
    public LoopTaskStatus State => Loop.RunningTask == this ? LoopTaskStatus.Running
        : Status == NotStarted ? LoopTaskStatus.Ready
        : Status;

    /// <summary>True once the task is Completed, Faulted or Cancelled.</summary>
    public bool IsFinished => Status is >= LoopTaskStatus.Completed and <= LoopTaskStatus.Cancelled;

    /// <summary>True when the task ended with a failure (see <see cref="Exception"/>).</summary>
    public bool IsFaulted => Status == LoopTaskStatus.Faulted;

    /// <summary>True when cancellation ended the task.</summary>
    public bool IsCancelled => Status == LoopTaskStatus.Cancelled;

    /// <summary>The exception that ended a Faulted or Cancelled task; null otherwise. Reading it does not count as observing the failure.</summary>
    public Exception? Exception => rare?.Failure;

    /// <summary>The task whose coroutine is running right now on this thread's loop; null outside a loop task.</summary>
    public static LoopTask? Current => EventLoop.Current?.RunningTask;

    /// <summary>
    /// Cancels the task: <see cref="CoroutineCancelledException"/> is raised at its suspension point (innermost sub-coroutine
    /// first) the next time it runs, which is at once (it leaves a sleep or a wait). Its <c>finally</c> blocks and <c>using</c>
    /// disposals run; it may catch the exception to clean up. A task that has not started yet ends without running. Cancelling a
    /// finished task does nothing; cancelling the running task itself raises at its next suspension point.
    /// </summary>
    public void Cancel() => Loop.Interrupt(this, new CoroutineCancelledException(), 0);

    /// <summary>
    /// A coroutine that waits for the task to finish without raising its failure or returning its result: <c>await task.Wait()</c>.
    /// Does not count as observing a failure.
    /// </summary>
    /// <returns>A coroutine to delegate to.</returns>
    public Coroutine<LoopRequest, Unit, Unit> Wait() => new JoinCoroutine<Unit>(this, null);

    /// <summary>Resumes the coroutine once (raising the pending exception, if any); on a yield, <paramref name="request"/> is what it yielded.</summary>
    internal abstract bool Step(out LoopRequest request);

    internal abstract void CloseCoroutine();

    /// <summary>The state of the coroutine, which a task's first step expects to be <see cref="CoroutineState.Created"/>.</summary>
    internal abstract CoroutineState CoroutineState { get; }

    /// <summary>The coroutine, untyped (for prefetching).</summary>
    internal abstract object CoroutineObject { get; }

    /// <summary>Called from the loop when the task ends.</summary>
    internal abstract void SetFinished(Exception? failure);

    [StackTraceHidden] // a joined task's failure, raised again at the join, reads as the task's and the joining template's frames
    internal void RaiseFailure()
    {
        Observed = true;
        if (Status == LoopTaskStatus.Cancelled)
        {
            throw new CoroutineCancelledException($"The joined task {Id} was cancelled.", Failure);
        }

        ExceptionDispatchInfo.Throw(Failure!);
    }

    /// <inheritdoc/>
    public override string ToString() => $"LoopTask {Id} ({State})";
}

/// <summary>A loop task whose coroutine returns a <typeparamref name="T"/>: join it for the value.</summary>
/// <typeparam name="T">The coroutine's result type.</typeparam>
public sealed class LoopTask<T> : LoopTask
{
    // The only field of its own: the result stays in the coroutine (Coroutine<T>.Result), which the task keeps anyway.
    private readonly Coroutine<LoopRequest, Unit, T> coroutine;

    internal LoopTask(EventLoop loop, int id, Coroutine<LoopRequest, Unit, T> coroutine)
        : base(loop, id) => this.coroutine = coroutine;

    /// <summary>The coroutine the task runs.</summary>
    public Coroutine<LoopRequest, Unit, T> Coroutine => coroutine;

    /// <summary>The value the coroutine returned.</summary>
    /// <exception cref="InvalidOperationException">The task has not completed; if it failed, join it instead to get the exception.</exception>
    public T Result => Status == LoopTaskStatus.Completed
        ? coroutine.Result
        : throw new InvalidOperationException($"Task {Id} has no result: it is {State}. Join it (await task.Join()) to wait for the result or the failure.");

    /// <summary>
    /// A coroutine that waits for the task to finish and returns its result: <c>T value = await task.Join();</c>. If the task failed,
    /// its exception (the same object) is raised at the <c>await</c> and counts as observed, so <see cref="EventLoop.Run{T}"/> does
    /// not report it again; if it was cancelled, a <see cref="CoroutineCancelledException"/> is raised there. Any number of tasks
    /// may join the same task, before or after it finishes. Cancelling the joiner leaves the joined task running.
    /// </summary>
    /// <returns>A coroutine to delegate to; its result is the task's result.</returns>
    public Coroutine<LoopRequest, Unit, T> Join() => new JoinCoroutine<T>(this, this);

    /// <summary>
    /// Lets a scheduler template write <c>T value = await task;</c>, which means <c>await task.Join()</c> (the generator lowers it
    /// to <see cref="LoopRequest.Await{T}(LoopTask{T})"/>). Generated code never calls it.
    /// </summary>
    /// <returns>The awaiter of <see cref="Join"/>.</returns>
    /// <exception cref="InvalidOperationException">Called outside a template: <c>await task</c> in a plain <c>async</c> method.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public CoroutineAwaiter<T> GetAwaiter()
    {
        // Since the generator lowers `await task` in templates, only template code run by the test oracle, or a plain async
        // method (Task, ValueTask...), gets here. The latter must fail now, at the await, as part of its own Task: the awaiter
        // would throw from OnCompleted instead, which the async method builder rethrows on the thread pool, ending the process.
        if (Templates.OracleContext.Current is null)
        {
            throw new InvalidOperationException(
                $"A loop task (task {Id}) can only be awaited inside a scheduler [Coroutine] template running on its loop, where `await task` "
                + "joins it. Outside the loop, run it (loop.Run(...)) and read task.Result, or have the task complete a TaskCompletionSource "
                + "that the async method awaits.");
        }

        return Join().GetAwaiter();
    }

    [StackTraceHidden]
    internal T ObserveResult()
    {
        if (Status != LoopTaskStatus.Completed)
        {
            RaiseFailure();
        }

        return coroutine.Result;
    }

    [StackTraceHidden]
    internal override bool Step(out LoopRequest request)
    {
        Exception? pending = TakePendingThrow();
        bool yielded = pending is null ? coroutine.MoveNext() : coroutine.Throw(pending);
        request = coroutine.Current;
        return yielded;
    }

    internal override void CloseCoroutine() => coroutine.Close();

    internal override CoroutineState CoroutineState => coroutine.State;

    internal override object CoroutineObject => coroutine;

    internal override void SetFinished(Exception? failure)
    {
        if (failure is null)
        {
            if (coroutine.State == CoroutineState.Completed)
            {
                Status = LoopTaskStatus.Completed;
            }
            else
            {
                Rare.Failure = new CoroutineCancelledException($"Task {Id}'s coroutine was closed.");
                Status = LoopTaskStatus.Cancelled;
            }
        }
        else
        {
            Rare.Failure = failure;
            Status = failure is CoroutineCancelledException or CoroutineExitException
                ? LoopTaskStatus.Cancelled
                : LoopTaskStatus.Faulted;
        }
    }
}
