using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Suspension points in catch/finally blocks, switch statements, checked blocks, closures over per-iteration variables and
/// pattern variables: what is lowered gets no diagnostic and compiles; what is not gets its diagnostic at the node.
/// </summary>
public sealed class HandlerDiagnosticTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing CoroGen;\n\npublic static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine F(List<Func<int>> fs, object o, Yielder<int> co)\n    {\n";
    private const string Footer = "\n    }\n}\n";

    [Theory]
    [InlineData("try { await co.Yield(1); } catch (Exception e) { await co.Yield(2); throw; } finally { await co.Yield(3); }")]
    [InlineData("for (int i = 0; i < 3; i++) { try { if (i == 1) continue; await co.Yield(i); } finally { await co.Yield(-i); } }")]
    [InlineData("switch (o) { case int n when n > 0: await co.Yield(n); goto default; default: await co.Yield(0); break; }")]
    [InlineData("switch (o) { case int n when n > 0 && await co.Yield(n) == Unit.Value: break; case string s when await co.Yield(s.Length) == Unit.Value: await co.Yield(2); break; case 3: break; }")]
    [InlineData("checked { int x = int.MaxValue; await co.Yield(1); x++; }")]
    [InlineData("foreach (int x in new[] { 1, 2 }) { int Twice() => x * 2; fs.Add(Twice); await co.Yield(Twice()); fs.Add(() => Twice()); }")]
    [InlineData("foreach (int x in new[] { 1, 2 }) { fs.Add(() => x); await co.Yield(x); }")]
    [InlineData("if (o is string { Length: var length } s) { await co.Yield(length); Console.WriteLine(s); }")]
    [InlineData("int k = 0; Again: await co.Yield(k); if (++k < 3) goto Again;")]
    [InlineData("foreach (int[] row in new[] { new[] { 1 } }) { var q = from v in row select v * 2; await co.Yield(q.Sum()); }")]
    public void LoweredWithoutDiagnostics(string body)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + body + Footer);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    // C# allows no await in a catch filter: the template gets COROGEN006 at the suspension point and the placeholder (its
    // callers compile), not generated code with an await in a filter of the non-async Resume.
    [Theory]
    [InlineData("try { await co.Yield(1); } catch (Exception e) when (await co.Yield(2) == Unit.Value) { await co.Yield(3); }")]
    [InlineData("try { await co.Yield(1); } catch (InvalidOperationException) when (o is int n && await co.Yield(n) == Unit.Value) { }")]
    [InlineData("try { throw new Exception(); } catch when ((await co.Yield(2)).Equals(Unit.Value)) { }")]
    [InlineData("while (true) { try { try { await co.Yield(1); } finally { await co.Yield(0); } } catch (Exception e) when (e.Message.Length > (await co.Yield(2)).GetHashCode()) { break; } }")]
    public void ASuspensionPointInACatchFilterIsRefused(string body)
    {
        string source = Header + body + Footer;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal("COROGEN006", diagnostic.Id);
        Assert.StartsWith("await co.Yield(", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains("filter ('when') of a catch clause", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN006");
    }

    // Statements in which C# allows no await either get COROGEN006 naming the statement and why, and the placeholder.
    [Theory]
    [InlineData("lock (fs) { await co.Yield(1); }", "a lock statement")]
    [InlineData("unsafe { int* p = stackalloc int[1]; await co.Yield(*p); }", "an unsafe block")]
    [InlineData("int[] a = { 1 }; unsafe { fixed (int* p = a) { await co.Yield(*p); } }", "an unsafe block")]
    public void ASuspensionPointInALockOrAnUnsafeContextIsRefused(string body, string construct)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + body + Footer, allowUnsafe: true);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal("COROGEN006", diagnostic.Id);
        Assert.StartsWith($"A suspension point stands inside {construct}, which CoroGen does not lower yet; C# allows no await", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN006");
    }

    // A suspension point in the lock's expression, not its body: the message says so and how to write it instead.
    [Fact]
    public void ASuspensionPointInALocksExpressionIsNamedAsSuch()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "object[] gates = { fs }; lock (gates[await co.Yield(0)]) { fs.Clear(); }" + Footer);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal("COROGEN006", diagnostic.Id);
        Assert.StartsWith("A suspension point stands inside the expression of a lock statement, which CoroGen does not lower yet; evaluate the object to lock before the lock statement", diagnostic.GetMessage());
        Assert.DoesNotContain("body", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN006");
    }

    [Theory]
    [InlineData("COROGEN010", "foreach (int x in new[] { 1, 2 }) { var q = from v in new[] { 3 } select v + x; fs.Add(() => q.Sum()); await co.Yield(x); }")]
    public void StillUnsupported(string id, string body)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + body + Footer);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("COROGEN")));
        Assert.Equal(id, diagnostic.Id);
        Assert.DoesNotContain("{", diagnostic.GetMessage());
    }
}
