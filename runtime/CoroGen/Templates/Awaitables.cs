using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CoroGen;

// The awaitable shapes that make templates type-check. Generated classes replace every await by a state of their own,
// so in a compiled program none of these members runs; TemplateRunner gives them a meaning for reference runs.

/// <summary>What <c>co.Yield(x)</c> returns: awaiting it suspends the template; the result is the sent value.</summary>
/// <typeparam name="TSend">The type of the value sent in.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct YieldAwaitable<TSend>
{
    private readonly object source;

    internal YieldAwaitable(object source) => this.source = source;

    /// <summary>Part of the await pattern.</summary>
    public Awaiter GetAwaiter() => new(source);

    /// <summary>Part of the await pattern.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly object source;

        internal Awaiter(object source) => this.source = source;

        /// <summary>Part of the await pattern.</summary>
        public bool IsCompleted => false;

        /// <summary>Part of the await pattern.</summary>
        public TSend GetResult() => TemplateRunner.GetSent<TSend>(source);

        /// <summary>Part of the await pattern.</summary>
        public void OnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);

        /// <summary>Part of the await pattern.</summary>
        public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);
    }
}

/// <summary>What <c>co.YieldAll(items)</c> returns: awaiting it yields every element.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct YieldAllAwaitable
{
    private readonly object source;

    internal YieldAllAwaitable(object source) => this.source = source;

    internal object Source => source;

    /// <summary>Part of the await pattern.</summary>
    public Awaiter GetAwaiter() => new(source);

    /// <summary>Part of the await pattern.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly object source;

        internal Awaiter(object source) => this.source = source;

        /// <summary>Part of the await pattern.</summary>
        public bool IsCompleted => false;

        /// <summary>Part of the await pattern.</summary>
        public void GetResult() => TemplateRunner.GetSent<Unit>(source);

        /// <summary>Part of the await pattern.</summary>
        public void OnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);

        /// <summary>Part of the await pattern.</summary>
        public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);
    }
}

/// <summary>Awaiting a coroutine with no result inside a template (delegation).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter : ICriticalNotifyCompletion
{
    private readonly Coroutine coroutine;

    internal CoroutineAwaiter(Coroutine coroutine) => this.coroutine = coroutine;

    /// <summary>Part of the await pattern.</summary>
    public bool IsCompleted => false;

    /// <summary>Part of the await pattern.</summary>
    public void GetResult() => TemplateRunner.GetSent<Unit>(coroutine);

    /// <summary>Part of the await pattern.</summary>
    public void OnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);

    /// <summary>Part of the await pattern.</summary>
    public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);
}

/// <summary>Awaiting a coroutine for its result inside a template (delegation).</summary>
/// <typeparam name="TReturn">The sub-coroutine's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter<TReturn> : ICriticalNotifyCompletion
{
    private readonly Coroutine<TReturn> coroutine;

    internal CoroutineAwaiter(Coroutine<TReturn> coroutine) => this.coroutine = coroutine;

    /// <summary>Part of the await pattern.</summary>
    public bool IsCompleted => false;

    /// <summary>Part of the await pattern.</summary>
    public TReturn GetResult() => TemplateRunner.GetSent<TReturn>(coroutine);

    /// <summary>Part of the await pattern.</summary>
    public void OnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);

    /// <summary>Part of the await pattern.</summary>
    public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);
}
