using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CoroGen.Templates;

/// <summary>
/// The async method builder of templates returning <see cref="Coroutine"/>. It lets templates compile; calling a template
/// directly throws <see cref="InvalidOperationException"/> naming the generated factory. Under the internal reference
/// runner (<c>TemplateOracle</c>, for tests) it runs the template's compiled state machine instead.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    // Null unless the template runs under TemplateOracle: then the oracle coroutine that owns this state machine.
    private IOracleBody<Unit>? body;

    /// <summary>Part of the async method builder pattern.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Part of the async method builder pattern.</summary>
    public Coroutine Task => body?.Coroutine ?? throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern: refuses to run the template and names the factory to call.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        IOracleHost host = OracleContext.Current ?? throw BuilderMessages.CalledDirectly<TStateMachine>();
        body = host.CreateBody<Unit>();
        body.Attach(stateMachine); // boxes a copy that already holds this builder's body: the body runs lazily, on MoveNext
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetResult() => (body ?? throw TemplateRunner.NeverRun()).SetResult(Unit.Value);

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetException(Exception exception) => (body ?? throw TemplateRunner.NeverRun()).SetException(exception);

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => BuilderMessages.Suspend(body, ref awaiter);

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => BuilderMessages.Suspend(body, ref awaiter);
}

/// <summary>
/// The async method builder of templates returning <see cref="Coroutine{TReturn}"/>. It lets templates compile; calling a
/// template directly throws <see cref="InvalidOperationException"/> naming the generated factory. Under the internal
/// reference runner (<c>TemplateOracle</c>, for tests) it runs the template's compiled state machine instead.
/// </summary>
/// <typeparam name="TReturn">The template's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder<TReturn>
{
    // Null unless the template runs under TemplateOracle: then the oracle coroutine that owns this state machine.
    private IOracleBody<TReturn>? body;

    /// <summary>Part of the async method builder pattern.</summary>
    public static CoroutineMethodBuilder<TReturn> Create() => default;

    /// <summary>Part of the async method builder pattern.</summary>
    public Coroutine<TReturn> Task => body?.Coroutine ?? throw TemplateRunner.NeverRun();

    /// <summary>Part of the async method builder pattern: refuses to run the template and names the factory to call.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        IOracleHost host = OracleContext.Current ?? throw BuilderMessages.CalledDirectly<TStateMachine>();
        body = host.CreateBody<TReturn>();
        body.Attach(stateMachine); // boxes a copy that already holds this builder's body: the body runs lazily, on MoveNext
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetResult(TReturn result) => (body ?? throw TemplateRunner.NeverRun()).SetResult(result);

    /// <summary>Part of the async method builder pattern.</summary>
    public void SetException(Exception exception) => (body ?? throw TemplateRunner.NeverRun()).SetException(exception);

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => BuilderMessages.Suspend(body, ref awaiter);

    /// <summary>Part of the async method builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => BuilderMessages.Suspend(body, ref awaiter);
}

internal static class BuilderMessages
{
    // An await the state machine could not complete synchronously: under the oracle, it suspends the body (a yield, or a
    // delegation to the awaited coroutine); the continuation is the body's own boxed state machine, so none is captured here.
    internal static void Suspend<TAwaiter>(IOracleBody? body, ref TAwaiter awaiter)
    {
        if (body is null)
        {
            throw TemplateRunner.NeverRun();
        }

        if (awaiter is not ITemplateAwaiter templateAwaiter)
        {
            throw new InvalidOperationException(
                $"A [Coroutine] template can only await co.Yield(...), co.YieldAll(...) and coroutines; '{typeof(TAwaiter)}' is not a suspension point.");
        }

        body.Suspend(templateAwaiter.Sub);
    }

    // The compiler names a template's state machine "<Method>d__N": recover the method for the message. A local function's
    // is "<<Outer>g__Local|0_0>d" and a lambda's "<<Outer>b__0_0>d": those are never templates (COROGEN016).
    internal static InvalidOperationException CalledDirectly<TStateMachine>()
    {
        string name = typeof(TStateMachine).Name;
        if (name.StartsWith("<<", StringComparison.Ordinal) && name.IndexOf('>') is var outerEnd && outerEnd > 2)
        {
            string outer = name.Substring(2, outerEnd - 2);
            int local = name.IndexOf(">g__", StringComparison.Ordinal);
            int localEnd = local < 0 ? -1 : name.IndexOf('|', local);
            string what = localEnd > local + 4 ? $"The local function '{name.Substring(local + 4, localEnd - local - 4)}' in '{outer}'" : $"A lambda in '{outer}'";
            return new InvalidOperationException(
                $"{what} is async and returns Coroutine, but only a method marked [Coroutine] becomes a coroutine (COROGEN016): make it a [Coroutine] method of the containing type, with a Yielder parameter, and await its call to delegate to it.");
        }

        int close = name.IndexOf('>');
        string method = name.StartsWith("<", StringComparison.Ordinal) && close > 1 ? name.Substring(1, close - 1) : name;
        return new InvalidOperationException(
            $"The [Coroutine] template '{method}' is never run directly: call the generated factory '{method}(...)' (the same arguments without the Yielder) and drive the {method}Coroutine it returns.");
    }
}
