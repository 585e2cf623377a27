// A trace driver for differential tests: the same script of MoveNext/Send/Throw/Close runs against a generated coroutine
// and against the oracle (TemplateOracle), and the two trace strings must be equal.
// Link it into a test project with <Compile Include="../Shared/CoroutineDriver.cs" />.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using CoroGen;

namespace CoroGen.Testing;

/// <summary>One operation of a driver script. Make them with the static members; each prints as it is written.</summary>
public abstract class CoroutineOp
{
    private protected CoroutineOp()
    {
    }

    /// <summary><c>MoveNext()</c>.</summary>
    public static CoroutineOp MoveNext { get; } = new NextOp();

    /// <summary><c>Close()</c>.</summary>
    public static CoroutineOp Close { get; } = new CloseOp();

    /// <summary><c>Send(value)</c>; <paramref name="value"/> must convert to the coroutine's send type.</summary>
    public static CoroutineOp Send<T>(T value) => new SendOp(value);

    /// <summary><c>Throw(e)</c> with a fresh exception made by <paramref name="create"/> for every run of the script.</summary>
    public static CoroutineOp Throw(Func<Exception> create) => new ThrowOp(create ?? throw new ArgumentNullException(nameof(create)));

    /// <summary><c>Throw(new TException(message))</c>, a fresh exception for every run of the script.</summary>
    public static CoroutineOp Throw<TException>(string message)
        where TException : Exception =>
        new ThrowOp(() => (Exception)Activator.CreateInstance(typeof(TException), message)!);

    /// <summary><c>Throw(new CoroutineExitException())</c>.</summary>
    public static CoroutineOp ThrowExit { get; } = new ThrowOp(() => new CoroutineExitException());

    /// <summary><c>MoveNext()</c> until it returns false or throws, at most <paramref name="limit"/> times; traced on one line.</summary>
    public static CoroutineOp Drain(int limit = 10_000) => new DrainOp(limit);

    internal abstract string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine);

    private sealed class NextOp : CoroutineOp
    {
        internal override string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine) =>
            CoroutineDriver.Outcome(coroutine, () => coroutine.MoveNext());

        public override string ToString() => "MoveNext()";
    }

    private sealed class CloseOp : CoroutineOp
    {
        internal override string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine)
        {
            try
            {
                coroutine.Close();
                return "returned";
            }
            catch (Exception e)
            {
                return "threw " + CoroutineDriver.Describe(e, null) + CoroutineDriver.CurrentIfSuspended(coroutine);
            }
        }

        public override string ToString() => "Close()";
    }

    private sealed class SendOp : CoroutineOp
    {
        private readonly object? value;

        internal SendOp(object? value) => this.value = value;

        internal override string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine)
        {
            TSend typed = value is TSend t ? t
                : value is null && default(TSend) is null ? default!
                : throw new ArgumentException($"Script error: Send({CoroutineDriver.Format(value)}) to a coroutine that takes {typeof(TSend)}.");
            return CoroutineDriver.Outcome(coroutine, () => coroutine.Send(typed));
        }

        public override string ToString() => $"Send({CoroutineDriver.Format(value)})";
    }

    private sealed class ThrowOp : CoroutineOp
    {
        private readonly Func<Exception> create;

        internal ThrowOp(Func<Exception> create) => this.create = create;

        internal override string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine)
        {
            Exception thrown = create();
            try
            {
                return CoroutineDriver.Format(coroutine.Throw(thrown)) + CoroutineDriver.CurrentIfYielded(coroutine);
            }
            catch (Exception e)
            {
                return "threw " + CoroutineDriver.Describe(e, thrown);
            }
        }

        public override string ToString() => $"Throw({CoroutineDriver.Describe(create(), null)})";
    }

    private sealed class DrainOp : CoroutineOp
    {
        private readonly int limit;

        internal DrainOp(int limit) => this.limit = limit;

        internal override string Apply<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine)
        {
            var parts = new List<string>();
            for (int i = 0; i < limit; i++)
            {
                try
                {
                    if (!coroutine.MoveNext())
                    {
                        parts.Add("false");
                        return string.Join(", ", parts);
                    }

                    parts.Add(CoroutineDriver.Format(coroutine.Current));
                }
                catch (Exception e)
                {
                    parts.Add("threw " + CoroutineDriver.Describe(e, null));
                    return string.Join(", ", parts);
                }
            }

            parts.Add($"(stopped after {limit})");
            return string.Join(", ", parts);
        }

        public override string ToString() => "Drain()";
    }
}

/// <summary>
/// Runs a script of operations against a coroutine and returns a trace: one line per operation with its outcome (the
/// returned bool and <c>Current</c>, or the exception's type and message), the state after it and any side effects the
/// body logged meanwhile, then a final line with the state, <c>Result</c> and <c>Current</c>.
/// </summary>
/// <example>
/// <code>
/// string trace = CoroutineDriver.Trace(TemplateOracle.Run&lt;int?, int&gt;(co => Examples.Maximum(co)),
///     CoroutineOp.MoveNext, CoroutineOp.Send(3), CoroutineOp.Throw&lt;InvalidOperationException&gt;("boom"), CoroutineOp.Close);
/// // MoveNext() -> true, Current=null | Suspended
/// // Send(3) -> true, Current=3 | Suspended
/// // Throw(InvalidOperationException: boom) -> threw InvalidOperationException: boom (the thrown object) | Faulted
/// // Close() -> returned | Faulted
/// // end: Faulted, Result=n/a, Current=3
/// </code>
/// </example>
public static class CoroutineDriver
{
    /// <summary>Runs <paramref name="script"/> against <paramref name="coroutine"/>; see <see cref="CoroutineDriver"/>.</summary>
    public static string Trace<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine, params CoroutineOp[] script) =>
        Trace(coroutine, script, null);

    /// <summary>
    /// Makes a coroutine with a fresh side-effect log (<paramref name="create"/> passes it to the template or factory) and traces
    /// <paramref name="script"/> against it with that log. The differential form:
    /// <c>Assert.Equal(Trace(log =&gt; TemplateOracle.Run&lt;int&gt;(co =&gt; T.M(log, co)), script), Trace(log =&gt; T.M(log), script))</c>.
    /// </summary>
    public static string Trace<TYield, TSend, TReturn>(Func<List<string>, Coroutine<TYield, TSend, TReturn>> create, params CoroutineOp[] script)
    {
        if (create is null)
        {
            throw new ArgumentNullException(nameof(create));
        }

        var log = new List<string>();
        Coroutine<TYield, TSend, TReturn> coroutine;
        try
        {
            coroutine = create(log);
        }
        catch (Exception e)
        {
            return "create -> threw " + Describe(e, null);
        }

        string created = log.Count > 0 ? "create | log: " + string.Join(", ", log) + "\n" : "";
        return created + Trace(coroutine, script, log);
    }

    /// <summary>
    /// Runs <paramref name="script"/> against <paramref name="coroutine"/>; after each operation, the entries the body added
    /// to <paramref name="log"/> (if given) are printed on the operation's line, prefixed with <c>log:</c>.
    /// </summary>
    public static string Trace<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine, IEnumerable<CoroutineOp> script, IList<string>? log)
    {
        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        var trace = new StringBuilder();
        int seen = log?.Count ?? 0;
        foreach (CoroutineOp op in script)
        {
            string outcome = op.Apply(coroutine);
            trace.Append(op).Append(" -> ").Append(outcome).Append(" | ").Append(coroutine.State);
            if (log is not null && log.Count > seen)
            {
                var added = new List<string>();
                for (int i = seen; i < log.Count; i++)
                {
                    added.Add(log[i]);
                }

                seen = log.Count;
                trace.Append(" | log: ").Append(string.Join(", ", added));
            }

            trace.Append('\n');
        }

        trace.Append("end: ").Append(coroutine.State)
            .Append(", Result=").Append(coroutine.State == CoroutineState.Completed ? Format(coroutine.Result) : "n/a")
            .Append(", Current=").Append(Format(coroutine.Current));
        return trace.ToString();
    }

    /// <summary>Formats a value the way traces do: invariant culture, <c>null</c>, quoted strings, <c>[a, b]</c> sequences.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        char c => "'" + c + "'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        Coroutine c => c.GetType().Name + "(" + c.State + ")",
        IEnumerable e => "[" + string.Join(", ", Items(e)) + "]",
        _ => value.ToString() ?? "",
    };

    internal static string Outcome<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine, Func<bool> step)
    {
        try
        {
            return Format(step()) + CurrentIfYielded(coroutine);
        }
        catch (Exception e)
        {
            return "threw " + Describe(e, null);
        }
    }

    internal static string CurrentIfYielded<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine) =>
        coroutine.State == CoroutineState.Suspended ? ", Current=" + Format(coroutine.Current) : "";

    internal static string CurrentIfSuspended<TYield, TSend, TReturn>(Coroutine<TYield, TSend, TReturn> coroutine) =>
        coroutine.State == CoroutineState.Suspended ? " (Current=" + Format(coroutine.Current) + ")" : "";

    internal static string Describe(Exception e, Exception? thrown) =>
        e.GetType().Name + ": " + e.Message + (thrown is not null && ReferenceEquals(e, thrown) ? " (the thrown object)" : "");

    private static IEnumerable<string> Items(IEnumerable e)
    {
        foreach (object? item in e)
        {
            yield return Format(item);
        }
    }
}
