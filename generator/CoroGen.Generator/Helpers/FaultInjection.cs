using System;

namespace CoroGen.Generator.Helpers;

/// <summary>
/// Lets the generator's tests make a template's lowering or emission fail, to check what an internal error (COROGEN099)
/// leaves behind. Per thread, and null (no effect) unless a test sets it.
/// </summary>
internal static class FaultInjection
{
    /// <summary>Given a template's name: true to throw as the lowering starts.</summary>
    [ThreadStatic]
    public static Func<string, bool>? ThrowWhileLowering;

    /// <summary>Given a template's name: true to throw as the emitter writes its lowered class.</summary>
    [ThreadStatic]
    public static Func<string, bool>? ThrowWhileEmitting;
}
