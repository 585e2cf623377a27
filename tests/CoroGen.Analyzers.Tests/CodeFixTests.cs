using System.Linq;
using Microsoft.CodeAnalysis;
using System.Threading.Tasks;
using CoroGen.CodeFixes;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>Each code fix applied in a workspace: the exact text it produces, and the diagnostic gone afterwards.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public async Task MakePartialAddsTheModifierToTheTypeAndItsContainers()
    {
        const string before = """
            using CoroGen;

            public class Outer
            {
                [System.Obsolete("kept")]
                internal sealed class Inner
                {
                    [Coroutine]
                    public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }
                }
            }
            """;
        const string after = """
            using CoroGen;

            public partial class Outer
            {
                [System.Obsolete("kept")]
                internal sealed partial class Inner
                {
                    [Coroutine]
                    public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }
                }
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new MakePartialCodeFixProvider(), "COROGEN001");
        Assert.Equal(after, fixedText);
        Assert.Empty(AnalyzerHarness.Analyze(fixedText));
    }

    [Fact]
    public async Task MakePartialWithoutOtherModifiersKeepsTheIndentation()
    {
        const string before = "using CoroGen;\n\nclass Examples\n{\n    [Coroutine]\n    static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }\n}\n";
        string fixedText = await AnalyzerHarness.ApplyFix(before, new MakePartialCodeFixProvider(), "COROGEN001");
        Assert.Equal(before.Replace("\nclass Examples", "\npartial class Examples"), fixedText);
    }

    [Fact]
    public async Task AddYielderTakesItsNameAndTypeFromTheBody()
    {
        const string before = """
            using CoroGen;

            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Squares(int n)
                {
                    for (int i = 0; i < n; i++)
                        await yielder.Yield(i * i);
                }
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new AddYielderParameterCodeFixProvider(), "COROGEN002");
        Assert.Equal(before.Replace("Squares(int n)", "Squares(int n, Yielder<int> yielder)"), fixedText);
        Assert.Empty(AnalyzerHarness.Analyze(fixedText));
        Assert.Empty(AnalyzerHarness.Compile(fixedText).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task AddYielderWithoutAHintUsesObjectAndTheQualifiedName()
    {
        const string before = """
            public static partial class Examples
            {
                [CoroGen.Coroutine]
                public static async CoroGen.Coroutine Nothing() { }
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new AddYielderParameterCodeFixProvider(), "COROGEN002");
        Assert.Equal(before.Replace("Nothing()", "Nothing(global::CoroGen.Yielder<object> co)"), fixedText);
    }

    [Theory]
    [InlineData("Many(string sep, params int[] xs)", "Many(string sep, Yielder<int> co, params int[] xs)")]
    [InlineData("Opt(int n = 3)", "Opt(Yielder<int> co, int n = 3)")]
    [InlineData("Named(int n, [System.Runtime.CompilerServices.CallerMemberName] string name = \"\")", "Named(int n, Yielder<int> co, [System.Runtime.CompilerServices.CallerMemberName] string name = \"\")")]
    [InlineData("Sent(int n)", "Sent(int n, Yielder<long, int> co)", "int got = await co.Yield(n * 1L);")]
    [InlineData("Mistyped(int n, Yield<int> co)", "Mistyped(int n, Yielder<int> co)")]
    [InlineData("Bare(Yielder co, int n)", "Bare(Yielder<int> co, int n)")]
    public async Task AddYielderGivesAParameterListThatCompiles(string signature, string expected, string body = "await co.Yield(1);")
    {
        // Optional and params parameters must come last, a yield's stored value gives the send type, and a parameter that
        // was meant to be the Yielder gets its type rather than a second 'co' beside it.
        string before = "using CoroGen;\n\npublic static partial class Examples\n{\n    [Coroutine]\n    public static async Coroutine " + signature + "\n    {\n        " + body + "\n    }\n}\n";
        string fixedText = await AnalyzerHarness.ApplyFix(before, new AddYielderParameterCodeFixProvider(), "COROGEN002");
        Assert.Equal(before.Replace(signature, expected), fixedText);
        Assert.Empty(AnalyzerHarness.Analyze(fixedText));
        Assert.Empty(AnalyzerHarness.Compile(fixedText).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public async Task AFileLocalTypeGetsNoFix()
    {
        const string source = """
            using CoroGen;
            file static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }
            }
            """;
        Assert.Empty(await AnalyzerHarness.Actions(source, new MakePartialCodeFixProvider(), "COROGEN001", out _));
    }

    [Fact]
    public async Task SeveralYieldersGetNoFix()
    {
        const string source = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Twice(Yielder<int> a, Yielder<int> b) { await a.Yield(1); }
            }
            """;
        Assert.Empty(await AnalyzerHarness.Actions(source, new AddYielderParameterCodeFixProvider(), "COROGEN002", out _));
    }

    [Fact]
    public async Task AddAsync()
    {
        const string before = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static Coroutine Ones(Yielder<int> co) => throw null!;
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new AddAsyncCodeFixProvider(), "COROGEN003");
        Assert.Equal(before.Replace("public static Coroutine", "public static async Coroutine"), fixedText);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(fixedText), d => d.Id == "COROGEN003");
    }

    // A placeholder return ('return null!;'), written so that the method compiled without 'async', is CS1997 in an async
    // method returning Coroutine (and CS1503 in the generated code): the fix rewrites it, and the fixed code compiles.
    [Theory]
    [InlineData("    {\n        await co.Yield(1);\n        return null!;\n    }", "    {\n        await co.Yield(1);\n    }")]
    [InlineData("    {\n        if (co is null) return default!;\n        await co.Yield(1);\n        return default(Coroutine)!;\n    }", "    {\n        if (co is null) return;\n        await co.Yield(1);\n    }")]
    [InlineData("    {\n        Func<object> f = () => null!;\n        await co.Yield(f() is null ? 1 : 2);\n        return (null)!;\n    }", "    {\n        Func<object> f = () => null!;\n        await co.Yield(f() is null ? 1 : 2);\n    }")]
    [InlineData("    {\n        await co.Yield(1);\n        // nothing to return: the body only yields\n        return null!;\n    }", "    {\n        await co.Yield(1);\n        // nothing to return: the body only yields\n    }")]
    public async Task AddAsyncRewritesPlaceholderReturns(string body, string fixedBody)
    {
        string before = "using System;\nusing CoroGen;\n\npublic static partial class Examples\n{\n    [Coroutine]\n    public static Coroutine Ones(Yielder<int> co)\n" + body + "\n}\n";
        string fixedText = await AnalyzerHarness.ApplyFix(before, new AddAsyncCodeFixProvider(), "COROGEN003");
        Assert.Equal(before.Replace("public static Coroutine", "public static async Coroutine").Replace(body, fixedBody), fixedText);
        Assert.Empty(AnalyzerHarness.Analyze(fixedText));
        Assert.Empty(AnalyzerHarness.CompilerErrors(fixedText));
    }

    [Fact]
    public async Task AddAsyncKeepsAResultOfCoroutineOfTReturnAndEmptiesAPlaceholderExpressionBody()
    {
        const string withResult = "using CoroGen;\npublic static partial class Examples\n{\n    [Coroutine]\n    public static Coroutine<string> Name(Yielder<int> co)\n    {\n        await co.Yield(1);\n        return null!;\n    }\n}\n";
        string fixedText = await AnalyzerHarness.ApplyFix(withResult, new AddAsyncCodeFixProvider(), "COROGEN003");
        Assert.Equal(withResult.Replace("public static Coroutine", "public static async Coroutine"), fixedText);
        Assert.Empty(AnalyzerHarness.CompilerErrors(fixedText));

        const string arrow = "using CoroGen;\npublic static partial class Examples\n{\n    [Coroutine]\n    public static Coroutine Ones(Yielder<int> co) => null!;\n}\n";
        fixedText = await AnalyzerHarness.ApplyFix(arrow, new AddAsyncCodeFixProvider(), "COROGEN003");
        Assert.Equal(arrow.Replace("public static Coroutine Ones(Yielder<int> co) => null!;", "public static async Coroutine Ones(Yielder<int> co)\n    {\n    }"), fixedText);
        Assert.Empty(AnalyzerHarness.CompilerErrors(fixedText).Where(d => d.Id != "CS1998"));
    }

    // An extern template cannot be async: COROGEN003 says it needs a body, and no fix adds 'async'.
    [Fact]
    public async Task AnExternTemplateIsToldItNeedsABodyAndGetsNoFix()
    {
        const string source = "using CoroGen;\npublic static partial class Examples\n{\n    [Coroutine]\n    public static extern Coroutine Gen(Yielder<int> co);\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN003", d.Id);
        Assert.Equal("The [Coroutine] template 'Gen' is not async; it is 'extern', but a template needs a body in C#, which CoroGen turns into the coroutine: remove 'extern' and write the body, declared 'async' (code implemented elsewhere cannot be a template: call it from one)", d.GetMessage());
        Assert.Empty(await AnalyzerHarness.Actions(source, new AddAsyncCodeFixProvider(), "COROGEN003", out _));
    }

    [Fact]
    public async Task CallTheFactoryDropsTheYielderArgument()
    {
        const string before = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Count(int from, Yielder<int> co, int to) { await co.Yield(from); }

                public static void Main() => Examples.Count(1, default!, 3).MoveNext();
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new CallFactoryCodeFixProvider(), "COROGEN013");
        Assert.Equal(before.Replace("Examples.Count(1, default!, 3)", "Examples.Count(1, 3)"), fixedText);
    }

    [Fact]
    public async Task CallTheFactoryFixesATemplateCalledInsideATemplate()
    {
        const string before = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine<int> Count(int from, Yielder<int> co) { await co.Yield(from); return from; }

                [Coroutine]
                public static async Coroutine Twice(Yielder<int> co)
                {
                    var first = Count(1, co);
                    await first;
                }
            }
            """;
        string fixedText = await AnalyzerHarness.ApplyFix(before, new CallFactoryCodeFixProvider(), "COROGEN013");
        Assert.Equal(before.Replace("Count(1, co);", "Count(1);"), fixedText);
    }

    [Theory]
    [InlineData("int total = await Sum(3, null!);", "int total = await Sum(3, me);")]
    [InlineData("Yielder<int> other = null!;\n            int total = await other.Twice(2);", "Yielder<int> other = null!;\n            int total = await me.Twice(2);")]
    public async Task PassTheOwnYielderReplacesTheOtherOne(string call, string expected)
    {
        string before = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine<int> Sum(int n, Yielder<int> co) { await co.Yield(n); return n; }

                [Coroutine]
                public static async Coroutine<int> Twice(this Yielder<int> co, int n) { await co.Yield(n); return n; }

                [Coroutine]
                public static async Coroutine Report(Yielder<int> me)
                {
                    CALL
                    await me.Yield(total);
                }
            }
            """.Replace("CALL", call);
        string fixedText = await AnalyzerHarness.ApplyFix(before, new PassOwnYielderCodeFixProvider(), "COROGEN022");
        Assert.Equal(before.Replace(call, expected), fixedText);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(fixedText), d => d.Id == "COROGEN022");
    }

    [Fact]
    public async Task AWriteToTheYielderParameterGetsNoFix()
    {
        const string source = """
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Report(Yielder<int> co)
                {
                    co = null!;
                    await co.Yield(1);
                }
            }
            """;
        Assert.Empty(await AnalyzerHarness.Actions(source, new PassOwnYielderCodeFixProvider(), "COROGEN022", out _));
    }
}
