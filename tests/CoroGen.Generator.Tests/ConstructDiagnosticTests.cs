using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Ref locals, ref struct locals (Span&lt;T&gt;, stackalloc) and span enumerators that may be live across a suspension point
/// cannot become fields: the generator reports a COROGEN error at the local or the foreach rather than crash or write code
/// that does not compile. Those dead at every suspension point stay locals of Resume. (ConstructTests runs such templates.)
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
    [InlineData("Span<int> s = slots; for (int i = 0; i < 2; i++) { slots[i] += s.Length; s = slots.AsSpan(i); await co.Yield(i); }", "s")]
    [InlineData("Span<int> s = slots; await co.Yield(1); if (slots[0] > 0) s = slots.AsSpan(1); slots[0] = s[0];", "s")]
    [InlineData("ref int r = ref slots[0]; r = 1; await co.Yield(1); if (slots[0] > 0) r = ref slots[1]; r = 2;", "r")]
    [InlineData("ref int r = ref slots[0]; await co.Yield(1); r = ref r; r = 2;", "r")]
    [InlineData("Make(out Span<int> s); await co.Yield(1); s[0]++; static void Make(out Span<int> x) => x = new int[1];", "s")]
    [InlineData("if (Make(out Span<int> s)) { await co.Yield(s[0]); } static bool Make(out Span<int> x) { x = new int[1]; return true; }", "s")]
    [InlineData("Span<int> s = slots; L: s[0]++; if (await co.Yield(1) > 0) goto L;", "s")]
    [InlineData("Span<int> s = slots; slots[0] = s[0] + await co.Yield(1);", "s")]
    [InlineData("ref int r = ref slots[0]; r = await co.Yield(1);", "r")]
    [InlineData("Span<int> s = slots; slots[await co.Yield(1)] = await co.Yield(s[0]);", "s")]
    [InlineData("Span<int> s = slots; if (slots[0] > 0) { s[0]++; } else { await co.Yield(1); } while (slots[1] < 2) { await co.Yield(s[0]); slots[1]++; }", "s")]
    [InlineData("ref int r = ref slots[0]; for (int i = 0; i < 2; i++) { r += i; await co.Yield(i); }", "r")]
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

    // The message names the suspension point the local is live across and says what to do.
    [Theory]
    [InlineData("Span<int> s = slots;\n        await co.Yield(1);\n        slots[0] = s[0];", "it is live across the suspension point at line 11 (read after it before it is assigned again)")]
    [InlineData("ref int r = ref slots[0];\n        await co.Yield(1);\n        r = 2;", "it is live across the suspension point at line 11 (used after it, and a ref local keeps its reference however it is used)")]
    [InlineData("ReadOnlySpan<int> s = default;\n        while (slots[0] < 3)\n        {\n            slots[0] += s.Length;\n            s = slots;\n            await co.Yield(1);\n        }", "it is live across the suspension point at line 15 (read after it before it is assigned again)")]
    [InlineData("Span<int> s = slots;\n        slots[1] = await co.Yield(s[0]) + s[1];", "it may be live across the suspension point at line 11 (it is used inside the statement that suspends there")]
    [InlineData("Span<int> s = slots;\n        for (int i = 0; i < 2; i++)\n        {\n            slots[i] += s[0];\n            await co.Yield(i);\n        }", "it is live across the suspension point at line 14 (read after it before it is assigned again)")]
    [InlineData("Span<int> s = slots;\n        if (slots[0] > 0)\n        {\n            s[0] = 1;\n            await co.Yield(1);\n            slots[1] = s[0];\n        }", "it is live across the suspension point at line 14 (read after it before it is assigned again)")]
    [InlineData("Span<int> s = slots;\n        try\n        {\n            s[0] = 1;\n            await co.Yield(1);\n        }\n        catch (InvalidOperationException)\n        {\n            slots[0] = s[1];\n        }", "it is live across the suspension point at line 14 (read by a catch, filter or finally block around it, which Throw or Close runs from there)")]
    [InlineData("Span<int> s = slots;\n        try\n        {\n            s[0] = 1;\n            await co.Yield(1);\n        }\n        catch (Exception) when (s[0] > 0)\n        {\n        }", "it is live across the suspension point at line 14 (read by a catch, filter or finally block around it, which Throw or Close runs from there)")]
    [InlineData("Span<int> s = slots;\n        try\n        {\n            await co.Yield(1);\n            s = slots.AsSpan(1);\n        }\n        finally\n        {\n            slots[0] = s.Length;\n        }", "it is live across the suspension point at line 13 (read by a catch, filter or finally block around it, which Throw or Close runs from there)")]
    [InlineData("Span<int> s = slots;\n        try\n        {\n            s[0] = 1;\n            await co.Yield(1);\n        }\n        finally\n        {\n            slots[0] = s.Length;\n        }", "it is live across the suspension point at line 14 (read after it before it is assigned again)")]
    [InlineData("Span<int> s = slots;\n        int n = 0;\n        again:\n        if (n < 2)\n        {\n            s[0] += n;\n            n += await co.Yield(n);\n            goto again;\n        }", "it is live across the suspension point at line 16 (read after it before it is assigned again)")]
    [InlineData("Span<int> s = slots;\n        while (slots[0] < 3)\n        {\n            if (await co.Yield(1) > 0)\n            {\n                s = slots.AsSpan(1);\n            }\n            slots[0] += s.Length + 1;\n        }", "it is live across the suspension point at line 13 (read after it before it is assigned again)")]
    [InlineData("ref int r = ref slots[0];\n        if (slots[1] > 0)\n        {\n            await co.Yield(1);\n            r = 5;\n        }", "it is live across the suspension point at line 13 (used after it, and a ref local keeps its reference however it is used)")]
    [InlineData("Span<int> s = slots;\n        try\n        {\n            s[0] = 1;\n            await co.Yield(s[0]);\n        }\n        finally\n        {\n            slots[1] = 2;\n        }", "it is live across the suspension point at line 14 (read in a try block around it before that block assigns it, and Resume returns to the suspension point through the start of that block)")]
    [InlineData("ref int r = ref slots[0];\n        using (new System.IO.MemoryStream())\n        {\n            r++;\n            await co.Yield(1);\n        }", "it is live across the suspension point at line 14 (used in a try block around it before that block assigns it, and Resume returns to the suspension point through the start of that block)")]
    [InlineData("Span<int> s = slots;\n        if (slots[0] > 0)\n        {\n            await co.Yield(1);\n            Fill(ref s);\n        }\n        static void Fill(ref Span<int> x) => x = x.Slice(1);", "it is live across the suspension point at line 13 (read after it before it is assigned again)")]
    [InlineData("ref int r = ref slots[0];\n        switch (slots[1])\n        {\n            case 0:\n                await co.Yield(1);\n                Bump(ref r);\n                break;\n        }\n        static void Bump(ref int x) => x++;", "it is live across the suspension point at line 14 (used after it, and a ref local keeps its reference however it is used)")]
    public void SaysWhichSuspensionPointARefOrSpanLocalIsLiveAcross(string statement, string expected)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Template(statement));
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN007");
        Assert.Contains(expected, diagnostic.GetMessage());
        Assert.Contains("end its use before the await, or recompute it after the await", diagnostic.GetMessage());
    }

    // A span declared by a statement that suspends in its own initializer: awaiting into locals first is the way out.
    [Theory]
    [InlineData("Span<int> s = stackalloc int[] { await co.Yield(1), 2 };\n        slots[0] = s[0];")]
    [InlineData("Span<int> s = new int[await co.Yield(1) + 1];\n        slots[0] = s.Length;")]
    public void ASpanDeclaredByASuspendingStatementIsAdvisedToAwaitIntoLocalsFirst(string statement)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Template(statement));
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN007");
        Assert.Contains("it is declared by a statement that suspends", diagnostic.GetMessage());
        Assert.Contains("await into ordinary locals in statements of their own first ('int first = await co.Yield(1);'), then declare it from them", diagnostic.GetMessage());
    }

    // A ref or ref struct local dead at every suspension point in its scope is a local of Resume, declared where the template
    // declares it: the generated code compiles (ConstructTests runs such templates against the oracle). This harness's
    // compiler knows C# 12 at most, where such locals in an async method are the template's own errors (CS4012, CS8177),
    // so only errors in the generated file count.
    [Theory]
    [InlineData("Span<int> s = slots; await co.Yield(s[1]);")]
    [InlineData("Span<int> s = slots; slots[0] += await co.Yield(s[0]); s = slots; int n = await co.Yield(s.Length);")]
    [InlineData("Span<int> s = stackalloc int[2]; s[0] = slots[0]; int n = await co.Yield(s[0]); s = stackalloc int[1]; s[0] = n; slots[0] = s[0];")]
    [InlineData("scoped Span<int> s = slots; ref readonly int f = ref slots[0]; slots[1] = f + s.Length; await co.Yield(1);")]
    [InlineData("for (int i = 0; i < 2; i++) { ReadOnlySpan<int> p = slots.AsSpan(i); { slots[0] += p[0]; } await co.Yield(i); }")]
    [InlineData("Span<int> s = slots; foreach (ref int x in s) { x++; } await co.Yield(1); { Span<int> s2 = slots; s2[0]++; }")]
    [InlineData("{ Span<int> s = slots; s[0]++; await co.Yield(1); } { Span<int> s = slots; s[1]++; await co.Yield(2); }")]
    [InlineData("ref int r = ref slots[0]; r++; await co.Yield(r); ref int q = ref slots[1]; q = 7;")]
    [InlineData("ref int r = ref slots[0]; r = 1; await co.Yield(1); r = ref slots[1]; r = 2;")]
    [InlineData("Make(out Span<int> s); s[0]++; await co.Yield(s[0]); Make(out s); s[0]++; static void Make(out Span<int> x) => x = new int[1];")]
    [InlineData("for (int i = 0; i < 2; i++) { Make(out var s); s[0] += i; if (i > 0) { await co.Yield(s[0]); } } static void Make(out Span<int> x) => x = new int[1];")]
    [InlineData("ref int r = ref slots[0]; for (int i = 0; i < 2; i++) { r = ref slots[i]; r += i; await co.Yield(r); }")]
    [InlineData("Span<int> s = slots; switch (slots[0]) { case 0: s[0] = 1; break; default: await co.Yield(s[0]); break; }")]
    [InlineData("Span<int> s = slots; if (slots[0] > 0) { s.Fill(3); slots[1] = s[0]; await co.Yield(slots[1]); } else { s[1]++; } int k = 0; while (k < 2) { s = slots.AsSpan(k); s[0] = k; await co.Yield(s[0]); k++; }")]
    [InlineData("Span<int> s = stackalloc int[2]; for (int i = 0; i < 2; i++) { s = stackalloc int[1]; s[0] = i; slots[0] += s[0]; await co.Yield(s[0]); }")]
    [InlineData("Span<int> s = slots; { { s[0]++; await co.Yield(s[0]); } } s = slots; do { s[1]++; await co.Yield(1); } while (slots[1] < 2 && (s = slots).Length > 0);")]
    [InlineData("Span<int> s = slots; s[0]++; try { s = slots.AsSpan(1); s[0] = 1; await co.Yield(s[0]); } finally { slots[1] = 2; }")]
    [InlineData("Span<int> s = slots; try { await co.Yield(1); s = slots; s[0]++; } catch (InvalidOperationException) { s = slots; s[1]++; }")]
    [InlineData("Span<int> s = slots; using (new System.IO.MemoryStream()) { s = slots; s[0]++; await co.Yield(s[0]); } foreach (int x in new List<int> { 1, 2 }) { s = slots.AsSpan(x); s[0] += x; await co.Yield(x); }")]
    [InlineData("int k = 0; while (k < 2) { ref int r = ref slots[k]; r++; if (r > 1) { r *= 2; await co.Yield(r); } else { r--; await co.Yield(0); } k++; }")]
    [InlineData("Span<int> s = slots; if (slots[0] > 0) { await co.Yield(1); Make(out s); slots[0] = s[0]; } static void Make(out Span<int> x) => x = new int[1];")]
    [InlineData("Span<int> s = slots; int n = 0; again: s = slots.AsSpan(n); s[0]++; if (n++ < 1) { await co.Yield(s[0]); goto again; }")]
    [InlineData("Span<int> s = slots; switch (slots[0]) { case 0: s[0]++; await co.Yield(1); break; case 1: s[1]++; await co.Yield(2); s = slots; goto case 0; }")]
    public void KeepsRefAndSpanLocalsDeadAtEverySuspensionAsLocals(string statement)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Template(statement));
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string generated = run.Sources.Single().SourceText.ToString();
        Assert.Contains("Yielded(", generated); // lowered, not a placeholder
        var inGenerated = run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).ToList();
        Assert.True(inGenerated.Count == 0, string.Join("\n", inGenerated) + "\n" + generated);
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
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN005");
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
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN007");
        Assert.Equal("Walk", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("ref struct", diagnostic.GetMessage());
        Assert.Contains("make the template static", diagnostic.GetMessage());
        run.AssertPlaceholder("Walk", "COROGEN007");
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        Assert.Contains("case ", run.Sources.Single(s => s.HintName.EndsWith(".Count.g.cs", System.StringComparison.Ordinal)).SourceText.ToString());
    }

    // The run's only diagnostic, which must be `id` (the generator itself must not have thrown).
    // COROGEN006 for a lock, unsafe or fixed statement whose body suspends stands at the first suspension point inside,
    // where C#'s own error (CS1996, CS4004) stands too, not at the statement's keyword.
    [Theory]
    [InlineData("int x = slots[0];\n        lock (slots)\n        {\n            x++;\n            await co.Yield(x);\n        }", "a lock statement")]
    [InlineData("int x = slots[0];\n        unsafe\n        {\n            int* p = &x;\n            await co.Yield(*p);\n        }", "an unsafe block")]
    [InlineData("unsafe\n        {\n            fixed (int* p = slots)\n            {\n                await co.Yield(*p);\n            }\n        }", "an unsafe block")]
    public void AnUnsupportedStatementIsReportedAtItsFirstSuspensionPoint(string statement, string construct)
    {
        string source = Template(statement);
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, allowUnsafe: true);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN006");
        Assert.Contains($"A suspension point stands inside {construct}", diagnostic.GetMessage());
        Assert.StartsWith("await co.Yield(", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    // A pointer local live across a suspension point cannot be a field: what it points to (a stackalloc buffer, a pinned
    // variable) ends with the step of Resume that made it, and the field ('private int* @p;') was CS0214 in the generated
    // file alone. COROGEN007 at the local, by the rule of ref locals.
    [Theory]
    [InlineData("public static unsafe partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static unsafe async Coroutine F(int[] slots, Yielder<int, int> co)\n")]
    public void APointerLocalLiveAcrossASuspensionPointIsCorogen007(string declaration)
    {
        string source = "using CoroGen;\n\n" + declaration + "    {\n        int* p = stackalloc int[2];\n        p[0] = 1;\n        await co.Yield(1);\n        slots[0] = p[0];\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, allowUnsafe: true);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = SingleDiagnostic(run, "COROGEN007");
        Assert.Equal("p", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("The local 'p' of type 'int*' must become a field of the generated class because its scope contains a suspension point, but it is a pointer, which cannot be a field: what it points to (a stackalloc buffer, or a variable pinned by 'fixed' or taken with '&') lasts only until the coroutine suspends", diagnostic.GetMessage());
        Assert.Contains("and it is live across the suspension point at line 10 (read after it before it is assigned again)", diagnostic.GetMessage());
        Assert.Contains("copy the values it points to into ordinary locals or an array", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN007");
    }

    // A pointer local dead at every suspension point stays a local of Resume; the generated class is unsafe when the
    // template's context is (an unsafe type or method), as partial declarations do not share 'unsafe': the pointer code
    // copied into Resume was CS0214 in the generated file even when the pointer was used only before the await. (This
    // harness's C# 12 refuses the template's own await in an unsafe context, CS4004, which C# 13 allows: only errors in the
    // generated file count.)
    [Theory]
    [InlineData("public static unsafe partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n")]
    [InlineData("public static partial class Host\n{\n    [Coroutine]\n    public static unsafe async Coroutine F(int[] slots, Yielder<int, int> co)\n")]
    [InlineData("public unsafe partial class Outer\n{\n    public static partial class Host\n    {\n    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n")]
    public void APointerLocalDeadAtEverySuspensionPointCompilesInAnUnsafeContext(string declaration)
    {
        string close = declaration.Contains("Outer") ? "}\n}\n" : "}\n";
        string source = "using CoroGen;\n\n" + declaration + "    {\n        int* p = stackalloc int[2];\n        p[0] = slots[0];\n        int v = p[0];\n        await co.Yield(v);\n        int w = slots[0];\n        int* q = &w;\n        slots[1] = *q;\n    }\n" + close;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, allowUnsafe: true);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string generated = run.Sources.Single().SourceText.ToString();
        Assert.Contains("unsafe sealed class FCoroutine", generated);
        var inGenerated = run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).ToList();
        Assert.True(inGenerated.Count == 0, string.Join("\n", inGenerated) + "\n" + generated);
    }

    [Fact]
    public void TheGeneratedClassIsNotUnsafeOutsideAnUnsafeContext()
    {
        string generated = GeneratorHarness.Run(Template("await co.Yield(1);")).Sources.Single().SourceText.ToString();
        Assert.DoesNotContain("unsafe", generated);
    }

    private static Microsoft.CodeAnalysis.Diagnostic SingleDiagnostic(GeneratorHarness.GeneratorRun run, string id)
    {
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        return diagnostic;
    }

    private static string Template(string statement) =>
        Header + "    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n    {\n        " + statement + "\n    }\n}\n";
}
