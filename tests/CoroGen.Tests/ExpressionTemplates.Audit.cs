#nullable disable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

// Suspension points inside expressions where C#'s evaluation order is easy to miss: extended property patterns, method
// groups, `in` parameters passed without the modifier, deconstruction targets, `this` of a struct, anonymous objects'
// inferred member names. ExpressionTests compares each one with the oracle.
public static partial class ExpressionTemplates
{
    // ---- Extended property patterns (`{ In.X: ... }`): `In` is a member of the pattern's input, not of `this` ----

    [Coroutine]
    public static async Coroutine<string> ExtendedPropertyPatternInSwitch(List<string> log, Yielder<int, int> co)
    {
        var o = new AuOuter { In = new AuInner { X = await co.Yield(1) }, Tag = L(log, "tag", "t") };
        string s = o switch
        {
            { In.X: > 5, Tag: "t" } => "big",
            { In.X: var x } when x == await co.Yield(2) => "eq",
            _ => "small",
        };
        bool a = o is { In.X: > 2 } && await co.Yield(3) > 0;
        switch (o)
        {
            case { In.X: > 5, Tag.Length: 1 }:
                return s + a + "big" + await co.Yield(4);
            case { In.X: var y } when y == await co.Yield(5):
                return s + a + "eq";
            default:
                return s + a + (o is { In.X: > 2 } ? "gt2" : "small");
        }
    }

    // ---- Method groups: the delegate is made, and its receiver read, where C# evaluates the argument ----

    [Coroutine]
    public static async Coroutine<string> MethodGroupReceiverReadBeforeSuspension(List<string> log, Yielder<int, int> co)
    {
        var box = new AuBox(log, "b");
        int a = Apply(box.Echo, await co.Yield(Swap(ref box, new AuBox(log, "o"))));
        string s = "ab";
        string b = ApplyS(s.Rep, await co.Yield(Swap(ref s, "zz")));
        var v = new AuPoint { A = 1, B = 2 };
        string c = ApplyS(v.Describe, await co.Yield(Swap(ref v, new AuPoint { A = 7 })));
        return a + "," + b + "," + c + "," + Apply(box.Echo, 5);
    }

    // ---- `in` parameters without the modifier: a variable is passed by reference, anything else as a copy ----

    [Coroutine]
    public static async Coroutine<string> ImplicitInArguments(List<string> log, Yielder<int, int> co)
    {
        int x = 1;
        string a = ReadIn(x, await co.Yield(Swap(ref x, 6)));
        int[] arr = { 1 };
        string b = ReadIn(arr[0], await co.Yield(Swap(ref arr[0], 9)));
        var h = new AuHolder();
        string c = ReadIn(h.C.N, await co.Yield(SetN(ref h, 4)));
        string d = ReadIn(x + 0, await co.Yield(Swap(ref x, 3))); // an rvalue: C# passes a copy made before the suspension
        string e = ReadInLong(x, await co.Yield(Swap(ref x, 2))); // converted: a copy too
        return a + "|" + b + "|" + c + "|" + d + "|" + e;
    }

    // A compound assignment whose operator takes its left operand `in`: C# passes the variable by reference, after the
    // right operand (and its suspension point) has run.
    [Coroutine]
    public static async Coroutine<string> ImplicitInCompoundAssignment(List<string> log, Yielder<int, int> co)
    {
        var v = new AuInOperand { A = 1 };
        v += await co.Yield(Swap(ref v, new AuInOperand { A = 50 }));
        var w = new AuInOperand { A = 2 };
        AuInOperand kept = w += await co.Yield(Swap(ref w, new AuInOperand { A = 60 }));
        return v.A + "|" + w.A + "|" + kept.A;
    }

    [Coroutine]
    public static async Coroutine<string> ImplicitInOperatorsConstructorsIndexersDelegates(List<string> log, Yielder<int, int> co)
    {
        var v = new AuInOperand { A = 1 };
        AuInOperand r = v + await co.Yield(Swap(ref v, new AuInOperand { A = 50 }));
        int x = 1;
        var made = new AuInConstructor(x, await co.Yield(Swap(ref x, 5)));
        var idx = new AuInIndexer();
        int y = 2;
        int i = idx[y, await co.Yield(Swap(ref y, 8))];
        AuInDelegate d = (in int p, int q) => p * 10 + q;
        int z = 1;
        int j = d(z, await co.Yield(Swap(ref z, 4)));
        return r.A + "|" + made.Text + "|" + i + "|" + j;
    }

    // ---- Deconstruction targets with several suspension points: each target is kept as a location ----

    [Coroutine]
    public static async Coroutine<string> DeconstructionTargetsSuspend(List<string> log, Yielder<int, int> co)
    {
        int[] a = new int[3];
        (a[C(await co.Yield(1), 3)], a[C(await co.Yield(2), 3)]) = (7, 8);
        var boxes = new[] { new AuBox(log, "x"), new AuBox(log, "y") };
        (boxes[C(await co.Yield(3), 2)].P, boxes[C(await co.Yield(4), 2)].Q) = (3, 4);
        int[] b = new int[3];
        (b[C(await co.Yield(5), 3)], b[C(await co.Yield(6), 3)]) = (L(log, "v", 5), await co.Yield(7));
        return string.Join(",", a) + ";" + $"{boxes[0].P}{boxes[0].Q}{boxes[1].P}{boxes[1].Q}" + ";" + string.Join(",", b);
    }

    [Coroutine]
    public static async Coroutine<string> DeconstructionTargetsDictionaryDiscardNested(List<string> log, Yielder<int, int> co)
    {
        var d = new Dictionary<string, int>();
        (d[Key(log, "a" + await co.Yield(1))], d[Key(log, "b" + await co.Yield(2))]) = (1, 3);
        (d[Key(log, "c" + await co.Yield(3))], _, d[Key(log, "d" + await co.Yield(4))]) = (1, L(log, "m", 2), 3);
        int[] a = new int[3];
        int b = 0, c = 0;
        ((a[C(await co.Yield(5), 3)], b), a[C(await co.Yield(6), 3)]) = ((L(log, "v", 5), await co.Yield(7)), c = 9);
        return string.Join(";", d.OrderBy(kv => kv.Key).Select(kv => kv.Key + "=" + kv.Value)) + "|" + string.Join(",", a) + ";" + b + ";" + c;
    }

    // ---- Anonymous objects: a member named by its value keeps that name ----

    [Coroutine]
    public static async Coroutine<string> AnonymousObjectInferredNames(List<string> log, Yielder<int, int> co)
    {
        var box = new AuBox(log, "b");
        string s = new { box.P, box.Name, Q = await co.Yield(1), box.Text }.ToString();
        int count = 2;
        string t = new { count, log.Count, R = await co.Yield(2) }.ToString();
        return s + t;
    }

    // ---- Collection expressions of a type filled by Add: made, and filled element by element, before the suspension ----

    [Coroutine]
    public static async Coroutine<string> CollectionExpressionAddsInOrder(List<string> log, Yielder<int, int> co)
    {
        AuAddCollection.Sink = log;
        AuAddCollection c = [L(log, "e1", 1), await co.Yield(2), .. Items(log, "sp", 2), await co.Yield(3)];
        HashSet<string> set = ["a", (await co.Yield(4)).ToString(), L(log, "s", "a")];
        return c + "|" + set.Count;
    }

    [Coroutine]
    public static async Coroutine<string> CollectionExpressionAddThrowsBeforeSuspension(List<string> log, Yielder<int, int> co)
    {
        AuAddCollection.Sink = log;
        AuAddCollection c = [L(log, "neg", -1), await co.Yield(2)];
        return c.ToString();
    }

    // ---- Helpers ----

    public static IEnumerable<int> Items(List<string> log, string tag, int n)
    {
        log.Add("spread " + tag + " " + n);
        for (int i = 0; i < C(n, 4); i++)
        {
            log.Add("spread item " + tag + i);
            yield return i;
        }
    }

    public static int C(int v, int n) => ((v % n) + n) % n;

    public static string Key(List<string> log, string k)
    {
        log.Add("key " + k);
        return k;
    }

    public static int SetN(ref AuHolder h, int n)
    {
        h.C.N = n;
        return n;
    }

    public static string ApplyS(Func<int, string> f, int v) => f(v);

    public static string Rep(this string s, int n) => s + n;

    public static string ReadIn(in int x, int v) => x + "+" + v;

    public static string ReadInLong(in long x, int v) => x + "+" + v;
}

public sealed class AuInner
{
    public int X { get; set; }
}

public sealed class AuOuter
{
    public AuInner In { get; set; }

    public string Tag { get; set; }
}

public sealed class AuBox
{
    private readonly List<string> log;
    private int p;
    private int q;

    public AuBox(List<string> log, string name)
    {
        this.log = log;
        Name = name;
        log.Add("new AuBox " + name);
    }

    public string Name { get; }

    public string Text { get; set; } = "t";

    public int P
    {
        get { log.Add($"get {Name}.P"); return p; }
        set { log.Add($"set {Name}.P={value}"); p = value; }
    }

    public int Q
    {
        get { log.Add($"get {Name}.Q"); return q; }
        set { log.Add($"set {Name}.Q={value}"); q = value; }
    }

    public int Echo(int v)
    {
        log.Add($"{Name}.Echo({v})");
        return v;
    }
}

public struct AuPoint
{
    public int A;
    public int B;

    public string Describe(int k) => $"<{A},{B},{k}>";
}

public struct AuCounter
{
    public int N;
}

public struct AuHolder
{
    public AuCounter C;
}

public struct AuInOperand
{
    public int A;

    public static AuInOperand operator +(in AuInOperand a, int b) => new AuInOperand { A = a.A * 100 + b };
}

public sealed class AuInConstructor
{
    public string Text;

    public AuInConstructor(in int a, int b) => Text = a + "+" + b;
}

public sealed class AuInIndexer
{
    public int this[in int a, int b] => a * 100 + b;
}

public delegate int AuInDelegate(in int a, int b);

public partial struct AuStructTemplate
{
    public int N;

    public static string Show(AuStructTemplate s, int v) => s.N + "+" + v;

    public int Bump()
    {
        N += 10;
        return 7;
    }

    // `this` passed by value is copied where C# evaluates the argument: Bump's change is not in the copy.
    [Coroutine]
    public async Coroutine<string> ThisArgument(List<string> log, Yielder<int, int> co)
    {
        return Show(this, await co.Yield(Bump())) + "|" + N;
    }

    public static string ShowIn(in AuStructTemplate s, int v) => s.N + "+" + v;

    // `this` passed to an `in` parameter is passed by reference: the callee sees Bump's change.
    [Coroutine]
    public async Coroutine<string> ThisInArgument(List<string> log, Yielder<int, int> co)
    {
        return ShowIn(this, await co.Yield(Bump())) + "|" + N;
    }
}

public sealed class AuAddCollection : IEnumerable<int>
{
    private readonly List<string> log;
    private readonly List<int> items = new();

    public AuAddCollection()
    {
        log = Sink;
        log?.Add("new AuAddCollection");
    }

    public static List<string> Sink { get; set; }

    public void Add(int v)
    {
        log?.Add("Add " + v);
        if (v < 0)
        {
            throw new ArgumentException("negative " + v);
        }

        items.Add(v);
    }

    public IEnumerator<int> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(",", items);
}
