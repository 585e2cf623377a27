namespace CoroGen;

/// <summary>Where a coroutine is in its life (API.md section 4).</summary>
public enum CoroutineState
{
    /// <summary>Made by its factory; no code of the body has run. Prime it with <c>MoveNext()</c>.</summary>
    Created,
    /// <summary>The body is running (calling into it now is re-entrance and throws).</summary>
    Running,
    /// <summary>Stopped at a suspension point, waiting for <c>MoveNext</c>, <c>Send</c>, <c>Throw</c> or <c>Close</c>.</summary>
    Suspended,
    /// <summary>The body returned; <c>Result</c> holds its value.</summary>
    Completed,
    /// <summary>An exception escaped the body.</summary>
    Faulted,
    /// <summary>Closed before it ran, or unwound by <c>Close()</c> / a <see cref="CoroutineExitException"/>.</summary>
    Closed,
}
