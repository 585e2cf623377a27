using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CoroGen.Generator;
using CoroGen.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>
/// Runs <see cref="TemplateSignatureAnalyzer"/> over source text in memory, and applies code fixes in an
/// <see cref="AdhocWorkspace"/> the way an IDE does: find the diagnostic, ask the provider for its actions, apply one.
/// </summary>
internal static class AnalyzerHarness
{
    public const string FilePath = "Templates.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(CoroGen.Coroutine).Assembly.Location))
            .ToImmutableArray();
    });

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    public static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create("Templates", new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, FilePath) }, References.Value, CompilationOptions);

    /// <summary>The analyzer's diagnostics, ordered by position; suppressed ones are included (see <see cref="Diagnostic.IsSuppressed"/>).</summary>
    public static ImmutableArray<Diagnostic> Analyze(string source) => Analyze(Compile(source));

    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
    {
        var options = new CompilationWithAnalyzersOptions(AnalyzerOptions(), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
        ImmutableArray<Diagnostic> diagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new TemplateSignatureAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>What a build shows: the analyzer's diagnostics plus the generator's, after running the generator.</summary>
    public static (ImmutableArray<Diagnostic> Analyzer, ImmutableArray<Diagnostic> Generator, GeneratorDriverRunResult Run) Build(string source)
    {
        CSharpCompilation compilation = Compile(source);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return (Analyze(output), generatorDiagnostics, driver.GetRunResult());
    }

    /// <summary>The compiler's errors in a build with the generator's output: what the user sees besides CoroGen's own diagnostics.</summary>
    public static ImmutableArray<Diagnostic> CompilerErrors(string source) =>
        CompilerDiagnostics(source).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

    /// <summary>The compiler's warnings and errors in a build with the generator's output, without those a #pragma suppressed.</summary>
    public static ImmutableArray<Diagnostic> CompilerDiagnostics(string source)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(Compile(source), out Compilation output, out _);
        return output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed).ToImmutableArray();
    }

    private static AnalyzerOptions AnalyzerOptions() => new(ImmutableArray<AdditionalText>.Empty);

    /// <summary>Applies the code fix that <paramref name="provider"/> offers for the first <paramref name="id"/> diagnostic, and returns the new text.</summary>
    public static async Task<string> ApplyFix(string source, CodeFixProvider provider, string id)
    {
        IReadOnlyList<CodeAction> actions = await Actions(source, provider, id, out Document document);
        CodeAction action = Assert.Single(actions);
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        SourceText text = await changed.GetDocument(document.Id)!.GetTextAsync();
        return text.ToString();
    }

    /// <summary>The code actions <paramref name="provider"/> registers for the first <paramref name="id"/> diagnostic.</summary>
    public static Task<IReadOnlyList<CodeAction>> Actions(string source, CodeFixProvider provider, string id, out Document document)
    {
        var workspace = new AdhocWorkspace();
        ProjectInfo project = ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Templates", "Templates", LanguageNames.CSharp,
            compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References.Value);
        Solution solution = workspace.CurrentSolution.AddProject(project);
        DocumentId documentId = DocumentId.CreateNewId(project.Id);
        solution = solution.AddDocument(documentId, FilePath, SourceText.From(source), filePath: FilePath);
        document = solution.GetDocument(documentId)!;
        return CollectActions(document, provider, id);
    }

    private static async Task<IReadOnlyList<CodeAction>> CollectActions(Document document, CodeFixProvider provider, string id)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        Diagnostic diagnostic = Analyze(compilation).First(d => d.Id == id);
        Assert.Contains(id, provider.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }
}
