using System;
using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// One test per lowering diagnostic, each with a near miss beside it that must produce nothing. Signature mistakes
/// (COROGEN001-004) belong to the analyzer and are tested with it.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing CoroGen;\n\n";

    [Theory]
    [InlineData("COROGEN006", "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(IAsyncEnumerable<int> items, Yielder<int> co)\n    {\n        await foreach (int x in items) { await co.Yield(x); }\n    }\n}")]
    [InlineData("COROGEN007", "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        var point = new { X = 1 };\n        await co.Yield(point.X);\n    }\n}")]
    [InlineData("COROGEN008", "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        await Task.Delay(1);\n    }\n}")]
    [InlineData("COROGEN009", "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Words(Yielder<string> co) { await co.Yield(\"a\"); }\n\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        await Words();\n    }\n}")]
    [InlineData("COROGEN009", "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Numbers(Yielder<long> co) { await co.Yield(1); }\n\n    [Coroutine]\n    public static async Coroutine F(Coroutine<long, Unit, Unit> numbers, Yielder<int> co)\n    {\n        await numbers;\n    }\n}")]
    [InlineData("COROGEN012", "public class Counter { public int Value { get; set; } }\n\npublic partial class Host : Counter\n{\n    [Coroutine]\n    public async Coroutine F(Yielder<int> co)\n    {\n        base.Value = 0;\n        await co.Yield(Value);\n    }\n}")]
    [InlineData("COROGEN012", "public partial class Host(int start)\n{\n    [Coroutine]\n    public async Coroutine F(Yielder<int> co)\n    {\n        int.TryParse(\"5\", out start);\n        await co.Yield(start);\n    }\n}")]
    public void ReportsTheDiagnosticAtTheNode(string id, string source)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Microsoft.CodeAnalysis.FileLinePositionSpan where = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.TemplatePath, where.Path); // the diagnostic points into the template
        Assert.True(where.StartLinePosition.Line >= 5, "the diagnostic points at the offending node, not the file's start");
        Assert.EndsWith($"docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.DoesNotContain("{", diagnostic.GetMessage()); // every placeholder filled
        run.AssertPlaceholder("F", id); // the class and factory, with a body that only throws, so that callers compile
    }

    // In a scheduler coroutine, an awaitable the loop has no adapter for is COROGEN008 at the await (it was CS1503 in
    // generated code); one that also converts to Task<T> is too, since C# awaits it through its own GetAwaiter.
    [Theory]
    [InlineData("public struct Custom { public System.Runtime.CompilerServices.TaskAwaiter<int> GetAwaiter() => Task.FromResult(1).GetAwaiter(); }")]
    [InlineData("public struct Custom { public System.Runtime.CompilerServices.TaskAwaiter<int> GetAwaiter() => Task.FromResult(1).GetAwaiter(); public static implicit operator Task<int>(Custom c) => Task.FromResult(2); }")]
    public void ACustomAwaitableInASchedulerTemplateIsCOROGEN008(string awaitable)
    {
        string source = Header + "using CoroGen.Scheduling;\n\n" + awaitable + "\n\npublic static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> F(Yielder<LoopRequest> co)\n    {\n        int x = await new Custom();\n        await Task.Delay(1);\n        return x;\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN008", diagnostic.Id);
        Assert.Contains("'await' on 'new Custom()' (of type 'Custom') is not a CoroGen suspension point", diagnostic.GetMessage());
        Assert.Contains("or, in a scheduler coroutine, a Task or ValueTask", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN008");
    }

    // Near misses: a Task subclass, and a type parameter constrained to a Task type, are awaited as tasks.
    [Theory]
    [InlineData("public static async Coroutine<int> F<TT>(TT t, Yielder<LoopRequest> co) where TT : Task<int> => await t;")]
    [InlineData("public static async Coroutine F<TT>(TT t, Yielder<LoopRequest> co) where TT : Task { await t; }")]
    public void ATaskTypedByATypeParameterIsNoCOROGEN008(string template)
    {
        string source = Header + "using CoroGen.Scheduling;\n\npublic static partial class Host\n{\n    [Coroutine]\n    " + template + "\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
    }

    // A template refused after its lowering began: the placeholder keeps only the fields of the parameters, not the
    // hoisted locals or the locals of Resume the lowering had added (an unused local is CS0219, an error under
    // TreatWarningsAsErrors, in generated code).
    [Fact]
    public void APlaceholderAddsNoWarningOfItsOwn()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(IAsyncEnumerable<int> items, Yielder<int> co)\n    {\n"
            + "        int total = 0;\n        { int s = await co.Yield(1); total += s; }\n        await co.Yield(total);\n        await foreach (int x in items) { await co.Yield(x); }\n    }\n}");
        Assert.Equal("COROGEN006", Assert.Single(run.GeneratorDiagnostics).Id);
        run.AssertPlaceholder("F", "COROGEN006");
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
    }

    // A template with a compiler error where CoroGen needs a type (a typo in a template's name, a template call with the
    // wrong arguments, a generic call that cannot infer its type from a template call): the compiler's error is the one
    // to fix. CoroGen adds no COROGEN007 or COROGEN008 about a type it could not resolve, and no error in generated code
    // (the type argument of DelegationResult<...> was left empty): the template gets its placeholder.
    [Theory]
    [InlineData("CS0103", "int x = await Sbu(1, co);\n        await co.Yield(x);")]
    [InlineData("CS1501", "var x = await Sub(1, 2, co);\n        await co.Yield(x);")]
    [InlineData("CS1503", "int x = await Sub(\"s\", co);\n        await co.Yield(x);")]
    [InlineData("CS0103", "var x = await Missing(co) + 1;\n        await co.Yield(x);")]
    [InlineData("CS0411", "int x = await Pick(Sub(1, co));\n        await co.Yield(x);")]
    public void ACompilerErrorWhereATypeIsNeededGetsNoDiagnosticOfCoroGen(string error, string body)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    [Coroutine]\n    static async Coroutine<int> Sub(int a, Yielder<int> co) { await co.Yield(a); return a; }\n\n"
            + "    static Coroutine<int, Unit, T> Pick<T>(Coroutine<int, Unit, T> c) => c;\n\n"
            + "    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + body + "\n    }\n}");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Equal(new[] { error }, run.CompilationErrors.Select(d => d.Id).Distinct());
        run.AssertPlaceholder("F", "a compiler error in it");
    }

    // A factory call CoroGen cannot resolve the way C# will (the factories do not exist while it generates): two overloaded
    // templates that both fit the arguments, or a type argument inferred from a factory call among the arguments. Guessing
    // compiled and then threw at run time ("the awaited coroutine does not produce ..."); it is COROGEN025 instead, and the
    // same call passing the Yielder, which binds as C# binds it, works.
    [Theory]
    [InlineData("[Coroutine] static async Coroutine<int> Pv(object o, Yielder<int> co) { await co.Yield(1); return 1; }\n    [Coroutine] static async Coroutine<string> Pv(Yielder<int> co, string s) { await co.Yield(2); return s; }",
        "var r = await Pv(\"x\");", "Pv(\"x\")", "it fits the templates")]
    [InlineData("[Coroutine] static async Coroutine<int> G<T>(Yielder<int> co, T x) { await co.Yield(1); return 1; }\n    [Coroutine] static async Coroutine<int> G(int x, Yielder<int> co) { await co.Yield(2); return 2; }",
        "var r = await G(5);", "G(5)", "it fits the templates")]
    [InlineData("[Coroutine] static async Coroutine<int> Sub(Yielder<int> co) { await co.Yield(1); return 10; }\n    [Coroutine] static async Coroutine<T> Keep<T>(T x, Yielder<int> co) { await co.Yield(0); return x; }",
        "var s = await Keep(Sub());", "Keep(Sub())", "is inferred from a factory call among the arguments")]
    public void AFactoryCallCoroGenCannotResolveAsCSharpWillIsCOROGEN025(string templates, string statement, string call, string why)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    " + templates
            + "\n\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + statement + "\n        await co.Yield(0);\n    }\n}");
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN025", d.Id);
        Assert.Equal(call, d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains(why, d.GetMessage());
        Assert.Contains("pass the template its Yielder 'co'", d.GetMessage());
        run.AssertPlaceholder("F", "COROGEN025");
    }

    // Written type arguments are C#'s to check, not inferred: a factory call among the arguments is then no ambiguity.
    [Fact]
    public void AWrittenTypeArgumentOverAFactoryCallIsNoCOROGEN025()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n"
            + "    [Coroutine] static async Coroutine<int> Sub(Yielder<int> co) { await co.Yield(1); return 10; }\n"
            + "    [Coroutine] static async Coroutine<T> Keep<T>(T x, Yielder<int> co) { await co.Yield(0); return x; }\n\n"
            + "    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        var s = await Keep<Coroutine<int, Unit, int>>(Sub());\n        await co.Yield(await s);\n    }\n}");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    // A refused template keeps its factory and class, so its callers compile: the build's only error is the template's own,
    // at its cause, not a "no argument given for the parameter 'co'" at every call. If the user silences the error anyway,
    // the placeholder says at run time what was not generated and why.
    // A `file` type of the template's file cannot be named by the generated class, in a file of its own: COROGEN020 at the
    // first use of each, for every kind of use; a file that declares one the template does not use changes nothing.
    [Theory]
    [InlineData("var c = new Counter(); await co.Yield(c.Next());", "Counter", 1)]
    [InlineData("await co.Yield(Helpers.Answer());", "Helpers", 1)]
    [InlineData("await co.Yield(3.Twice());", "Twice", 1)]
    [InlineData("var list = new List<Counter>(); await co.Yield(list.Count); object o = list; if (o is Counter) { }", "Counter", 1)]
    [InlineData("await co.Yield(Helpers.Answer() + new Counter().Next() + Helpers.Answer());", "Helpers", 2)]
    [InlineData("Func<int> f = () => Helpers.Answer(); await co.Yield(f());", "Helpers", 1)]
    public void AFileLocalTypeUsedInATemplate_IsCOROGEN020(string statements, string at, int count)
    {
        string source = Header + "file sealed class Counter { private int n; public int Next() => ++n; }\n"
            + "file static class Helpers { public static int Answer() => 41; public static int Twice(this int x) => 2 * x; }\n\n"
            + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + statements + "\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Equal(count, run.GeneratorDiagnostics.Length);
        Microsoft.CodeAnalysis.Diagnostic first = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).First();
        Assert.Equal("COROGEN020", first.Id);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("COROGEN020", d.Id));
        Assert.Equal(at, source.Substring(first.Location.SourceSpan.Start, first.Location.SourceSpan.Length));
        Assert.Contains("which is declared 'file' and so cannot be named by the generated class in its own file; make", first.GetMessage());
        run.AssertPlaceholder("F", "COROGEN020");
    }

    [Fact]
    public void AFileLocalTypeTheTemplateDoesNotUse_ChangesNothing()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "file sealed class Unused { }\n\n"
            + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        await co.Yield(1);\n    }\n}\n");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    // A template written as an explicit interface implementation has no name to give a factory, and its factory could not
    // implement the interface member: COROGEN024 from the generator itself (the generated code was a class named
    // 'Ns.IRunner.RunCoroutine', CS0538/CS0106/..., and the analyzer does not run in a build with errors), and no
    // generated code, so the build's only error is that one.
    [Theory]
    [InlineData("namespace Ns;\n\npublic interface IRunner { Coroutine<int> Run(Yielder<int> co); }\n\npublic partial class Host : IRunner\n{\n    [Coroutine]\n    async Coroutine<int> IRunner.Run(Yielder<int> co)\n    {\n        await co.Yield(1);\n        return 2;\n    }\n}", "IRunner.Run")]
    [InlineData("public interface IRunner<T> { Coroutine Run(T x, Yielder<T> co); }\n\npublic partial struct Host : IRunner<string>\n{\n    [Coroutine]\n    async Coroutine IRunner<string>.Run(string x, Yielder<string> co) => await co.Yield(x);\n}", "IRunner<string>.Run")]
    [InlineData("public interface IRunner { Coroutine Run(Yielder<int> co); }\n\npublic partial interface IOther : IRunner\n{\n    [Coroutine]\n    async Coroutine IRunner.Run(Yielder<int> co) { await co.Yield(1); }\n}", "IRunner.Run")]
    public void AnExplicitInterfaceImplementationIsCOROGEN024AndGetsNoGeneratedCode(string source, string member)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN024", diagnostic.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Run", (Header + source).Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains($"implements '{member}' explicitly", diagnostic.GetMessage());
        Assert.Contains("'RunBody'", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    [Fact]
    public void ARefusedTemplateKeepsItsCallersCompilingAndItsPlaceholderSaysWhy()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> F(IAsyncEnumerable<int> items, Yielder<int, string> co)\n    {\n        await foreach (int x in items) { await co.Yield(x); }\n        return 1;\n    }\n\n    public static object Drive()\n    {\n        var f = F(null!);\n        try { f.MoveNext(); return f.Send(\"a\") ? f.Current : f.Result; }\n        catch (NotSupportedException e) { return e; }\n    }\n}");
        Assert.Equal("COROGEN006", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));

        using var stream = new System.IO.MemoryStream();
        Assert.True(run.Output.Emit(stream).Success);
        object? outcome = System.Reflection.Assembly.Load(stream.ToArray()).GetType("Host")!.GetMethod("Drive")!.Invoke(null, null);
        NotSupportedException placeholder = Assert.IsType<NotSupportedException>(outcome);
        Assert.Equal("The [Coroutine] template Host.F(IAsyncEnumerable<int>, Yielder<int, string>) was not generated because of COROGEN006: fix the template as the build's error says.", placeholder.Message);
    }

    [Fact]
    public void AnUnhoistableLocalIsNamedWithTheTypeItWasDeclaredWith()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        var point = new { X = 1 };\n        await co.Yield(point.X);\n    }\n}");
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.StartsWith("The local 'point' of type '<anonymous type: int X>' must become a field", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n}")]
    [InlineData("public partial class Outer\n{\n    public partial class Inner\n    {\n        [Coroutine]\n        public static async Coroutine F(int n, Yielder<int> co) { await co.Yield(n); }\n    }\n}")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> F(Yielder<int, string> co) { string s = await co.Yield(1); return s.Length; }\n}")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(IEnumerable<int> items, Yielder<int> co)\n    {\n        foreach (int x in items) { await co.Yield(x); }\n    }\n}")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        { var point = new { X = 1 }; Console.WriteLine(point.X); }\n        await co.Yield(2);\n    }\n}")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine Words(Yielder<string> co) { await co.Yield(\"a\"); }\n\n    [Coroutine]\n    public static async Coroutine F(Yielder<object> co)\n    {\n        await Words();\n    }\n}")]
    [InlineData("public partial class Host\n{\n    [Coroutine]\n    public async Coroutine F(Yielder<string> co)\n    {\n        await co.Yield(this.ToString());\n    }\n}")]
    [InlineData("public class Animal { public virtual string Sound(int times) => \"...\"; public string Name { get; set; } = \"animal\"; }\n\npublic partial class Dog : Animal\n{\n    public override string Sound(int times) => \"woof\";\n\n    [Coroutine]\n    public async Coroutine F(Yielder<string> co)\n    {\n        await co.Yield(base.Sound(2) + base.Name + base.ToString());\n    }\n}")]
    [InlineData("public partial class Host(int start)\n{\n    [Coroutine]\n    public async Coroutine F(Yielder<int> co)\n    {\n        int.TryParse(\"5\", out int parsed);\n        start += parsed;\n        await co.Yield(start++);\n    }\n}")]
    public void NearMissesAreClean(string source)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }
}
