using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Fuzz.Tests.CPython;

/// <summary>
/// Differential fuzzing against CPython itself: random programs are written both as CoroGen templates and as Python
/// generator functions, driven by the same random scripts of next/send/throw/close, and the traces must be equal.
/// Unlike <see cref="FuzzTests"/>, whose reference (the oracle) is ours, the reference here is Python 3.11+, so a
/// misunderstanding of Python's semantics shared by CoroGen and the oracle shows up here.
/// CI runs seeds 1-4 (200 programs); run more with
/// <c>COROGEN_PYFUZZ_PROGRAMS=5000 COROGEN_PYFUZZ_SEED=1 dotnet test tests/CoroGen.Fuzz.Tests --filter FullyQualifiedName~CPython</c>
/// (<c>COROGEN_PYTHON</c> picks the interpreter; the default is python3 on the PATH).
/// </summary>
public sealed class CPythonDifferentialTests
{
    private const int FunctionsPerBatch = 50;
    private const int ScriptsPerFunction = 3;
    private readonly ITestOutputHelper output;

    public CPythonDifferentialTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void RandomGeneratorsAgreeWithCPython()
    {
        int programs = Environment.GetEnvironmentVariable("COROGEN_PYFUZZ_PROGRAMS") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 200;
        int firstSeed = Environment.GetEnvironmentVariable("COROGEN_PYFUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1;
        var failures = new List<string>();
        var outcomes = new List<string>();
        int run = 0;
        for (int batch = 0; run < programs; batch++)
        {
            int seed = firstSeed + batch;
            int count = Math.Min(FunctionsPerBatch, programs - run);
            failures.AddRange(RunBatch(seed, count, outcomes));
            run += count;
        }

        output.WriteLine($"{run} random programs, {run * ScriptsPerFunction} driver scripts run by CPython and CoroGen, {failures.Count} mismatches");
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches with CPython; the first:\n\n" + string.Join("\n\n", failures.Take(3)));

        // The comparison is only as good as what the scripts reach: the default run (seeds 1-4) goes through each of these.
        string all = string.Join("\n", outcomes);
        string[] reached =
        {
            "yield ", "return ", "stop", "closed normally", "raise E1: x", "raise E2: T", "(the thrown object)", "raise Exit",
            "raise IgnoredExit", "raise SendToUnstarted", "caught Exit", "caught E3: ", " finally",
        };
        output.WriteLine(string.Join(", ", reached.Append("caught IgnoredExit").Select(r => $"'{r}' {CountOf(all, r)}")));
        bool defaultRun = Environment.GetEnvironmentVariable("COROGEN_PYFUZZ_PROGRAMS") is null && Environment.GetEnvironmentVariable("COROGEN_PYFUZZ_SEED") is null;
        if (defaultRun)
        {
            Assert.All(reached, r => Assert.Contains(r, all));
        }
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void TheProgramsAreDeterministicAndUseEveryConstruct()
    {
        string Both(int seed) => string.Join("\n", new BilingualProgramWriter(seed).Write(30).Select(f => BilingualRenderer.CSharp(f) + BilingualRenderer.Python(f)));
        Assert.Equal(Both(5), Both(5));
        Assert.NotEqual(Both(5), Both(6));
        string python = string.Join("\n", new BilingualProgramWriter(7).Write(200).Select(BilingualRenderer.Python));
        foreach (string construct in new[]
        {
            "yield ", ") or 0", "yield from T", "((yield ", "while ", "for ", "if ", "else:", "break", "continue", "return ", "raise E",
            "        raise\n", "try:", "except E3 as", "except GeneratorExit as", "except Exception as", "finally:", " and ", " or ",
        })
        {
            Assert.Contains(construct, python);
        }
    }

    private IEnumerable<string> RunBatch(int seed, int count, List<string> outcomes)
    {
        IReadOnlyList<Function> functions = new BilingualProgramWriter(seed).Write(count);
        List<DriverScript> scripts = functions.SelectMany(f => DriverScript.For(seed, f, ScriptsPerFunction)).ToList();
        string python = PythonBatch.Write(seed, functions, scripts);
        string csharp = CoroGenDriver.Source(functions);

        string directory = Path.Combine(Path.GetTempPath(), "corogen-pyfuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string pythonPath = Path.Combine(directory, $"batch_seed{seed}.py");
        File.WriteAllText(pythonPath, python);
        Dictionary<string, List<string>> expected;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            expected = PythonBatch.Run(pythonPath);
        }
        catch (Exception e) when (e is not InterpreterMissingException)
        {
            string kept = KeepForInspection(seed, python, csharp);
            throw new InvalidOperationException($"seed {seed}: CPython did not run the batch (written to {kept}.py): {e.Message}", e);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        TimeSpan pythonTime = clock.Elapsed;
        if (!DifferentialRunner.TryBuild(csharp, out Assembly? assembly, out AssemblyLoadContext? context, out FuzzFailure? buildFailure))
        {
            return new[] { $"seed {seed}: {buildFailure!.Kind}\n{buildFailure.Expected}\n{buildFailure.Actual}\n--- source ---\n{csharp}" };
        }

        TimeSpan buildTime = clock.Elapsed - pythonTime;
        var failures = new List<string>();
        try
        {
            foreach (DriverScript script in scripts)
            {
                List<string> python3 = expected[script.Key];
                List<string> corogen;
                try
                {
                    corogen = CoroGenDriver.Run(assembly!, script);
                }
                catch (Exception e)
                {
                    corogen = new List<string> { "the C# driver failed: " + e };
                }

                outcomes.AddRange(python3);
                if (!python3.SequenceEqual(corogen))
                {
                    failures.Add(Report(seed, functions, script, python3, corogen, python, csharp));
                }
            }
        }
        finally
        {
            context!.Unload();
        }

        output.WriteLine($"seed {seed}: CPython {pythonTime.TotalSeconds:F1} s, generator and C# compiler {buildTime.TotalSeconds:F1} s, CoroGen runs {(clock.Elapsed - pythonTime - buildTime).TotalSeconds:F1} s");
        return failures;
    }

    // Everything needed to reproduce and read a mismatch: the seed, the failing function and those it delegates to in
    // both languages, the script, and both traces with the first difference marked. The whole batch is written to
    // artifacts/pyfuzz/ as well (the Python file runs on its own).
    private string Report(int seed, IReadOnlyList<Function> functions, DriverScript script, List<string> python, List<string> corogen, string pythonBatch, string csharpBatch)
    {
        string kept = KeepForInspection(seed, pythonBatch, csharpBatch);

        List<Function> involved = Reachable(functions, functions.Single(f => f.Name == script.Function));
        var text = new StringBuilder();
        text.Append($"Mismatch with CPython: COROGEN_PYFUZZ_SEED={seed}, {script.Function} called with p={script.Argument}, script #{script.Number}\n");
        text.Append($"(whole batch: {kept}.py and .cs; the exception mapping is in the preludes there)\n");
        text.Append("--- C# templates ---\n");
        foreach (Function f in involved)
        {
            text.Append(BilingualRenderer.CSharp(f));
        }

        text.Append("--- Python generator functions ---\n");
        foreach (Function f in involved)
        {
            text.Append(BilingualRenderer.Python(f));
        }

        text.Append("--- script and traces (Python | CoroGen) ---\n");
        bool marked = false;
        for (int i = 0; i < script.Ops.Count; i++)
        {
            string left = i < python.Count ? python[i] : "(missing)";
            string right = i < corogen.Count ? corogen[i] : "(missing)";
            bool differs = left != right && !marked;
            marked |= differs;
            text.Append(differs ? ">> " : "   ").Append(script.Ops[i]).Append('\n');
            text.Append("     python: ").Append(left).Append('\n');
            text.Append("     corogen: ").Append(right).Append('\n');
            if (differs)
            {
                // Drains make long lines: point at where they part.
                int at = 0;
                while (at < left.Length && at < right.Length && left[at] == right[at])
                {
                    at++;
                }

                int from = Math.Max(0, at - 40);
                text.Append($"     first difference at column {at}: python \"...{left.Substring(from, Math.Min(left.Length - from, 100))}\"\n");
                text.Append($"                                    corogen \"...{right.Substring(from, Math.Min(right.Length - from, 100))}\"\n");
            }
        }

        for (int i = script.Ops.Count; i < corogen.Count; i++)
        {
            text.Append("     corogen (extra): ").Append(corogen[i]).Append('\n');
        }

        return text.ToString();
    }

    // Writes the batch to artifacts/pyfuzz/batch_seed{seed}.py and .cs; returns the path without the extension.
    private static string KeepForInspection(int seed, string pythonBatch, string csharpBatch)
    {
        string directory = Path.Combine(FuzzTests.RepositoryRoot(), "artifacts", "pyfuzz");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"batch_seed{seed}");
        File.WriteAllText(path + ".py", pythonBatch);
        File.WriteAllText(path + ".cs", csharpBatch);
        return path;
    }

    private static List<Function> Reachable(IReadOnlyList<Function> functions, Function root)
    {
        var found = new SortedSet<int>();
        var pending = new Stack<int>(new[] { root.Index });
        while (pending.Count > 0)
        {
            int next = pending.Pop();
            if (found.Add(next))
            {
                foreach (int callee in functions[next].Callees)
                {
                    pending.Push(callee);
                }
            }
        }

        return found.Reverse().Select(i => functions[i]).ToList();
    }
}
