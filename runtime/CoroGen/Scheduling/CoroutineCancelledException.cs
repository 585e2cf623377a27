using System;

namespace CoroGen.Scheduling;

/// <summary>
/// Raised inside a loop task at its suspension point when the task is cancelled (<see cref="LoopTask.Cancel"/>), when a
/// timeout scope around it expires (<see cref="SchedulerExtensions.MoveOnAfter{T}"/>, <see cref="SchedulerExtensions.FailAfter{T}"/>),
/// when a sibling in <see cref="SchedulerExtensions.Gather{T}"/> fails, or when <see cref="EventLoop.Run{T}"/> shuts down the tasks
/// left behind by <c>main</c>. It is raised with <see cref="Coroutine{TYield, TSend, TReturn}.Throw"/>, so it reaches the innermost
/// sub-coroutine first and every <c>finally</c> and <c>using</c> disposal on the way runs. A task may catch it to clean up (and may
/// await while doing so); a task from which it escapes ends <see cref="LoopTaskStatus.Cancelled"/>, which is not a failure.
/// </summary>
public class CoroutineCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CoroutineCancelledException()
        : base("The loop task was cancelled.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CoroutineCancelledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CoroutineCancelledException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Raised by the loop's shutdown (<see cref="EventLoop.Run{T}"/> cancelling the tasks left behind by <c>main</c>), which
    /// cancels every live task itself: a task that forwards cancellations to tasks of its own (Gather) must not forward
    /// this one, which they get anyway; a second one would cut their cleanup short.
    /// </summary>
    internal bool RaisedByShutdown { get; init; }
}

/// <summary>The cancellation a timeout scope raises in its own task when its deadline passes; only that scope catches it.</summary>
internal sealed class ScopeTimeoutException : CoroutineCancelledException
{
    internal ScopeTimeoutException(TimeoutScope scope)
        : base("The timeout scope's deadline passed.") => Scope = scope;

    internal TimeoutScope Scope { get; }
}
