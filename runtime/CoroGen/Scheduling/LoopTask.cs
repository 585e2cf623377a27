using System;
using System.Runtime.ExceptionServices;

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

    /// <summary>Waiting for an event, a channel, a join, a gather or a <see cref="System.Threading.Tasks.Task"/>.</summary>
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
    internal LoopTaskStatus Status;
    internal int SleepToken;

    // The exception to raise at the suspension point when the task next runs (cancellation or a timeout), and its strength:
    // 0 for Cancel(), depth + 1 for a timeout scope (outer scopes are stronger than inner ones).
    internal Exception? PendingThrow;
    internal int PendingPriority;

    // Set when something woke the task while it was running (it then does not stay parked at its next Park).
    internal bool WakeRequested;

    // The number of timeout scopes the task is inside.
    internal int ScopeDepth;

    internal Exception? Failure;
    internal bool Observed;
    private WaitQueue? finishWaiters;

    // Made on first join: most tasks are never joined.
    internal WaitQueue FinishWaiters => finishWaiters ??= new WaitQueue();

    internal void WakeFinishWaiters() => finishWaiters?.WakeAll();

    // The loop's list of unfinished tasks.
    internal LoopTask? LivePrev;
    internal LoopTask? LiveNext;

    private protected LoopTask(EventLoop loop, int id)
    {
        Loop = loop;
        Id = id;
    }

    /// <summary>The loop that runs this task.</summary>
    public EventLoop Loop { get; }

    /// <summary>A number unique within the loop, in spawn order (the main task is the first one <see cref="EventLoop.Run{T}"/> spawns).</summary>
    public int Id { get; }

    /// <summary>Where the task is in its life.</summary>
    public LoopTaskStatus State => Status;

    /// <summary>True once the task is Completed, Faulted or Cancelled.</summary>
    public bool IsFinished => Status >= LoopTaskStatus.Completed;

    /// <summary>True when the task ended with a failure (see <see cref="Exception"/>).</summary>
    public bool IsFaulted => Status == LoopTaskStatus.Faulted;

    /// <summary>True when cancellation ended the task.</summary>
    public bool IsCancelled => Status == LoopTaskStatus.Cancelled;

    /// <summary>The exception that ended a Faulted or Cancelled task; null otherwise. Reading it does not count as observing the failure.</summary>
    public Exception? Exception => Failure;

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

    /// <summary>Called from the loop when the task ends.</summary>
    internal abstract void SetFinished(Exception? failure);

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
    public override string ToString() => $"LoopTask {Id} ({Status})";
}

/// <summary>A loop task whose coroutine returns a <typeparamref name="T"/>: join it for the value.</summary>
/// <typeparam name="T">The coroutine's result type.</typeparam>
public sealed class LoopTask<T> : LoopTask
{
    private readonly Coroutine<LoopRequest, Unit, T> coroutine;
    private T result = default!;

    internal LoopTask(EventLoop loop, int id, Coroutine<LoopRequest, Unit, T> coroutine)
        : base(loop, id) => this.coroutine = coroutine;

    /// <summary>The coroutine the task runs.</summary>
    public Coroutine<LoopRequest, Unit, T> Coroutine => coroutine;

    /// <summary>The value the coroutine returned.</summary>
    /// <exception cref="InvalidOperationException">The task has not completed; if it failed, join it instead to get the exception.</exception>
    public T Result => Status == LoopTaskStatus.Completed
        ? result
        : throw new InvalidOperationException($"Task {Id} has no result: it is {Status}. Join it (await task.Join()) to wait for the result or the failure.");

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
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public CoroutineAwaiter<T> GetAwaiter() => Join().GetAwaiter();

    internal T ObserveResult()
    {
        if (Status != LoopTaskStatus.Completed)
        {
            RaiseFailure();
        }

        return result;
    }

    internal override bool Step(out LoopRequest request)
    {
        Exception? pending = PendingThrow;
        bool yielded;
        if (pending is null)
        {
            yielded = coroutine.MoveNext();
        }
        else
        {
            PendingThrow = null;
            PendingPriority = int.MaxValue;
            yielded = coroutine.Throw(pending);
        }

        request = coroutine.Current;
        return yielded;
    }

    internal override void CloseCoroutine() => coroutine.Close();

    internal override void SetFinished(Exception? failure)
    {
        if (failure is null)
        {
            if (coroutine.State == CoroutineState.Completed)
            {
                result = coroutine.Result;
                Status = LoopTaskStatus.Completed;
            }
            else
            {
                Failure = new CoroutineCancelledException($"Task {Id}'s coroutine was closed.");
                Status = LoopTaskStatus.Cancelled;
            }
        }
        else
        {
            Failure = failure;
            Status = failure is CoroutineCancelledException or CoroutineExitException
                ? LoopTaskStatus.Cancelled
                : LoopTaskStatus.Faulted;
        }
    }
}
