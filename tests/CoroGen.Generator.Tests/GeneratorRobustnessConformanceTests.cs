using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// API.md section 2: factories and generated classes are added to the template's type; unsupported or invalid input never
/// crashes the generator: it produces an error diagnostic COROGENnnn at the offending node saying what to write instead.
/// </summary>
public sealed class GeneratorRobustnessConformanceTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\n";

    [Theory]
    // Two templates whose factories would be the same: they differ only in their Yielder.
    [InlineData("    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n    [Coroutine]\n    public static async Coroutine F(Yielder<string> co) { await co.Yield(\"a\"); }\n", 2)]
    [InlineData("    [Coroutine]\n    public static async Coroutine F(int x, Yielder<int> co) { await co.Yield(x); }\n    [Coroutine]\n    public static async Coroutine F(Yielder<long> co, int y) { await co.Yield(y); }\n", 2)]
    // A method with the factory's signature.
    [InlineData("    [Coroutine]\n    public static async Coroutine F(int x, Yielder<int> co) { await co.Yield(x); }\n    public static void F(int y) { }\n", 1)]
    [InlineData("    [Coroutine]\n    public static async Coroutine F<T>(List<T> x, Yielder<int> co) { await co.Yield(x.Count); }\n    public static void F<U>(List<U> y) { }\n", 1)]
    // A member with the generated class's name.
    [InlineData("    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n    public class FCoroutine { }\n", 1)]
    public void AClashWithTheGeneratedFactoryOrClassIsADiagnosticNotACrash(string members, int expected)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n" + members + "}");
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785"); // the generator did not fail
        Assert.Equal(expected, run.GeneratorDiagnostics.Count(d => d.Id == "COROGEN014"));
        Assert.All(run.GeneratorDiagnostics.Where(d => d.Id == "COROGEN014"), d =>
        {
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity);
            Assert.Equal(GeneratorHarness.TemplatePath, d.Location.GetLineSpan().Path);
            Assert.Contains("rename the template", d.GetMessage());
        });
        Assert.DoesNotContain(run.CompilationErrors, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
    }

    [Fact]
    public void AClassClashSaysToRenameOneOfThem_NotToChangeTheParameters()
    {
        // The class is named after the template alone: other parameters would not help.
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Go(int n, Yielder<int> co) { await co.Yield(n); }\n    public class GoCoroutine { }\n}");
        Microsoft.CodeAnalysis.Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN014", d.Id);
        Assert.EndsWith("would clash with the member 'GoCoroutine'; rename the template or the member 'GoCoroutine' (the class is named after the template, whatever its parameters)", d.GetMessage());
    }

    [Theory]
    // Overloads whose factories differ are fine, and get distinct classes.
    [InlineData("    [Coroutine]\n    public static async Coroutine F(int x, Yielder<int> co) { await co.Yield(x); }\n    [Coroutine]\n    public static async Coroutine F(string s, Yielder<int> co) { await co.Yield(s.Length); }\n    public static void F(long z) { }\n")]
    [InlineData("    [Coroutine]\n    public static async Coroutine F(List<int> x, Yielder<int> co) { await co.Yield(1); }\n    [Coroutine]\n    public static async Coroutine F(List<long> x, Yielder<int> co) { await co.Yield(1); }\n    [Coroutine]\n    public static async Coroutine F(int[] x, Yielder<int> co) { await co.Yield(1); }\n    [Coroutine]\n    public static async Coroutine F(int? x, Yielder<int> co) { await co.Yield(1); }\n")]
    [InlineData("    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n    [Coroutine]\n    public static async Coroutine F<T>(Yielder<int> co) { await co.Yield(2); }\n    public static void F(ref int x) { }\n")]
    public void OverloadsWithDistinctFactoriesAreGenerated(string members)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n" + members + "}");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        int templates = members.Split("[Coroutine]").Length - 1;
        Assert.Equal(templates, run.Sources.Count());
        Assert.Equal(templates, run.Sources.Select(s => s.HintName).Distinct().Count());
    }
}
