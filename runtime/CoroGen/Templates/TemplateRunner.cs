using System;
using CoroGen.Templates;

namespace CoroGen;

/// <summary>
/// What happens when template code runs. In a compiled program it never does (the generated class runs instead), so
/// every entry point explains which factory to call. Under <see cref="TemplateOracle"/> (the reference runner for tests)
/// the awaiters' <c>GetResult</c> resume the oracle coroutine whose body is running on this thread.
/// </summary>
internal static class TemplateRunner
{
    internal static InvalidOperationException NeverRun() =>
        new("A [Coroutine] template is never run directly: call the generated factory with the same name (it takes the same arguments without the Yielder) and drive the coroutine it returns.");

    // A real async method (Task, ValueTask...) awaited co.Yield(...) or a coroutine: only templates may.
    internal static void Suspend(object source, Action continuation) => throw NeverRun();

    /// <summary>The value of <c>await co.Yield(x)</c> in an oracle body: the sent value, or the pending Throw/Close exception raised here.</summary>
    internal static TSend ResumeYield<TSend>() =>
        OracleContext.Current is IOracleResumePoint<TSend> body ? body.ResumeYield() : throw NeverRun();

    /// <summary>The end of <c>await sub</c> (or <c>await co.YieldAll(items)</c>) in an oracle body, when its value is unused.</summary>
    internal static void ResumeDelegation() => (OracleContext.Current as IOracleResumePoint ?? throw NeverRun()).ResumeDelegation();

    /// <summary>The value of <c>await sub</c> in an oracle body: the sub's result, or the exception it raised here.</summary>
    internal static TResult ResumeDelegation<TResult>() =>
        (OracleContext.Current as IOracleResumePoint ?? throw NeverRun()).ResumeDelegation<TResult>();
}
