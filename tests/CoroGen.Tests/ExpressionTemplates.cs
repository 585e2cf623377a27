#nullable disable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

// Suspension points inside expressions (REWRITE-DESIGN 6.7, section 7 cases 15 to 26). Every template logs its side effects
// through L(...) so that the order C# evaluates them in shows in the trace; ExpressionTests runs each one against the oracle.
public static partial class ExpressionTemplates
{
    // ---- Arguments (case 20) ----

    [Coroutine]
    public static async Coroutine<string> ArgumentSecond(List<string> log, Yielder<int, int> co) =>
        Args(L(log, "a", 1), await co.Yield(2), L(log, "c", 3));

    [Coroutine]
    public static async Coroutine<string> ArgumentFirst(List<string> log, Yielder<int, int> co)
    {
        return Args(await co.Yield(1), L(log, "b", 2), L(log, "c", 3));
    }

    [Coroutine]
    public static async Coroutine<string> ArgumentLast(List<string> log, Yielder<int, int> co)
    {
        return Args(L(log, "a", 1), L(log, "b", 2), await co.Yield(3));
    }

    [Coroutine]
    public static async Coroutine<string> ArgumentsTwoYields(List<string> log, Yielder<int, int> co)
    {
        return Args(L(log, "a", 1), await co.Yield(2), await co.Yield(3));
    }

    [Coroutine]
    public static async Coroutine<string> NamedArgumentsPermuted(List<string> log, Yielder<int, int> co)
    {
        return Named(third: L(log, "c", 3), first: await co.Yield(1), second: L(log, "b", 2));
    }

    [Coroutine]
    public static async Coroutine<string> ParamsArguments(List<string> log, Yielder<int, int> co)
    {
        int total = Sum(L(log, "a", 1), await co.Yield(2), L(log, "c", 3), await co.Yield(4));
        return total.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> NestedCalls(List<string> log, Yielder<int, int> co)
    {
        return Args(Add(L(log, "a", 1), await co.Yield(2)), L(log, "c", 3), Add(await co.Yield(4), L(log, "e", 5)));
    }

    [Coroutine]
    public static async Coroutine<string> StaticCall(List<string> log, Yielder<int, int> co)
    {
        return Math.Max(L(log, "a", 1), await co.Yield(2)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> GenericCall(List<string> log, Yielder<int, int> co)
    {
        return Pair(L(log, "a", "x"), await co.Yield(2));
    }

    [Coroutine]
    public static async Coroutine<string> LambdaArgument(List<string> log, Yielder<int, int> co)
    {
        return Apply(v => v * 2 + L(log, "in lambda", 0), await co.Yield(3)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> MethodGroupArgument(List<string> log, Yielder<int, int> co)
    {
        return Apply(Double, await co.Yield(3)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> RefArgument(List<string> log, Yielder<int, int> co)
    {
        int x = L(log, "x", 1);
        Increment(ref x, await co.Yield(2));
        return x.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> OutArgument(List<string> log, Yielder<int, int> co)
    {
        Split(out int half, await co.Yield(9));
        return half.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> StatementCall(List<string> log, Yielder<int, int> co)
    {
        log.Add("sent " + await co.Yield(1));
        log.Add(L(log, "first", "f") + await co.Yield(2));
        return "done";
    }

    // ---- Receivers (cases 18, 19, 21) ----

    [Coroutine]
    public static async Coroutine<string> DelegateReassigned(List<string> log, Yielder<int, int> co)
    {
        Func<int, int> f = x => x + 1;
        int r = f(await co.Yield(Swap(ref f, x => x * 100)));
        return r + "," + f(1);
    }

    [Coroutine]
    public static async Coroutine<string> ReceiverReassigned(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "one");
        int r = b.Echo(await co.Yield(Swap(ref b, new Box(log, "two"))));
        return r + "," + b.Name;
    }

    [Coroutine]
    public static async Coroutine<string> ExtensionReceiver(List<string> log, Yielder<int, int> co)
    {
        string s = "ab";
        return s.Times(await co.Yield(Swap(ref s, "zz")));
    }

    [Coroutine]
    public static async Coroutine<string> StructReceiver(List<string> log, Yielder<int, int> co)
    {
        Counter c = new Counter();
        c.Add(await co.Yield(1));
        c.Add(L(log, "k", 10) + await co.Yield(2));
        return c.N.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> StructFieldReceiver(List<string> log, Yielder<int, int> co)
    {
        Holder h = new Holder();
        h.Inner.Add(await co.Yield(3));
        h.Inner.Add(await co.Yield(4));
        return h.Inner.N.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> StructArrayElementField(List<string> log, Yielder<int, int> co)
    {
        Point[] arr = new Point[2];
        Point[] original = arr;
        int i = 1;
        arr[i].X = await co.Yield(Swap(ref arr, new Point[3]));
        return original[1].X + "," + arr.Length + "," + arr[1].X;
    }

    [Coroutine]
    public static async Coroutine<string> StructArrayBadIndex(List<string> log, Yielder<int, int> co)
    {
        Point[] arr = new Point[1];
        int i = L(log, "i", 5);
        arr[i].X = await co.Yield(1);
        return "unreachable";
    }

    [Coroutine]
    public static async Coroutine<string> StructArrayElementMethod(List<string> log, Yielder<int, int> co)
    {
        Counter[] counters = new Counter[2];
        int i = 0;
        counters[i].Add(await co.Yield(Swap(ref i, 1) + 5));
        return counters[0].N + "," + counters[1].N;
    }

    [Coroutine]
    public static async Coroutine<string> IndexerReceiver(List<string> log, Yielder<int, int> co)
    {
        int[] a = { 10, 20 };
        int r = a[await co.Yield(1) & 1];
        Grid g = new Grid(log);
        int s = g[L(log, "row", 1), await co.Yield(2)];
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalElementAccess(List<string> log, Yielder<int, int> co)
    {
        int[] none = null;
        int? r = none?[await co.Yield(1)];
        int[] some = { 7, 8 };
        int? s = some?[await co.Yield(2) & 1];
        return (r?.ToString() ?? "null") + "," + s;
    }

    // ---- Operators (case 15) ----

    [Coroutine]
    public static async Coroutine<string> LeftOperandKept(List<string> log, Yielder<int, int> co)
    {
        int x = 1;
        int r = x + await co.Yield(Swap(ref x, 5));
        return r + "," + x;
    }

    // The driver runs the yielded closure while the coroutine is suspended (case 15).
    [Coroutine]
    public static async Coroutine<string> ClosureMutatesOperand(Yielder<Action, int> co)
    {
        int x = 1;
        int r = x + await co.Yield(() => x = 100);
        return r + "," + x;
    }

    // The driver runs the yielded closure while the coroutine is suspended (case 16).
    [Coroutine]
    public static async Coroutine<string> ClosureMutatesIndex(Yielder<Action, int> co)
    {
        int[] a = { 1, 2, 3 };
        int i = 0;
        a[i] += await co.Yield(() => { i = 2; a[0] = 99; });
        return string.Join(",", a) + ";" + i;
    }

    [Coroutine]
    public static async Coroutine<string> BinaryChain(List<string> log, Yielder<int, int> co)
    {
        return (L(log, "a", 1) * 10 + await co.Yield(L(log, "b", 2)) - L(log, "c", 3)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> StringConcat(List<string> log, Yielder<int, int> co)
    {
        return "a" + L(log, "b", "b") + await co.Yield(1) + L(log, "d", "d");
    }

    [Coroutine]
    public static async Coroutine<string> UserDefinedOperator(List<string> log, Yielder<int, int> co)
    {
        Money m = new Money(log, L(log, "left", 1)) + new Money(log, await co.Yield(2));
        return m.Amount.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> UnaryAndCasts(List<string> log, Yielder<int, int> co)
    {
        int r = -(int)(long)await co.Yield(3);
        bool b = !(await co.Yield(4) > 0);
        return r + "," + b;
    }

    [Coroutine]
    public static async Coroutine<string> IncrementWithSuspendedIndex(List<string> log, Yielder<int, int> co)
    {
        int[] a = { 1, 2, 3 };
        a[await co.Yield(1) % 3]++;
        --a[L(log, "i", 2) + await co.Yield(0) % 1];
        return string.Join(",", a);
    }

    [Coroutine]
    public static async Coroutine<string> IsPattern(List<string> log, Yielder<int, int> co)
    {
        bool r = await co.Yield(1) is 0 or > 5;
        object o = L<object>(log, "o", "s");
        bool s = o is string && await co.Yield(2) == 0;
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> ComparisonInIf(List<string> log, Yielder<int, int> co)
    {
        if (L(log, "a", 3) < await co.Yield(1))
        {
            log.Add("then");
        }
        else
        {
            log.Add("else");
        }

        return "end";
    }

    // ---- Short circuits (cases 22, 23) ----

    [Coroutine]
    public static async Coroutine<string> AndNotTaken(List<string> log, Yielder<int, int> co)
    {
        bool r = L(log, "f", false) && await co.Yield(1) > 0;
        await co.Yield(99);
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> OrNotTaken(List<string> log, Yielder<int, int> co)
    {
        bool r = L(log, "t", true) || await co.Yield(1) > 0;
        await co.Yield(99);
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> AndTaken(List<string> log, Yielder<int, int> co)
    {
        bool r = L(log, "t", true) && await co.Yield(1) >= 0;
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> OrTaken(List<string> log, Yielder<int, int> co)
    {
        bool r = L(log, "f", false) || await co.Yield(1) == 0;
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> OrInIf(List<string> log, Yielder<int, int> co)
    {
        if (L(log, "a", false) || await co.Yield(1) == 0)
        {
            log.Add("yes");
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceNotTaken(List<string> log, Yielder<int, int> co)
    {
        string s = L(log, "s", "x");
        string r = s ?? (await co.Yield(1)).ToString();
        await co.Yield(99);
        return r;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceTaken(List<string> log, Yielder<int, int> co)
    {
        string s = L<string>(log, "s", null);
        return s ?? (await co.Yield(1)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceNullable(List<string> log, Yielder<int, int> co)
    {
        int? n = null;
        int r = n ?? await co.Yield(5);
        int? m = 3;
        int r2 = m ?? await co.Yield(6);
        return r + "," + r2;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceChain(List<string> log, Yielder<int, int> co)
    {
        string a = null, b = L<string>(log, "b", null);
        return a ?? b ?? "d" + await co.Yield(1);
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessNull(List<string> log, Yielder<int, int> co)
    {
        Box b = null;
        int? r = b?.Echo(await co.Yield(1));
        await co.Yield(99);
        return r?.ToString() ?? "null";
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessTaken(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        int? r = b?.Echo(await co.Yield(1));
        return r?.ToString() ?? "null";
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessStatement(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        b?.Note(await co.Yield(1));
        Box none = null;
        none?.Note(await co.Yield(2));
        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalAccessChain(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        int? r = b?.Self(L(log, "a", 1)).Echo(await co.Yield(2));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceAssignNull(List<string> log, Yielder<int, int> co)
    {
        string s = null;
        s ??= "v" + await co.Yield(1);
        return s;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceAssignNotNull(List<string> log, Yielder<int, int> co)
    {
        string s = "x";
        s ??= "v" + await co.Yield(1);
        await co.Yield(99);
        return s;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceAssignValue(List<string> log, Yielder<int, int> co)
    {
        string s = null;
        string r = (s ??= "v" + await co.Yield(1)) + "!";
        return r + s;
    }

    [Coroutine]
    public static async Coroutine<string> CoalesceAssignProperty(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        b.Text ??= "t" + await co.Yield(1);
        b.Text ??= "u" + await co.Yield(2);
        return b.Text;
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalBothBranches(List<string> log, Yielder<int, int> co)
    {
        bool c = L(log, "c", true);
        int r = c ? await co.Yield(1) : await co.Yield(2);
        int s = !c ? await co.Yield(3) : await co.Yield(4);
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalInArgument(List<string> log, Yielder<int, int> co)
    {
        return Args(L(log, "a", 1), L(log, "c", false) ? 7 : await co.Yield(2), L(log, "d", 3));
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalNested(List<string> log, Yielder<int, int> co)
    {
        int r = await co.Yield(1) >= 0 ? (await co.Yield(2) > 0 ? 1 : 2) : 3;
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ConditionalCondition(List<string> log, Yielder<int, int> co)
    {
        return (await co.Yield(1) == 0 ? L(log, "zero", "z") : L(log, "other", "o")) + "!";
    }

    // ---- Assignments (cases 16, 17, 19) ----

    [Coroutine]
    public static async Coroutine<string> CompoundLocal(List<string> log, Yielder<int, int> co)
    {
        int x = 10;
        x += await co.Yield(Swap(ref x, 1));
        return x.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CompoundProperty(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        b.P = 5;
        b.P += await co.Yield(1);
        b.P *= L(log, "k", 2) + await co.Yield(2);
        return b.P.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CompoundArrayElement(List<string> log, Yielder<int, int> co)
    {
        int[] a = { 1, 2, 3 };
        int i = 0;
        a[i] += await co.Yield(Swap(ref i, 2) + Swap(ref a[0], 50));
        return string.Join(",", a) + ";" + i;
    }

    [Coroutine]
    public static async Coroutine<string> CompoundIndexer(List<string> log, Yielder<int, int> co)
    {
        Grid g = new Grid(log);
        g[L(log, "row", 1), 2] += await co.Yield(1);
        return g.Last.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CompoundString(List<string> log, Yielder<int, int> co)
    {
        string s = "a";
        s += await co.Yield(1);
        s += L(log, "x", "x") + await co.Yield(2);
        return s;
    }

    [Coroutine]
    public static async Coroutine<string> CompoundNarrowing(List<string> log, Yielder<int, int> co)
    {
        byte b = 250;
        b += (byte)(await co.Yield(1) + 10);
        short s = 1;
        s <<= await co.Yield(2);
        return b + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> CompoundAsValue(List<string> log, Yielder<int, int> co)
    {
        int x = 1;
        int y = (x += await co.Yield(1)) * 10;
        return x + "," + y;
    }

    [Coroutine]
    public static async Coroutine<string> AssignArrayElement(List<string> log, Yielder<int, int> co)
    {
        int[] a = new int[3];
        int i = 1;
        a[i] = await co.Yield(Swap(ref i, 2) + 7);
        return string.Join(",", a);
    }

    [Coroutine]
    public static async Coroutine<string> AssignFieldOfReassignedReceiver(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "one");
        Box first = b;
        b.Q = await co.Yield(Swap(ref b, new Box(log, "two")));
        return first.Q + "," + b.Q;
    }

    [Coroutine]
    public static async Coroutine<string> AssignmentAsValue(List<string> log, Yielder<int, int> co)
    {
        int x;
        int y = (x = await co.Yield(1)) + 1;
        return x + "," + y;
    }

    [Coroutine]
    public static async Coroutine<string> TupleDeconstruction(List<string> log, Yielder<int, int> co)
    {
        int x, y;
        (x, y) = (await co.Yield(1), L(log, "y", 2) + await co.Yield(3));
        var (p, q) = (L(log, "p", 4), await co.Yield(5));
        return x + "," + y + "," + p + "," + q;
    }

    // ---- Checked arithmetic (case 24) ----

    [Coroutine]
    public static async Coroutine<string> CheckedAddition(List<string> log, Yielder<int, int> co)
    {
        int r = checked(int.MaxValue + await co.Yield(1));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> UncheckedAddition(List<string> log, Yielder<int, int> co)
    {
        int r = unchecked(int.MaxValue + await co.Yield(1));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CheckedSpilledLeft(List<string> log, Yielder<int, int> co)
    {
        int r = checked(L(log, "a", int.MaxValue - 1) + L(log, "b", 2) + await co.Yield(0));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CheckedAssignment(List<string> log, Yielder<int, int> co)
    {
        int x = int.MaxValue - 5;
        x = checked(x + await co.Yield(1) * 3);
        return x.ToString();
    }

    // ---- Initializers, tuples, strings (cases 25, 26) ----

    [Coroutine]
    public static async Coroutine<string> ObjectInitializer(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, L(log, "name", "n")) { P = L(log, "p", 1), Q = await co.Yield(2), Text = "t" + L(log, "t", 3) };
        return b.P + "," + b.Q + "," + b.Text;
    }

    [Coroutine]
    public static async Coroutine<string> CollectionInitializer(List<string> log, Yielder<int, int> co)
    {
        var list = new LoggingList(log) { L(log, "a", 1), await co.Yield(2), L(log, "c", 3) };
        return string.Join(",", list);
    }

    [Coroutine]
    public static async Coroutine<string> DictionaryIndexInitializer(List<string> log, Yielder<int, int> co)
    {
        var d = new Dictionary<int, int> { [L(log, "k", 1)] = await co.Yield(2), [3] = L(log, "v", 4) };
        return string.Join(",", d.Select(p => p.Key + "=" + p.Value));
    }

    [Coroutine]
    public static async Coroutine<string> DictionaryAddInitializer(List<string> log, Yielder<int, int> co)
    {
        var d = new Dictionary<int, int> { { L(log, "k", 1), await co.Yield(2) }, { 3, 4 } };
        return string.Join(",", d.Select(p => p.Key + "=" + p.Value));
    }

    [Coroutine]
    public static async Coroutine<string> NestedCollectionInitializer(List<string> log, Yielder<int, int> co)
    {
        var bag = new Bag(log) { Items = { L(log, "a", 1), await co.Yield(2) }, Label = "l" };
        return string.Join(",", bag.Items) + bag.Label;
    }

    [Coroutine]
    public static async Coroutine<string> TargetTypedNew(List<string> log, Yielder<int, int> co)
    {
        Box b = new(log, "tt") { Q = await co.Yield(1) };
        return b.Name + b.Q;
    }

    [Coroutine]
    public static async Coroutine<string> ArrayCreation(List<string> log, Yielder<int, int> co)
    {
        int[] a = new[] { L(log, "a", 1), await co.Yield(2), L(log, "c", 3) };
        int[] b = { L(log, "d", 4), await co.Yield(5) };
        return string.Join(",", a) + ";" + string.Join(",", b);
    }

    [Coroutine]
    public static async Coroutine<string> ArraySize(List<string> log, Yielder<int, int> co)
    {
        int[] a = new int[(await co.Yield(2) & 3) + 1];
        return a.Length.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> RectangularArray(List<string> log, Yielder<int, int> co)
    {
        int[,] a = new int[,] { { L(log, "a", 1), await co.Yield(2) }, { L(log, "c", 3), 4 } };
        return a[0, 0] + "," + a[0, 1] + "," + a[1, 0] + "," + a[1, 1];
    }

    [Coroutine]
    public static async Coroutine<string> CollectionExpression(List<string> log, Yielder<int, int> co)
    {
        List<int> l = [L(log, "a", 1), await co.Yield(2), .. new[] { L(log, "c", 3) }];
        return string.Join(",", l);
    }

    [Coroutine]
    public static async Coroutine<string> TupleLiteral(List<string> log, Yielder<int, int> co)
    {
        (int, int, int) t = (L(log, "a", 1), await co.Yield(2), L(log, "c", 3));
        return t.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> AnonymousObject(List<string> log, Yielder<int, int> co)
    {
        return new { A = L(log, "a", 1), B = await co.Yield(2) }.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> WithExpression(List<string> log, Yielder<int, int> co)
    {
        Rec r = new Rec(1, 2) with { B = await co.Yield(5) };
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> InterpolatedHoles(List<string> log, Yielder<int, int> co)
    {
        return $"{L(log, "a", 1)}-{await co.Yield(2)}-{L(log, "c", 3)}";
    }

    [Coroutine]
    public static async Coroutine<string> InterpolatedFormat(List<string> log, Yielder<int, int> co)
    {
        return $"[{L(log, "a", 1.5):F2}|{await co.Yield(2),4}|{L(log, "c", 3),-3}]";
    }

    [Coroutine]
    public static async Coroutine<string> RangeOperands(List<string> log, Yielder<int, int> co)
    {
        int[] a = { 1, 2, 3, 4 };
        int[] s = a[L(log, "s", 1)..((await co.Yield(3) & 1) + 2)];
        return string.Join(",", s);
    }

    // ---- Switch expressions and throw expressions ----

    [Coroutine]
    public static async Coroutine<string> SwitchGoverning(List<string> log, Yielder<int, int> co)
    {
        return await co.Yield(1) switch { 0 => "zero", 1 => "one", _ => "many" };
    }

    [Coroutine]
    public static async Coroutine<string> SwitchArm(List<string> log, Yielder<int, int> co)
    {
        int k = L(log, "k", 2);
        int r = k switch { 1 => 10, 2 => await co.Yield(20) + 1, _ => await co.Yield(30) };
        int s = L(log, "k2", 3) switch { 1 => 10, 2 => await co.Yield(20) + 1, _ => await co.Yield(30) };
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> SwitchArmPatternVariable(List<string> log, Yielder<int, int> co)
    {
        object o = L<object>(log, "o", 5);
        string r = o switch { int n when n > 3 => "big" + await co.Yield(n), int n => "small" + n, _ => "other" };
        return r;
    }

    [Coroutine]
    public static async Coroutine<string> SwitchArmThrow(List<string> log, Yielder<int, int> co)
    {
        int k = L(log, "k", 2);
        int r = k switch { 1 => await co.Yield(1), _ => throw new ArgumentException("bad" + await co.Yield(2)) };
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> SwitchNoMatch(List<string> log, Yielder<int, int> co)
    {
        int k = L(log, "k", 7);
        int r = k switch { 1 => await co.Yield(1), 2 => 2 };
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ThrowStatement(List<string> log, Yielder<int, int> co)
    {
        await co.Yield(0);
        throw new FormatException(L(log, "a", "m") + await co.Yield(1));
    }

    [Coroutine]
    public static async Coroutine<string> ThrowInCoalesce(List<string> log, Yielder<int, int> co)
    {
        string s = L<string>(log, "s", null);
        return s ?? throw new FormatException("t" + await co.Yield(1));
    }

    [Coroutine]
    public static async Coroutine<string> ThrowInConditional(List<string> log, Yielder<int, int> co)
    {
        int v = await co.Yield(1);
        return v >= 0 ? "ok" + await co.Yield(2) : throw new ArgumentException("neg" + await co.Yield(3));
    }

    // ---- Nested suspensions and delegation ----

    [Coroutine]
    public static async Coroutine<string> AwaitInYieldArgument(List<string> log, Yielder<int, int> co)
    {
        int r = await co.Yield(await co.Yield(1) + 10);
        int s = await co.Yield(L(log, "a", 1) + await co.Yield(2));
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<int> Sub(int k, Yielder<int, int> co)
    {
        int s = await co.Yield(k * 10);
        return s + k;
    }

    [Coroutine]
    public static async Coroutine<int> Sub2(List<string> log, int a, int b, Yielder<int, int> co)
    {
        log.Add($"sub2 {a} {b}");
        return a + b + await co.Yield(a * 100 + b);
    }

    [Coroutine]
    public static async Coroutine<string> DelegationWithSuspendedArgument(List<string> log, Yielder<int, int> co)
    {
        int r = await Sub(await co.Yield(1), co);
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> DelegationWithEarlierArgument(List<string> log, Yielder<int, int> co)
    {
        int r = await Sub2(log, L(log, "a", 1), await co.Yield(2), co);
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> DelegationInOperand(List<string> log, Yielder<int, int> co)
    {
        int r = L(log, "a", 1) + await Sub(2, co) * 2;
        return r.ToString();
    }

    // The same body twice: the factory form (`Sub(2)`), which binds only once the factories exist, and the form passing `co`,
    // which the oracle runs; the test compares them. A method call around the delegation (co.Yield, Args) does not bind while
    // generating, yet its receiver is still evaluated before the delegation, as C# does.
    [Coroutine]
    public static async Coroutine<string> FactoryDelegationInYieldArgument(List<string> log, Yielder<int, int> co)
    {
        int r = await co.Yield(await Sub(2));
        await co.Yield(L(log, "a", 1) + await Sub(3));
        log.Add(Args(L(log, "b", 2), await Sub2(log, 3, 4), 9));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> CoDelegationInYieldArgument(List<string> log, Yielder<int, int> co)
    {
        int r = await co.Yield(await Sub(2, co));
        await co.Yield(L(log, "a", 1) + await Sub(3, co));
        log.Add(Args(L(log, "b", 2), await Sub2(log, 3, 4, co), 9));
        return r.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> DelegationInArgument(List<string> log, Yielder<int, int> co)
    {
        return Args(L(log, "a", 1), await Sub(2, co), await Sub2(log, 3, 4, co));
    }

    // ---- Statements whose expressions suspend ----

    [Coroutine]
    public static async Coroutine<string> WhileCondition(List<string> log, Yielder<int, int> co)
    {
        int n = 0;
        while (await co.Yield(n) < 3 && n < 5)
        {
            n++;
        }

        return n.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> WhileAndCondition(List<string> log, Yielder<int, int> co)
    {
        int i = 0;
        while (i < 3 && await co.Yield(i) >= 0)
        {
            i++;
        }

        return i.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> DoCondition(List<string> log, Yielder<int, int> co)
    {
        int n = 0;
        do
        {
            n++;
        }
        while (n + await co.Yield(n) < 4);
        return n.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ForHeader(List<string> log, Yielder<int, int> co)
    {
        for (int i = await co.Yield(100); i < await co.Yield(i) + 3; i += 1 + await co.Yield(-i))
        {
            log.Add("i" + i);
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> ForeachCollection(List<string> log, Yielder<int, int> co)
    {
        foreach (int x in new[] { L(log, "a", 1), await co.Yield(2) })
        {
            log.Add("x" + x);
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> UsingResource(List<string> log, Yielder<int, int> co)
    {
        using (Resource r = new Resource(log, L(log, "a", 1) + await co.Yield(2)))
        {
            log.Add("body " + r.Id);
            await co.Yield(3);
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> ReturnExpression(List<string> log, Yielder<int, int> co)
    {
        return (L(log, "a", 1) + await co.Yield(2)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> ExpressionBody(List<string> log, Yielder<int, int> co) =>
        (L(log, "a", 1) + await co.Yield(2) * 3).ToString();

    [Coroutine]
    public static async Coroutine ExpressionBodyVoid(List<string> log, Yielder<int, int> co) =>
        log.Add(L(log, "a", "x") + await co.Yield(2));

    [Coroutine]
    public static async Coroutine<string> LoopOfSpills(List<string> log, Yielder<int, int> co)
    {
        int total = 0;
        for (int i = 0; i < 3; i++)
        {
            total += L(log, "i", i) * await co.Yield(i);
        }

        return total.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> SpillInTry(List<string> log, Yielder<int, int> co)
    {
        try
        {
            log.Add(Args(L(log, "a", 1), await co.Yield(2), L(log, "c", 3)));
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        finally
        {
            log.Add("finally");
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> SwitchStatementGoverning(List<string> log, Yielder<int, int> co)
    {
        switch (Add(L(log, "a", 1), await co.Yield(1)))
        {
            case 1:
                log.Add("one");
                break;
            default:
                log.Add("other");
                await co.Yield(2);
                break;
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> CheckedBlockCompound(List<string> log, Yielder<int, int> co)
    {
        int x = int.MaxValue - 1;
        checked
        {
            x += await co.Yield(1);
        }

        return x.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> NullableConditionalAccess(List<string> log, Yielder<int, int> co)
    {
        int? n = L<int?>(log, "n", 5);
        string r = n?.ToString(new string('0', (await co.Yield(1) & 3) + 1));
        int? none = null;
        string s = none?.ToString(new string('0', await co.Yield(2) & 3)) ?? "null";
        return r + "," + s;
    }

    [Coroutine]
    public static async Coroutine<string> StringIndexAndLength(List<string> log, Yielder<int, int> co)
    {
        string s = L(log, "s", "hello");
        char c = s[await co.Yield(s.Length) % 5];
        return c + "," + (s.Length + await co.Yield(2));
    }

    [Coroutine]
    public static async Coroutine<string> DeconstructIntoProperties(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        (b.P, b.Q) = (await co.Yield(1), L(log, "q", 2));
        return b.P + "," + b.Q;
    }

    [Coroutine]
    public static async Coroutine<string> ChainedAssignment(List<string> log, Yielder<int, int> co)
    {
        int x, y;
        Box b = new Box(log, "b");
        x = b.Q = y = await co.Yield(3);
        return x + "," + y + "," + b.Q;
    }

    [Coroutine]
    public static async Coroutine<string> GenericReceiver<TItem>(List<string> log, TItem item, Yielder<int, int> co)
        where TItem : IComparable<int>
    {
        return (L(log, "a", 1) + item.CompareTo(await co.Yield(2))).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> NullConditionalAssignment(List<string> log, Yielder<int, int> co)
    {
        Box b = new Box(log, "b");
        b?.Q = await co.Yield(1);
        Box none = null;
        none?.Q = await co.Yield(2);
        return b.Q.ToString();
    }

    [Coroutine]
    public static async Coroutine<string> SpillInCatchAndFinally(List<string> log, Yielder<int, int> co)
    {
        try
        {
            throw new InvalidOperationException(L(log, "m", "first"));
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message + L(log, "c", "!") + await co.Yield(1));
        }
        finally
        {
            log.Add(Args(L(log, "a", 1), await co.Yield(2), L(log, "b", 3)));
        }

        return "end";
    }

    [Coroutine]
    public static async Coroutine<string> SpillInSwitchSection(List<string> log, Yielder<int, int> co)
    {
        int k = L(log, "k", 2);
        switch (k)
        {
            case 2:
                k += L(log, "x", 10) * await co.Yield(k);
                break;
        }

        using var r = new Resource(log, k + await co.Yield(3));
        return (r.Id + await co.Yield(4)).ToString();
    }

    [Coroutine]
    public static async Coroutine<string> InterpolatedToStringTiming(List<string> log, Yielder<int, int> co)
    {
        var loud = new Loud(log);
        return $"{loud}|{await co.Yield(1)}|{loud}" + "/" + loud + await co.Yield(2);
    }

    [Coroutine]
    public static async Coroutine<string> StructArgumentCopied(List<string> log, Yielder<int, int> co)
    {
        Counter c = new Counter();
        c.N = 1;
        return Read(c, Bump(ref c) + await co.Yield(c.N)) + "," + c.N;
    }

    public static int Read(Counter c, int extra) => c.N * 100 + extra;

    public static int Bump(ref Counter c)
    {
        c.N++;
        return 0;
    }

    [Coroutine]
    public static async Coroutine<string> SwitchWhenSuspends(List<string> log, Yielder<int, int> co)
    {
        object o = L<object>(log, "o", 4);
        return o switch
        {
            string s => "string " + s,
            int n when n > await co.Yield(n) => "big " + n,
            int n when L(log, "second when", n) > 0 && await co.Yield(-n) == 0 => "zero " + n,
            int n => "other " + n + await co.Yield(100),
            _ => "none",
        };
    }

    [Coroutine]
    public static async Coroutine<string> SwitchWhenNoMatch(List<string> log, Yielder<int, int> co)
    {
        int k = L(log, "k", 3);
        return k switch { 1 => "one", int n when n == await co.Yield(n) => "same", 2 => "two" };
    }

    [Coroutine]
    public static async Coroutine<string> ExpressionBodyThrow(List<string> log, Yielder<int, int> co) =>
        throw new FormatException(L(log, "a", "m") + await co.Yield(1));

    [Coroutine]
    public static async Coroutine<string> CompoundStructArrayElementField(List<string> log, Yielder<int, int> co)
    {
        Point[] arr = new Point[2];
        Point[] original = arr;
        int i = 1;
        arr[i].X = 5;
        arr[i].X += await co.Yield(Swap(ref arr, new Point[3]) + Swap(ref i, 0));
        return original[1].X + "," + arr[1].X + "," + i;
    }

    [Coroutine]
    public static async Coroutine<string> CompoundListIndexer(List<string> log, Yielder<int, int> co)
    {
        List<int> list = new() { 1, 2, 3 };
        int i = L(log, "i", 2);
        list[i] *= await co.Yield(list[i]);
        return string.Join(",", list);
    }

    [Coroutine]
    public static async Coroutine<string> IndexWithSideEffect(List<string> log, Yielder<int, int> co)
    {
        int[] a = new int[4];
        int i = 0;
        a[i++] = await co.Yield(i);
        a[i++] += L(log, "k", 10) + await co.Yield(i);
        return string.Join(",", a) + ";" + i;
    }

    [Coroutine]
    public static async Coroutine<string> PostfixIncrementOperand(List<string> log, Yielder<int, int> co)
    {
        int x = 1;
        int r = x++ + await co.Yield(x) + x;
        return r + "," + x;
    }

    // ---- Array elements passed by reference: C# takes the reference, checking the array and index, before the suspension ----

    [Coroutine]
    public static async Coroutine<string> RefArrayElementBadIndex(List<string> log, Yielder<int, int> co)
    {
        int[] arr = new int[1];
        Increment(ref arr[L(log, "i", 5)], await co.Yield(1));
        return "unreachable";
    }

    [Coroutine]
    public static async Coroutine<string> RefArrayElementNullArray(List<string> log, Yielder<int, int> co)
    {
        int[] arr = L<int[]>(log, "arr", null);
        Increment(ref arr[0], await co.Yield(1));
        return "unreachable";
    }

    [Coroutine]
    public static async Coroutine<string> OutArrayElementBadIndex(List<string> log, Yielder<int, int> co)
    {
        string[] arr = new string[2];
        Fill(out arr[L(log, "i", 2)], await co.Yield(1));
        return "unreachable";
    }

    [Coroutine]
    public static async Coroutine<string> InMultiDimensionalElement(List<string> log, Yielder<int, int> co)
    {
        int[,] grid = new int[2, 2];
        grid[1, 1] = 4;
        int j = L(log, "j", 1);
        string inRange = Read(in grid[1, j], await co.Yield(1));
        return inRange + ";" + Read(in grid[j, L(log, "j", 3)], await co.Yield(2));
    }

    // ---- Null-conditional assignments as statements (C# 14): nothing after '?.' runs, or suspends, when the receiver is null ----

    [Coroutine]
    public static async Coroutine<string> ConditionalCompoundStatement(List<string> log, Yielder<int, int> co)
    {
        LoggedTarget some = new(log), none = null;
        some?.Value += await co.Yield(1);
        none?.Value += await co.Yield(2);
        L(log, "some", some)?.Name ??= "x" + await co.Yield(3);
        some?.Name ??= "y" + await co.Yield(4);
        L(log, "none", none)?.Maybe ??= await co.Yield(5);
        some?.Maybe ??= await co.Yield(6);
        some?.Maybe ??= await co.Yield(7);
        return some.Value + "," + some.Name + "," + some.Maybe;
    }

    // What follows '?.' before the suspension point is evaluated once, before it, as C# does (the B read, the index computed).
    [Coroutine]
    public static async Coroutine<string> ConditionalAccessPartsReadOnce(List<string> log, Yielder<int, int> co)
    {
        Chain a = new(log, "n1"), none = null;
        a?.B.Value += await co.Yield(a.Rewire("n2"));
        a?.B.Value = await co.Yield(a.Rewire("n3"));
        a?[L(log, "k", 1)] += await co.Yield(a.Rewire("n4"));
        a?.B.Items[L(log, "j", 0)] -= await co.Yield(a.Rewire("n5"));
        int sum = (a?.B.Value + await co.Yield(a.Rewire("n6"))) ?? -1;
        none?.B.Value += await co.Yield(99);
        return sum + ";" + string.Join(",", log.Where(e => !e.StartsWith("k:") && !e.StartsWith("j:")).Count());
    }

    // A receiver of a type parameter reassigned by a later argument: C# calls the object read first when T is a class, and
    // the variable itself when T is a struct (whose mutation then stays in it).
    [Coroutine]
    public static async Coroutine<string> TypeParameterReceiverReassigned(List<string> log, Yielder<int, int> co)
    {
        string classes = await Reassign(new AddBox("a"), new AddBox("b"), co);
        string structs = await Reassign(new AddCell("a"), new AddCell("b"), co);
        return classes + ";" + structs;
    }

    [Coroutine]
    public static async Coroutine<string> Reassign<TAdd>(TAdd t, TAdd other, Yielder<int, int> co)
        where TAdd : IAdd
    {
        TAdd first = t;
        t.Add(await co.Yield((t = other) is null ? 0 : 1));
        TAdd[] slots = { first, other };
        slots[0].Add(await co.Yield(Swap(ref slots[0], other)));
        return first.Describe() + "," + t.Describe() + "," + slots[0].Describe();
    }

    // ---- dynamic: late-bound members and calls are bound after the suspension, on the receiver read before it ----

    [Coroutine]
    public static async Coroutine<string> DynamicCall(List<string> log, Yielder<int, int> co)
    {
        dynamic d = new LoggedTarget(log);
        dynamic first = d;
        int r = d.Add(L(log, "a", 1), await co.Yield(Swap(ref d, new LoggedTarget(log))));
        return r + "," + first.Value + "," + d.Value;
    }

    [Coroutine]
    public static async Coroutine<string> DynamicMemberAssignments(List<string> log, Yielder<int, int> co)
    {
        dynamic d = new LoggedTarget(log);
        dynamic first = d;
        d.Value = await co.Yield(Swap(ref d, new LoggedTarget(log)));
        first.Value += await co.Yield(first.Value);
        d.Value -= await co.Yield(2);
        return first.Value + "," + d.Value;
    }

    // ---- Helpers ----

    public static T L<T>(List<string> log, string tag, T value)
    {
        log.Add(tag + ":" + value);
        return value;
    }

    public static string Args(int a, int b, int c) => $"{a},{b},{c}";

    public static string Named(int first, int second, int third) => $"{first},{second},{third}";

    public static int Sum(params int[] values) => values.Sum();

    public static int Add(int a, int b) => a + b;

    public static string Pair<T, U>(T a, U b) => $"{a}/{b}";

    public static int Apply(Func<int, int> f, int value) => f(value);

    public static int Double(int v) => v * 2;

    public static void Increment(ref int x, int by) => x += by;

    public static void Split(out int half, int value) => half = value / 2;

    public static void Fill(out string slot, int value) => slot = value.ToString();

    public static string Read(in int element, int sent) => element + "+" + sent;

    public static string Times(this string s, int n) => string.Concat(Enumerable.Repeat(s, Math.Max(n, 0) + 1));

    // Replaces a variable's value while the expression around it is being evaluated; returns a small int to yield.
    public static int Swap<T>(ref T variable, T value)
    {
        variable = value;
        return 7;
    }
}

public sealed class Box
{
    private readonly List<string> log;
    private int p;
    private int q;
    private string text;

    public Box(List<string> log, string name)
    {
        this.log = log;
        Name = name;
        log.Add("new Box " + name);
    }

    public string Name { get; }

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

    public string Text
    {
        get { log.Add($"get {Name}.Text"); return text; }
        set { log.Add($"set {Name}.Text={value}"); text = value; }
    }

    public int Echo(int v)
    {
        log.Add($"{Name}.Echo({v})");
        return v;
    }

    public void Note(int v) => log.Add($"{Name}.Note({v})");

    public Box Self(int v)
    {
        log.Add($"{Name}.Self({v})");
        return this;
    }
}

public sealed class Grid
{
    private readonly List<string> log;

    public Grid(List<string> log) => this.log = log;

    public int Last { get; private set; }

    public int this[int row, int column]
    {
        get { log.Add($"get [{row},{column}]"); return row * 10 + column; }
        set { log.Add($"set [{row},{column}]={value}"); Last = value; }
    }
}

public struct Counter
{
    public int N;

    public void Add(int k) => N += k;
}

public struct Holder
{
    public Counter Inner;
}

public interface IAdd
{
    void Add(int value);

    string Describe();
}

public sealed class AddBox : IAdd
{
    private readonly string name;
    private int total;

    public AddBox(string name) => this.name = name;

    public void Add(int value) => total += value;

    public string Describe() => name + total;
}

public struct AddCell : IAdd
{
    private readonly string name;
    private int total;

    public AddCell(string name)
    {
        this.name = name;
        total = 0;
    }

    public void Add(int value) => total += value;

    public string Describe() => name + total;
}

// A node whose B can be swapped while a coroutine is suspended; its reads and writes log.
public sealed class Chain
{
    private readonly List<string> log;
    private readonly string name;
    private Chain b;
    private int value;

    public Chain(List<string> log, string name)
    {
        this.log = log;
        this.name = name;
    }

    public Chain B { get { log.Add("get " + name + ".B"); return b ??= new Chain(log, name + ".b"); } }

    public int Value { get { log.Add("get " + name + ".Value"); return value; } set { log.Add("set " + name + ".Value=" + value); this.value = value; } }

    public int[] Items { get; } = { 10, 20 };

    public int this[int k] { get { log.Add($"get {name}[{k}]"); return k * 100; } set => log.Add($"set {name}[{k}]={value}"); }

    // Replaces B while the coroutine is suspended in the middle of an expression that read it; returns a value to yield.
    public int Rewire(string next)
    {
        log.Add("rewire " + next);
        b = new Chain(log, next);
        return 1;
    }
}

// A class whose setters and method log their use, for receivers of null-conditional and late-bound accesses.
public sealed class LoggedTarget
{
    private readonly List<string> log;

    public LoggedTarget(List<string> log) => this.log = log;

    private int count;
    private string name;
    private int? maybe;

    public int Value { get => count; set { log.Add("Value=" + value); count = value; } }

    public string Name { get => name; set { log.Add("Name=" + value); name = value; } }

    public int? Maybe { get => maybe; set { log.Add("Maybe=" + value); maybe = value; } }

    public int Add(int a, int b)
    {
        log.Add($"Add({a},{b})");
        Value += a + b;
        return Value;
    }
}

public struct Point
{
    public int X;
}

public sealed record Rec(int A, int B);

public sealed class Money
{
    public Money(List<string> log, int amount)
    {
        Log = log;
        Amount = amount;
        log.Add("money " + amount);
    }

    public List<string> Log { get; }

    public int Amount { get; }

    public static Money operator +(Money a, Money b)
    {
        a.Log.Add("operator +");
        return new Money(a.Log, a.Amount + b.Amount);
    }
}

public sealed class LoggingList : IEnumerable<int>
{
    private readonly List<string> log;
    private readonly List<int> items = new();

    public LoggingList(List<string> log)
    {
        this.log = log;
        log.Add("new LoggingList");
    }

    public void Add(int item)
    {
        log.Add("Add " + item);
        items.Add(item);
    }

    public IEnumerator<int> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

public sealed class Bag
{
    public Bag(List<string> log)
    {
        Items = new LoggingList(log);
    }

    public LoggingList Items { get; }

    public string Label { get; set; } = string.Empty;
}

public sealed class Resource : IDisposable
{
    private readonly List<string> log;

    public Resource(List<string> log, int id)
    {
        this.log = log;
        Id = id;
        log.Add("open " + id);
    }

    public int Id { get; }

    public void Dispose() => log.Add("dispose " + Id);
}

public sealed partial class ExpressionHost
{
    private readonly List<string> log;
    private int total = 1;

    public ExpressionHost(List<string> log) => this.log = log;

    private int Total
    {
        get { log.Add("get Total"); return total; }
        set { log.Add("set Total=" + value); total = value; }
    }

    // An instance template: the fields and properties of `this` are read before the suspension and written after it.
    [Coroutine]
    public async Coroutine<string> Accumulate(Yielder<int, int> co)
    {
        total += await co.Yield(total);
        Total *= 1 + await co.Yield(Total);
        this.total -= ExpressionTemplates.L(log, "k", 1) + await co.Yield(this.total);
        return total.ToString();
    }
}

public sealed class Loud
{
    private readonly List<string> log;
    private int calls;

    public Loud(List<string> log) => this.log = log;

    public override string ToString()
    {
        calls++;
        log.Add("ToString " + calls);
        return "loud" + calls;
    }
}
