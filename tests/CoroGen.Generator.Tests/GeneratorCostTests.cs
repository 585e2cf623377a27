using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Generator.Tests;

/// <summary>
/// What the generator costs on a project of many templates: a cold run, a run after an edit to one template, after an
/// unrelated edit, and with nothing changed. Prints timings (docs/performance-generator.md publishes them) and asserts
/// only what was generated, never a time. COROGEN_COST_TEMPLATES sets the number of templates (50 by default, to keep CI short;
/// docs/performance-generator.md was measured with 1000).
/// </summary>
public sealed class GeneratorCostTests
{
    private const int TemplatesPerFile = 10;
    private readonly ITestOutputHelper output;

    public GeneratorCostTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void ManyTemplates()
    {
        int templates = int.TryParse(Environment.GetEnvironmentVariable("COROGEN_COST_TEMPLATES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 50;
        int files = Math.Max(1, templates / TemplatesPerFile);
        SyntaxTree[] trees = Enumerable.Range(0, files).Select(f => Parse(f, edit: 0)).ToArray();
        var timings = new List<string>();

        // The first run in a process includes JIT-compiling the generator and the compiler's binder (a build server pays it once).
        Measure("first run in the process (JIT, 1 file)", () => NewDriver().RunGenerators(Compile(trees.Take(1))), timings);

        // Cold: a new driver over a new compilation, as a command-line build without a build server sees it.
        GeneratorDriver driver = NewDriver();
        for (int rep = 1; rep <= 3; rep++)
        {
            CSharpCompilation fresh = Compile(trees);
            driver = Measure($"cold run #{rep} (new driver, new compilation)", () => NewDriver().RunGenerators(fresh), timings);
        }

        Assert.Equal(files * TemplatesPerFile, driver.GetRunResult().GeneratedTrees.Length);
        Assert.Empty(driver.GetRunResult().Diagnostics);

        // Then the same driver over edited compilations, as the IDE and a build server use it.
        CSharpCompilation compilation = Compile(trees);
        driver = NewDriver().RunGenerators(compilation);
        for (int rep = 1; rep <= 3; rep++)
        {
            driver = Measure($"nothing changed #{rep}", driver, compilation, timings, expectModified: 0);
        }

        for (int edit = 1; edit <= 5; edit++)
        {
            SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == trees[files / 2].FilePath);
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, Parse(files / 2, edit));
            driver = Measure($"one template edited #{edit}", driver, edited, timings, expectModified: 1);
            compilation = edited;
        }

        for (int edit = 1; edit <= 5; edit++)
        {
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(
                compilation.SyntaxTrees.Single(t => t.FilePath == "Unrelated.cs"),
                CSharpSyntaxTree.ParseText($"namespace Bench; public static class Unrelated {{ public const int Edit = {edit}; }}", GeneratorHarness.ParseOptions, "Unrelated.cs"));
            driver = Measure($"unrelated file edited #{edit}", driver, edited, timings, expectModified: 0);
            compilation = edited;
        }

        output.WriteLine($"{files * TemplatesPerFile} templates in {files} files; {Environment.ProcessorCount} cores; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; wall time and CPU time of this process");
        timings.ForEach(output.WriteLine);
    }

    private static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        GeneratorHarness.Compile("namespace Bench; public static class Unrelated { }", "Unrelated.cs").AddSyntaxTrees(trees);

    private static GeneratorDriver Measure(string what, GeneratorDriver driver, Compilation compilation, List<string> timings, int expectModified)
    {
        driver = Measure(what, () => driver.RunGenerators(compilation), timings);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        int modified = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Count(o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(expectModified, modified);
        int reparsed = result.TrackedSteps[TrackingNames.Templates].SelectMany(s => s.Outputs).Count(o => o.Reason is not IncrementalStepRunReason.Cached);
        timings[timings.Count - 1] += $", {reparsed} template(s) parsed again, {modified} file(s) regenerated";
        return driver;
    }

    private static GeneratorDriver Measure(string what, Func<GeneratorDriver> run, List<string> timings)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        GeneratorDriver driver = run();
        TimeSpan wall = watch.Elapsed;
        process.Refresh();
        TimeSpan used = process.TotalProcessorTime - cpu;
        timings.Add($"{what}: {Ms(wall)} ms wall, {Ms(used)} ms CPU");
        return driver;
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
        new[] { new CoroutineGenerator().AsSourceGenerator() },
        parseOptions: GeneratorHarness.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    // Ten templates per file: nine with a loop, a try/finally, a using, a delegation and a few locals, and the Tail they delegate to; edit > 0 changes
    // the first template of the file.
    private static SyntaxTree Parse(int file, int edit)
    {
        var text = new StringBuilder();
        text.Append("using System;\nusing System.Collections.Generic;\nusing System.IO;\nusing CoroGen;\n\nnamespace Bench;\n\n");
        text.Append($"public static partial class File{file}\n{{\n");
        for (int t = 0; t < TemplatesPerFile - 1; t++)
        {
            int step = t == 0 ? edit + 1 : 1;
            text.Append($$"""
                    [Coroutine]
                    public static async Coroutine<int> Work{{t}}(int count, List<string> log, Yielder<int, int> co)
                    {
                        int total = 0;
                        for (int i = 0; i < count; i += {{step}})
                        {
                            try
                            {
                                int sent = await co.Yield(i);
                                total += sent;
                                using (var writer = new StringWriter())
                                {
                                    writer.Write(total);
                                    string text = writer.ToString();
                                    await co.Yield(text.Length);
                                    log.Add(text);
                                }
                            }
                            finally
                            {
                                log.Add("step " + i);
                            }
                        }

                        int tail = await Tail(total, co);
                        return total + tail;
                    }


                """);
        }

        text.Append("""
                [Coroutine]
                public static async Coroutine<int> Tail(int total, Yielder<int, int> co)
                {
                    await co.Yield(total);
                    return 1;
                }
            }

            """);
        return CSharpSyntaxTree.ParseText(text.ToString(), GeneratorHarness.ParseOptions, $"File{file}.cs");
    }
}
