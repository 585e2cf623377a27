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

    // Half-typed code around a template that is itself complete, or a template being typed: using directives, namespaces
    // and type headers the generated file repeats get nothing generated (not a generated file that does not parse); broken
    // code elsewhere in the file leaves the template generated.
    [Theory]
    [InlineData("using System\nusing CoroGen;\n\n{0}", false)]
    [InlineData("using System;\nusing CoroGen;\nusing static System.Math\n{0}", false)]
    [InlineData("using System;\nusing CoroGen;\nusing M = System.Math\n{0}", false)]
    [InlineData("extern alias X\nusing System;\nusing CoroGen;\n{0}", false)]
    [InlineData("using System;\nusing CoroGen;\n\nnamespace N\n{{\n    using System.Text\n{0}\n}}", false)]
    [InlineData("using System;\nusing CoroGen;\n\nnamespace N.\n{{\n{0}\n}}", false)]
    [InlineData("using System;\nusing CoroGen;\n\nnamespace N.;\n{0}", false)]
    [InlineData("using System;\nusing CoroGen;\n\nnamespace\n{{\n{0}\n}}", false)]
    [InlineData("using System;\nusing CoroGen;\n\npublic static partial class Outer\n{{\n    public partial class : IDisposable\n{0}\n}}", true)]
    [InlineData("using System;\nusing CoroGen;\n\npublic static partial class Outer<T\n{{\n    public partial class Inner\n{0}\n}}", false)]
    [InlineData("using System;\nusing CoroGen;\n\npublic static partial class Outer<T,>\n{{\n    public partial class Inner\n{0}\n}}", false)]
    [InlineData("using System;\nusing CoroGen;\n\n{0}\n}}", true)]
    [InlineData("using System;\nusing CoroGen;\n\n{0}\npublic class ", true)]
    [InlineData("using System;\nusing CoroGen;\n\n[Obsolete(\n{0}", true)]
    [InlineData("using System;\nusing CoroGen;\n\npublic static partial class Outer\n{{\n    public static void G() {{ int x = \n    public partial class Inner : \n{0}\n}}", true)]
    public void HalfTypedCodeAroundATemplate(string file, bool generated)
    {
        const string host = "public partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n}";
        string source = string.Format(file, host);
        AssertSurvives(source);
        Assert.Equal(generated, GeneratorHarness.Run(source).Sources.Any());
    }

    // A template being typed: nothing is generated while the template itself has a syntax error. Unbalanced braces and
    // directives may instead leave the template complete (its block takes the type's closing brace): then it is generated,
    // and what is generated parses.
    [Theory]
    [InlineData("await co.Yield(", false)]
    [InlineData("await co.Yield(1)", false)]
    [InlineData("int x = await co.Yield(1) await co.Yield(x);", false)]
    [InlineData("int x = ; await co.Yield(x);", false)]
    [InlineData("try { await co.Yield(1); } catch (Exception e) when ( { }", false)]
    [InlineData("switch (1) { case : await co.Yield(1); break; }", false)]
    [InlineData("foreach (var x in ) await co.Yield(x);", false)]
    [InlineData("#if DEBUG\n        await co.Yield(1);", false)]
    [InlineData("var s = $\"{await co.Yield(1)\"; ", false)]
    [InlineData("var s = \"unterminated; await co.Yield(1);", false)]
    [InlineData("int Local() => ; await co.Yield(Local());", false)]
    [InlineData("if (true) { await co.Yield(1);", true)]
    [InlineData("checked { await co.Yield(1); ", true)]
    [InlineData("#region r\n        await co.Yield(1);", true)]
    [InlineData("await co.Yield(1); }\n    public void G() {", true)]
    public void HalfTypedTemplateBodies(string body, bool generated)
    {
        string source = "using System;\nusing CoroGen;\n\npublic partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + body + "\n    }\n}\n";
        AssertSurvives(source);
        Assert.Equal(generated, GeneratorHarness.Run(source).Sources.Any());
    }

    // A signature being typed, with the editor's closing '>' already there: the compiler's CS7003 is the only error, and no
    // generated code names Coroutine's or Yielder's own type parameters (TReturn, TYield).
    [Theory]
    [InlineData("async Coroutine<> F(Yielder<int> co)")]
    [InlineData("async Coroutine F(Yielder<> co)")]
    [InlineData("async Coroutine F(Yielder<int, > co)")]
    public void HalfTypedSignatures(string signature)
    {
        string source = "using System;\nusing CoroGen;\n\npublic partial class Host\n{\n    [Coroutine]\n    public static " + signature + " { await co.Yield(1); }\n}\n";
        AssertSurvives(source);
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    // A template that delegates to one that gets no factory (a clash, or a signature mistake the analyzer reports): its
    // generated code could only add an error of its own ("no argument given for 'co'") to the one that matters; it gets
    // its placeholder and no diagnostic.
    [Theory]
    [InlineData("[Coroutine] public static async Coroutine<int> CountDown(int from, Yielder<int> co) { await co.Yield(from); return from; }\n    public class CountDownCoroutine { }", "COROGEN014")]
    [InlineData("[Coroutine] public static Coroutine<int> CountDown(int from, Yielder<int> co) => throw null!;", null)]
    public void ADelegationToATemplateWithoutAFactoryAddsNoErrorOfItsOwn(string callee, string? calleeId)
    {
        string source = "using System;\nusing CoroGen;\n\npublic static partial class Host\n{\n    " + callee
            + "\n\n    [Coroutine]\n    public static async Coroutine Launch(Yielder<int> co) { int s = await CountDown(3, co); await co.Yield(s); }\n}\n";
        AssertSurvives(source);
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Equal(calleeId, run.GeneratorDiagnostics.SingleOrDefault()?.Id);
        run.AssertPlaceholder("Launch", "the error reported on the template 'CountDown' it delegates to");
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id == "CS7036");
    }

    // Mistakes the compiler already reports get no second error from CoroGen: a forgotten 'static' in a static class
    // (CS0708), an await of a call that does not bind (CS1061).
    [Theory]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public async Coroutine F(Yielder<int> co) { await co.Yield(1); }\n}\n", "CS0708")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co) { await co?.Yield(1); }\n}\n", "CS1061")]
    public void AMistakeTheCompilerReportsIsReportedOnce(string source, string compilerError)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run("using CoroGen;\n\n" + source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.CompilationErrors, d => d.Id == compilerError && d.Location.SourceTree?.FilePath == GeneratorHarness.TemplatePath);
        Assert.Empty(run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
    }

    // The generator's diagnostics are located in the template's syntax tree, not only at its path and line: only such a
    // location lets '#pragma warning disable COROGENnnn' and a file's .editorconfig severity apply to them in a build.
    [Fact]
    public void GeneratorDiagnosticsAreLocatedInTheSourceTree()
    {
        string source = "using System.Threading.Tasks;\nusing CoroGen;\n\npublic static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        await Task.Delay(1);\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN008", diagnostic.Id);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Equal(GeneratorHarness.TemplatePath, diagnostic.Location.SourceTree!.FilePath);
        Assert.Equal("await Task.Delay(1)", diagnostic.Location.SourceTree.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    // Code the compiler cannot bind (an undefined name, as while typing): the generated file parses. A local that the
    // lowering needs to keep in a field, whose type the undefined name leaves unresolved, gets no COROGEN diagnostic (the
    // compiler's error at the name is the one to fix) and the template its placeholder; a construct CoroGen refuses
    // whatever the types gets its diagnostic.
    [Theory]
    [InlineData("var t = (Undefined(), 1); await co.Yield(1); Console.Write(t);", null, true)]
    [InlineData("var x = new[] { Undefined() }; await co.Yield(1); Console.Write(x);", null, true)]
    [InlineData("var x = new System.Collections.Generic.List<Undefined>(); await co.Yield(1); Console.Write(x);", null, true)]
    [InlineData("var x = Undefined(); await co.Yield(1); Console.Write(x);", null, true)]
    [InlineData("int r = (Undefined(), 1).Item2 + await co.Yield(1);", null, false)]
    [InlineData("Console.Write((Undefined(), 1), await co.Yield(1));", null, true)] // the tuple's type is the compiler's error's consequence
    [InlineData("switch ((Undefined(), 1)) { case (_, 1): await co.Yield(1); break; }", "COROGEN006", true)]
    [InlineData("using (Undefined()) { await co.Yield(1); }", null, false)]
    [InlineData("using (reader = new System.IO.StringReader(\"a\")) { await co.Yield(1); }", null, false)]
    public void UnresolvedTypesGetADiagnosticOrParseableCode(string body, string? id, bool placeholder)
    {
        string source = "using System;\nusing CoroGen;\n\npublic partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Yielder<int> co)\n    {\n        " + body + "\n    }\n}\n";
        AssertSurvives(source);
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Equal(id, run.GeneratorDiagnostics.SingleOrDefault()?.Id);
        if (placeholder)
        {
            run.AssertPlaceholder("F", id ?? "a compiler error in it");
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
        foreach (GeneratedSourceResult generated in run.Sources)
        {
            // Whatever the template's file looks like mid-edit, what the generator adds parses.
            Diagnostic? syntaxError = generated.SyntaxTree.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(syntaxError is null, $"{generated.HintName} does not parse: {syntaxError} on:\n{source}\n\n{generated.SourceText}");
        }
    }
}
