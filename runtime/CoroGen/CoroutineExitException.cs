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

    // The exit that Close and the delegation trampoline raise: the runtime raises those through the checked step. Such an
    // exit can still escape a body that MoveNext/Send runs directly later (a body that yielded while being closed and then
    // finishes re-raises it; user code may catch it, keep it and throw it again): see EscapingExits.
    private CoroutineExitException(bool raisedByRuntime)
        : base(ExitMessage)
    {
        IsCloseRequest = raisedByRuntime;
    }

    // True for the exits of Close (and of the trampoline closing a chain): a body that catches one and returns ends Closed.
    // A body that catches an exit passed to Throw and returns has finished normally (Completed, with a Result). User code
    // may keep Close's exit and pass it to Throw later: from then on it is an exit passed to Throw (PassedToThrow).
    internal bool IsCloseRequest { get; private set; }

    internal void PassedToThrow() => IsCloseRequest = false;

    internal static CoroutineExitException ForClose()
    {
        // Rare (a Close that must raise its exit): from now on, a body's direct step that ends with an exit escaping knows it.
        EscapingExits.StartRecording();
        return new CoroutineExitException(raisedByRuntime: true);
    }
}

/// <summary>
/// Keeps the direct step (which has a finally but, to stay inlinable, no catch clause or filter) from having to tell an
/// escaping <see cref="CoroutineExitException"/> from other exceptions. <see cref="Possible"/> turns true once user code
/// has made an exit; from then on <c>MoveNext</c>/<c>Send</c> run the checked step (not inlined), whose exception filter
/// sees the escaping exception itself. Processes that never do pay one static read per step.
/// </summary>
/// <remarks>
/// The step that is running when <see cref="Possible"/> turns true has already taken the direct path; an exit the runtime
/// raised that user code caught and keeps can be thrown again from any body; and an exit Close left pending in a body that
/// yielded while being closed is re-raised by whatever finishes that body later, possibly out of another body that
/// <c>MoveNext</c>/<c>Send</c> runs directly. For those, a first-chance handler, subscribed as soon as the process makes
/// any exit (its own, or one that Close must raise), records per thread whether the last exception thrown was an exit,
/// and the direct step reads that when an exception escapes: right unless the body's own finally blocks throw and catch
/// other exceptions on the way. (Turning the checked step on for those too would slow every later step of the process,
/// about threefold, after one coroutine ignored its exit.)
/// </remarks>
internal static class EscapingExits
{
    private static int watching;

    private static int recording;

    [ThreadStatic]
    private static bool lastThrownIsExit;

    // True once user code has made an exit or a runtime exit was left pending in a body (a plain read: a thread that sees
    // it late is the case the remarks describe).
    internal static bool Possible => watching != 0;

    // True when the exception most recently thrown on this thread (the one escaping, when called from a finally that an
    // exception is unwinding) is an exit.
    internal static bool LastThrownIsExit => Volatile.Read(ref recording) != 0 && lastThrownIsExit;

    // MoveNext and Send take the checked step from now on (and the first-chance record is kept).
    internal static void StartWatching()
    {
        StartRecording();
        if (Volatile.Read(ref watching) == 0)
        {
            Volatile.Write(ref watching, 1);
        }
    }

    // Only the first-chance record: the direct step stays, and tells an escaping exit by the last exception thrown.
    internal static void StartRecording()
    {
        if (Volatile.Read(ref recording) == 0 && Interlocked.Exchange(ref recording, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += Record;
        }
    }

    private static void Record(object? sender, FirstChanceExceptionEventArgs e) => lastThrownIsExit = e.Exception is CoroutineExitException;
}
