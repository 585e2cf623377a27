using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CoroGen.Testing;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Fuzz.Tests;

/// <summary>
/// Differential fuzzing. CI runs a fixed range of seeds; run more with
/// <c>COROGEN_FUZZ_PROGRAMS=100000 dotnet test tests/CoroGen.Fuzz.Tests --filter RandomTemplatesAgreeWithTheOracle</c>
/// (and <c>COROGEN_FUZZ_SEED</c> to start elsewhere). A mismatch is minimised and written to artifacts/fuzz/ as a
/// ready-to-commit regression test.
/// </summary>
public sealed class FuzzTests
{
    private const int TemplatesPerBatch = 50;
    private const int ScriptsPerTemplate = 4;
    private readonly ITestOutputHelper output;

    public FuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void RandomTemplatesAgreeWithTheOracle()
    {
        int programs = Environment.GetEnvironmentVariable("COROGEN_FUZZ_PROGRAMS") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 300;
        int firstSeed = Environment.GetEnvironmentVariable("COROGEN_FUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1;
        var failures = new List<string>();
        int run = 0;
        for (int batch = 0; run < programs; batch++)
        {
            int seed = firstSeed + batch;
            int count = Math.Min(TemplatesPerBatch, programs - run);
            string source = RandomTemplates.Prelude + new RandomTemplates(seed, TemplateFeatures.Supported).WriteClass("Batch", count);
            List<FuzzFailure> found = DifferentialRunner.Run(source, "Batch", name => Scripts(seed, name, source));
            foreach (FuzzFailure failure in found)
            {
                failures.Add(Report(failure, seed, output));
            }

            run += count;
        }

        output.WriteLine($"{run} random templates, {run * ScriptsPerTemplate} driver scripts, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
    }

    [Fact]
    public void TheWriterIsDeterministicAndItsTemplatesCompile()
    {
        string first = new RandomTemplates(42, TemplateFeatures.Supported).WriteClass("Batch", 20);
        string second = new RandomTemplates(42, TemplateFeatures.Supported).WriteClass("Batch", 20);
        Assert.Equal(first, second);
        Assert.NotEqual(first, new RandomTemplates(43, TemplateFeatures.Supported).WriteClass("Batch", 20));
        foreach (string construct in new[] { "try", "catch (", "finally", "using (", "for (", "foreach (", "while (", "if (", "await co.Yield(", "break;", "return ", "throw new", "await T", "switch (", "+= await co.Yield(", "? await co.Yield(", "closures.Add(() =>", "closures.Add(lf" })
        {
            Assert.Contains(construct, new RandomTemplates(7, TemplateFeatures.Supported).WriteClass("Batch", 300));
        }
    }

    /// <summary>Random scripts of MoveNext, Send, Throw and Close; templates with a catch-all clause get none that close (API.md's documented difference).</summary>
    public static IEnumerable<CoroutineOp[]> Scripts(int seed, string template, string source)
    {
        // Seeded from the batch seed and the template's number alone: HashCode and string hash codes are randomised per
        // process, which made the scripts (unlike the templates) differ from run to run for the same COROGEN_FUZZ_SEED.
        var random = new Random((seed * 7919) + int.Parse(template.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture));
        bool catchAll = ReachesCatchAll(source, template, depth: 0);
        for (int n = 0; n < ScriptsPerTemplate; n++)
        {
            var script = new List<CoroutineOp>();
            int length = 1 + random.Next(12);
            for (int i = 0; i < length; i++)
            {
                int pick = random.Next(catchAll ? 85 : 100);
                script.Add(pick switch
                {
                    < 40 => CoroutineOp.MoveNext,
                    < 65 => CoroutineOp.Send(random.Next(10)),
                    < 75 => CoroutineOp.Throw<InvalidOperationException>("s" + i),
                    < 85 => CoroutineOp.Throw<FormatException>("f" + i),
                    < 95 => CoroutineOp.Close,
                    _ => CoroutineOp.ThrowExit,
                });
            }

            script.Add(CoroutineOp.Drain(200));
            yield return script.ToArray();
        }
    }

    // API.md's documented difference: in the oracle a catch (Exception) intercepts Close's exit. A template shows it when it,
    // or any template it delegates to, has such a clause.
    private static bool ReachesCatchAll(string source, string template, int depth)
    {
        string text = TemplateText(source, template);
        if (text.Contains("catch (Exception)", StringComparison.Ordinal))
        {
            return true;
        }

        return depth < 64 && System.Text.RegularExpressions.Regex.Matches(text, @"await (T\d+)\(")
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .Any(callee => callee != template && ReachesCatchAll(source, callee, depth + 1));
    }

    private static string TemplateText(string source, string template)
    {
        int start = source.IndexOf($" {template}(", StringComparison.Ordinal);
        int end = source.IndexOf("[Coroutine]", start + 1, StringComparison.Ordinal);
        return end < 0 ? source.Substring(start) : source.Substring(start, end - start);
    }

    // Minimise the failure and write it out as a regression test the project can commit as it is.
    internal static string Report(FuzzFailure failure, int seed, ITestOutputHelper output, string kind = "", bool refusalFails = true)
    {
        if (failure.Kind != "trace mismatch")
        {
            return failure.ToString();
        }

        CoroutineOp[] script = Scripts(seed, failure.Template, failure.Source).First(s => string.Join(", ", s.Select(o => o.ToString())) == failure.Script);
        (string source, CoroutineOp[] shortScript) = DifferentialRunner.Minimise(failure.Source, "Batch", failure.Template, script, refusalFails);
        string name = $"{kind}Seed{seed}_{failure.Template}";
        string test = RegressionTestText(name, source, failure.Template, shortScript);
        string directory = Path.Combine(RepositoryRoot(), "artifacts", "fuzz");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"Regression_{name}.cs");
        File.WriteAllText(path, test);
        output.WriteLine($"minimised regression test written to {path}");
        return failure + $"\n--- minimised, written to {path} ---\n{test}";
    }

    internal static string RegressionTestText(string name, string source, string template, CoroutineOp[] script)
    {
        var text = new StringBuilder();
        text.Append("using System;\nusing CoroGen.Testing;\nusing Xunit;\n\nnamespace CoroGen.Fuzz.Tests.Regressions;\n\n");
        text.Append("// Found by the differential fuzzer and minimised automatically.\n");
        text.Append($"public sealed class Regression_{name}\n{{\n");
        text.Append("    private const string Source = \"\"\"\n");
        foreach (string line in source.Split('\n'))
        {
            text.Append("        ").Append(line.TrimEnd('\r')).Append('\n');
        }

        text.Append("        \"\"\";\n\n    [Fact]\n    public void GeneratedClassAgreesWithTheOracle()\n    {\n");
        text.Append("        CoroutineOp[] script = { ").Append(string.Join(", ", script.Select(OpText))).Append(" };\n");
        text.Append($"        FuzzFailure? failure = DifferentialRunner.CompareOne(Source, \"Batch\", \"{template}\", script);\n");
        text.Append("        Assert.True(failure is null, failure?.ToString());\n    }\n}\n");
        return text.ToString();
    }

    private static string OpText(CoroutineOp op)
    {
        string s = op.ToString()!;
        return s switch
        {
            "MoveNext()" => "CoroutineOp.MoveNext",
            "Close()" => "CoroutineOp.Close",
            _ when s.StartsWith("Send(", StringComparison.Ordinal) => "CoroutineOp.Send(" + s.Substring(5),
            _ when s.StartsWith("Drain", StringComparison.Ordinal) => "CoroutineOp.Drain(200)",
            _ when s.Contains("CoroutineExitException", StringComparison.Ordinal) => "CoroutineOp.ThrowExit",
            _ when s.Contains("InvalidOperationException", StringComparison.Ordinal) => $"CoroutineOp.Throw<InvalidOperationException>(\"{Message(s)}\")",
            _ => $"CoroutineOp.Throw<FormatException>(\"{Message(s)}\")",
        };
    }

    private static string Message(string op) => op.Substring(op.IndexOf(": ", StringComparison.Ordinal) + 2).TrimEnd(')');

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "CoroGen.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? Directory.GetCurrentDirectory();
    }
}
