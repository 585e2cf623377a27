using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CoroGen.Templates;

/// <summary>
/// The async method builder of templates returning <see cref="Coroutine"/>. It lets templates compile; calling a template
/// directly throws <see cref="InvalidOperationException"/> naming the generated factory.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    /// <summary>Part of the async method builder pattern.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Part of the async method builder pattern.</summary>
    public Coroutine Task => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern: refuses to run the template and names the factory to call.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => throw BuilderMessages.CalledDirectly<TStateMachine>();

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetResult()
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetException(Exception exception) => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => throw TemplateRunner.NeverRun();
}

/// <summary>
/// The async method builder of templates returning <see cref="Coroutine{TReturn}"/>. It lets templates compile; calling a
/// template directly throws <see cref="InvalidOperationException"/> naming the generated factory.
/// </summary>
/// <typeparam name="TReturn">The template's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder<TReturn>
{
    /// <summary>Part of the async method builder pattern.</summary>
    public static CoroutineMethodBuilder<TReturn> Create() => default;

    /// <summary>Part of the async method builder pattern.</summary>
    public Coroutine<TReturn> Task => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern: refuses to run the template and names the factory to call.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => throw BuilderMessages.CalledDirectly<TStateMachine>();

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetResult(TReturn result)
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetException(Exception exception) => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => throw TemplateRunner.NeverRun();
}

internal static class BuilderMessages
{
    // The compiler names a template's state machine "<Method>d__N": recover the method for the message.
    internal static InvalidOperationException CalledDirectly<TStateMachine>()
    {
        string name = typeof(TStateMachine).Name;
        int close = name.IndexOf('>');
        string method = name.StartsWith("<", StringComparison.Ordinal) && close > 1 ? name.Substring(1, close - 1) : name;
        return new InvalidOperationException(
            $"The [Coroutine] template '{method}' is never run directly: call the generated factory '{method}(...)' (the same arguments without the Yielder) and drive the {method}Coroutine it returns.");
    }
}
