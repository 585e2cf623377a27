using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Analyzers.Tests;

/// <summary>
/// Code that compiles but could never work as a coroutine (COROGEN015-018): without these diagnostics each one builds
/// clean and fails when it runs (one crashes the process from the thread pool), or silently does nothing. Each has a near
/// miss beside it that must stay clean.
/// </summary>
public sealed class MisuseAnalyzerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing CoroGen;\n\n";

    // ---- COROGEN015: a suspension point inside a lambda or local function of a template ----

    [Theory]
    [InlineData("Func<Task> f = async () => { await co.Yield(1); };\n        await f();", "co.Yield(1)", "the lambda at line")]
    [InlineData("async Task Local() { await co.Yield(1); }\n        await Local();", "co.Yield(1)", "the local function 'Local'")]
    [InlineData("Func<Task> f = async delegate { await Other(co); };\n        await f();", "Other(co)", "the anonymous method at line")]
    [InlineData("Func<Task> f = async () => { await co.YieldAll(new[] { 1, 2 }); };\n        await f();", "co.YieldAll(new[] { 1, 2 })", "the lambda at line")]
    public void ASuspensionPointInsideALambdaOrLocalFunctionOfATemplateIsReported(string body, string awaited, string where)
    {
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Analyze(Template(body));
        Diagnostic d = Assert.Single(found);
        Assert.Equal("COROGEN015", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("await " + awaited, Text(d));
        Assert.Contains($"'await {awaited}' stands inside {where}", d.GetMessage());
    }

    [Theory]
    [InlineData("Func<Task> f = async () => { await Task.Yield(); };\n        await co.Yield(1);")] // an ordinary await in a lambda
    [InlineData("Func<int, int> twice = x => x * 2;\n        await co.Yield(twice(1));")]
    [InlineData("await co.Yield(1);\n        await Other(co);")]
    public void NearMissesOfCorogen015AreClean(string body) => Assert.Empty(AnalyzerHarness.Analyze(Template(body)));

    // ---- COROGEN016: async and returning Coroutine, but not a template ----

    [Fact]
    public void AnAsyncLocalFunctionReturningCoroutineInsideATemplateIsReported()
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(Template("async Coroutine<int> Local(int k) { return k * 2; }\n        int r = await Local(5);\n        await co.Yield(r);")));
        Assert.Equal("COROGEN016", d.Id);
        Assert.Equal("Local", Text(d));
        Assert.StartsWith("The local function 'Local' is async and returns 'CoroGen.Coroutine<int>', but only a method marked [Coroutine] becomes a coroutine", d.GetMessage());
    }

    [Fact]
    public void AMethodMarkedWithAnotherCoroutineAttributeIsToldItIsNotCoroGens()
    {
        // A user type named CoroutineAttribute takes [Coroutine] in its namespace: the method is marked, just not as a template.
        const string source = Usings + "namespace App\n{\n    public sealed class CoroutineAttribute : Attribute { }\n\n    public static partial class Host\n    {\n"
            + "        [Coroutine]\n        public static async Coroutine Marked(Yielder<int> co) { await co.Yield(1); }\n    }\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN016", d.Id);
        Assert.Contains("its [Coroutine] attribute is 'App.CoroutineAttribute', not CoroGen's: write [CoroGen.Coroutine], or rename that type", d.GetMessage());
        Assert.DoesNotContain("mark it [Coroutine]", d.GetMessage());
    }

    [Fact]
    public void AnAsyncMethodReturningCoroutineWithoutTheAttributeIsReported()
    {
        const string source = Usings + "public static partial class Host\n{\n    public static async Coroutine<int> Twice(int k) { return k * 2; }\n\n    public static async Coroutine Forgot(Yielder<int> co) { await co.Yield(1); }\n}\n";
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Analyze(source);
        Assert.Equal(new[] { "COROGEN016", "COROGEN016" }, found.Select(d => d.Id));
        Assert.Equal(new[] { "Twice", "Forgot" }, found.Select(Text));
        Assert.Contains("give it a Yielder parameter", found[0].GetMessage());
        Assert.Contains("it has a Yielder parameter, so it is a template without its attribute", found[1].GetMessage());
    }

    [Fact]
    public void AnAsyncLambdaReturningCoroutineWithoutAYielderIsReportedOutsideTemplates()
    {
        const string source = Usings + "public static class Host\n{\n    public static Func<Coroutine> Make() => async () => { };\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN016", d.Id);
        Assert.StartsWith("The lambda at line 8 is async and returns 'CoroGen.Coroutine'", d.GetMessage());
    }

    [Fact]
    public void ALocalFunctionOrLambdaMarkedCoroutineIsReportedAndItsCallGetsNoFactoryAdvice()
    {
        // The generator lowers only methods of types: a marked local function or lambda gets no factory and no class, so
        // COROGEN013's advice to call its factory would name a method that does not exist.
        const string source = Usings + "public static class Host\n{\n    public static void Run()\n    {\n        [Coroutine]\n        static async Coroutine Local(Yielder<int> co) { await co.Yield(1); }\n        _ = Local(default!);\n        Func<Yielder<int>, Coroutine> f = [Coroutine] async (Yielder<int> co) => { await co.Yield(2); };\n    }\n}\n";
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Analyze(source);
        Assert.Equal(new[] { "COROGEN016", "COROGEN016" }, found.Select(d => d.Id));
        Assert.Equal("Local", Text(found[0]));
        Assert.StartsWith("The local function 'Local', marked [Coroutine] (a local function or lambda gets no generated factory or class), is async", found[0].GetMessage());
        Assert.Contains("move it to a [Coroutine] method of the containing type", found[0].GetMessage());
        Assert.StartsWith("The lambda at line 13, marked [Coroutine]", found[1].GetMessage());
    }

    // A local function is never run by the template oracle, so taking a Yielder does not exempt it outside templates.
    [Fact]
    public void AnAsyncLocalFunctionReturningCoroutineInAnOrdinaryMethodIsReported()
    {
        const string source = Usings + "public static class Host\n{\n    public static void Outer()\n    {\n        async Coroutine Local(Yielder<int> co) { await co.Yield(1); }\n        var c = Local(default!);\n    }\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN016", d.Id);
        Assert.Equal("Local", Text(d));
        Assert.StartsWith("The local function 'Local' is async and returns 'CoroGen.Coroutine'", d.GetMessage());
    }

    // An 'async Task' helper awaiting co.Yield compiles, and faults when it runs; called without 'await' (a Task is no
    // suspension point), it does so unseen.
    [Theory]
    [InlineData("Task", "co.Yield(1)")]
    [InlineData("ValueTask<int>", "co.YieldAll(new[] { 1 })")]
    public void AnAsyncHelperAwaitingASuspensionPointIsReported(string returnType, string awaited)
    {
        string result = returnType == "Task" ? "" : " return 1;";
        string source = Usings + $"public static class Host\n{{\n    public static async {returnType} Helper(Yielder<int> co) {{ await {awaited};{result} }}\n}}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN016", d.Id);
        Assert.Equal("await " + awaited, Text(d));
        Assert.StartsWith($"The method 'Helper', which awaits '{awaited}', is async and returns", d.GetMessage());
        Assert.Contains("its Task faults with InvalidOperationException when it runs", d.GetMessage());
        Assert.DoesNotContain("calling this one would throw", d.GetMessage()); // calling it returns a Task; the Task faults
        Assert.Contains("make it a [Coroutine] template returning 'Coroutine'", d.GetMessage());
    }

    [Theory]
    // A lambda that takes a Yielder, outside templates: what CoroGen's template oracle runs on purpose.
    [InlineData("public static class Host\n{\n    public static Func<Yielder<int>, Coroutine> Oracle() => async co => { await co.Yield(1); };\n}\n")]
    // Not async: returning a coroutine made elsewhere is fine.
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Ones(Yielder<int> co) { await co.Yield(1); }\n\n    public static Coroutine<int, Unit, Unit> Make() => Ones();\n}\n")]
    [InlineData("public static class Host\n{\n    public static async Task<int> Twice(int k) { await Task.Yield(); return k * 2; }\n}\n")]
    public void NearMissesOfCorogen016AreClean(string source)
    {
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Build(Usings + source).Analyzer;
        Assert.Empty(found);
    }

    // ---- COROGEN017: abstract, virtual and override templates ----

    [Theory]
    [InlineData("public abstract partial class Host\n{\n    [Coroutine]\n    public virtual async Coroutine<int> M(Yielder<int> co) { await co.Yield(1); return 1; }\n}\n", "virtual")]
    [InlineData("public abstract partial class Host\n{\n    [Coroutine]\n    public abstract Coroutine<int> M(Yielder<int> co);\n}\n", "abstract")]
    [InlineData("public class Base\n{\n    public virtual Coroutine<int> M(Yielder<int> co) => throw new NotImplementedException();\n}\n\npublic partial class Host : Base\n{\n    [Coroutine]\n    public override async Coroutine<int> M(Yielder<int> co) { await co.Yield(2); return 2; }\n}\n", "override")]
    public void AnOverridableTemplateIsReportedAndNotGenerated(string source, string modifier)
    {
        var (analyzer, generator, run) = AnalyzerHarness.Build(Usings + source);
        Diagnostic d = Assert.Single(analyzer); // an abstract template gets no COROGEN003 ("declare it async"), which it could not obey
        Assert.Equal("COROGEN017", d.Id);
        Assert.Equal("M", Text(d));
        Assert.StartsWith($"The [Coroutine] template 'M' is {modifier}, but its factory returns the template's own generated class", d.GetMessage());
        Assert.Empty(generator);
        Assert.Empty(run.Results.SelectMany(r => r.GeneratedSources)); // no factory that would hide the virtual dispatch
    }

    [Fact]
    public void ADefaultInterfaceTemplateWithABodyIsNotReported()
    {
        const string source = "public partial interface IHost\n{\n    [Coroutine]\n    public static async Coroutine<int> M(Yielder<int> co) { await co.Yield(1); return 1; }\n\n    [Coroutine]\n    public async Coroutine<int> N(Yielder<int> co) { await co.Yield(1); return 1; }\n}\n";
        var (analyzer, generator, run) = AnalyzerHarness.Build(Usings + source);
        Assert.Empty(analyzer);
        Assert.Empty(generator);
        Assert.Equal(2, run.Results.SelectMany(r => r.GeneratedSources).Count());
    }

    // ---- COROGEN018: a suspension point that is not awaited ----

    [Theory]
    [InlineData("co.Yield(1);\n        await co.Yield(2);", "co.Yield(1)", "it makes a value that nothing uses")]
    [InlineData("co.YieldAll(new[] { 1, 2 });", "co.YieldAll(new[] { 1, 2 })", "it makes a value that nothing uses")]
    [InlineData("Other(co);", "Other(co)", "calling a template without 'await' throws InvalidOperationException")]
    [InlineData("_ = co.Yield(1);", "co.Yield(1)", "it makes a value that nothing uses")] // the fix awaits the value, not the discard
    public void ASuspensionPointThatIsNotAwaitedIsReported(string body, string expression, string why)
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(Template(body)));
        Assert.Equal("COROGEN018", d.Id);
        Assert.Equal(expression, Text(d));
        Assert.Equal($"'{expression}' is not awaited, so it does not suspend the coroutine ({why}); write 'await {expression};'", d.GetMessage());
    }

    // A factory call as a statement makes a coroutine that nothing runs (C# warns only CS4014, as if it ran unawaited).
    [Fact]
    public void AFactoryCalledAsAStatementInATemplateIsReported()
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(Template("Other();\n        await co.Yield(2);")));
        Assert.Equal("COROGEN018", d.Id);
        Assert.Equal("Other()", Text(d));
        Assert.Equal("'Other()' is not awaited, so it does not suspend the coroutine (it makes a coroutine that nothing runs); write 'await Other();' to delegate to it (it runs to its end, its yields passing through this coroutine)", d.GetMessage());
    }

    // co.Yield hands its value over when it is called; only the 'await' where it is made suspends. Kept and awaited later
    // ('var a = co.Yield(1); var b = co.Yield(2); await b; await a;' yielded 2 2), or run by hand (GetResult threw the
    // "never run directly" error at run time), it compiled clean and ran wrongly.
    [Theory]
    [InlineData("var later = co.Yield(1);\n        await later;", new[] { "co.Yield(1)" }, "kept and awaited later")]
    [InlineData("var a = co.Yield(1);\n        var b = co.Yield(2);\n        await b;\n        await a;", new[] { "co.Yield(1)", "co.Yield(2)" }, "kept and awaited later")]
    [InlineData("bool c = true;\n        var aw = c ? co.Yield(1) : co.Yield(2);\n        await co.Yield(3);\n        await aw;", new[] { "co.Yield(1)", "co.Yield(2)" }, "kept and awaited later")]
    [InlineData("co.Yield(1).GetAwaiter().GetResult();\n        await co.Yield(2);", new[] { "co.Yield(1)" }, "'.GetAwaiter().GetResult()'")]
    [InlineData("var all = co.YieldAll(new[] { 1 });\n        await all;", new[] { "co.YieldAll(new[] { 1 })" }, "kept and awaited later")]
    [InlineData("Keep(co.Yield(1));", new[] { "co.Yield(1)" }, "kept and awaited later")]
    public void ASuspensionPointNotAwaitedWhereItIsMadeIsReported(string body, string[] expressions, string why)
    {
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Analyze(Template(body));
        Assert.All(found, d => Assert.Equal("COROGEN018", d.Id));
        Assert.Equal(expressions, found.Select(Text));
        Assert.All(found, d => Assert.Contains(why, d.GetMessage()));
        Assert.All(found, d => Assert.EndsWith($"; await it where it is made, 'await {Text(d)}', and keep the value that the 'await' gives if you need it later", d.GetMessage()));
    }

    // Inside a lambda or local function 'await' would not help (CS4034, then COROGEN015): the advice is COROGEN015's.
    [Theory]
    [InlineData("Action a = () => co.Yield(1);\n        await co.Yield(2);", "co.Yield(1)", "the lambda at line")]
    [InlineData("new List<int> { 1, 2 }.ForEach(x => co.Yield(x));\n        await co.Yield(0);", "co.Yield(x)", "the lambda at line")]
    [InlineData("void Helper() { co.Yield(1); }\n        Helper();\n        await co.Yield(2);", "co.Yield(1)", "the local function 'Helper'")]
    public void ASuspensionPointNotAwaitedInsideALambdaOfATemplateGetsCorogen015sAdvice(string body, string expression, string where)
    {
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(Template(body)));
        Assert.Equal("COROGEN018", d.Id);
        Assert.Equal(expression, Text(d));
        Assert.Contains($"it also stands inside {where}", d.GetMessage());
        Assert.Contains("cannot suspend the coroutine even with 'await': move the suspension point into the template's own body", d.GetMessage());
        Assert.DoesNotContain("write 'await", d.GetMessage());
    }

    [Theory]
    [InlineData("await co.Yield(1);")]
    [InlineData("_ = Other();")] // a factory call: makes a coroutine that is not driven, which is allowed
    [InlineData("var sub = Other();\n        await sub;")] // a coroutine object kept and awaited later is delegation
    [InlineData("bool c = true;\n        await (c ? co.Yield(1) : co.Yield(2));")]
    [InlineData("int n = 1;\n        await (n switch { 1 => co.Yield(1), _ => co.Yield(2) });")]
    [InlineData("await (YieldAwaitable<Unit>)co.Yield(1);")] // a cast of it, awaited where it is made
    [InlineData("YieldAwaitable<Unit>? maybe = null;\n        await (maybe ?? co.Yield(1));")] // made (lazily) where it is awaited
    [InlineData("await Twice(co);")] // a helper that returns what co.Yield returns
    [InlineData("Func<YieldAwaitable<Unit>> make = () => co.Yield(1);\n        await make();")] // a lambda as a helper
    public void NearMissesOfCorogen018AreClean(string body) => Assert.Empty(AnalyzerHarness.Analyze(Template(body)));

    // A helper returns the value of co.Yield for its caller to await: that is how helpers such as co.Sleep work.
    [Fact]
    public void AHelperReturningWhatCoYieldReturnsIsClean() =>
        Assert.Empty(AnalyzerHarness.Analyze(Usings + "public static class Helpers\n{\n    public static YieldAwaitable<Unit> Twice(Yielder<int> co) => co.Yield(2);\n\n"
            + "    public static YieldAwaitable<Unit> Kept(Yielder<int> co)\n    {\n        var made = co.Yield(3);\n        return made;\n    }\n}\n"));

    // ---- COROGEN021: a partial method template ----

    [Theory]
    [InlineData("    [Coroutine]\n    public static partial Coroutine<int> M(Yielder<int> co);\n\n    public static async partial Coroutine<int> M(Yielder<int> co) { await co.Yield(1); return 1; }\n")]
    [InlineData("    public static partial Coroutine<int> M(Yielder<int> co);\n\n    [Coroutine]\n    public static async partial Coroutine<int> M(Yielder<int> co) { await co.Yield(1); return 1; }\n")]
    public void APartialMethodTemplateIsReportedOnceAtItsBodyAndNotGenerated(string members)
    {
        string source = Usings + "public static partial class Host\n{\n" + members + "}\n";
        var (analyzer, generator, run) = AnalyzerHarness.Build(source);
        Diagnostic d = Assert.Single(analyzer); // no COROGEN003 on the part without a body, no COROGEN014 against the other part
        Assert.Equal("COROGEN021", d.Id);
        Assert.Equal("M", Text(d));
        Assert.Contains("async partial", d.Location.SourceTree!.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString());
        Assert.Equal("The [Coroutine] template 'M' is a partial method, but CoroGen generates from one declaration with the body and adds a factory beside it; remove the declaration without a body, and 'partial' from the one with the body", d.GetMessage());
        Assert.Empty(generator);
        Assert.Empty(run.Results.SelectMany(r => r.GeneratedSources));
        Assert.Empty(AnalyzerHarness.CompilerErrors(source));
    }

    [Fact]
    public void APartialMethodThatIsNotATemplateIsClean() =>
        Assert.Empty(AnalyzerHarness.Analyze(Usings + "public static partial class Host\n{\n    static partial void Log(string s);\n    static partial void Log(string s) { }\n}\n"));

    // ---- COROGEN022: a delegation that passes a Yielder other than the template's own ----

    private const string Delegations =
        "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> Sum(int n, Yielder<int> co) { await co.Yield(n); return n; }\n\n"
        + "    [Coroutine]\n    public static async Coroutine<int> Twice(this Yielder<int> co, int n) { await co.Yield(n); await co.Yield(n); return n; }\n\n"
        + "    [Coroutine]\n    public static async Coroutine G(Yielder<int> co)\n    {\n        await co.Yield(0);\n        BODY\n    }\n}\n";

    [Theory]
    [InlineData("await Sum(3, null!);", "null!", "Sum(3, null!)", "Sum")]
    [InlineData("var y = co;\n        await Sum(3, y);", "y", "Sum(3, y)", "Sum")]
    [InlineData("int r = await (Sum(co: null!, n: 3));", "null!", "Sum(co: null!, n: 3)", "Sum")]
    [InlineData("Yielder<int> y = null!;\n        await y.Twice(2);", "y", "y.Twice(2)", "Twice")]
    public void ADelegationPassingAnotherYielderIsReportedAndGetsThePlaceholder(string body, string passed, string call, string called)
    {
        string source = Usings + Delegations.Replace("BODY", body);
        var (analyzer, generator, run) = AnalyzerHarness.Build(source);
        Diagnostic d = Assert.Single(analyzer);
        Assert.Equal("COROGEN022", d.Id);
        Assert.Equal(passed, Text(d));
        Assert.Equal($"'{call}' passes '{passed}' as the Yielder of '{called}', but a template suspends only through its own Yielder parameter 'co', as it was given: pass 'co' (the delegated template yields to this template's caller, and its factory takes no Yielder)", d.GetMessage());
        Assert.Empty(generator); // the analyzer's error alone: the generator does not also fail on it
        string g = Assert.Single(run.Results.SelectMany(r => r.GeneratedSources), s => s.HintName.Contains(".G")).SourceText.ToString();
        Assert.Contains($"was not generated because of COROGEN022 on its delegation to '{called}'", g);
        Assert.Empty(AnalyzerHarness.CompilerErrors(source)); // no CS1503 in generated code
    }

    [Theory]
    [InlineData("await Sum(3, co);")]
    [InlineData("int r = await (Sum(co: co, n: 3));\n        await co.Yield(r);")]
    [InlineData("await co.Twice(2);")]
    [InlineData("await Sum(3, (Yielder<int>)co);")] // an identity cast of its own Yielder is still its own
    [InlineData("await Sum(3, co);\n        await co.Twice(await Sum(1, co));")]
    public void ADelegationPassingItsOwnYielderIsClean(string body)
    {
        string source = Usings + Delegations.Replace("BODY", body);
        var (analyzer, generator, _) = AnalyzerHarness.Build(source);
        Assert.Empty(analyzer);
        Assert.Empty(generator);
        Assert.Empty(AnalyzerHarness.CompilerErrors(source));
    }

    [Theory]
    [InlineData("co = Kept!;\n        await co.Yield(1);", "co = Kept!", "'co = Kept!' assigns the Yielder parameter")]
    [InlineData("(co, int n) = (Kept!, 2);\n        await co.Yield(n);", "(co, int n) = (Kept!, 2)", "'(co, int n) = (Kept!, 2)' assigns the Yielder parameter")]
    [InlineData("Swap(ref co);\n        await co.Yield(1);", "ref co", "'ref co' passes the Yielder parameter by reference")]
    [InlineData("await co.Yield(1);\n        Action reset = () => co = null!;", "co = null!", "'co = null!' assigns the Yielder parameter")]
    [InlineData("ref Yielder<int> r = ref co;\n        await r.Yield(1);", "r = ref co", "'r = ref co' takes a reference to the Yielder parameter")]
    public void AWriteToTheYielderParameterIsReportedAndGetsThePlaceholder(string body, string at, string what)
    {
        string source = Usings + "public static partial class Host\n{\n    public static Yielder<int>? Kept;\n\n    private static void Swap(ref Yielder<int> y) { }\n\n"
            + "    [Coroutine]\n    public static async Coroutine G(Yielder<int> co)\n    {\n        " + body + "\n    }\n}\n";
        var (analyzer, generator, run) = AnalyzerHarness.Build(source);
        Diagnostic d = Assert.Single(analyzer);
        Assert.Equal("COROGEN022", d.Id);
        Assert.Equal(at, Text(d));
        Assert.Equal($"{what}, but a template suspends only through its own Yielder parameter 'co', as it was given: leave 'co' as it is, and keep any other value in a local of its own", d.GetMessage());
        Assert.Empty(generator);
        string g = Assert.Single(run.Results.SelectMany(r => r.GeneratedSources)).SourceText.ToString();
        Assert.Contains("was not generated because of COROGEN022 on line", g);
        Assert.Empty(AnalyzerHarness.CompilerErrors(source)); // no CS0200 on the generated class's Channel property
    }

    [Theory]
    [InlineData("Yielder<int> y = co;\n        await y.Yield(1);")] // reading it into a local is no write
    [InlineData("await co.Yield(1);\n        Kept = co;")]
    public void ReadingTheYielderParameterIsNoWrite(string body)
    {
        string source = Usings + "public static partial class Host\n{\n    public static Yielder<int>? Kept;\n\n"
            + "    [Coroutine]\n    public static async Coroutine G(Yielder<int> co)\n    {\n        " + body + "\n    }\n}\n";
        Assert.Empty(AnalyzerHarness.Analyze(source));
    }

    [Fact]
    public void ATemplateWithTwoYieldersGetsCorogen002AndNoCorogen022()
    {
        string source = Usings + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> Sum(int n, Yielder<int> co) { await co.Yield(n); return n; }\n\n"
            + "    [Coroutine]\n    public static async Coroutine F(Yielder<int> other, Yielder<int> co) { await Sum(3, other); }\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source)); // which Yielder is its own is COROGEN002's question
        Assert.Equal("COROGEN002", d.Id);
    }

    // ---- COROGEN023: YieldAll over a coroutine enumerates it instead of delegating ----

    [Theory]
    [InlineData("await co.YieldAll(Other());", "Other()")]
    [InlineData("Coroutine<int, Unit, Unit> sub = Other();\n        await co.YieldAll(sub);", "sub")]
    [InlineData("Coroutine sub = Other();\n        await co.YieldAll((IEnumerable<int>)sub);", null)] // an explicit cast says enumerating is meant
    [InlineData("Coroutine<int, Unit, Unit>? sub = null;\n        await co.YieldAll(sub ?? Other());", "sub ?? Other()", "(sub ?? Other())")]
    public void YieldAllOverACoroutineIsReported(string body, string? argument, string? advised = null)
    {
        ImmutableArray<Diagnostic> found = AnalyzerHarness.Analyze(Template(body));
        if (argument is null)
        {
            Assert.Empty(found);
            return;
        }

        Diagnostic d = Assert.Single(found);
        Assert.Equal("COROGEN023", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(argument, Text(d));
        Assert.Contains($"write 'await {advised ?? argument}'", d.GetMessage());
    }

    [Fact]
    public void YieldAllOverATypeParameterConstrainedToACoroutineIsReported()
    {
        const string source = Usings + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F<TSub>(TSub sub, Yielder<int> co) where TSub : Coroutine<int, Unit, Unit>\n    {\n        await co.YieldAll(sub);\n    }\n}\n";
        Diagnostic d = Assert.Single(AnalyzerHarness.Analyze(source));
        Assert.Equal("COROGEN023", d.Id);
        Assert.Equal("sub", Text(d));
    }

    [Theory]
    [InlineData("await co.YieldAll(new[] { 1, 2 });")]
    [InlineData("await co.YieldAll(new List<int> { 1 });")]
    [InlineData("IEnumerable<int> Numbers() { yield return 1; }\n        await co.YieldAll(Numbers());")]
    public void YieldAllOverASequenceIsClean(string body) => Assert.Empty(AnalyzerHarness.Analyze(Template(body)));

    private static string Template(string body) =>
        Usings + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Other(Yielder<int> co) { await co.Yield(0); }\n\n    public static Coroutine<int, Unit, Unit> Other() => throw new NotImplementedException(); // stands for the generated factory\n\n"
        + "    public static YieldAwaitable<Unit> Twice(Yielder<int> co) => co.Yield(2);\n\n    public static void Keep(YieldAwaitable<Unit> kept) { }\n\n"
        + "    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + body + "\n    }\n}\n";

    private static string Text(Diagnostic d) => d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);
}
