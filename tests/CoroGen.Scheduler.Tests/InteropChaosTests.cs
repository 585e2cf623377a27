using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Scheduler.Tests;

// A randomized test of the scheduler's Task interop (docs/scheduler.md section 9), on the real clock: other threads complete the
// Tasks. Each seed makes a main task that spawns workers; each worker runs a random list of awaits on Task, Task<int>, ValueTask
// and ValueTask<int> (already completed, faulted or cancelled ones; pending ones completed later by a thread-pool work item, by
// a timer, by Task.Run, through an IValueTaskSource, or early by another loop task on the loop thread), sleeps, reschedules,
// cancels of siblings, and MoveOnAfter/FailAfter scopes around pending awaits (some around Tasks that nothing completes until
// Run has returned). Main spawns, cancels, joins and waits for workers, may await Tasks itself, may return early (the loop's
// shutdown cancels the rest) and may throw. InteropWorld records what every await sees and checks:
//
// * every await resumes (returns or raises) on the thread that called Run;
// * an await of an already completed Task or ValueTask does not suspend (Loop.Steps does not move);
// * an await returns its own Task's result, or raises its own Task's fault (the same object) or its cancellation (an
//   OperationCanceledException that is not a CoroutineCancelledException), once;
// * a CoroutineCancelledException arrives only where one was due: a Cancel() issued while the task was suspended (which must
//   arrive at the next suspension point, within as many steps as there are live tasks, and is never lost, also not to a timeout
//   scope), the loop's shutdown after main finished, or a scope's timeout (not before its deadline); a Cancel() issued while the
//   task awaited a pending Task raises there, even when the Task completed meanwhile;
// * every await's finally and every worker's finally run once; a timed-out scope's body saw the cancellation at its await, and
//   a completed scope returns what the body's await returned;
// * Run returns (on a thread of its own, bounded: a hang fails the seed) only when every task has finished; TaskCount is 0; Run
//   returns main's value, or throws main's failure, or an AggregateException of main's failure and every worker failure nobody
//   joined, in the order they failed, the same objects (section 6); main's joins see the same objects;
// * right after Run, while the Tasks of cancelled awaits are still pending, the loop counts none of them: a Run that waits on an
//   unset event reports a deadlock instead of waiting (probe 1); again once every late completion has been posted (probe 2);
// * no Task whose exception the loop delivered at an await reaches TaskScheduler.UnobservedTaskException (after GC.Collect and
//   WaitForPendingFinalizers; a deliberately unobserved control Task shows that the check can see one).
//
// Read from the source, where the docs say less (the test accepts what the source does, and counts it):
// * an OperationCanceledException from an awaited Task that escapes a worker leaves it Faulted (only CoroutineCancelledException
//   means Cancelled), so Run reports it as a failure (stat taskCancellationEscaped_Faulted);
// * a Cancel() wins over a timeout of a scope that fired in the same turn (priority 0 against depth + 1 in EventLoop.Interrupt);
// * the fault of a Task whose await was cancelled first is never observed: it reaches UnobservedTaskException ("the .NET task
//   runs on unobserved"), although section 6 says that nothing is left to the finalizer (which is about loop tasks' failures);
// * section 9 names ValueTask and ValueTask<T>, not IValueTaskSource; a source-backed ValueTask is awaited through AsTask().
//
// INTEROP_CHAOS_SEEDS, INTEROP_CHAOS_FIRST_SEED, INTEROP_CHAOS_SECONDS (time box, default 4 s) and INTEROP_CHAOS_TRACE=1 (print
// the trace of failing seeds) tune it.

public enum InteropShape
{
    TaskOfInt,
    Task,
    ValueTaskOfInt,
    ValueTask,
}

public enum InteropSource
{
    Completed,        // already completed when awaited: must not suspend
    Tcs,              // TaskCompletionSource completed later (thread pool, timer, or another loop task)
    TaskRun,          // Task.Run
    ValueTaskSource,  // an IValueTaskSource (ManualResetValueTaskSourceCore) completed later (ValueTask shapes only)
}

public enum InteropOutcome
{
    Value,
    Fault,
    Cancel,
}

public enum InteropDelay
{
    Now,    // a thread-pool work item queued at once (races the await's registration)
    Spin,   // a work item that spins a little first
    Timer,  // Task.Delay(1-4 ms)
    Late,   // Task.Delay(8-20 ms): timeouts and cancellations usually come first
    Never,  // only inside a timeout scope: nothing completes it while Run runs (unless another loop task does); the test
            // completes it after Run returned, so the await can only end by the scope's timeout, a Cancel() or the shutdown
}

public enum InteropOpKind
{
    Await,
    Sleep,
    Reschedule,
    CancelSibling,
    CompleteFromLoop,
    MoveOnAfter,
    FailAfter,
    Throw,
}

public sealed class InteropFault : Exception
{
    private static int next;

    public InteropFault(string what)
        : this(Interlocked.Increment(ref next), what)
    {
    }

    private InteropFault(int id, string what)
        : base($"interop fault #{id}: {what}") => Id = id;

    public int Id { get; }
}

/// <summary>One operation of a worker's plan, with what happened to it while it ran (each plan runs once).</summary>
public sealed class InteropOp
{
    public int Id;
    public InteropOpKind Kind;
    public InteropShape Shape;
    public InteropSource Source;
    public InteropOutcome Outcome;
    public InteropDelay Delay;
    public int Ms;             // sleep, scope deadline, or the completion delay (Timer/Late), or spin iterations (Spin)
    public int Index;          // CancelSibling / CompleteFromLoop: which one
    public bool Async;         // RunContinuationsAsynchronously for the TaskCompletionSource / value task source
    public bool CatchFailure;  // the await swallows its Task's fault or cancellation
    public bool CatchCancel;   // the await swallows a CoroutineCancelledException (a task may catch its cancellation and go on)
    public InteropOp? Inner;   // MoveOnAfter/FailAfter: the pending await inside the scope
    public int Value;          // the result of this op's Task (unique)

    // ---- What happened ----
    public InteropFault? Fault;
    public Func<bool>? IsTaskDone;
    public InteropCompleter? Completer;
    public bool WasPending;
    public int Begun;
    public int Returned;
    public int Raised;
    public int Finallies;
    public int? ResultValue;        // what AwaitOne returned (the value, or -1 when it swallowed an exception)
    public Exception? RaisedWith;
    public bool GotLoopCancel;       // a CoroutineCancelledException was raised at this await
    public bool ConsumedCancel;      // ... and it delivered a Cancel() issued while the task was suspended here
    public bool CancelWhilePending;  // Cancel() was issued while the task waited here for a pending Task

    public override string ToString() => Kind switch
    {
        InteropOpKind.Await => $"#{Id} await {Shape} {Source}{(Source is InteropSource.Completed ? "" : $"/{Delay}{(Delay is InteropDelay.Timer or InteropDelay.Late or InteropDelay.Spin ? $"({Ms})" : "")}{(Async ? "/async" : "")}")} -> {Outcome}{(Outcome == InteropOutcome.Value ? $"({Value})" : "")}{(CatchFailure ? " catch" : "")}{(CatchCancel ? " catch-cancel" : "")}",
        InteropOpKind.Sleep => $"Sleep({Ms})",
        InteropOpKind.CancelSibling => $"CancelSibling(#{Index})",
        InteropOpKind.CompleteFromLoop => $"CompleteFromLoop(#{Index})",
        InteropOpKind.MoveOnAfter or InteropOpKind.FailAfter => $"{Kind}({Ms}, {Inner})",
        _ => Kind.ToString(),
    };
}

public sealed class InteropPlan
{
    public int Id;
    public int Value;
    public List<InteropOp> Ops = new();

    public override string ToString() => $"w{Id} (returns {Value}): {string.Join("; ", Ops)}";
}

public enum InteropMainStepKind
{
    Spawn,
    Sleep,
    Cancel,
    Join,
    Wait,
    Await,
}

public sealed class InteropMainStep
{
    public InteropMainStepKind Kind;
    public int Ms;
    public int Index;
    public InteropPlan? Worker;
    public InteropOp? Op;

    public override string ToString() => Kind switch
    {
        InteropMainStepKind.Spawn => $"Spawn(w{Worker!.Id})",
        InteropMainStepKind.Sleep => $"Sleep({Ms})",
        InteropMainStepKind.Await => $"Await({Op})",
        _ => $"{Kind}(#{Index})",
    };
}

public sealed class InteropMainPlan
{
    public int Value;
    public bool JoinAllAtEnd;
    public bool Throws;
    public List<InteropMainStep> Steps = new();

    public void Print(StringBuilder sb)
    {
        sb.AppendLine($"  main (returns {Value}{(JoinAllAtEnd ? ", joins all at the end" : "")}{(Throws ? ", throws at the end" : "")}): {string.Join("; ", Steps)}");
        foreach (InteropMainStep s in Steps)
        {
            if (s.Worker is not null)
            {
                sb.AppendLine("  " + s.Worker);
            }
        }
    }
}

/// <summary>Completes one Task or value task source once, whoever comes first (a thread-pool item, a timer, or a loop task).</summary>
public sealed class InteropCompleter
{
    private readonly Action complete;
    private int done;

    public InteropCompleter(Action complete) => this.complete = complete;

    /// <summary>Set after the completion ran (continuations included when they run inline).</summary>
    public readonly TaskCompletionSource Finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Thread;
    public bool ByLoop;

    public bool IsDone => Volatile.Read(ref done) != 0;

    public bool TryComplete(bool byLoop)
    {
        if (Interlocked.Exchange(ref done, 1) != 0)
        {
            return false;
        }

        Thread = Environment.CurrentManagedThreadId;
        ByLoop = byLoop;
        try
        {
            complete();
        }
        finally
        {
            Finished.TrySetResult();
        }

        return true;
    }
}

/// <summary>A value task source on <see cref="ManualResetValueTaskSourceCore{TResult}"/>, for ValueTask and ValueTask&lt;int&gt;.</summary>
public sealed class InteropValueTaskSource : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> core;

    public InteropValueTaskSource(bool async) => core.RunContinuationsAsynchronously = async;

    public short Version => core.Version;

    public void SetResult(int v) => core.SetResult(v);

    public void SetException(Exception e) => core.SetException(e);

    public int GetResult(short token) => core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}

/// <summary>
/// What the templates record while a seed runs, and the invariants checked against it. Violations are collected, never thrown into
/// the program. Every method the templates call runs on the loop thread, which it checks.
/// </summary>
public sealed class InteropWorld
{
    public sealed class TaskInfo
    {
        public LoopTask<int> Handle = null!;
        public InteropPlan Plan = null!;
        public bool Started;
        public bool Returned;
        public bool Finished;
        public int Finallies;
        public Exception? Escaped;
        public bool CancelledBeforeStart;
        public bool PendingCancel;        // Cancel() issued while it was suspended, not delivered yet
        public long CancelSteps;          // Loop.Steps when that Cancel() was issued
        public int CancelBound;           // how many steps may run before it arrives (see IssueCancel)
        public bool Observed;             // its failure was raised at main's join
        public InteropOp? Awaiting;       // the op it is suspended in (an AwaitOne)
        public InteropOp? Scope;          // the MoveOnAfter/FailAfter op it is in
        public TimeSpan ScopeStart;
    }

    public readonly List<string> Violations = new();
    public readonly List<string> Trace = new();
    public readonly Dictionary<string, int> Stats = new();
    public readonly Dictionary<int, TaskInfo> Tasks = new();
    public readonly List<TaskInfo> Workers = new();
    public readonly List<TaskInfo> EscapeOrder = new();
    public readonly List<InteropOp> Ops = new();
    public readonly List<InteropCompleter> Completers = new();
    public readonly List<Task> Outstanding = new();        // every Task made for an await (to wait for before the probe)
    public readonly ConcurrentDictionary<int, bool> Delivered;   // ids of faults that arrived at an await (shared by every seed)
    public readonly ConcurrentDictionary<int, bool> Undelivered; // ids of faults whose await was cancelled or timed out first
    public EventLoop Loop = null!;
    public int LoopThread;
    public LoopTask? Main;
    public bool MainFinished;
    public InteropFault? MainFailure;
    private readonly Random random;

    public InteropWorld(int seed, ConcurrentDictionary<int, bool> delivered, ConcurrentDictionary<int, bool> undelivered)
    {
        random = new Random(seed * 7919 + 17);
        Delivered = delivered;
        Undelivered = undelivered;
    }

    public TimeSpan Now => Loop.Elapsed;

    public void Log(string s) => Trace.Add($"[{Now.TotalMilliseconds:F3}ms] {s}");

    public void Violation(string s)
    {
        Log("VIOLATION " + s);
        Violations.Add(s);
    }

    public void Count(string key, int n = 1) => Stats[key] = Stats.GetValueOrDefault(key) + n;

    private void CheckThread(string where)
    {
        int t = Environment.CurrentManagedThreadId;
        if (t != LoopThread)
        {
            Violation($"{where} ran on thread {t}, not on the loop's thread {LoopThread}");
        }
    }

    private TaskInfo Info(LoopTask t) => Tasks[t.Id];

    // ---- Main ----

    public void MainStarted(LoopTask me)
    {
        CheckThread("main");
        Main = me;
    }

    public void MainResumed(string where) => CheckThread("main after " + where);

    public InteropFault MainFailing()
    {
        MainFinished = true;
        Log("main throws");
        return MainFailure = new InteropFault("main");
    }

    public void MainReturning()
    {
        MainFinished = true;
        Log("main returns");
    }

    public void Spawned(LoopTask<int> h, InteropPlan plan)
    {
        var info = new TaskInfo { Handle = h, Plan = plan };
        Tasks[h.Id] = info;
        Workers.Add(info);
        Log($"spawned t{h.Id} running w{plan.Id}");
    }

    public void IssueCancel(LoopTask issuer, LoopTask<int> target)
    {
        TaskInfo info = Info(target);
        if (info.Finished)
        {
            Log($"t{issuer.Id} cancels t{target.Id}, which has finished");
        }
        else if (!info.Started)
        {
            info.CancelledBeforeStart = true;
            Log($"t{issuer.Id} cancels t{target.Id} before it started");
        }
        else
        {
            // "Raised at the task's suspension point the next time it runs, which is at once" (section 5): Cancel() makes the
            // task ready, and the ready queue is FIFO (section 3), so at most every other live task runs before it does.
            if (!info.PendingCancel)
            {
                info.CancelSteps = Loop.Steps;
                info.CancelBound = Loop.TaskCount + 1;
            }

            info.PendingCancel = true;
            if (info.Awaiting is { WasPending: true } op)
            {
                op.CancelWhilePending = true;
                Count("cancelWhileAwaitingPendingTask");
                if (op.IsTaskDone is not null && op.IsTaskDone())
                {
                    Count("cancelWhileAwaiting_TaskAlreadyDone");
                }
            }

            Log($"t{issuer.Id} cancels t{target.Id} (awaiting {info.Awaiting?.Id.ToString() ?? "-"}, state {target.State})");
        }

        target.Cancel();
    }

    public void CancelSibling(LoopTask me, int index)
    {
        CheckThread($"t{me.Id} CancelSibling");
        var others = Workers.Where(x => x.Handle != me).ToList();
        if (others.Count > 0)
        {
            IssueCancel(me, others[index % others.Count].Handle);
        }
    }

    public void CompleteSomeFromLoop(int index)
    {
        var pending = Completers.Where(c => !c.IsDone).ToList();
        for (int k = 0; k < 2 && pending.Count > 0; k++)
        {
            InteropCompleter c = pending[(index + k) % pending.Count];
            if (c.TryComplete(byLoop: true))
            {
                Count("completedByLoopTask");
            }
        }
    }

    public void JoinReturned(LoopTask<int> h, int r)
    {
        TaskInfo info = Info(h);
        if (!info.Returned || r != info.Plan.Value || h.State != LoopTaskStatus.Completed)
        {
            Violation($"main's join of t{h.Id} returned {r} ({h.State}); the worker returned: {info.Returned}, value {info.Plan.Value}");
        }
    }

    public void JoinRaised(LoopTask<int> h, Exception e)
    {
        TaskInfo info = Info(h);
        if (h.IsCancelled)
        {
            if (e is not CoroutineCancelledException)
            {
                Violation($"main's join of cancelled t{h.Id} raised {e.GetType().Name}, not CoroutineCancelledException");
            }
        }
        else if (h.IsFaulted)
        {
            if (!ReferenceEquals(e, info.Escaped) || !ReferenceEquals(e, h.Exception))
            {
                Violation($"main's join of faulted t{h.Id} raised {e.GetType().Name} '{e.Message}', not the same object as what escaped it ({info.Escaped?.Message})");
            }

            info.Observed = true;
        }
        else
        {
            Violation($"main's join of t{h.Id} ({h.State}) raised {e.GetType().Name}: {e.Message}");
        }
    }

    public void WaitReturned(LoopTask<int> h)
    {
        if (!h.IsFinished)
        {
            Violation($"main's Wait() of t{h.Id} returned while it is {h.State}");
        }
    }

    // ---- Workers ----

    public void WorkerStarted(LoopTask me, InteropPlan plan)
    {
        CheckThread($"t{me.Id} start");
        TaskInfo info = Info(me);
        if (info.Started)
        {
            Violation($"t{me.Id} started twice");
        }

        if (info.CancelledBeforeStart)
        {
            Violation($"t{me.Id} was cancelled before it started, yet it runs");
        }

        info.Started = true;
        Log($"t{me.Id} starts w{plan.Id}");
    }

    public void WorkerReturning(LoopTask me)
    {
        CheckThread($"t{me.Id} return");
        TaskInfo info = Info(me);
        if (info.PendingCancel)
        {
            Violation($"t{me.Id} returns normally, but a Cancel() issued while it was suspended never arrived");
        }

        info.Returned = true;
    }

    public Exception WorkerFailure(LoopTask me) => new InteropFault($"thrown by t{me.Id}");

    public void WorkerEscaping(LoopTask me, Exception e)
    {
        CheckThread($"t{me.Id} escape");
        TaskInfo info = Info(me);
        info.Escaped = e;
        EscapeOrder.Add(info);
        Log($"t{me.Id} escapes with {e.GetType().Name}: {e.Message}");
        if (e is not (CoroutineCancelledException or InteropFault or OperationCanceledException))
        {
            Violation($"t{me.Id}: unexpected exception escapes: {e}");
        }
    }

    public void WorkerFinally(LoopTask me)
    {
        CheckThread($"t{me.Id} finally");
        TaskInfo info = Info(me);
        info.Finallies++;
        info.Finished = true;
    }

    public void EnterScope(LoopTask me, InteropOp op, TimeSpan start)
    {
        TaskInfo info = Info(me);
        info.Scope = op;
        info.ScopeStart = start;
    }

    public void ExitScope(LoopTask me) => Info(me).Scope = null;

    public void ScopeEnded(LoopTask me, InteropOp op, TimeSpan start, bool timedOut, int value, TimeoutException? failAfter)
    {
        CheckThread($"t{me.Id} after {op.Kind}");
        TaskInfo info = Info(me);
        InteropOp inner = op.Inner!;
        TimeSpan elapsed = Now - start;
        string what = $"t{me.Id} {op.Kind}({op.Ms} ms) around #{inner.Id}";
        if (info.PendingCancel)
        {
            Violation($"{what} ended ({(timedOut ? "timed out" : "completed")}) although a Cancel() was pending: the cancellation was lost");
        }

        if (inner.Begun != 1 || inner.Finallies != 1)
        {
            Violation($"{what}: the body's await began {inner.Begun} time(s), its finally ran {inner.Finallies} time(s)");
        }

        if (timedOut)
        {
            Count(op.Kind + "TimedOut");
            if (elapsed < TimeSpan.FromMilliseconds(op.Ms))
            {
                Violation($"{what} timed out after {elapsed.TotalMilliseconds} ms, before its deadline");
            }

            if (!inner.GotLoopCancel || inner.ConsumedCancel || inner.ResultValue is not null)
            {
                Violation($"{what} timed out, but its await saw: cancellation {inner.GotLoopCancel}, consumed a Cancel() {inner.ConsumedCancel}, returned {inner.ResultValue?.ToString() ?? "nothing"}");
            }

            if (inner.CancelWhilePending || inner.WasPending && inner.IsTaskDone is not null && !inner.IsTaskDone())
            {
                Count("timeoutWhileTaskStillPending");
            }
        }
        else
        {
            Count(op.Kind + "Completed");
            if (inner.ResultValue != value)
            {
                Violation($"{what} completed with {value}, but its await returned {inner.ResultValue?.ToString() ?? "nothing"}");
            }
        }
    }

    // ---- Awaits ----

    public long BeginAwait(LoopTask me, InteropOp op)
    {
        CheckThread($"t{me.Id} await #{op.Id}");
        op.Begun++;
        if (op.Begun > 1)
        {
            Violation($"op #{op.Id} began twice");
        }

        if (Tasks.TryGetValue(me.Id, out TaskInfo? info))
        {
            info.Awaiting = op;
        }

        return Loop.Steps;
    }

    private T Pending<T>(InteropOp op, T t, Func<bool> isDone)
    {
        op.IsTaskDone = isDone;
        op.WasPending = !isDone();
        return t;
    }

    private InteropCompleter NewCompleter(InteropOp op, Action complete)
    {
        var c = new InteropCompleter(complete);
        op.Completer = c;
        Completers.Add(c);
        Outstanding.Add(c.Finished.Task);
        switch (op.Delay)
        {
            case InteropDelay.Now:
                ThreadPool.UnsafeQueueUserWorkItem(static s => ((InteropCompleter)s!).TryComplete(false), c);
                break;
            case InteropDelay.Spin:
                int spins = op.Ms;
                ThreadPool.UnsafeQueueUserWorkItem(s =>
                {
                    Thread.SpinWait(spins);
                    ((InteropCompleter)s!).TryComplete(false);
                }, c);
                break;
            case InteropDelay.Never:
                break;
            default:
                Task.Delay(op.Ms).ContinueWith(static (_, s) => ((InteropCompleter)s!).TryComplete(false), c, TaskScheduler.Default);
                break;
        }

        return c;
    }

    private InteropFault NewFault(InteropOp op) => op.Fault = new InteropFault($"Task of op #{op.Id}");

    private Task Track(Task t)
    {
        Outstanding.Add(t.ContinueWith(static _ => { }, TaskContinuationOptions.ExecuteSynchronously)); // does not observe t
        return t;
    }

    private static CancellationToken Cancelled => new(true);

    public Task<int> MakeTaskOfInt(InteropOp op)
    {
        int v = op.Value;
        switch (op.Source)
        {
            case InteropSource.Completed:
                Task<int> done = op.Outcome switch
                {
                    InteropOutcome.Value => Task.FromResult(v),
                    InteropOutcome.Fault => Task.FromException<int>(NewFault(op)),
                    _ => Task.FromCanceled<int>(Cancelled),
                };
                return Pending(op, done, () => true);
            case InteropSource.TaskRun:
                Task<int> run = RunTask(op, () => v);
                Track(run);
                return Pending(op, run, () => run.IsCompleted);
            default:
                var tcs = new TaskCompletionSource<int>(op.Async ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
                InteropFault? fault = op.Outcome == InteropOutcome.Fault ? NewFault(op) : null;
                NewCompleter(op, () =>
                {
                    if (fault is not null) tcs.SetException(fault);
                    else if (op.Outcome == InteropOutcome.Cancel) tcs.SetCanceled();
                    else tcs.SetResult(v);
                });
                return Pending(op, tcs.Task, () => tcs.Task.IsCompleted);
        }
    }

    public Task MakeTask(InteropOp op)
    {
        switch (op.Source)
        {
            case InteropSource.Completed:
                Task done = op.Outcome switch
                {
                    InteropOutcome.Value => Task.CompletedTask,
                    InteropOutcome.Fault => Task.FromException(NewFault(op)),
                    _ => Task.FromCanceled(Cancelled),
                };
                return Pending(op, done, () => true);
            case InteropSource.TaskRun:
                Task t = Track(RunTask(op, () => 0));
                return Pending(op, t, () => t.IsCompleted);
            default:
                var tcs = new TaskCompletionSource(op.Async ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
                InteropFault? fault = op.Outcome == InteropOutcome.Fault ? NewFault(op) : null;
                NewCompleter(op, () =>
                {
                    if (fault is not null) tcs.SetException(fault);
                    else if (op.Outcome == InteropOutcome.Cancel) tcs.SetCanceled();
                    else tcs.SetResult();
                });
                return Pending(op, tcs.Task, () => tcs.Task.IsCompleted);
        }
    }

    public ValueTask<int> MakeValueTaskOfInt(InteropOp op)
    {
        int v = op.Value;
        switch (op.Source)
        {
            case InteropSource.Completed:
                ValueTask<int> done = op.Outcome switch
                {
                    InteropOutcome.Value => new ValueTask<int>(v),
                    InteropOutcome.Fault => ValueTask.FromException<int>(NewFault(op)),
                    _ => ValueTask.FromCanceled<int>(Cancelled),
                };
                return Pending(op, done, () => true);
            case InteropSource.ValueTaskSource:
                var src = new InteropValueTaskSource(op.Async);
                InteropFault? fault = op.Outcome == InteropOutcome.Fault ? NewFault(op) : null;
                NewCompleter(op, () =>
                {
                    if (fault is not null) src.SetException(fault);
                    else if (op.Outcome == InteropOutcome.Cancel) src.SetException(new OperationCanceledException("value task source cancelled"));
                    else src.SetResult(v);
                });
                short version = src.Version;
                return Pending(op, new ValueTask<int>(src, version), () => src.GetStatus(version) != ValueTaskSourceStatus.Pending);
            default:
                Task<int> t = MakeTaskOfInt(op);
                return new ValueTask<int>(t);
        }
    }

    public ValueTask MakeValueTask(InteropOp op)
    {
        switch (op.Source)
        {
            case InteropSource.Completed:
                ValueTask done = op.Outcome switch
                {
                    InteropOutcome.Value => ValueTask.CompletedTask,
                    InteropOutcome.Fault => ValueTask.FromException(NewFault(op)),
                    _ => ValueTask.FromCanceled(Cancelled),
                };
                return Pending(op, done, () => true);
            case InteropSource.ValueTaskSource:
                var src = new InteropValueTaskSource(op.Async);
                InteropFault? fault = op.Outcome == InteropOutcome.Fault ? NewFault(op) : null;
                NewCompleter(op, () =>
                {
                    if (fault is not null) src.SetException(fault);
                    else if (op.Outcome == InteropOutcome.Cancel) src.SetException(new OperationCanceledException("value task source cancelled"));
                    else src.SetResult(0);
                });
                short version = src.Version;
                return Pending(op, new ValueTask(src, version), () => src.GetStatus(version) != ValueTaskSourceStatus.Pending);
            default:
                return new ValueTask(MakeTask(op));
        }
    }

    // Task.Run that spins a little, then returns, throws the op's fault, or ends cancelled (an OperationCanceledException for
    // its own cancelled token).
    private Task<int> RunTask(InteropOp op, Func<int> value)
    {
        InteropFault? fault = op.Outcome == InteropOutcome.Fault ? NewFault(op) : null;
        var cts = new CancellationTokenSource();
        InteropOutcome outcome = op.Outcome;
        int spins = op.Delay == InteropDelay.Spin ? op.Ms : op.Delay == InteropDelay.Now ? 0 : 200 * op.Ms;
        return Task.Run(() =>
        {
            Thread.SpinWait(spins);
            if (fault is not null)
            {
                throw fault;
            }

            if (outcome == InteropOutcome.Cancel)
            {
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }

            return value();
        }, cts.Token);
    }

    public void AwaitReturned(LoopTask me, InteropOp op, int v, long steps)
    {
        string what = $"t{me.Id} await #{op.Id} ({op.Shape} {op.Source})";
        CheckThread(what + " resumed");
        op.Returned++;
        op.ResultValue = v;
        EndAwait(me, op, what, steps, loopCancel: false);
        if (op.Outcome != InteropOutcome.Value)
        {
            Violation($"{what} returned {v}, but its Task ended {op.Outcome}");
        }
        else if (v != op.Value)
        {
            Violation($"{what} returned {v}, not its own Task's result {op.Value}");
        }
    }

    /// <summary>Checks what was raised at an await; true to swallow it.</summary>
    public bool AwaitRaised(LoopTask me, InteropOp op, Exception e, long steps)
    {
        string what = $"t{me.Id} await #{op.Id} ({op.Shape} {op.Source} -> {op.Outcome})";
        CheckThread(what + " raised");
        op.Raised++;
        op.RaisedWith = e;
        if (e is CoroutineCancelledException)
        {
            op.GotLoopCancel = true;
            EndAwait(me, op, what, steps, loopCancel: true);
            if (!op.WasPending)
            {
                Violation($"{what}: a loop cancellation was raised at an await of a completed Task, which does not suspend");
            }

            if (op.Fault is not null)
            {
                Undelivered[op.Fault.Id] = true;
            }

            if (op.IsTaskDone is not null && !op.IsTaskDone())
            {
                Count("cancelledBeforeTheTaskCompleted");
            }

            if (op.CatchCancel)
            {
                op.ResultValue = -1;
                return true;
            }

            return false;
        }

        EndAwait(me, op, what, steps, loopCancel: false);
        if (op.Outcome == InteropOutcome.Fault && ReferenceEquals(e, op.Fault))
        {
            Delivered[op.Fault!.Id] = true;
            Count("faultDelivered");
        }
        else if (op.Outcome == InteropOutcome.Cancel && e is OperationCanceledException)
        {
            Count($"taskCancelDelivered_{e.GetType().Name}");
        }
        else if (op.Outcome == InteropOutcome.Fault && e is InteropFault f)
        {
            Violation($"{what} raised fault #{f.Id}, not its own Task's fault #{op.Fault?.Id}");
            return false;
        }
        else
        {
            Violation($"{what} raised {e.GetType().Name}: {e.Message}");
            return false;
        }

        if (op.CatchFailure)
        {
            op.ResultValue = -1;
            return true;
        }

        return false;
    }

    // What every resumption of an await checks: the loop thread (done by the caller), no suspension for a completed Task, and
    // whether a Cancel() issued while the task was suspended here arrived here.
    private void EndAwait(LoopTask me, InteropOp op, string what, long steps, bool loopCancel)
    {
        if (op.Returned + op.Raised > 1)
        {
            Violation($"{what} resumed {op.Returned + op.Raised} times");
        }

        if (!op.WasPending && Loop.Steps != steps)
        {
            Violation($"{what}: awaiting an already completed Task suspended ({Loop.Steps - steps} steps ran)");
        }

        if (!Tasks.TryGetValue(me.Id, out TaskInfo? info))
        {
            return; // main
        }

        info.Awaiting = null;
        Suspension(me, info, what, loopCancel, op);
    }

    private void Suspension(LoopTask me, TaskInfo info, string what, bool loopCancel, InteropOp? op)
    {
        if (loopCancel)
        {
            if (info.PendingCancel)
            {
                info.PendingCancel = false;
                long took = Loop.Steps - info.CancelSteps;
                if (took > info.CancelBound)
                {
                    Violation($"{what}: the Cancel() arrived {took} steps after it was issued; with {info.CancelBound - 1} live tasks it should have come within {info.CancelBound}");
                }

                Count("cancelDeliveredWithinSteps_" + (took <= 2 ? "1-2" : took <= 5 ? "3-5" : "6+"));
                if (op is not null)
                {
                    op.ConsumedCancel = true;
                }

                Count("cancelDelivered");
            }
            else if (MainFinished)
            {
                Count("shutdownCancelDelivered");
            }
            else if (info.Scope is InteropOp scope)
            {
                TimeSpan elapsed = Now - info.ScopeStart;
                if (elapsed < TimeSpan.FromMilliseconds(scope.Ms))
                {
                    Violation($"{what}: the {scope.Kind}({scope.Ms} ms) timeout was raised after {elapsed.TotalMilliseconds} ms");
                }
            }
            else
            {
                Violation($"{what}: CoroutineCancelledException raised, but nobody cancelled t{me.Id}, no scope surrounds it, and main has not finished");
            }
        }
        else if (info.PendingCancel)
        {
            Violation($"{what}: resumed without the cancellation although t{me.Id} was cancelled while suspended there (Cancel() lost)");
            info.PendingCancel = false;
        }
    }

    public void AwaitFinally(LoopTask me, InteropOp op)
    {
        op.Finallies++;
        if (op.Finallies > 1)
        {
            Violation($"t{me.Id} await #{op.Id}: finally ran twice");
        }
    }

    /// <summary>Records a sleep's or reschedule's resumption; true to swallow <paramref name="e"/>.</summary>
    public bool Resumed(LoopTask me, InteropOp op, Exception? e)
    {
        string what = $"t{me.Id} {op}";
        CheckThread(what);
        TaskInfo info = Info(me);
        if (e is null)
        {
            Suspension(me, info, what, false, null);
            return true;
        }

        if (e is CoroutineCancelledException)
        {
            Suspension(me, info, what, true, null);
            return false;
        }

        Violation($"{what} raised {e.GetType().Name}: {e.Message}");
        return false;
    }

    public void CheckSlept(string what, TimeSpan start, int ms)
    {
        TimeSpan slept = Now - start;
        if (slept < TimeSpan.FromMilliseconds(ms))
        {
            Violation($"{what}({ms} ms) returned after {slept.TotalMilliseconds} ms");
        }
    }

    // ---- After Run ----

    public void CheckAfterRun(InteropMainPlan plan, bool returned, int result, Exception? runException)
    {
        if (Main is null)
        {
            Violation("main never started");
            return;
        }

        if (!Main.IsFinished)
        {
            Violation($"Run ended while main is {Main.State}");
        }

        if (Loop.TaskCount != 0)
        {
            Violation($"TaskCount is {Loop.TaskCount} after Run");
        }

        foreach (TaskInfo info in Workers)
        {
            LoopTask<int> h = info.Handle;
            if (!h.IsFinished)
            {
                Violation($"t{h.Id} is {h.State} after Run");
            }

            if (info.Started && info.Finallies != 1)
            {
                Violation($"t{h.Id}'s finally ran {info.Finallies} times");
            }

            if (!info.Started && !info.CancelledBeforeStart && !MainFinished)
            {
                Violation($"t{h.Id} never ran, and nobody cancelled it");
            }

            if (info.PendingCancel)
            {
                Violation($"t{h.Id} was cancelled while suspended, and the cancellation never arrived (it ended {h.State})");
            }

            if (info.Escaped is CoroutineCancelledException && !h.IsCancelled)
            {
                Violation($"t{h.Id}: a CoroutineCancelledException escaped it, yet it is {h.State}");
            }

            if (info.Escaped is InteropFault && (!h.IsFaulted || !ReferenceEquals(h.Exception, info.Escaped)))
            {
                Violation($"t{h.Id}: a fault escaped it, yet it is {h.State} with {h.Exception?.Message}");
            }

            if (info.Escaped is OperationCanceledException and not CoroutineCancelledException)
            {
                Count($"taskCancellationEscaped_{h.State}");
            }

            if (info.Returned && h.State != LoopTaskStatus.Completed)
            {
                Violation($"t{h.Id} returned, yet it is {h.State}");
            }
        }

        foreach (InteropOp op in Ops)
        {
            if (op.Begun == 1 && (op.Finallies != 1 || op.Returned + op.Raised != 1))
            {
                Violation($"op #{op.Id}: began once, returned {op.Returned}, raised {op.Raised}, finally ran {op.Finallies} times");
            }

            if (op.CancelWhilePending && !op.GotLoopCancel)
            {
                Violation($"op #{op.Id}: cancelled while awaiting a pending Task, but no CoroutineCancelledException arrived there (it {(op.Returned > 0 ? "returned " + op.ResultValue : "raised " + op.RaisedWith?.GetType().Name)})");
            }
        }

        // No lost exceptions (docs/scheduler.md section 6): main's failure first, then every failure nobody joined, in the order
        // the tasks failed; main's failure alone escapes as it is.
        var expected = new List<Exception>();
        if (MainFailure is not null)
        {
            expected.Add(MainFailure);
        }

        expected.AddRange(EscapeOrder.Where(i => i.Handle.IsFaulted && !i.Observed).Select(i => i.Escaped!));
        if (expected.Count == 0)
        {
            if (!returned || result != plan.Value)
            {
                Violation($"Run should have returned {plan.Value}; it {(returned ? "returned " + result : "threw " + runException)}");
            }
        }
        else if (expected.Count == 1 && MainFailure is not null)
        {
            if (!ReferenceEquals(runException, MainFailure))
            {
                Violation($"Run should have thrown main's failure as it is; it {(returned ? "returned " + result : "threw " + runException)}");
            }
        }
        else if (runException is not AggregateException agg
            || agg.InnerExceptions.Count != expected.Count
            || !agg.InnerExceptions.Zip(expected).All(p => ReferenceEquals(p.First, p.Second)))
        {
            Violation($"Run should have thrown an AggregateException of [{string.Join(", ", expected.Select(e => e.Message))}]; it {(returned ? "returned " + result : "threw " + runException?.GetType().Name + ": [" + string.Join(", ", (runException as AggregateException)?.InnerExceptions.Select(e => e.Message) ?? new[] { runException?.Message }) + "]")}");
        }

        foreach (InteropCompleter c in Completers)
        {
            if (c.IsDone)
            {
                Count(c.ByLoop ? "completedByLoopTaskBeforeRunEnded" : "completedByOtherThread");
            }
        }

        foreach (InteropOp op in Ops)
        {
            if (op.Begun == 1)
            {
                Count("await_" + op.Source + "_" + op.Shape);
            }
        }
    }
}

public class InteropChaosTests
{
    private readonly ITestOutputHelper output;

    public InteropChaosTests(ITestOutputHelper output) => this.output = output;

    private sealed class Generator
    {
        private readonly Random r;
        private int ops;
        private int workers;

        public Generator(int seed) => r = new Random(seed);

        public List<InteropOp> All = new();

        public InteropMainPlan Main()
        {
            var plan = new InteropMainPlan
            {
                Value = r.Next(1, 1000),
                JoinAllAtEnd = r.Next(10) < 6,
                Throws = r.Next(10) == 0,
            };
            int n = r.Next(3, 11);
            for (int i = 0; i < n; i++)
            {
                plan.Steps.Add(new InteropMainStep { Kind = InteropMainStepKind.Spawn, Worker = Worker() });
                int extra = r.Next(0, 3);
                for (int j = 0; j < extra; j++)
                {
                    plan.Steps.Add(MainStep());
                }
            }

            int tail = r.Next(0, 4);
            for (int j = 0; j < tail; j++)
            {
                plan.Steps.Add(MainStep());
            }

            return plan;
        }

        private InteropMainStep MainStep()
        {
            int k = r.Next(100);
            var s = new InteropMainStep { Index = r.Next(16) };
            if (k < 30)
            {
                s.Kind = InteropMainStepKind.Sleep;
                s.Ms = r.Next(0, 5);
            }
            else if (k < 50)
            {
                s.Kind = InteropMainStepKind.Cancel;
            }
            else if (k < 65)
            {
                s.Kind = InteropMainStepKind.Join;
            }
            else if (k < 75)
            {
                s.Kind = InteropMainStepKind.Wait;
            }
            else
            {
                s.Kind = InteropMainStepKind.Await;
                s.Op = AwaitOp(pendingOnly: false);
                s.Op.CatchFailure = true; // main fails only on purpose
            }

            return s;
        }

        private InteropPlan Worker()
        {
            var p = new InteropPlan { Id = ++workers, Value = r.Next(1, 1000) };
            int n = r.Next(1, 9);
            for (int i = 0; i < n; i++)
            {
                p.Ops.Add(Op());
            }

            return p;
        }

        private InteropOp Op()
        {
            int k = r.Next(100);
            if (k < 45)
            {
                return AwaitOp(pendingOnly: false);
            }

            var op = new InteropOp { Id = ++ops, Index = r.Next(16) };
            All.Add(op);
            switch (k)
            {
                case < 55:
                    op.Kind = InteropOpKind.Sleep;
                    op.Ms = r.Next(0, 5);
                    break;
                case < 62:
                    op.Kind = InteropOpKind.Reschedule;
                    break;
                case < 71:
                    op.Kind = InteropOpKind.CancelSibling;
                    break;
                case < 78:
                    op.Kind = InteropOpKind.CompleteFromLoop;
                    break;
                case < 87:
                    op.Kind = InteropOpKind.MoveOnAfter;
                    op.Ms = r.Next(0, 9);
                    op.Inner = AwaitOp(pendingOnly: true);
                    break;
                case < 97:
                    op.Kind = InteropOpKind.FailAfter;
                    op.Ms = r.Next(0, 9);
                    op.Inner = AwaitOp(pendingOnly: true);
                    break;
                default:
                    op.Kind = InteropOpKind.Throw;
                    break;
            }

            return op;
        }

        private InteropOp AwaitOp(bool pendingOnly)
        {
            var op = new InteropOp
            {
                Id = ++ops,
                Kind = InteropOpKind.Await,
                Shape = (InteropShape)r.Next(4),
                Async = r.Next(2) == 0,
                CatchFailure = r.Next(10) < 8,
                CatchCancel = r.Next(10) < 3,
            };
            op.Value = 100_000 + op.Id * 10 + r.Next(10);
            All.Add(op);
            int s = r.Next(pendingOnly ? 25 : 0, 100);
            bool valueShape = op.Shape is InteropShape.ValueTask or InteropShape.ValueTaskOfInt;
            op.Source = s switch
            {
                < 25 => InteropSource.Completed,
                < 60 => InteropSource.Tcs,
                < 80 => InteropSource.TaskRun,
                _ => valueShape ? InteropSource.ValueTaskSource : InteropSource.Tcs,
            };
            int o = r.Next(100);
            op.Outcome = o < 60 ? InteropOutcome.Value : o < 85 ? InteropOutcome.Fault : InteropOutcome.Cancel;
            op.Delay = (InteropDelay)r.Next(pendingOnly && op.Source != InteropSource.TaskRun ? 5 : 4);
            op.Ms = op.Delay switch
            {
                InteropDelay.Spin => r.Next(10, 3000),
                InteropDelay.Timer => r.Next(1, 5),
                InteropDelay.Late => r.Next(8, 21),
                _ => 0,
            };
            return op;
        }
    }

    private static readonly ConcurrentDictionary<int, bool> Delivered = new();
    private static readonly ConcurrentDictionary<int, bool> Undelivered = new();

    /// <summary>Runs seed <paramref name="seed"/>; returns its violations (empty when every invariant held).</summary>
    public static List<string> RunSeed(int seed, out string report, Dictionary<string, int>? stats = null)
    {
        var gen = new Generator(seed);
        InteropMainPlan plan = gen.Main();
        var world = new InteropWorld(seed, Delivered, Undelivered);
        world.Ops.AddRange(gen.All);
        var loop = new EventLoop(); // TimeProvider.System: other threads complete the Tasks
        world.Loop = loop;
        Exception? runException = null;
        bool returned = false;
        int result = 0;

        // Run must return or throw, never hang: run it on a thread of its own and bound the wait.
        var thread = new Thread(() =>
        {
            world.LoopThread = Environment.CurrentManagedThreadId;
            try
            {
                result = loop.Run(InteropChaosTemplates.MainTask(plan, world));
                returned = true;
            }
            catch (Exception e)
            {
                runException = e;
            }
        }, 4 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
        {
            world.Violations.Add("Run did not return within 10 s (hang)");
        }
        else
        {
            world.Log($"Run {(returned ? "returned " + result : "threw " + runException!.GetType().Name + ": " + runException.Message)} at {loop.Elapsed.TotalMilliseconds} ms");
            world.CheckAfterRun(plan, returned, result, runException);

            // Probe 1, at once: every await of this seed has ended, so the loop must not count any awaited Task as pending, even
            // though the Tasks of the cancelled or timed-out awaits are still running (the Never ones until the test completes
            // them below): "the .NET task runs on unobserved, and the loop does not wait for it" (docs section 9). A Run that
            // waits for an event nobody sets is then a deadlock (section 3); if the loop still counted a pending Task, it would
            // wait for it instead.
            Probe(loop, world, "right after Run, with the abandoned Tasks still pending");

            // Every Task made for an await completes soon (the latest 20 ms after it was made; the Never ones now), whether or
            // not its await was cancelled: wait for all, so that the late completions reach the loop after Run; they must neither
            // crash anything nor resume anything nor leave the loop counting a pending Task (probe 2).
            foreach (InteropCompleter c in world.Completers)
            {
                if (c.TryComplete(byLoop: false))
                {
                    world.Count("completedAfterRun");
                }
            }

            if (!Task.WaitAll(world.Outstanding.ToArray(), TimeSpan.FromSeconds(5)))
            {
                world.Violations.Add("(test) the Tasks made for the awaits did not all complete within 5 s");
            }

            Probe(loop, world, "after every late Task completion was posted");
        }

        var sb = new StringBuilder();
        sb.AppendLine($"seed {seed}:");
        plan.Print(sb);
        if (world.Violations.Count > 0 && Environment.GetEnvironmentVariable("INTEROP_CHAOS_TRACE") == "1")
        {
            sb.AppendLine(string.Join(Environment.NewLine, world.Trace));
        }

        report = sb.ToString();
        if (stats is not null)
        {
            foreach (var (key, n) in world.Stats)
            {
                stats[key] = stats.GetValueOrDefault(key) + n;
            }
        }

        return world.Violations;
    }

    private static void Probe(EventLoop loop, InteropWorld world, string when)
    {
        Exception? probe = null;
        var probeThread = new Thread(() =>
        {
            try
            {
                loop.Run(InteropChaosTemplates.WaitForever(new LoopEvent()));
            }
            catch (Exception e)
            {
                probe = e;
            }
        }, 1024 * 1024) { IsBackground = true };
        probeThread.Start();
        if (!probeThread.Join(TimeSpan.FromSeconds(5)))
        {
            world.Violations.Add($"probe {when}: a Run waiting on an unset event hung instead of reporting a deadlock: the loop still counts an awaited Task as pending");
        }
        else if (probe is not InvalidOperationException ioe || !ioe.Message.Contains("Deadlock", StringComparison.Ordinal))
        {
            world.Violations.Add($"probe {when}: a Run waiting on an unset event should throw the deadlock's InvalidOperationException; it threw {probe?.GetType().Name}: {probe?.Message}");
        }
        else if (loop.TaskCount != 0)
        {
            world.Violations.Add($"probe {when}: TaskCount is {loop.TaskCount} after the probe's Run");
        }
    }

    // A faulted Task nobody observes, made in a frame of its own so that nothing keeps it alive: the control that shows the
    // UnobservedTaskException check below can see anything at all.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MakeUnobservedControl()
    {
        var fault = new InteropFault("control: unobserved on purpose");
        var tcs = new TaskCompletionSource<int>();
        tcs.SetException(fault);
        return fault.Id;
    }

    [Fact]
    public void InteropChaos_RandomTaskAwaits_KeepTheInteropInvariants()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) =>
        {
            foreach (Exception x in e.Exception.InnerExceptions)
            {
                unobserved.Enqueue(x);
            }
        };
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var failures = new List<(int Seed, List<string> Violations, string Report)>();
            var stats = new Dictionary<string, int>();
            int seeds = int.TryParse(Environment.GetEnvironmentVariable("INTEROP_CHAOS_SEEDS"), out int n) ? n : 400;
            int first = int.TryParse(Environment.GetEnvironmentVariable("INTEROP_CHAOS_FIRST_SEED"), out int f0) ? f0 : 1;
            double budget = double.TryParse(Environment.GetEnvironmentVariable("INTEROP_CHAOS_SECONDS"), out double b) ? b : 4;
            int ran = 0;
            for (int seed = first; seed < first + seeds; seed++)
            {
                if (ran >= 50 && started.Elapsed.TotalSeconds > budget)
                {
                    break; // time-boxed: a busy machine runs fewer seeds, never fewer than 50
                }

                if (failures.Count >= 10)
                {
                    break; // enough to report; a failing seed may cost a 10 s hang
                }

                ran++;
                List<string> v = RunSeed(seed, out string report, stats);
                if (v.Count > 0)
                {
                    failures.Add((seed, v, report));
                }
            }

            // Tasks whose exception the loop delivered at an await were observed there: none may reach UnobservedTaskException.
            int control = MakeUnobservedControl();
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            var ours = unobserved.OfType<InteropFault>().ToList();
            var deliveredButUnobserved = ours.Where(f => Delivered.ContainsKey(f.Id)).ToList();
            int undeliveredSeen = ours.Count(f => Undelivered.ContainsKey(f.Id));
            bool controlSeen = ours.Any(f => f.Id == control);

            output.WriteLine($"{ran} seeds (from {first}) in {started.Elapsed.TotalSeconds:F1} s; {failures.Count} failed");
            output.WriteLine($"UnobservedTaskException: {ours.Count} of ours (control seen: {controlSeen}; faults delivered at an await: {Delivered.Count}, of which unobserved: {deliveredButUnobserved.Count}; not delivered (awaiter cancelled first): {Undelivered.Count}, of which reported unobserved: {undeliveredSeen})");
            output.WriteLine(string.Join(", ", stats.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));

            var sb = new StringBuilder();
            if (failures.Count > 0)
            {
                sb.AppendLine($"{failures.Count} of {ran} seeds broke an invariant (seeds: {string.Join(", ", failures.Select(f => f.Seed))}). First ones:");
                foreach (var kind in failures
                    .SelectMany(f => f.Violations.Select(v => System.Text.RegularExpressions.Regex.Replace(v, @"\d+", "N")).Distinct().Select(k => (k, f.Seed)))
                    .GroupBy(x => x.k).OrderByDescending(g => g.Count()))
                {
                    sb.AppendLine($"  {kind.Count()} seed(s), e.g. {kind.First().Seed}: {kind.Key}");
                }

                foreach (var f in failures.Take(3))
                {
                    sb.Append(f.Report);
                    foreach (string s in f.Violations.Take(5))
                    {
                        sb.AppendLine("    " + s);
                    }
                }
            }

            if (deliveredButUnobserved.Count > 0)
            {
                sb.AppendLine($"UnobservedTaskException raised for {deliveredButUnobserved.Count} Task(s) whose exception the loop delivered at an await, e.g. {deliveredButUnobserved[0].Message}");
            }

            if (sb.Length > 0)
            {
                Assert.Fail(sb.ToString());
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= handler;
        }
    }
}
