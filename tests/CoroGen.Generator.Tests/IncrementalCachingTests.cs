using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// With step tracking on (GeneratorHarness creates the driver with it), an edit that does not touch a template leaves
/// every step of the pipeline Cached or Unchanged and the output byte-identical; editing one template regenerates that
/// template only. These fail if the model stops being value-equatable or the pipeline starts combining templates.
/// </summary>
public sealed class IncrementalCachingTests
{
    private const string TemplatesFile = """
        using CoroGen;

        namespace Samples;

        public static partial class Examples
        {
            [Coroutine]
            public static async Coroutine Ones(Yielder<int> co)
            {
                while (true)
                    await co.Yield(1);
            }

            [Coroutine]
            public static async Coroutine<int> CountDown(int from, Yielder<int> co)
            {
                int steps = 0;
                for (int i = from; i > 0; i--, steps++)
                    await co.Yield(i);
                return steps;
            }

            public static int Helper() => 1;
        }
        """;

    private const string OtherFile = """
        namespace Samples;

        public static class Other
        {
            public static int Value => 1;
        }
        """;

    [Fact]
    public void AnEditInAnotherFileLeavesEveryStepCached()
    {
        Assert.All(Rerun(c => Replace(c, "Other.cs", OtherFile.Replace("Value => 1", "Value => 2") + "\npublic class Added { }\n")), AssertCached);
    }

    [Fact]
    public void AddingAFileLeavesEveryStepCached()
    {
        Assert.All(Rerun(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Samples; public static class Third { }", GeneratorHarness.ParseOptions, "Third.cs"))), AssertCached);
    }

    [Fact]
    public void AnEditToAnotherMemberOfTheSameFileLeavesTheOutputUnchanged()
    {
        Assert.All(Rerun(c => Replace(c, GeneratorHarness.TemplatePath, TemplatesFile.Replace("Helper() => 1;", "Helper() => 1 + 41;"))), AssertCached);
    }

    [Fact]
    public void ACommentElsewhereLeavesTheOutputUnchanged()
    {
        string edited = TemplatesFile.Replace("public static int Helper()", "// Helper is not a template.\n    public static int Helper()");
        Assert.All(Rerun(c => Replace(c, GeneratorHarness.TemplatePath, edited)), AssertCached);
    }

    [Fact]
    public void EditingOneTemplateRegeneratesThatTemplateOnly()
    {
        (GeneratorDriverRunResult before, GeneratorDriverRunResult after) = RunTwice(c => Replace(c, GeneratorHarness.TemplatePath, TemplatesFile.Replace("await co.Yield(1);", "await co.Yield(2);")));

        // The parse step re-ran for both templates of the edited file; only Ones's model changed.
        IncrementalGeneratorRunStep[] parse = after.Results.Single().TrackedSteps[TrackingNames.Templates].ToArray();
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged }, parse.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray());

        // The emitter ran for Ones only: one output step Modified, CountDown's Cached or Unchanged and byte-identical.
        IncrementalStepRunReason[] emitted = after.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(1, emitted.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(Source(before, "CountDown"), Source(after, "CountDown"));
        Assert.NotEqual(Source(before, "Ones"), Source(after, "Ones"));
        Assert.Matches(@"this\.Yielded\(Yield_Line\d+, 2\)", Source(after, "Ones"));
    }

    [Fact]
    public void SwitchingLineDirectivesRegeneratesEveryTemplate()
    {
        GeneratorHarness.GeneratorRun on = GeneratorHarness.Run(TemplatesFile, lineDirectives: true);
        GeneratorHarness.GeneratorRun off = GeneratorHarness.Run(TemplatesFile, lineDirectives: false);
        Assert.All(on.Sources, s => Assert.Contains("#line", s.SourceText.ToString()));
        Assert.All(off.Sources, s => Assert.DoesNotContain("#line", s.SourceText.ToString()));
    }

    [Fact]
    public void ModelsFromTwoCompilationsOfTheSameTextAreEqual()
    {
        object[] first = Models(GeneratorHarness.Run(TemplatesFile)), second = Models(GeneratorHarness.Run(TemplatesFile));
        Assert.Equal(2, first.Length);
        Assert.Equal(first, second);
        Assert.All(first, m => Assert.IsType<TemplateResult>(m));
        Assert.All(first, m => Assert.NotNull(((TemplateResult)m).Model));
    }

    // ---- helpers ----

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> Rerun(Func<Compilation, Compilation> edit)
    {
        (GeneratorDriverRunResult before, GeneratorDriverRunResult after) = RunTwice(edit);
        Assert.Equal(Sources(before), Sources(after));
        GeneratorRunResult result = after.Results.Single();
        IEnumerable<(string, IncrementalStepRunReason)> steps = new[] { TrackingNames.Templates, TrackingNames.EmitOptions, TrackingNames.TemplatesWithOptions }
            .SelectMany(name => result.TrackedSteps[name].SelectMany(s => s.Outputs).Select(o => (name, o.Reason)));
        IEnumerable<(string, IncrementalStepRunReason)> outputs = result.TrackedOutputSteps.SelectMany(s => s.Value.SelectMany(v => v.Outputs).Select(o => (s.Key, o.Reason)));
        List<(string, IncrementalStepRunReason)> all = steps.Concat(outputs).ToList();
        Assert.Contains(all, s => s.Item1 == TrackingNames.Templates);
        Assert.Contains(all, s => s.Item1 == "SourceOutput");
        return all;
    }

    private static void AssertCached((string Step, IncrementalStepRunReason Reason) step) =>
        Assert.True(step.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step.Step} ran with reason {step.Reason}");

    private static (GeneratorDriverRunResult Before, GeneratorDriverRunResult After) RunTwice(Func<Compilation, Compilation> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(TemplatesFile)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(OtherFile, GeneratorHarness.ParseOptions, "Other.cs"));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new CoroutineGenerator().AsSourceGenerator() },
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();
        Assert.Equal(2, before.Results.Single().GeneratedSources.Length);
        driver = driver.RunGenerators(edit(compilation));
        return (before, driver.GetRunResult());
    }

    private static Compilation Replace(Compilation compilation, string path, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path));
    }

    private static string[] Sources(GeneratorDriverRunResult run) =>
        run.Results.Single().GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => s.HintName + "\n" + s.SourceText).ToArray();

    private static string Source(GeneratorDriverRunResult run, string template) =>
        run.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith("." + template + ".g.cs", StringComparison.Ordinal)).SourceText.ToString();

    private static object[] Models(GeneratorHarness.GeneratorRun run) =>
        run.Result.Results.Single().TrackedSteps[TrackingNames.Templates].SelectMany(s => s.Outputs).Select(o => o.Value).ToArray();
}
