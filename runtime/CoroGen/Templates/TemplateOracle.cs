using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoroGen.Templates;

/// <summary>
/// The reference runner for differential tests: runs a <c>[Coroutine]</c> template through the C# compiler's own async
/// lowering (its state machine, driven by <see cref="CoroutineMethodBuilder"/>) and returns it as a real
/// <see cref="Coroutine{TYield, TSend, TReturn}"/>, so that the same driver script can run against the generated class and
/// against this oracle and the two traces can be compared.
/// </summary>
/// <remarks>
/// <para>
/// How it works. <c>Run</c> calls the template delegate with an oracle <see cref="Yielder{TYield, TSend}"/> while an
/// <see cref="OracleContext"/> is active on the thread. The builder's <c>Start</c> then does not run the state machine:
/// it wraps it in an <see cref="OracleCoroutine{TYield, TSend, TReturn}"/> (state Created, like a factory's result), and
/// the template call returns that object. Each <c>Resume</c> of the oracle coroutine runs the state machine's
/// <c>MoveNext</c> with itself as the thread's current oracle, to its next await or its end:
/// <list type="bullet">
/// <item><c>co.Yield(x)</c> records <c>x</c> on the running body; awaiting it suspends with <c>Yielded(x)</c>.</item>
/// <item>Awaiting a coroutine, or <c>co.YieldAll(items)</c> (a <see cref="YieldAllCoroutine{TYield, TSend}"/>), suspends
/// with <c>DelegateTo(sub)</c>: the runtime's own PEP 380 trampoline drives the sub, exactly as for generated classes.
/// A template called inside a body (<c>await CountDown(3, co)</c>) makes its own lazy oracle coroutine the same way.</item>
/// <item>The awaiter's <c>GetResult</c>, the first thing the state machine does when resumed, calls <c>OnResume</c>: it
/// raises a pending Throw/Close exception at the await, or returns the sent value (or, after a delegation, the sub's result).</item>
/// <item><c>SetResult</c> completes the body; <c>SetException</c> makes <c>Resume</c> rethrow the same exception object,
/// with its stack trace kept.</item>
/// </list>
/// Everything else — state checks, Send before start, Throw/Close before start, Close's "ignored the exit" rule, a
/// pending exit after a <c>finally</c> that yielded, re-entrancy — is the runtime base class, shared with generated code.
/// </para>
/// <para>
/// KNOWN DIFFERENCE from API.md (section 4): in a generated class, a catch clause that does not name
/// <see cref="CoroutineExitException"/> (a bare <c>catch</c>, <c>catch (Exception)</c>) does not intercept it, as Python's
/// <c>except Exception</c> does not intercept <c>GeneratorExit</c>. The compiler's lowering of the template cannot know
/// that rule, so under the oracle such catches DO intercept the exit raised by <c>Close()</c> or
/// <c>Throw(new CoroutineExitException())</c>. Tests that close a coroutine suspended inside such a try must not
/// compare the two traces, or must say where they differ.
/// </para>
/// <para>
/// Smaller gaps: the value a yield await produces is the one most recently passed to <c>co.Yield</c> by the running body
/// (a template that stores an unawaited <c>co.Yield(a)</c>, calls <c>co.Yield(b)</c> and then awaits the first yields
/// <c>b</c>); <c>await</c> on a null coroutine throws <see cref="NullReferenceException"/> here (not
/// <see cref="ArgumentNullException"/>); an await of anything that is not a CoroGen suspension point and is not already
/// complete raises <see cref="InvalidOperationException"/> at the await instead of being a compile-time diagnostic;
/// recursion depth is bounded by the call stack only through the runtime trampoline, as for generated classes.
/// </para>
/// </remarks>
internal static class TemplateOracle
{
    /// <summary>Runs a template that takes a <see cref="Yielder{TYield, TSend}"/> and returns <see cref="Coroutine{TReturn}"/>.</summary>
    /// <param name="template">Calls the template with the given yielder, e.g. <c>co =&gt; Examples.CountDown(3, co)</c>. It runs now (the
    /// template's other arguments are evaluated now, as a factory call's would be); the body runs on the first <c>MoveNext</c>.</param>
    public static Coroutine<TYield, TSend, TReturn> Run<TYield, TSend, TReturn>(Func<Yielder<TYield, TSend>, Coroutine<TReturn>> template)
    {
        if (template is null)
        {
            throw new ArgumentNullException(nameof(template));
        }

        return Start<TYield, TSend, TReturn>(co => template(co));
    }

    /// <summary>Runs a template that takes a <see cref="Yielder{TYield, TSend}"/> and returns <see cref="Coroutine"/> (no result).</summary>
    /// <param name="template">Calls the template with the given yielder, e.g. <c>co =&gt; Examples.Maximum(co)</c>.</param>
    public static Coroutine<TYield, TSend, Unit> Run<TYield, TSend>(Func<Yielder<TYield, TSend>, Coroutine> template)
    {
        if (template is null)
        {
            throw new ArgumentNullException(nameof(template));
        }

        return Start<TYield, TSend, Unit>(template);
    }

    /// <summary>Runs a template that takes a <see cref="Yielder{TYield}"/> (no sent values) and returns <see cref="Coroutine{TReturn}"/>.</summary>
    /// <param name="template">Calls the template with the given yielder, e.g. <c>co =&gt; Examples.CountDown(3, co)</c>.</param>
    public static Coroutine<TYield, Unit, TReturn> Run<TYield, TReturn>(Func<Yielder<TYield>, Coroutine<TReturn>> template)
    {
        if (template is null)
        {
            throw new ArgumentNullException(nameof(template));
        }

        return Start<TYield, Unit, TReturn>(co => template((Yielder<TYield>)co));
    }

    /// <summary>Runs a template that takes a <see cref="Yielder{TYield}"/> (no sent values) and returns <see cref="Coroutine"/> (no result).</summary>
    /// <param name="template">Calls the template with the given yielder, e.g. <c>co =&gt; Examples.Fibonacci(5, co)</c>.</param>
    public static Coroutine<TYield, Unit, Unit> Run<TYield>(Func<Yielder<TYield>, Coroutine> template)
    {
        if (template is null)
        {
            throw new ArgumentNullException(nameof(template));
        }

        return Start<TYield, Unit, Unit>(co => template((Yielder<TYield>)co));
    }

    private static Coroutine<TYield, TSend, TReturn> Start<TYield, TSend, TReturn>(Func<Yielder<TYield, TSend>, Coroutine> template)
    {
        // When nothing is sent, the yielder is a Yielder<TYield>, so templates declared with either shape accept it.
        Yielder<TYield, TSend> yielder = typeof(TSend) == typeof(Unit)
            ? (Yielder<TYield, TSend>)(object)new OracleYielder<TYield>()
            : new OracleYielder<TYield, TSend>();

        var host = new OracleHost<TYield, TSend>();
        Coroutine coroutine;
        IOracleHost? saved = OracleContext.Enter(host);
        try
        {
            coroutine = template(yielder);
        }
        finally
        {
            OracleContext.Exit(saved);
        }

        if (coroutine is Coroutine<TYield, TSend, TReturn> typed && coroutine is IOracleBody && host.Created(coroutine))
        {
            return typed;
        }

        throw new InvalidOperationException(
            $"The delegate given to TemplateOracle.Run must call a [Coroutine] template with the yielder it receives and return what the template returns (a coroutine yielding {typeof(TYield)}, taking {typeof(TSend)} and returning {typeof(TReturn)}); it returned {coroutine?.GetType().ToString() ?? "null"}.");
    }
}

/// <summary>Who makes the oracle coroutine of a template call: the thread's current oracle (a running body, or <c>Run</c> itself).</summary>
internal interface IOracleHost
{
    /// <summary>Makes the lazy oracle coroutine for a template call whose builder is starting (with the host's yield and send types).</summary>
    IOracleBody<TReturn> CreateBody<TReturn>();
}

/// <summary>The side of an oracle coroutine its template's method builder talks to.</summary>
internal interface IOracleBody
{
    /// <summary>Takes the (boxed) state machine of the template call; it first runs on the coroutine's first resume.</summary>
    void Attach(IAsyncStateMachine machine);

    /// <summary>The state machine is suspending at an await: a yield (<paramref name="sub"/> null) or a delegation to <paramref name="sub"/>.</summary>
    void Suspend(Coroutine? sub);

    /// <summary>An exception escaped the template body.</summary>
    void SetException(Exception exception);
}

/// <summary>The side of an oracle coroutine its template's method builder talks to, with the template's result type.</summary>
internal interface IOracleBody<TReturn> : IOracleBody
{
    /// <summary>What the template call returns (the builder's <c>Task</c>).</summary>
    Coroutine<TReturn> Coroutine { get; }

    /// <summary>The template body returned <paramref name="result"/>.</summary>
    void SetResult(TReturn result);
}

/// <summary>The side of a running oracle body its awaiters' <c>GetResult</c> talk to: the resume point.</summary>
internal interface IOracleResumePoint
{
    /// <summary>Resumes after a delegation whose value is unused: raises the pending exception, or lets go of the sub.</summary>
    void ResumeDelegation();

    /// <summary>Resumes after a delegation: raises the pending exception, or returns the sub's result.</summary>
    TResult ResumeDelegation<TResult>();
}

/// <summary>The resume point of a yield in a running oracle body.</summary>
internal interface IOracleResumePoint<out TSend> : IOracleResumePoint
{
    /// <summary>Resumes after a yield: raises the pending exception, or returns the sent value.</summary>
    TSend ResumeYield();
}

/// <summary>Where <c>co.Yield(x)</c> records <c>x</c>: the running oracle body.</summary>
internal interface IOracleYieldSink<in TYield>
{
    void RecordYield(TYield value);
}

/// <summary>The oracle that template code running on this thread belongs to.</summary>
internal static class OracleContext
{
    [ThreadStatic]
    private static IOracleHost? current;

    /// <summary>The running oracle body, or the <c>Run</c> that is calling a template; null outside the oracle.</summary>
    internal static IOracleHost? Current => current;

    internal static IOracleHost? Enter(IOracleHost host)
    {
        IOracleHost? saved = current;
        current = host;
        return saved;
    }

    internal static void Exit(IOracleHost? saved) => current = saved;

    internal static void RecordYield<TYield>(TYield value)
    {
        if (current is IOracleYieldSink<TYield> sink)
        {
            sink.RecordYield(value);
            return;
        }

        throw current is null
            ? TemplateRunner.NeverRun()
            : new InvalidOperationException($"co.Yield({typeof(TYield)}) was called outside the oracle body it belongs to (the running body yields another type, or no body is running).");
    }
}

/// <summary>The host while <c>TemplateOracle.Run</c> calls the template delegate.</summary>
internal sealed class OracleHost<TYield, TSend> : IOracleHost
{
    private readonly List<Coroutine> created = new();

    public IOracleBody<TReturn> CreateBody<TReturn>()
    {
        var body = new OracleCoroutine<TYield, TSend, TReturn>();
        created.Add(body);
        return body;
    }

    internal bool Created(Coroutine coroutine) => created.Contains(coroutine);
}

/// <summary>The oracle's <c>co</c> for templates that take sent values: yields go to whichever oracle body is running.</summary>
internal sealed class OracleYielder<TYield, TSend> : Yielder<TYield, TSend>
{
    internal override void OnYield(TYield value) => OracleContext.RecordYield(value);

    internal override object OnYieldAll(IEnumerable<TYield> items) => new YieldAllCoroutine<TYield, TSend>(items);
}

/// <summary>The oracle's <c>co</c> for templates that take no sent values.</summary>
internal sealed class OracleYielder<TYield> : Yielder<TYield>
{
    internal override void OnYield(TYield value) => OracleContext.RecordYield(value);

    internal override object OnYieldAll(IEnumerable<TYield> items) => new YieldAllCoroutine<TYield, Unit>(items);
}

/// <summary>
/// A template call run by the compiler's lowering: each <see cref="Resume"/> runs the template's state machine to its next
/// await (a yield or a delegation) or to its end. See <see cref="TemplateOracle"/>.
/// </summary>
internal sealed class OracleCoroutine<TYield, TSend, TReturn> : CoroutineWithResult<TYield, TSend, TReturn>,
    IOracleBody<TReturn>, IOracleHost, IOracleResumePoint<TSend>, IOracleYieldSink<TYield>
{
    private IAsyncStateMachine? machine;

    // What the last MoveNext of the state machine ended with; reset before each.
    private Outcome outcome;
    private TYield recordedYield = default!;
    private Coroutine? sub;
    private TReturn returned = default!;
    private Exception? fault;

    private enum Outcome
    {
        None,
        Yielded,
        Delegating,
        Returned,
        Faulted,
    }

    Coroutine<TReturn> IOracleBody<TReturn>.Coroutine => this;

    void IOracleBody.Attach(IAsyncStateMachine machine) => this.machine = machine;

    void IOracleBody.Suspend(Coroutine? sub)
    {
        this.sub = sub;
        outcome = sub is null ? Outcome.Yielded : Outcome.Delegating;
    }

    void IOracleBody<TReturn>.SetResult(TReturn result)
    {
        returned = result;
        outcome = Outcome.Returned;
    }

    void IOracleBody.SetException(Exception exception)
    {
        fault = exception;
        outcome = Outcome.Faulted;
    }

    // A template called while this body runs (with this body's co) makes a sibling with the same yield and send types.
    IOracleBody<TResult> IOracleHost.CreateBody<TResult>() => new OracleCoroutine<TYield, TSend, TResult>();

    void IOracleYieldSink<TYield>.RecordYield(TYield value) => recordedYield = value;

    TSend IOracleResumePoint<TSend>.ResumeYield() => OnResume();

    void IOracleResumePoint.ResumeDelegation()
    {
        OnResume();
        EndDelegation();
    }

    TResult IOracleResumePoint.ResumeDelegation<TResult>()
    {
        OnResume();
        return DelegationResult<TResult>();
    }

    /// <inheritdoc/>
    protected override bool Resume()
    {
        IAsyncStateMachine stateMachine = machine ?? throw new InvalidOperationException("The oracle coroutine has no state machine.");
        outcome = Outcome.None;
        IOracleHost? saved = OracleContext.Enter(this);
        try
        {
            stateMachine.MoveNext();
        }
        finally
        {
            OracleContext.Exit(saved);
        }

        switch (outcome)
        {
            case Outcome.Yielded:
                TYield value = recordedYield;
                recordedYield = default!;
                return Yielded(value);
            case Outcome.Delegating:
                Coroutine awaited = sub!;
                sub = null;
                return DelegateTo(awaited);
            case Outcome.Returned:
                machine = null;
                TReturn result = returned;
                returned = default!;
                return Complete(result);
            case Outcome.Faulted:
                machine = null;
                Exception exception = fault!;
                fault = null;
                ExceptionDispatchInfo.Throw(exception); // the same object, its stack trace kept
                return false; // unreachable
            default:
                throw new InvalidOperationException("The template's state machine returned without awaiting or finishing.");
        }
    }
}
