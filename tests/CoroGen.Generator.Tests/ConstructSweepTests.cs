using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The generator over a broad set of C# constructs inside templates and around them (switch statements and expressions,
/// patterns, goto, local functions and lambdas with awaits of their own, using, lock, unsafe, tuples, interpolation,
/// ??=, try/catch/finally with filters, checked blocks, directives, generic, instance, nested, record, struct,
/// interface and ref struct containers): for each, no generator failure, generated files that parse, and either a
/// compilation without errors whose Drive() gives the result written by hand beside it (worked out from C#'s own
/// semantics), or the documented COROGEN diagnostic with a placeholder that compiles.
/// </summary>
public sealed class ConstructSweepTests
{
    // Drains a coroutine: each yielded value, then "=" and the result (or the final state), or "!" and what escaped.
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using CoroGen;

        public static class D
        {
            public static string All<TY, TS, TR>(Coroutine<TY, TS, TR> c, Func<int, TS> send)
            {
                var r = new List<string>();
                int i = 0;
                try
                {
                    bool more = c.MoveNext();
                    while (more && i < 200) { r.Add(c.Current?.ToString() ?? "null"); more = c.Send(send(i++)); }
                    r.Add("=" + (c.State == CoroutineState.Completed ? c.Result?.ToString() : c.State.ToString()));
                }
                catch (Exception e) { r.Add("!" + e.GetType().Name); }
                return string.Join(",", r);
            }
        }

        """;

    private static readonly Dictionary<string, (string Expected, string Members)> Cases = new()
    {
        // A generic template's factory called with inferred type arguments (the factory does not exist while the generator
        // runs, so C#'s inference over the template itself gives them): awaited into a local, returned, inside an
        // expression, after a yield, with a named argument, with the Yielder before another parameter, and explicitly.
        ["generic_factory_inferred_await"] = ("5,=6 6,=6 7,=8 0,8,=8 9,=9 3,=5 4,=4", """
            public static partial class H
            {
                [Coroutine] public static async Coroutine<T> Echo<T>(T x, Yielder<T> co) { await co.Yield(x); return x; }
                [Coroutine] public static async Coroutine<T> Mid<T>(T a, Yielder<T> co, int n) { await co.Yield(a); return a; }
                [Coroutine] public static async Coroutine<int> W1(Yielder<int> co) { int r = await Echo(5); return r + 1; }
                [Coroutine] public static async Coroutine<int> W2(Yielder<int> co) { return await Echo(6); }
                [Coroutine] public static async Coroutine<int> W3(Yielder<int> co) { return 1 + await Echo(7); }
                [Coroutine] public static async Coroutine<int> W4(Yielder<int> co) { await co.Yield(0); int r = await Echo(8); return r; }
                [Coroutine] public static async Coroutine<int> W5(Yielder<int> co) => await Echo(x: 9);
                [Coroutine] public static async Coroutine<int> W6(Yielder<int> co) => 2 + await Mid(3, 1);
                [Coroutine] public static async Coroutine<int> W7(Yielder<int> co) => await Echo<int>(4);
                public static string Drive() => string.Join(" ", new Coroutine<int, Unit, int>[] { W1(), W2(), W3(), W4(), W5(), W6(), W7() }.Select(c => D.All(c, i => Unit.Value)));
            }
            """),
        // A factory call that leaves optional parameters out (generic or not) or picks among overloads: C# decides which
        // template and which defaults, as it does for the template called with the same arguments.
        ["factory_optional_and_overloads"] = ("8,8,=16 9,=27 2,=2 s,=1", """
            public static partial class H
            {
                [Coroutine] public static async Coroutine<int> Opt<TO>(TO a, Yielder<TO> co, int times = 2) { await co.Yield(a); await co.Yield(a); return times * 8; }
                [Coroutine] public static async Coroutine<int> Opt2(int a, Yielder<int> co, int times = 3) { await co.Yield(a); return times * a; }
                [Coroutine] public static async Coroutine<int> Pick(int a, Yielder<int> co) { await co.Yield(a); return a; }
                [Coroutine] public static async Coroutine<int> Pick(string s, Yielder<int> co) { await co.Yield(s.Length); return 1; }
                [Coroutine] public static async Coroutine<int> O1(Yielder<int> co) { int j = await Opt(8); return j; }
                [Coroutine] public static async Coroutine<int> O2(Yielder<int> co) => await Opt2(9);
                [Coroutine] public static async Coroutine<int> O3(Yielder<int> co) => await Pick(2);
                [Coroutine] public static async Coroutine<string> O4(Yielder<string> co) { int n = await Pick2("s"); return n.ToString(); }
                [Coroutine] public static async Coroutine<int> Pick2(string s, Yielder<string> co) { await co.Yield(s); return 1; }
                [Coroutine] public static async Coroutine<int> Pick2(int a, Yielder<string> co) { await co.Yield(a.ToString()); return 2; }
                public static string Drive() => string.Join(" ", new Coroutine<int, Unit, int>[] { O1(), O2(), O3() }.Select(c => D.All(c, i => Unit.Value))) + " " + D.All(O4(), i => Unit.Value);
            }
            """),
        // The same, kept in a `var` local of the generic class and stepped by hand (its Current is the inferred type).
        ["generic_factory_inferred_var"] = ("0,1,=a:Suspended 0,1,=4:Suspended", """
            public static partial class H
            {
                [Coroutine] public static async Coroutine<T> Echo<T>(T x, Yielder<T> co) { await co.Yield(x); return x; }
                [Coroutine]
                public static async Coroutine<string> V<T>(T x, Yielder<int> co)
                {
                    var sub = Echo(x);
                    await co.Yield(0);
                    sub.MoveNext();
                    T v = sub.Current;
                    await co.Yield(1);
                    return v + ":" + sub.State;
                }
                public static string Drive() => D.All(V("a"), i => Unit.Value) + " " + D.All(V(4), i => Unit.Value);
            }
            """),
        // A sub inferred as yielding int, delegated to from a chain yielding object?: converted (boxed), as any sub
        // statically typed Coroutine<TYield, TSend, TReturn> is, whether awaited directly or through a `var` local.
        ["generic_factory_inferred_converted"] = ("7,=7 8,=8 s,=s", """
            public static partial class H
            {
                [Coroutine] public static async Coroutine<T> Echo<T>(T x, Yielder<T> co) { await co.Yield(x); return x; }
                [Coroutine] public static async Coroutine<T> V5<T>(T x, Yielder<object?> co) { var sub = Echo(x); T r = await sub; return r; }
                [Coroutine] public static async Coroutine<T> V9<T>(T x, Yielder<object?> co) { await Echo(x); return x; }
                public static string Drive() => D.All(V5(7), i => Unit.Value) + " " + D.All(V9(8), i => Unit.Value) + " " + D.All(V9("s"), i => Unit.Value);
            }
            """),
        ["switch_stmt"] = ("100,5,=1002 3,=10 -1,=-3 100,-1,=-10", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(object o, Yielder<int, int> co)
                {
                    int total = 0;
                    switch (o)
                    {
                        case int i when i > await co.Yield(100):
                            total += await co.Yield(i);
                            goto case "s";
                        case "s":
                            total += 1000;
                            break;
                        case string s:
                            total += s.Length + await co.Yield(s.Length);
                            break;
                        default:
                            total -= await co.Yield(-1);
                            break;
                    }
                    return total;
                }
                public static string Drive() => D.All(F(5), i => i + 1) + " " + D.All(F("abc"), i => 7) + " " + D.All(F(2.0), i => 3) + " " + D.All(F(5), i => 10);
            }
            """),
        ["switch_expr"] = ("0,=zero1 3,=big send 3,6,=pos1 !ArgumentException", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(int n, Yielder<int, int> co)
                {
                    var s = n switch
                    {
                        0 => "zero" + await co.Yield(0),
                        > 0 and < 10 when await co.Yield(n) > 5 => "big send",
                        > 0 => "pos" + await co.Yield(n * 2),
                        _ => throw new ArgumentException("neg"),
                    };
                    return s;
                }
                public static string Drive() => D.All(F(0), i => 1) + " " + D.All(F(3), i => 9) + " " + D.All(F(3), i => 1) + " " + D.All(F(-1), i => 1);
            }
            """),
        ["goto_labels"] = ("0,2,4,-9,-12,=12", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int i = 0;
                top:
                    i += await co.Yield(i);
                    if (i < 5) goto top;
                    {
                        inner:
                        if (i < 10) { i += 3; await co.Yield(-i); goto inner; }
                    }
                    return i;
                }
                public static string Drive() => D.All(F(), i => 2);
            }
            """),
        ["local_funcs_lambdas_async"] = ("2,17,4,=8", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int Twice(int x) => x * 2;
                    static async System.Threading.Tasks.Task<int> Later(int x) { await System.Threading.Tasks.Task.Yield(); return x + 1; }
                    Func<int, System.Threading.Tasks.Task<int>> lam = async x => { await System.Threading.Tasks.Task.Delay(0); return x * 3; };
                    int a = await co.Yield(Twice(1));
                    int b = Later(a).Result + lam(a).Result;
                    await co.Yield(b);
                    Func<int, int> add = y => y + a;
                    return add(await co.Yield(a));
                }
                public static string Drive() => D.All(F(), i => 4);
            }
            """),
        ["using_decl"] = ("1,2,3,=() | open a;open b;open c;close c;close b;open d;open e;close e;close d;close a;open a;open b;open c;close c;close b;close a", """
            public sealed class R : IDisposable { public static List<string> Log = new(); string n; public R(string n) { this.n = n; Log.Add("open " + n); } public void Dispose() => Log.Add("close " + n); }
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine F(Yielder<int> co)
                {
                    using var a = new R("a");
                    await co.Yield(1);
                    using (var b = new R("b"))
                    using (new R("c"))
                    {
                        await co.Yield(2);
                    }
                    using R d = new R("d"), e = new R("e");
                    await co.Yield(3);
                }
                public static string Drive() { var s = D.All(F(), i => Unit.Value); var c = F(); c.MoveNext(); c.MoveNext(); c.Close(); return s + " | " + string.Join(";", R.Log); }
            }
            """),
        ["await_foreach"] = ("COROGEN006", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine F(IAsyncEnumerable<int> xs, Yielder<int> co)
                {
                    await foreach (var x in xs) { }
                    await co.Yield(1);
                }
            }
            """),
        ["lock"] = ("COROGEN006", """
            public static partial class H
            {
                static readonly object Gate = new();
                [Coroutine]
                public static async Coroutine F(Yielder<int> co)
                {
                    lock (Gate) { await co.Yield(1); }
                }
            }
            """),
        ["lock_no_susp"] = ("1,=2", """
            public static partial class H
            {
                static readonly object Gate = new();
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int> co)
                {
                    int x = 0;
                    lock (Gate) { x++; }
                    await co.Yield(x);
                    lock (Gate) { x++; }
                    return x;
                }
                public static string Drive() => D.All(F(), i => Unit.Value);
            }
            """),
        ["tuples"] = ("1,2,10,20,=10,0,20,s0,1,30,3", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    var (a, b) = (await co.Yield(1), await co.Yield(2));
                    (a, b) = (b, a);
                    (int x, string y) t = (await co.Yield(a), "s" + b);
                    var (p, (q, r)) = (1, (await co.Yield(t.x), 3));
                    return $"{a},{b},{t.x},{t.y},{p},{q},{r}";
                }
                public static string Drive() => D.All(F(), i => i * 10);
            }
            """),
        ["interp"] = ("1,2,=a5b    7c008d56", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    int k = 5;
                    string s = $"a{k}b{await co.Yield(1),5}c{await co.Yield(2):D3}d{k++}";
                    return s + k;
                }
                public static string Drive() => D.All(F(), i => i + 7);
            }
            """),
        ["coalesce_assign"] = ("first,third,fourth,=s0|s1|s2", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<string, string> co)
                {
                    string? a = null;
                    a ??= await co.Yield("first");
                    a ??= await co.Yield("second");
                    string?[] arr = new string?[2];
                    arr[1] ??= await co.Yield("third");
                    return a + "|" + arr[1] + "|" + (arr[0] ?? await co.Yield("fourth"));
                }
                public static string Drive() => D.All(F(), i => "s" + i);
            }
            """),
        ["is_patterns"] = ("5,2,5,9,=nz6 2,=x", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(object o, Yielder<int, int> co)
                {
                    string r = "";
                    if (o is int n && await co.Yield(n) is > 3 and var m) r += "m" + m + n;
                    if (await co.Yield(2) is not 0) r += "nz";
                    if (o is int { } q && q > 0 && await co.Yield(q) == 4) r += "four";
                    r += (o is string s ? s : (await co.Yield(9)).ToString());
                    return r;
                }
                public static string Drive() => D.All(F(5), i => i + 3) + " " + D.All(F("x"), i => 0);
            }
            """),
        ["nested_try_filters"] = ("1,2,4,5,6,=c1 1;f1 1;outer from c11;f2 1,3,4,6,=c2 v2;f1 0;f2 1,4,6,=f1 0;f2", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    var log = new List<string>();
                    try
                    {
                        try
                        {
                            int v = await co.Yield(1);
                            if (v > 0) throw new InvalidOperationException("v" + v);
                        }
                        catch (InvalidOperationException e) when (e.Message == "v1")
                        {
                            log.Add("c1 " + await co.Yield(2));
                            throw new ArgumentException("from c1");
                        }
                        catch (InvalidOperationException e) when (e.Message != "v1")
                        {
                            log.Add("c2 " + e.Message);
                            await co.Yield(3);
                        }
                        finally
                        {
                            log.Add("f1 " + await co.Yield(4));
                        }
                    }
                    catch (ArgumentException e)
                    {
                        log.Add("outer " + e.Message + await co.Yield(5));
                    }
                    finally
                    {
                        try { await co.Yield(6); } finally { log.Add("f2"); }
                    }
                    return string.Join(";", log);
                }
                public static string Drive() => D.All(F(), i => 1) + " " + D.All(F(), i => i == 0 ? 2 : 0) + " " + D.All(F(), i => 0);
            }
            """),
        ["generic_constraints"] = ("x,=x 1,=List`1", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<T> F<T, U>(T a, U b, Yielder<T, U> co) where T : IComparable<T> where U : struct
                {
                    U got = await co.Yield(a);
                    return got.Equals(b) ? a : default!;
                }
                [Coroutine]
                public static async Coroutine<string> G<T>(Yielder<int> co) where T : class, new()
                {
                    var t = new T();
                    await co.Yield(1);
                    return t.GetType().Name;
                }
                public static string Drive() => D.All(F<string, int>("x", 3), i => 3) + " " + D.All(G<List<int>>(), i => Unit.Value);
            }
            """),
        ["instance_partial_nested"] = ("v,=doneTrue 10,=15", """
            public partial class Outer
            {
                private int field = 10;
                public partial class Inner<T>
                {
                    private T value;
                    public Inner(T value) => this.value = value;
                    [Coroutine]
                    public async Coroutine<string> F(Yielder<T> co)
                    {
                        await co.Yield(value);
                        value = default!;
                        return "done" + (value is null);
                    }
                }
                [Coroutine]
                public async Coroutine<int> G(Yielder<int, int> co)
                {
                    field += await co.Yield(field);
                    return field;
                }
                public static string Drive() => D.All(new Inner<string>("v").F(), i => Unit.Value) + " " + D.All(new Outer().G(), i => 5);
            }
            """),
        ["record_struct_interface"] = ("4,=5 2,=3 s.X=1 3,=6 3,=9 1,=2", """
            public partial record Rec(int X)
            {
                [Coroutine]
                public async Coroutine<int> F(Yielder<int> co) { await co.Yield(X); return X + 1; }
            }
            public partial struct S
            {
                public int X;
                [Coroutine]
                public async Coroutine<int> F(Yielder<int> co) { X++; await co.Yield(X); X++; return X; }
            }
            public partial record struct RS(int Y)
            {
                [Coroutine]
                public async Coroutine<int> F(Yielder<int> co) { await co.Yield(Y); return Y * 2; }
            }
            public partial interface IShape
            {
                int Side { get; }
                [Coroutine]
                public async Coroutine<int> Area(Yielder<int> co) { await co.Yield(Side); return Side * Side; }
                [Coroutine]
                public static async Coroutine<int> Make(Yielder<int> co) { await co.Yield(1); return 2; }
            }
            public class Sq : IShape { public int Side => 3; }
            public static class H
            {
                public static string Drive() { var s = new S { X = 1 }; var r = D.All(s.F(), i => Unit.Value); return D.All(new Rec(4).F(), i => Unit.Value) + " " + r + " s.X=" + s.X + " " + D.All(new RS(3).F(), i => Unit.Value) + " " + D.All(((IShape)new Sq()).Area(), i => Unit.Value) + " " + D.All(IShape.Make(), i => Unit.Value); }
            }
            """),
        ["ref_struct_container"] = ("COROGEN007", """
            public ref partial struct RS
            {
                public int X;
                [Coroutine]
                public async Coroutine<int> F(Yielder<int> co) { await co.Yield(X); return X; }
                [Coroutine]
                public static async Coroutine<int> G(Yielder<int> co) { await co.Yield(1); return 2; }
            }
            """),
        ["static_class_many"] = ("0,1,0,0,7,8,=604", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> Sub(int n, Yielder<int, int> co) { int s = 0; for (int i = 0; i < n; i++) s += await co.Yield(i); return s; }
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int a = await Sub(2, co) + await Sub(1, co);
                    var c = Sub(1);
                    int b = await c;
                    await co.YieldAll(new[] { 7, 8 });
                    return a * 100 + b;
                }
                public static string Drive() => D.All(F(), i => i + 1);
            }
            """),
        ["lambda_capture_loop"] = ("0,10,20,1,2,=3,13,23,1,2", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int> co)
                {
                    var fs = new List<Func<int>>();
                    for (int i = 0; i < 3; i++)
                    {
                        int j = i * 10;
                        fs.Add(() => j + i);
                        await co.Yield(j);
                    }
                    foreach (var x in new[] { 1, 2 })
                    {
                        fs.Add(() => x);
                        await co.Yield(x);
                    }
                    return string.Join(",", fs.Select(f => f()));
                }
                public static string Drive() => D.All(F(), i => Unit.Value);
            }
            """),
        ["do_while_continue"] = ("1,-1,-2,3,-3,-4,5,=3", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int n = 0, s = 0;
                    do
                    {
                        n++;
                        if (n % 2 == 0) continue;
                        s += await co.Yield(n);
                    } while (n < 5 && await co.Yield(-n) >= 0);
                    return s;
                }
                public static string Drive() => D.All(F(), i => 1);
            }
            """),
        ["directives_if"] = ("2,12,=12", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int> co)
                {
                    int x =
            #if DEBUG
                        1;
            #else
                        2;
            #endif
                    await co.Yield(x);
            #if !NOPE
                    x += 10;
            #endif
                    await co.Yield(x);
                    return x;
                }
                public static string Drive() => D.All(F(), i => Unit.Value);
            }
            """),
        ["directives_nullable_pragma_region"] = ("1,2,=n", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(string? s, Yielder<int> co)
                {
            #nullable disable
                    string t = null;
            #nullable restore
            #pragma warning disable CS0219
                    int unused = 3;
            #pragma warning restore CS0219
                    #region r
                    await co.Yield(1);
                    #endregion
                    t = s ?? "n";
                    await co.Yield(2);
                    return t;
                }
                public static string Drive() => D.All(F(null), i => Unit.Value);
            }
            """),
        ["directive_inside_suspending_stmt"] = ("1,6,=7", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int x = 1 +
            #if DEBUG
                        100 +
            #endif
                        await co.Yield(1);
                    if (x > 0
            #if !NOPE
                        && await co.Yield(x) > 0
            #endif
                    )
                    {
                        x++;
                    }
                    return x;
                }
                public static string Drive() => D.All(F(), i => 5);
            }
            """),
        ["line_directive"] = ("1,5,=6", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
            #line 500 "Other.cs"
                    int x = await co.Yield(1);
            #line default
                    await co.Yield(x);
            #line hidden
                    x++;
            #line default
                    return x;
                }
                public static string Drive() => D.All(F(), i => 5);
            }
            """),
        ["with_collection_expr"] = ("2,3,6,=P { X = 1, Y = 10 }|1,11,4,5,12", """
            public record P(int X, int Y);
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    var p = new P(1, 2);
                    var q = p with { Y = await co.Yield(p.Y) };
                    int[] arr = [1, await co.Yield(3), .. new[] { 4, 5 }];
                    List<int> l = [.. arr, await co.Yield(6)];
                    return q + "|" + string.Join(",", l);
                }
                public static string Drive() => D.All(F(), i => i + 10);
            }
            """),
        ["expr_bodied"] = ("1,2,=7 7,=()", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co) => await co.Yield(1) + await co.Yield(2);
                [Coroutine]
                public static async Coroutine G(Yielder<int, int> co) => await co.Yield(7);
                public static string Drive() => D.All(F(), i => i + 3) + " " + D.All(G(), i => 0);
            }
            """),
        ["empty_and_no_await"] = ("=() =4 !InvalidOperationException", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine F(Yielder<int> co) { }
                [Coroutine]
                public static async Coroutine<int> G(Yielder<int> co) { return 4; }
                [Coroutine]
                public static async Coroutine<int> T(Yielder<int> co) => throw new InvalidOperationException();
                public static string Drive() => D.All(F(), i => Unit.Value) + " " + D.All(G(), i => Unit.Value) + " " + D.All(T(), i => Unit.Value);
            }
            """),
        ["foreach_deconstruct_dict"] = ("a,b,a1,=40", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<string, int> co)
                {
                    var d = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
                    int s = 0;
                    foreach (var (k, v) in d) s += v * await co.Yield(k);
                    foreach ((string k2, int v2) in d) { if (k2 == "b") break; s += await co.Yield(k2 + v2); }
                    return s;
                }
                public static string Drive() => D.All(F(), i => 10);
            }
            """),
        ["for_complex"] = ("0,3,6,-1,=2009", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int s = 0;
                    for (int i = 0, j = 10; i < j; i += await co.Yield(i), j--) { s += i; if (s > 100) break; }
                    while (await co.Yield(-1) is var x && x > 0) { s += x; if (s > 1000) break; }
                    return s;
                }
                public static string Drive() => D.All(F(), i => i < 3 ? 3 : i < 6 ? 2000 : 0);
            }
            """),
        ["conditional_access"] = ("1,2,=19|9 =|-1", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(List<int>? l, Yielder<int, int> co)
                {
                    l?.Add(await co.Yield(1));
                    string? s = l?.Count.ToString() + (l is null ? "" : (await co.Yield(2)).ToString());
                    return s + "|" + (l?[0] ?? -1);
                }
                public static string Drive() => D.All(F(new List<int>()), i => 9) + " " + D.All(F(null), i => 9);
            }
            """),
        ["throw_await"] = ("msg?,=hello msg?,!Exception", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<string, string> co)
                {
                    try { throw new Exception(await co.Yield("msg?")); }
                    catch (Exception e) when (e.Message.Length > 1) { return e.Message; }
                }
                public static string Drive() => D.All(F(), i => "hello") + " " + D.All(F(), i => "h");
            }
            """),
        ["goto_out_of_finally_try"] = ("-1,-2,3,-3,=f10,f21,f33", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    var log = new List<string>();
                    int n = 0;
                again:
                    try
                    {
                        n++;
                        if (n < 3) goto again;
                        await co.Yield(n);
                    }
                    finally
                    {
                        log.Add("f" + n + await co.Yield(-n));
                    }
                    return string.Join(",", log);
                }
                public static string Drive() => D.All(F(), i => i);
            }
            """),
        ["return_await_sub_in_try"] = ("1,9,=10fin 6", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> Sub(Yielder<int, int> co) { return await co.Yield(1) * 2; }
                [Coroutine]
                public static async Coroutine<int> F(List<string> log, Yielder<int, int> co)
                {
                    try { return await Sub(co); }
                    finally { log.Add("fin " + await co.Yield(9)); }
                }
                public static string Drive() { var log = new List<string>(); return D.All(F(log), i => i + 5) + string.Join(";", log); }
            }
            """),
        ["using_in_switch_section"] = ("2,1,=() open two;close two;open one;close one", """
            public sealed class R : IDisposable { public static List<string> Log = new(); string n; public R(string n) { this.n = n; Log.Add("open " + n); } public void Dispose() => Log.Add("close " + n); }
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine F(int k, Yielder<int> co)
                {
                    switch (k)
                    {
                        case 1:
                            using (var r = new R("one")) { await co.Yield(1); }
                            break;
                        case 2:
                        {
                            using var r2 = new R("two");
                            await co.Yield(2);
                            goto case 1;
                        }
                    }
                }
                public static string Drive() { var s = D.All(F(2), i => Unit.Value); return s + " " + string.Join(";", R.Log); }
            }
            """),
        ["nameof_typeof_sizeof_default"] = ("2,=statecoInt3240623", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F<T>(Yielder<int, int> co)
                {
                    int state = 1, current = 2, value = 3;
                    string n = nameof(state) + nameof(co) + typeof(T).Name + sizeof(int) + default(T);
                    state += await co.Yield(current);
                    return n + state + current + value;
                }
                public static string Drive() => D.All(F<int>(), i => 5);
            }
            """),
        ["static_local_func_generic"] = ("3,3,=6", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    static T Id<T>(T t) => t;
                    int Loc(int y) { return y + Id(1); }
                    int a = Loc(await co.Yield(Id(3)));
                    if (a > 0)
                    {
                        int Loc2(int z) => z * a;
                        a = Loc2(await co.Yield(a));
                    }
                    else
                    {
                        int Loc2(int z) => z - a;
                        a = Loc2(await co.Yield(a));
                    }
                    return a.ToString();
                }
                public static string Drive() => D.All(F(), i => 2);
            }
            """),
        ["same_name_locals_in_sibling_blocks"] = ("1,2,3,3,=1s204", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    string r = "";
                    { int x = await co.Yield(1); r += x; }
                    { string x = "s" + await co.Yield(2); r += x; }
                    for (int i = 0; i < 2; i++) { var x = i * await co.Yield(3); r += x; }
                    return r;
                }
                public static string Drive() => D.All(F(), i => i + 1);
            }
            """),
        ["nameof_renamed_local"] = ("1,2,3,4,=x11xs3", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    string r = "";
                    { int x = await co.Yield(1); r += nameof(x) + x; await co.Yield(2); r += x; }
                    { string x = "s" + await co.Yield(3); await co.Yield(4); r += nameof(x) + x; }
                    return r;
                }
                public static string Drive() => D.All(F(), i => i + 1);
            }
            """),
        ["localfunc_vs_local_cs0136"] = ("1,=22,=51", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(bool c, Yielder<int, int> co)
                {
                    string r = "";
                    if (c) { int Loc() => 1; r += Loc() + await co.Yield(1); }
                    else { { int Loc = 5; r += Loc; } r += await co.Yield(2); }
                    return r;
                }
                public static string Drive() => D.All(F(true), i => 1) + D.All(F(false), i => 1);
            }
            """),
        ["localfunc_in_lambda_same_name"] = ("1,2,=28", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    string r = "";
                    {
                        int Loc() => 1;
                        r += Loc() + await co.Yield(1);
                    }
                    Func<int> f = () => { int Loc() => 7; return Loc(); };
                    r += f() + await co.Yield(2);
                    return r;
                }
                public static string Drive() => D.All(F(), i => 1);
            }
            """),
        ["unsafe_block_with_await"] = ("COROGEN006", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(int[] arr, Yielder<int> co)
                {
                    unsafe { fixed (int* p = arr) { await co.Yield(p[0]); } }
                    return 0;
                }
            }
            """),
        ["fixed_with_await"] = ("COROGEN006", """
            public static unsafe partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(int[] arr, Yielder<int> co)
                {
                    fixed (int* p = arr) { await co.Yield(p[0]); }
                    return 0;
                }
            }
            """),
        ["checked"] = ("a,c1,b,u,=caught1 1|caught2|-2147483648 a,b,u,=6|6|6", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(int big, Yielder<string, int> co)
                {
                    checked
                    {
                        int Add(int a, int b) => a + b;
                        string r = "";
                        try
                        {
                            int x = await co.Yield("a");
                            try { r += big + x; } catch (OverflowException) when (big + x > 0) { r += "filter-unchecked"; }
                        }
                        catch (OverflowException) { r += "caught1 " + await co.Yield("c1"); }
                        try { int y = await co.Yield("b"); r += "|" + Add(big, y); }
                        catch (OverflowException) { r += "|caught2"; }
                        unchecked { r += "|" + (big + await co.Yield("u")); }
                        return r;
                    }
                }
                public static string Drive() => D.All(F(int.MaxValue), i => 1) + " " + D.All(F(5), i => 1);
            }
            """),
        ["unsafe_block_no_await"] = ("1,6,=6", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int> co)
                {
                    int s = 1;
                    await co.Yield(s);
                    unsafe { int* q = stackalloc int[2]; q[0] = 5; s += q[0]; }
                    await co.Yield(s);
                    return s;
                }
                public static string Drive() => D.All(F(), i => Unit.Value);
            }
            """),
        ["ref_local_across"] = ("COROGEN007", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(int[] a, Yielder<int> co)
                {
                    { ref int r = ref a[0]; r += 10; }
                    ref int q = ref a[1];
                    await co.Yield(a[0]);
                    q = 7;
                    return a[1];
                }
                public static string Drive() => D.All(F(new[] { 1, 2 }), i => Unit.Value);
            }
            """),
        ["catch_filter_await"] = ("COROGEN006", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine F(Yielder<int, bool> co)
                {
                    try { await co.Yield(1); throw new InvalidOperationException(); }
                    catch (InvalidOperationException) when (await co.Yield(2)) { await co.Yield(3); }
                }
            }
            """),
        ["static_abstract"] = ("5,=6", """
            public partial interface IHas { static abstract int X { get; } }
            public sealed class Five : IHas { public static int X => 5; }
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F<T>(Yielder<int, int> co) where T : IHas { return T.X + await co.Yield(T.X); }
                public static string Drive() => D.All(F<Five>(), i => 1);
            }
            """),
        ["using_resource_await"] = ("1,2,=7 open 3;close 3", """
            public sealed class R : IDisposable { public static List<string> Log = new(); public int N; public R(int n) { N = n; Log.Add("open " + n); } public void Dispose() => Log.Add("close " + N); }
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    using (var r = new R(await co.Yield(1)))
                    {
                        return r.N + await co.Yield(2);
                    }
                }
                public static string Drive() => D.All(F(), i => i + 3) + " " + string.Join(";", R.Log);
            }
            """),
        ["foreach_over_coroutine"] = ("-1,0,1,2,=9", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine Nums(int n, Yielder<int> co) { for (int i = 0; i < n; i++) await co.Yield(i); }
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int s = 0;
                    foreach (long v in Nums(await co.Yield(-1))) s += (int)v * await co.Yield((int)v);
                    return s;
                }
                public static string Drive() => D.All(F(), i => 3);
            }
            """),
        ["ns_alias_generic_nested"] = ("1,=a:2:9", """
            namespace Outer.Inner
            {
                using L = System.Collections.Generic.List<int>;
                public partial class Box<T> where T : notnull
                {
                    public partial class Item<U>
                    {
                        [Coroutine]
                        public static async Coroutine<string> F(T t, U u, Yielder<int, int> co)
                        {
                            L l = new L { await co.Yield(1) };
                            return t + ":" + u + ":" + l[0];
                        }
                    }
                }
            }
            public static class H
            {
                public static string Drive() => D.All(Outer.Inner.Box<string>.Item<int>.F("a", 2), i => 9);
            }
            """),
        ["switch_goto_case_in_checked"] = ("1,3,=20 3,=5", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(int k, Yielder<int, int> co)
                {
                    int r = 0;
                    checked
                    {
                        switch (k)
                        {
                            case 1: r += await co.Yield(1); goto case 2;
                            case 2: r += 10; goto default;
                            default: r += await co.Yield(3); break;
                        }
                    }
                    return r;
                }
                public static string Drive() => D.All(F(1), i => 5) + " " + D.All(F(9), i => 5);
            }
            """),
        ["overloads_generic"] = ("1,=int 2,=string 0,=Double", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(int x, Yielder<int> co) { await co.Yield(x); return "int"; }
                [Coroutine]
                public static async Coroutine<string> F(string x, Yielder<int> co) { await co.Yield(x.Length); return "string"; }
                [Coroutine]
                public static async Coroutine<string> F<T>(T x, List<T> l, Yielder<int> co) { await co.Yield(l.Count); return typeof(T).Name; }
                public static string Drive() => D.All(F(1), i => Unit.Value) + " " + D.All(F("ab"), i => Unit.Value) + " " + D.All(F(1.0, new List<double>()), i => Unit.Value);
            }
            """),
        ["out_var_and_discard"] = ("12,1,2,=20", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int.TryParse("12", out var n);
                    _ = await co.Yield(n);
                    if (int.TryParse((await co.Yield(1)).ToString(), out int m) && m > 0) n += m;
                    var (_, b) = (1, await co.Yield(2));
                    return n + b;
                }
                public static string Drive() => D.All(F(), i => 4);
            }
            """),
        ["exception_filter_pattern_var_across"] = ("1,=pArgumentException", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    try { throw new ArgumentException("p"); }
                    catch (Exception e) when (e is ArgumentException { ParamName: null } a && a.Message.Length > 0)
                    {
                        await co.Yield(1);
                        return a.Message + e.GetType().Name;
                    }
                }
                public static string Drive() => D.All(F(), i => 0);
            }
            """),
        ["yield_in_finally_throw_in_try"] = ("0,1,2,=t0f00f17f214", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    string r = "";
                    for (int i = 0; i < 3; i++)
                    {
                        try
                        {
                            if (i == 1) continue;
                            if (i == 2) break;
                            r += "t" + i;
                        }
                        finally
                        {
                            r += "f" + i + await co.Yield(i);
                        }
                    }
                    return r;
                }
                public static string Drive() => D.All(F(), i => i * 7);
            }
            """),
        ["async_void_local"] = ("1,=2", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<int> F(Yielder<int, int> co)
                {
                    int v = 0;
                    async void Fire() { await System.Threading.Tasks.Task.CompletedTask; v++; }
                    Fire();
                    return v + await co.Yield(v);
                }
                public static string Drive() => D.All(F(), i => 1);
            }
            """),
        ["directives_split_copied_statements"] = ("1,3,=7;1", """
            public static partial class H
            {
                [Coroutine]
                public static async Coroutine<string> F(Yielder<int, int> co)
                {
                    int x = 0;
                    await co.Yield(1);
                    x =
            #if DEBUG
                        1;
            #else
                        2;
            #endif
                    string s = "";
                    for (int i = 0; i < 1; i++)
            #region loop
                        s += i
            #if !NOPE
                            + 1
            #endif
                            ;
            #endregion
                    x += await co.Yield(3)
            #if NOPE
                        * 100
            #endif
                        ;
                    return x + ";" + s;
                }
                public static string Drive() => D.All(F(), i => i + 4);
            }
            """),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GeneratesWorkingCodeOrADocumentedDiagnostic(string name)
    {
        (string expected, string members) = Cases[name];
        string source = Prelude + members;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source, allowUnsafe: true);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics), d => d.Id is "CS8785" or "AD0001" or "COROGEN099");
        foreach (GeneratedSourceResult generated in run.Sources)
        {
            Assert.Empty(generated.SyntaxTree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        }

        if (expected.StartsWith("COROGEN", StringComparison.Ordinal))
        {
            Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal(expected, diagnostic.Id);
            Assert.EndsWith($"docs/diagnostics/{expected}.md", diagnostic.Descriptor.HelpLinkUri);
            Assert.Equal(GeneratorHarness.TemplatePath, diagnostic.Location.GetLineSpan().Path);
            Assert.DoesNotContain("{", diagnostic.GetMessage());
            Assert.Contains(run.Sources, s => s.SourceText.ToString().Contains("was not generated because of " + expected, StringComparison.Ordinal)); // the placeholder
            // Only the template's own C# errors (C# refuses these constructs too), none in generated files.
            Assert.Empty(run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath != GeneratorHarness.TemplatePath).Select(d => d.ToString()));
            return;
        }

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        using var stream = new MemoryStream();
        Assert.True(run.Output.Emit(stream).Success);
        Type host = System.Reflection.Assembly.Load(stream.ToArray()).GetTypes().Single(t => t.GetMethod("Drive", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static) is not null);
        Assert.Equal(expected, host.GetMethod("Drive")!.Invoke(null, null));
    }

    // Top-level statements call the factories of templates declared in the same program, in a file-scoped namespace.
    [Fact]
    public void TopLevelStatementsCallTemplates()
    {
        const string program = """
            using App;

            var sum = 0;
            foreach (int x in Steps.Count(3)) sum += x;
            var c = Steps.Echo();
            c.MoveNext();
            c.Send("hi");
            return sum * 100 + Twice(c.Result.Length);

            static int Twice(int n) => 2 * n;
            """;
        const string steps = """
            using CoroGen;

            namespace App;

            public static partial class Steps
            {
                [Coroutine]
                public static async Coroutine Count(int n, Yielder<int> co)
                {
                    for (int i = 1; i <= n; i++) await co.Yield(i);
                }

                [Coroutine]
                public static async Coroutine<string> Echo(Yielder<int, string> co) => await co.Yield(0) + "!";
            }
            """;
        Compilation output = GeneratorHarness.RunFiles(OutputKind.ConsoleApplication, ("Program.cs", program), ("Steps.cs", steps));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        object? exitCode = System.Reflection.Assembly.Load(stream.ToArray()).EntryPoint!.Invoke(null, new object[] { Array.Empty<string>() });
        Assert.Equal(606, exitCode); // 1 + 2 + 3, and "hi!" twice as long
    }
}
