using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// A template may name a generated class (API.md section 2: <c>SubCoroutine</c> for the template <c>Sub</c>) wherever it can
/// use a coroutine: awaited, as a local's or parameter's type, as what a member returns, in a generic argument, in YieldAll.
/// While the generator runs those classes do not exist yet (they are its output): the names are error types there, which
/// it must read as the classes they will be.
/// </summary>
public sealed class GeneratedClassNameTests
{
    private const string Source = """
        using System.Collections.Generic;
        using CoroGen;

        namespace Named;

        public static partial class Other
        {
            [Coroutine]
            public static async Coroutine<string> Sub2(Yielder<int, string> co) { string s = await co.Yield(7); return s + "!"; }
        }

        public static partial class Ex
        {
            [Coroutine]
            public static async Coroutine<int> Sub(Yielder<int> co) { await co.Yield(1); return 10; }

            [Coroutine]
            public static async Coroutine<T> Echo<T>(T value, Yielder<T> co) { await co.Yield(value); return value; }

            public static SubCoroutine? Field;

            static SubCoroutine Make() => Sub();

            [Coroutine]
            public static async Coroutine A(Yielder<int> co) { int r = await Field!; await co.Yield(r); }

            [Coroutine]
            public static async Coroutine B(SubCoroutine s, Yielder<int> co) { int r = await s; await co.Yield(r); }

            [Coroutine]
            public static async Coroutine D(Yielder<int> co) { SubCoroutine s = Sub(); int r = await s; await co.Yield(r); }

            [Coroutine]
            public static async Coroutine E(Yielder<int> co) { int r = await Make(); await co.Yield(r); }

            [Coroutine]
            public static async Coroutine F(Yielder<int> co)
            {
                List<SubCoroutine> subs = new() { Sub(), Sub() };
                int total = 0;
                foreach (SubCoroutine s in subs) { total += await s; }
                await co.Yield(total);
            }

            [Coroutine]
            public static async Coroutine<string> G(Yielder<int, string> co)
            {
                Other.Sub2Coroutine s = Other.Sub2();
                string r = await s;
                await co.Yield(r.Length);
                return r;
            }

            [Coroutine]
            public static async Coroutine<string> H(Yielder<string> co)
            {
                EchoCoroutine<string> e = Echo("hi");
                string r = await e;
                await co.Yield(r + r);
                return r;
            }

            [Coroutine]
            public static async Coroutine I(Yielder<int> co)
            {
                SubCoroutine s = Sub();
                await co.YieldAll(s);
                await co.Yield(s.Result);
            }

            [Coroutine]
            public static async Coroutine<int> J(Yielder<int> co)
            {
                SubCoroutine s = Sub();
                await co.Yield(0);
                return await s + 1;
            }
        }

        public static partial class Ex
        {
            public static SubCoroutine[] Array = { };

            static int Take(SubCoroutine s, int n) { while (s.MoveNext()) { } return s.Result + n; }

            [Coroutine]
            public static async Coroutine K(Yielder<int> co) { int r = Take(Make(), await co.Yield(5) is var _ ? 5 : 0); await co.Yield(r); }

            [Coroutine]
            public static async Coroutine L(Yielder<int> co)
            {
                int total = 0;
                foreach (SubCoroutine s in Array) { total += await s; }
                await co.Yield(total);
            }

            [Coroutine]
            public static async Coroutine M(Yielder<int> co) { var s = Field; await co.Yield(0); int v = await s!; await co.Yield(v); }

            // A delegation whose result is a generated class: the result's type is named as the class.
            [Coroutine]
            public static async Coroutine<SubCoroutine> MakeSub(Yielder<int> co) { await co.Yield(0); return Sub(); }

            [Coroutine]
            public static async Coroutine N(Yielder<int> co) { SubCoroutine s = await MakeSub(); int r = await s; await co.Yield(r); }
        }

        public static class Use
        {
            public static string All()
            {
                var parts = new List<string>();
                Ex.Field = Ex.Sub();
                parts.Add(Drive(Ex.A()));
                parts.Add(Drive(Ex.B(Ex.Sub())));
                parts.Add(Drive(Ex.D()));
                parts.Add(Drive(Ex.E()));
                parts.Add(Drive(Ex.F()));
                var g = Ex.G();
                g.MoveNext(); parts.Add(g.Current.ToString());
                g.Send("ab"); parts.Add(g.Current.ToString());
                g.MoveNext(); parts.Add(g.Result);
                var h = Ex.H();
                h.MoveNext(); parts.Add(h.Current);
                h.MoveNext(); parts.Add(h.Current);
                h.MoveNext(); parts.Add(h.Result);
                parts.Add(Drive(Ex.I()));
                var j = Ex.J();
                parts.Add(Drive(j) + "=" + j.Result);
                parts.Add(Drive(Ex.K()));
                Ex.Array = new[] { Ex.Sub(), Ex.Sub(), Ex.Sub() };
                parts.Add(Drive(Ex.L()));
                Ex.Field = Ex.Sub();
                parts.Add(Drive(Ex.M()));
                parts.Add(Drive(Ex.N()));
                return string.Join(",", parts);
            }

            private static string Drive<TReturn>(Coroutine<int, Unit, TReturn> c)
            {
                var seen = new List<int>();
                while (c.MoveNext()) { seen.Add(c.Current); }
                return string.Join(" ", seen);
            }
        }
        """;

    [Fact]
    public void TemplatesNamingGeneratedClassesGenerateCompileAndRun()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.DoesNotContain(run.Sources, s => s.SourceText.ToString().Contains("NotSupportedException"));

        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        object? text = System.Reflection.Assembly.Load(stream.ToArray()).GetType("Named.Use")!.GetMethod("All")!.Invoke(null, null);
        Assert.Equal("1 10,1 10,1 10,1 10,1 1 20,7,3,ab!,hi,hihi,hi,1 10,0 1=11,5 15,1 1 1 30,0 1 10,0 1 10", text);
    }

    [Fact]
    public void HoistedLocalsNameTheGeneratedClassFullyQualified()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Source);
        string f = run.Sources.Single(s => s.HintName.EndsWith(".F.g.cs", System.StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::System.Collections.Generic.List<global::Named.Ex.SubCoroutine> @subs", f);
        string g = run.Sources.Single(s => s.HintName.EndsWith(".G.g.cs", System.StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::Named.Other.Sub2Coroutine @s", g);
        string h = run.Sources.Single(s => s.HintName.EndsWith(".H.g.cs", System.StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::Named.Ex.EchoCoroutine<string> @e", h);
    }

    // A collection of generated classes that only has the GetEnumerator pattern (it is no IEnumerable<T>): enumerating it
    // as one was a cast that failed (CS0030 in generated code; for a collection that is not sealed, InvalidCastException
    // at run time). It is refused at the loop instead.
    [Fact]
    public void APatternOnlyCollectionOfGeneratedClassesIsRefusedNotCast()
    {
        const string source = """
            using System.Collections.Generic;
            using CoroGen;

            public class Bag
            {
                public List<Ex.SubCoroutine> Items = new();
                public List<Ex.SubCoroutine>.Enumerator GetEnumerator() => Items.GetEnumerator();
            }

            public static partial class Ex
            {
                [Coroutine]
                public static async Coroutine<int> Sub(Yielder<int> co) { await co.Yield(1); return 10; }

                [Coroutine]
                public static async Coroutine F(Bag bag, Yielder<int> co) { int t = 0; foreach (var s in bag) { t += await s; } await co.Yield(t); }
            }
            """;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.NotEmpty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
    }

    [Fact]
    public void AMissingTypeNamedLikeAGeneratedClassIsStillTheCompilersError()
    {
        const string source = """
            using CoroGen;

            public static partial class Ex
            {
                [Coroutine]
                public static async Coroutine A(Yielder<int> co) { NoSuchCoroutine s = null!; int r = await s; await co.Yield(r); }
            }
            """;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Contains(run.CompilationErrors, d => d.Id == "CS0246" && d.GetMessage().Contains("NoSuchCoroutine"));
        Assert.Empty(run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
    }

    [Fact]
    public void AFieldOfAMissingTypeNamedLikeAGeneratedClassIsTheCompilersErrorOnly()
    {
        // The field's type is an error in the build too; the template referencing it is not "as in the build" for the
        // generator, which must not crash on it nor add errors of its own in generated code: the build's error is CS0246
        // on the field.
        const string source = """
            using CoroGen;

            public static partial class Ex
            {
                public static NoSuchCoroutine? Field;

                [Coroutine]
                public static async Coroutine A(Yielder<int> co) { int r = await Field!; await co.Yield(r); }
            }
            """;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Contains(run.CompilationErrors.Concat(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)), d => d.Id == "CS0246");
        Assert.Empty(run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
    }
}
