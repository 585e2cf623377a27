using System.Collections.Immutable;
using System.Linq;
using CoroGen.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>One test per signature diagnostic, a near miss beside it, and the rule that a build shows each mistake once.</summary>
public sealed class SignatureAnalyzerTests
{
    private const string Valid = """
        using CoroGen;

        public static partial class Examples
        {
            [Coroutine]
            public static async Coroutine<int> CountDown(int from, Yielder<int> co)
            {
                for (int i = from; i > 0; i--)
                    await co.Yield(i);
                return from;
            }

            [Coroutine]
            public static async Coroutine Launch(Yielder<int> co)
            {
                int steps = await CountDown(3, co);
                await co.Yield(-steps);
            }
        }
        """;

    [Fact]
    public void ValidTemplatesAndDelegationReportNothing() => Assert.Empty(AnalyzerHarness.Analyze(Valid));

    [Fact]
    public void ContainingTypeNotPartial()
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(Valid.Replace("static partial class", "static class")));
        Assert.Equal("COROGEN001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Examples", Text(d));
        Assert.Contains("Type 'Examples' contains the [Coroutine] template 'CountDown' but is not partial", d.GetMessage());
    }

    [Fact]
    public void EveryEnclosingTypeMustBePartial()
    {
        const string source = """
            using CoroGen;

            public class Outer
            {
                public partial class Middle
                {
                    public class Inner
                    {
                        [Coroutine]
                        public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }
                    }
                }
            }
            """;
        ImmutableArray<Diagnostic> diagnostics = AnalyzerHarness.Analyze(source);
        Assert.All(diagnostics, d => Assert.Equal("COROGEN001", d.Id));
        Assert.Equal(new[] { "Outer", "Inner" }, diagnostics.Select(Text));
    }

    // A file-local type cannot be extended by the generated file, partial or not: reported, and nothing is generated (which
    // would declare a second, unrelated type of that name).
    [Theory]
    [InlineData("file static partial class")]
    [InlineData("file static class")] // not partial either: still one error, the file-local one (removing 'file' comes first)
    public void AFileLocalTypeCannotHoldATemplate(string declaration)
    {
        var (analyzer, generator, run) = AnalyzerHarness.Build(Valid.Replace("public static partial class", declaration));
        Diagnostic d = Assert.Single(analyzer);
        Assert.Equal("COROGEN001", d.Id);
        Assert.Equal("Examples", Text(d));
        Assert.Contains("Type 'Examples' contains the [Coroutine] template 'CountDown' but is file-local ('file')", d.GetMessage());
        Assert.Equal("true", d.Properties[TemplateSignatureAnalyzer.PartialDoesNotFixProperty]);
        Assert.Empty(generator);
        Assert.Empty(run.GeneratedTrees);
    }

    [Fact]
    public void TypeWithoutTemplatesNeedNotBePartial() =>
        // No COROGEN001; the method without [Coroutine] is reported for what it is, a template without its attribute.
        Assert.Equal(new[] { "COROGEN016" }, AnalyzerHarness.Analyze("using CoroGen; public class Plain { public static async Coroutine NotATemplate(Yielder<int> co) { await co.Yield(1); } }").Select(d => d.Id));

    [Fact]
    public void NoYielderParameter()
    {
        Diagnostic d = Single("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Ones(int n) { }
            }
            """, "COROGEN002");
        Assert.Equal("Ones", Text(d));
        Assert.Contains("has no Yielder parameter", d.GetMessage());
        Assert.Equal("none", d.Properties[TemplateSignatureAnalyzer.YielderCountProperty]);
    }

    [Fact]
    public void SeveralYielderParameters()
    {
        Diagnostic d = Single("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Twice(Yielder<int> a, Yielder<string, int> b) { await a.Yield(1); }
            }
            """, "COROGEN002");
        Assert.Contains("has 2 Yielder parameters", d.GetMessage());
        Assert.Equal("several", d.Properties[TemplateSignatureAnalyzer.YielderCountProperty]);
    }

    [Theory]
    [InlineData("int n, Yielder<int> co = default!")]
    [InlineData("int n, Yielder<int> co = null!, int step = 1")] // the call Count(3) would be ambiguous (CS0121)
    public void YielderWithADefaultValue(string parameters)
    {
        Diagnostic d = Single($$"""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine Count({{parameters}}) { await co.Yield(n); }
            }
            """, "COROGEN002");
        Assert.Equal("co", Text(d));
        Assert.Contains("gives its Yielder parameter 'co' a default value; remove the default", d.GetMessage());
        Assert.Equal("default", d.Properties[TemplateSignatureAnalyzer.YielderCountProperty]);
    }

    [Fact]
    public void YielderAtAnyPositionIsFine() =>
        Assert.Empty(AnalyzerHarness.Analyze("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Coroutine First(Yielder<int, string> co, int n) { string s = await co.Yield(n); }
            }
            """));

    [Fact]
    public void NotAsync()
    {
        Diagnostic d = Single("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static Coroutine Ones(Yielder<int> co) => null!;
            }
            """, "COROGEN003");
        Assert.Equal("Ones", Text(d));
    }

    [Fact]
    public void WrongReturnType()
    {
        Diagnostic d = Single("""
            using System.Threading.Tasks;
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Task Ones(Yielder<int> co) { await co.Yield(1); }
            }
            """, "COROGEN004");
        Assert.Equal("Task", Text(d));
        Assert.Contains("returns 'System.Threading.Tasks.Task'", d.GetMessage());
    }

    // A return type C# refuses for an async method (CS1983) is a declaration error, after which a build runs no analyzer:
    // the generator reports COROGEN004 then (and the analyzer does not, so the IDE shows it once), naming the type meant.
    [Theory]
    [InlineData("using System.Collections.Generic;", "IEnumerable<int>", "System.Collections.Generic.IEnumerable<int>", "yield with 'await co.Yield(x)' where an iterator writes 'yield return x'")]
    [InlineData("", "Coroutine<int, Unit, Unit>", "CoroGen.Coroutine<int, CoroGen.Unit, CoroGen.Unit>", ": here 'Coroutine'; 'Coroutine<TYield, TSend, TReturn>' is the type of the generated class, which the factory returns")]
    [InlineData("", "Coroutine<int, Unit, string>", "CoroGen.Coroutine<int, CoroGen.Unit, string>", ": here 'Coroutine<string>'; 'Coroutine<TYield, TSend, TReturn>'")]
    public void AnAsyncTemplateWithAReturnTypeCSharpRefusesGetsCorogen004FromTheGenerator(string usings, string returnType, string shown, string advice)
    {
        string source = usings + "\nusing CoroGen;\npublic static partial class Examples\n{\n    [Coroutine]\n    public static async " + returnType + " Ones(Yielder<int> co)\n    {\n        await co.Yield(1);\n"
            + (returnType.EndsWith("string>", System.StringComparison.Ordinal) ? "        return \"\";\n" : string.Empty) + "    }\n}\n";
        var (analyzer, generator, run) = AnalyzerHarness.Build(source);
        Assert.Empty(analyzer);
        Diagnostic d = Assert.Single(generator);
        Assert.Equal("COROGEN004", d.Id);
        Assert.Equal(returnType, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.StartsWith($"The [Coroutine] template 'Ones' returns '{shown}'; return 'Coroutine' (no result) or 'Coroutine<TReturn>' (a result)", d.GetMessage());
        Assert.Contains(advice, d.GetMessage());
        Assert.Empty(run.Results.SelectMany(r => r.GeneratedSources));
    }

    [Fact]
    public void AnIteratorTemplateIsToldItsReturnTypeOnly()
    {
        // Made async as it is, it would not compile either: the return type is the mistake to fix first.
        Diagnostic d = Single("""
            using System.Collections.Generic;
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static IEnumerable<int> Ones(Yielder<int> co) { yield return 1; }
            }
            """, "COROGEN004");
        Assert.Contains("returns 'System.Collections.Generic.IEnumerable<int>'", d.GetMessage());
    }

    [Fact]
    public void AMissingReturnTypeIsReportedAsTheReturnType()
    {
        // `async A(...)`: the compiler takes 'async' for the return type's name; "declare it async" would give 'async async'.
        Diagnostic d = Single("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Ones(Yielder<int> co) { await co.Yield(1); }
            }
            """, "COROGEN004");
        Assert.Equal("async", Text(d));
        Assert.Contains("returns 'async'; return 'Coroutine'", d.GetMessage());
    }

    [Fact]
    public void UnresolvedReturnTypeIsLeftToTheCompiler() =>
        Assert.DoesNotContain(AnalyzerHarness.Analyze("""
            using CoroGen;
            public static partial class Examples
            {
                [Coroutine]
                public static async Corutine Ones(Yielder<int> co) { await co.Yield(1); }
            }
            """), d => d.Id == "COROGEN004");

    [Fact]
    public void TemplateCalledDirectly()
    {
        Diagnostic d = Single(Valid + """

            public static class Program
            {
                public static void Main() => Examples.CountDown(3, default!).MoveNext();
            }
            """, "COROGEN013");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Examples.CountDown(3, default!)", Text(d));
        Assert.Contains("call the generated factory 'CountDown(from)'", d.GetMessage());
    }

    [Fact]
    public void CallingTheFactoryIsFine()
    {
        var (analyzer, generator, _) = AnalyzerHarness.Build(Valid + """

            public static class Program
            {
                public static void Main() => Examples.CountDown(3).MoveNext();
            }
            """);
        Assert.Empty(analyzer);
        Assert.Empty(generator);
    }

    [Fact]
    public void DelegationInsideATemplateIsNotADirectCall() => Assert.DoesNotContain(AnalyzerHarness.Analyze(Valid), d => d.Id == "COROGEN013");

    [Theory]
    // Inside a template, only the call an 'await' stands on delegates: elsewhere the template itself runs, and throws.
    [InlineData("var sub = CountDown(3, co);\n        int steps = await sub;", "CountDown(3, co)")]
    [InlineData("int steps = await (from > 0 ? CountDown(from, co) : CountDown(1, co));", "CountDown(from, co)")]
    [InlineData("int steps = await Wrap(CountDown(3, co));", "CountDown(3, co)")]
    public void ATemplateCalledInsideATemplateWithoutDelegatingIsReported(string body, string call)
    {
        string source = Valid
            .Replace("Launch(Yielder<int> co)", "Launch(int from, Yielder<int> co)")
            .Replace("        int steps = await CountDown(3, co);", "        " + body)
            .Replace("\n}", "\n\n    static Coroutine<int> Wrap(Coroutine<int> c) => c;\n}");
        Diagnostic d = AnalyzerHarness.Analyze(source).First(d => d.Id == "COROGEN013");
        Assert.Equal(call, Text(d));
        Assert.Contains("call the generated factory 'CountDown(from)'", d.GetMessage());
    }

    [Theory]
    [InlineData("static partial class", "static class", "COROGEN001")]
    [InlineData("Launch(Yielder<int> co)", "Launch(int co)", "COROGEN002")]
    [InlineData("public static async Coroutine Launch", "public static Coroutine Launch", "COROGEN003")]
    [InlineData("public static async Coroutine Launch", "public static async System.Threading.Tasks.Task Launch", "COROGEN004")]
    public void ABuildShowsEachSignatureMistakeOnceAndGeneratesNothingForIt(string from, string to, string id)
    {
        var (analyzer, generator, run) = AnalyzerHarness.Build(Valid.Replace(from, to));
        Assert.Equal(id, Assert.Single(analyzer).Id);
        Assert.Empty(generator);
        Assert.Null(run.Results.Single().Exception);
        Assert.DoesNotContain(run.Results.Single().GeneratedSources, s => s.HintName.Contains("Launch") && id != "COROGEN001");
    }

    private static Diagnostic Single(string source, string id)
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal(id, d.Id);
        Assert.False(d.IsSuppressed);
        Assert.EndsWith("docs/diagnostics/" + id + ".md", d.Descriptor.HelpLinkUri);
        return d;
    }

    private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);
}
