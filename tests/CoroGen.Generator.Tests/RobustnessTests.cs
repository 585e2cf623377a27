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
