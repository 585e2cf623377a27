using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The generator never throws and never reports an internal error, whatever it is fed: every prefix of the golden
/// templates (as an IDE sees them while typing), and broken variants of them.
/// </summary>
public sealed class RobustnessTests
{
    public static IEnumerable<object[]> Templates() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Baselines"), "*.cs").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Templates))]
    public void EveryPrefixAtATokenBoundary(string file)
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", file));
        foreach (int end in Spread(CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Select(t => t.Span.End).Distinct().ToList()))
        {
            AssertSurvives(source.Substring(0, end));
        }
    }

    [Fact]
    public void EveryPrefixCharacterByCharacter()
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", "Fibonacci.cs"));
        for (int end = 0; end <= source.Length; end++)
        {
            AssertSurvives(source.Substring(0, end));
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void EveryTokenRemoved(string file)
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", file));
        foreach (SyntaxToken token in Spread(CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToList()))
        {
            AssertSurvives(source.Remove(token.SpanStart, token.Span.Length));
        }
    }

    // A bug in CoroGen (COROGEN099), whether the lowering or the emitter fails, leaves the template its factory and a
    // placeholder class, as a refused template gets: the code calling the factory compiles, the build's one error is the
    // template's, and the placeholder says at run time what was not generated and why.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnInternalErrorKeepsTheFactorysCallersCompiling(bool whileEmitting)
    {
        const string source = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\nnamespace App\n{\n    public partial class Host<T> where T : class\n    {\n"
            + "        private int bias = 1;\n\n"
            + "        [Coroutine]\n        public async Coroutine<string> Broken(int from, T tag, Yielder<int, long> co)\n        {\n            long sum = await co.Yield(from + bias);\n            return tag + \":\" + sum;\n        }\n\n"
            + "        [Coroutine]\n        public async Coroutine Fine(Yielder<int> co) { await co.Yield(bias); }\n\n"
            + "        public static object Drive()\n        {\n            var host = new Host<string>();\n            Coroutine<int, long, string> broken = host.Broken(3, \"t\");\n"
            + "            var fine = host.Fine();\n            fine.MoveNext();\n            try { broken.MoveNext(); return \"ran\"; }\n            catch (NotSupportedException e) { return fine.Current + \" \" + e.Message; }\n        }\n    }\n}\n";
        Func<string, bool> fault = name => name == "Broken";
        GeneratorHarness.GeneratorRun run;
        try
        {
            if (whileEmitting)
            {
                Helpers.FaultInjection.ThrowWhileEmitting = fault;
            }
            else
            {
                Helpers.FaultInjection.ThrowWhileLowering = fault;
            }

            run = GeneratorHarness.Run(source);
        }
        finally
        {
            Helpers.FaultInjection.ThrowWhileEmitting = null;
            Helpers.FaultInjection.ThrowWhileLowering = null;
        }

        Assert.Null(run.Exception);
        Diagnostic internalError = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN099", internalError.Id);
        Assert.Equal(12, internalError.Location.GetLineSpan().StartLinePosition.Line + 1); // the template's line
        Assert.Contains("InvalidOperationException: a fault injected by a test", internalError.GetMessage());
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString())); // the factory's callers compile
        run.AssertPlaceholder("Broken", "COROGEN099");
        Assert.Equal(2, run.Sources.Count());

        using var stream = new MemoryStream();
        Assert.True(run.Output.Emit(stream).Success);
        object? outcome = System.Reflection.Assembly.Load(stream.ToArray()).GetType("App.Host`1")!.MakeGenericType(typeof(string)).GetMethod("Drive")!.Invoke(null, null);
        Assert.Equal("1 The [Coroutine] template Host<T>.Broken(int, T, Yielder<int, long>) was not generated because of COROGEN099: fix the template as the build's error says.", outcome);
    }

    // At most about 150 evenly spread positions per file, so the suite stays quick as baselines grow; every position of small files.
    private static IEnumerable<T> Spread<T>(List<T> items)
    {
        int stride = Math.Max(1, items.Count / 150);
        for (int i = 0; i < items.Count; i += stride)
        {
            yield return items[i];
        }
    }

    private static void AssertSurvives(string source)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.Exception is null, $"The generator threw {run.Exception} on:\n{source}");
        Diagnostic? internalError = run.GeneratorDiagnostics.FirstOrDefault(d => d.Id == "COROGEN099");
        Assert.True(internalError is null, $"{internalError} on:\n{source}");
    }
}
