using System;

namespace CoroGen;

/// <summary>
/// Raised at a coroutine's suspension point by <see cref="Coroutine.Close"/> (Python's <c>GeneratorExit</c>).
/// Catch clauses of templates that do not name this type (a bare <c>catch</c>, <c>catch (Exception)</c>) do not intercept it.
/// </summary>
public sealed class CoroutineExitException : Exception
{
    /// <summary>Creates the exit request.</summary>
    public CoroutineExitException()
        : base("The coroutine is being closed.")
    {
    }
}
