using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace CoroGen;

/// <summary>Cleanup helpers that generated classes call from their <c>finally</c> blocks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CoroutineCleanup
{
    /// <summary>
    /// Disposes a resource held in a field, in place: a struct is disposed on the original instance (never a boxed copy),
    /// a null reference is skipped, as C#'s <c>using</c> and <c>foreach</c> do.
    /// </summary>
    [StackTraceHidden] // a resource's failing Dispose is called from the template's line, as C#'s using calls it
    public static void Dispose<T>(ref T resource)
        where T : IDisposable?
    {
        if (resource is not null)
        {
            resource.Dispose();
        }
    }

    /// <summary>
    /// Starts the asynchronous disposal of a resource held in a field (<c>await using</c>, <c>await foreach</c>), in place
    /// as <see cref="Dispose{T}"/> does; a null reference gives a completed <see cref="ValueTask"/>, as C# skips it.
    /// The generated code awaits the result through the template's yield type.
    /// </summary>
    public static ValueTask DisposeAsync<T>(ref T resource)
        where T : IAsyncDisposable?
    {
        return resource is not null ? resource.DisposeAsync() : default;
    }

    /// <summary>Starts the asynchronous disposal of a nullable struct resource; no value gives a completed <see cref="ValueTask"/>.</summary>
    public static ValueTask DisposeAsync<T>(ref T? resource)
        where T : struct, IAsyncDisposable
    {
        return resource.HasValue ? resource.GetValueOrDefault().DisposeAsync() : default;
    }

    /// <summary>Starts the asynchronous disposal of <paramref name="resource"/> if it is <see cref="IAsyncDisposable"/> (a resource whose type the compiler could not resolve).</summary>
    public static ValueTask DisposeAsyncIfDisposable(object? resource) => resource is IAsyncDisposable disposable ? disposable.DisposeAsync() : default;

    // ---- await foreach ----
    // An enumerator must not be disposed while its MoveNextAsync runs (a C# async iterator throws NotSupportedException). A
    // coroutine can be cancelled, timed out or closed at the await of a step that has not finished: its finally then leaves
    // the disposal to the step's completion, as the scheduler leaves any .NET task that nobody awaits any more.

    /// <summary>
    /// The step of an <c>await foreach</c>: <paramref name="pending"/> keeps it as a task while it has not completed (null
    /// once it has), so that <see cref="DisposeAfterPendingStep{TEnumerator}(Task{bool}?, TEnumerator, Func{TEnumerator, ValueTask})"/>
    /// can tell whether the enumerator may be disposed. A step that completes at once allocates nothing.
    /// </summary>
    public static ValueTask<bool> TrackStep(ValueTask<bool> step, ref Task<bool>? pending)
    {
        if (step.IsCompleted)
        {
            pending = null;
            return step;
        }

        Task<bool> task = step.AsTask();
        pending = task;
        return new ValueTask<bool>(task);
    }

    /// <summary>The step of an <c>await foreach</c> over a configured source (<c>WithCancellation</c>, <c>ConfigureAwait</c>).</summary>
    public static ValueTask<bool> TrackStep(ConfiguredValueTaskAwaitable<bool> step, ref Task<bool>? pending)
    {
        if (step.GetAwaiter().IsCompleted)
        {
            pending = null;
            return new ValueTask<bool>(step.GetAwaiter().GetResult()); // a failed step raises its exception here, at the await foreach
        }

        Task<bool> task = Completion(step);
        pending = task;
        return new ValueTask<bool>(task);
    }

    /// <summary>The step of an <c>await foreach</c> whose enumerator's MoveNextAsync returns a <see cref="Task{TResult}"/>.</summary>
    public static ValueTask<bool> TrackStep(Task<bool> step, ref Task<bool>? pending)
    {
        pending = step.IsCompleted ? null : step;
        return new ValueTask<bool>(step);
    }

    /// <summary>
    /// When the last step of an <c>await foreach</c> has not completed (the coroutine was cancelled, timed out or closed while
    /// it waited), disposes <paramref name="enumerator"/> once the step completes, off the loop, and returns true: the caller
    /// must not dispose it. A failure of that disposal goes to <see cref="TaskScheduler.UnobservedTaskException"/>, as the
    /// failure of any .NET task nobody awaits. Returns false when the enumerator may be disposed now.
    /// </summary>
    public static bool DisposeAfterPendingStep<TEnumerator>(Task<bool>? step, TEnumerator enumerator, Func<TEnumerator, ValueTask> dispose)
    {
        if (step is null || step.IsCompleted)
        {
            return false;
        }

        _ = DisposeAfter(step, enumerator, dispose);
        return true;
    }

    /// <summary>The same, for an enumerator whose DisposeAsync is configured (<c>ConfigureAwait</c>).</summary>
    public static bool DisposeAfterPendingStep<TEnumerator>(Task<bool>? step, TEnumerator enumerator, Func<TEnumerator, ConfiguredValueTaskAwaitable> dispose)
    {
        if (step is null || step.IsCompleted)
        {
            return false;
        }

        _ = DisposeAfter(step, enumerator, dispose);
        return true;
    }

    private static async Task<bool> Completion(ConfiguredValueTaskAwaitable<bool> step) => await step;

    private static async Task DisposeAfter<TEnumerator>(Task<bool> step, TEnumerator enumerator, Func<TEnumerator, ValueTask> dispose)
    {
        await ((Task)step).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        await dispose(enumerator).ConfigureAwait(false);
    }

    private static async Task DisposeAfter<TEnumerator>(Task<bool> step, TEnumerator enumerator, Func<TEnumerator, ConfiguredValueTaskAwaitable> dispose)
    {
        await ((Task)step).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        await dispose(enumerator);
    }

    /// <summary>Disposes <paramref name="resource"/> if it is <see cref="IDisposable"/> (an enumerator whose static type does not say).</summary>
    [StackTraceHidden]
    public static void DisposeIfDisposable(object? resource) => (resource as IDisposable)?.Dispose();
}
