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
    [System.Diagnostics.StackTraceHidden] // a trace names the template's line, not this helper
    public static Exception Rethrow(Exception exception)
    {
        ExceptionDispatchInfo.Capture(exception).Throw();
        return exception; // unreachable
    }

    /// <summary>
    /// The end of a finally block that was moved after its try statement: raises the exception that left the try (kept in
    /// <paramref name="pending"/>, which is cleared) again, keeping its stack trace. It never returns.
    /// </summary>
    [System.Diagnostics.StackTraceHidden]
    public static Exception RethrowPending(ref Exception? pending)
    {
        Exception exception = pending ?? throw new InvalidOperationException("No pending exception.");
        pending = null;
        ExceptionDispatchInfo.Capture(exception).Throw();
        return exception; // unreachable
    }

    /// <summary>
    /// Reads a nullable held in a field member by member: <c>return Yielded(point, CoroutineLowering.Fieldwise(ref this.maxi))</c>.
    /// The JIT writes a nullable field as two stores (the flag, then the value) but copies it with one wide load, which the
    /// CPU cannot serve from those two pending stores: a template that updates a nullable local and yields it at once
    /// (the seed's <c>maximum()</c>) would stall for about 3 ns at every step. Reading the members separately avoids it.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static T? Fieldwise<T>(ref T? field)
        where T : struct => field.HasValue ? field.GetValueOrDefault() : null;

    /// <summary>Stores <paramref name="value"/> in <paramref name="target"/> and returns true: binds a pattern variable held in a field.</summary>
    public static bool Store<T>(out T target, T value)
    {
        target = value;
        return true;
    }
}
