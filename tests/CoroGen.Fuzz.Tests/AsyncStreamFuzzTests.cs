using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading.Tasks;
using CoroGen.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Fuzz.Tests;

/// <summary>
/// Differential fuzzing of <c>await foreach</c> and <c>await using</c> in scheduler coroutines, with C#'s own async methods
/// as the oracle: each random body is compiled twice, as a <c>[Coroutine]</c> template run by an <see cref="EventLoop"/> and
/// as an ordinary <c>async Task&lt;int&gt;</c> method, and both must log the same events (sources starting, yielding,
/// failing and running their finally blocks; resources opened and disposed; steps awaited; catches) and end the same way.
/// Sources are C# async iterators and resources are async disposables whose steps and disposals complete at once or on
/// the thread pool, and fail, as the seed decides. CI runs a few; run more with
/// <c>COROGEN_ASYNCFUZZ_PROGRAMS=2000 COROGEN_ASYNCFUZZ_SEED=1000 dotnet test tests/CoroGen.Fuzz.Tests --filter FullyQualifiedName~AsyncStreamFuzzTests</c>.
/// </summary>
public sealed class AsyncStreamFuzzTests
{
    private const int ProgramsPerBatch = 40;

    private readonly ITestOutputHelper output;

    public AsyncStreamFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void AwaitForeachAndAwaitUsingAgreeWithCSharpAsyncMethods()
    {
        int programs = Environment.GetEnvironmentVariable("COROGEN_ASYNCFUZZ_PROGRAMS") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 80;
        int firstSeed = Environment.GetEnvironmentVariable("COROGEN_ASYNCFUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1;
        var failures = new List<string>();
        int run = 0, threw = 0;
        for (int batch = 0; run < programs && failures.Count < 3; batch++)
        {
            int seed = firstSeed + batch;
            int count = Math.Min(ProgramsPerBatch, programs - run);
            var writer = new AsyncStreamWriter(seed);
            string source = AsyncStreamWriter.Prelude + writer.WriteClass(count);
            run += count;

            if (!DifferentialRunner.TryBuild(source, out Assembly? assembly, out AssemblyLoadContext? context, out FuzzFailure? failure))
            {
                failures.Add($"seed {seed}: {failure!.Kind}:\n{failure.Expected}");
                continue;
            }

            Type host = assembly!.GetType("Fuzz.Batch")!;
            Type env = assembly.GetType("Fuzz.Env")!;
            for (int i = 0; i < count; i++)
            {
                for (int variant = 0; variant < 2; variant++)
                {
                    int envSeed = seed * 1000 + i * 10 + variant;
                    string expected = Outcome(() => ((Task<int>)host.GetMethod("A" + i)!.Invoke(null, new[] { Activator.CreateInstance(env, envSeed) })!).GetAwaiter().GetResult(), env);
                    string actual = Outcome(() => new EventLoop(new VirtualTimeProvider()).Run((Coroutine<LoopRequest, Unit, int>)host.GetMethod("T" + i, new[] { env })!.Invoke(null, new[] { Activator.CreateInstance(env, envSeed) })!), env);
                    threw += expected.Contains(" => threw ", StringComparison.Ordinal) ? 1 : 0;
                    if (run <= ProgramsPerBatch && i < 2)
                    {
                        output.WriteLine($"T{i} in environment {envSeed}: {actual}");
                    }

                    if (expected != actual)
                    {
                        failures.Add($"seed {seed}, T{i}, environment {envSeed}:\n  C#:      {expected}\n  CoroGen: {actual}\n{writer.Bodies[i]}");
                        break;
                    }
                }
            }

            context!.Unload();
        }

        output.WriteLine($"{run} programs, each run in 2 environments; {threw} runs ended with an exception; {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
        Assert.True(threw > 0 && threw < run * 2, $"{threw} of {run * 2} runs threw: the outcomes do not vary");
    }

    [Fact]
    public void TheWriterIsDeterministicAndUsesEveryConstruct()
    {
        string text = new AsyncStreamWriter(7).WriteClass(200);
        Assert.Equal(text, new AsyncStreamWriter(7).WriteClass(200));
        foreach (string construct in new[]
        {
            "await foreach (int x", "await foreach (var x", "await foreach (var (p", "await foreach ((int p", "captured.Add(() => ", "await using (var r", "await using (env.Resource(", "await using var r", "await env.Step(",
            "catch (InvalidOperationException e", "when (", "finally", "break;", "continue;", "return acc", "throw env.Fail(",
        })
        {
            Assert.Contains(construct, text, StringComparison.Ordinal);
        }
    }

    // The log, then how the run ended.
    private static string Outcome(Func<int> run, Type env)
    {
        string ending;
        try
        {
            ending = "returned " + run();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ending = "threw " + e.InnerException.GetType().Name + ": " + e.InnerException.Message;
        }
        catch (Exception e)
        {
            ending = "threw " + e.GetType().Name + ": " + e.Message;
        }

        object environment = env.GetField("Last")!.GetValue(null)!;
        string log = string.Join(" | ", (List<string>)env.GetField("Log")!.GetValue(environment)!);
        return log + " => " + ending;
    }
}

/// <summary>Writes random bodies of await foreach, await using, try/catch/finally, jumps and steps, valid in both forms.</summary>
internal sealed class AsyncStreamWriter
{
    public const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using CoroGen;
        using CoroGen.Scheduling;

        namespace Fuzz;

        /// <summary>Sources, resources and steps whose behaviour follows from the seed and their number alone.</summary>
        public sealed class Env
        {
            public static Env? Last;
            public readonly List<string> Log = new();
            private readonly int seed;

            public Env(int seed)
            {
                this.seed = seed;
                Last = this;
            }

            private int Pick(int k, int i, int n) => (int)((uint)(((seed * 7919 + k) * 104729 + i) * 1299709 ^ 0x5bd1e995) % (uint)n);

            public bool Flip(int k) => Pick(k, 99, 2) == 0;

            public InvalidOperationException Fail(int k) => new("throw " + k);

            public async IAsyncEnumerable<int> Source(int k)
            {
                Log.Add("source " + k + " starts");
                try
                {
                    int count = Pick(k, 0, 4);
                    for (int i = 0; i < count; i++)
                    {
                        if (Pick(k, i + 1, 3) == 0)
                        {
                            await Task.Yield();
                        }

                        if (Pick(k, i + 10, 7) == 0)
                        {
                            throw new InvalidOperationException("source " + k + " fails at " + i);
                        }

                        Log.Add("source " + k + " yields " + i);
                        yield return k * 10 + i;
                    }
                }
                finally
                {
                    Log.Add("source " + k + " finally");
                }
            }

            public async IAsyncEnumerable<(int, int)> Pairs(int k)
            {
                await foreach (int x in Source(k))
                {
                    yield return (x, x % 10);
                }
            }

            public Resource Resource(int k)
            {
                Log.Add("open " + k);
                return new Resource(this, k, Pick(k, 20, 3) == 0, Pick(k, 21, 6) == 0);
            }

            public ValueTask Step(int k)
            {
                Log.Add("step " + k);
                return Pick(k, 30, 2) == 0 ? default : new ValueTask(Task.Run(() => { }));
            }
        }

        public sealed class Resource(Env env, int k, bool later, bool fails) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                env.Log.Add("dispose " + k);
                if (later)
                {
                    await Task.Yield();
                }

                if (fails)
                {
                    throw new InvalidOperationException("dispose " + k + " fails");
                }
            }
        }

        """;

    private readonly Random random;
    private int next;
    private int number;

    public AsyncStreamWriter(int seed) => random = new Random(seed);

    public List<string> Bodies { get; } = new();

    public string WriteClass(int count)
    {
        var text = new StringBuilder("public static partial class Batch\n{\n");
        for (int i = 0; i < count; i++)
        {
            next = 0;
            var body = new StringBuilder();
            body.Append("        int acc = 0;\n        var captured = new List<Func<int>>();\n");
            Block(body, 2, depth: 0, loops: new List<string>(), inLoop: false, inFinally: false, allowDeclaration: true);
            body.Append("        env.Log.Add(\"captured \" + string.Join(\",\", captured.ConvertAll(f => f())));\n        return acc;\n");
            Bodies.Add(body.ToString());
            text.Append("    [Coroutine]\n    public static async Coroutine<int> T").Append(i).Append("(Env env, Yielder<LoopRequest> co)\n    {\n").Append(body).Append("    }\n\n");
            text.Append("    public static async Task<int> A").Append(i).Append("(Env env)\n    {\n").Append(body).Append("    }\n\n");
        }

        return text.Append("}\n").ToString();
    }

    private void Block(StringBuilder s, int indent, int depth, List<string> loops, bool inLoop, bool inFinally, bool allowDeclaration)
    {
        int statements = random.Next(1, depth == 0 ? 5 : 4);
        for (int i = 0; i < statements; i++)
        {
            Statement(s, indent, depth, loops, inLoop, inFinally, allowDeclaration);
        }
    }

    private void Statement(StringBuilder s, int indent, int depth, List<string> loops, bool inLoop, bool inFinally, bool allowDeclaration)
    {
        string pad = new(' ', indent * 4);
        int k = ++number % 1000;
        int choice = random.Next(depth >= 3 ? 6 : 12);
        switch (choice)
        {
            case 0:
                s.Append(pad).Append("env.Log.Add(\"at ").Append(k).Append(" \" + acc);\n");
                break;
            case 1:
                s.Append(pad).Append("await env.Step(").Append(k).Append(");\n");
                break;
            case 2 when loops.Count > 0:
            {
                string variable = loops[random.Next(loops.Count)];
                s.Append(pad).Append(random.Next(2) == 0 ? $"acc += {variable};\n" : $"captured.Add(() => {variable});\n"); // each iteration's closure sees its own variable
                break;
            }

            case 3 when inLoop: // a loop inside a finally block may be left by break and continue; its finally's own loops are reset
                s.Append(pad).Append("if (env.Flip(").Append(k).Append(")) ").Append(random.Next(2) == 0 ? "break;" : "continue;").Append('\n');
                break;
            case 4 when !inFinally:
                s.Append(pad).Append("if (env.Flip(").Append(k).Append(")) return acc + ").Append(k).Append(";\n");
                break;
            case 5:
                s.Append(pad).Append("if (env.Flip(").Append(k).Append(")) throw env.Fail(").Append(k).Append(");\n");
                break;
            case 6 when random.Next(3) == 0:
            {
                string p = "p" + next, q = "q" + next++;
                s.Append(pad).Append(random.Next(2) == 0 ? $"await foreach (var ({p}, {q}) in env.Pairs({k}))\n" : $"await foreach ((int {p}, var {q}) in env.Pairs({k}))\n").Append(pad).Append("{\n");
                var inner = new List<string>(loops) { p, q };
                s.Append(pad).Append("    acc += ").Append(p).Append(" * ").Append(q).Append(";\n");
                Block(s, indent + 1, depth + 1, inner, inLoop: true, inFinally, allowDeclaration: true);
                s.Append(pad).Append("}\n");
                break;
            }

            case 6:
            case 7:
            {
                string x = "x" + next++;
                s.Append(pad).Append("await foreach (").Append(random.Next(2) == 0 ? "int " : "var ").Append(x).Append(" in env.Source(").Append(k).Append("))\n").Append(pad).Append("{\n");
                var inner = new List<string>(loops) { x };
                s.Append(pad).Append("    acc += ").Append(x).Append(";\n");
                Block(s, indent + 1, depth + 1, inner, inLoop: true, inFinally, allowDeclaration: true);
                s.Append(pad).Append("}\n");
                break;
            }

            case 8:
            {
                string r = "r" + next++;
                s.Append(pad).Append(random.Next(2) == 0 ? $"await using (var {r} = env.Resource({k}))\n" : $"await using (env.Resource({k}))\n").Append(pad).Append("{\n");
                Block(s, indent + 1, depth + 1, loops, inLoop, inFinally, allowDeclaration: true);
                s.Append(pad).Append("}\n");
                break;
            }

            case 9 when allowDeclaration:
                s.Append(pad).Append("await using var r").Append(next++).Append(" = env.Resource(").Append(k).Append(");\n");
                break;
            case 10:
            case 11:
            {
                string e = "e" + next++;
                s.Append(pad).Append("try\n").Append(pad).Append("{\n");
                Block(s, indent + 1, depth + 1, loops, inLoop, inFinally, allowDeclaration: true);
                s.Append(pad).Append("}\n");
                bool hasCatch = random.Next(3) > 0;
                if (hasCatch)
                {
                    s.Append(pad).Append("catch (InvalidOperationException ").Append(e).Append(')');
                    if (random.Next(3) == 0)
                    {
                        s.Append(" when (").Append(e).Append(".Message.Length % 2 == ").Append(random.Next(2)).Append(')');
                    }

                    s.Append('\n').Append(pad).Append("{\n").Append(pad).Append("    env.Log.Add(\"caught \" + ").Append(e).Append(".Message);\n");
                    if (random.Next(2) == 0)
                    {
                        Block(s, indent + 1, depth + 1, loops, inLoop, inFinally, allowDeclaration: true);
                    }

                    s.Append(pad).Append("}\n");
                }

                if (!hasCatch || random.Next(2) == 0)
                {
                    s.Append(pad).Append("finally\n").Append(pad).Append("{\n").Append(pad).Append("    env.Log.Add(\"finally ").Append(k).Append("\");\n");
                    if (random.Next(2) == 0)
                    {
                        Block(s, indent + 1, depth + 1, new List<string>(), inLoop: false, inFinally: true, allowDeclaration: true);
                    }

                    s.Append(pad).Append("}\n");
                }

                break;
            }

            default:
                s.Append(pad).Append("acc += ").Append(k).Append(";\n");
                break;
        }
    }
}
