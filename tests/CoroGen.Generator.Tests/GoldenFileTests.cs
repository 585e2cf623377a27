using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Golden files: each Baselines/{Name}.cs is run through the generator and every generated file must equal
/// Baselines/{Name}.{HintName}.txt line for line. Set COROGEN_ACCEPT=1 to write new baselines (then review the diff).
/// </summary>
public sealed class GoldenFileTests
{
    public static IEnumerable<object[]> Inputs() =>
        Directory.GetFiles(BaselineDirectory(), "*.cs").Select(f => new object[] { Path.GetFileNameWithoutExtension(f) }).OrderBy(o => (string)o[0], StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Inputs))]
    public void GeneratedCodeMatchesBaseline(string name)
    {
        string source = File.ReadAllText(Path.Combine(BaselineDirectory(), name + ".cs"));
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, lineDirectives: true);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(!run.CompilationErrors.Any(), "The generated code does not compile:\n" + string.Join("\n", run.CompilationErrors) + "\n\n" + string.Join("\n", GeneratorHarness.Run(source, lineDirectives: false).Sources.Select(s => s.SourceText.ToString())));
        Assert.NotEmpty(run.Sources);

        bool accept = Environment.GetEnvironmentVariable("COROGEN_ACCEPT") == "1";
        foreach (var generated in run.Sources)
        {
            string baseline = Path.Combine(SourceBaselineDirectory(), $"{name}.{generated.HintName}.txt");
            string actual = generated.SourceText.ToString().Replace("\r\n", "\n");
            if (accept)
            {
                File.WriteAllText(baseline, actual);
                continue;
            }

            Assert.True(File.Exists(baseline), $"No baseline {baseline}; run the tests with COROGEN_ACCEPT=1 and review the new file.");
            string expected = File.ReadAllText(baseline).Replace("\r\n", "\n");
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                string el = i < e.Length ? e[i] : "<end of file>";
                string al = i < a.Length ? a[i] : "<end of file>";
                Assert.True(el == al, $"{generated.HintName} differs from its baseline at line {i + 1}:\n  expected: {el}\n  actual:   {al}\n(COROGEN_ACCEPT=1 rewrites baselines.)");
            }
        }
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        foreach (object[] input in Inputs())
        {
            string source = File.ReadAllText(Path.Combine(BaselineDirectory(), (string)input[0] + ".cs"));
            string first = string.Join("\n---\n", GeneratorHarness.Run(source, true).Sources.Select(s => s.HintName + "\n" + s.SourceText));
            string second = string.Join("\n---\n", GeneratorHarness.Run(source, true).Sources.Select(s => s.HintName + "\n" + s.SourceText));
            Assert.Equal(first, second);
        }
    }

    private static string BaselineDirectory() => Path.Combine(AppContext.BaseDirectory, "Baselines");

    // Accepted baselines are written to the source tree, not the build output.
    private static string SourceBaselineDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Baselines");
}
