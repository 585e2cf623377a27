using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoroGen;

/// <summary>
/// Raised at a coroutine's suspension point by <see cref="Coroutine.Close"/> (Python's <c>GeneratorExit</c>).
/// Catch clauses of templates that do not name this type (a bare <c>catch</c>, <c>catch (Exception)</c>) do not intercept it.
/// </summary>
public sealed class CoroutineExitException : Exception
{
    private const string ExitMessage = "The coroutine is being closed.";

    /// <summary>Creates the exit request.</summary>
    public CoroutineExitException()
        : base(ExitMessage)
    {
        // Made by user code, it may escape a body that MoveNext or Send runs, which must then end Closed: from now on they take
        // the checked step, which can tell.
        EscapingExits.StartWatching();
    }

    // The exit that Close and the delegation trampoline raise: the runtime always raises those through the checked step.
    private CoroutineExitException(bool raisedByRuntime)
        : base(ExitMessage)
    {
        IsCloseRequest = raisedByRuntime;
    }

    // True for the exits of Close (and of the trampoline closing a chain): a body that catches one and returns ends Closed.
    // A body that catches an exit passed to Throw and returns has finished normally (Completed, with a Result).
    internal bool IsCloseRequest { get; }

    internal static CoroutineExitException ForClose() => new(raisedByRuntime: true);
}

/// <summary>
/// Keeps the direct step (which has a finally but, to stay inlinable, no catch clause or filter) from having to tell an
/// escaping <see cref="CoroutineExitException"/> from other exceptions. The runtime raises its own exits only through the
/// checked step; once user code has made an exit, <see cref="Possible"/> is true and <c>MoveNext</c>/<c>Send</c> run the
/// checked step (not inlined), whose exception filter sees the escaping exception itself. Processes that never make one
/// pay one static read per step.
/// </summary>
/// <remarks>
/// The step that is running when user code makes the process's first exit has already taken the direct path. For it, a
/// first-chance handler records per thread whether the last exception thrown was an exit, and the direct step reads that
/// when an exception escapes: right unless the body's own finally blocks throw and catch other exceptions on the way.
/// </remarks>
internal static class EscapingExits
{
    private static int watching;

    [ThreadStatic]
    private static bool lastThrownIsExit;

    // True once user code has made an exit (a plain read: a thread that sees it late is the case the remarks describe).
    internal static bool Possible => watching != 0;

    // True when the exception most recently thrown on this thread (the one escaping, when called from a finally that an
    // exception is unwinding) is an exit.
    internal static bool LastThrownIsExit => Volatile.Read(ref watching) != 0 && lastThrownIsExit;

    internal static void StartWatching()
    {
        if (Volatile.Read(ref watching) == 0 && Interlocked.Exchange(ref watching, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += Record;
        }
    }

    private static void Record(object? sender, FirstChanceExceptionEventArgs e) => lastThrownIsExit = e.Exception is CoroutineExitException;
}
