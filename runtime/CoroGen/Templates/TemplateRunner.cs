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

    // A real async method (Task, ValueTask...) awaited co.Yield(...) or a coroutine: only templates may. IsCompleted (below)
    // refuses it first; this stays for awaiters driven by hand.
    internal static void Suspend(object source, Action continuation) => throw NeverRun();

    /// <summary>
    /// The awaiters' <c>IsCompleted</c>: false under the oracle, which then suspends the template's body. Anywhere else the
    /// await is in a real async method (a Task or ValueTask method, an async lambda): refuse it here, in that method's own
    /// frame, so that its Task faults with the explanation. Thrown later, from <c>OnCompleted</c>, the exception would be
    /// rethrown by the method builder on the thread pool and end the process.
    /// </summary>
    internal static bool NotCompleted(object source) =>
        OracleContext.Current is null ? throw AwaitedOutsideTemplate(source) : false;

    private static InvalidOperationException AwaitedOutsideTemplate(object source) => new(source is Coroutine coroutine
        ? $"A coroutine ({coroutine.GetType().Name}) was awaited outside a [Coroutine] template, where `await` means delegation (yield from). "
          + "In an ordinary async method, drive it instead: MoveNext()/Send(...) or foreach, or run a scheduler coroutine on an EventLoop "
          + "(loop.Run(...), loop.Spawn(...)); or make the awaiting method a [Coroutine] template that takes the same Yielder."
        : "co.Yield(...) or co.YieldAll(...) was awaited outside a [Coroutine] template: only a template's own body (or a helper it passes its "
          + "Yielder to, awaited by the template) may suspend a coroutine.");

    /// <summary>The value of <c>await co.Yield(x)</c> in an oracle body: the sent value, or the pending Throw/Close exception raised here.</summary>
    internal static TSend ResumeYield<TSend>() =>
        OracleContext.Current is IOracleResumePoint<TSend> body ? body.ResumeYield() : throw NeverRun();

    /// <summary>The end of <c>await sub</c> (or <c>await co.YieldAll(items)</c>) in an oracle body, when its value is unused.</summary>
    internal static void ResumeDelegation() => (OracleContext.Current as IOracleResumePoint ?? throw NeverRun()).ResumeDelegation();

    /// <summary>The value of <c>await sub</c> in an oracle body: the sub's result, or the exception it raised here.</summary>
    internal static TResult ResumeDelegation<TResult>() =>
        (OracleContext.Current as IOracleResumePoint ?? throw NeverRun()).ResumeDelegation<TResult>();
}
