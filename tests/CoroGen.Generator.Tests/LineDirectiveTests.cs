using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// #line directives: on by default, off with the MSBuild property CoroGenLineDirectives=false, and every directive names
/// the template's file and a line of the template. (tests/CoroGen.Tests/StackTraceTests.cs checks real stack traces.)
/// </summary>
public sealed class LineDirectiveTests
{
    private const string Source = """
        using CoroGen;

        namespace Samples;

        public static partial class Examples
        {
            [Coroutine]
            public static async Coroutine<int> Sum(int[] items, Yielder<int> co)
            {
                int total = 0;
                foreach (int item in items)
                {
                    total += item;
                    await co.Yield(total);
                }

                return total;
            }
        }
        """;

    [Fact]
    public void OnByDefaultWhenThePropertyIsAbsent()
    {
        string text = Generate(Lines(null));
        Assert.Contains("#line 14 \"Templates.cs\"", text);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("", true)]
    [InlineData("false", false)]
    [InlineData(" FALSE ", false)]
    public void ThePropertySwitchesThemOnAndOff(string value, bool expected)
    {
        string text = Generate(Lines(value));
        Assert.Equal(expected, text.Contains("#line"));
    }

    [Fact]
    public void SwitchedOffTheCodeIsTheSameWithoutTheDirectives()
    {
        string on = Generate(Lines("true")), off = Generate(Lines("false"));
        Assert.DoesNotContain("#line", off);
        string stripped = string.Join("\n", on.Split('\n').Where(l => !l.StartsWith("#line", System.StringComparison.Ordinal)));
        Assert.Equal(off, stripped);
    }

    [Fact]
    public void EveryDirectiveNamesTheTemplatesFileAndALineOfTheTemplate()
    {
        string text = Generate(Lines(null));
        int templateLines = Source.Split('\n').Length;
        string[] directives = text.Split('\n').Where(l => l.StartsWith("#line", System.StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(directives);
        foreach (string directive in directives)
        {
            Match m = Regex.Match(directive, "^#line (?:(?<line>\\d+) \"Templates\\.cs\"|hidden|default)$");
            Assert.True(m.Success, "unexpected directive: " + directive);
            if (m.Groups["line"].Success)
            {
                Assert.InRange(int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), 8, templateLines);
            }
        }

        // The state machine's own plumbing (the method's braces, dispatch, states) is hidden from the debugger rather than
        // attributed to a template line: the directive stands right before the method.
        string[] lines = text.Split('\n');
        int resume = System.Array.FindIndex(lines, l => l.Contains("protected override bool Resume()", System.StringComparison.Ordinal));
        Assert.Equal("#line hidden", lines[resume - 1]);
        Assert.DoesNotContain(lines.Skip(resume).TakeWhile(l => !l.Contains("switch", System.StringComparison.Ordinal)), l => l.StartsWith("#line", System.StringComparison.Ordinal) && l != "#line hidden");
        Assert.EndsWith("#line default", directives[directives.Length - 1]);
    }

    [Fact]
    public void ThePackagePropsMakeThePropertyVisibleToTheGenerator()
    {
        string props = Path.Combine(RepositoryRoot(), "runtime", "CoroGen", "build", "CoroGen.props");
        XDocument document = XDocument.Load(props);
        Assert.Contains(document.Descendants("CompilerVisibleProperty"), e => (string?)e.Attribute("Include") == "CoroGenLineDirectives");
        Assert.Contains(document.Descendants("CoroGenLineDirectives"), e => e.Value == "true");
    }

    internal static string Generate(AnalyzerConfigOptionsProvider options, string source = Source)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions, optionsProvider: options);
        driver = driver.RunGenerators(GeneratorHarness.Compile(source));
        return driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    private static BuildProperties Lines(string? value) => new(("CoroGenLineDirectives", value));
}
