using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The MSBuild property CoroGenKeepStackFrames: off by default (the JIT may inline Resume into its caller); true marks
/// Resume NoInlining, right before the method, and changes nothing else. (.ci/package-smoke.sh checks a
/// real stack trace from hot, optimized code with the switch on.)
/// </summary>
public sealed class KeepStackFramesTests
{
    private const string NoInlining = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData(" TRUE ", true)]
    public void ThePropertyMarksResumeNoInlining(string? value, bool expected)
    {
        string text = LineDirectiveTests.Generate(Properties(value));
        Assert.Equal(expected, text.Contains("MethodImpl", System.StringComparison.Ordinal));
    }

    [Fact]
    public void TheAttributeStandsOnResumeAndNothingElseChanges()
    {
        string on = LineDirectiveTests.Generate(Properties("true")), off = LineDirectiveTests.Generate(Properties("false"));
        string[] lines = on.Split('\n');
        int resume = System.Array.FindIndex(lines, l => l.Contains("protected override bool Resume()", System.StringComparison.Ordinal));
        Assert.Equal("#line hidden", lines[resume - 1].Trim());
        Assert.Equal(NoInlining, lines[resume - 2].Trim());
        Assert.Equal("/// <inheritdoc/>", lines[resume - 3].Trim());
        Assert.StartsWith("// CoroGenKeepStackFrames:", lines[resume - 4].Trim(), System.StringComparison.Ordinal);
        Assert.Equal(off, string.Join("\n", lines.Where((_, i) => i != resume - 2 && i != resume - 4)));
    }

    [Fact]
    public void TheMarkedClassCompiles()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions, optionsProvider: Properties("true"));
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compile(Template), out Compilation output, out ImmutableArray<Diagnostic> _);
        Assert.Contains(output.SyntaxTrees, t => t.ToString().Contains(NoInlining, System.StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public void ThePackagePropsDefineItOffAndMakeItVisibleToTheGenerator()
    {
        XDocument document = XDocument.Load(Path.Combine(LineDirectiveTests.RepositoryRoot(), "runtime", "CoroGen", "build", "CoroGen.props"));
        Assert.Contains(document.Descendants("CompilerVisibleProperty"), e => (string?)e.Attribute("Include") == "CoroGenKeepStackFrames");
        Assert.Contains(document.Descendants("CoroGenKeepStackFrames"), e => e.Value == "false");
    }

    private const string Template = """
        using CoroGen;

        public static partial class Frames
        {
            [Coroutine]
            public static async Coroutine<int> Count(int n, Yielder<int> co)
            {
                for (int i = 0; i < n; i++)
                {
                    await co.Yield(i);
                }

                return n;
            }
        }
        """;

    private static BuildProperties Properties(string? keepStackFrames) => new(("CoroGenKeepStackFrames", keepStackFrames));
}
