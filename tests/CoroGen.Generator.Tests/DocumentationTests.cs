using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>docs/reading-generated-code.md quotes a golden baseline; these keep the quotes true when the emitter changes.</summary>
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
        string[] blocks = Regex.Matches(doc, "```csharp\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
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
}
