using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace CoroGen.Fuzz.Tests.CPython;

/// <summary>One operation of a driver script, applied the same way to a Python generator and to a CoroGen coroutine.</summary>
internal sealed record DriverOp(string Kind, int Value = 0, string Exception = "", string Message = "")
{
    public static readonly DriverOp Next = new("next");
    public static readonly DriverOp Close = new("close");
    public static readonly DriverOp ThrowExit = new("throw_exit");

    public static DriverOp Send(int value) => new("send", value);

    public static DriverOp Throw(string exception, string message) => new("throw", 0, exception, message);

    /// <summary>The script's last operation: next() until the generator stops or raises, at most <see cref="DrainLimit"/> times.</summary>
    public static readonly DriverOp Drain = new("drain");

    public const int DrainLimit = 200;

    /// <summary>Both spellings, so that a failure report can be read from either side.</summary>
    public override string ToString() => Kind switch
    {
        "next" => "next(g) / MoveNext()",
        "send" => $"g.send({Value}) / Send({Value})",
        "throw" => $"g.throw({Exception}(\"{Message}\")) / Throw(new {Exception}(\"{Message}\"))",
        "throw_exit" => "g.throw(GeneratorExit()) / Throw(new CoroutineExitException())",
        "close" => "g.close() / Close()",
        _ => $"drain: next(g) / MoveNext() until it stops, at most {DrainLimit} times",
    };

    public string ToPython() => Kind switch
    {
        "send" => $"(\"send\", {Value})",
        "throw" => $"(\"throw\", {Exception}, \"{Message}\")",
        _ => $"(\"{Kind}\",)",
    };
}

/// <summary>One run: a fresh generator of <see cref="Function"/> made with argument <see cref="Argument"/>, driven by <see cref="Ops"/>.</summary>
internal sealed record DriverScript(string Function, int Number, int Argument, IReadOnlyList<DriverOp> Ops)
{
    public string Key => $"{Function}#{Number}";

    /// <summary>Random scripts for one function, determined by the batch seed and the function's index alone.</summary>
    public static IEnumerable<DriverScript> For(int seed, Function function, int count)
    {
        var random = new Random((seed * 7919) + function.Index);
        for (int n = 0; n < count; n++)
        {
            var ops = new List<DriverOp>();
            // Mostly resumptions, so that scripts get deep into the body before a throw or a close ends it.
            int length = 1 + random.Next(14);
            for (int i = 0; i < length; i++)
            {
                int pick = random.Next(100);
                ops.Add(pick switch
                {
                    < 45 => DriverOp.Next,
                    < 75 => DriverOp.Send(random.Next(10)),
                    < 89 => DriverOp.Throw(new[] { "E1", "E2", "E3" }[random.Next(3)], $"x{i}"),
                    < 92 => DriverOp.ThrowExit,
                    _ => DriverOp.Close,
                });
            }

            ops.Add(DriverOp.Drain);
            yield return new DriverScript(function.Name, n, random.Next(10), ops);
        }
    }
}

/// <summary>
/// Writes a batch of functions and scripts into one Python file and runs CPython on it once; the file prints every
/// script's trace as JSON. The trace format is the one <see cref="CoroGenDriver"/> writes for the C# side.
/// </summary>
internal static class PythonBatch
{
    /// <summary>
    /// The exception types and the canonical names both sides report exceptions by. Mirrors <see cref="CSharpPrelude"/>:
    /// a name means the same thing on both sides, and anything not listed is reported as "unmapped ...", which never
    /// matches the other side.
    /// </summary>
    public const string Prelude = """
        import inspect, json, sys

        # The exceptions the programs raise and the driver throws; CSharpPrelude declares the same three (E3 derives from E1).
        class E1(Exception): pass
        class E2(Exception): pass
        class E3(E1): pass

        def kind(e):
            # Canonical names for exceptions, the same as Kinds.Of in the C# prelude:
            #   E1/E2/E3 with their message, as they are on both sides;
            #   GeneratorExit            <-> CoroutineExitException (API.md section 3: "Python GeneratorExit");
            #   RuntimeError "generator ignored GeneratorExit"
            #                            <-> InvalidOperationException "...ignored CoroutineExitException..." (API.md section 4:
            #                                Close() on a body that yields; section 5: a sub that yields while being closed);
            #   TypeError "can't send non-None value to a just-started generator"
            #                            <-> InvalidOperationException "Cannot send a value to a coroutine that has not started..."
            #                                (API.md section 4, Created row; section 6: Send on a just-created coroutine throws).
            if isinstance(e, (E1, E2)): return f"{type(e).__name__}: {e}"
            if isinstance(e, GeneratorExit): return "Exit"
            if isinstance(e, RuntimeError) and str(e) == "generator ignored GeneratorExit": return "IgnoredExit"
            if isinstance(e, TypeError) and str(e) == "can't send non-None value to a just-started generator": return "SendToUnstarted"
            return f"unmapped {type(e).__name__}: {e}"

        # CPython closes a generator as soon as its last reference goes (PEP 342's __del__), running its finally blocks:
        # for example a sub that yielded while being closed, which its delegator then abandons. CoroGen never closes a
        # coroutine nobody references (README, "Decisions where API.md is silent, and deviations": no finalization), so
        # every generator a script makes is kept alive until the script's trace is complete.
        ALIVE = []
        def kept(function):
            def make(*args):
                gen = function(*args)
                ALIVE.append(gen)
                return gen
            return make

        """;

    // The driver: applies each operation and writes one line per operation, "<outcome> | <state>[ | log: ...]".
    // A generator that has already finished reports "stop": Python's StopIteration carries the return value only once,
    // while CoroGen's Result stays readable (API.md section 6), so only the finishing operation reports "return <value>".
    private const string Driver = """

        STATES = {inspect.GEN_CREATED: "created", inspect.GEN_SUSPENDED: "suspended", inspect.GEN_CLOSED: "closed"}

        def step(gen, op):
            finished_before = inspect.getgeneratorstate(gen) == inspect.GEN_CLOSED
            thrown = None
            try:
                if op[0] == "next":
                    value = next(gen)
                elif op[0] == "send":
                    value = gen.send(op[1])
                elif op[0] == "throw":
                    thrown = op[1](op[2])
                    value = gen.throw(thrown)
                elif op[0] == "throw_exit":
                    thrown = GeneratorExit()
                    value = gen.throw(thrown)
                else:
                    gen.close()  # returns None in 3.11; its return value (3.13+) has no C# counterpart and is not traced
                    return "closed normally"
                return f"yield {value}"
            except StopIteration as stop:
                return "stop" if finished_before else f"return {stop.value}"
            except BaseException as e:  # GeneratorExit is not an Exception
                return "raise " + kind(e) + (" (the thrown object)" if e is thrown else "")

        def run(make, ops):
            log = []
            gen = make(log)
            lines = []
            for op in ops:
                seen = len(log)
                if op[0] == "drain":
                    outcomes = []
                    for _ in range(DRAIN_LIMIT):
                        outcomes.append(step(gen, ("next",)))
                        if not outcomes[-1].startswith("yield "):
                            break
                    outcome = ", ".join(outcomes)
                else:
                    outcome = step(gen, op)
                line = f"{outcome} | {STATES[inspect.getgeneratorstate(gen)]}"
                if len(log) > seen:
                    line += " | log: " + ", ".join(log[seen:])
                lines.append(line)
            ALIVE.clear()
            return lines

        if __name__ == "__main__":
            if sys.version_info < (3, 11):
                sys.exit(f"Python 3.11 or later is needed (PEP 380/342 semantics of 3.11 are the reference); this is {sys.version}")
            print(json.dumps({key: run(make, ops) for key, make, ops in SCRIPTS}))

        """;

    public static string Write(int seed, IReadOnlyList<Function> functions, IReadOnlyList<DriverScript> scripts)
    {
        var text = new StringBuilder();
        text.Append("# CoroGen CPython differential, batch seed ").Append(seed.ToString(CultureInfo.InvariantCulture))
            .Append(". Run it with python3 to print every script's trace as JSON.\n");
        text.Append(Prelude).Append('\n');
        foreach (Function function in functions)
        {
            text.Append(BilingualRenderer.Python(function)).Append('\n');
        }

        text.Append("DRAIN_LIMIT = ").Append(DriverOp.DrainLimit.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("SCRIPTS = [\n");
        foreach (DriverScript script in scripts)
        {
            text.Append($"    (\"{script.Key}\", lambda log: {script.Function}(log, {script.Argument}), [")
                .Append(string.Join(", ", script.Ops.Select(o => o.ToPython()))).Append("]),\n");
        }

        text.Append("]\n").Append(Driver);
        return text.ToString();
    }

    /// <summary>The interpreter: <c>COROGEN_PYTHON</c> if set, else <c>python3</c> on the PATH.</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("COROGEN_PYTHON") is { Length: > 0 } p ? p : "python3";

    /// <summary>Runs <paramref name="path"/> with CPython and returns each script's trace lines by key.</summary>
    public static Dictionary<string, List<string>> Run(string path)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        }
        catch (Win32Exception e)
        {
            throw new InterpreterMissingException(
                $"The CPython differential test needs Python 3.11 or later: '{Interpreter}' could not be started ({e.Message}). " +
                "Install Python 3.11+ so that python3 is on the PATH, or set COROGEN_PYTHON to the interpreter's path.", e);
        }

        using (process)
        {
            System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Interpreter} {path} ran for more than 120 s.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Interpreter} {path} exited with {process.ExitCode}:\n{error.Result}");
            }

            return JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)
                ?? throw new InvalidOperationException($"{Interpreter} {path} printed no traces.");
        }
    }
}

/// <summary>python3 (or COROGEN_PYTHON) could not be started: the test fails with instructions rather than skipping.</summary>
internal sealed class InterpreterMissingException(string message, Exception inner) : Exception(message, inner);
