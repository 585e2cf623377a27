using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using CoroGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CoroGen.Generator.Tests;

/// <summary>Runs the CoroGen generator over source text in memory, the way the compiler does in a build.</summary>
internal static class GeneratorHarness
{
    public const string TemplatePath = "Templates.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(CoroGen.Coroutine).Assembly.Location))
            .ToImmutableArray();
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The references every in-memory compilation gets: the framework and the CoroGen runtime.</summary>
    public static ImmutableArray<MetadataReference> MetadataReferences => References.Value;

    public static CSharpCompilation Compile(string source, string path = TemplatePath, CSharpParseOptions? parseOptions = null, bool allowUnsafe = false) =>
        CSharpCompilation.Create(
            "Templates",
            new[] { CSharpSyntaxTree.ParseText(source, parseOptions ?? ParseOptions, path) },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe));

    /// <summary>
    /// Runs the generator as a build does; <paramref name="languageVersion"/> is the project's LangVersion (latest if null),
    /// <paramref name="allowUnsafe"/> its AllowUnsafeBlocks.
    /// </summary>
    public static GeneratorRun Run(string source, bool lineDirectives = false, LanguageVersion? languageVersion = null, bool allowUnsafe = false)
    {
        CSharpParseOptions parseOptions = languageVersion is { } v ? new CSharpParseOptions(v) : ParseOptions;
        CSharpCompilation compilation = Compile(source, TemplatePath, parseOptions, allowUnsafe);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new CoroutineGenerator().AsSourceGenerator() },
            parseOptions: parseOptions,
            optionsProvider: new BuildProperties(("CoroGenLineDirectives", lineDirectives ? "true" : "false")),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _);
        return new GeneratorRun(driver, driver.GetRunResult(), output);
    }

    /// <summary>
    /// Runs the generator over several files compiled as <paramref name="kind"/> (a program with top-level statements, say),
    /// with warnings as errors at every warning wave, as a strict user project would; returns the compilation after it.
    /// </summary>
    public static Compilation RunFiles(OutputKind kind, params (string Path, string Text)[] files)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Program",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, f.Path)),
            References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error, warningLevel: 9999));
        CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return output;
    }

    /// <summary>Runs the generator over one template file that must generate cleanly; returns its one generated source.</summary>
    public static string GenerateOne(string source)
    {
        GeneratorRun run = Run(source);
        Xunit.Assert.Null(run.Exception);
        Xunit.Assert.Empty(run.GeneratorDiagnostics);
        Xunit.Assert.Empty(run.CompilationErrors);
        return run.Sources.Single().SourceText.ToString();
    }

    internal sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output)
    {
        public Exception? Exception => Result.Results.Single().Exception;

        public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

        public IEnumerable<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

        /// <summary>Errors of the whole compilation after generation: the generated code must compile.</summary>
        public IEnumerable<Diagnostic> CompilationErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>
        /// Checks what a template the lowering refused with <paramref name="id"/> generates: its class and factory with a body
        /// that only throws, which compile (no error in generated code: the template's diagnostic is the only thing to fix).
        /// </summary>
        public void AssertPlaceholder(string method, string id)
        {
            string text = Sources.Single(s => s.HintName.EndsWith("." + method + ".g.cs", StringComparison.Ordinal)).SourceText.ToString();
            Xunit.Assert.Contains($"throw new global::System.NotSupportedException(\"The [Coroutine] template ", text);
            Xunit.Assert.Contains($"was not generated because of {id}", text);
            Xunit.Assert.DoesNotContain("case ", text); // no state machine: nothing of the refused body was lowered
            Xunit.Assert.Empty(CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != TemplatePath).Select(d => d.ToString()));
        }
    }
}

/// <summary>The project's MSBuild properties as the compiler passes them to the generator (build_property.{name}).</summary>
internal sealed class BuildProperties : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
{
    private readonly Values global;

    /// <summary>The properties, as (name, value) pairs; a null value leaves the property out.</summary>
    public BuildProperties(params (string Name, string? Value)[] properties) =>
        global = new Values(properties.Where(p => p.Value is not null).ToDictionary(p => "build_property." + p.Name, p => p.Value!));

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions => global;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => global;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => global;

    private sealed class Values : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> values;

        public Values(Dictionary<string, string> values) => this.values = values;

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
