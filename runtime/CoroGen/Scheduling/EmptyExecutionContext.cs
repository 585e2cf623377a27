using System;
using System.Threading;

namespace CoroGen.Scheduling;

/// <summary>
/// The empty ExecutionContext (no AsyncLocal values), which .NET gives code started while the flow is suppressed, as
/// Task.Run starts its delegate then: a task spawned under ExecutionContext.SuppressFlow starts in it, and a
/// VirtualTimeProvider timer created under it fires in it, as TimeProvider.System's timers do. .NET has no public handle on
/// it; a thread started while the flow is suppressed runs in it, so one is started to read it (once per process, if ever).
/// </summary>
internal static class EmptyExecutionContext
{
    /// <summary>The empty context; null where no thread can be started (browser WebAssembly).</summary>
    internal static readonly ExecutionContext? Value = Capture();

    private static ExecutionContext? Capture()
    {
        ExecutionContext? empty = null;
        AsyncFlowControl? flow = ExecutionContext.IsFlowSuppressed() ? null : ExecutionContext.SuppressFlow();
        try
        {
            var thread = new Thread(() => empty = ExecutionContext.Capture());
            thread.Start();
            thread.Join();
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
        finally
        {
            flow?.Undo();
        }

        return empty!;
    }
}
