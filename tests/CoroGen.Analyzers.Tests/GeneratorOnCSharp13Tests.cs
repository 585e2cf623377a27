using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>
/// The generator over C# 13 constructs that tests/CoroGen.Generator.Tests cannot compile (it builds against the oldest
/// Roslyn the generator supports, which knows C# 12 at most); this project's Roslyn knows them.
/// </summary>
public sealed class GeneratorOnCSharp13Tests
{
    private const string Header = "using System;\nusing CoroGen;\n\npublic static partial class Host\n{\n    static int Measure<T>(T value) where T : allows ref struct => 1;\n\n";

    // A local of a type parameter declared `allows ref struct` may hold a ref struct, which a class cannot keep in a field:
    // live across a suspension point, it is COROGEN007, as a Span<T> local is (it was CS8345 in the generated file).
    [Theory]
    [InlineData("T value = make();\n        await co.Yield(1);\n        return Measure(value);", "read after it before it is assigned again")]
    [InlineData("T value = make();\n        int n = Measure(value) + await co.Yield(1);\n        return n;", "it is used inside the statement that suspends there")]
    public void ALocalOfAnAllowsRefStructTypeParameterLiveAcrossASuspensionIsCOROGEN007(string body, string live)
    {
        string source = Header + "    [Coroutine]\n    public static async Coroutine<int> F<T>(Func<T> make, Yielder<int> co) where T : allows ref struct\n    {\n        " + body + "\n    }\n}\n";
        var (_, generator, run) = AnalyzerHarness.Build(source);
        Diagnostic d = Assert.Single(generator);
        Assert.Equal("COROGEN007", d.Id);
        Assert.Equal("value", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("its type is a type parameter that allows ref struct, which cannot be a field", d.GetMessage());
        Assert.Contains(live, d.GetMessage());
        Assert.Contains("was not generated because of COROGEN007", run.Results.Single().GeneratedSources.Single().SourceText.ToString()); // the placeholder
        Assert.Empty(AnalyzerHarness.CompilerErrors(source).Where(e => e.Location.SourceTree?.FilePath != AnalyzerHarness.FilePath).Select(e => e.ToString()));
    }

    // Dead at every suspension point, it stays a local of Resume: the generated code compiles (ConstructTests runs such a
    // template with a span against the oracle).
    [Fact]
    public void ALocalOfAnAllowsRefStructTypeParameterDeadAtEverySuspensionCompiles()
    {
        string source = Header + "    [Coroutine]\n    public static async Coroutine<int> F<T>(Func<T> make, Yielder<int> co) where T : allows ref struct\n    {\n        int n = 0;\n        T value = make();\n        n += Measure(value);\n        await co.Yield(n);\n        value = make();\n        return n + Measure(value);\n    }\n}\n";
        var (_, generator, run) = AnalyzerHarness.Build(source);
        Assert.Empty(generator);
        Assert.Contains("Yielded(", run.Results.Single().GeneratedSources.Single().SourceText.ToString());
        Assert.Empty(AnalyzerHarness.CompilerErrors(source).Select(e => e.ToString()));
    }

    // A parameter of such a type would be a field too; C# refuses it in an async method (CS4012), and the generator adds
    // nothing to that error (no generated file that repeats it as CS8345).
    [Fact]
    public void AParameterOfAnAllowsRefStructTypeParameterIsTheCompilersError()
    {
        string source = Header + "    [Coroutine]\n    public static async Coroutine<int> F<T>(T value, Yielder<int> co) where T : allows ref struct\n    {\n        await co.Yield(1);\n        return 2;\n    }\n}\n";
        var (_, generator, run) = AnalyzerHarness.Build(source);
        Assert.Empty(generator);
        Assert.Empty(run.Results.Single().GeneratedSources);
        var errors = AnalyzerHarness.CompilerErrors(source);
        Assert.Contains(errors, e => e.Id == "CS4012");
        Assert.All(errors, e => Assert.Equal(AnalyzerHarness.FilePath, e.Location.SourceTree?.FilePath));
    }
}
