using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CoroGen;

// The awaitable shapes that make templates type-check. Generated classes replace every await by a state of their own,
// so in a compiled program none of these members runs. Under TemplateOracle (the reference runner for tests) the
// method builders suspend at them (ITemplateAwaiter says whether the await yields or delegates) and GetResult resumes.

/// <summary>What <c>co.Yield(x)</c> returns: awaiting it suspends the template; the result is the sent value.</summary>
/// <typeparam name="TSend">The type of the value sent in.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct YieldAwaitable<TSend>
{
    private readonly object source;

    internal YieldAwaitable(object source) => this.source = source;

    /// <summary>The Yielder that made it (null for a default value).</summary>
    internal object? Source => source;

    /// <summary>Part of the await pattern.</summary>
    public Awaiter GetAwaiter() => new(source);

    /// <summary>Part of the await pattern.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Awaiter : ICriticalNotifyCompletion, ITemplateAwaiter
    {
        private readonly object source;

        internal Awaiter(object source) => this.source = source;

        /// <summary>Part of the await pattern.</summary>
        public bool IsCompleted => TemplateRunner.NotCompleted(source);

        Coroutine? ITemplateAwaiter.Sub => null;

        /// <summary>Part of the await pattern.</summary>
        public TSend GetResult() => TemplateRunner.ResumeYield<TSend>();

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
    public readonly struct Awaiter : ICriticalNotifyCompletion, ITemplateAwaiter
    {
        private readonly object source;

        internal Awaiter(object source) => this.source = source;

        /// <summary>Part of the await pattern.</summary>
        public bool IsCompleted => TemplateRunner.NotCompleted(source);

        Coroutine? ITemplateAwaiter.Sub => (Coroutine)source;

        /// <summary>Part of the await pattern.</summary>
        public void GetResult() => TemplateRunner.ResumeDelegation();

        /// <summary>Part of the await pattern.</summary>
        public void OnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);

        /// <summary>Part of the await pattern.</summary>
        public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(source, continuation);
    }
}

/// <summary>Awaiting a coroutine with no result inside a template (delegation).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter : ICriticalNotifyCompletion, ITemplateAwaiter
{
    private readonly Coroutine coroutine;

    internal CoroutineAwaiter(Coroutine coroutine) => this.coroutine = coroutine;

    /// <summary>Part of the await pattern.</summary>
    public bool IsCompleted => TemplateRunner.NotCompleted(coroutine);

    Coroutine? ITemplateAwaiter.Sub => coroutine;

    /// <summary>Part of the await pattern.</summary>
    public void GetResult() => TemplateRunner.ResumeDelegation();

    /// <summary>Part of the await pattern.</summary>
    public void OnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);

    /// <summary>Part of the await pattern.</summary>
    public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);
}

/// <summary>Awaiting a coroutine for its result inside a template (delegation).</summary>
/// <typeparam name="TReturn">The sub-coroutine's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter<TReturn> : ICriticalNotifyCompletion, ITemplateAwaiter
{
    private readonly Coroutine<TReturn> coroutine;

    internal CoroutineAwaiter(Coroutine<TReturn> coroutine) => this.coroutine = coroutine;

    /// <summary>Part of the await pattern.</summary>
    public bool IsCompleted => TemplateRunner.NotCompleted(coroutine);

    Coroutine? ITemplateAwaiter.Sub => coroutine;

    /// <summary>Part of the await pattern.</summary>
    public TReturn GetResult() => TemplateRunner.ResumeDelegation<TReturn>();

    /// <summary>Part of the await pattern.</summary>
    public void OnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);

    /// <summary>Part of the await pattern.</summary>
    public void UnsafeOnCompleted(Action continuation) => TemplateRunner.Suspend(coroutine, continuation);
}

/// <summary>
/// Implemented by the awaiters of template suspension points, so that the method builders (under
/// <c>TemplateOracle</c>) know what an await means without knowing its awaiter type.
/// </summary>
internal interface ITemplateAwaiter
{
    /// <summary>The coroutine the await delegates to (PEP 380), or null when it yields the value <c>co.Yield</c> recorded.</summary>
    Coroutine? Sub { get; }
}
