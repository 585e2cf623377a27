using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using CoroGen.Generator;
using CoroGen.Templates;
using CoroGen.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Fuzz.Tests;

/// <summary>One disagreement between a generated class and the oracle, or a template the pipeline failed on.</summary>
public sealed record FuzzFailure(string Kind, string Source, string Template, string Script, string Expected, string Actual)
{
    public override string ToString() =>
        $"{Kind} in {Template}\nscript: {Script}\n--- oracle ---\n{Expected}\n--- generated ---\n{Actual}\n--- source ---\n{Source}";
}

/// <summary>
/// Compiles templates with the CoroGen generator, loads them, and runs each driver script twice: on the generated class
/// and on the oracle (the C# compiler's own lowering of the same template method). The traces must be identical.
/// </summary>
public static class DifferentialRunner
{
    internal static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Coroutine).Assembly.Location))
            .ToImmutableArray());

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Runs every template of <paramref name="source"/> (class Fuzz.<paramref name="className"/>, templates T0..Tn) against its scripts.</summary>
    public static List<FuzzFailure> Run(string source, string className, Func<string, IEnumerable<CoroutineOp[]>> scripts)
    {
        var failures = new List<FuzzFailure>();
        if (!TryBuild(source, out Assembly? assembly, out AssemblyLoadContext? context, out FuzzFailure? buildFailure))
        {
            failures.Add(buildFailure!);
            return failures;
        }

        try
        {
            Type host = assembly!.GetType("Fuzz." + className, throwOnError: true)!;
            foreach (MethodInfo template in TemplatesOf(host))
            {
                foreach (CoroutineOp[] script in scripts(template.Name))
                {
                    FuzzFailure? failure = Compare(host, template, script, source);
                    if (failure is not null)
                    {
                        failures.Add(failure);
                        break; // one script per template is enough to report it
                    }
                }
            }
        }
        finally
        {
            context!.Unload();
        }

        return failures;
    }

    /// <summary>Compares one template with one script in a fresh build; null when they agree. Regression tests call this.</summary>
    public static FuzzFailure? CompareOne(string source, string className, string templateName, CoroutineOp[] script)
    {
        if (!TryBuild(source, out Assembly? assembly, out AssemblyLoadContext? context, out FuzzFailure? buildFailure))
        {
            return buildFailure;
        }

        try
        {
            Type host = assembly!.GetType("Fuzz." + className, throwOnError: true)!;
            return Compare(host, TemplatesOf(host).Single(m => m.Name == templateName), script, source);
        }
        finally
        {
            context!.Unload();
        }
    }

    private static IEnumerable<MethodInfo> TemplatesOf(Type host) =>
        host.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<CoroutineAttribute>() is not null)
            .OrderBy(m => int.Parse(m.Name.Substring(1), System.Globalization.CultureInfo.InvariantCulture));

    private static FuzzFailure? Compare(Type host, MethodInfo template, CoroutineOp[] script, string source)
    {
        var templateCall = template.CreateDelegate<Func<List<string>, Yielder<int, int>, Coroutine<int>>>();
        var factory = host.GetMethod(template.Name, new[] { typeof(List<string>) })!.CreateDelegate<Func<List<string>, Coroutine<int>>>();
        string expected = CoroutineDriver.Trace(log => TemplateOracle.Run<int, int, int>(co => templateCall(log, co)), script);
        string actual = CoroutineDriver.Trace(log => (Coroutine<int, int, int>)factory(log), script);
        return expected == actual
            ? null
            : new FuzzFailure("trace mismatch", source, template.Name, string.Join(", ", script.Select(s => s.ToString())), expected, actual);
    }

    /// <summary>Compiles <paramref name="source"/>, runs the generator on it and loads the result into a collectible context (unload it when done).</summary>
    internal static bool TryBuild(string source, out Assembly? assembly, out AssemblyLoadContext? context, out FuzzFailure? failure)
    {
        assembly = null;
        context = null;
        failure = null;
        CSharpCompilation compilation = Compile(source);
        Diagnostic[] templateErrors = TemplateErrors(compilation);
        if (templateErrors.Length > 0)
        {
            failure = new FuzzFailure("invalid template (a bug in the random writer)", source, "-", "-", string.Join("\n", templateErrors.Take(5)), string.Empty);
            return false;
        }

        GeneratorRunResult run = Generate(compilation, out Compilation output);
        if (run.Exception is not null || run.Diagnostics.Length > 0)
        {
            failure = new FuzzFailure("generator rejected a valid template", source, "-", "-", run.Exception?.ToString() ?? string.Join("\n", run.Diagnostics), string.Empty);
            return false;
        }

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        if (!emitted.Success)
        {
            string generated = string.Join("\n", run.GeneratedSources.Select(s => s.SourceText.ToString()));
            failure = new FuzzFailure("generated code does not compile", source, "-", "-", string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)), generated);
            return false;
        }

        stream.Position = 0;
        context = new AssemblyLoadContext("fuzz", isCollectible: true);
        assembly = context.LoadFromStream(stream);
        return true;
    }

    /// <summary>The templates' compilation, before the generator runs.</summary>
    internal static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "Fuzz" + Guid.NewGuid().ToString("N"),
        new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, "Fuzz.cs") },
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The errors C# reports in the templates themselves (calls to the factories the generator adds aside).</summary>
    internal static Diagnostic[] TemplateErrors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !IsMissingFactory(d)).ToArray();

    /// <summary>Runs the generator on <paramref name="compilation"/>; <paramref name="output"/> includes the generated code.</summary>
    internal static GeneratorRunResult Generate(Compilation compilation, out Compilation output)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out output, out ImmutableArray<Diagnostic> _);
        return driver.GetRunResult().Results.Single();
    }

    // Before generation, calls to factories (the template's name without the Yielder) do not bind yet.
    private static bool IsMissingFactory(Diagnostic d) => d.Id is "CS7036" or "CS1501";

    /// <summary>
    /// Shrinks a failing template: removes statements of the failing template one at a time while the failure persists,
    /// then drops script operations the same way. Returns the smallest source and script found.
    /// </summary>
    /// <param name="refusalFails">Whether a candidate the generator reports a diagnostic for still fails (not where the
    /// generator may refuse templates, as with span and ref locals).</param>
    public static (string Source, CoroutineOp[] Script) Minimise(string source, string className, string templateName, CoroutineOp[] script, bool refusalFails = true)
    {
        bool Fails(string s, CoroutineOp[] ops) => CompareOne(s, className, templateName, ops) is { Kind: var kind }
            && (kind is "trace mismatch" or "generated code does not compile" || (refusalFails && kind == "generator rejected a valid template"));

        bool progress = true;
        while (progress)
        {
            progress = false;
            SyntaxNode root = CSharpSyntaxTree.ParseText(source, ParseOptions).GetRoot();
            MethodDeclarationSyntax method = root.DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == templateName);
            foreach (StatementSyntax statement in method.Body!.DescendantNodes().OfType<StatementSyntax>().Where(s => s.Parent is BlockSyntax).Reverse().ToList())
            {
                string candidate = root.RemoveNode(root.DescendantNodes().OfType<StatementSyntax>().First(s => s.Span == statement.Span), SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
                if (Fails(candidate, script))
                {
                    source = candidate;
                    progress = true;
                    break;
                }
            }
        }

        for (int i = script.Length - 1; i >= 0; i--)
        {
            CoroutineOp[] shorter = script.Where((_, index) => index != i).ToArray();
            if (shorter.Length > 0 && Fails(source, shorter))
            {
                script = shorter;
            }
        }

        return (source, script);
    }
}
