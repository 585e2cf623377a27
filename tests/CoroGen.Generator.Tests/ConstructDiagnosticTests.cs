using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Ref locals, ref struct locals (Span&lt;T&gt;, stackalloc) and span enumerators whose scope holds a suspension point cannot
/// become fields: the generator reports a COROGEN error at the local or the foreach rather than crash or write code that
/// does not compile. (ConstructTests runs the same constructs kept inside blocks without suspension points.)
/// </summary>
public sealed class ConstructDiagnosticTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\npublic static partial class Host\n{\n";

    [Theory]
    [InlineData("ref int r = ref slots[0]; await co.Yield(1); r++;", "r")]
    [InlineData("Span<int> span = stackalloc int[2]; await co.Yield(1); span[0] = 1;", "span")]
    [InlineData("ReadOnlySpan<int> view = slots; await co.Yield(view[0]); await co.Yield(view[1]);", "view")]
    [InlineData("foreach (int x in slots.AsSpan()) { await co.Yield(x); }", "foreach")]
    [InlineData("foreach (int x in (ReadOnlySpan<int>)slots) { if (x > 0) { await co.Yield(x); } }", "foreach")]
    [InlineData("foreach (ref int x in slots.AsSpan()) { x = await co.Yield(x); }", "x")]
    [InlineData("Span<int> s = slots; await co.Yield(s[1]);", "s")]
    public void ReportsRefAndSpanLocalsLiveAcrossASuspension(string statement, string at)
    {
        string source = Template(statement);
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(at, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("ref", diagnostic.GetMessage());
        Assert.DoesNotContain("{", diagnostic.GetMessage());
        run.AssertPlaceholder("F", diagnostic.Id); // no lowered code for a template with an error, so nothing that does not compile
    }

    // Caller information the copied calls leave to the compiler is passed by name from the template (ConstructTests checks
    // the values): with params, constructors, generic calls and calls spilled around a suspension point, the code compiles.
    [Theory]
    [InlineData("Log(await co.Yield(1) > 0 ? \"a\" : \"b\");")]
    [InlineData("Log(\"a\");")]
    [InlineData("var p = new Probe(await co.Yield(1)); await co.Yield(p.Where.Length);")]
    [InlineData("Probe p = new(await co.Yield(1)); await co.Yield(p.Where.Length);")]
    [InlineData("string s = Echo<int>(slots[0]) + await co.Yield(Echo(slots.Length).Length);")]
    public void PassesCallerInformationByName(string statement)
    {
        string source = Header
            + "    private static void Log(string m, [System.Runtime.CompilerServices.CallerMemberName] string caller = \"\", params int[] rest) { }\n"
            + "    private static string Echo<T>(T v, [System.Runtime.CompilerServices.CallerArgumentExpression(\"v\")] string e = \"\", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => e + line;\n"
            + "    private sealed class Probe { public Probe(int x, [System.Runtime.CompilerServices.CallerFilePath] string path = \"\") => Where = path; public string Where { get; } }\n"
            + "    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n    {\n        " + statement + "\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string generated = run.Sources.Single().SourceText.ToString();
        Assert.True(!run.CompilationErrors.Any(), string.Join("\n", run.CompilationErrors) + "\n" + generated);
        Assert.DoesNotContain("\"this.@", generated); // no caller argument expression of the rewritten code
    }

    // A spread before a suspension point is copied then, as C# enumerates it then; a user-defined conversion of its elements
    // would run at the copy rather than where C# runs it, so it is reported instead.
    [Fact]
    public void ReportsASpreadWithAUserDefinedElementConversion()
    {
        string source = Header
            + "    public sealed class Meters { public static implicit operator Meters(int v) => new Meters(); }\n"
            + "    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n    {\n        List<Meters> l = [.. Items(slots), await co.Yield(0)];\n    }\n"
            + "    private static IEnumerable<int> Items(int[] slots) => slots;\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN005", diagnostic.Id);
        Assert.Equal("Items(slots)", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("user-defined conversion", diagnostic.GetMessage());
    }

    // An instance template of a ref struct would keep 'this' in a field of the generated class, which C# does not allow:
    // COROGEN007 at the template, and a placeholder (without 'this') that the struct's callers compile against. Its static
    // templates are generated as usual.
    [Fact]
    public void AnInstanceTemplateOfARefStructIsRefused()
    {
        string source = "using System;\nusing CoroGen;\n\npublic ref partial struct Cursor\n{\n    public int X;\n\n"
            + "    [Coroutine]\n    public async Coroutine<int> Walk(int step, Yielder<int> co) { await co.Yield(X); return X + step; }\n\n"
            + "    [Coroutine]\n    public static async Coroutine<int> Count(Yielder<int> co) { await co.Yield(1); return 2; }\n\n"
            + "    public Coroutine<int, Unit, int> Use() => Walk(1);\n    public static Coroutine<int, Unit, int> UseStatic() => Count();\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN007", diagnostic.Id);
        Assert.Equal("Walk", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("ref struct", diagnostic.GetMessage());
        Assert.Contains("make the template static", diagnostic.GetMessage());
        run.AssertPlaceholder("Walk", "COROGEN007");
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        Assert.Contains("case ", run.Sources.Single(s => s.HintName.EndsWith(".Count.g.cs", System.StringComparison.Ordinal)).SourceText.ToString());
    }

    private static string Template(string statement) =>
        Header + "    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n    {\n        " + statement + "\n    }\n}\n";
}
