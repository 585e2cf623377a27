using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoroGen;

/// <summary>
/// A resumable coroutine with Python's generator protocol: <see cref="MoveNext"/>, <see cref="Send"/>, <see cref="Throw"/>
/// and <see cref="Coroutine.Close"/> (PEP 342), and delegation to sub-coroutines (PEP 380).
/// Generated classes derive from it and implement only <see cref="Resume"/>; every state check lives here, once.
/// </summary>
/// <typeparam name="TYield">The type of the values the coroutine yields.</typeparam>
/// <typeparam name="TSend">The type of the values <see cref="Send"/> delivers (<see cref="Unit"/> when it takes none).</typeparam>
/// <typeparam name="TReturn">The type of the value the body returns (<see cref="Unit"/> when it returns none).</typeparam>
public abstract class Coroutine<TYield, TSend, TReturn> : Coroutine<TReturn>, IEnumerator<TYield>, IEnumerable<TYield>, IDelegationLevel<TYield, TSend>
{
    private TYield current = default!;
    private TSend sent = default!;

    /// <summary>Creates a coroutine in the <see cref="CoroutineState.Created"/> state.</summary>
    protected Coroutine()
    {
    }

    /// <summary>The value most recently yielded (by this coroutine or, while it delegates, by its sub-coroutine).</summary>
    public TYield Current => current;

    object? IEnumerator.Current => current;

    internal override Type YieldType => typeof(TYield);

    internal override Type SendType => typeof(TSend);

    /// <summary>Starts the coroutine, or resumes it with <c>default(TSend)</c> (Python's <c>next()</c>).</summary>
    /// <returns>True if it yielded (the value is in <see cref="Current"/>); false if it has finished.</returns>
    public bool MoveNext()
    {
        // The hot path: a coroutine not started yet, or suspended at a resume point it recorded, that has no side object
        // (it never delegated, was awaited, thrown into or closed) runs its body directly; once user code has made a
        // CoroutineExitException, through the step that can tell one escaping (EscapingExits). A hand-written subclass that keeps its resume point elsewhere (SuspendedWithoutResumePoint)
        // takes the checked step, whose finally does not rely on OnResume having marked the body Running. Send keeps
        // `state > 0`: a coroutine not started yet refuses a value.
        if ((uint)state < (uint)SuspendedWithoutResumePoint && extras is null)
        {
            return EscapingExits.Possible ? StepWatchingExits(default!) : StepDirect(default!);
        }

        return MoveNextChecked();
    }

    /// <summary>Resumes the coroutine; the <c>await co.Yield(...)</c> it is suspended at evaluates to <paramref name="value"/>.</summary>
    /// <returns>True if it yielded again (the value is in <see cref="Current"/>); false if it has finished.</returns>
    /// <exception cref="InvalidOperationException">The coroutine has not been started with <see cref="MoveNext"/>, or is running.</exception>
    public bool Send(TSend value)
    {
        if ((uint)(state - 1) < (uint)(SuspendedWithoutResumePoint - 1) && extras is null)
        {
            return EscapingExits.Possible ? StepWatchingExits(value) : StepDirect(value);
        }

        return SendChecked(value);
    }

    /// <summary>
    /// Raises <paramref name="exception"/> at the suspension point (Python's <c>throw()</c>). Before the coroutine started it
    /// escapes at once and the coroutine is Closed; after it finished it escapes and nothing changes.
    /// </summary>
    /// <returns>True if the body caught it and yielded again; false if it caught it and finished.</returns>
    public bool Throw(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        if (IsRunning)
        {
            throw AlreadyRunning();
        }

        if (state > 0)
        {
            if (Delegator is not null)
            {
                throw AwaitedLevelCannotBeDriven();
            }

            if (exception is CoroutineExitException { IsCloseRequest: true } closeExit)
            {
                closeExit.PassedToThrow(); // an exit an earlier Close raised, kept by user code: now it is thrown, not a Close
            }

            return Drive(default!, exception);
        }

        if (state == NotStarted)
        {
            state = ClosedState;
        }

        ExceptionDispatchInfo.Throw(exception);
        return false; // unreachable
    }

    // Coroutine.Close (API.md section 3 declares it there, not virtual).
    [StackTraceHidden]
    internal sealed override void CloseCore() => CloseCore(awaited: false);

    // Closes a sub that an adapter level (ConvertingCoroutine) drives for its delegator: as Close, but a sub that yields while
    // being closed is reported as the trampoline reports one ("The sub-coroutine ignored ..."), since the delegator sees it.
    [StackTraceHidden]
    internal void CloseAsSub() => CloseCore(awaited: true);

    [StackTraceHidden]
    private void CloseCore(bool awaited)
    {
        if (IsRunning)
        {
            throw AlreadyRunning();
        }

        if (state == NotStarted)
        {
            state = ClosedState;
            return;
        }

        if (state < 0)
        {
            return; // finished
        }

        if (Delegator is not null)
        {
            throw AwaitedLevelCannotBeDriven();
        }

        if (extras?.LeafLevel is null)
        {
            try
            {
                if (TryCloseWithoutExit())
                {
                    return;
                }
            }
            catch (CoroutineExitException)
            {
                return; // a finally block raised an exit: the step left the coroutine Closed, as Close's own exit would
            }
        }

        bool yielded;
        try
        {
            yielded = Drive(default!, null, closeRequest: true);
        }
        catch (CoroutineExitException)
        {
            return; // unwound: the step left the coroutine Closed
        }

        if (yielded)
        {
            // The exit stays pending in the body, which re-raises it when it finishes: possibly out of a MoveNext/Send that
            // another body runs directly, which must then end Closed (EscapingExits).
            StopClosingThroughDelegation();
            EscapingExits.StartRecording(); // not StartWatching: that would slow every later step of the process
            throw awaited ? IgnoredExit() : IgnoredExitOnClose();
        }

        state = ClosedState;
    }

    private static InvalidOperationException IgnoredExitOnClose() => new(
        "The coroutine ignored CoroutineExitException: it yielded while being closed. It stays suspended at that yield; let the exit propagate (or return) from the code that handles it.");

    [StackTraceHidden]
    internal sealed override bool TryCloseWithoutExit()
    {
        if (extras is { PendingException: not null })
        {
            return false;
        }

        if (!IsSuspendedInCleanupRegion)
        {
            // Nothing would run: no finally, using or foreach encloses this suspension point.
            state = ClosedState;
            ReleaseAwaitedSub();
            return true;
        }

        if (!CanCloseByReturn)
        {
            return false;
        }

        CoroutineExtras x = Extras;
        x.LeavingForClose = true;
        try
        {
            if (Step(default!, null))
            {
                throw IgnoredExitOnClose(); // a resume point that CanCloseByReturn names must return: a subclass broke the contract
            }
        }
        finally
        {
            x.LeavingForClose = false;
        }

        return true;
    }

    /// <summary>Closes the coroutine (<see cref="Coroutine.Close"/>): <c>foreach</c> calls it at the end of the loop or on <c>break</c>.</summary>
    public void Dispose() => CloseCore();

    void IEnumerator.Reset() => throw new NotSupportedException("Coroutines cannot be reset; create a new one with the factory.");

    /// <summary>Returns this coroutine: like a Python generator, it is its own one-shot iterator.</summary>
    public IEnumerator<TYield> GetEnumerator() => this;

    IEnumerator IEnumerable.GetEnumerator() => this;

    // MoveNext off the hot path: starting, a delegation chain, a possibly pending exit, or a state that refuses to run.
    [StackTraceHidden]
    private bool MoveNextChecked()
    {
        if (IsRunning)
        {
            throw AlreadyRunning();
        }

        if (state > 0)
        {
            return Delegator is null ? Drive(default!, null) : throw AwaitedLevelCannotBeDriven();
        }

        return state == NotStarted && Drive(default!, null);
    }

    [StackTraceHidden]
    private bool SendChecked(TSend value)
    {
        if (IsRunning)
        {
            throw AlreadyRunning();
        }

        if (state > 0)
        {
            return Delegator is null ? Drive(value, null) : throw AwaitedLevelCannotBeDriven();
        }

        if (state == NotStarted)
        {
            throw new InvalidOperationException(
                "Cannot send a value to a coroutine that has not started: call MoveNext() first to run it to its first suspension point (PEP 342 priming). The coroutine is still usable.");
        }

        return false;
    }

    // ---- The contract with generated (and hand-written) subclasses ----

    /// <summary>
    /// Runs the body from where it is suspended (or from the top) to its next suspension point or its end.
    /// Implementations switch on <see cref="Coroutine.state"/> to find their resume point (it is <see cref="Coroutine.Running"/>
    /// on the first step, which means: from the top), call <see cref="OnResume"/> first at every resume point (it marks the body running, which is how an exception escaping it
    /// leaves the coroutine <see cref="CoroutineState.Faulted"/>), suspend with
    /// <c>return Yielded(resumePoint, value)</c> or <c>return DelegateTo(resumePoint, sub)</c>, which store the next resume
    /// point (&gt; 0) in <see cref="Coroutine.state"/> (a subclass that keeps its own may call <c>Yielded(value)</c> or
    /// <c>DelegateTo(sub)</c> and leave it: the runtime then records a generic one), and finish with <c>return false</c> or
    /// <c>return Complete(value)</c>.
    /// </summary>
    /// <returns>True when suspended; false when finished.</returns>
    protected abstract bool Resume();

    /// <summary>
    /// True when the current suspension point lies inside a <c>try</c>/<c>finally</c>, <c>catch</c>, <c>using</c> or
    /// <c>foreach</c> region, so that <see cref="Coroutine.Close"/> must resume the body; false lets Close skip it.
    /// </summary>
    protected virtual bool IsSuspendedInCleanupRegion => true;

    /// <summary>
    /// True when the current suspension point lies inside <c>finally</c>, <c>using</c> or <c>foreach</c> regions only, none
    /// of which can catch <see cref="CoroutineExitException"/> (no <c>catch (CoroutineExitException)</c>, no <c>finally</c>
    /// that suspends), and its resume point starts with <see cref="IsLeavingForClose"/>: <see cref="Coroutine.Close"/> then
    /// resumes the body to return from there instead of raising the exit.
    /// </summary>
    protected virtual bool CanCloseByReturn => false;

    /// <summary>
    /// Called first at the resume points that <see cref="CanCloseByReturn"/> names, before <see cref="OnResume"/>: true when
    /// <see cref="Coroutine.Close"/> resumed the body to leave it (the body is then <see cref="Coroutine.Running"/>, so its
    /// finally blocks run, and the generated code returns false at once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool IsLeavingForClose()
    {
        if (extras is null || !extras.LeavingForClose)
        {
            return false;
        }

        state = Running;
        extras.AwaitedSub = null; // at a delegation's resume point: the closed sub's result is never read
        return true;
    }

    /// <summary>
    /// Called first at every resume point: marks the body <see cref="Coroutine.Running"/>, then raises the pending exception
    /// (Throw, Close, a failed sub) there, or returns the sent value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected TSend OnResume()
    {
        state = Running;
        if (extras is not null && extras.PendingException is not null && TakeUnthrownPending() is { } unthrown)
        {
            throw unthrown; // its first throw, here in the body's own frame: the cheapest raise, and nothing to keep
        }

        TSend value = sent;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TSend>())
        {
            sent = default!; // do not keep the caller's object alive
        }

        return value;
    }

    /// <summary>Records <paramref name="value"/> as <see cref="Current"/>; <c>return Yielded(x)</c> suspends the body.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool Yielded(TYield value)
    {
        current = value;
        return true;
    }

    /// <summary>
    /// Suspends the body at <paramref name="resumePoint"/>, yielding <paramref name="value"/>: <c>return Yielded(Yield_Line12, x)</c>.
    /// The resume point reaches <see cref="Coroutine.state"/> only after the argument is computed, so an exception there
    /// leaves the body <see cref="Coroutine.Running"/> (its finally blocks run) and a re-entrant call from it is refused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool Yielded(int resumePoint, TYield value)
    {
        current = value;
        state = resumePoint;
        return true;
    }

    /// <summary>Records the body's result; <c>return Complete(x)</c> finishes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool Complete(TReturn value)
    {
        WriteResult(value);
        return false;
    }

    /// <summary>
    /// Suspends the body to delegate to <paramref name="sub"/> (PEP 380); <c>return DelegateTo(sub)</c>. The runtime primes the sub,
    /// passes its yields through and resumes the body when it finishes (read <c>sub.Result</c> after <see cref="OnResume"/>).
    /// </summary>
    protected bool DelegateTo(Coroutine sub)
    {
        CoroutineExtras x = Extras;
        x.StepsChecked = true;
        x.PendingSub = sub ?? throw new ArgumentNullException(nameof(sub), "A template awaited a null coroutine.");
        x.AwaitedSub = sub;
        return true;
    }

    /// <summary>
    /// Suspends the body at <paramref name="resumePoint"/> to delegate to <paramref name="sub"/>:
    /// <c>return DelegateTo(Delegate_Line12, sub)</c>; the resume point is stored last, as by <see cref="Yielded(int, TYield)"/>.
    /// </summary>
    protected bool DelegateTo(int resumePoint, Coroutine sub)
    {
        DelegateTo(sub);
        state = resumePoint;
        return true;
    }

    /// <summary>Called after <see cref="OnResume"/> at a delegation's resume point: the finished sub's result, the value of the <c>await</c>.</summary>
    protected TResult DelegationResult<TResult>()
    {
        Coroutine? sub = ReleaseAwaitedSub();
        return sub is Coroutine<TResult> typed
            ? typed.Result
            : throw new InvalidOperationException($"The awaited coroutine does not produce a {typeof(TResult)}.");
    }

    /// <summary>
    /// Called at a delegation's resume point when the await's value is unused: lets go of the finished sub, and raises, as
    /// <see cref="DelegationResult{TResult}"/> does, if the sub had already ended without a result (Faulted or Closed).
    /// </summary>
    protected void EndDelegation() => ReleaseAwaitedSub()?.EnsureCompleted();

    // Lets go of the sub the body awaited (it is finished, or being closed with the body); returns it.
    private Coroutine? ReleaseAwaitedSub()
    {
        if (extras is null)
        {
            return null;
        }

        Coroutine? sub = extras.AwaitedSub;
        extras.AwaitedSub = null;
        return sub;
    }

    /// <summary>
    /// Makes the <see cref="Yielder{TYield, TSend}"/> that stands for the template's <c>co</c> parameter in generated code: a
    /// helper method that calls <c>co.Yield(x)</c> or <c>co.YieldAll(items)</c> on it makes this coroutine yield <c>x</c> (or
    /// delegate). Generated classes of templates that pass <c>co</c> to helpers call it once and keep it in a field of their own,
    /// so that coroutines that never do carry nothing for it.
    /// </summary>
    /// <remarks>When <typeparamref name="TSend"/> is <see cref="Unit"/> it is a <see cref="Yielder{TYield}"/>, so helpers declared on either shape accept it.</remarks>
    protected Yielder<TYield, TSend> CreateChannel() => typeof(TSend) == typeof(Unit)
        ? Unsafe.As<Yielder<TYield, TSend>>(new UnitChannelYielder(this))
        : new ChannelYielder(this);

    /// <summary>Suspends at an awaited <see cref="YieldAwaitable{TSend}"/> made by a helper on the yielder from <see cref="CreateChannel"/>: the helper's <c>Yield</c> already set <see cref="Current"/>.</summary>
    protected bool YieldedThrough(YieldAwaitable<TSend> awaitable) => IsOwnChannel(awaitable.Source) ? true : throw ForeignYielder();

    /// <summary>Suspends the body at <paramref name="resumePoint"/> after a helper yielded through the yielder; the resume point is stored last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool YieldedThrough(int resumePoint, YieldAwaitable<TSend> awaitable)
    {
        if (!IsOwnChannel(awaitable.Source))
        {
            throw ForeignYielder();
        }

        state = resumePoint;
        return true;
    }

    // Whether a helper's Yield went through this coroutine's own channel: one kept from another coroutine set that one's
    // Current (its OnYield refuses it unless that coroutine is running: this one, which awaits, would then yield nothing).
    private bool IsOwnChannel(object? source) =>
        source is ChannelYielder channel ? channel.Owner == this : source is UnitChannelYielder unit && unit.Owner == this;

    private static InvalidOperationException ForeignYielder() => new(
        "A coroutine awaited a Yield made through the Yielder of another coroutine: a template suspends only through its own Yielder (its 'co' parameter). "
        + "Pass 'co' to helpers as an argument, and do not keep a Yielder in a field or a closure for later.");

    // A channel's Yield sets its owner's Current, which is right only while the owner's body runs: called on a Yielder kept
    // from another coroutine (suspended or finished), it would change that coroutine's Current behind its driver's back.
    private static void RequireRunning(Coroutine<TYield, TSend, TReturn> owner)
    {
        if (owner.state != Running)
        {
            throw new InvalidOperationException(
                "Yield was called on the Yielder of a coroutine that is not running: a Yielder belongs to the coroutine it was given to, and only that coroutine's body "
                + "can suspend through it. Pass 'co' to helpers as an argument, and do not keep a Yielder in a field or a closure for later.");
        }
    }

    /// <summary>Suspends to delegate to what a helper's <c>YieldAll</c> on the yielder from <see cref="CreateChannel"/> returned.</summary>
    protected bool DelegateTo(YieldAllAwaitable awaitable) => DelegateTo((Coroutine)awaitable.Source);

    /// <summary>Suspends the body at <paramref name="resumePoint"/> to delegate to what a helper's <c>YieldAll</c> returned; the resume point is stored last.</summary>
    protected bool DelegateTo(int resumePoint, YieldAllAwaitable awaitable) => DelegateTo(resumePoint, (Coroutine)awaitable.Source);

    // The two shapes of the channel (a Yielder<TYield> when TSend is Unit, so that helpers declared on either accept it) share
    // what a Yield or YieldAll through them does.
    private sealed class ChannelYielder : Yielder<TYield, TSend>
    {
        internal readonly Coroutine<TYield, TSend, TReturn> Owner;

        internal ChannelYielder(Coroutine<TYield, TSend, TReturn> owner) => Owner = owner;

        internal override void OnYield(TYield value) => Owner.YieldThroughChannel(value);

        internal override object OnYieldAll(IEnumerable<TYield> items) => Owner.YieldAllThroughChannel(items);
    }

    private sealed class UnitChannelYielder : Yielder<TYield>
    {
        internal readonly Coroutine<TYield, TSend, TReturn> Owner;

        internal UnitChannelYielder(Coroutine<TYield, TSend, TReturn> owner) => Owner = owner;

        internal override void OnYield(TYield value) => Owner.YieldThroughChannel(value);

        internal override object OnYieldAll(IEnumerable<TYield> items) => Owner.YieldAllThroughChannel(items);
    }

    private void YieldThroughChannel(TYield value)
    {
        RequireRunning(this);
        current = value;
    }

    private object YieldAllThroughChannel(IEnumerable<TYield> items)
    {
        RequireRunning(this);
        return new YieldAllCoroutine<TYield, TSend>(items);
    }

    // ---- Stepping and the delegation trampoline ----

    [StackTraceHidden]
    bool IDelegationLevel<TYield, TSend>.StepWithValue(TSend value) => Step(value, null);

    [StackTraceHidden]
    internal sealed override bool StepLevel(Exception? exception, ExceptionDispatchInfo? dispatch = null) => Step(default!, exception, dispatch);

    // The step of MoveNext and Send on a coroutine suspended on its own: no exception to raise, no chain to walk. Small and
    // free of catch clauses so that the JIT inlines it (with the generated Resume) into the caller; try/finally inlines.
    // An exception escaping the body leaves it Faulted: the body is Running whenever one can escape (this step marks the
    // first resume, OnResume every later one; a normal end of the step always stores another state), so the finally,
    // which runs after the body's own finally blocks, tests `state` and needs no flag of its own (two stores and a stack
    // slot less per step; the JIT also clones the finally into the normal path, where the test is a compare with the
    // state just stored). Hand-written subclasses that keep their resume point elsewhere never come here (MoveNext).
    // It is rarely an exit, whose escape ends the coroutine Closed: an exit that the runtime raised into the
    // body sets StepsChecked, which sends the coroutine to the checked Step for good, and once user code has made an exit,
    // MoveNext and Send run the checked Step (StepWatchingExits), whose filter sees the escaping exception itself. Three
    // cases can still end here with one: the step during which user code makes its first exit, a body that throws an exit
    // of Close's that user code caught and kept, and a body that resumes another one which yielded while being closed
    // (finishing that one re-raises Close's exit): EscapingExits then tells from the last exception thrown on the thread.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [StackTraceHidden]
    private bool StepDirect(TSend value)
    {
        // Inlined into a caller's loop, `this` becomes the caller's variable; if the caller assigns that variable more than
        // once (a refill branch), the JIT keeps a variable that the finally reads on the stack and reloads it at every field
        // access of the inlined body. A copy made here has a single definition, so it stays in a register.
        Coroutine<TYield, TSend, TReturn> self = this;
        if (self.state == NotStarted)
        {
            self.state = Running; // the first step: generated code sets it at every resume point; the top of the body has none
        }

        if (typeof(TSend) != typeof(Unit))
        {
            self.sent = value; // a Unit carries nothing: a coroutine that takes no values skips the store
        }

        try
        {
            bool suspended = self.Resume();
            if (!suspended)
            {
                self.state = CompletedState;
                return false;
            }

            if (self.state <= 0)
            {
                self.state = SuspendedWithoutResumePoint; // a hand-written subclass that keeps its resume point elsewhere
            }

            return self.extras is null || self.extras.PendingSub is null || self.SettleDirectStep();
        }
        finally
        {
            if (self.state == Running)
            {
                self.EndFaulted();
            }
        }
    }

    // The direct step for processes that make their own exits: the checked Step, whose filter tells an escaping exit from
    // other exceptions, without the checks for chains and pending exceptions that this coroutine cannot have.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [StackTraceHidden]
    private bool StepWatchingExits(TSend value) => Step(value, null) && (extras is null || extras.PendingSub is null || SettleDirectStep());

    // The direct step suspended to begin a delegation: prime the sub (out of line, to keep the direct step small).
    [MethodImpl(MethodImplOptions.NoInlining)]
    [StackTraceHidden]
    private bool SettleDirectStep() => Settle(this, true, null, closing: false, closeRequested: false);

    // An exception is escaping the direct step: it ends the coroutine Faulted, or Closed if it is an exit.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndFaulted() => state = EscapingExits.LastThrownIsExit ? ClosedState : FaultedState;

    // Runs this coroutine's own body once, delivering `value` or raising `exception` at the suspension point, and keeps its
    // state; exceptions leave as they are, with their stack trace, in one dispatch (the filter only looks at them).
    [StackTraceHidden]
    private bool Step(TSend value, Exception? exception, ExceptionDispatchInfo? dispatch = null, bool unthrown = false)
    {
        if (state == NotStarted)
        {
            state = Running; // generated code sets it at every resume point; the top of the body has none
        }

        sent = value;
        if (exception is not null)
        {
            CoroutineExtras x = Extras;
            x.StepsChecked = true;
            x.PendingException = exception;
            x.PendingDispatch = dispatch;
            x.PendingUnthrown = unthrown;
        }

        bool returned = false;
        bool exitEscaped = false;
        try
        {
            bool suspended = Resume();
            returned = true;
            if (suspended)
            {
                if (state <= 0)
                {
                    state = SuspendedWithoutResumePoint;
                }

                if (exception is not null && extras!.PendingSub is not null && ClosesThisLevel(exception))
                {
                    // The exit made the body delegate (a cleanup coroutine awaited in its catch or finally): it is still
                    // being closed when it resumes after the cleanup.
                    extras.ClosingThroughDelegation = true;
                }

                return true;
            }

            // The body left for Close (IsLeavingForClose), or caught an exit and returned (at once, or after awaiting a
            // cleanup coroutine: ClosingThroughDelegation): Closed if it was being closed (by Close, or as a sub of a chain
            // that an exit closes sub first, API.md section 5); a Throw of an exit into the coroutine itself has finished normally.
            if (extras is { } ended && (ended.LeavingForClose || ended.ClosingThroughDelegation))
            {
                ended.ClosingThroughDelegation = false;
                state = ClosedState;
                return false;
            }

            state = exception is not null && ClosesThisLevel(exception) ? ClosedState : CompletedState;
            return false;
        }
        catch (Exception escaped) when (IsExit(escaped, out exitEscaped))
        {
            throw; // unreachable: the filter never catches
        }
        finally
        {
            if (!returned)
            {
                if (extras is { } x)
                {
                    x.PendingException = null;
                    x.PendingDispatch = null;
                    x.ClosingThroughDelegation = false;
                }

                state = exitEscaped ? ClosedState : FaultedState;
            }
        }
    }

    // Whether `exception`, raised into this level, closes it: Close's own exit, or any exit raised into a level of a chain
    // (API.md section 5: the chain is closed sub first). A body that catches such an exit and returns ends Closed.
    private bool ClosesThisLevel(Exception exception) =>
        exception is CoroutineExitException exit && (exit.IsCloseRequest || Delegator is not null);

    // An exception filter that records whether an exit is escaping and never catches: filters run before the body's finally
    // blocks, so it must not touch `state` (those blocks test it).
    private static bool IsExit(Exception escaped, out bool exit)
    {
        exit = escaped is CoroutineExitException;
        return false;
    }

    // Resumes the innermost level with the operation, then lets the chain settle. A close request (Close) makes its exit
    // only where a level needs it raised: a chain whose levels all close by returning allocates none.
    [StackTraceHidden]
    private bool Drive(TSend value, Exception? exception, bool closeRequest = false)
    {
        Coroutine? leaf = extras?.LeafLevel;
        if (leaf is null)
        {
            if (closeRequest)
            {
                exception = CoroutineExitException.ForClose();
            }

            // A Throw of an exception that was never thrown raises it with a plain throw; TargetSite is null exactly then
            // (and cheap to read, unlike StackTrace).
            bool suspended = Step(value, exception, unthrown: exception is not null && exception.TargetSite is null);
            return suspended && extras is { PendingSub: not null } ? Settle(this, true, null, closing: false, closeRequested: false) : suspended;
        }

        extras!.ChainRunning = true;
        bool closing = closeRequest || exception is CoroutineExitException;

        // The subs of the chain are closed as Close closes them, also for an exit passed to Throw: PEP 380 closes the sub
        // (which makes its own GeneratorExit) and raises the thrown object only in the coroutine that Throw was called on.
        // Levels that need no exit raised to end are ended without one (TryCloseWithoutExit).
        bool closeRequested = closing;
        CoroutineExitException? thrownExit = closeRequest ? null : exception as CoroutineExitException;
        bool yielded = false;
        Exception? escaped = null;
        try
        {
            if (closeRequested)
            {
                if (!leaf.TryCloseWithoutExit())
                {
                    yielded = leaf.StepLevel(CoroutineExitException.ForClose());
                }
            }
            else if (exception is null)
            {
                yielded = ((IDelegationLevel<TYield, TSend>)leaf).StepWithValue(value);
            }
            else
            {
                yielded = leaf.StepLevel(exception);
            }
        }
        catch (Exception e)
        {
            escaped = e;
        }

        // An exit passed to Throw is raised as itself in this coroutine once its sub has ended without letting an exception
        // escape (as CPython raises the thrown object again after closing the sub); the levels between get Close's own.
        return Settle(leaf, yielded, escaped, closing, closeRequested, thrownExit);
    }

    // The trampoline. `level` has just run with the given outcome; walk inward (new delegations) and outward
    // (finished or failed subs) one level at a time, without recursion, until some level yields or this root finishes.
    // While closing, every level of the chain being closed is closed with Close's rules: a level that yields has ignored
    // the exit, and its delegator sees InvalidOperationException at the await; a level that ends makes its delegator see
    // the exit. Coroutines that a closing level starts to await meanwhile (`finally { await Cleanup(co); }`) are not being
    // closed: they run normally, and their delegator resumes normally when they end; if they yield, the closing level
    // that awaits them has ignored the exit.
    [MethodImpl(MethodImplOptions.NoInlining)] // the chain is the rare path: keep the direct step small enough to inline
    [StackTraceHidden]
    private bool Settle(Coroutine level, bool yielded, Exception? escaped, bool closing, bool closeRequested, CoroutineExitException? thrownExit = null)
    {
        CoroutineExtras chain = Extras;
        chain.ChainRunning = true;
        try
        {
            return SettleChain(chain, level, yielded, escaped, closing, closeRequested, thrownExit);
        }
        finally
        {
            chain.ChainRunning = false;
        }
    }

    [StackTraceHidden]
    private bool SettleChain(CoroutineExtras chain, Coroutine level, bool yielded, Exception? escaped, bool closing, bool closeRequested, CoroutineExitException? thrownExit)
    {
        // The exit raised at a delegator whose closing sub ended quietly: Close's own, made on demand (at this coroutine,
        // thrownExit instead, if Throw was given one).
        CoroutineExitException? exit = null;

        // While closing: how many levels `level` lies below the innermost level of the chain being closed (0: it is one).
        int opened = 0;

        // An exception unwinding the chain is raised again at every level's await, and each raise extends its stack
        // trace; capturing it afresh at each of n levels would cost O(n^2). After FullTraceLevels levels, every further
        // level raises it from one capture (its original trace plus the first levels), so unwinding stays O(1) per level.
        Exception? unwinding = null;
        ExceptionDispatchInfo? unwindingCapture = null;
        int unwoundLevels = 0;
        while (true)
        {
            if (escaped is null && yielded)
            {
                if (closing && level.PendingSub is null && ClosingLevel(level, opened) is var closingLevel && closingLevel != this)
                {
                    // closingLevel ignored the exit: it stays suspended where it is (with what it awaits), out of the chain.
                    // The exit stays pending in it, and finishing it later re-raises the exit, possibly out of a MoveNext/Send
                    // that another body runs directly, which must then end Closed (EscapingExits).
                    closingLevel.StopClosingThroughDelegation();
                    EscapingExits.StartRecording(); // not StartWatching: that would slow every later step of the process
                    level = closingLevel;
                    opened = 0;
                    escaped = IgnoredExit();
                }
                else if (level.PendingSub is null)
                {
                    level.StopClosingThroughDelegation(); // a level that yields a value is not being closed any more
                    if (level == this)
                    {
                        chain.LeafLevel = null;
                    }
                    else
                    {
                        chain.LeafLevel = level;
                        chain.StepsChecked = true;
                        current = ((IDelegationLevel<TYield, TSend>)level).Current;
                    }

                    return true;
                }
                else
                {
                    Coroutine sub = level.PendingSub;
                    level.TakePendingSub();
                    escaped = CheckCanDelegate(level, sub);
                    if (escaped is null && !sub.IsFinished)
                    {
                        sub.Delegator = level;
                        level = sub;
                        if (closing)
                        {
                            opened++;
                        }

                        try
                        {
                            yielded = ((IDelegationLevel<TYield, TSend>)sub).StepWithValue(default!);
                        }
                        catch (Exception e)
                        {
                            escaped = e;
                        }

                        continue;
                    }

                    // The sub had already finished (its Result is read at the await) or cannot be awaited: resume the delegator now.
                    escaped = StepCatching(level, escaped, out yielded);
                    continue;
                }
            }

            if (level == this)
            {
                chain.LeafLevel = null;
                if (escaped is not null)
                {
                    ExceptionDispatchInfo.Throw(escaped);
                }

                return false;
            }

            Coroutine parent = level.Delegator!;
            level.Delegator = null;
            if (opened > 0)
            {
                opened--; // a coroutine awaited during the close ended: its delegator resumes normally
            }
            else if (closing && parent == this && thrownExit is not null && escaped is null or CoroutineExitException)
            {
                // The sub was closed (quietly, or by letting its exit escape, which its Close absorbs): the exit passed to
                // Throw is raised as itself where Throw was called.
                escaped = thrownExit;
            }
            else if (escaped is null && closing)
            {
                if (closeRequested && TryCloseCatching(parent, out escaped))
                {
                    // The delegator ended without the exit; `escaped` is what its finally blocks raised, if anything.
                    level = parent;
                    yielded = false;
                    continue;
                }
                else
                {
                    escaped = exit ??= CoroutineExitException.ForClose();
                }
            }

            level = parent;

            ExceptionDispatchInfo? capture = null;
            if (escaped is not null)
            {
                if (!ReferenceEquals(escaped, unwinding))
                {
                    unwinding = escaped;
                    unwindingCapture = null;
                    unwoundLevels = 0;
                }

                if (++unwoundLevels > FullTraceLevels)
                {
                    capture = unwindingCapture ??= ExceptionDispatchInfo.Capture(escaped);
                }
            }

            escaped = StepCatching(level, escaped, out yielded, capture);
        }
    }

    // The level of the chain being closed that `level` (opened levels below it) runs for.
    private static Coroutine ClosingLevel(Coroutine level, int opened)
    {
        for (; opened > 0; opened--)
        {
            level = level.Delegator!;
        }

        return level;
    }

    [StackTraceHidden]
    private static bool TryCloseCatching(Coroutine level, out Exception? escaped)
    {
        escaped = null;
        try
        {
            return level.TryCloseWithoutExit();
        }
        catch (Exception e)
        {
            escaped = e;
            return true;
        }
    }

    // How many levels of a delegation chain an unwinding exception's stack trace records in full.
    private const int FullTraceLevels = 64;

    [StackTraceHidden]
    private static Exception? StepCatching(Coroutine level, Exception? raise, out bool yielded, ExceptionDispatchInfo? capture = null)
    {
        try
        {
            yielded = level.StepLevel(raise, capture);
            return null;
        }
        catch (Exception e)
        {
            yielded = false;
            return e;
        }
    }

    private Exception? CheckCanDelegate(Coroutine delegatingLevel, Coroutine sub)
    {
        if (sub is not IDelegationLevel<TYield, TSend>)
        {
            return new InvalidOperationException(
                $"Cannot delegate to a coroutine that yields {sub.YieldType} and takes {sub.SendType} from a chain that yields {typeof(TYield)} and sends {typeof(TSend)}. "
                + "A coroutine awaited as Coroutine or Coroutine<TReturn> must yield and take the chain's types (or convert to them by reference); "
                + "if its types convert to the chain's by a conversion that changes the value (int to long, to a nullable, a user-defined one), "
                + "await it as Coroutine<TYield, TSend, TReturn> or through its template's call, where the generator converts them.");
        }

        if (sub == delegatingLevel || sub.State == CoroutineState.Running || sub.Delegator is not null)
        {
            return new InvalidOperationException(
                "The awaited coroutine is already running or already being awaited by another coroutine; a coroutine can be delegated to from one place at a time.");
        }

        return null;
    }

    private static InvalidOperationException IgnoredExit() =>
        new("The sub-coroutine ignored CoroutineExitException: it yielded while being closed.");

    // The pending exception, taken, if it has never been thrown (OnResume throws it in place); otherwise raises it here,
    // with the trace it already has or from the trampoline's capture.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [StackTraceHidden]
    private Exception? TakeUnthrownPending()
    {
        CoroutineExtras x = extras!;
        Exception exception = x.PendingException!;
        ExceptionDispatchInfo? dispatch = x.PendingDispatch;
        bool unthrown = x.PendingUnthrown;
        x.PendingException = null;
        x.PendingDispatch = null;
        x.PendingUnthrown = false;
        if (unthrown && dispatch is null)
        {
            return exception;
        }

        if (dispatch is not null)
        {
            dispatch.Throw();
        }

        ExceptionDispatchInfo.Throw(exception);
        return null; // unreachable
    }
}

/// <summary>One level of a delegation chain, seen by the root: what it yields and how to send to it. Variant, so that a sub
/// yielding <c>string</c> can serve a root yielding <c>object</c> without an adapter.</summary>
internal interface IDelegationLevel<out TYield, in TSend>
{
    TYield Current { get; }

    bool StepWithValue(TSend value);
}
