using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The documentation's code stays true: docs/reading-generated-code.md quotes a golden baseline, the README's tour compiles
/// and quotes what the generator writes for it, and docs/scheduler.md's complete templates compile.
/// </summary>
public sealed class DocumentationTests
{
    private static readonly string Root = LineDirectiveTests.RepositoryRoot();

    [Fact]
    public void TheWalkthroughQuotesTheBaselineAndTheTemplateAsTheyAre()
    {
        string doc = File.ReadAllText(Path.Combine(Root, "docs", "reading-generated-code.md"));
        string baselines = Path.Combine(Root, "tests", "CoroGen.Generator.Tests", "Baselines");
        string generated = File.ReadAllText(Path.Combine(baselines, "Regions.Samples.Regions.Guarded.g.cs.txt")).Replace("\r\n", "\n");
        string[] template = File.ReadAllLines(Path.Combine(baselines, "Regions.cs"));
        string[] blocks = CatalogueTests.CodeBlocks(doc);
        Assert.True(blocks.Length > 5);

        // The first block is the template's method, each line prefixed with its line number and one indent level out.
        foreach (string line in blocks[0].Split('\n').Where(l => l.Length > 0))
        {
            Match m = Regex.Match(line, "^ ?(?<n>\\d+)(?: {4}(?<text>.*))?$");
            Assert.True(m.Success, "not a numbered template line: " + line);
            int n = int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            string expected = template[n - 1].StartsWith("    ", System.StringComparison.Ordinal) ? template[n - 1].Substring(4) : template[n - 1];
            Assert.Equal(expected, m.Groups["text"].Value);
        }

        // Every other block quotes a run of consecutive lines of the generated file, as they stand there.
        foreach (string line in blocks.Skip(1).SelectMany(b => b.Split('\n')).Where(l => l.Trim().Length > 0))
        {
            Assert.True(generated.Contains(line + "\n"), "docs/reading-generated-code.md quotes a line the baseline no longer has (update the page):\n" + line);
        }

        foreach (string block in blocks.Skip(1))
        {
            Assert.True(generated.Contains(block), "docs/reading-generated-code.md quotes lines that are not consecutive in the baseline (update the page):\n" + block);
        }
    }

    // The tour's templates and the code driving them compile as a new console project's files (implicit usings on, warnings as
    // errors), and its excerpt of LaunchCoroutine quotes what the generator writes for them, without the #line directives.
    [Fact]
    public void TheReadmeTourCompilesAndQuotesItsGeneratedClass()
    {
        string[] blocks = CatalogueTests.CodeBlocks(File.ReadAllText(Path.Combine(Root, "README.md")));
        Compilation output = GeneratorHarness.RunFiles(OutputKind.ConsoleApplication,
            ("Examples.cs", blocks[0]), ("Program.cs", blocks[1]), ("GlobalUsings.g.cs", GeneratedCodeCompatibilityTests.ImplicitUsings));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));

        string[] launch = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Examples.Launch.g.cs", StringComparison.Ordinal)).ToString().Split('\n')
            .Where(l => !l.TrimStart().StartsWith("#line", StringComparison.Ordinal))
            .Select(l => l.StartsWith("    ", StringComparison.Ordinal) ? l.Substring(4) : l) // the excerpt is one level out
            .ToArray();
        foreach (string line in blocks[2].Split('\n').Where(l => l.Trim().Length > 0))
        {
            Assert.True(launch.Contains(line), "README.md's excerpt of LaunchCoroutine has a line the generator does not write for the tour's templates (update it):\n" + line);
        }
    }

    // Every block of docs/scheduler.md with a template and nothing elided (a '...' of its own) compiles, with the usings it implies; bare
    // methods get a type around them.
    [Fact]
    public void TheSchedulerPagesTemplatesCompile()
    {
        string[] blocks = CatalogueTests.CodeBlocks(File.ReadAllText(Path.Combine(Root, "docs", "scheduler.md")))
            .Where(b => b.Contains("[Coroutine]") && !Regex.IsMatch(b, "(^|\\s)\\.\\.\\.(\\s|$)")).ToArray();
        Assert.True(blocks.Length >= 3, "the page's templates were not found");
        foreach (string block in blocks)
        {
            string body = Regex.IsMatch(block, "^\\S.*\\bclass\\b", RegexOptions.Multiline) ? block : "public static partial class Snippet\n{\n" + block + "}\n";
            Compilation output = GeneratorHarness.RunFiles(OutputKind.DynamicallyLinkedLibrary,
                ("Snippet.cs", "using System;\nusing System.Net.Sockets;\nusing CoroGen;\nusing CoroGen.Scheduling;\n\n" + body));
            string[] problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
            Assert.True(problems.Length == 0, "docs/scheduler.md has a snippet that does not compile:\n" + block + "\n" + string.Join("\n", problems));
            Assert.NotEmpty(output.SyntaxTrees.Skip(1));
        }
    }
}
