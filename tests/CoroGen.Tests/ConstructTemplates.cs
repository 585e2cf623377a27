#nullable disable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

// C# constructs the random-template fuzzer does not generate, each with suspension points inside or across it. Every
// template logs its side effects through L(...) so that evaluation order shows in the trace; ConstructTests runs each one
// against the oracle (the C# compiler's own lowering of the same method) with Throw, Close and the exit injected at every
// suspension point and with several sent values.
public static partial class ConstructTemplates
{
    // ---- Switch expressions and patterns ----

    // Attributes on a local function and a lambda: their names bind to the attributes' constructors and stay as written.
    [Coroutine]
    public static async Coroutine<string> AttributedLocalFunctionAndLambda(List<string> log, Yielder<int, int> co)
    {
        [System.Diagnostics.DebuggerStepThrough]
        int Twice(int v) => v * 2;

        Func<int, int> addOne = [Obsolete("only in tests")] (int v) => v + 1;
        int got = await co.Yield(Twice(3));
        [return: System.Diagnostics.CodeAnalysis.NotNull]
        static string Text(int v) => v.ToString();
        return Text(addOne(got));
    }

    [Coroutine]
    public static async Coroutine<string> SwitchArmsPatterns(List<string> log, Yielder<int, int> co)
    {
        var results = new List<string>();
        foreach (Pt p in new[] { new Pt(1, 1), new Pt(-1, 5), new Pt(0, 0) })
        {
            int r = p switch
            {
                { X: > 0 } q when q.Y == L(log, "when", 1) => await co.Yield(q.X) + q.Y,
                (var a, var b) when a < 0 => L(log, "a", a) + await co.Yield(b) + b,
                _ => await Twice(L(log, "sub", 7), co),
            };
            results.Add(r.ToString());
        }

        return string.Join(",", results);
    }

    [Coroutine]
    public static async Coroutine<string> SwitchGoverningRelational(List<string> log, Yielder<int, int> co)
    {
        var parts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            parts.Add(L(log, "lhs", "v") + (await co.Yield(i)) switch
            {
                < 0 => "neg",
                0 => "zero",
                > 1 and < 5 or 42 => "mid",
                _ => "other",
            });
        }

        return string.Join(",", parts);
    }

    [Coroutine]
    public static async Coroutine<string> IsPatternDeclarationUsedAfterYield(List<string> log, Yielder<int, int> co)
    {
        object o = L(log, "o", (object)"hello");
        if (o is string { Length: > 3 } s && await co.Yield(s.Length) is var sent and >= 0)
        {
            log.Add("s=" + s);
            int more = await co.Yield(sent);
            return s + more + sent;
        }

        return "no:" + (o is string t ? t : "?");
    }

    [Coroutine]
    public static async Coroutine<string> ListPatternAcrossYield(List<string> log, Yielder<int, int> co)
    {
        int[] a = L(log, "a", new[] { 1, 2, 3, 4 }).ToArray();
        if (a is [var first, .. var mid, var last])
        {
            int x = await co.Yield(first);
            a[0] = 100;
            int y = await co.Yield(last);
            return $"{x},{y},{first},{mid.Length},{mid[0]},{last}";
        }

        return "none";
    }

    [Coroutine]
    public static async Coroutine<string> PatternInLoopCondition(List<string> log, Yielder<int, int> co)
    {
        int sum = 0;
        int n = 0;
        while (await co.Yield(n++) is var v && v > 0 && n < 6)
        {
            sum += v;
            log.Add("v=" + v);
        }

        return sum + "," + n;
    }

    [Coroutine]
    public static async Coroutine<string> SwitchStatementPatternVariables(List<string> log, Yielder<int, int> co)
    {
        object[] items = { new Pt(2, 3), "text", 5, null };
        var parts = new List<string>();
        foreach (object item in items)
        {
            switch (item)
            {
                case Pt { X: var x, Y: var y } when x < y:
                    int got = await co.Yield(x);
                    parts.Add($"pt{x}{y}{got}");
                    break;
                case string str:
                    await co.YieldAll(str.Select(c => (int)c).Take(2));
                    parts.Add(str);
                    break;
                case int i when await co.Yield(i) > 100:
                    parts.Add("big" + i);
                    break;
                case int i:
                    parts.Add("int" + i);
                    break;
                default:
                    parts.Add("null");
                    break;
            }
        }

        return string.Join(",", parts);
    }

    // ---- Tuples and deconstruction ----

    [Coroutine]
    public static async Coroutine<string> TupleSwapWithYield(List<string> log, Yielder<int, int> co)
    {
        int a = 1, b = 2;
        (a, b) = (await co.Yield(a), b);
        (a, b) = (b, await co.Yield(a));
        var (p, q) = (L(log, "p", a), await co.Yield(b));
        return $"{a},{b},{p},{q}";
    }

    [Coroutine]
    public static async Coroutine<string> DeconstructIntoArrayElements(List<string> log, Yielder<int, int> co)
    {
        int[] arr = new int[4];
        int i = 0;
        (arr[i++], arr[L(log, "idx", i++)]) = (await co.Yield(i), await co.Yield(i));
        (int x, (int y, string z)) = (L(log, "x", 1), (await co.Yield(2), L(log, "z", "z")));
        return string.Join(",", arr) + ";" + i + ";" + x + y + z;
    }

    [Coroutine]
    public static async Coroutine<string> DeconstructRecordAfterYield(List<string> log, Yielder<int, int> co)
    {
        var (x, y) = new Pt(await co.Yield(1), L(log, "y", 2));
        await co.Yield(x + y);
        return x + "," + y;
    }

    // ---- Compound and null-coalescing assignment ----

    [Coroutine]
    public static async Coroutine<string> CompoundPostIncrementIndex(List<string> log, Yielder<int, int> co)
    {
        int[] arr = { 10, 20, 30 };
        int i = 0;
        arr[i++] += await co.Yield(i);
        arr[L(log, "i", i++)] -= await co.Yield(arr[i]);
        Grid(log)[L(log, "k", i)] *= await co.Yield(3);
        return string.Join(",", arr) + ";" + i;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceAssignIndexerOnce(List<string> log, Yielder<int, int> co)
    {
        var d = new Dictionary<string, string>();
        var names = new string[2];
        names[L(log, "first", 0)] ??= "v" + await co.Yield(1);
        names[L(log, "second", 0)] ??= "w" + await co.Yield(2);
        string s = null;
        s ??= L(log, "s", "x") + await co.Yield(3);
        int? n = null;
        n ??= await co.Yield(4);
        n ??= await co.Yield(5);
        return $"{names[0]},{names[1]},{s},{n}";
    }

    [Coroutine]
    public static async Coroutine<string> CompoundOnHoistedStructField(List<string> log, Yielder<int, int> co)
    {
        var c = new Tally();
        c.Total += await co.Yield(1);
        c.Add(await co.Yield(2));
        c.Inner.Value += await co.Yield(3);
        c.Inner.Bump();
        await co.Yield(c.Total);
        c.Add(L(log, "k", 10));
        return c.Total + "," + c.Inner.Value + "," + c.Calls;
    }

    // ---- Conditional access, interpolation, collection expressions, initializers ----

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessCallArguments(List<string> log, Yielder<int, int> co)
    {
        Sink present = new Sink(log);
        Sink absent = null;
        absent?.Take(L(log, "not evaluated", 1), await co.Yield(1));
        present?.Take(L(log, "evaluated", 2), await co.Yield(2));
        int? r = present?.Inner?.Twice(await co.Yield(3));
        int? s = absent?.Inner?.Twice(await co.Yield(4));
        return $"{r},{s?.ToString() ?? "null"}";
    }

    [Coroutine]
    public static async Coroutine<string> InterpolationAlignmentAndNested(List<string> log, Yielder<int, int> co)
    {
        int a = L(log, "a", 7);
        string inner = $"[{await co.Yield(a),4}|{L(log, "b", 3.5):F2}]";
        string outer = $"{inner}{$"<{await co.Yield(2):X}>"}{nameof(inner)}";
        return outer;
    }

    [Coroutine]
    public static async Coroutine<string> CollectionExpressionsWithSpread(List<string> log, Yielder<int, int> co)
    {
        List<int> l = [L(log, "a", 1), .. Items(log), await co.Yield(2), .. new[] { await co.Yield(3) }];
        int[] arr = [.. l, await co.Yield(4)];
        IEnumerable<int> e = [L(log, "e", 5), await co.Yield(5)];
        List<int> source = [1, 2];
        int[] copied = [.. source, await co.Yield(Grow(source)), .. source]; // counted first: both spreads see the growth
        List<int> listed = [.. source, await co.Yield(Grow(source))];
        IEnumerable<int> lazy = [.. source, .. Items(log), await co.Yield(Grow(source))]; // an uncountable spread: added one by one
        IReadOnlyList<int> counted = [.. source, await co.Yield(Grow(source))];
        HashSet<int> set = [.. source, await co.Yield(Grow(source))]; // a collection-initializer type: added one by one
        System.Collections.Immutable.ImmutableArray<int> built = [.. source, await co.Yield(Grow(source))]; // a builder type
        int[] mixed = [.. source, .. Items(log), await co.Yield(Grow(source))]; // an array with an uncountable spread
        List<int> fromSpan = [.. arr.AsSpan(0, 2), await co.Yield(6)]; // a span spread, copied before the suspension
        List<KeyValuePair<string, int>> pairs = [.. new Dictionary<string, int> { ["k"] = 1 }, new("z", await co.Yield(7))];
        log.Add(string.Join("|", fromSpan) + string.Join("|", pairs));
        return string.Join(",", l) + ";" + string.Join(",", arr) + ";" + string.Join(",", e) + ";" + string.Join(",", copied)
            + ";" + string.Join(",", listed) + ";" + string.Join(",", lazy) + ";" + string.Join(",", counted) + ";" + string.Join(",", set.Order())
            + ";" + string.Join(",", built) + ";" + string.Join(",", mixed);
    }

    [Coroutine]
    public static async Coroutine<string> NestedObjectInitializer(List<string> log, Yielder<int, int> co)
    {
        var n = new Node(log)
        {
            Name = L(log, "name", "n"),
            Child = { Value = await co.Yield(1), Tags = { L(log, "t1", "x"), "y" + await co.Yield(2) } },
            Numbers = { [L(log, "key", 3)] = await co.Yield(3) },
        };
        return n.ToString();
    }

    // ---- using ----

    [Coroutine]
    public static async Coroutine<string> UsingDeclarationsAcrossYields(List<string> log, Yielder<int, int> co)
    {
        using var first = new Res(log, "first");
        int a = await co.Yield(1);
        using Res second = a > 50 ? null : new Res(log, "second");
        int b = await co.Yield(2);
        using (var third = new Res(log, "third"))
        using (new Res(log, "fourth"))
        {
            await co.YieldAll(new[] { 3, 4 });
            if (b == 7)
            {
                return "early";
            }
        }

        using (var sr = new StructRes(log))
        {
            sr.Touch();
            await co.Yield(5);
            sr.Touch();
        }

        return a + "," + b;
    }

    // ---- foreach ----

    [Coroutine]
    public static async Coroutine<string> ForeachArrayBreak(List<string> log, Yielder<int, int> co)
    {
        int[] arr = { 1, 2, 3, 4 };
        int sum = 0;
        foreach (int x in arr)
        {
            int got = await co.Yield(x);
            arr = new[] { 100 }; // the loop keeps the original array
            if (got > 50)
            {
                break;
            }

            sum += x + got;
        }

        return sum + "," + arr.Length;
    }

    [Coroutine]
    public static async Coroutine<string> ForeachListEnumerator(List<string> log, Yielder<int, int> co)
    {
        var list = new List<int> { 1, 2, 3 };
        int sum = 0;
        foreach (int x in list)
        {
            int got = await co.Yield(x);
            if (got == 9)
            {
                list.Add(4); // the struct enumerator hoisted in a field must see the change and throw
            }

            if (got < 0)
            {
                break;
            }

            sum += x;
        }

        return sum.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ForeachCustomStructEnumerator(List<string> log, Yielder<int, int> co)
    {
        int sum = 0;
        foreach (int x in new Countdown(log, 4))
        {
            if (await co.Yield(x) > 50)
            {
                break;
            }

            sum += x;
        }

        foreach (var (k, v) in new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 })
        {
            sum += v * await co.Yield(v);
            log.Add(k);
        }

        return sum.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ForeachSpanWithoutSuspension(List<string> log, Yielder<int, int> co)
    {
        int[] arr = { 1, 2, 3 };
        int sum = 0;
        foreach (int x in (ReadOnlySpan<int>)arr)
        {
            sum += x;
        }

        int y = await co.Yield(sum);
        foreach (ref int slot in arr.AsSpan())
        {
            slot += y;
        }

        await co.Yield(arr[2]);
        return string.Join(",", arr);
    }

    [Coroutine]
    public static async Coroutine<string> ForeachNestedBreakAndContinue(List<string> log, Yielder<int, int> co)
    {
        var parts = new List<string>();
        foreach (string s in new[] { "ab", "cd", "ef" })
        {
            foreach (char c in s)
            {
                int got = await co.Yield(c);
                if (got == 1)
                {
                    continue;
                }

                if (got == 2)
                {
                    break;
                }

                parts.Add(c.ToString());
            }

            if (parts.Count > 3)
            {
                break;
            }
        }

        return string.Join("", parts);
    }

    // ---- checked / unchecked, goto ----

    [Coroutine]
    public static async Coroutine<string> CheckedUncheckedBlocks(List<string> log, Yielder<int, int> co)
    {
        int r1, r2;
        checked
        {
            int x = int.MaxValue - 2;
            x += await co.Yield(1);
            unchecked
            {
                r2 = int.MaxValue + await co.Yield(2);
            }

            byte b = 250;
            for (int i = 0; i < 3; i++)
            {
                b += (byte)await co.Yield(b);
            }

            r1 = x + b;
        }

        return r1 + "," + r2;
    }

    // A checked block around try statements that suspend in their body, their catch blocks and their finally: a local
    // function, a catch filter and a switch's when clause inside it keep the checked context.
    [Coroutine]
    public static async Coroutine<string> CheckedAroundSuspendingTries(List<string> log, Yielder<int, int> co)
    {
        string r = "";
        checked
        {
            int Bump(int a) => a + L(log, "bump", 1);
            try
            {
                int x = await co.Yield(1);
                try
                {
                    r += Bump(x);
                }
                catch (OverflowException) when (L(log, "filter", x) + 1 > 0)
                {
                    r += "inner";
                }

                int y = await co.Yield(2);
                r += "," + (y + int.MaxValue - 10);
            }
            catch (OverflowException e)
            {
                r += "|caught " + e.GetType().Name + " " + await co.Yield(3);
            }
            finally
            {
                log.Add("finally " + await co.Yield(4));
            }

            switch ((object)await co.Yield(5))
            {
                case int n when n + int.MaxValue > 0:
                    r += "|positive";
                    break;
                default:
                    r += "|default " + await co.Yield(6);
                    break;
            }

            unchecked
            {
                try
                {
                    r += "|wraps " + (await co.Yield(7) + int.MaxValue);
                }
                finally
                {
                    r += "|" + checked(await co.Yield(8) + int.MaxValue);
                }
            }
        }

        return r;
    }

    // Local functions of blocks the lowering flattens into one scope: two with the same name in sibling blocks, one named
    // like a local of a copied block, a generic one called before its declaration, and one converted to a delegate.
    [Coroutine]
    public static async Coroutine<string> SameNamedLocalFunctionsInFlattenedBlocks(List<string> log, Yielder<int, int> co)
    {
        string r = "";
        int a = await co.Yield(1);
        if (a > 0)
        {
            int Scale(int z) => z * L(log, "pos", a);
            r += Scale(await co.Yield(2));
        }
        else
        {
            int Scale(int z) => z - L(log, "neg", a);
            r += Scale(await co.Yield(3));
        }

        for (int i = 0; i < 2; i++)
        {
            r += "," + Pick(i, await co.Yield(4 + i));
            T Pick<T>(int k, T v) => k == 0 ? v : default!;
        }

        {
            int Scale = L(log, "local", 7);
            r += "," + Scale;
        }

        Func<int, int> f = Offset;
        r += "," + f(await co.Yield(6));
        return r;

        int Offset(int z) => z + 100;
    }

    [Coroutine]
    public static async Coroutine<string> GotoAcrossYields(List<string> log, Yielder<int, int> co)
    {
        int n = 0;
        int rounds = 0;
    again:
        n += await co.Yield(n);
        if (++rounds < 3 && n < 20)
        {
            goto again;
        }

        try
        {
            if (n > 5)
            {
                goto done;
            }

            await co.Yield(-1);
        }
        finally
        {
            log.Add("finally " + await co.Yield(-2));
        }

        log.Add("after try");
    done:
        switch (n % 3)
        {
            case 0:
                await co.Yield(30);
                goto case 2;
            case 1:
                await co.Yield(31);
                goto default;
            case 2:
                n += await co.Yield(32);
                break;
            default:
                n -= await co.Yield(33);
                goto case 0;
        }

        return n + "," + rounds;
    }

    // ---- Closures ----

    [Coroutine]
    public static async Coroutine<string> ClosuresSeeLaterWrites(List<string> log, int p, Yielder<int, int> co)
    {
        int x = 1;
        Func<int> f = () => x * 10 + p;
        int Local(int k) => k + x + Nested();
        int Nested() => p * 100;
        await co.Yield(f());
        x = await co.Yield(Local(0));
        p = await co.Yield(f());
        Action bump = () => { x++; p++; };
        bump();
        await co.Yield(Local(1));
        static int Pure(int v) => v * 2;
        return f() + "," + Local(2) + "," + Pure(x);
    }

    [Coroutine]
    public static async Coroutine<string> ClosureInLoopPerIterationNotLive(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        for (int i = 0; i < 3; i++)
        {
            int copy = i;
            fs.Add(() => copy * 2);
            await co.Yield(i);
        }

        int total = 0;
        foreach (var f in fs)
        {
            total += f();
        }

        return total.ToString();
    }

    // ---- Generics ----

    [Coroutine]
    public static async Coroutine<string> GenericConstrained<T>(List<string> log, T seed, Yielder<int, int> co)
        where T : struct, IBump
    {
        T local = seed;
        local.Bump();
        List<T> items = new() { local };
        T copy = default;
        await co.Yield(local.Value);
        local.Bump(); // acts on the hoisted field, not a copy
        copy = local;
        local.Bump();
        items.Add(copy);
        await co.Yield(items.Count);
        return $"{local.Value},{copy.Value},{items[0].Value},{typeof(T).Name}";
    }

    [Coroutine]
    public static async Coroutine<string> GenericClassConstraint<T>(List<string> log, Yielder<int, int> co)
        where T : class, IList<int>, new()
    {
        T list = new T();
        list.Add(await co.Yield(1));
        T other = default;
        other ??= list;
        other.Add(await co.Yield(2));
        return string.Join(",", list) + ";" + ReferenceEquals(list, other);
    }

    // ---- ref locals, Span, stackalloc (not across suspensions) ----

    [Coroutine]
    public static async Coroutine<string> RefAndSpanLocalsInBlocks(List<string> log, Yielder<int, int> co)
    {
        int[] arr = { 1, 2, 3 };
        int total = 0;
        {
            ref int r = ref arr[1];
            r += 10;
            Span<int> span = stackalloc int[3];
            span[0] = arr[0];
            span[1] = r;
            foreach (int v in span)
            {
                total += v;
            }
        }

        int got = await co.Yield(total);
        {
            Span<int> view = arr.AsSpan(1);
            view[0] += got;
        }

        await co.Yield(arr[1]);
        return string.Join(",", arr) + ";" + total;
    }

    // ---- optional / named arguments (params collections: ConstructTemplates.CSharp13.cs), throw expressions, nameof, default, out var ----

    [Coroutine]
    public static async Coroutine<string> ParamsOptionalNamed(List<string> log, Yielder<int, int> co)
    {
        string a = Opt(b: await co.Yield(1));
        string b = Opt(L(log, "x", 5), c: await co.Yield(2));
        return $"{a};{b}";
    }

    [Coroutine]
    public static async Coroutine<string> ThrowExpressionsAndDefaults(List<string> log, Yielder<int, int> co)
    {
        int d = default;
        string none = default;
        int v = await co.Yield(d);
        int checkedValue = v >= 0 ? await co.Yield(v) : throw new ArgumentOutOfRangeException(nameof(v), "negative " + v);
        string name = none ?? (v < 1000 ? nameof(checkedValue) : throw new InvalidOperationException(L(log, "msg", "too big")));
        return name + "," + checkedValue + "," + (none?.Length ?? default(int));
    }

    [Coroutine]
    public static async Coroutine<string> OutVarNextToAwait(List<string> log, Yielder<int, int> co)
    {
        string r1 = Both(int.TryParse(L(log, "text", "12"), out var parsed), await co.Yield(parsed));
        await co.Yield(parsed);
        string r2 = Both(Split(await co.Yield(7), out int half), half);
        await co.Yield(half);
        return r1 + ";" + r2 + ";" + parsed + half;
    }

    // ---- Recursion, instance templates, generic nested types ----

    [Coroutine]
    public static async Coroutine<int> Tree(int depth, Yielder<int, int> co)
    {
        if (depth == 0)
        {
            return await co.Yield(depth);
        }

        int left = await Tree(depth - 1, co);
        int right = await Tree(depth - 1, co);
        return left + right + depth;
    }

    [Coroutine]
    public static async Coroutine<string> RecursionDriver(List<string> log, Yielder<int, int> co)
    {
        int total = await Tree(2, co);
        return total.ToString();
    }

    [Coroutine]
    public static async Coroutine<int> Twice(int x, Yielder<int, int> co)
    {
        return x * 2 + await co.Yield(x);
    }

    // ---- More shapes ----

    // ---- Expression variables of loop headers, and closures over them ----

    // A while condition's variables are new in each iteration: each closure sees its own.
    [Coroutine]
    public static async Coroutine<string> WhileConditionVariablesPerIteration(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        int i = 0;
        while (L(log, "i", i++) is var k && k < 3 && int.TryParse((k * 10).ToString(), out var tenfold))
        {
            fs.Add(() => k + tenfold);
            int got = await co.Yield(k);
            k += got;
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // A for condition's variables are new in each iteration too; its initializer's are one for the whole loop.
    [Coroutine]
    public static async Coroutine<string> ForHeaderVariables(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        int last = 0;
        for (int i = Init(out var once); i < 3 && (i * 2) is var twice; i++)
        {
            fs.Add(() => twice * 100 + once);
            once += await co.Yield(twice);
            last = once;
        }

        return string.Join(",", fs.Select(f => f())) + "|" + last;
    }

    // A variable declared in a foreach collection or a using resource is one variable for the whole statement.
    [Coroutine]
    public static async Coroutine<string> CollectionAndResourceVariables(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        foreach (var x in Make(out var arr))
        {
            fs.Add(() => arr.Length);
            await co.Yield(x);
            arr = new int[x + 5];
        }

        int sum = 0;
        foreach (var x in MakePair(out var n))
        {
            sum += n + await co.Yield(x);
            n *= 10;
        }

        using (var r = new Res(log, "r" + Init(out var z)))
        {
            z += await co.Yield(z);
            sum += L(log, "z", z);
        }

        return string.Join(",", fs.Select(f => f())) + "|" + sum;
    }

    // An object initializer that sets init-only and required members, with suspension points among its values.
    [Coroutine]
    public static async Coroutine<string> InitOnlyAndRequiredMembers(List<string> log, Yielder<int, int> co)
    {
        var parts = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            var member = new Member(L(log, "arg", i)) { Name = L(log, "name", "n" + i), Age = await co.Yield(i) + L(log, "age", 1) };
            parts.Add(member.ToString());
            var point = new InitPoint { X = await co.Yield(10 + i), Y = L(log, "y", 2) };
            parts.Add(point.ToString());
        }

        return string.Join(",", parts);
    }

    [Coroutine]
    public static async Coroutine<int> InitOnlyWithLoggingConstructor(List<string> log, Yielder<int, int> co)
    {
        var made = new LoggedInit(log) { Value = L(log, "value", await co.Yield(1)) };
        return made.Value;
    }

    // String literals that span lines keep their exact text in generated code, which indents what it copies.
    [Coroutine]
    public static async Coroutine<string> MultiLineStringLiterals(List<string> log, Yielder<int, int> co)
    {
        var parts = new List<string>();
        string raw = """
              indented
            flush { braces }
            """;
        parts.Add(raw);
        await co.Yield(1);
        for (int i = 0; i < 2; i++)
        {
            string verbatim = @"A
      ""B""
C";
            parts.Add(verbatim + i);
            int got = await co.Yield(i);
            parts.Add($@"got {got,3}
    then {i:D2} {{x}}");
            parts.Add($"""
                raw {await co.Yield(10 + i)}
                  kept "quoted"
                """);
            parts.Add($$"""
                {"json": {{got + await co.Yield(20 + i)}}}
                """);
        }

        return string.Join("|", parts);
    }

    // A captured loop-body variable is new in each iteration however the iteration runs: declared in one switch section and
    // assigned in another, or behind a goto that skips its declaration.
    [Coroutine]
    public static async Coroutine<string> PerIterationVariablesWithoutTheirDeclaration(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        for (int i = 0; i < 3; i++)
        {
            switch (i % 2)
            {
                case 0:
                    int z = i * 10;
                    fs.Add(() => z);
                    await co.Yield(z);
                    z++;
                    break;
                default:
                    z = -i;
                    fs.Add(() => z);
                    await co.Yield(z);
                    break;
            }
        }

        for (int i = 1; i < 3; i++)
        {
            switch (i)
            {
                case 0:
                    int w = 5;
                    fs.Add(() => w);
                    break;
                default:
                    w = i * 100;
                    fs.Add(() => w);
                    await co.Yield(w);
                    break;
            }
        }

        for (int i = 0; i < 3; i++)
        {
            if (i > 0)
                goto assign;
            int v = 100;
            fs.Add(() => v + 1000);
        assign:
            v = i;
            fs.Add(() => v);
            await co.Yield(v);
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // One variable per entry into its scope, however often its declaration runs: a closure made before the declaration
    // (in another switch section) and one made after it see the same; a backward goto within the block keeps it.
    [Coroutine]
    public static async Coroutine<string> OneVariablePerScopeEntry(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        for (int it = 0; it < 2; it++)
        {
            switch (it + 1)
            {
                case 0:
                    int x = 7;
                    fs.Add(() => x);
                    await co.Yield(0);
                    break;
                case 1:
                    x = 5;
                    fs.Add(() => x);
                    goto case 0;
            }
        }

        for (int it = 0; it < 2; it++)
        {
            int n = 0;
        again:
            n++;
            int y = n * 10;
            fs.Add(() => y);
            await co.Yield(y);
            if (n < 3)
                goto again;
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // A captured pattern variable assigned where its pattern does not match gets its own iteration's variable too.
    [Coroutine]
    public static async Coroutine<string> PatternVariablesAssignedWhenUnmatched(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<string>>();
        foreach (var o in new object[] { "x", 1, "y" })
        {
            if (!(o is int n))
                n = -1;
            fs.Add(() => "n" + n);
            await co.Yield(n);
        }

        object[] objs = { 1, "a", 3 };
        for (int i = 0; i < 3; i++)
        {
            int t = objs[i] is int m ? m : (m = 100 + i);
            fs.Add(() => "m" + m);
            await co.Yield(t);
        }

        int j = 0;
        while (j < 3 && (objs[j] is int k || (k = -1) < 0))
        {
            fs.Add(() => "k" + k);
            await co.Yield(k);
            j++;
        }

        for (int i = 0; i < 2; i++)
        {
            const int C = 7;
            fs.Add(() => "c" + C);
            await co.Yield(C);
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // A lambda parameter named like the parameter through which a closure receives a box (`__n` for `n`).
    [Coroutine]
    public static async Coroutine<string> LambdaParameterNamedLikeABox(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<string, string>>();
        for (int i = 0; i < 2; i++)
        {
            int n = i;
            fs.Add(__n => "n" + n + __n);
            await co.Yield(n);
        }

        return string.Join(",", fs.Select(f => f("!")));
    }

    // Scopes a backward goto runs again outside any loop: a for statement, a catch clause, a switch block.
    [Coroutine]
    public static async Coroutine<string> GotoReentersForCatchAndSwitch(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<string>>();
        int n = 0;
    top:
        for (int i = n; i < n + 1; i++)
        {
            fs.Add(() => "i" + i);
            await co.Yield(i);
        }

        try
        {
            throw new FormatException("e" + n);
        }
        catch (FormatException e)
        {
            fs.Add(() => e.Message);
            await co.Yield(n);
        }

        switch (n)
        {
            default:
                int b = n;
                fs.Add(() => "b" + b);
                await co.Yield(b);
                break;
        }

        if (++n < 3)
            goto top;

        object o = 5;
        int r = o switch { var z when z is int w => w + await co.Yield(w), _ => 0 };
        return string.Join(",", fs.Select(f => f())) + "|" + r;
    }

    // A switch expression arm whose when clause suspends is tried in sequence; the clause's pattern and out variables are
    // used by the arm's code after the clause.
    [Coroutine]
    public static async Coroutine<string> SwitchWhenSuspendsDeclares(List<string> log, Yielder<int, int> co)
    {
        object o = L(log, "o", 5);
        int r = o switch
        {
            string s when await co.Yield(s.Length) > 0 => s.Length,
            var z when z is int w && await co.Yield(w) > L(log, "w", w) => w * 10 + await co.Yield(-w),
            var z when int.TryParse(z.ToString(), out int p) && await co.Yield(p) >= 0 => p + await co.Yield(p),
            _ => 0,
        };
        object u = L(log, "u", 7);
        int t = u switch
        {
            var z when await co.Yield(1) > 0 && z is int w => w + 1,
            var z when await co.Yield(2) >= 0 && int.TryParse(z.ToString(), out int p) => p + await co.Yield(p),
            _ => 0,
        };
        return "r" + r + "t" + t;
    }

    // `goto case` back to the section that holds a block or a using statement enters it again: new variables.
    [Coroutine]
    public static async Coroutine<string> GotoCaseReentersABlock(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<string>>();
        int n = 0;
        switch (n)
        {
            case 0:
                {
                    int x = n;
                    fs.Add(() => "x" + x);
                    await co.Yield(x);
                }

                using (var r = new Res(log, "r" + n))
                {
                    fs.Add(() => r.GetHashCode() == 0 ? "?" : "r" + n);
                    await co.Yield(10 + n);
                }

                if (++n < 3)
                    goto case 0;
                break;
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // An if's embedded statement is a scope of its own, run anew by a backward goto in a labeled block: its out var is new
    // each time.
    [Coroutine]
    public static async Coroutine<string> EmbeddedStatementVariableInALabeledBlock(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        for (int i = 0; i < 1; i++)
        {
            int k = 0;
        again:
            if (k >= 0)
                _ = Twice(k, out var z) >= 0 && AddTo(fs, () => z + 0 * 0) && await co.Yield(k) >= 0;
            k++;
            if (k < 3)
                goto again;
        }

        return string.Join(",", fs.Select(f => f()));
    }

    private static bool AddTo(List<Func<int>> fs, Func<int> f)
    {
        fs.Add(f);
        return true;
    }

    // A using resource a deferred query reads after the statement. (In a loop, a query over a per-iteration variable is
    // COROGEN010's.)
    [Coroutine]
    public static async Coroutine<string> UsingResourceReadByAQuery(List<string> log, Yielder<int, int> co)
    {
        var queries = new List<IEnumerable<string>>();
        using (var single = new Res(log, "single"))
        {
            queries.Add(from k in new[] { 2 } select single.ToString());
            await co.Yield(9);
        }

        return string.Join(",", queries.Select(q => q.First()));
    }

    // Variables declared by a catch filter or a case label's when clause, captured in a loop.
    [Coroutine]
    public static async Coroutine<string> FilterAndWhenVariablesCaptured(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        for (int i = 0; i < 3; i++)
        {
            try
            {
                throw new FormatException(i.ToString());
            }
            catch (FormatException e) when (int.TryParse(e.Message, out var q))
            {
                fs.Add(() => q);
                await co.Yield(q);
                q += 10;
            }
        }

        for (int i = 0; i < 4; i++)
        {
            switch (i)
            {
                case var n when Twice(n, out var m) > 2:
                    fs.Add(() => m);
                    await co.Yield(m);
                    m = 0;
                    break;
                case var n2:
                    await co.Yield(-n2);
                    break;
            }
        }

        return string.Join(",", fs.Select(f => f()));
    }

    private static int Twice(int n, out int doubled) => doubled = n * 2;

    // A do-while condition's variables are new each time it is evaluated; a deconstructing foreach over a multi-dimensional
    // array; a using resource that closures read after its statement, and one a backward goto runs again.
    [Coroutine]
    public static async Coroutine<string> MoreLoopHeaderShapes(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        int i = 0;
        do
        {
            await co.Yield(i);
            i++;
        }
        while (Take(i, out var v) && Add(fs, () => v));

        var pairs = new (int, int)[2, 1] { { (1, 2) }, { (3, 4) } };
        int sum = 0;
        foreach (var (a, b) in pairs)
        {
            sum += a * await co.Yield(b);
        }

        using (var r = new Res(log, "kept"))
        {
            fs.Add(() => r.ToString().Length);
            await co.Yield(5);
        }

        int n = 0;
    again:
        using (var g = new Res(log, "g" + n))
        {
            fs.Add(() => g.GetHashCode() == 0 ? -1 : n);
            await co.Yield(6 + n);
        }

        if (++n < 2)
            goto again;

        return sum + ":" + string.Join(",", fs.Select(f => f()));
    }

    private static bool Take(int i, out int v)
    {
        v = i;
        return i < 3;
    }

    private static bool Add(List<Func<int>> fs, Func<int> f)
    {
        fs.Add(f);
        return true;
    }

    // A block entered again by a backward goto makes its variables anew, as a loop body does; a backward goto within one
    // block keeps them.
    [Coroutine]
    public static async Coroutine<string> BlockReenteredByGoto(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        int i = 0;
    again:
        {
            int x = L(log, "x", i * 10);
            fs.Add(() => x);
            await co.Yield(x);
            x++;
        }

        if (++i < 3)
            goto again;

        int y = 0;
    inner:
        fs.Add(() => y);
        y += await co.Yield(y) + 1;
        if (y < 3)
            goto inner;

        return string.Join(",", fs.Select(f => f()));
    }

    // A multi-dimensional array is enumerated through IEnumerator, whose Current is an object.
    [Coroutine]
    public static async Coroutine<string> ForeachMultiDimensionalArray(List<string> log, Yielder<int, int> co)
    {
        int[,] m = { { 1, 2 }, { 3, 4 } };
        int sum = 0;
        foreach (var x in m)
        {
            sum += x * await co.Yield(x);
        }

        foreach (long y in new int[,,] { { { 5 } } })
        {
            sum += (int)y + await co.Yield((int)y);
        }

        return sum.ToString();
    }

    // A local function that only calls another one capturing a per-iteration variable passes that iteration's box on.
    [Coroutine]
    public static async Coroutine<string> LocalFunctionCallsACapturingOne(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        foreach (var x in new[] { 1, 2 })
        {
            int v = x;
            int B() => v;
            int A() => B() + 1;
            int C() => A() * 10;
            fs.Add(A);
            fs.Add(() => C());
            await co.Yield(A());
            v += 100;
        }

        return string.Join(",", fs.Select(f => f()));
    }

    // A foreach variable typed by a factory (`var` over a coroutine this generator writes), captured per iteration.
    [Coroutine]
    public static async Coroutine<string> ForeachOverAFactoryCaptured(List<string> log, Yielder<int, int> co)
    {
        var fs = new List<Func<int>>();
        foreach (var v in Counted(3))
        {
            fs.Add(() => v);
            await co.Yield(v);
        }

        return string.Join(",", fs.Select(f => f()));
    }

    [Coroutine]
    public static async Coroutine Counted(int n, Yielder<int> co)
    {
        for (int i = 0; i < n; i++)
            await co.Yield(i * 7);
    }

    private static int Init(out int value)
    {
        value = 1;
        return 0;
    }

    private static int[] Make(out int[] arr)
    {
        arr = new[] { 1, 2, 3 };
        return arr;
    }

    private static int[] MakePair(out int n)
    {
        n = 7;
        return new[] { 1, 2 };
    }

    // `using` on a type parameter constrained to a disposable struct: its Dispose runs on the variable, as C# calls it.
    [Coroutine]
    public static async Coroutine<string> UsingOnStructTypeParameter<TRes>(List<string> log, TRes resource, Yielder<int, int> co)
        where TRes : struct, IDisposable
    {
        using (TRes held = resource)
        {
            L(log, "body", await co.Yield(1));
        }

        using TRes last = resource;
        return "got " + await co.Yield(2);
    }

    // A delegation in parentheses, with named arguments in another order: the same delegation as without them.
    [Coroutine]
    public static async Coroutine<string> ParenthesizedDelegation(List<string> log, Yielder<int, int> co)
    {
        int a = await (Twice(co: co, x: L(log, "x", 3)));
        int b = await ((Twice(a, co)));
        return $"{a},{b}";
    }

    [Coroutine]
    public static async Coroutine<string> DelegationInPatternsAndSwitches(List<string> log, Yielder<int, int> co)
    {
        var parts = new List<string>();
        if (await Word(L(log, "w", 3), co) is { Length: > 2 } word and not "xxxx")
        {
            parts.Add(await co.Yield(word.Length) + word);
        }

        parts.Add((await Twice(2, co)) switch
        {
            > 10 => "big",
            var n when n > await co.Yield(n) => "more" + n,
            var n => (n % 2 == 0 ? "even" : "odd") + (await co.Yield(-n) switch { 0 => "", var m => m.ToString() }),
        });

        switch (parts.Count, await co.Yield(parts.Count))
        {
            case (2, > 5):
                parts.Add("case1");
                break;
            case (var c, var sent) when sent < 0:
                parts.Add("case2:" + c + await co.Yield(sent));
                break;
            default:
                parts.Add("default");
                break;
        }

        return string.Join(",", parts);
    }

    [Coroutine]
    public static async Coroutine<string> TupleEqualityAndNames(List<string> log, Yielder<int, int> co)
    {
        int a = 1;
        var pair = (First: L(log, "first", a), Second: await co.Yield(a));
        bool same = (L(log, "l1", pair.First), L(log, "l2", 2)) == (await co.Yield(1), L(log, "r2", 2));
        bool different = pair != (await co.Yield(2), pair.Second);
        return $"{pair.First},{pair.Second},{same},{different}";
    }

    [Coroutine]
    public static async Coroutine<string> IteratorForeachBreakAndGoto(List<string> log, Yielder<int, int> co)
    {
        int sum = 0;
        foreach (int x in LoggedIterator(log, "outer"))
        {
            foreach (int y in LoggedIterator(log, "inner"))
            {
                int got = await co.Yield(x * 10 + y);
                if (got == 5)
                {
                    goto found;
                }

                if (got == 7)
                {
                    break;
                }

                sum += got;
            }
        }

        return "none" + sum;
    found:
        log.Add("found");
        await co.Yield(-1);
        return "found" + sum;
    }

    [Coroutine]
    public static async Coroutine<string> CatchFilterPatternVariable(List<string> log, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(1);
            throw new FormatException("format " + await co.Yield(2));
        }
        // Not intercepting the exit, as a generated class's catch (Exception) does not (the oracle's would: TemplateOracle).
        catch (Exception e) when (e is not CoroutineExitException && e.Message is var m && m.Length > 5 && e is not InvalidOperationException { Message: "skip" })
        {
            int got = await co.Yield(m.Length);
            log.Add(m + got);
            return m;
        }
    }

    [Coroutine]
    public static async Coroutine<string> StructLocalsAcrossYields(List<string> log, Yielder<int, int> co)
    {
        var t = new Tally();
        Tally copy = t;
        t.Add(await co.Yield(1));
        copy.Add(100);
        var pairs = new[] { new Tally(), new Tally() };
        int i = 0;
        pairs[i++].Add(await co.Yield(2));
        pairs[i].Inner.Bump();
        (int, Tally) tuple = (1, t);
        tuple.Item2.Add(await co.Yield(3));
        tuple.Item2.Inner.Value += await co.Yield(4);
        return $"{t.Total}/{t.Calls};{copy.Total};{pairs[0].Total},{pairs[1].Inner.Value};{tuple.Item2.Total},{tuple.Item2.Inner.Value};{i}";
    }

    [Coroutine]
    public static async Coroutine<string> GenericLocalFunctions(List<string> log, Yielder<int, int> co)
    {
        var items = new List<string> { "a" };
        int counter = 0;
        T Remember<T>(T value)
        {
            counter++;
            log.Add("remember " + value + " " + items.Count);
            return value;
        }

        string s = Remember("x") + await co.Yield(Remember(counter));
        items.Add(s);
        counter += await co.Yield(counter);
        return Remember(s) + counter + items.Count;
    }

    [Coroutine]
    public static async Coroutine<string> CheckedConversionsAcrossYield(List<string> log, Yielder<int, int> co)
    {
        long big = L(log, "big", 200L);
        byte b = unchecked((byte)(big + await co.Yield(1)));
        int narrowed = checked((int)(big * await co.Yield(2)));
        short s = checked((short)(await co.Yield(3) + big));
        return b + "," + narrowed + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> DefaultAndNameofArguments(List<string> log, Yielder<int, int> co)
    {
        int first = await co.Yield(default);
        string n = nameof(first) + nameof(co) + nameof(DefaultAndNameofArguments);
        (int, string) t = default;
        t.Item1 = await co.Yield(t.Item1 + n.Length);
        Func<string> names = () => nameof(co) + nameof(first) + nameof(t.Item2);
        {
            int step = await co.Yield(n.Length); // a step local (no suspension after it in its block): a local of Resume
            n += nameof(step) + step;
        }

        return n + "," + first + "," + t.Item1 + "," + (t.Item2 ?? "null") + "," + names();
    }

    [Coroutine]
    public static async Coroutine<string> Word(int n, Yielder<int, int> co) => new string('w', n + await co.Yield(n));

    [Coroutine]
    public static async Coroutine<T> Echo<T>(T value, int depth, Yielder<int, int> co)
    {
        if (depth == 0)
        {
            await co.Yield(-depth);
            return value;
        }

        await co.Yield(depth);
        return await Echo(value, depth - 1, co);
    }

    [Coroutine]
    public static async Coroutine<string> GenericRecursion(List<string> log, Yielder<int, int> co)
    {
        string s = await Echo(L(log, "v", "deep"), 3, co);
        int n = await Echo(await co.Yield(7), 2, co);
        return s + n;
    }

    public static IEnumerable<int> LoggedIterator(List<string> log, string name)
    {
        try
        {
            for (int i = 1; i <= 3; i++)
            {
                log.Add(name + " yields " + i);
                yield return i;
            }
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    [Coroutine]
    public static async Coroutine<string> IndexFromEndBeforeSuspension(List<string> log, Yielder<int, int> co)
    {
        var list = new List<int> { 1, 2, 3 };
        list[^1] += await co.Yield(Grow(list)); // the index is counted before the list grows
        int read = list[^2] + await co.Yield(Grow(list));
        list[^1] = await co.Yield(Grow(list));
        (list[^2], list[^1]) = (await co.Yield(Grow(list)), -7);
        int[] arr = { 1, 2, 3, 4 };
        int[] slice = arr[1..^1];
        arr[^1] = await co.Yield(arr[^2]);
        string s = "abc";
        char c = s[^1];
        s += await co.Yield(c);
        return string.Join(",", list) + ";" + read + ";" + string.Join(",", arr) + ";" + string.Join(",", slice) + ";" + s;
    }

    [Coroutine]
    public static async Coroutine<string> InterpolatedStringBuilder(List<string> log, Yielder<int, int> co)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"[{L(log, "a", 1)}|{await co.Yield(2)}]");
        sb.AppendLine($"{await co.Yield(3),3}");
        return sb.ToString().Replace(Environment.NewLine, "/");
    }

    [Coroutine]
    public static async Coroutine<(int, int)> PairOf(int a, Yielder<int, int> co) => (a, await co.Yield(a));

    [Coroutine]
    public static async Coroutine<string> DeconstructDelegationResult(List<string> log, Yielder<int, int> co)
    {
        var (a, b) = await PairOf(L(log, "a", 1), co);
        (_, var c) = (await co.Yield(a), L(log, "c", 3));
        (int d, _) = await PairOf(b + c, co);
        return $"{a},{b},{c},{d}";
    }

    [Coroutine]
    public static async Coroutine<string> ClosureModifiesParameterWhileSuspended(List<string> log, int p, Yielder<int, int> co)
    {
        Func<int> bump = () => p += 10;
        int r = p + await co.Yield(bump()); // the old p (before the bump) is the left operand
        p *= await co.Yield(p);
        int Sum(int k) => k + p;
        return r + "," + p + "," + Sum(await co.Yield(bump()));
    }

    [Coroutine]
    public static async Coroutine<string> GotoCaseOutOfUsingBlocks(List<string> log, Yielder<int, int> co)
    {
        int k = await co.Yield(0) % 3;
        int rounds = 0;
        switch (k)
        {
            case 0:
                {
                    using var r = new Res(log, "zero");
                    await co.Yield(10);
                    if (rounds++ < 2)
                    {
                        goto case 1;
                    }

                    break;
                }

            case 1:
                {
                    using (new Res(log, "one"))
                    {
                        if (await co.Yield(11) > 0)
                        {
                            goto case 2;
                        }
                    }

                    goto default;
                }

            case 2:
                try
                {
                    await co.Yield(12);
                    goto case 0;
                }
                finally
                {
                    log.Add("finally two");
                }

            default:
                log.Add("default");
                break;
        }

        return k + "," + rounds;
    }

    [Coroutine]
    public static async Coroutine<string> CallerInfoArguments(List<string> log, Yielder<int, int> co)
    {
        int x = await co.Yield(1);
        string member = Who();
        string expression = What(x > 0 && log.Count >= 0);
        Func<string> inLambda = () => Who() + What(x + 1);
        string afterYield = Who() + await co.Yield(2) + What(await co.Yield(x));
        string file = System.IO.Path.GetFileName(Where()) + System.IO.Path.GetFileName(new PathProbe(await co.Yield(3)).Path);
        PathProbe probe = new(await co.Yield(4));
        file += System.IO.Path.GetFileName(probe.Path);
        return $"{member};{expression};{inLambda()};{afterYield};{file};{Line() > 0}";
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessReceiverReassigned(List<string> log, Yielder<int, int> co)
    {
        Action<int> handler = v => log.Add("first " + v);
        int? n = L(log, "n", 5);
        handler?.Invoke(await co.Yield(Swap(ref handler, v => log.Add("second " + v))));
        int? cmp = n?.CompareTo(await co.Yield(Swap(ref n, null)));
        string text = "abc";
        int? len = text?.Substring(await co.Yield(Swap(ref text, null))).Length;
        return $"{cmp},{n?.ToString() ?? "null"},{len}";
    }

    // ---- Helpers ----

    public static T L<T>(List<string> log, string tag, T value)
    {
        log.Add(tag + ":" + (value is IEnumerable e && value is not string ? string.Join("|", e.Cast<object>()) : value));
        return value;
    }

    public static int Swap<TValue>(ref TValue variable, TValue value)
    {
        variable = value;
        return 1;
    }

    public static string Who([System.Runtime.CompilerServices.CallerMemberName] string name = "") => name;

    public static string What(object value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string expression = "") => expression + "=" + value;

    public static string Where([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    public static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    public static IEnumerable<int> Items(List<string> log)
    {
        log.Add("items");
        yield return 10;
        yield return 11;
    }

    public static int Grow(List<int> list)
    {
        list.Add(list.Count * 10);
        return list.Count;
    }

    public static LoggingArray Grid(List<string> log)
    {
        log.Add("grid");
        return new LoggingArray(log);
    }

    public static string Opt(int a = -1, int b = -2, int c = -3) => $"{a}/{b}/{c}";

    public static string Both(bool ok, int value) => ok + ":" + value;

    public static bool Split(int value, out int half)
    {
        half = value / 2;
        return value % 2 == 0;
    }
}

public readonly record struct Pt(int X, int Y);

public sealed class PathProbe
{
    public PathProbe(int value, [System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path = value + path;

    public string Path { get; }
}

public struct InnerTally
{
    public int Value;

    public void Bump() => Value += 1000;
}

public struct Tally
{
    public int Total;
    public int Calls;
    public InnerTally Inner;

    public void Add(int v)
    {
        Total += v;
        Calls++;
    }
}

public interface IBump
{
    int Value { get; }

    void Bump();
}

public struct BumpStruct : IBump
{
    public int Value { get; private set; }

    public void Bump() => Value++;
}

public sealed class Sink
{
    private readonly List<string> log;

    public Sink(List<string> log)
    {
        this.log = log;
        Inner = new Doubler(log);
    }

    public Doubler Inner { get; }

    public void Take(int a, int b) => log.Add($"Take({a},{b})");
}

public sealed class Doubler
{
    private readonly List<string> log;

    public Doubler(List<string> log) => this.log = log;

    public int Twice(int v)
    {
        log.Add("Twice " + v);
        return v * 2;
    }
}

public sealed class Node
{
    private readonly List<string> log;

    public Node(List<string> log)
    {
        this.log = log;
        log.Add("new Node");
        Child = new ChildNode(log);
    }

    public string Name { get; set; }

    public ChildNode Child { get; }

    public Dictionary<int, int> Numbers { get; } = new();

    public override string ToString() => $"{Name}:{Child.Value}:{string.Join("|", Child.Tags)}:{string.Join("|", Numbers.Select(kv => kv.Key + "=" + kv.Value))}";
}

public sealed class ChildNode
{
    private readonly List<string> log;
    private int value;

    public ChildNode(List<string> log) => this.log = log;

    public int Value
    {
        get => value;
        set
        {
            log.Add("set Value=" + value);
            this.value = value;
        }
    }

    public List<string> Tags { get; } = new();
}

public sealed class LoggingArray
{
    private readonly List<string> log;
    private readonly int[] cells = { 1, 2, 3, 4, 5, 6 };

    public LoggingArray(List<string> log) => this.log = log;

    public int this[int i]
    {
        get
        {
            log.Add("get[" + i + "]");
            return cells[i];
        }
        set => log.Add("set[" + i + "]=" + value);
    }
}

public sealed class Member
{
    public Member(int id) => Id = id;

    public int Id { get; }

    public required string Name { get; init; }

    public int Age { get; init; }

    public override string ToString() => $"{Id}:{Name}:{Age}";
}

public readonly record struct InitPoint(int X, int Y)
{
    public InitPoint()
        : this(0, 0)
    {
    }
}

// Its constructor logs, to show when it runs.
public sealed class LoggedInit
{
    public LoggedInit(List<string> log) => log.Add("constructor");

    public int Value { get; init; }
}

public sealed class Res : IDisposable
{
    private readonly List<string> log;
    private readonly string name;

    public Res(List<string> log, string name)
    {
        this.log = log;
        this.name = name;
        log.Add("open " + name);
    }

    public void Dispose() => log.Add("dispose " + name);
}

public struct StructRes : IDisposable
{
    private readonly List<string> log;
    private int touches;

    public StructRes(List<string> log)
    {
        this.log = log;
        touches = 0;
    }

    public void Touch() => touches++;

    public void Dispose() => log.Add("dispose struct, touches " + touches);
}

// A pattern-based struct enumerator (no interfaces) with a Dispose: foreach must call MoveNext on the one hoisted copy.
public readonly struct Countdown
{
    private readonly List<string> log;
    private readonly int from;

    public Countdown(List<string> log, int from)
    {
        this.log = log;
        this.from = from;
    }

    public Enumerator GetEnumerator() => new Enumerator(log, from);

    public struct Enumerator : IDisposable
    {
        private readonly List<string> log;
        private int current;

        public Enumerator(List<string> log, int from)
        {
            this.log = log;
            current = from + 1;
        }

        public int Current => current;

        public bool MoveNext()
        {
            current--;
            log.Add("MoveNext " + current);
            return current > 0;
        }

        public void Dispose() => log.Add("dispose countdown at " + current);
    }
}

// Instance templates reading and writing this' fields and calling base, in a generic nested type.
public partial class ConstructOuter<TOuter>
{
    public partial class Host<TInner> : HostBase
        where TInner : IComparable<TInner>
    {
        private readonly List<string> log;
        private int count;
        private TInner best;

        public Host(List<string> log, TInner start)
        {
            this.log = log;
            best = start;
        }

        [Coroutine]
        public async Coroutine<string> Track(TOuter tag, TInner[] candidates, Yielder<int, int> co)
        {
            foreach (TInner c in candidates)
            {
                count += await co.Yield(count);
                if (c.CompareTo(best) > 0)
                {
                    best = c;
                }

                log.Add(base.Describe(c?.ToString() ?? "null") + "/" + Label);
            }

            log.Add(base.Describe(ConstructTemplates.L(log, "arg", "x") + await co.Yield(-5)));
            TInner local = best;
            this.count *= await co.Yield(count);
            return $"{tag},{local},{count},{base.Describe("end")}";
        }
    }
}

public class HostBase
{
    public virtual string Describe(string s) => "base:" + s;

    public string Label => "label";
}

// An instance template in a struct: the coroutine works on a copy of 'this', as an async method of a struct does.
public partial struct ConstructCounterStruct
{
    public int Count;
    public string Name;

    [Coroutine]
    public async Coroutine<string> Run(List<string> log, int depth, Yielder<int, int> co)
    {
        Count += await co.Yield(Count);
        Name ??= "n" + await co.Yield(depth);
        Bump();
        string inner = depth > 0 ? await Run(log, depth - 1, co) : "";
        log.Add(Name + Count);
        return $"{Name}:{Count}[{inner}]";
    }

    private void Bump() => Count += 100;
}
