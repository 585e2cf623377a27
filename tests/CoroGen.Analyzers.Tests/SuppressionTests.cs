using System.Linq;
using Microsoft.CodeAnalysis;
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
}
