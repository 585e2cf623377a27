using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The generated code compiles for every user the package supports: C# 10 (the minimum) to the latest, nullable enabled
/// with warnings as errors or disabled (in the project or in the template's file), implicit usings on or off, every warning
/// wave. It adds no warning of its own, and no language requirement beyond the template's own syntax. Below C# 10 every
/// template gets one COROGEN019 instead of errors in generated code.
/// </summary>
public sealed class GeneratedCodeCompatibilityTests
{
    private static readonly string Root = LineDirectiveTests.RepositoryRoot();

    // What the SDK adds for <ImplicitUsings>enable</ImplicitUsings> in a console project.
    internal const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static IEnumerable<object[]> Settings() => new[]
    {
        new object[] { "C# 10, nullable enabled, warnings as errors" },
        new object[] { "C# 11, nullable enabled, warnings as errors" },
        new object[] { "C# 12, nullable enabled, warnings as errors" },
        new object[] { "C# 12, nullable disabled in the project" },
        new object[] { "C# 12, #nullable disable in the template's file" },
        new object[] { "C# 12, implicit usings" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void TheTemplateCorpusCompilesWithoutErrorsOrWarningsInGeneratedCode(string setting)
    {
        // The end-to-end templates (with the tests beside them, which use them) form one compilation, named like the test
        // project so that the runtime's internals it uses stay visible; each golden template is a compilation of its own.
        var corpora = new List<(string Name, (string Path, string Text)[] Files)>
        {
            // Files named *.CSharp13.cs and *.CSharp14.cs hold templates written in C# 13 or 14 syntax, which the versions checked here cannot parse.
            ("tests/CoroGen.Tests", Directory.GetFiles(Path.Combine(Root, "tests", "CoroGen.Tests"), "*.cs")
                .Where(f => !f.EndsWith(".CSharp13.cs", StringComparison.Ordinal) && !f.EndsWith(".CSharp14.cs", StringComparison.Ordinal))
                .Append(Path.Combine(Root, "tests", "Shared", "CoroutineDriver.cs"))
                .Select(f => (f, File.ReadAllText(f))).ToArray()),
        };
        corpora.AddRange(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Baselines"), "*.cs")
            .Select(f => ("Baselines/" + Path.GetFileName(f), new[] { (f, File.ReadAllText(f)) })));
        corpora.Add(("clashing names", new[] { ("Clashes.cs", NameClashTests.Corpus) }));

        var problems = new List<string>();
        int generated = 0;
        foreach ((string name, (string Path, string Text)[] files) in corpora)
        {
            (Compilation output, ImmutableArray<SyntaxTree> templates, int sources) = Build(setting, files);
            generated += sources;
            ImmutableArray<Diagnostic> diagnostics = output.GetDiagnostics();
            // A template that uses newer syntax than the project's version gets "Feature '...' is not available" errors on
            // its own lines: the generated code copies those lines, and may repeat exactly those errors and no others.
            var templateFeatures = new HashSet<string>(diagnostics.Where(d => d.Location.SourceTree is { } tree && templates.Contains(tree)).Where(IsUnavailableFeature).Select(d => d.GetMessage()));
            // Likewise a warning that the template's own line gets (CS1717 for `(a, b) = (await ..., b)`) comes back from the
            // copy of that line, which #line maps to the same file and line: the same warning, already the user's to see.
            var templateWarnings = new HashSet<(string, string, int)>(diagnostics
                .Where(d => d.DefaultSeverity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && templates.Contains(tree)) // a warning, even one made an error
                .Select(MappedLine));
            problems.AddRange(diagnostics
                .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !templates.Contains(tree))
                .Where(d => !(IsUnavailableFeature(d) && templateFeatures.Contains(d.GetMessage())))
                .Where(d => !(d.DefaultSeverity == DiagnosticSeverity.Warning && templateWarnings.Contains(MappedLine(d))))
                .Select(d => $"{name}: {d} | {d.Location.SourceTree!.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim()}"));
            Assert.DoesNotContain(diagnostics, d => d.Id == "CS8785"); // the generator itself never fails
        }

        Assert.True(generated > 300, $"only {generated} generated files: the corpus did not load");
        Assert.True(problems.Count == 0, $"{setting}: {problems.Count} diagnostics in generated code:\n" + string.Join("\n", problems.Take(30)));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.CSharp8)]
    [InlineData(LanguageVersion.CSharp7_3)]
    public void BelowCSharp10EachTemplateGetsOneClearDiagnosticAndNoGeneratedCode(LanguageVersion version)
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", "Delegation.cs"))
            .Replace("namespace Samples;", "namespace Samples {") + "\n}\n"; // the one C# 10 feature of the file, for C# 9 syntax
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, languageVersion: version);

        Assert.Null(run.Exception);
        Assert.Empty(run.Sources);
        Diagnostic[] reported = run.GeneratorDiagnostics.ToArray();
        Assert.Equal(2, reported.Length); // CountDown and Launch
        Assert.All(reported, d =>
        {
            Assert.Equal("COROGEN019", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Contains($"is compiled as C# {version.ToDisplayString()}", d.GetMessage());
            Assert.Contains("set <LangVersion> to 10 or later", d.GetMessage());
        });
        Assert.Contains(reported, d => d.GetMessage().Contains("'CountDown'"));
    }

    [Fact]
    public void AtCSharp10TheSameTemplatesGenerate()
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", "Delegation.cs"));
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, languageVersion: LanguageVersion.CSharp10);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(2, run.Sources.Count());
        Assert.Empty(run.CompilationErrors);
    }

    // A template C# rejects as an async method gets the compiler's error on its own line, and no generated code to repeat it.
    [Theory]
    [InlineData("ref int x", "CS1988")]
    [InlineData("System.Span<int> xs", "CS4012")]
    public void AParameterAsyncMethodsCannotHaveGetsOnlyTheCompilersError(string parameter, string error)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run($$"""
            using CoroGen;

            public static partial class Host
            {
                [Coroutine]
                public static async Coroutine F({{parameter}}, Yielder<int> co) { await co.Yield(1); }
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.Sources);
        Assert.Equal(new[] { error }, run.CompilationErrors.Select(d => d.Id));
    }

    // A static template named Main (docs/scheduler.md runs `loop.Run(Main())`) gets a factory Main() that the compiler takes
    // for an entry point candidate; in a program it warns on the template (the user's own method) but not on the factory.
    [Theory]
    [InlineData("TopLevelStatements.cs", "System.Console.WriteLine(string.Join(\" \", Program.Main()));")]
    [InlineData("ClassicMain.cs", "static class Start { static void Main() => System.Console.WriteLine(string.Join(\" \", Program.Main())); }")]
    public void AFactoryNamedMainAddsNoEntryPointWarning(string path, string entryPoint)
    {
        const string templates = """
            using CoroGen;

            public static partial class Program
            {
                [Coroutine]
                public static async Coroutine Main(Yielder<int> co) { await co.Yield(1); }

                [Coroutine]
                public static async Coroutine Main<T>(T value, Yielder<T> co) { await co.Yield(value); }
            }

            public static partial class Generic<T>
            {
                [Coroutine]
                public static async Coroutine Main(T value, Yielder<T> co) { await co.Yield(value); }
            }
            """;
        Compilation output = GeneratorHarness.RunFiles(OutputKind.ConsoleApplication, (path, entryPoint), ("Templates.cs", templates));
        SyntaxTree[] generatedTrees = output.SyntaxTrees.Skip(2).ToArray();

        ImmutableArray<Diagnostic> diagnostics = output.GetDiagnostics();
        Assert.Equal(3, generatedTrees.Length);
        Assert.Contains(diagnostics, d => d.Id is "CS0028" or "CS0402" or "CS7022" && d.Location.SourceTree?.FilePath == "Templates.cs"); // the template's own
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && generatedTrees.Contains(d.Location.SourceTree)));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id is not ("CS0028" or "CS0402" or "CS7022"));
    }

    // A template whose type parameter has the name of its type's (CS0693 on the template): in the generated class nested in
    // that type the name would mean the class's own type parameter, so the type of the template's 'this' (`Box<T>`) could
    // not be named there (it was CS1503 in generated code), and the factory and the class repeated the warning. COROGEN014
    // says to rename it, and the template's CS0693 is the only warning.
    [Fact]
    public void ATypeParameterNamedLikeTheOuterTypesIsCOROGEN014AndWarnedOnceOnTheTemplate()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run("""
            using CoroGen;

            public partial class Box<T>
            {
                [Coroutine]
                public static async Coroutine<T> Echo<T>(T value, Yielder<T> co) { await co.Yield(value); return value; }

                public partial class Inner
                {
                    [Coroutine]
                    public async Coroutine Pair<U, T>(U u, T t, Yielder<T> co) { await co.Yield(t); }
                }

                [Coroutine]
                public async Coroutine<T> Fine<U>(U u, Yielder<U> co) { await co.Yield(u); return default!; }
            }
            """);
        Assert.Null(run.Exception);
        Assert.Equal(new[] { ("COROGEN014", "Templates.cs", 5), ("COROGEN014", "Templates.cs", 10) }, run.GeneratorDiagnostics.Select(MappedLine).OrderBy(l => l.Line));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Contains("the type parameter 'T' of 'Box<T>' (CS0693), which its type parameter 'T' hides in the generated class nested there; rename the template's type parameter 'T'", d.GetMessage()));
        Assert.Equal(new[] { ("CS0693", "Templates.cs", 5), ("CS0693", "Templates.cs", 10) },
            run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(MappedLine).OrderBy(l => l.Line));
        Assert.Single(run.Sources); // Fine's
    }

    private static (string Id, string Path, int Line) MappedLine(Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetMappedLineSpan();
        return (d.Id, span.Path, span.StartLinePosition.Line);
    }

    private static bool IsUnavailableFeature(Diagnostic d) =>
        d.Severity == DiagnosticSeverity.Error && Regex.IsMatch(d.GetMessage(), "^Feature '.*' is not available in C# ");

    private static (Compilation Output, ImmutableArray<SyntaxTree> Templates, int Sources) Build(string setting, (string Path, string Text)[] files)
    {
        LanguageVersion version = setting.StartsWith("C# 10", StringComparison.Ordinal) ? LanguageVersion.CSharp10
            : setting.StartsWith("C# 11", StringComparison.Ordinal) ? LanguageVersion.CSharp11 : LanguageVersion.CSharp12;
        var parseOptions = new CSharpParseOptions(version);
        bool fileDisable = setting.Contains("#nullable disable", StringComparison.Ordinal);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(fileDisable ? "#nullable disable\n" + f.Text : f.Text, parseOptions, f.Path)).ToList();
        if (setting.Contains("implicit usings", StringComparison.Ordinal))
        {
            trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, "GlobalUsings.g.cs"));
        }

        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: setting.Contains("disabled in the project", StringComparison.Ordinal) ? NullableContextOptions.Disable : NullableContextOptions.Enable,
            generalDiagnosticOption: setting.Contains("warnings as errors", StringComparison.Ordinal) ? ReportDiagnostic.Error : ReportDiagnostic.Default,
            warningLevel: 9999); // AnalysisLevel latest: every warning wave
        CSharpCompilation compilation = CSharpCompilation.Create(
            "CoroGen.Tests",
            trees,
            GeneratorHarness.MetadataReferences.Add(MetadataReference.CreateFromFile(typeof(Assert).Assembly.Location)).Add(MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location)),
            options);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: parseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (output, trees.ToImmutableArray(), driver.GetRunResult().GeneratedTrees.Length);
    }
}
