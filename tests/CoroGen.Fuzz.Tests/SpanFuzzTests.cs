using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Fuzz.Tests;

/// <summary>
/// Differential fuzzing of span and ref locals (COROGEN007's liveness rule): random templates declare Span&lt;int&gt; and
/// ref int locals and use them around suspension points. C# 13 rejects those where one is live across an await (the
/// template is skipped), CoroGen may refuse more (COROGEN007, counted), and every template CoroGen accepts must compile with
/// its generated code and agree with the oracle under Send, Throw and Close at every suspension point. CI runs a few;
/// run more with <c>COROGEN_SPANFUZZ_PROGRAMS=5000 COROGEN_SPANFUZZ_SEED=1000 dotnet test tests/CoroGen.Fuzz.Tests --filter
/// FullyQualifiedName~SpanFuzzTests</c>.
/// </summary>
public sealed class SpanFuzzTests
{
    private const int TemplatesPerBatch = 40;

    // No delegation, so that a template C# or CoroGen refuses can be dropped from its batch.
    private const TemplateFeatures Features = (TemplateFeatures.Supported & ~TemplateFeatures.Delegation) | TemplateFeatures.SpanLocals;

    // How C# 13 refuses a ref local, a ref struct local or a reference it would have to keep across an await.
    private static readonly HashSet<string> LiveAcrossAwait = new() { "CS4007", "CS9217", "CS8178" };

    private readonly ITestOutputHelper output;

    public SpanFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void SpanAndRefLocalTemplatesAreRefusedOrAgreeWithTheOracle()
    {
        int programs = Environment.GetEnvironmentVariable("COROGEN_SPANFUZZ_PROGRAMS") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 80;
        int firstSeed = Environment.GetEnvironmentVariable("COROGEN_SPANFUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1;
        var failures = new List<string>();
        var refusedExamples = new List<string>();
        var skippedBy = new SortedDictionary<string, int>();
        var refusedBecause = new SortedDictionary<string, int>();
        int run = 0, skipped = 0, refused = 0, acrossSuspension = 0;
        for (int batch = 0; run < programs; batch++)
        {
            int seed = firstSeed + batch;
            int count = Math.Min(TemplatesPerBatch, programs - run);
            string source = RandomTemplates.Prelude + RandomTemplates.SpanPrelude + new RandomTemplates(seed, Features).WriteClass("Batch", count);
            run += count;

            // What C# rejects is skipped; any other error is the writer's. C# finds a local live across an await only as it
            // lowers the method, so emitting.
            var rejected = new HashSet<string>();
            foreach (Diagnostic error in DifferentialRunner.Compile(source).Emit(Stream.Null).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                if (LiveAcrossAwait.Contains(error.Id) && TemplateAt(source, error.Location) is { } template)
                {
                    Count(skippedBy, error.Id);
                    rejected.Add(template);
                }
                else
                {
                    failures.Add($"invalid template (a bug in the random writer), seed {seed}: {error}");
                }
            }

            skipped += rejected.Count;
            source = Without(source, rejected);

            // What CoroGen refuses with COROGEN007 is counted; any other diagnostic is a failure.
            GeneratorRunResult generated = DifferentialRunner.Generate(DifferentialRunner.Compile(source), out _);
            if (generated.Exception is not null)
            {
                failures.Add($"generator crashed, seed {seed}: {generated.Exception}");
                continue;
            }

            var refusedHere = new HashSet<string>();
            foreach (Diagnostic diagnostic in generated.Diagnostics)
            {
                string? template = TemplateAt(source, diagnostic.Location);
                if (diagnostic.Id == "COROGEN007" && template is not null)
                {
                    string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
                    Count(refusedBecause, Regex.Replace(Regex.Replace(message, "'[^']*'", "'_'"), @"\d+", "N"));
                    if (refusedHere.Add(template) && refusedExamples.Count < 6 && refusedExamples.All(e => !e.Contains(message.Substring(message.IndexOf(", which", StringComparison.Ordinal) + 1), StringComparison.Ordinal)))
                    {
                        refusedExamples.Add($"seed {seed} {template}: {message}\n{TemplateText(source, template)}");
                    }
                }
                else
                {
                    failures.Add($"generator rejected a valid template, seed {seed}: {diagnostic}\n{(template is null ? string.Empty : TemplateText(source, template))}");
                    refusedHere.Add(template ?? "-");
                }
            }

            refused += refusedHere.Count;
            source = Without(source, refusedHere);

            acrossSuspension += Templates(source).Count(t => SuspendsInTheScopeOfARefLocal(source, t));

            // What CoroGen accepts must compile with the generated code and behave as the oracle does.
            foreach (FuzzFailure failure in DifferentialRunner.Run(source, "Batch", name => FuzzTests.Scripts(seed, name, source)))
            {
                failures.Add($"seed {seed}: " + (failure.Template == "-" ? Isolate(failure, source) : FuzzTests.Report(failure, seed, output, "Span", refusalFails: false)));
            }
        }

        int accepted = run - skipped - refused;
        output.WriteLine($"{run} span and ref local templates: {skipped} rejected by C# ({string.Join(", ", skippedBy.Select(k => $"{k.Key} {k.Value}"))}), "
            + $"{refused} refused by CoroGen (COROGEN007), {accepted} accepted and run against the oracle "
            + $"({acrossSuspension} of them with a span or ref local whose scope contains a suspension point), {failures.Count} failures");
        foreach (string failure in failures)
        {
            output.WriteLine("FAILURE " + failure.Split('\n')[0]);
        }

        foreach ((string reason, int times) in refusedBecause.OrderByDescending(r => r.Value))
        {
            output.WriteLine($"  COROGEN007 x{times}: {reason}");
        }

        foreach (string example in refusedExamples)
        {
            output.WriteLine("--- accepted by C#, refused by CoroGen: " + example);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));

        // Not vacuous: most templates C# accepts reach the differential run.
        Assert.True(accepted * 2 >= run - skipped, $"only {accepted} of the {run - skipped} templates C# accepts were accepted by CoroGen");
        Assert.True(accepted * 4 >= run, $"only {accepted} of {run} templates were run against the oracle");
        Assert.True(acrossSuspension * 4 >= accepted, $"only {acrossSuspension} of the {accepted} templates run against the oracle keep a span or ref local in a Resume that suspends within its scope");
    }

    [Fact]
    public void TheSpanWriterIsDeterministicAndUsesEveryConstruct()
    {
        string text = new RandomTemplates(7, Features).WriteClass("Batch", 300);
        Assert.Equal(text, new RandomTemplates(7, Features).WriteClass("Batch", 300));
        foreach (string construct in new[]
        {
            "Span<int> s", "scoped Span<int>", "stackalloc int[", "stackalloc int[] {", ".AsSpan(", ".Slice(", "..];", "out Span<int> s", "new Span<int>(ref x)",
            "ref int r", "= ref a[", "= ref x;", "? ref ", "Spans.Put(out ", ".Fill(", "foreach (ref int", "await co.Yield(s", "await co.Yield(r",
            "do\n", "goto L", "goto K", "catch (", "finally", "using (", "switch (", "while (", "for (",
        })
        {
            Assert.Contains(construct, text, StringComparison.Ordinal);
        }

        Assert.Matches(@"case \d:\n\s+(scoped )?Span<int> s", text); // declared by a switch section's own statement
    }

    // A batch that does not build names no template: build each of its templates alone to find the ones at fault.
    private static string Isolate(FuzzFailure failure, string source)
    {
        List<string> templates = Templates(source).ToList();
        var culprits = new List<string>();
        foreach (string template in templates)
        {
            if (!DifferentialRunner.TryBuild(Without(source, templates.Where(t => t != template).ToHashSet()), out _, out var context, out FuzzFailure? alone))
            {
                culprits.Add($"{template}: {alone!.Kind}\n{alone.Expected}\n{TemplateText(source, template)}");
            }
            else
            {
                context!.Unload();
            }
        }

        return culprits.Count == 0 ? failure.ToString() : $"{failure.Kind}:\n" + string.Join("\n\n", culprits.Take(3));
    }

    // Whether a span or ref local of the template has a suspension point after its declaration, in its scope: the templates
    // for which COROGEN007's liveness rule decides something.
    private static bool SuspendsInTheScopeOfARefLocal(string source, string template) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == template)
            .DescendantNodes().OfType<LocalDeclarationStatementSyntax>()
            .Where(d => d.Declaration.Type is RefTypeSyntax || d.Declaration.Type.ToString() == "Span<int>")
            .Any(d => d.Parent is BlockSyntax block && block.Statements.SkipWhile(s => s != d).Any(s => s.DescendantNodes().OfType<AwaitExpressionSyntax>().Any()));

    private static IEnumerable<string> Templates(string source) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Where(m => m.AttributeLists.Any()).Select(m => m.Identifier.ValueText);

    // The generator's diagnostics carry a file and a line span but no syntax tree: find the template by its lines.
    private static string? TemplateAt(string source, Location location)
    {
        int line = location.GetLineSpan().StartLinePosition.Line;
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source);
        return tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.AttributeLists.Any() && m.GetLocation().GetLineSpan() is var span && span.StartLinePosition.Line <= line && line <= span.EndLinePosition.Line)
            ?.Identifier.ValueText;
    }

    private static string Without(string source, ISet<string> templates)
    {
        if (templates.Count == 0)
        {
            return source;
        }

        SyntaxNode root = CSharpSyntaxTree.ParseText(source).GetRoot();
        return root.RemoveNodes(root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => templates.Contains(m.Identifier.ValueText)), SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
    }

    private static string TemplateText(string source, string template) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == template).ToFullString();

    private static void Count(IDictionary<string, int> counts, string key) => counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;
}
