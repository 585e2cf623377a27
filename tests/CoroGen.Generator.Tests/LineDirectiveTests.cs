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

    // A Debug build keeps a sequence point for labels, closing braces and every member: each one that the debugger can stop
    // at must be a template line, or it would stop in the generated file (a step returning from a suspension point through
    // Resume's closing brace, a step into the factory or the constructor).
    [Theory]
    [MemberData(nameof(GoldenTemplates))]
    public void InADebugBuildEveryVisibleSequencePointIsOnTheTemplatesText(string name)
    {
        string source = File.ReadAllText(Path.Combine(System.AppContext.BaseDirectory, "Baselines", name + ".cs"));
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, lineDirectives: true);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(OptimizationLevel.Debug, run.Output.Options.OptimizationLevel);
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        Compilation output = WithEncodings(run.Output);
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
        Assert.Empty(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        pdb.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdb);
        System.Reflection.Metadata.MetadataReader reader = provider.GetMetadataReader();
        var wrong = new System.Collections.Generic.List<string>();
        foreach (System.Reflection.Metadata.MethodDebugInformationHandle handle in reader.MethodDebugInformation)
        {
            foreach (System.Reflection.Metadata.SequencePoint point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                if (point.IsHidden)
                {
                    continue;
                }

                string document = reader.GetString(reader.GetDocument(point.Document).Name);
                if (document != GeneratorHarness.TemplatePath)
                {
                    wrong.Add($"{document}({point.StartLine},{point.StartColumn}): a generated line the debugger can stop at");
                }
            }
        }

        Assert.Empty(wrong);
    }

    // A label gets a sequence point of its own in Debug: mapped to the line after the code above it, it named that line in
    // the frame of an exception rethrown after an await foreach's disposal (the body's '{' instead of the await foreach).
    [Fact]
    public void InADebugBuildARethrowAfterAnAwaitForeachNamesTheAwaitForeachLine()
    {
        const string template = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using CoroGen;
            using CoroGen.Scheduling;

            public static partial class Host
            {
                private static async IAsyncEnumerable<int> Source() { yield return 1; await Task.Yield(); }

                [Coroutine]
                public static async Coroutine Each(Yielder<LoopRequest> co)
                {
                    await foreach (int x in Source())
                    {
                        await co.Sleep(1);
                        throw new InvalidOperationException("body");
                    }
                }

                public static string Run()
                {
                    try { new EventLoop(new VirtualTimeProvider()).Run(Each()); return "no exception"; }
                    catch (InvalidOperationException e) { return e.ToString(); }
                }
            }
            """;
        string trace = (string)DebugBuild(template).GetType("Host")!.GetMethod("Run")!.Invoke(null, null)!;
        int[] lines = Regex.Matches(trace, @"Templates\.cs:line (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(new[] { 17, 14, 23 }, lines); // the throw, the rethrow after DisposeAsync at the await foreach, the call in Run
    }

    // The template compiled as a Debug build with its generated code, loaded with its symbols.
    private static System.Reflection.Assembly DebugBuild(string source)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, lineDirectives: true);
        Assert.Empty(run.GeneratorDiagnostics);
        Compilation output = WithEncodings(run.Output);
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
        Assert.Empty(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        return new System.Runtime.Loader.AssemblyLoadContext("debug-lines", isCollectible: true).LoadFromStream(new MemoryStream(pe.ToArray()), new MemoryStream(pdb.ToArray()));
    }

    // Debug information needs each source text's encoding: the harness parses the template from a string.
    private static Compilation WithEncodings(Compilation output)
    {
        foreach (SyntaxTree tree in output.SyntaxTrees.Where(t => t.Encoding is null).ToList())
        {
            output = output.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.GetText().ToString(), System.Text.Encoding.UTF8)));
        }

        return output;
    }

    public static System.Collections.Generic.IEnumerable<object[]> GoldenTemplates() => GoldenFileTests.Inputs();

    [Fact]
    public void ThePackagePropsMakeThePropertyVisibleToTheGenerator()
    {
        string props = Path.Combine(RepositoryRoot(), "runtime", "CoroGen", "build", "CoroGen.props");
        XDocument document = XDocument.Load(props);
        Assert.Contains(document.Descendants("CompilerVisibleProperty"), e => (string?)e.Attribute("Include") == "CoroGenLineDirectives");
        Assert.Contains(document.Descendants("CoroGenLineDirectives"), e => e.Value == "true");
    }

    [Theory]
    [InlineData("/home/ci/repo/src/Templates.cs", null, "/home/ci/repo/src/Templates.cs")]
    [InlineData("/home/ci/repo/src/Templates.cs", "/home/ci/repo/=/_/", "/_/src/Templates.cs")]
    [InlineData("/home/ci/repo/src/Templates.cs", "/elsewhere/=/x/,/home/ci/=/_/", "/_/repo/src/Templates.cs")]
    [InlineData("C:\\build\\repo\\src\\Templates.cs", "C:\\build\\repo\\=/_/", "/_/src/Templates.cs")]
    // As csc reads /pathmap: both sides of an entry end with a separator ("/_//src" and "/_src" were written for these),
    // and a doubled ',' or '=' stands for itself.
    [InlineData("/home/ci/repo/src/Templates.cs", "/home/ci/repo=/_/", "/_/src/Templates.cs")]
    [InlineData("/home/ci/repo/src/Templates.cs", "/home/ci/repo/=/_", "/_/src/Templates.cs")]
    [InlineData("/home/ci/repo/src/Templates.cs", "/home/ci/repo=/_", "/_/src/Templates.cs")]
    [InlineData("/home/ci/repo/src/Templates.cs", "/home/ci/re=/x/,/home/ci/repo/=/_/,", "/_/src/Templates.cs")]
    [InlineData("/home/ci/a=b,c/src/Templates.cs", "/home/ci/a==b,,c/=/_/,", "/_/src/Templates.cs")]
    public void LineDirectivesNameTheFileThroughThePathMap(string path, string? pathMap, string expected)
    {
        // A deterministic build maps source paths in the PDB (PathMap): the #line directives, which the PDB and the embedded
        // generated files carry, must not keep the checkout's directory either.
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new BuildProperties(("CoroGenLineDirectives", "true"), ("PathMap", pathMap)));
        driver = driver.RunGenerators(GeneratorHarness.Compile(Source, path));
        string text = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        string escaped = expected.Replace("\\", "\\\\");
        Assert.Contains($" \"{escaped}\"\n", text.Replace("\r\n", "\n")); // #line N "file"
        Assert.DoesNotContain(pathMap is null ? "\"/_/" : path.Replace("\\", "\\\\"), text);
    }

    // A template file's own #line directives (a tool that generates templates writes them, as T4 and Razor do) map its lines
    // for the compiler: the generated #line directives name the mapped file and line, as the compiler would for the same
    // code in an ordinary method, including inside a statement copied whole; '#line hidden' stays hidden and '#line default'
    // maps back to the file. A relative file is next to the template's file, and goes through the path map like it.
    // State names and the state map keep the physical lines.
    private const string MappedSource = """
        using System;
        using CoroGen;

        namespace Samples;

        public static partial class Mapped
        {
        #line 500 "Mapped.tmpl"
            [Coroutine]
            public static async Coroutine Outer(bool flag, Yielder<int> co)
            {
                await co.Yield(1);
                if (flag)
                {
                    Console.Write("a");
        #line 900 "../gen/Inner.tmpl"
                    Console.Write("b");
                }
        #line hidden
                Console.Write("hidden");
        #line default
                await co.Yield(2);
            }
        }
        """;

    [Fact]
    public void TheTemplateFilesOwnLineDirectivesMapTheGeneratedLines()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new BuildProperties(("CoroGenLineDirectives", "true"), ("PathMap", "/src/=/_/")));
        driver = driver.RunGenerators(GeneratorHarness.Compile(MappedSource, "/src/app/Templates.cs"));
        string[] lines = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString().Replace("\r\n", "\n").Split('\n');

        // The directive that stands last before the first line containing 'code'.
        string DirectiveBefore(string code)
        {
            int at = System.Array.FindIndex(lines, l => l.Contains(code, System.StringComparison.Ordinal));
            Assert.True(at >= 0, "no generated line contains " + code);
            return lines.Take(at).Last(l => l.StartsWith("#line", System.StringComparison.Ordinal));
        }

        Assert.Equal("#line 503 \"/_/app/Mapped.tmpl\"", DirectiveBefore("return this.Yielded(Yield_Line12, 1);"));
        Assert.Equal("#line 504 \"/_/app/Mapped.tmpl\"", DirectiveBefore("if (this.@flag)"));
        Assert.Equal("#line 504 \"/_/app/Mapped.tmpl\"", DirectiveBefore("Console.Write(\"a\");"));
        Assert.Equal("#line 900 \"/_/gen/Inner.tmpl\"", DirectiveBefore("Console.Write(\"b\");"));
        Assert.Equal("#line hidden", DirectiveBefore("Console.Write(\"hidden\");"));
        Assert.Equal("#line 22 \"/_/app/Templates.cs\"", DirectiveBefore("return this.Yielded(Yield_Line22, 2);"));
        Assert.Contains(lines, l => l.Contains("<term>Yield_Line12 = 1</term>", System.StringComparison.Ordinal) && l.Contains("template line 12", System.StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("/src/", System.StringComparison.Ordinal));
    }

    [Fact]
    public void ThePackagePropsPassThePathMapToTheGenerator()
    {
        XDocument document = XDocument.Load(Path.Combine(RepositoryRoot(), "runtime", "CoroGen", "build", "CoroGen.props"));
        Assert.Contains(document.Descendants("CompilerVisibleProperty"), e => (string?)e.Attribute("Include") == "PathMap");

        // A CI build's PathMap is computed from SourceRoot only before CoreCompile, after the generator's properties were
        // written: the package's targets compute it first (.ci/package-smoke.sh builds a project twice to check it).
        XDocument targets = XDocument.Load(Path.Combine(RepositoryRoot(), "runtime", "CoroGen", "build", "CoroGen.targets"));
        Assert.Contains(targets.Descendants("Target"), e => (string?)e.Attribute("BeforeTargets") == "GenerateMSBuildEditorConfigFileShouldRun"
            && (string?)e.Attribute("DependsOnTargets") == "_SetPathMapFromSourceRoots");
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
