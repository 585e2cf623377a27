using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// <c>await foreach</c> and <c>await using</c>: lowered in templates whose yield type awaits tasks (scheduler coroutines,
/// see CoroGen.Scheduler.Tests' AsyncStreamTests for their behaviour); refused with COROGEN006 elsewhere; ordinary async
/// code in a template's lambdas; and the shapes CoroGen cannot lower refused rather than miscompiled.
/// </summary>
public sealed class AsyncStreamDiagnosticTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing CoroGen;\nusing CoroGen.Scheduling;\n\npublic static partial class Host\n{\n";

    [Theory]
    [InlineData("await foreach (int x in items) { await co.Yield(x); }", "'await foreach' (whose MoveNextAsync and DisposeAsync are awaits) in a template that yields 'int'", "iterate synchronously")]
    [InlineData("await foreach (int x in items) { }", "'await foreach' (whose MoveNextAsync and DisposeAsync are awaits) in a template that yields 'int'", "iterate synchronously")]
    [InlineData("await using var d = (IAsyncDisposable)null!; await co.Yield(1);", "'await using' (whose DisposeAsync is an await) in a template that yields 'int'", "dispose synchronously")]
    [InlineData("await using (IAsyncDisposable d = null!) { await co.Yield(1); }", "'await using' (whose DisposeAsync is an await) in a template that yields 'int'", "dispose synchronously")]
    public void OutsideASchedulerCoroutine_IsCOROGEN006_AtTheAwaitKeyword(string statement, string construct, string fix)
    {
        string source = Header + "    [Coroutine]\n    public static async Coroutine F(IAsyncEnumerable<int> items, Yielder<int> co)\n    {\n        " + statement + "\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN006", diagnostic.Id);
        Assert.Equal("await", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains(construct, diagnostic.GetMessage());
        Assert.Contains("(a scheduler coroutine, yielding LoopRequest); here " + fix, diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN006");
    }

    [Fact]
    public void InALambdaOfATemplate_IsOrdinaryAsyncCode()
    {
        // The lambda is an ordinary async method: its await foreach and await using are not the template's suspension points.
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "    [Coroutine]\n    public static async Coroutine F(IAsyncEnumerable<int> items, IAsyncDisposable resource, Yielder<int> co)\n    {\n"
            + "        Func<Task<int>> sum = async () =>\n        {\n            int total = 0;\n            await using (resource) { await foreach (int x in items) { total += x; } }\n            return total;\n        };\n"
            + "        async Task<int> Count() { int n = 0; await foreach (int x in items) { n++; } return n; }\n"
            + "        await co.Yield(sum().Result + Count().Result);\n    }\n}\n");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("await foreach (int x in items) { total += x; }")]
    [InlineData("await foreach (var x in items.WithCancellation(token).ConfigureAwait(false)) { total += x; await co.Sleep(1); }")]
    [InlineData("await foreach (var (a, b) in pairs) { total += a + b; }")]
    [InlineData("await foreach (long x in items) { total += (int)x; }")]
    [InlineData("await foreach (int x in new TaskSteps()) { total += x; }")]
    [InlineData("await using (var r = new Resource()) { await co.Sleep(1); } await using Resource? s = null, t = new Resource(); total++;")]
    [InlineData("await using (resource) { total++; } await using (new ValueResource()) { total++; } await using ValueResource? v = new ValueResource();")]
    [InlineData("await using (var p = new PatternResource()) { total++; } await using (PatternResource? q = null) { total++; } await using (resource.ConfigureAwait(false)) { total++; }")]
    [InlineData("for (int i = 0; i < 2; i++) { await foreach (int x in items) { if (x > i) continue; if (x < 0) break; if (x == 9) return total; await using var r = new Resource(); total += x; } }")]
    public void InASchedulerCoroutine_CompilesCleanly(string statements)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "    [Coroutine]\n    public static async Coroutine<int> F(IAsyncEnumerable<int> items, IAsyncEnumerable<(int, int)> pairs, IAsyncDisposable resource, CancellationToken token, Yielder<LoopRequest> co)\n    {\n"
            + "        int total = 0;\n        " + statements + "\n        return total;\n    }\n}\n"
            + "public sealed class Resource : IAsyncDisposable { public ValueTask DisposeAsync() => default; }\n"
            + "public struct ValueResource : IAsyncDisposable { ValueTask IAsyncDisposable.DisposeAsync() => default; }\n"
            + "public sealed class PatternResource { public ValueTask DisposeAsync() => default; }\n"
            + "public sealed class TaskSteps { public TaskSteps GetAsyncEnumerator() => this; public int Current => 1; public Task<bool> MoveNextAsync() => Task.FromResult(false); }\n");
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    // The hidden awaits delegate to LoopRequest.Await, whose coroutines take Unit from Send: a template taking int cannot
    // delegate to them, as `await LoopRequest.Await(task)` written out cannot (COROGEN009 at build time, not at run time).
    [Theory]
    [InlineData("await Task.Delay(1);", "Task.Delay(1)")]
    [InlineData("await foreach (int x in items) { }", "await")]
    [InlineData("await using (resource) { }", "await")]
    public void ATemplateWhoseSendTypeTheAwaitAdapterCannotTake_IsCOROGEN009(string statement, string at)
    {
        string source = Header + "    [Coroutine]\n    public static async Coroutine F(IAsyncEnumerable<int> items, IAsyncDisposable resource, Yielder<LoopRequest, int> co)\n    {\n        " + statement + "\n    }\n}\n";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN009", diagnostic.Id);
        Assert.Equal(at, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Matches("takes? 'CoroGen.Unit' from Send, which cannot hold the 'int' values this coroutine is sent", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN009");
    }

    [Fact]
    public void AStepCoroGenCannotAwait_IsCOROGEN006()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "    [Coroutine]\n    public static async Coroutine F(Yielder<LoopRequest> co)\n    {\n        await foreach (int x in new OddSteps()) { }\n    }\n}\n"
            + "public sealed class OddSteps { public OddSteps GetAsyncEnumerator() => this; public int Current => 1; public OddStep MoveNextAsync() => new(); }\n"
            + "public sealed class OddStep : System.Runtime.CompilerServices.INotifyCompletion { public OddStep GetAwaiter() => this; public bool IsCompleted => true; public bool GetResult() => false; public void OnCompleted(Action a) => a(); }\n");
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN006", diagnostic.Id);
        Assert.Contains("an await foreach loop whose 'MoveNextAsync' returns 'OddStep', which 'CoroGen.Scheduling.LoopRequest.Await' does not take", diagnostic.GetMessage());
        run.AssertPlaceholder("F", "COROGEN006");
    }

    [Fact]
    public void AYieldTypeThatAwaitsOnlyTasks_IsCOROGEN006_ForAnAwaitForeach()
    {
        // A yield type of the user's own with one adapter (Task): the steps are awaited as ValueTask<bool>, which it cannot take.
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "    [Coroutine]\n    public static async Coroutine F(Yielder<Request> co)\n    {\n        await foreach (int x in new TaskSteps()) { }\n    }\n}\n"
            + "public sealed class Request { public static Coroutine<Request, Unit, Unit> Await(Task task) => throw new NotSupportedException(); }\n"
            + "public sealed class TaskSteps { public TaskSteps GetAsyncEnumerator() => this; public int Current => 1; public Task<bool> MoveNextAsync() => Task.FromResult(false); }\n");
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.True(diagnostic.Id == "COROGEN006", diagnostic.GetMessage());
        Assert.Contains("an await foreach loop whose 'MoveNextAsync' returns 'System.Threading.Tasks.Task<bool>', which 'Request.Await' does not take", diagnostic.GetMessage());
    }

    [Fact]
    public void ASpanLocalInScopeOfAnAwaitForeach_IsCOROGEN007_NamingIt()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "    [Coroutine]\n    public static async Coroutine<int> F(IAsyncEnumerable<int> items, int[] slots, Yielder<LoopRequest> co)\n    {\n"
            + "        Span<int> s = slots;\n        s[0] = 1;\n        await foreach (int x in items) { slots[1] += x; }\n        return slots[0];\n    }\n}\n");
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN007", diagnostic.Id);
        Assert.Contains("its type is a ref struct, which cannot be a field, and CoroGen cannot show that it is dead at the 'await foreach' of line 15 in its scope", diagnostic.GetMessage());
    }
}
