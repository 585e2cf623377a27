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
        // Made by user code, it may be thrown by a body that MoveNext or Send runs directly, which must then end Closed.
        EscapingExits.StartWatching();
    }

    // The exit that Close and the delegation trampoline raise: the runtime always raises those through the checked step.
    private CoroutineExitException(bool raisedByRuntime)
        : base(ExitMessage)
    {
    }

    internal static CoroutineExitException ForClose() => new(raisedByRuntime: true);
}

/// <summary>
/// Tells the direct step (which has a finally but, to stay inlinable, no catch clause) whether the exception escaping a body
/// is a <see cref="CoroutineExitException"/>: once user code has made one, every first-chance exception on a thread records
/// whether it was an exit. The runtime's own exits never reach the direct step, so processes that never make one pay nothing.
/// </summary>
internal static class EscapingExits
{
    private static int watching;

    [ThreadStatic]
    private static bool lastThrownIsExit;

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
