using System;
using System.Runtime.CompilerServices;

namespace CoroGen.Benchmarks.AsyncBuilder;

// What a C# developer writes without CoroGen to get send()-style coroutines: let the C# compiler lower an async method,
// give it a custom task-like type (AsyncCoroutine) with its own AsyncMethodBuilder, and make `await co.Yield(x)` an
// awaitable that never completes synchronously and hands its continuation to the channel. Send stores the value and
// invokes the continuation; the body runs to its next Yield, which records Current and hands the continuation back.
// Minimal but not naive: the state machine is boxed once (on the first await) and the continuation delegate is made
// once, so steady-state Send allocates nothing.

/// <summary>The task-like return type of an async-builder coroutine: just "has it finished, and how".</summary>
[AsyncMethodBuilder(typeof(AsyncCoroutineBuilder))]
public sealed class AsyncCoroutine
{
    public bool IsCompleted { get; internal set; }

    public Exception? Exception { get; internal set; }

    // The boxed state machine's MoveNext, made on the first await and reused by every later one.
    internal Action? MoveNextAction;
}

public struct AsyncCoroutineBuilder
{
    private AsyncCoroutine task;

    public static AsyncCoroutineBuilder Create() => new() { task = new AsyncCoroutine() };

    public AsyncCoroutine Task => task;

    // Runs the body at once up to its first Yield (this plays the priming next()).
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => stateMachine.MoveNext();

    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    public void SetResult() => task.IsCompleted = true;

    public void SetException(Exception exception)
    {
        task.Exception = exception;
        task.IsCompleted = true;
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.OnCompleted(GetMoveNext(ref stateMachine));

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.UnsafeOnCompleted(GetMoveNext(ref stateMachine));

    private Action GetMoveNext<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (task.MoveNextAction is { } action)
        {
            return action;
        }

        // First await: box the state machine (a struct in Release builds) once; the box holds this builder's copy,
        // whose task field is the same object, and every later resume runs inside the box.
        IAsyncStateMachine boxed = stateMachine;
        return task.MoveNextAction = boxed.MoveNext;
    }
}

/// <summary>The coroutine's channel: <c>await co.Yield(x)</c> suspends; the driver calls <see cref="Send"/> / <see cref="Throw"/>.</summary>
public sealed class AsyncYielder<TYield, TSend>
{
    private Action? continuation;
    private TSend sent = default!;
    private Exception? pending;

    public TYield Current { get; private set; } = default!;

    public AsyncCoroutine? Body { get; private set; }

    /// <summary>Starts <paramref name="body"/> (made by calling the async method with this yielder): it runs to its first Yield.</summary>
    public AsyncYielder<TYield, TSend> Run(Func<AsyncYielder<TYield, TSend>, AsyncCoroutine> body)
    {
        Body = body(this);
        return this;
    }

    public YieldAwaiter Yield(TYield value)
    {
        Current = value;
        return new YieldAwaiter(this);
    }

    /// <summary>Resumes the body; the pending <c>await co.Yield(...)</c> evaluates to <paramref name="value"/>. True if it yielded again.</summary>
    public bool Send(TSend value)
    {
        sent = value;
        return Resume();
    }

    /// <summary>Raises <paramref name="exception"/> at the pending <c>await</c>. True if the body caught it and yielded again.</summary>
    public bool Throw(Exception exception)
    {
        pending = exception;
        return Resume();
    }

    private bool Resume()
    {
        Action? next = continuation ?? throw new InvalidOperationException("The coroutine is not suspended.");
        continuation = null;
        next();
        if (Body!.Exception is { } failed)
        {
            throw failed;
        }

        return !Body.IsCompleted;
    }

    public readonly struct YieldAwaiter : INotifyCompletion
    {
        private readonly AsyncYielder<TYield, TSend> owner;

        internal YieldAwaiter(AsyncYielder<TYield, TSend> owner) => this.owner = owner;

        public YieldAwaiter GetAwaiter() => this;

        public bool IsCompleted => false;

        public void OnCompleted(Action continuation) => owner.continuation = continuation;

        public TSend GetResult()
        {
            if (owner.pending is { } exception)
            {
                owner.pending = null;
                throw exception;
            }

            TSend value = owner.sent;
            owner.sent = default!;
            return value;
        }
    }
}

/// <summary>The benchmark workloads as async-builder coroutines.</summary>
public static class AsyncTemplates
{
    public static async AsyncCoroutine Maximum(AsyncYielder<int?, int> co)
    {
        int? maxi = null;
        while (true)
        {
            int n = await co.Yield(maxi);
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    public static async AsyncCoroutine Catcher(AsyncYielder<int, int> co)
    {
        int caught = 0;
        while (true)
        {
            try
            {
                await co.Yield(caught);
            }
            catch (InvalidOperationException)
            {
                caught++;
            }
        }
    }
}
