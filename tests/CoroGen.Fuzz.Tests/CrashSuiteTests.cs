using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CoroGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Fuzz.Tests;

/// <summary>
/// The generator never crashes and never hangs: every method of CoroGen's own sources and samples becomes a template,
/// with suspension points inserted at random statement boundaries, and goes through the generator; it must either
/// generate code or report diagnostics (never COROGEN099, never an exception), each batch within a time bound.
/// </summary>
public sealed class CrashSuiteTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper output;

    public CrashSuiteTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void EveryMethodOfTheProjectAsATemplate()
    {
        string root = RepositoryRoot();
        var files = new[] { "runtime", "generator", "samples", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var random = new Random(2026);
        int templates = 0, generated = 0, reported = 0;
        foreach (string file in files)
        {
            SyntaxNode tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            List<MethodDeclarationSyntax> methods = tree.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => m.Body is not null).ToList();
            if (methods.Count == 0)
            {
                continue;
            }

            string usings = string.Join("\n", tree.DescendantNodes().OfType<UsingDirectiveSyntax>().Select(u => u.ToString()).Distinct());
            var source = new StringBuilder(usings).Append("\nusing CoroGen;\n\npublic static partial class CrashHost\n{\n");
            int index = 0;
            foreach (MethodDeclarationSyntax method in methods)
            {
                source.Append("    [Coroutine]\n    public static async Coroutine<int> M").Append(index++).Append("(Yielder<int, int> co)\n");
                source.Append(WithSuspensions(method.Body!, random).ToFullString()).Append('\n');
            }

            source.Append("}\n");
            (int made, int diagnostics) = RunBounded(source.ToString(), file);
            templates += index;
            generated += made;
            reported += diagnostics;
        }

        output.WriteLine($"{files.Count} files, {templates} methods as templates: {generated} generated, {reported} diagnostics");
        Assert.True(templates > 500, "the suite should cover the project's methods");
    }

    [Fact]
    public void BrokenInputs()
    {
        string[] inputs =
        {
            "[Coroutine] async Coroutine F(Yielder<int> co) { await co.Yield(1); }", // outside any type
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) { await co.Yield(",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) => await co.Yield(1) }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) { while (true) { await co.Yield(1) } }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) { goto L; await co.Yield(1); L: ; } }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) { await co; await co.Yield(co); } }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine<int> F(Yielder<int> co) { return await F(co); } }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F<T>(Yielder<T> co) where T : struct { await co.Yield(default); } }",
            "using CoroGen; partial class C { [Coroutine] async Coroutine F(Yielder<int> co) { int x = await co.Yield(x); } }",
            "using CoroGen; partial class C { [Coroutine] extern async Coroutine F(Yielder<int> co); }",
            "using CoroGen; partial interface I { [Coroutine] async Coroutine F(Yielder<int> co) { await co.Yield(1); } }",
            "using CoroGen; partial record R(int A) { [Coroutine] async Coroutine F(Yielder<int> co) { await co.Yield(A); } }",
            "using CoroGen; partial struct S { int a; [Coroutine] async Coroutine F(Yielder<int> co) { await co.Yield(a); } }",
        };
        foreach (string input in inputs)
        {
            RunBounded(input, input);
        }
    }

    // Inserts `await co.Yield(0);` before random statements of every block.
    private static SyntaxNode WithSuspensions(BlockSyntax body, Random random)
    {
        StatementSyntax suspension = SyntaxFactory.ParseStatement("await co.Yield(0);\n");
        return body.ReplaceNodes(
            body.DescendantNodesAndSelf().OfType<BlockSyntax>(),
            (_, block) => block.WithStatements(SyntaxFactory.List(block.Statements.SelectMany(s => random.Next(3) == 0 ? new[] { suspension, s } : new[] { s }))));
    }

    private static (int Generated, int Diagnostics) RunBounded(string source, string origin)
    {
        Task<(int, int)> run = Task.Run(() => RunGenerator(source, origin));
        Assert.True(run.Wait(Bound), $"The generator did not finish within {Bound} on {origin}");
        return run.Result;
    }

    private static (int Generated, int Diagnostics) RunGenerator(string source, string origin)
    {
        var compilation = CSharpCompilation.Create(
            "Crash",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), "Crash.cs") },
            DifferentialRunner.References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new CoroutineGenerator()).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.True(result.Exception is null, $"The generator threw on {origin}: {result.Exception}");
        Diagnostic? internalError = result.Diagnostics.FirstOrDefault(d => d.Id == "COROGEN099");
        Assert.True(internalError is null, $"{internalError} on {origin}");
        return (result.GeneratedSources.Length, result.Diagnostics.Length);
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "CoroGen.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("CoroGen.sln not found above " + AppContext.BaseDirectory);
    }
}
