using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace CoroGen.Scheduling;

/// <summary>
/// What a scheduler coroutine yields to the <see cref="EventLoop"/>: the reason it suspends. Scheduler coroutines are
/// <c>Coroutine&lt;LoopRequest, Unit, T&gt;</c>; templates take a <c>Yielder&lt;LoopRequest&gt;</c> and rarely build requests
/// themselves: they call the helpers in <see cref="SchedulerExtensions"/> (<c>await co.Sleep(...)</c>) or await the loop's
/// primitives (<see cref="LoopTask{T}.Join"/>, <see cref="LoopEvent.Wait"/>, <see cref="LoopChannel{T}.Receive"/>, ...).
/// </summary>
/// <remarks>
/// <para><c>default(LoopRequest)</c>, which is what a bare <c>await co.Yield()</c> yields, is <see cref="Reschedule"/>: the task
/// goes to the back of the ready queue (curio's <c>sleep(0)</c>).</para>
/// <para><b>Task interop.</b> Inside a template whose yield type is <see cref="LoopRequest"/>, the generator turns
/// <c>await someTask</c> (a <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/>) into delegation to <c>LoopRequest.Await(someTask)</c>. Hand-written code does the same:
/// <c>return DelegateTo(LoopRequest.Await(task));</c>. Only the awaiting task suspends; the loop keeps running the others; the
/// completion is posted back to the loop thread, and the task's result (or its exception, unwrapped as <c>await</c> does) is the
/// value of the <c>await</c>. A task that is already complete does not suspend at all.</para>
/// </remarks>
public readonly struct LoopRequest : IEquatable<LoopRequest>
{
    // The kind in the low two bits and the ticks above them, in one long: every scheduler coroutine holds its current
    // request, and a million of them may be alive at once, so a request is 8 bytes rather than a padded 16. The ticks keep
    // 62 bits (plus or minus 7,300 years); anything beyond saturates to long.MaxValue, which the loop reads as "never".
    private const int KindBits = 2;
    private const long KindMask = (1 << KindBits) - 1;
    internal const long MaxTicks = long.MaxValue >> KindBits;
    private const long MinTicks = long.MinValue >> KindBits;

    private readonly long bits;

    private LoopRequest(LoopRequestKind kind, long ticks) =>
        bits = (Math.Clamp(ticks, MinTicks, MaxTicks) << KindBits) | (long)kind;

    internal LoopRequestKind Kind => (LoopRequestKind)(bits & KindMask);

    // Sleep: the delay in TimeSpan ticks; SleepUntil: the deadline in ticks of the loop's clock (EventLoop.Elapsed).
    internal long Ticks
    {
        get
        {
            long ticks = bits >> KindBits;
            return ticks == MaxTicks ? long.MaxValue : ticks;
        }
    }

    /// <summary>Go to the back of the ready queue and run again after every other ready task (curio's <c>sleep(0)</c>). Same as <c>default</c>.</summary>
    public static LoopRequest Reschedule => default;

    /// <summary>Suspend until something that registered the current task (an event, a channel, a join) wakes it, or until it is cancelled. Used by the loop's primitives.</summary>
    internal static LoopRequest Park => new(LoopRequestKind.Park, 0);

    /// <summary>
    /// Sleep for <paramref name="delay"/> of the loop's clock (<see cref="EventLoop.TimeProvider"/>); zero or negative reschedules;
    /// <see cref="TimeSpan.MaxValue"/>, <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> or any delay over 7,300 years
    /// (2^61 ticks) sleeps until the task is cancelled.
    /// </summary>
    /// <param name="delay">How long to sleep.</param>
    public static LoopRequest ForSleep(TimeSpan delay) =>
        new(LoopRequestKind.Sleep, delay == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : delay.Ticks);

    /// <summary>Sleep until the loop's clock (<see cref="EventLoop.Elapsed"/>) reaches <paramref name="deadline"/>; a deadline already passed reschedules; one over 7,300 years (2^61 ticks) never comes.</summary>
    /// <param name="deadline">The deadline, measured like <see cref="EventLoop.Elapsed"/> from the loop's creation.</param>
    public static LoopRequest ForDeadline(TimeSpan deadline) => new(LoopRequestKind.SleepUntil, deadline.Ticks);

    /// <summary>True for <see cref="Reschedule"/>.</summary>
    public bool IsReschedule => Kind == LoopRequestKind.Reschedule;

    /// <summary>The delay of a <see cref="ForSleep"/> request; <see cref="TimeSpan.Zero"/> otherwise.</summary>
    public TimeSpan SleepDelay => Kind == LoopRequestKind.Sleep ? new TimeSpan(Ticks) : TimeSpan.Zero;

    /// <summary>
    /// The sub-coroutine behind <c>await task</c> in a scheduler template: suspends only the awaiting loop task until
    /// <paramref name="task"/> completes (the completion is posted back to the loop thread), then raises its exception, if any, at the <c>await</c>.
    /// </summary>
    /// <param name="task">The task to wait for.</param>
    /// <returns>A coroutine to delegate to (<c>await LoopRequest.Await(task)</c>).</returns>
    public static Coroutine<LoopRequest, Unit, Unit> Await(Task task) =>
        (task ?? throw new ArgumentNullException(nameof(task))).IsCompletedSuccessfully
            ? CompletedCoroutine<Unit>.Create(Unit.Value)
            : new TaskAwaitCoroutine(task);

    /// <summary>
    /// The sub-coroutine behind <c>await task</c> in a scheduler template: suspends only the awaiting loop task until
    /// <paramref name="task"/> completes, then returns its result (or raises its exception) at the <c>await</c>.
    /// </summary>
    /// <typeparam name="T">The task's result type.</typeparam>
    /// <param name="task">The task to wait for.</param>
    /// <returns>A coroutine to delegate to; its result is the task's result.</returns>
    public static Coroutine<LoopRequest, Unit, T> Await<T>(Task<T> task) =>
        (task ?? throw new ArgumentNullException(nameof(task))).IsCompletedSuccessfully
            ? CompletedCoroutine<T>.Create(task.Result)
            : new TaskAwaitCoroutine<T>(task);

    /// <summary>The sub-coroutine behind <c>await valueTask</c> in a scheduler template; see <see cref="Await(Task)"/>. A completed value task does not suspend.</summary>
    /// <param name="task">The value task to wait for (consumed once, as <c>await</c> does).</param>
    /// <returns>A coroutine to delegate to.</returns>
    public static Coroutine<LoopRequest, Unit, Unit> Await(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return CompletedCoroutine<Unit>.Create(Unit.Value);
        }

        return new TaskAwaitCoroutine(task.AsTask());
    }

    /// <summary>The sub-coroutine behind <c>await valueTask</c> in a scheduler template; see <see cref="Await{T}(Task{T})"/>. A completed value task does not suspend.</summary>
    /// <typeparam name="T">The value task's result type.</typeparam>
    /// <param name="task">The value task to wait for (consumed once, as <c>await</c> does).</param>
    /// <returns>A coroutine to delegate to; its result is the task's result.</returns>
    public static Coroutine<LoopRequest, Unit, T> Await<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully
            ? CompletedCoroutine<T>.Create(task.Result)
            : new TaskAwaitCoroutine<T>(task.AsTask());

    /// <summary>
    /// The sub-coroutine behind <c>await task.ConfigureAwait(flag)</c> in a scheduler template: the same as <c>await task</c>
    /// (<see cref="Await(Task)"/>). The flag changes nothing: the awaiting coroutine always resumes on the loop thread, and no
    /// context is captured either way.
    /// </summary>
    /// <param name="awaitable">The value of <c>task.ConfigureAwait(...)</c>.</param>
    /// <returns>A coroutine to delegate to.</returns>
    public static Coroutine<LoopRequest, Unit, Unit> Await(ConfiguredTaskAwaitable awaitable) =>
        new TaskAwaitCoroutine(AwaitConfigured(awaitable));

    /// <summary>The sub-coroutine behind <c>await task.ConfigureAwait(flag)</c>: the same as <see cref="Await{T}(Task{T})"/>.</summary>
    /// <typeparam name="T">The task's result type.</typeparam>
    /// <param name="awaitable">The value of <c>task.ConfigureAwait(...)</c>.</param>
    /// <returns>A coroutine to delegate to; its result is the task's.</returns>
    public static Coroutine<LoopRequest, Unit, T> Await<T>(ConfiguredTaskAwaitable<T> awaitable) =>
        new TaskAwaitCoroutine<T>(AwaitConfigured(awaitable));

    /// <summary>The sub-coroutine behind <c>await valueTask.ConfigureAwait(flag)</c>: the same as <see cref="Await(ValueTask)"/>.</summary>
    /// <param name="awaitable">The value of <c>valueTask.ConfigureAwait(...)</c>.</param>
    /// <returns>A coroutine to delegate to.</returns>
    public static Coroutine<LoopRequest, Unit, Unit> Await(ConfiguredValueTaskAwaitable awaitable) =>
        new TaskAwaitCoroutine(AwaitConfigured(awaitable));

    /// <summary>The sub-coroutine behind <c>await valueTask.ConfigureAwait(flag)</c>: the same as <see cref="Await{T}(ValueTask{T})"/>.</summary>
    /// <typeparam name="T">The task's result type.</typeparam>
    /// <param name="awaitable">The value of <c>valueTask.ConfigureAwait(...)</c>.</param>
    /// <returns>A coroutine to delegate to; its result is the task's.</returns>
    public static Coroutine<LoopRequest, Unit, T> Await<T>(ConfiguredValueTaskAwaitable<T> awaitable) =>
        new TaskAwaitCoroutine<T>(AwaitConfigured(awaitable));

    // A configured awaitable does not give its task back, so an async method awaits it and the loop awaits that method's Task,
    // which completes (or faults, or is cancelled) as the awaitable does, with the same exception. It captures nothing even
    // with ConfigureAwait(true): Run clears the thread's SynchronizationContext and runs on the default task scheduler.
    private static async Task AwaitConfigured(ConfiguredTaskAwaitable awaitable) => await awaitable;

    private static async Task<T> AwaitConfigured<T>(ConfiguredTaskAwaitable<T> awaitable) => await awaitable;

    private static async Task AwaitConfigured(ConfiguredValueTaskAwaitable awaitable) => await awaitable;

    private static async Task<T> AwaitConfigured<T>(ConfiguredValueTaskAwaitable<T> awaitable) => await awaitable;

    /// <summary>
    /// The sub-coroutine behind <c>await Task.Yield()</c> in a scheduler template: reschedules the task once (like
    /// <see cref="Reschedule"/>, curio's <c>sleep(0)</c>) instead of hopping to the thread pool.
    /// </summary>
    /// <param name="awaitable">The value of <c>Task.Yield()</c>.</param>
    /// <returns>A coroutine to delegate to.</returns>
    public static Coroutine<LoopRequest, Unit, Unit> Await(System.Runtime.CompilerServices.YieldAwaitable awaitable) => new RescheduleCoroutine();

    /// <summary>The sub-coroutine behind <c>await task</c> on a loop task in a scheduler template: the same as <c>await task.Join()</c>.</summary>
    /// <typeparam name="T">The task's result type.</typeparam>
    /// <param name="task">The loop task to join.</param>
    /// <returns>A coroutine to delegate to; its result is the task's result.</returns>
    public static Coroutine<LoopRequest, Unit, T> Await<T>(LoopTask<T> task) =>
        (task ?? throw new ArgumentNullException(nameof(task))).Join();

    /// <inheritdoc/>
    public bool Equals(LoopRequest other) => bits == other.bits;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LoopRequest other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => bits.GetHashCode();

    /// <summary>Compares two requests.</summary>
    /// <param name="left">A request.</param>
    /// <param name="right">Another request.</param>
    /// <returns>True when both describe the same suspension.</returns>
    public static bool operator ==(LoopRequest left, LoopRequest right) => left.Equals(right);

    /// <summary>Compares two requests.</summary>
    /// <param name="left">A request.</param>
    /// <param name="right">Another request.</param>
    /// <returns>True when they differ.</returns>
    public static bool operator !=(LoopRequest left, LoopRequest right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        LoopRequestKind.Reschedule => "Reschedule",
        LoopRequestKind.Sleep => $"Sleep({new TimeSpan(Ticks)})",
        LoopRequestKind.SleepUntil => $"SleepUntil({new TimeSpan(Ticks)})",
        _ => "Park",
    };
}

internal enum LoopRequestKind : byte
{
    Reschedule,
    Sleep,
    SleepUntil,
    Park,
}

/// <summary>A coroutine that has already completed with a value: delegating to it returns the value at once.</summary>
internal sealed class CompletedCoroutine<T> : CoroutineWithResult<LoopRequest, Unit, T>, ICompletedAwait
{
    private readonly T value;

    private CompletedCoroutine(T value) => this.value = value;

    // A finished coroutine never changes (MoveNext, Throw and Close leave a finished one as it is, and awaiting one only
    // reads its Result), so the few results every step of `await foreach`/`await using` gives share one object each:
    // a step that completes at once allocates nothing.
    private static readonly CompletedCoroutine<T>? Default = typeof(T) == typeof(Unit) || typeof(T) == typeof(bool) ? Made(default!) : null;
    private static readonly CompletedCoroutine<T>? True = typeof(T) == typeof(bool) ? Made((T)(object)true) : null;

    internal static CompletedCoroutine<T> Create(T value)
    {
        if (typeof(T) == typeof(Unit))
        {
            return Default!;
        }

        if (typeof(T) == typeof(bool))
        {
            return (bool)(object)value! ? True! : Default!;
        }

        return Made(value);
    }

    private static CompletedCoroutine<T> Made(T value)
    {
        var c = new CompletedCoroutine<T>(value);
        c.MoveNext();
        return c;
    }

    protected override bool Resume() => Complete(value);
}

/// <summary>
/// Marks what <see cref="LoopRequest.Await(System.Threading.Tasks.Task)"/> and its overloads give for a task that had already
/// completed: a finished coroutine that the loop accepts wherever it asks for one that has not started (LoopContext.CanStart).
/// </summary>
internal interface ICompletedAwait
{
}

/// <summary>Yields <see cref="LoopRequest.Reschedule"/> once.</summary>
internal sealed class RescheduleCoroutine : Coroutine<LoopRequest, Unit, Unit>
{
    private bool yielded;

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        if (yielded)
        {
            OnResume();
            return false;
        }

        yielded = true;
        return Yielded(LoopRequest.Reschedule);
    }
}
