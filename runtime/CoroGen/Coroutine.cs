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
    // ---- The state field, shared with generated code ----
    // One int says both where the body is suspended and where the coroutine is in its life, so that a step reads and writes
    // one field: 0 before the first step; a resume point (> 0) while suspended, numbered by the generated class; Running
    // while the body runs (generated code stores it first thing at every resume point, through OnResume); and the
    // negative end states below once it has finished.

    /// <summary>The value of <see cref="state"/> before the first step (<see cref="CoroutineState.Created"/>).</summary>
    protected const int NotStarted = 0;

    /// <summary>The value of <see cref="state"/> while the body runs (<see cref="CoroutineState.Running"/>).</summary>
    protected const int Running = -1;

    private protected const int CompletedState = -2;
    private protected const int FaultedState = -3;
    private protected const int ClosedState = -4;

    // A coroutine whose Resume suspended without recording a resume point (hand-written subclasses keep their own).
    private protected const int SuspendedWithoutResumePoint = int.MaxValue;

    /// <summary>
    /// Where the coroutine is: <see cref="NotStarted"/>, a resume point (&gt; 0, numbered by the subclass) while suspended,
    /// <see cref="Running"/> while the body runs, or a negative end state. Generated code stores the resume point just before
    /// it suspends and switches on it when resumed; every other write belongs to the runtime.
    /// </summary>
    protected int state;

    // What few coroutines need (delegation links, an exception to raise); made on first use, so that
    // a coroutine that only yields and receives values carries one null reference for all of it.
    private protected CoroutineExtras? extras;

    private protected Coroutine()
    {
    }

    /// <summary>Where the coroutine is in its life.</summary>
    /// <remarks>Every level of a delegation chain is <see cref="CoroutineState.Running"/> while the chain runs.</remarks>
    public CoroutineState State => extras is null ? LifeOf(state)
        : extras.ChainRunning ? CoroutineState.Running
        : extras.Delegator is null ? LifeOf(state)
        : StateOfAwaitedLevel();

    // True while this coroutine's body, or the delegation chain it is the root of, runs.
    private protected bool IsRunning => state == Running || (extras is not null && extras.ChainRunning);

    /// <summary>True once the coroutine is <see cref="CoroutineState.Completed"/>, <see cref="CoroutineState.Faulted"/> or <see cref="CoroutineState.Closed"/>.</summary>
    public bool IsFinished => state <= CompletedState;

    /// <summary>
    /// Closes the coroutine (Python's <c>close()</c>). Not started: it becomes Closed and nothing runs.
    /// Suspended: <see cref="CoroutineExitException"/> is raised at the suspension point, so every <c>finally</c> and
    /// <c>using</c> disposal runs once, innermost first. Finished: nothing happens.
    /// </summary>
    /// <remarks>
    /// Where no enclosing handler could catch the exit (no <c>catch (CoroutineExitException)</c> and no <c>finally</c> that
    /// suspends), the generated code leaves the suspension point by returning instead, which runs the same blocks in the same
    /// order without making or throwing the exception: such a Close costs about as much as disposing a C# iterator.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The body yielded instead of finishing (it ignored the exit); it stays suspended there.</exception>
    public void Close() => CloseCore(); // not virtual, as API.md section 3 declares it: the one implementation is in Coroutine<TYield, TSend, TReturn>

    /// <summary>The implementation of <see cref="Close"/>.</summary>
    internal abstract void CloseCore();

    /// <summary>Lets templates <c>await</c> a coroutine with no result (delegation). Generated code never calls it.</summary>
    public CoroutineAwaiter GetAwaiter() => new(this);

    /// <summary>Resumes this coroutine as one level of a delegation chain, raising <paramref name="exception"/> (if any) at its suspension point.</summary>
    /// <returns>True if it yielded or began a delegation; false if it finished.</returns>
    /// <param name="exception">The exception to raise, or null to resume normally.</param>
    /// <param name="dispatch">A capture of <paramref name="exception"/> to raise it with, or null to capture it afresh.</param>
    internal abstract bool StepLevel(Exception? exception, ExceptionDispatchInfo? dispatch = null);

    /// <summary>
    /// Ends this suspended level for Close without raising its exit, when nothing at its suspension point could see the exit:
    /// marks it Closed if no cleanup region encloses the point, or resumes it to return from there through its finally blocks.
    /// An exception that a finally block raises escapes (the level is then Faulted, or Closed for an exit).
    /// </summary>
    /// <returns>True when the level has ended; false when the exit must be raised in it.</returns>
    internal abstract bool TryCloseWithoutExit();

    /// <summary>The type this coroutine yields, for messages.</summary>
    internal abstract Type YieldType { get; }

    /// <summary>The type this coroutine accepts from Send, for messages.</summary>
    internal abstract Type SendType { get; }

    internal CoroutineExtras Extras => extras ??= new CoroutineExtras();

    // The coroutine awaiting this one (delegation), or null.
    internal Coroutine? Delegator
    {
        get => extras?.Delegator;
        set
        {
            if (value is not null || extras is not null)
            {
                CoroutineExtras x = Extras;
                x.Delegator = value;
                x.StepsChecked |= value is not null;
            }
        }
    }

    // The sub this one's body just suspended to delegate to, for the trampoline to prime next; or null.
    internal Coroutine? PendingSub => extras?.PendingSub;

    internal void TakePendingSub() => extras!.PendingSub = null;

    // This level yielded a value, or ignored the exit that was closing it: it is no longer being closed (ClosingThroughDelegation).
    internal void StopClosingThroughDelegation()
    {
        if (extras is { ClosingThroughDelegation: true } x)
        {
            x.ClosingThroughDelegation = false;
        }
    }

    private protected static CoroutineState LifeOf(int state) => state switch
    {
        > 0 => CoroutineState.Suspended,
        NotStarted => CoroutineState.Created,
        Running => CoroutineState.Running,
        CompletedState => CoroutineState.Completed,
        FaultedState => CoroutineState.Faulted,
        _ => CoroutineState.Closed,
    };

    private CoroutineState StateOfAwaitedLevel() => state > 0 && RootOfChain().IsRunning
        ? CoroutineState.Running
        : LifeOf(state);

    private Coroutine RootOfChain()
    {
        Coroutine root = this;
        while (root.Delegator is { } outer)
        {
            root = outer;
        }

        return root;
    }

    // A coroutine that another one is awaiting (a level of a delegation chain, `Delegator` set) runs only through the
    // chain's root: while the chain runs, every level is running (re-entering one from inside the chain is re-entrance),
    // and while the chain is suspended, driving a level directly would desynchronise it from the root's trampoline.
    private protected InvalidOperationException AwaitedLevelCannotBeDriven() =>
        RootOfChain().IsRunning
            ? AlreadyRunning()
            : new InvalidOperationException(
                "The coroutine is being awaited by another coroutine (delegation): resume, throw into or close the outermost coroutine of the chain instead.");

    private protected static InvalidOperationException AlreadyRunning() =>
        new("The coroutine is already running: a coroutine cannot resume, throw into or close itself (or a coroutine that is delegating to it) from inside its own body, "
            + "and it is not thread-safe: drive each coroutine from one thread at a time.");

    /// <summary>
    /// Raises what reading <c>Result</c> raises when the coroutine did not complete: an awaited sub that had already ended
    /// Faulted or Closed has no result, whether or not the <c>await</c>'s value is used (<c>await sub;</c> as a statement).
    /// </summary>
    internal void EnsureCompleted()
    {
        if (state != CompletedState)
        {
            ThrowNoResult();
        }
    }

    private protected void ThrowNoResult() =>
        throw new InvalidOperationException($"The coroutine has no result: it is {State}. Result is available once MoveNext, Send or Throw has returned false (state Completed).");
}

/// <summary>
/// The fields of a coroutine that only delegation and <c>Throw</c>/<c>Close</c> use: kept out of the
/// coroutine object so that a plain suspended coroutine is as small as the C# compiler's iterator with the same locals.
/// </summary>
internal sealed class CoroutineExtras
{
    // The coroutine whose body is suspended in `await this` (PEP 380 delegation); null when nobody delegates to this one.
    internal Coroutine? Delegator;

    // Set by the body (through DelegateTo) when it suspends to delegate: the trampoline primes this sub next.
    internal Coroutine? PendingSub;

    // The sub most recently delegated to, kept until the body reads its result at the await.
    internal Coroutine? AwaitedSub;

    // On a root: the innermost coroutine of its active delegation chain, resumed directly so that a step costs O(1)
    // at any depth. Null when the root is not delegating.
    internal Coroutine? LeafLevel;

    // The exception to raise at the suspension point on the next resume (Throw, Close, or a sub that failed).
    internal Exception? PendingException;

    // How to raise PendingException when the trampoline has already captured it (an exception unwinding a deep chain);
    // null: raise it as it is.
    internal ExceptionDispatchInfo? PendingDispatch;

    // Set for good once the coroutine delegates, is awaited, or has an exception raised into it (Throw, Close): it then
    // always takes the checked step, which walks delegation chains and can tell an escaping exit from other exceptions
    // (an exit raised into the body may still be pending in it).
    internal bool StepsChecked;

    // The result of a subclass that does not keep it in a field of its own (Coroutine<TReturn>.WriteResult).
    internal object? Result;

    // On a root: true while the trampoline runs its delegation chain (its own state keeps the resume point of the await).
    internal bool ChainRunning;

    // PendingException has never been thrown: raise it with a plain throw (no stack trace to keep, and the cheapest raise).
    internal bool PendingUnthrown;

    // Set while Close resumes a body suspended where no handler can catch the exit (CanCloseByReturn): the resume point
    // returns instead of raising it (IsLeavingForClose), and the step ends Closed. It lives here, not in the coroutine,
    // because a bool there would take the padding after `state` that the generated class's first int field fills.
    internal bool LeavingForClose;

    // Set when an exit that closes this level (Close's, or any exit raised into a level of a chain: see Step) made its body
    // suspend to delegate (`catch (CoroutineExitException) { await Cleanup(co); return 8; }`): the level is still being
    // closed while that cleanup runs, so a body that returns once it is over ends Closed, as one that returns at once does.
    // Cleared when the step that returns, or fails, ends, and when the level yields a value instead (it ignored the exit).
    internal bool ClosingThroughDelegation;
}

/// <summary>The return type of templates that produce a result of type <typeparamref name="TReturn"/>.</summary>
/// <typeparam name="TReturn">The type of the value the body returns (Python's <c>StopIteration.value</c>).</typeparam>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public abstract class Coroutine<TReturn> : Coroutine
{
    // No result field here: most coroutines return nothing (Unit), and even an empty struct field costs the object a
    // word. Generated classes of templates that return a value keep it in a field of their own (ReadResult/WriteResult).

    private protected Coroutine()
    {
    }

    /// <summary>The value the body returned.</summary>
    /// <exception cref="InvalidOperationException">The coroutine has not completed.</exception>
    public TReturn Result
    {
        get
        {
            if (state != CompletedState)
            {
                ThrowNoResult();
            }

            return ReadResult();
        }
    }

    /// <summary>Reads the value the body returned. Generated classes of templates with a result override both methods with a field.</summary>
    /// <returns>The stored result; <c>default</c> when none was stored.</returns>
    protected virtual TReturn ReadResult() => extras?.Result is TReturn stored ? stored : default!;

    /// <summary>Stores the value the body returned (once, when it completes). By default it goes to the side object, boxed; nothing is kept for <see cref="Unit"/>.</summary>
    /// <param name="value">The body's result.</param>
    protected virtual void WriteResult(TReturn value)
    {
        if (typeof(TReturn) != typeof(Unit))
        {
            Extras.Result = value;
        }
    }

    /// <summary>Lets templates <c>await</c> a coroutine for its result (delegation). Generated code never calls it.</summary>
    public new CoroutineAwaiter<TReturn> GetAwaiter() => new(this);
}
