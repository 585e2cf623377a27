using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using CoroGen.Templates;

namespace CoroGen;

/// <summary>
/// The base of every coroutine, and the return type of templates that produce no result.
/// Holds what does not depend on the yield, send or return types: the state and the links of a delegation chain.
/// </summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public abstract class Coroutine
{
    // Invariant: only the coroutine's own stepping code (Coroutine<TYield, TSend, TReturn>.Step) and the close fast path write it.
    private protected CoroutineState state;

    // The coroutine whose body is suspended in `await this` (PEP 380 delegation); null when nobody delegates to this one.
    internal Coroutine? delegator;

    // Set by the body (through DelegateTo) when it suspends to delegate: the trampoline primes this sub next.
    internal Coroutine? pendingSub;

    // The exception to raise at the suspension point on the next resume (Throw, Close, or a sub that failed).
    private protected Exception? pendingException;

    // How to raise pendingException when the trampoline has already captured it (an exception unwinding a deep chain);
    // null: capture it afresh at the suspension point.
    private protected ExceptionDispatchInfo? pendingDispatch;

    private protected Coroutine()
    {
    }

    /// <summary>Where the coroutine is in its life.</summary>
    /// <remarks>Every level of a delegation chain is <see cref="CoroutineState.Running"/> while the chain runs.</remarks>
    public CoroutineState State => delegator is null ? state : StateOfAwaitedLevel();

    /// <summary>True once the coroutine is <see cref="CoroutineState.Completed"/>, <see cref="CoroutineState.Faulted"/> or <see cref="CoroutineState.Closed"/>.</summary>
    public bool IsFinished => state >= CoroutineState.Completed;

    /// <summary>
    /// Closes the coroutine (Python's <c>close()</c>). Not started: it becomes Closed and nothing runs.
    /// Suspended: <see cref="CoroutineExitException"/> is raised at the suspension point, so every <c>finally</c> and
    /// <c>using</c> disposal runs once, innermost first. Finished: nothing happens.
    /// </summary>
    /// <exception cref="InvalidOperationException">The body yielded instead of finishing (it ignored the exit); it stays suspended there.</exception>
    public abstract void Close();

    /// <summary>Lets templates <c>await</c> a coroutine with no result (delegation). Generated code never calls it.</summary>
    public CoroutineAwaiter GetAwaiter() => new(this);

    /// <summary>Resumes this coroutine as one level of a delegation chain, raising <paramref name="exception"/> (if any) at its suspension point.</summary>
    /// <returns>True if it yielded or began a delegation; false if it finished.</returns>
    /// <param name="exception">The exception to raise, or null to resume normally.</param>
    /// <param name="dispatch">A capture of <paramref name="exception"/> to raise it with, or null to capture it afresh.</param>
    internal abstract bool StepLevel(Exception? exception, ExceptionDispatchInfo? dispatch = null);

    /// <summary>The type this coroutine yields, for messages.</summary>
    internal abstract Type YieldType { get; }

    /// <summary>The type this coroutine accepts from Send, for messages.</summary>
    internal abstract Type SendType { get; }

    private CoroutineState StateOfAwaitedLevel() => state == CoroutineState.Suspended && RootOfChain().state == CoroutineState.Running
        ? CoroutineState.Running
        : state;

    private Coroutine RootOfChain()
    {
        Coroutine root = this;
        while (root.delegator is not null)
        {
            root = root.delegator;
        }

        return root;
    }

    // A coroutine that another one is awaiting (a level of a delegation chain, `delegator` set) runs only through the
    // chain's root: while the chain runs, every level is running (re-entering one from inside the chain is re-entrance),
    // and while the chain is suspended, driving a level directly would desynchronise it from the root's trampoline.
    private protected InvalidOperationException AwaitedLevelCannotBeDriven() =>
        RootOfChain().state == CoroutineState.Running
            ? AlreadyRunning()
            : new InvalidOperationException(
                "The coroutine is being awaited by another coroutine (delegation): resume, throw into or close the outermost coroutine of the chain instead.");

    private protected static InvalidOperationException AlreadyRunning() =>
        new("The coroutine is already running: a coroutine cannot resume, throw into or close itself (or a coroutine that is delegating to it) from inside its own body.");
}

/// <summary>The return type of templates that produce a result of type <typeparamref name="TReturn"/>.</summary>
/// <typeparam name="TReturn">The type of the value the body returns (Python's <c>StopIteration.value</c>).</typeparam>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public abstract class Coroutine<TReturn> : Coroutine
{
    private protected TReturn result = default!;

    private protected Coroutine()
    {
    }

    /// <summary>The value the body returned.</summary>
    /// <exception cref="InvalidOperationException">The coroutine has not completed.</exception>
    public TReturn Result
    {
        get
        {
            if (state != CoroutineState.Completed)
            {
                ThrowNoResult();
            }

            return result;
        }
    }

    /// <summary>Lets templates <c>await</c> a coroutine for its result (delegation). Generated code never calls it.</summary>
    public new CoroutineAwaiter<TReturn> GetAwaiter() => new(this);

    private void ThrowNoResult() =>
        throw new InvalidOperationException($"The coroutine has no result: it is {state}. Result is available once MoveNext, Send or Throw has returned false (state Completed).");
}
