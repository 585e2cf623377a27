using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Suspension points inside expressions: what is lowered compiles clean with no diagnostic; what cannot be kept across a
/// suspension point (a reference to a variable) gets COROGEN005 at
/// that node, with a message naming it.
/// </summary>
public sealed class ExpressionDiagnosticTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\npublic static partial class Host\n{\n    private static ref int First(int[] slots) => ref slots[0];\n\n    private static void Store(ref int slot, int value) => slot = value;\n\n    private static int Add(int a, int b) => a + b;\n\n";

    [Theory]
    [InlineData("Store(ref First(slots), await co.Yield(0));", "ref-returning call")]
    [InlineData("First(slots) = await co.Yield(0);", "ref-returning call")]
    [InlineData("First(slots) += await co.Yield(0);", "ref-returning call")]
    public void ReportsWhatCannotBeKept(string statement, string named)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Template(statement));
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal("COROGEN005", diagnostic.Id);
        Assert.Contains(named, diagnostic.GetMessage());
        Microsoft.CodeAnalysis.FileLinePositionSpan where = diagnostic.Location.GetLineSpan();
        string[] lines = Template(statement).Split('\n');
        Assert.Equal(lines[where.StartLinePosition.Line].IndexOf("First(", System.StringComparison.Ordinal), where.StartLinePosition.Character); // at what cannot be kept
        Assert.DoesNotContain("{", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Store(ref slots[Add(0, 0)], await co.Yield(0));")]
    [InlineData("slots[Add(0, 0)] += await co.Yield(0);")]
    [InlineData("int r = Add(slots[0], await co.Yield(1)) + (slots.Length > 0 ? await co.Yield(2) : 0);")]
    [InlineData("bool r = slots[0] is int n && n > await co.Yield(n);")]
    [InlineData("bool r = await co.Yield(1) is int n && n > 0;")]
    [InlineData("bool r = slots[0] is int n && await co.Yield(n) > n;")]
    [InlineData("var t = (slots[0], await co.Yield(1), new { A = await co.Yield(2) }.A);")]
    [InlineData("string s = $\"{slots[0]} {await co.Yield(1):D3}\" + slots?.Length.ToString() ?? \"\" + await co.Yield(2);")]
    [InlineData("int r = slots[0] switch { 0 => await co.Yield(0), int k when k > 3 => await co.Yield(k), _ => throw new InvalidOperationException(\"no \" + await co.Yield(9)) };")]
    [InlineData("int r = slots[^(await co.Yield(1) & 0 + 1)] + slots[..await co.Yield(2)].Length;")]
    [InlineData("dynamic d = slots[0]; int r = d + await co.Yield(1);")]
    [InlineData("object o = (object)null ?? await co.Yield(1); Type t = typeof(int); string s = t.Name + await co.Yield(2) + default(int) + sizeof(int);")]
    [InlineData("var list = new List<List<int>> { new List<int> { await co.Yield(1) }, new() { 2, await co.Yield(3) } };")]
    [InlineData("int[,] grid = new int[await co.Yield(2) + 1, slots.Length + await co.Yield(3)];")]
    [InlineData("string s = slots?[0].ToString()?.Substring(await co.Yield(0)) ?? \"none\";")]
    [InlineData("var pair = (A: slots[0], B: await co.Yield(1)); int r = pair.A + pair.B;")]
    [InlineData("Func<int, int> f = x => x + 1; int r = f(await co.Yield(1)) + new Func<int>(() => 3)() + await co.Yield(2);")]
    [InlineData("if (slots.Length > 0 && (slots[0] += await co.Yield(1)) > 3 || await co.Yield(2) == 0) { slots[0]--; }")]
    [InlineData("for (int i = 0, j = await co.Yield(0); i < j + await co.Yield(i); i++, j -= await co.Yield(-j)) { }")]
    [InlineData("foreach (var (k, v) in new Dictionary<int, int> { [await co.Yield(1)] = 2 }) { await co.Yield(k + v); }")]
    [InlineData("using (var r = new System.IO.StringReader(\"x\" + await co.Yield(1))) { }")]
    [InlineData("while (await co.Yield(slots.Length) is > 0 and var n && n < 10) { break; }")]
    [InlineData("do { } while (slots[0]++ < await co.Yield(slots[0]));")]
    [InlineData("lock (slots) { } slots[await co.Yield(0)] = checked(slots[0] * await co.Yield(2));")]
    [InlineData("int r = slots[0] switch { int k when k > await co.Yield(1) => 1, _ => await co.Yield(2) };")]
    [InlineData("int r = slots[0] switch { int k when k > await co.Yield(1) => 1, _ => 2 };")]
    public void LowersTheRestCleanly(string statement)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Template(statement));
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        Assert.True(!run.CompilationErrors.Any(), string.Join("\n", run.CompilationErrors) + "\n" + string.Join("\n", run.Sources.Select(s => s.SourceText.ToString())));
    }

    [Theory]
    [InlineData("&&")]
    [InlineData("||")]
    public void AUserDefinedShortCircuitSaysHowToKeepItConditional(string op)
    {
        // Moving the await out of `a && await ...` would suspend whatever a is: the advice is an if statement instead.
        string source = "using CoroGen;\n\npublic struct Tri\n{\n    public bool V;\n    public static bool operator true(Tri t) => t.V;\n    public static bool operator false(Tri t) => !t.V;\n"
            + "    public static Tri operator &(Tri a, Tri b) => new() { V = a.V & b.V };\n    public static Tri operator |(Tri a, Tri b) => new() { V = a.V | b.V };\n}\n\n"
            + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(Tri a, Yielder<Tri, Tri> co)\n    {\n        Tri r = a " + op + " await co.Yield(a);\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN005", diagnostic.Id);
        Assert.Contains($"user-defined '{op}' operator; write the '{op}' as an 'if' statement that tests the left operand first", diagnostic.GetMessage());
        Assert.DoesNotContain("its own statement", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("int limit, out bool shouldAppend", "shouldAppend = limit > 0;", "void", "", true)]
    [InlineData("int limit", "", "bool", "return true;", true)]
    [InlineData("int limit", "", "void", "", false)]
    public void AHandlerThatCanStopAppendingIsRefused(string parameters, string constructorBody, string appendType, string appendBody, bool refused)
    {
        // C# skips the holes after a false shouldAppend or Append result, suspension points included; the lowering
        // evaluates the holes before the handler exists, so such a handler is refused rather than run differently.
        string source = "using System.Runtime.CompilerServices;\nusing CoroGen;\n\n[InterpolatedStringHandler]\npublic struct Stops\n{\n"
            + $"    public Stops(int literalLength, int formattedCount, {parameters}) {{ {constructorBody} }}\n"
            + $"    public {appendType} AppendLiteral(string s) {{ {appendBody} }}\n    public {appendType} AppendFormatted<T>(T value) {{ {appendBody} }}\n}}\n\n"
            + "public static partial class Host\n{\n    public static int Render(int limit, [InterpolatedStringHandlerArgument(\"limit\")] Stops h) => limit;\n\n"
            + "    [Coroutine]\n    public static async Coroutine F(int limit, Yielder<int, int> co)\n    {\n        int r = Render(limit, $\"a{limit}b{await co.Yield(1)}\");\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        if (!refused)
        {
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.True(!run.CompilationErrors.Any(), string.Join("\n", run.CompilationErrors));
            return;
        }

        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN005", diagnostic.Id);
        Assert.Contains("the handler 'Stops', which can stop appending", diagnostic.GetMessage());
        Assert.Contains("use 'value' in the hole", diagnostic.GetMessage());
    }

    [Fact]
    public void AQueryThatSuspendsSaysToAwaitBeforeIt()
    {
        string source = "using System.Linq;\n" + Template("var q = from v in new[] { 1, await co.Yield(1) } where v > 0 select v * 10; slots[0] = q.Sum();");
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN005", diagnostic.Id);
        Assert.Contains("a query expression, which CoroGen does not split", diagnostic.GetMessage());
        Assert.Contains("await into a local before the query", diagnostic.GetMessage());
    }

    private static string Template(string statement) =>
        Header + "    [Coroutine]\n    public static async Coroutine F(int[] slots, Yielder<int, int> co)\n    {\n        " + statement + "\n    }\n}\n";
}
