using System;
using System.ComponentModel;
using System.Diagnostics;

namespace CoroGen;

/// <summary>
/// What generated code delegates to when a template awaits a coroutine whose yield type converts implicitly to the
/// template's (or whose send type accepts the template's) by a conversion that the delegation chain cannot pass as it is
/// (numeric, nullable, boxing, user-defined; identity and reference conversions need no adapter). It is one more level
/// of the chain: each value the sub yields is converted on its way out and each sent value on its way in, <c>Throw</c> is
/// forwarded to the sub, <c>Close</c> closes the sub first (PEP 380), and the sub's result is this coroutine's result.
/// A conversion that throws closes the sub (its finally blocks run) before its exception reaches the delegator's await.
/// Generated code passes the conversions as lambdas (<c>y =&gt; y</c>), which the C# compiler compiles to the implicit
/// conversions themselves.
/// </summary>
/// <typeparam name="TYield">The delegating template's yield type.</typeparam>
/// <typeparam name="TSend">The delegating template's send type.</typeparam>
/// <typeparam name="TSubYield">The sub's yield type.</typeparam>
/// <typeparam name="TSubSend">The sub's send type.</typeparam>
/// <typeparam name="TReturn">The sub's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConvertingCoroutine<TYield, TSend, TSubYield, TSubSend, TReturn> : Coroutine<TYield, TSend, TReturn>
{
    private const int Delegating = 1;

    private readonly Coroutine<TSubYield, TSubSend, TReturn> sub;
    private readonly Func<TSubYield, TYield> convertYielded;
    private readonly Func<TSend, TSubSend> convertSent;
    private TReturn returnValue = default!;

    /// <summary>Wraps <paramref name="sub"/>; nothing runs until the delegator's <c>await</c> starts it.</summary>
    /// <param name="sub">The awaited coroutine.</param>
    /// <param name="convertYielded">Converts a value the sub yields to the delegator's yield type.</param>
    /// <param name="convertSent">Converts a value sent to the delegator to the sub's send type.</param>
    public ConvertingCoroutine(Coroutine<TSubYield, TSubSend, TReturn> sub, Func<TSubYield, TYield> convertYielded, Func<TSend, TSubSend> convertSent)
    {
        this.sub = sub ?? throw new ArgumentNullException(nameof(sub), "A template awaited a null coroutine.");
        this.convertYielded = convertYielded ?? throw new ArgumentNullException(nameof(convertYielded));
        this.convertSent = convertSent ?? throw new ArgumentNullException(nameof(convertSent));
    }

    /// <inheritdoc/>
    [StackTraceHidden] // machinery between two templates' frames, not a template of its own
    protected override bool Resume()
    {
        bool yielded;
        if (state != Delegating)
        {
            // The first step: start the sub (an already finished one just gives its result).
            yielded = sub.MoveNext();
        }
        else if (IsLeavingForClose())
        {
            // Close, which nothing here could catch: close the sub first; if that throws, its exception escapes.
            sub.CloseAsSub();
            return false;
        }
        else
        {
            TSend sent;
            try
            {
                sent = OnResume();
            }
            catch (CoroutineExitException)
            {
                // Close (or a thrown exit): close the sub first; if that throws, its exception replaces the exit.
                sub.CloseAsSub();
                throw;
            }
            catch (Exception exception)
            {
                // Throw: forwarded to the sub; what escapes it escapes here, to the delegator's await.
                return Settle(sub.Throw(exception));
            }

            TSubSend converted;
            try
            {
                converted = convertSent(sent);
            }
            catch
            {
                CloseSubAfterFailedConversion();
                throw;
            }

            yielded = sub.Send(converted);
        }

        return Settle(yielded);
    }

    /// <inheritdoc/>
    protected override bool CanCloseByReturn => true;

    /// <inheritdoc/>
    protected override TReturn ReadResult() => returnValue;

    /// <inheritdoc/>
    protected override void WriteResult(TReturn value) => returnValue = value;

    private bool Settle(bool yielded)
    {
        if (yielded)
        {
            TYield converted;
            try
            {
                converted = convertYielded(sub.Current);
            }
            catch
            {
                CloseSubAfterFailedConversion();
                throw;
            }

            // The resume point is stored once the value is converted: until then the body is Running, so that a failure
            // leaves this level Faulted whichever step runs it.
            return Yielded(Delegating, converted);
        }

        return Complete(sub.Result);
    }

    // A conversion threw: the conversion's exception is raised at the delegator's await, and a delegator never leaves a live
    // sub behind, so the sub (suspended where it yielded) is closed first, its finally blocks running. If closing it throws,
    // that exception replaces the conversion's (PEP 380: a failing close() propagates), as when the delegator is closed.
    [StackTraceHidden]
    private void CloseSubAfterFailedConversion() => sub.CloseAsSub();
}
