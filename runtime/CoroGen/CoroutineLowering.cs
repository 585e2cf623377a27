using System;
using System.ComponentModel;
using System.Runtime.ExceptionServices;

namespace CoroGen;

/// <summary>
/// Helpers that generated classes call where the template's control flow was moved out of a handler: rethrowing the
/// exception a moved-out catch or finally holds (with its original stack trace, as <c>throw;</c> would), and binding
/// pattern variables that live across suspension points to fields.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CoroutineLowering
{
    /// <summary>
    /// <c>throw;</c> in a catch block that was moved after its try statement: raises <paramref name="exception"/> again,
    /// keeping its stack trace. Written <c>throw CoroutineLowering.Rethrow(e);</c>; it never returns.
    /// </summary>
    public static Exception Rethrow(Exception exception)
    {
        ExceptionDispatchInfo.Capture(exception).Throw();
        return exception; // unreachable
    }

    /// <summary>
    /// The end of a finally block that was moved after its try statement: raises the exception that left the try (kept in
    /// <paramref name="pending"/>, which is cleared) again, keeping its stack trace. It never returns.
    /// </summary>
    public static Exception RethrowPending(ref Exception? pending)
    {
        Exception exception = pending ?? throw new InvalidOperationException("No pending exception.");
        pending = null;
        ExceptionDispatchInfo.Capture(exception).Throw();
        return exception; // unreachable
    }

    /// <summary>Stores <paramref name="value"/> in <paramref name="target"/> and returns true: binds a pattern variable held in a field.</summary>
    public static bool Store<T>(out T target, T value)
    {
        target = value;
        return true;
    }
}
