using System;

namespace CoroGen;

/// <summary>
/// What happens when template code runs. In a compiled program it never does (the generated class runs instead), so
/// every entry point explains which factory to call. A reference runner for tests can take these hooks over.
/// </summary>
internal static class TemplateRunner
{
    internal static InvalidOperationException NeverRun() =>
        new("A [Coroutine] template is never run directly: call the generated factory with the same name (it takes the same arguments without the Yielder) and drive the coroutine it returns.");

    internal static T GetSent<T>(object source) => throw NeverRun();

    internal static void Suspend(object source, Action continuation) => throw NeverRun();
}
