using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>
/// '#pragma warning disable COROGENnnn' suppresses CoroGen's diagnostics, the warning and, because they come from an
/// analyzer rather than the compiler itself, the errors too (docs/diagnostics/README.md says when that is wise).
/// </summary>
public sealed class SuppressionTests
{
    private const string Template = """
        using CoroGen;

        public static partial class Examples
        {
            [Coroutine]
            public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }
        }

        public static class Program
        {
            public static void Main()
            {
                // The oracle's way to run a template: deliberate.
        #pragma warning disable COROGEN013
                Examples.Ones(default!).MoveNext();
        #pragma warning restore COROGEN013
                Examples.Ones(default!).MoveNext();
            }
        }
        """;

    [Fact]
    public void PragmaSuppressesTheWarningOnlyWhereItStands()
    {
        Diagnostic[] calls = AnalyzerHarness.Analyze(Template).Where(d => d.Id == "COROGEN013").ToArray();
        Assert.Equal(2, calls.Length);
        Assert.True(calls[0].IsSuppressed);
        Assert.False(calls[1].IsSuppressed);
    }

    [Fact]
    public void PragmaSuppressesAnAnalyzerError()
    {
        string source = "#pragma warning disable COROGEN001\n" + Template.Replace("static partial class", "static class");
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source), d => d.Id == "COROGEN001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.True(d.IsSuppressed);
    }

    // A warning or an [Experimental] error the template suppresses with #pragma is not reported again from its copy in
    // generated code, where the directive does not stand.
    [Theory]
    [InlineData("AUDIT001", "        var e = new Exp();\n", "e.V")]
    [InlineData("AUDIT002", "        int e = OldApi.Legacy(1);\n", "e")]
    [InlineData("CS0168", "        int e = 7;\n        int unused;\n", "e")]
    public void AWarningSuppressedOnTheTemplateIsNotReportedFromItsCopy(string id, string declaration, string use)
    {
        string source = $$"""
            using System.Diagnostics.CodeAnalysis;
            using CoroGen;

            [Experimental("AUDIT001")]
            public sealed class Exp { public int V => 8; }

            public static class OldApi
            {
                [System.Obsolete("use New", DiagnosticId = "AUDIT002")]
                public static int Legacy(int x) => x + 100;
            }

            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Uses(Yielder<int> co)
                {
                    await co.Yield(0);
            #pragma warning disable {{id}}
            {{declaration}}
            #pragma warning restore {{id}}
                    await co.Yield(1);
                    await co.Yield({{use}});
                }
            }
            """;
        Assert.Empty(AnalyzerHarness.CompilerDiagnostics(source));
        Assert.NotEmpty(AnalyzerHarness.CompilerDiagnostics(source.Replace($"#pragma warning disable {id}", string.Empty)));
    }
}


/// <summary>
/// CA1062 ("validate parameter 'co' is non-null") on a template's Yielder parameter is suppressed: no caller passes it (the
/// factory has no such parameter). The rule is stood in for by an analyzer that reports it, as the .NET analyzers do, at
/// each use of a parameter of an externally visible method.
/// </summary>
public sealed class YielderParameterSuppressorTests
{
    private const string Source = """
        using System.Collections.Generic;
        using CoroGen;

        public static partial class Examples
        {
            [Coroutine]
            public static async Coroutine Each(List<int> items, Yielder<int> co)
            {
                foreach (int item in items)
                    await co.Yield(item);
            }

            public static int Count(List<int> items, Yielder<int> other) => items.Count + (other is null ? 0 : 1);
        }
        """;

    [Fact]
    public void OnlyTheTemplatesYielderIsExempt()
    {
        Microsoft.CodeAnalysis.CSharp.CSharpCompilation compilation = AnalyzerHarness.Compile(Source);
        var options = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
            new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty), null, false, false, reportSuppressedDiagnostics: true);
        Diagnostic[] found = compilation
            .WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new ParameterUseReporter(), new CoroGen.Generator.Analyzers.YielderParameterSuppressor()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id == "CA1062").OrderBy(d => d.Location.SourceSpan.Start).ToArray();

        Assert.Equal(new[] { "items", "co", "items", "other" }, found.Select(d => d.GetMessage()));
        Assert.Equal(new[] { false, true, false, false }, found.Select(d => d.IsSuppressed));
    }

    [Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ParameterUseReporter : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("CA1062", "Validate arguments of public methods", "{0}", "Design", DiagnosticSeverity.Warning, true);

        public override System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => System.Collections.Immutable.ImmutableArray.Create(Rule);

        public override void Initialize(Microsoft.CodeAnalysis.Diagnostics.AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(Microsoft.CodeAnalysis.Diagnostics.GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(
                c => c.ReportDiagnostic(Diagnostic.Create(Rule, c.Operation.Syntax.GetLocation(), ((Microsoft.CodeAnalysis.Operations.IParameterReferenceOperation)c.Operation).Parameter.Name)),
                OperationKind.ParameterReference);
        }
    }
}
