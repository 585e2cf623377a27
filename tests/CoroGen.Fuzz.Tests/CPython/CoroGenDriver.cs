using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace CoroGen.Fuzz.Tests.CPython;

/// <summary>
/// The C# side of the CPython differential: the prelude compiled with the templates, and a driver that applies
/// <see cref="DriverOp"/>s to a generated coroutine and writes the same trace lines as the Python driver in
/// <see cref="PythonBatch"/>.
/// </summary>
internal static class CoroGenDriver
{
    /// <summary>The exception types and canonical names; mirrors <see cref="PythonBatch.Prelude"/> (see the mapping there).</summary>
    public const string CSharpPrelude = """
        using System;
        using System.Collections.Generic;
        using CoroGen;

        namespace Fuzz;

        public class E1 : Exception { public E1(string message) : base(message) { } }
        public class E2 : Exception { public E2(string message) : base(message) { } }
        public class E3 : E1 { public E3(string message) : base(message) { } }

        public static class Kinds
        {
            // The same canonical names as kind(e) in the Python prelude, which documents the mapping.
            public static string Of(Exception e) => e switch
            {
                E1 or E2 => e.GetType().Name + ": " + e.Message,
                CoroutineExitException => "Exit",
                InvalidOperationException when e.Message.Contains("ignored CoroutineExitException", StringComparison.Ordinal) => "IgnoredExit",
                InvalidOperationException when e.Message.StartsWith("Cannot send a value to a coroutine that has not started", StringComparison.Ordinal) => "SendToUnstarted",
                _ => "unmapped " + e.GetType().FullName + ": " + e.Message,
            };
        }

        """;

    public const string ClassName = "Batch";

    public static string Source(IReadOnlyList<Function> functions) =>
        CSharpPrelude + "\npublic static partial class " + ClassName + "\n{\n"
        + string.Join("\n", functions.Select(f => Indent(BilingualRenderer.CSharp(f))))
        + "}\n";

    /// <summary>Runs <paramref name="script"/> on the generated factory in <paramref name="assembly"/>; one line per operation.</summary>
    public static List<string> Run(Assembly assembly, DriverScript script)
    {
        Type host = assembly.GetType("Fuzz." + ClassName, throwOnError: true)!;
        var kind = assembly.GetType("Fuzz.Kinds", throwOnError: true)!.GetMethod("Of")!.CreateDelegate<Func<Exception, string>>();
        var factory = host.GetMethod(script.Function, new[] { typeof(List<string>), typeof(int) })!
            .CreateDelegate<Func<List<string>, int, Coroutine<int>>>();
        var log = new List<string>();
        var coroutine = (Coroutine<int, int, int>)factory(log, script.Argument);
        var lines = new List<string>();
        foreach (DriverOp op in script.Ops)
        {
            int seen = log.Count;
            string outcome = op.Kind == "drain" ? Drain(coroutine, kind) : Step(coroutine, op, assembly, kind);
            string line = $"{outcome} | {State(coroutine)}";
            if (log.Count > seen)
            {
                line += " | log: " + string.Join(", ", log.Skip(seen));
            }

            lines.Add(line);
        }

        return lines;
    }

    private static string Drain(Coroutine<int, int, int> coroutine, Func<Exception, string> kind)
    {
        var outcomes = new List<string>();
        for (int i = 0; i < DriverOp.DrainLimit; i++)
        {
            outcomes.Add(Step(coroutine, DriverOp.Next, null, kind));
            if (!outcomes[^1].StartsWith("yield ", StringComparison.Ordinal))
            {
                break;
            }
        }

        return string.Join(", ", outcomes);
    }

    private static string Step(Coroutine<int, int, int> coroutine, DriverOp op, Assembly? assembly, Func<Exception, string> kind)
    {
        bool finishedBefore = coroutine.IsFinished;
        Exception? thrown = null;
        try
        {
            bool yielded;
            switch (op.Kind)
            {
                case "next":
                    yielded = coroutine.MoveNext();
                    break;
                case "send":
                    yielded = coroutine.Send(op.Value);
                    break;
                case "throw":
                    thrown = (Exception)Activator.CreateInstance(assembly!.GetType("Fuzz." + op.Exception, throwOnError: true)!, op.Message)!;
                    yielded = coroutine.Throw(thrown);
                    break;
                case "throw_exit":
                    thrown = new CoroutineExitException();
                    yielded = coroutine.Throw(thrown);
                    break;
                default:
                    coroutine.Close(); // returns nothing, as Python 3.11's close() (API.md section 6)
                    return "closed normally";
            }

            // StopIteration.value <-> false plus Result (API.md section 6). Result stays readable after completion while
            // Python reports the value once: an operation on an already finished coroutine reports "stop" on both sides.
            return yielded ? "yield " + Format(coroutine.Current)
                : finishedBefore ? "stop"
                : "return " + ResultOf(coroutine);
        }
        catch (Exception e)
        {
            return "raise " + kind(e) + (ReferenceEquals(e, thrown) ? " (the thrown object)" : string.Empty);
        }
    }

    private static string ResultOf(Coroutine<int> coroutine)
    {
        try
        {
            return Format(coroutine.Result);
        }
        catch (InvalidOperationException e)
        {
            return "<no Result: " + e.Message + ">";
        }
    }

    // Python's generator states: Completed, Faulted and Closed are all GEN_CLOSED there.
    private static string State(Coroutine coroutine) => coroutine.State switch
    {
        CoroutineState.Created => "created",
        CoroutineState.Suspended => "suspended",
        CoroutineState.Completed or CoroutineState.Faulted or CoroutineState.Closed => "closed",
        var other => other.ToString(),
    };

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Select(line => line.Length == 0 ? "\n" : "    " + line + "\n")).TrimEnd('\n') + "\n";
}
