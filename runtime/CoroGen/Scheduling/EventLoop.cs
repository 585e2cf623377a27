using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using System.Threading.Tasks;

namespace CoroGen.Scheduling;

/// <summary>
/// A single-threaded event loop for scheduler coroutines (<c>Coroutine&lt;LoopRequest, Unit, T&gt;</c>), in the spirit of curio
/// and trio: one thread runs every task; a task runs until it yields a <see cref="LoopRequest"/>, which says what it waits for.
/// </summary>
/// <remarks>
/// <para>The loop keeps a FIFO ready queue, a deadline heap of sleepers and timeout scopes (cancelling a timeout that never
/// fires is O(1)), and a thread-safe inbox where completions of awaited <see cref="System.Threading.Tasks.Task"/>s are posted.
/// Each turn it takes the inbox, wakes the sleepers whose deadline passed, fires expired timeout scopes, then runs every task
/// that was ready at the start of the turn once. When nothing is ready it blocks until the next deadline or the next posted
/// completion; with a <see cref="VirtualTimeProvider"/> in <see cref="VirtualTimeProvider.AutoAdvance"/> mode it instead moves
/// the virtual clock straight to the next deadline when every task sleeps or waits on the loop's own primitives.</para>
/// <para>Time is read only through <see cref="TimeProvider"/>. Everything here (spawning, cancelling, setting events,
/// channels) belongs to the loop thread: call it from inside loop tasks, or before <see cref="Run{T}"/>.</para>
/// </remarks>
public sealed class EventLoop
{
    [ThreadStatic]
    private static EventLoop? current;

    private readonly TimeProvider time;
    private readonly VirtualTimeProvider? virtualTime;
    private readonly long origin;
    private readonly TaskRing ready = new();
    private readonly TimerHeap timers = new();
    private readonly List<LoopTask> faulted = new();

    // Exceptions thrown by callbacks that the loop ran on its thread: a virtual clock's timers that its jumps fired, and a
    // task's cancellation tokens (co.CancellationToken()) that it cancelled. They are not the loop's to handle, but escaping
    // Run from the middle of the loop would leave every task unfinished: Run reports them when it ends.
    private readonly List<Exception> callbackFailures = new();
    private int faultedPruneAt = 1024;

    private readonly object inboxLock = new();
    private List<ExternalWaiter> inbox = new();
    private List<ExternalWaiter> draining = new();
    private volatile bool hasPosts;
    private bool idle;
    private ITimer? wakeTimer;

    // While a task dequeued from the ready queue runs, the queue holds it (TaskRing.LastDequeued): keeping it there rather
    // than in a field saves a GC write barrier per step. Deadlock handling runs coroutines outside the queue (closingTask).
    private bool stepping;
    private LoopTask? closingTask;

    // Each task runs in its own ExecutionContext (its AsyncLocal values, CultureInfo.CurrentCulture, Activity.Current): the
    // one its spawner had at the Spawn, then whatever its own code sets. Most tasks share one, the context the first live
    // task was spawned in (baseContext), and keep it without storing it (LoopTask.OwnContext is null). installedContext is
    // the one the loop last put on its thread: a step changes the thread's context only when its task's differs, and
    // finds out whether the task changed it with one reference compare (scheduler.md §4, "Each task has its own execution context").
    private ExecutionContext? baseContext;
    private ExecutionContext? installedContext;

    // Set when something woke the running task while it ran: it then does not stay parked at its next Park.
    private bool runningWoken;

    // Every unfinished task is running, in the ready queue, asleep in the timer heap, or waiting (parked); only the parked
    // ones would be out of reach, so they are listed here while they wait (shutdown and deadlock handling enumerate them).
    // A waiting task keeps its index here in the bits that hold its timer slot while it sleeps, and leaves by a swap with
    // the last entry when it wakes: the list never holds a finished task (and the coroutine and locals it would keep alive).
    private readonly List<LoopTask> parked = new();
    private int liveCount;
    private int externalPending;
    private int nextId;
    private long steps;
    private Thread? thread;
    private bool shuttingDown;

    // Set when the run ended in a deadlock (every task closed): Run throws it.
    private Exception? deadlock;

    /// <summary>Creates a loop on the system clock (<see cref="TimeProvider.System"/>).</summary>
    public EventLoop()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a loop that reads time from <paramref name="timeProvider"/>; pass a <see cref="VirtualTimeProvider"/> for deterministic tests.</summary>
    /// <param name="timeProvider">The clock for sleeps and timeouts.</param>
    public EventLoop(TimeProvider timeProvider)
    {
        time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        virtualTime = timeProvider as VirtualTimeProvider;
        origin = time.GetTimestamp();
    }

    /// <summary>The loop running on the current thread (set while <see cref="Run{T}"/> runs); null elsewhere.</summary>
    public static EventLoop? Current => current;

    /// <summary>The clock the loop reads.</summary>
    public TimeProvider TimeProvider => time;

    /// <summary>Time elapsed on the loop's clock since the loop was created; sleep deadlines (<see cref="LoopRequest.ForDeadline"/>) are measured on it.</summary>
    public TimeSpan Elapsed => new(Now());

    /// <summary>How many times the loop has resumed a task (one step = one resume up to the next yield).</summary>
    public long Steps => steps;

    /// <summary>True while <see cref="Run{T}"/> runs.</summary>
    public bool IsRunning => thread is not null;

    /// <summary>The number of tasks spawned and not finished yet.</summary>
    public int TaskCount => liveCount;

    internal LoopTask? RunningTask => stepping ? ready.LastDequeued : closingTask;

    /// <summary>
    /// Runs <paramref name="main"/> as the loop's first task, together with every task spawned before or during the run, and
    /// returns main's result. When main finishes (completes, fails or is cancelled), the tasks still running are cancelled and
    /// the loop runs until they have all finished, so their cleanup runs before <c>Run</c> returns.
    /// </summary>
    /// <typeparam name="T">Main's result type.</typeparam>
    /// <param name="main">The main coroutine, not started yet.</param>
    /// <returns>Main's result.</returns>
    /// <exception cref="AggregateException">
    /// Some task failed and nobody observed the failure (by joining it or through <see cref="SchedulerExtensions.Gather{T}"/>):
    /// the aggregate holds every unobserved failure, in the order the tasks failed, preceded by what ended the run: main's own
    /// exception if main failed, or the deadlock's <see cref="InvalidOperationException"/>. Exceptions thrown by the callbacks of a
    /// <see cref="VirtualTimeProvider"/>'s timers that the loop's auto-advance fired, and by callbacks registered on a task's
    /// <see cref="SchedulerExtensions.CancellationToken"/> when the loop cancelled it, come last in it.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The loop is already running, or it deadlocked: tasks wait on events, channels or joins that nothing can complete any more (no
    /// task is ready, none sleeps, no awaited Task is pending). The waiting coroutines are closed (their <c>finally</c> blocks run) first.
    /// If failures went unobserved before the deadlock, it comes first in an <see cref="AggregateException"/> with them.
    /// </exception>
    /// <remarks>
    /// <para>If main fails (or is cancelled) and no other failure went unobserved, main's exception escapes as it is.</para>
    /// <para>Main starts in the caller's <see cref="ExecutionContext"/>, and each task runs in its own (its <see cref="AsyncLocal{T}"/>
    /// values, culture and <c>Activity.Current</c>): what the tasks set is not seen by the caller, whose context <c>Run</c> gives back
    /// when it returns or throws.</para>
    /// </remarks>
    public T Run<T>(Coroutine<LoopRequest, Unit, T> main)
    {
        // Claim the loop atomically: two threads calling Run at once must not both run it.
        if (Interlocked.CompareExchange(ref thread, Thread.CurrentThread, null) is { } owner)
        {
            // Spawning, the advice for a nested Run, throws from another thread: that caller needs other advice.
            throw new InvalidOperationException(owner == Thread.CurrentThread
                ? "The loop is already running; Run cannot be nested. Spawn the coroutine instead (co.Spawn(...) or EventLoop.Current.Spawn(...))."
                : "The loop is already running on another thread; Run cannot be called again until it returns. Run the coroutine on "
                  + "another EventLoop, or have a task of this loop spawn it (signal that task with a TaskCompletionSource it awaits).");
        }

        LoopTask<T> mainTask;

        // The caller's execution context, which main starts in and which Run gives back however it ends: what the tasks
        // set stays with them. A caller that suppressed the flow (ExecutionContext.SuppressFlow) gets it suppressed again;
        // meanwhile the flow is restored, since Capture cannot hand the loop a suppressed context to give back.
        bool callerSuppressedFlow = false;
        ExecutionContext? callersExecutionContext = null;
        try
        {
            if (current is not null)
            {
                throw new InvalidOperationException("Another event loop is running on this thread; Run cannot be nested. Spawn the "
                    + "coroutine on the running loop instead (co.Spawn(...) or EventLoop.Current.Spawn(...)), or run this loop on another thread.");
            }

            if (ExecutionContext.IsFlowSuppressed())
            {
                ExecutionContext.RestoreFlow();
                callerSuppressedFlow = true;
            }

            callersExecutionContext = ExecutionContext.Capture()!;
            shuttingDown = false;
            mainTask = Spawn(main);
        }
        catch
        {
            thread = null;
            if (callerSuppressedFlow)
            {
                ExecutionContext.SuppressFlow();
            }

            throw;
        }

        current = this;

        // The calling thread's SynchronizationContext (a UI thread's) would be current in every task: an ordinary async
        // method a template awaits would post its continuations there, to a thread the loop blocks, and never finish.
        SynchronizationContext? callersContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            if (TaskScheduler.Current == TaskScheduler.Default)
            {
                RunLoop(mainTask);
            }
            else
            {
                // Called from a task on a scheduler of its own (a ConcurrentExclusiveSchedulerPair's, say), whose thread the
                // loop blocks: async code a template awaits would queue its continuations there and never finish. The loop
                // runs inline in a task of the default scheduler instead, where they go to the thread pool.
                var onDefault = new Task(() => RunOnThisThread(mainTask), TaskCreationOptions.DenyChildAttach);
                onDefault.RunSynchronously(TaskScheduler.Default);
                onDefault.GetAwaiter().GetResult();
            }
        }
        finally
        {
            if (!ReferenceEquals(ExecutionContext.Capture(), callersExecutionContext))
            {
                ExecutionContext.Restore(callersExecutionContext);
            }

            if (callerSuppressedFlow)
            {
                ExecutionContext.SuppressFlow();
            }

            installedContext = null;
            if (liveCount == 0)
            {
                baseContext = null; // no task left runs in it: do not keep its values alive
            }

            SynchronizationContext.SetSynchronizationContext(callersContext);
            current = null;
            thread = null;
            stepping = false;
            closingTask = null;
            ready.ForgetLastDequeued();
            if (liveCount == 0)
            {
                parked.Clear(); // only finished tasks are left in it: do not keep them alive
            }
            shuttingDown = false;
            wakeTimer?.Dispose();
            wakeTimer = null;
        }

        // What ended the run comes first: the deadlock, or main's failure; then every failure nobody observed.
        var failures = new List<Exception>();
        Exception? ended = deadlock;
        deadlock = null;
        if (ended is null && (mainTask.IsFaulted || mainTask.IsCancelled))
        {
            ended = mainTask.Failure!;
        }

        if (ended is not null)
        {
            mainTask.Observed = true;
            failures.Add(ended);
        }

        foreach (LoopTask t in faulted)
        {
            if (!t.Observed)
            {
                t.Observed = true;
                failures.Add(t.Failure!);
            }
        }

        faulted.Clear();
        failures.AddRange(callbackFailures);
        callbackFailures.Clear();
        if (failures.Count == 1 && ended is not null)
        {
            ExceptionDispatchInfo.Throw(ended);
        }

        if (failures.Count > 0)
        {
            throw new AggregateException(
                ended is null ? "Loop tasks (or callbacks of the virtual clock's timers or of cancellation tokens) failed and nobody joined them."
                : ReferenceEquals(ended, mainTask.Failure) ? "The main task failed, and other loop tasks failed without anybody joining them."
                : "The loop deadlocked, and other loop tasks had failed without anybody joining them.",
                failures);
        }

        return mainTask.Result;
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a new task: it goes to the back of the ready queue and runs concurrently with the
    /// others. Call it from a loop task (or before <see cref="Run{T}"/>). Join the returned handle to get the result or the failure;
    /// a failure nobody observes is reported by <see cref="Run{T}"/>. The task runs in its own <see cref="ExecutionContext"/>, a copy of
    /// the caller's as it is now (its <see cref="AsyncLocal{T}"/> values, culture, <c>Activity.Current</c>): what either sets afterwards,
    /// the other does not see.
    /// </summary>
    /// <typeparam name="T">The coroutine's result type.</typeparam>
    /// <param name="coroutine">A coroutine that has not started yet.</param>
    /// <returns>The task's handle.</returns>
    public LoopTask<T> Spawn<T>(Coroutine<LoopRequest, Unit, T> coroutine)
    {
        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        if (!LoopContext.CanStart(coroutine))
        {
            throw new ArgumentException($"Only a coroutine that has not started can be spawned; this one is {coroutine.State}.", nameof(coroutine));
        }

        CheckThread();
        var task = new LoopTask<T>(this, ++nextId, coroutine);

        // The task starts in its spawner's context as it is now (later changes of the spawner's do not reach it); the
        // first live task's becomes the common one, which the tasks that start and stay in it do not store.
        ExecutionContext context = ExecutionContext.Capture() ?? EmptyExecutionContext.Value ?? SpawnersContext();
        if (liveCount == 0)
        {
            baseContext = context;
        }
        else if (!ReferenceEquals(context, baseContext))
        {
            task.OwnContext = context;
        }

        liveCount++;
        task.Status = LoopTask.NotStarted;
        ready.Enqueue(task);
        if (shuttingDown)
        {
            Interrupt(task, new CoroutineCancelledException("The loop is shutting down: the main task has finished."), 0);
        }

        return task;
    }

    // ---- The loop ----

    private void RunLoop(LoopTask mainTask)
    {
        installedContext = CurrentContext();
        while (true)
        {
            if (hasPosts)
            {
                DrainInbox();
            }

            if (timers.Count > 0)
            {
                FireDueTimers();
            }

            int n = ready.Count;
            if (n > 0)
            {
                for (; n > 0; n--)
                {
                    Step(ready.Dequeue());
                }

                if (!shuttingDown && mainTask.IsFinished)
                {
                    BeginShutdown();
                }

                continue;
            }

            if (liveCount == 0)
            {
                return;
            }

            Idle();
        }
    }

    private void BeginShutdown()
    {
        shuttingDown = true;
        foreach (LoopTask t in LiveTasks())
        {
            // Cancelling the task's tokens runs their callbacks: those registered with Register run in the context they
            // were registered in, the others (UnsafeRegister) in the task's, as if the task had cancelled itself.
            EnterContextOf(t);
            Interrupt(t, new CoroutineCancelledException("The loop is shutting down: the main task has finished.") { RaisedByShutdown = true }, 0);
            SyncContextAfterCallbacks(t);
        }
    }

    /// <summary>Every unfinished task, the most recently spawned first (the order shutdown and deadlock handling use).</summary>
    // RunLoop, from the task that puts it on the default scheduler, which runs inline unless the stack is too deep to: the
    // loop's thread-affinity checks and EventLoop.Current hold for the thread that called Run.
    private void RunOnThisThread(LoopTask mainTask)
    {
        if (Thread.CurrentThread != thread)
        {
            throw new InvalidOperationException("The event loop could not run on the thread that called Run (its stack was too deep to run the loop inline); call Run with a shallower stack.");
        }

        RunLoop(mainTask);
    }

    private List<LoopTask> LiveTasks()
    {
        var live = new List<LoopTask>(liveCount);
        if (RunningTask is LoopTask running)
        {
            live.Add(running);
        }

        ready.CopyTo(live);
        timers.CopySleepersTo(live);
        foreach (LoopTask t in parked)
        {
            if (t.Status == LoopTaskStatus.Waiting)
            {
                live.Add(t);
            }
        }

        // Deadlock handling closes tasks while they wait: one finished meanwhile can still be listed.
        var seen = new HashSet<LoopTask>(live.Count, ReferenceEqualityComparer.Instance);
        live.RemoveAll(t => t.IsFinished || !seen.Add(t));
        live.Sort(static (a, b) => b.Id.CompareTo(a.Id));
        System.Diagnostics.Debug.Assert(live.Count == liveCount, "every live task is running, ready, sleeping or parked");
        return live;
    }

    [StackTraceHidden]
    private void Step(LoopTask task)
    {
        if (task.Status != LoopTaskStatus.Ready && !Start(task))
        {
            return; // closed while queued (deadlock handling), or could not start
        }

        // The task's context: installed only if it is not on the thread already (the usual case: every task in the loop's).
        ExecutionContext? context = task.OwnContext ?? baseContext;
        if (!ReferenceEquals(context, installedContext))
        {
            InstallContext(context!);
        }

        stepping = true;
        runningWoken = false;
        steps++;
        bool yielded;
        LoopRequest request;
        try
        {
            yielded = task.Step(out request);
        }
        catch (Exception e)
        {
            stepping = false;
            if (!ReferenceEquals(ExecutionContext.Capture(), installedContext))
            {
                installedContext = CurrentContext();
            }

            Finish(task, e);
            return;
        }

        stepping = false;

        // What the step set (an AsyncLocal's value, the culture) made the thread's context a new object: it is the task's now.
        if (!ReferenceEquals(ExecutionContext.Capture(), installedContext))
        {
            ContextChanged(task, keep: yielded);
        }

        if (!yielded)
        {
            Finish(task, null);
            return;
        }

        // The task's status is still Ready: a reschedule (or a pending exception to raise) only queues it again.
        if (request.Kind == LoopRequestKind.Reschedule || task.PendingThrow is not null)
        {
            ready.Enqueue(task);
            return;
        }

        switch (request.Kind)
        {
            case LoopRequestKind.Sleep:
                if (request.Ticks <= 0)
                {
                    ready.Enqueue(task);
                }
                else
                {
                    Sleep(task, DeadlineAfter(request.Ticks));
                }

                break;
            case LoopRequestKind.SleepUntil:
                if (request.Ticks <= Now())
                {
                    ready.Enqueue(task);
                }
                else
                {
                    Sleep(task, request.Ticks);
                }

                break;
            default:
                if (runningWoken)
                {
                    ready.Enqueue(task);
                }
                else
                {
                    Park(task);
                }

                break;
        }
    }

    private void InstallContext(ExecutionContext context)
    {
        ExecutionContext.Restore(context);
        installedContext = context;
    }

    // Puts the task's context on the thread (for code the loop runs on the task's behalf outside its steps).
    private void EnterContextOf(LoopTask task)
    {
        ExecutionContext context = task.OwnContext ?? baseContext!;
        if (!ReferenceEquals(context, installedContext))
        {
            InstallContext(context);
        }
    }

    // After code the loop ran on a task's behalf outside its steps (token callbacks, its close): what it set is the task's.
    private void SyncContextAfterCallbacks(LoopTask task)
    {
        if (!ReferenceEquals(ExecutionContext.Capture(), installedContext))
        {
            ContextChanged(task, keep: !task.IsFinished);
        }
    }

    // The thread's context is no longer the installed one: note it, and keep it as the task's (unless the task has ended).
    private void ContextChanged(LoopTask task, bool keep)
    {
        ExecutionContext context = CurrentContext();
        installedContext = context;
        if (keep)
        {
            task.OwnContext = ReferenceEquals(context, baseContext) ? null : context;
        }
    }

    // The thread's context after user code ran. One whose flow that code suppressed (ExecutionContext.SuppressFlow) and left
    // suppressed cannot be kept (Capture hides it, so the loop could not give it back): the flow is restored, the values stay.
    private static ExecutionContext CurrentContext()
    {
        ExecutionContext? context = ExecutionContext.Capture();
        if (context is null)
        {
            ExecutionContext.RestoreFlow();
            context = ExecutionContext.Capture()!;
        }

        return context;
    }

    // The values of a spawner that suppressed the flow (which Capture hides): the flow is restored just long enough to read them.
    private static ExecutionContext SpawnersContext()
    {
        ExecutionContext.RestoreFlow();
        try
        {
            return ExecutionContext.Capture()!;
        }
        finally
        {
            ExecutionContext.SuppressFlow();
        }
    }

    // A task's first step. Spawn accepts only a coroutine that has not started, but the same coroutine may have been spawned
    // again (into this loop or another) or awaited elsewhere before this task ran: two owners would step it in turns, each
    // resuming the other's suspension. The task that finds it started fails instead, with an error that says what to do.
    private bool Start(LoopTask task)
    {
        if (task.Status != LoopTask.NotStarted)
        {
            return false;
        }

        task.Status = LoopTaskStatus.Ready;
        CoroutineState state = task.CoroutineState;
        if (state == CoroutineState.Created || task.CoroutineObject is ICompletedAwait)
        {
            return true;
        }

        Finish(task, new InvalidOperationException(
            $"Task {task.Id}'s coroutine was already {state} when the task was to start it: the same coroutine object was spawned "
            + "twice (or also awaited, gathered or run elsewhere). A coroutine runs once: call the factory again for each task."));
        return false;
    }

    private void MakeReady(LoopTask task)
    {
        task.Status = LoopTaskStatus.Ready;
        ready.Enqueue(task);
    }

    // Wakes a waiting task: out of the parked list, into the ready queue.
    private void Unpark(LoopTask task)
    {
        int slot = task.TimerSlot;
        LoopTask last = parked[parked.Count - 1];
        parked[slot] = last;
        last.TimerSlot = slot;
        parked.RemoveAt(parked.Count - 1);
        MakeReady(task);
    }

    // Puts a task that has just run to sleep until a deadline in the future.
    private void Sleep(LoopTask task, long deadline)
    {
        if (deadline == long.MaxValue)
        {
            Park(task); // forever: only a cancellation (or a timeout scope) ends it
            return;
        }

        task.Status = LoopTaskStatus.Sleeping;
        task.TimerSlot = timers.Push(deadline, task);
    }

    private void Park(LoopTask task)
    {
        task.Status = LoopTaskStatus.Waiting;
        task.TimerSlot = parked.Count; // its place in the list, for Unpark
        parked.Add(task);
    }

    /// <summary>The loop's clock, in ticks since the loop was created (<see cref="Elapsed"/>).</summary>
    private long Now() => virtualTime is not null ? virtualTime.Ticks - origin : time.GetElapsedTime(origin).Ticks;

    // Now + delay on the loop's clock, saturating: a huge delay (TimeSpan.MaxValue) means "never", not an overflow.
    private long DeadlineAfter(long delayTicks)
    {
        long now = Now();
        return delayTicks > long.MaxValue - now ? long.MaxValue : now + delayTicks;
    }

    private void Finish(LoopTask task, Exception? failure)
    {
        liveCount--;
        task.TakePendingThrow();
        task.OwnContext = null; // nothing runs in it any more: the handle must not keep its values alive
        task.SetFinished(failure);
        if (task.Status == LoopTaskStatus.Faulted)
        {
            if (faulted.Count >= faultedPruneAt)
            {
                // A long-running loop joins most failures: keep only the ones nobody has observed yet.
                faulted.RemoveAll(static t => t.Observed);
                faultedPruneAt = Math.Max(1024, faulted.Count * 2);
            }

            faulted.Add(task);
        }

        task.WakeFinishWaiters();
    }

    private void FireDueTimers()
    {
        long now = Now();
        bool fired = false;
        while (timers.TryPopDue(now, out object target))
        {
            fired = true;
            if (target is TimeoutScope scope)
            {
                scope.Armed = false;
                scope.FiredAt = ++scope.Task.Rare.ScopeFires;

                // The timeout cancels the scope's tokens, whose callbacks run here: those registered with UnsafeRegister
                // in the task's context, as if the task had cancelled them (the others in the context of their Register).
                EnterContextOf(scope.Task);
                Interrupt(scope.Task, new ScopeTimeoutException(scope), scope.Depth + 1);
                SyncContextAfterCallbacks(scope.Task);
            }
            else
            {
                MakeReady(Unsafe.As<LoopTask>(target)); // the heap holds only tasks and scopes
            }
        }

        if (fired)
        {
            PrefetchNextWakeUps(); // the heap's top changed; otherwise the last prefetch still stands
        }
    }

    // A sleeper's wake-up touches three objects no other step has touched lately: its task (popping it from the heap), its
    // coroutine and what the coroutine reads. Each is a likely cache miss, and between two wake-ups the loop has time to
    // fetch them ahead: the task of the wake-up after next, and the coroutine of the next one (whose task the previous
    // call fetched, so reading its coroutine reference is cheap). Hints only: a push that comes first wastes them.
    private void PrefetchNextWakeUps()
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        timers.PeekNextTwo(out object? next, out object? afterNext);
        Prefetch(afterNext);
        if (next is LoopTask task)
        {
            Prefetch(task.CoroutineObject);
        }
    }

    // Reads the reference as the object's address and asks the CPU to bring that line into its caches. The address is
    // only a hint: if the GC moves the object in between, the prefetch is wasted, never wrong.
    private static unsafe void Prefetch(object? o)
    {
        if (o is not null)
        {
            Sse.Prefetch0((void*)Unsafe.As<object, nint>(ref o));
        }
    }

    private void Idle()
    {
        bool hasDeadline = timers.TryPeekLiveDeadline(out long deadline);
        if (!hasDeadline && externalPending == 0)
        {
            Deadlock();
            return;
        }

        if (hasDeadline && externalPending == 0 && virtualTime is { AutoAdvance: true })
        {
            try
            {
                // Stop at a timer that user code created on the clock, if one comes first: its callback may have woken a
                // task (set an event, cancelled one), which must run at the timer's time; the next idle turn goes on.
                // The sum saturates: a clock that started late (or a deadline that far) must not wrap to a past target, which
                // would leave the clock where it is and the loop spinning.
                virtualTime.AdvanceTo(deadline > long.MaxValue - origin ? long.MaxValue : origin + deadline, stopAfterFiring: true);
            }
            catch (Exception e)
            {
                // A timer that user code created on the clock threw on the way (the clock stopped at its due time; the
                // next turn goes on from there). Run reports it when it ends, after the tasks' cleanup has run.
                callbackFailures.Add(e);
            }

            // The timers' callbacks ran in the contexts they were created in (ExecutionContext.Run); one created while the
            // flow was suppressed ran in the thread's and may have changed it: the next step installs its task's again.
            if (!ReferenceEquals(ExecutionContext.Capture(), installedContext))
            {
                installedContext = CurrentContext();
            }

            return;
        }

        lock (inboxLock)
        {
            if (hasPosts)
            {
                return;
            }

            long due = hasDeadline ? deadline - Now() : -1;
            if (hasDeadline && due <= 0)
            {
                return;
            }

            idle = true;
            try
            {
                if (!hasDeadline)
                {
                    Monitor.Wait(inboxLock);
                }
                else if (ReferenceEquals(time, TimeProvider.System))
                {
                    // Round up to whole milliseconds so that the loop does not spin just before the deadline.
                    long ms = (due + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
                    Monitor.Wait(inboxLock, (int)Math.Min(ms, int.MaxValue - 1));
                }
                else
                {
                    // Another clock (a virtual one advanced by hand, or a custom one): ask it for a timer that wakes the loop.
                    // Made with the flow suppressed: a timer keeps the context it is made in, here some task's, for as long as it lives.
                    if (wakeTimer is null)
                    {
                        using (ExecutionContext.SuppressFlow())
                        {
                            wakeTimer = time.CreateTimer(static s => ((EventLoop)s!).WakeUp(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                        }
                    }

                    // A timer counts from the clock's reading when it is armed. If another thread moved the clock between
                    // the reading `due` came from and the Change, the timer would fire that much after the deadline, or
                    // never if nobody advances the clock that far: arm again from a fresh reading until none moved it.
                    while (true)
                    {
                        long before = Now();
                        if (deadline - before <= 0)
                        {
                            return;
                        }

                        // At most MaxWakeTimerTicks ahead: the base TimeProvider's timers (System.Threading.Timer) refuse a due
                        // time beyond 0xFFFFFFFE ms (49.7 days). Woken early, the loop finds nothing due and waits again.
                        wakeTimer.Change(new TimeSpan(Math.Min(deadline - before, MaxWakeTimerTicks)), Timeout.InfiniteTimeSpan);
                        if (Now() == before)
                        {
                            break;
                        }
                    }

                    Monitor.Wait(inboxLock);
                }
            }
            finally
            {
                idle = false;
            }
        }
    }

    private const long MaxWakeTimerTicks = (int.MaxValue - 1L) * TimeSpan.TicksPerMillisecond;

    private void WakeUp()
    {
        lock (inboxLock)
        {
            if (idle)
            {
                Monitor.Pulse(inboxLock);
            }
        }
    }

    private void Deadlock()
    {
        int stuck = liveCount;
        var closeFailures = new List<Exception>();

        // Closing a task runs its cleanup, which may wake or spawn others: close until none is left.
        while (liveCount > 0)
        {
            List<LoopTask> live = LiveTasks();
            if (live.Count == 0)
            {
                break; // cannot happen (LiveTasks asserts it): never spin
            }

            foreach (LoopTask t in live)
            {
                if (t.IsFinished)
                {
                    continue; // closing an earlier one finished it
                }

                closingTask = t;
                EnterContextOf(t); // its cleanup runs in its context
                try
                {
                    t.CloseCoroutine();
                }
                catch (Exception e)
                {
                    closeFailures.Add(e);
                    if (t.CoroutineState == CoroutineState.Suspended)
                    {
                        // Its cleanup suspended, and the coroutine stays at that suspension point, still registered where it
                        // waits: a pending Task the loop would count as outstanding in every later Run, a channel's queue whose
                        // next item would wake this finished task instead of a live receiver. Close it once more, as Python
                        // finalizes a generator that ignored GeneratorExit: the exit raised there lets the primitive leave.
                        try
                        {
                            t.CloseCoroutine();
                        }
                        catch (Exception again)
                        {
                            closeFailures.Add(again);
                        }
                    }
                }

                closingTask = null;
                SyncContextAfterCallbacks(t);
                if (!t.IsFinished)
                {
                    Finish(t, new CoroutineCancelledException("The loop deadlocked; the task was closed."));
                }

                t.Observed = true;
            }
        }

        parked.Clear();

        while (ready.Count > 0)
        {
            ready.Dequeue(); // tasks that closing woke up: all finished now
        }

        // Run throws it once the loop has stopped, with the failures nobody observed before (which a throw from here lost).
        var stuckTasks = new InvalidOperationException(
            $"Deadlock: {stuck} task(s) wait on events, channels, joins or gathers, or sleep forever (Timeout.InfiniteTimeSpan), and nothing can wake them any more (no task is ready, none sleeps until a deadline, no awaited Task is pending). Their coroutines were closed.");
        deadlock = closeFailures.Count > 0 ? new AggregateException(stuckTasks.Message, closeFailures.ToArray()) : stuckTasks;
    }

    // ---- Services for the primitives ----

    internal void CheckThread()
    {
        if (thread is not null && thread != Thread.CurrentThread)
        {
            // From a task of another loop, "call it from a loop task" would not help: say what would.
            throw new InvalidOperationException(current is not null
                ? "This belongs to another event loop, which is running on another thread: a loop's tasks, events and channels serve "
                  + "that loop's own tasks only. Give each loop its own, and signal from one loop to another by completing a "
                  + "TaskCompletionSource that a task of the other loop awaits."
                : "This operation belongs to the event loop's thread, and the loop is running on another thread: call it from a loop task. "
                  + "To signal a loop task from another thread, complete a TaskCompletionSource that the task awaits.");
        }
    }

    /// <summary>Wakes a waiting task (no effect unless it waits; a running task will not stay parked at its next Park).</summary>
    internal void Schedule(LoopTask task)
    {
        CheckThread();
        if (task == RunningTask)
        {
            runningWoken = true;
        }
        else if (task.Status == LoopTaskStatus.Waiting)
        {
            Unpark(task);
        }
    }

    /// <summary>Raises <paramref name="exception"/> in the task at its next step, waking it; a stronger pending exception (lower priority number) wins.</summary>
    /// <remarks>It cancels the task's tokens that the exception reaches first, which runs their callbacks here: user code, which
    /// may call back into the loop (cancel another task, spawn, set an event) from inside whatever called this.</remarks>
    internal void Interrupt(LoopTask task, Exception exception, int priority)
    {
        CheckThread();
        if (task.IsFinished)
        {
            return;
        }

        LoopTask.RareState rare = task.Rare;
        if (rare.PendingThrow is not null && rare.PendingPriority <= priority)
        {
            return;
        }

        rare.PendingThrow = exception;
        rare.PendingPriority = priority;
        task.CancelTokens(priority);
        switch (task.Status)
        {
            case LoopTaskStatus.Sleeping:
                timers.Cancel(task.TimerSlot);
                MakeReady(task);
                break;
            case LoopTaskStatus.Waiting:
                Unpark(task);
                break;
        }
    }

    // Callbacks registered on a task's cancellation token threw when the loop cancelled the token: each callback's own
    // exception is reported (as a failing timer callback's is), not the AggregateException that CancellationTokenSource.Cancel
    // wraps them in.
    internal void ReportCallbackFailure(AggregateException failure) => callbackFailures.AddRange(failure.InnerExceptions);

    internal TimeoutScope EnterScope(LoopTask task, TimeSpan delay)
    {
        LoopTask.RareState rare = task.Rare;
        var scope = new TimeoutScope(task, rare.ScopeDepth++) { CancelsAtEntry = rare.CancelsRaised, FiresAtEntry = rare.ScopeFires, Outer = rare.InnermostScope };
        rare.InnermostScope = scope;

        // A delay a sleep could not express (beyond LoopRequest's 62 bits of ticks, 7,300 years) means "never" here too: a
        // finite deadline that far would overflow the virtual clock's jump to it (origin + deadline).
        long deadline = delay == Timeout.InfiniteTimeSpan || delay.Ticks >= LoopRequest.MaxTicks ? long.MaxValue : DeadlineAfter(Math.Max(0, delay.Ticks));
        if (deadline != long.MaxValue)
        {
            scope.Armed = true;
            scope.TimerSlot = timers.Push(deadline, scope);
        }

        return scope;
    }

    internal void ExitScope(TimeoutScope scope)
    {
        LoopTask.RareState rare = scope.Task.Rare;
        rare.ScopeDepth--;
        rare.InnermostScope = scope.Outer;
        if (scope.Armed)
        {
            scope.Armed = false;
            timers.Cancel(scope.TimerSlot);
        }

        // A timeout of this scope that was raised but not delivered yet must not hit code after the scope.
        if (rare.PendingThrow is ScopeTimeoutException st && st.Scope == scope)
        {
            scope.Task.TakePendingThrow();
        }
    }

    /// <summary>Registers an awaited Task completion: the loop will not idle forever or auto-advance while it is pending.</summary>
    internal ExternalWaiter BeginExternal(LoopTask task)
    {
        externalPending++;
        return new ExternalWaiter(this, task);
    }

    internal void Post(ExternalWaiter waiter)
    {
        lock (inboxLock)
        {
            inbox.Add(waiter);
            hasPosts = true;
            if (idle)
            {
                Monitor.Pulse(inboxLock);
            }
        }
    }

    internal void Abandon(ExternalWaiter waiter)
    {
        if (!waiter.Done)
        {
            waiter.Done = true;
            externalPending--;
        }

        waiter.Task = null;
    }

    private void DrainInbox()
    {
        List<ExternalWaiter> batch;
        lock (inboxLock)
        {
            batch = inbox;
            inbox = draining;
            draining = batch;
            hasPosts = false;
        }

        foreach (ExternalWaiter w in batch)
        {
            if (!w.Done)
            {
                w.Done = true;
                externalPending--;
                Schedule(w.Task!); // not abandoned, so still set
            }
        }

        batch.Clear();
    }
}

/// <summary>The record of a task waiting for a <see cref="System.Threading.Tasks.Task"/>; its completion callback posts it to the loop.</summary>
internal sealed class ExternalWaiter
{
    internal readonly EventLoop Loop;

    // The waiting task; null once abandoned (its await was cancelled or timed out): the .NET task keeps this waiter as its
    // continuation until it completes, which for a task that never does is forever, and must not keep the loop task, its
    // coroutine and their locals alive with it.
    internal LoopTask? Task;
    internal bool Done; // loop thread only

    internal ExternalWaiter(EventLoop loop, LoopTask task)
    {
        Loop = loop;
        Task = task;
    }

    internal void Post() => Loop.Post(this);
}

/// <summary>One timeout scope (MoveOnAfter/FailAfter) of a task.</summary>
internal sealed class TimeoutScope
{
    internal readonly LoopTask Task;
    internal readonly int Depth;
    internal bool Armed; // its entry is in the timer heap, at TimerSlot
    internal int TimerSlot;
    internal long FiredAt; // once its deadline passed: the task's ScopeFires then (0 before)
    internal CancellationTokenSource? Cancellation; // co.CancellationToken() inside this scope, made on first request
    internal long FiresAtEntry; // the task's ScopeFires when the scope began
    internal int CancelsAtEntry; // the task's CancelsRaised when the scope began
    internal TimeoutScope? Outer; // the scope around this one in the same task

    internal TimeoutScope(LoopTask task, int depth)
    {
        Task = task;
        Depth = depth;
    }
}
