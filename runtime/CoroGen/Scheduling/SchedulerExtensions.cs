using System;

namespace CoroGen.Scheduling;

/// <summary>
/// The scheduler's suspension helpers and operations, as extension methods on a scheduler template's <c>co</c>
/// (<c>Yielder&lt;LoopRequest&gt;</c>). Helpers that return <see cref="YieldAwaitable{TSend}"/> are plain yields
/// (<c>await co.Sleep(d)</c>); operations that return a coroutine are delegations (<c>T[] all = await co.Gather(a, b)</c>).
/// </summary>
public static class SchedulerExtensions
{
    /// <summary>
    /// Suspends the task for <paramref name="delay"/> of the loop's clock (Python <c>await sleep(delay)</c>). Zero or negative just
    /// reschedules, except <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>, which (like <see cref="TimeSpan.MaxValue"/>)
    /// sleeps until the task is cancelled.
    /// </summary>
    /// <param name="co">The template's yielder.</param>
    /// <param name="delay">How long to sleep.</param>
    /// <returns>The yield to await.</returns>
    public static YieldAwaitable<Unit> Sleep(this Yielder<LoopRequest, Unit> co, TimeSpan delay) =>
        co.Yield(LoopRequest.ForSleep(delay));

    /// <summary>
    /// Suspends the task for <paramref name="seconds"/> seconds: <c>await co.Sleep(0.5)</c>, as in the seed's <c>await sleep(0.5)</c>.
    /// Zero or negative reschedules; <see cref="double.PositiveInfinity"/> (or more seconds than a <see cref="TimeSpan"/> holds)
    /// sleeps until the task is cancelled, as Python's <c>sleep(math.inf)</c> does.
    /// </summary>
    /// <param name="co">The template's yielder.</param>
    /// <param name="seconds">How long to sleep, in seconds.</param>
    /// <returns>The yield to await.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN.</exception>
    public static YieldAwaitable<Unit> Sleep(this Yielder<LoopRequest, Unit> co, double seconds) =>
        co.Yield(LoopRequest.ForSleep(SecondsToDelay(seconds)));

    // TimeSpan.FromSeconds would throw OverflowException for infinity, and turn -0.001 into Timeout.InfiniteTimeSpan (-1 ms),
    // which ForSleep reads as "forever": a count of seconds is clamped to [zero, TimeSpan.MaxValue] first.
    private static TimeSpan SecondsToDelay(double seconds) =>
        double.IsNaN(seconds) ? throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A sleep needs a number of seconds; NaN is none.")
        : seconds <= 0 ? TimeSpan.Zero
        : seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue
        : TimeSpan.FromSeconds(seconds);

    /// <summary>Suspends the task until the loop's clock (<see cref="EventLoop.Elapsed"/>) reaches <paramref name="deadline"/>.</summary>
    /// <param name="co">The template's yielder.</param>
    /// <param name="deadline">The deadline, on the loop's clock.</param>
    /// <returns>The yield to await.</returns>
    public static YieldAwaitable<Unit> SleepUntil(this Yielder<LoopRequest, Unit> co, TimeSpan deadline) =>
        co.Yield(LoopRequest.ForDeadline(deadline));

    /// <summary>Lets every other ready task run once, then continues (curio's <c>sleep(0)</c>); same as <c>await co.Yield()</c>.</summary>
    /// <param name="co">The template's yielder.</param>
    /// <returns>The yield to await.</returns>
    public static YieldAwaitable<Unit> Reschedule(this Yielder<LoopRequest, Unit> co) => co.Yield(LoopRequest.Reschedule);

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a new task of the current loop, without suspending: <c>var task = co.Spawn(Worker());</c>.
    /// Join it later with <c>await task.Join()</c>. See <see cref="EventLoop.Spawn{T}"/>.
    /// </summary>
    /// <typeparam name="T">The coroutine's result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="coroutine">A coroutine that has not started (a factory call: <c>Worker()</c>).</param>
    /// <returns>The task's handle.</returns>
    public static LoopTask<T> Spawn<T>(this Yielder<LoopRequest, Unit> co, Coroutine<LoopRequest, Unit, T> coroutine) =>
        LoopContext.RequireTask("Spawn").Loop.Spawn(coroutine);

    /// <summary>
    /// Runs every coroutine as its own task, concurrently, and returns their results in argument order (Python
    /// <c>asyncio.gather</c>): <c>string[] pages = await co.Gather(GetPage(), GetPage())</c>.
    /// </summary>
    /// <remarks>
    /// When one task fails (or is cancelled by someone else), Gather cancels the others, waits until they have all finished (their
    /// <c>finally</c> blocks run), then raises that first failure, the same exception object, at the <c>await</c>. Failures of
    /// siblings other than that cancellation are not raised: if nobody else observes them, <see cref="EventLoop.Run{T}"/> reports them.
    /// Cancelling the gathering task cancels every child the same way, waits for them, then raises the cancellation.
    /// </remarks>
    /// <typeparam name="T">The coroutines' result type (<see cref="Unit"/> for coroutines without a result).</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="coroutines">Coroutines that have not started.</param>
    /// <returns>A coroutine to delegate to; its result holds the results in order.</returns>
    public static Coroutine<LoopRequest, Unit, T[]> Gather<T>(this Yielder<LoopRequest, Unit> co, params Coroutine<LoopRequest, Unit, T>[] coroutines) =>
        new GatherCoroutine<T>((Coroutine<LoopRequest, Unit, T>[])(coroutines ?? throw new ArgumentNullException(nameof(coroutines))).Clone());

    /// <summary>
    /// Runs two coroutines of different result types as tasks, concurrently, and returns both results:
    /// <c>(string page, int count) = await co.Gather((GetPage(), Count()))</c>. The rules are those of
    /// <see cref="Gather{T}(Yielder{LoopRequest, Unit}, Coroutine{LoopRequest, Unit, T}[])"/>, failures and siblings included.
    /// </summary>
    /// <typeparam name="T1">The first coroutine's result type.</typeparam>
    /// <typeparam name="T2">The second coroutine's result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="coroutines">Two coroutines that have not started, as a tuple.</param>
    /// <returns>A coroutine to delegate to; its result holds the results in the tuple's order.</returns>
    // One tuple parameter, not two: a second overload taking (c1, c2) would be a better match than the params array for
    // co.Gather(a, b) over one result type, and would turn an array Gather into a tuple one for every C# 12 caller.
    public static Coroutine<LoopRequest, Unit, (T1, T2)> Gather<T1, T2>(
        this Yielder<LoopRequest, Unit> co, (Coroutine<LoopRequest, Unit, T1>, Coroutine<LoopRequest, Unit, T2>) coroutines) =>
        new GatherCoroutine<T1, T2>(coroutines.Item1, coroutines.Item2);

    /// <summary>
    /// Runs three coroutines of different result types as tasks, concurrently, and returns the three results:
    /// <c>var (a, b, c) = await co.Gather((GetPage(), Count(), Save()))</c>. The rules are those of
    /// <see cref="Gather{T}(Yielder{LoopRequest, Unit}, Coroutine{LoopRequest, Unit, T}[])"/>, failures and siblings included.
    /// </summary>
    /// <typeparam name="T1">The first coroutine's result type.</typeparam>
    /// <typeparam name="T2">The second coroutine's result type.</typeparam>
    /// <typeparam name="T3">The third coroutine's result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="coroutines">Three coroutines that have not started, as a tuple.</param>
    /// <returns>A coroutine to delegate to; its result holds the results in the tuple's order.</returns>
    public static Coroutine<LoopRequest, Unit, (T1, T2, T3)> Gather<T1, T2, T3>(
        this Yielder<LoopRequest, Unit> co,
        (Coroutine<LoopRequest, Unit, T1>, Coroutine<LoopRequest, Unit, T2>, Coroutine<LoopRequest, Unit, T3>) coroutines) =>
        new GatherCoroutine<T1, T2, T3>(coroutines.Item1, coroutines.Item2, coroutines.Item3);

    /// <summary>
    /// Waits until at least one of <paramref name="tasks"/> has finished and returns it (<c>asyncio.wait(..., FIRST_COMPLETED)</c>):
    /// <c>LoopTask done = await co.WhenAny(a, b);</c>. Of the tasks finished when the caller resumes, it returns the first in
    /// argument order; if one has finished already, it returns at once, without suspending.
    /// </summary>
    /// <remarks>
    /// It neither raises the task's failure nor observes it (like <see cref="LoopTask.Wait"/>): join the task it returns
    /// (<c>await done</c>, or <c>Join()</c>) for its result or its exception; a failure nobody joins is reported by
    /// <see cref="EventLoop.Run{T}"/>. The other tasks keep running. Cancelling the waiting task (or a timeout scope around the
    /// call expiring) raises at the <c>await</c>, and the call leaves no waiter on any of the tasks, nor does it when it returns.
    /// </remarks>
    /// <param name="co">The template's yielder.</param>
    /// <param name="tasks">At least one task of the loop running the caller, none null (nor the caller itself).</param>
    /// <returns>A coroutine to delegate to; its result is a finished task among <paramref name="tasks"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="tasks"/> is empty or holds null (thrown by this call).</exception>
    /// <exception cref="InvalidOperationException">Raised at the <c>await</c> for a task of another loop, or the caller itself.</exception>
    public static Coroutine<LoopRequest, Unit, LoopTask> WhenAny(this Yielder<LoopRequest, Unit> co, params LoopTask[] tasks) =>
        new WhenAnyCoroutine<LoopTask>(CheckWhenAnyTasks(tasks));

    /// <summary>
    /// <see cref="WhenAny(Yielder{LoopRequest, Unit}, LoopTask[])"/> for tasks of one result type, returning the typed handle so
    /// that the caller can join it for its result: <c>LoopTask&lt;string&gt; done = await co.WhenAny(a, b); string page = await done;</c>.
    /// Same rules.
    /// </summary>
    /// <typeparam name="T">The tasks' result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="tasks">At least one task of the loop running the caller, none null (nor the caller itself).</param>
    /// <returns>A coroutine to delegate to; its result is a finished task among <paramref name="tasks"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="tasks"/> is empty or holds null (thrown by this call).</exception>
    /// <exception cref="InvalidOperationException">Raised at the <c>await</c> for a task of another loop, or the caller itself.</exception>
    public static Coroutine<LoopRequest, Unit, LoopTask<T>> WhenAny<T>(this Yielder<LoopRequest, Unit> co, params LoopTask<T>[] tasks) =>
        new WhenAnyCoroutine<LoopTask<T>>(CheckWhenAnyTasks(tasks));

    // Checked at the call, not at the await: nothing here depends on the loop, and a copy keeps later changes to the caller's
    // array out of the waiting.
    private static TTask[] CheckWhenAnyTasks<TTask>(TTask[] tasks)
        where TTask : LoopTask
    {
        if (tasks is null)
        {
            throw new ArgumentNullException(nameof(tasks));
        }

        if (tasks.Length == 0)
        {
            throw new ArgumentException("WhenAny needs at least one task: with none, it would wait forever.", nameof(tasks));
        }

        for (int i = 0; i < tasks.Length; i++)
        {
            if (tasks[i] is null)
            {
                throw new ArgumentException($"WhenAny needs tasks; argument {i} is null.", nameof(tasks));
            }
        }

        return (TTask[])tasks.Clone();
    }

    /// <summary>
    /// Runs <paramref name="body"/> (delegating to it) with a deadline <paramref name="delay"/> from now (trio's
    /// <c>move_on_after</c>): if the deadline passes first, a cancellation is raised at the body's suspension point (innermost
    /// first; its <c>finally</c> blocks run) and the scope returns <see cref="TimeoutResult{T}.TimedOut"/> instead of failing.
    /// </summary>
    /// <remarks>
    /// Scopes nest and compose: each catches only its own timeout, so an inner scope's longer deadline never hides an outer
    /// scope's shorter one, and when both expire together the outer one wins. The timeout is raised once (edge-triggered): a body
    /// that catches and swallows it keeps running, and the scope then reports its normal completion. A scope that ends before its
    /// deadline cancels its timer in O(1). A cancellation of the task wins over the timeout: if a <see cref="LoopTask.Cancel"/> (or
    /// the loop's shutdown) was raised in the task since the scope began, the scope raises that cancellation (the same object)
    /// instead of reporting its timeout, even when the body had caught it and gone on; so does <see cref="FailAfter{T}"/>. Likewise,
    /// when the deadline of an enclosing scope passed since this one began, this scope raises that scope's timeout instead of
    /// reporting its own.
    /// </remarks>
    /// <typeparam name="T">The body's result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="delay">The time the body may take; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>, <see cref="TimeSpan.MaxValue"/> or any delay beyond 2^61 ticks (7,300 years) for no deadline.</param>
    /// <param name="body">A coroutine that has not started (a factory call).</param>
    /// <returns>A coroutine to delegate to.</returns>
    public static Coroutine<LoopRequest, Unit, TimeoutResult<T>> MoveOnAfter<T>(this Yielder<LoopRequest, Unit> co, TimeSpan delay, Coroutine<LoopRequest, Unit, T> body) =>
        new TimeoutCoroutine<T>(delay, body ?? throw new ArgumentNullException(nameof(body)), fail: false);

    /// <summary>
    /// Like <see cref="MoveOnAfter{T}"/> (trio's <c>fail_after</c>), but when the deadline passes the scope raises
    /// <see cref="TimeoutException"/> (its inner exception is the cancellation that interrupted the body); otherwise it returns the
    /// body's result.
    /// </summary>
    /// <typeparam name="T">The body's result type.</typeparam>
    /// <param name="co">The template's yielder.</param>
    /// <param name="delay">The time the body may take; no deadline as for <see cref="MoveOnAfter{T}"/>.</param>
    /// <param name="body">A coroutine that has not started (a factory call).</param>
    /// <returns>A coroutine to delegate to; its result is the body's result.</returns>
    public static Coroutine<LoopRequest, Unit, T> FailAfter<T>(this Yielder<LoopRequest, Unit> co, TimeSpan delay, Coroutine<LoopRequest, Unit, T> body) =>
        new FailAfterCoroutine<T>(delay, body ?? throw new ArgumentNullException(nameof(body)));

    /// <summary>The handle of the task running this coroutine.</summary>
    /// <param name="co">The template's yielder.</param>
    /// <returns>The current task.</returns>
    public static LoopTask CurrentTask(this Yielder<LoopRequest, Unit> co) => LoopContext.RequireTask("CurrentTask");

    /// <summary>The loop's clock reading (<see cref="EventLoop.Elapsed"/>) for the loop running this coroutine.</summary>
    /// <param name="co">The template's yielder.</param>
    /// <returns>Time elapsed since the loop was created.</returns>
    public static TimeSpan Now(this Yielder<LoopRequest, Unit> co) => LoopContext.RequireTask("Now").Loop.Elapsed;

    /// <summary>
    /// A token that the loop cancels when it raises a cancellation at this point of the task: when the task is cancelled
    /// (<see cref="LoopTask.Cancel"/>, the loop's shutdown), or when the deadline of a timeout scope around this call passes
    /// (<see cref="MoveOnAfter{T}"/>, <see cref="FailAfter{T}"/>). Pass it to .NET operations that the task awaits, so that they
    /// stop too: <c>int n = await socket.ReceiveAsync(buffer, SocketFlags.None, co.CancellationToken());</c>.
    /// </summary>
    /// <remarks>
    /// Without it, a cancelled or timed-out <c>await</c> of a .NET operation leaves the operation running: a receive still takes
    /// its bytes into the buffer, an accept still takes the next connection. The loop cancels the token on its own thread, before
    /// the task resumes with the cancellation, so the operation has been asked to stop (a socket operation that is waiting stops
    /// there and then) by the time the task's <c>catch</c> and <c>finally</c> blocks run. The token belongs to the innermost
    /// timeout scope around the call (or to the task, outside any scope): an inner scope's timeout does not cancel a token taken
    /// outside it. Once cancelled it stays cancelled; a token asked for after that cancellation has been raised in the task
    /// (by cleanup in a <c>finally</c>, or after catching it) is a new one, which only a later cancellation cancels. Callbacks
    /// registered on it run on the loop thread when the loop cancels it; one that throws is reported by <see cref="EventLoop.Run{T}"/>.
    /// </remarks>
    /// <param name="co">The template's yielder.</param>
    /// <returns>The token of the current task at this point.</returns>
    /// <exception cref="InvalidOperationException">Called outside a task of a running loop.</exception>
    public static global::System.Threading.CancellationToken CancellationToken(this Yielder<LoopRequest, Unit> co) =>
        LoopContext.RequireTask("CancellationToken").CancellationToken;
}
