using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CoroGen.Generator.Analyzers;
using CoroGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The diagnostics catalogue agrees with itself: every descriptor has a row in AnalyzerReleases.*.md (same severity,
/// category and title), a page docs/diagnostics/{Id}.md (same title and severity) that its help link points at, and the
/// page's example really triggers it while the page's fixed version compiles clean.
/// </summary>
public sealed class CatalogueTests
{
    private const string HelpBase = "https://github.com/corogen/corogen/blob/main/docs/diagnostics/";

    private static readonly string Root = LineDirectiveTests.RepositoryRoot();

    private static string DocsDirectory => Path.Combine(Root, "docs", "diagnostics");

    public static IEnumerable<object[]> Ids() => DiagnosticDescriptors.All.Select(d => new object[] { d.Id });

    [Fact]
    public void DescriptorsHaveUniqueIdsAndHelpLinksToTheirPages()
    {
        Assert.Equal(DiagnosticDescriptors.All.Count, DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());
        Assert.All(DiagnosticDescriptors.All, d =>
        {
            Assert.Matches("^COROGEN[0-9]{3}$", d.Id);
            Assert.Equal(HelpBase + d.Id + ".md", d.HelpLinkUri);
            Assert.Equal("CoroGen", d.Category);
            Assert.True(d.IsEnabledByDefault);
            Assert.False(d.Title.ToString().EndsWith(".", StringComparison.Ordinal), d.Id + ": a title is not a sentence");
            Assert.Same(d, DiagnosticDescriptors.ById(d.Id));
        });
    }

    [Fact]
    public void ReleaseFilesListEveryDescriptorOnceWithItsSeverityAndTitle()
    {
        var rows = new List<string[]>();
        foreach (string file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            rows.AddRange(File.ReadAllLines(Path.Combine(Root, "generator", "CoroGen.Generator", file))
                .Where(l => Regex.IsMatch(l, "^COROGEN[0-9]{3} *\\|"))
                .Select(l => l.Split('|').Select(c => c.Trim()).ToArray()));
        }

        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), rows.Select(r => r[0]).OrderBy(i => i, StringComparer.Ordinal));
        foreach (string[] row in rows)
        {
            DiagnosticDescriptor d = DiagnosticDescriptors.ById(row[0]);
            Assert.Equal(d.Category, row[1]);
            Assert.Equal(d.DefaultSeverity.ToString(), row[2]);
            Assert.Equal(d.Title.ToString(), row[3]);
        }
    }

    [Fact]
    public void EveryIdHasExactlyOnePageAndTheIndexLinksThemAll()
    {
        string[] pages = Directory.GetFiles(DocsDirectory, "COROGEN*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(p => p, StringComparer.Ordinal).ToArray()!;
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), pages);

        string index = File.ReadAllText(Path.Combine(DocsDirectory, "README.md"));
        Assert.All(DiagnosticDescriptors.All, d =>
        {
            Assert.Contains($"[{d.Id}]({d.Id}.md)", index);
            Assert.Contains($"| {d.Title} |", index);
        });
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ThePageNamesTheDiagnosticAsTheDescriptorDoes(string id)
    {
        DiagnosticDescriptor d = DiagnosticDescriptors.ById(id);
        string[] lines = File.ReadAllLines(Path.Combine(DocsDirectory, id + ".md"));
        Assert.Equal($"# {id}: {d.Title}", lines[0]);
        Assert.Contains($"| Severity | {d.DefaultSeverity} |", lines);
        bool byAnalyzer = new TemplateSignatureAnalyzer().SupportedDiagnostics.Any(s => s.Id == id);
        Assert.Contains(lines, l => l.StartsWith("| Reported by | " + (byAnalyzer ? "the analyzer" : "the generator"), StringComparison.Ordinal));
        foreach (string section in new[] { "## What it means", "## Why", "## How to fix", "## Suppressing it" })
        {
            Assert.Contains(section, lines);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ThePagesExampleTriggersItAndItsFixedVersionCompilesClean(string id)
    {
        string page = File.ReadAllText(Path.Combine(DocsDirectory, id + ".md"));
        string[] blocks = CodeBlocks(page);
        if (id == DiagnosticDescriptors.InternalError.Id || page.Contains("| Status | no longer reported"))
        {
            Assert.Empty(blocks); // a bug in CoroGen has no example to give
            return;
        }

        Assert.Equal(2, blocks.Length);
        ImmutableArray<Diagnostic> triggered = Build(blocks[0], out _);
        Assert.True(triggered.Any(d => d.Id == id), $"the example in docs/diagnostics/{id}.md no longer triggers {id} (it reports: {string.Join("; ", triggered)}). If the generator now lowers that construct, give the page an example it still reports, or retire the ID (see docs/diagnostics/README.md).");

        ImmutableArray<Diagnostic> fixedVersion = Build(blocks[1], out Compilation output);
        Assert.DoesNotContain(fixedVersion, d => d.Id.StartsWith("COROGEN", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    // Runs the generator and the analyzer as a build does; returns both kinds of diagnostics. A block whose first line is a
    // comment '// <LangVersion>N</LangVersion>' is compiled as that C# version, as a project with that setting would.
    private static ImmutableArray<Diagnostic> Build(string source, out Compilation output)
    {
        Match langVersion = Regex.Match(source, "^// <LangVersion>([0-9.]+)</LangVersion>");
        LanguageVersion? version = null;
        if (langVersion.Success)
        {
            Assert.True(LanguageVersionFacts.TryParse(langVersion.Groups[1].Value, out LanguageVersion parsed), "not a C# version: " + langVersion.Groups[1].Value);
            version = parsed;
        }

        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, lineDirectives: true, languageVersion: version);
        Assert.Null(run.Exception);
        output = run.Output;
        ImmutableArray<Diagnostic> analyzer = output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new TemplateSignatureAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return run.GeneratorDiagnostics.AddRange(analyzer);
    }

    internal static string[] CodeBlocks(string markdown) =>
        Regex.Matches(markdown, "```csharp\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
}
