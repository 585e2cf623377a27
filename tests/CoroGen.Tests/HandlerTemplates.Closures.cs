using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;

namespace CoroGen.Tests;

// Closures over per-iteration variables (case 27), sibling locals (28), pattern variables (29), labelled gotos, and the
// remaining cases of section 7 that fall here (30-32, 39, 40).
public static partial class HandlerTemplates
{
    // 27. Three iterations each make a closure over the loop variable across yields: each closure sees its own value.
    [Coroutine]
    public static async Coroutine Case27_ForeachClosures(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<int>>();
        foreach (int x in new[] { 1, 2, 3 })
        {
            closures.Add(() => x * 10);
            await co.Yield(x);
        }

        foreach (Func<int> f in closures)
        {
            await co.Yield(f());
        }
    }

    // Deconstructed loop variables captured per iteration: each iteration's closures see their own boxes (arrays, then an
    // enumerable, whose loops are lowered differently).
    [Coroutine]
    public static async Coroutine Case27_ForeachDeconstructionClosures(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<string>>();
        foreach (var (k, v) in new[] { ("a", 1), ("b", 2) })
        {
            await co.Yield(v);
            closures.Add(() => k + v);
        }

        foreach ((string name, int count) in new List<(string, int)> { ("c", 3), ("d", 4) })
        {
            closures.Add(() => name + count);
            await co.Yield(count);
        }

        log.Add(string.Join(",", closures.Select(c => c())));
    }

    // Const locals whose scope holds suspension points: const members of the generated class, read in expressions, case
    // labels and lambdas.
    [Coroutine]
    public static async Coroutine ConstLocals(List<string> log, Yielder<int> co)
    {
        const int Limit = 3;
        const string Label = "n=";
        for (int i = 0; i < Limit; i++)
        {
            await co.Yield(i);
            switch (i)
            {
                case Limit - 1:
                    log.Add("last");
                    break;
                default:
                    log.Add(Label + i);
                    break;
            }
        }

        Func<int> twice = () => Limit * 2;
        await co.Yield(twice());
    }

    [Coroutine]
    public static async Coroutine Case27_BodyLocalClosures(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<string>>();
        for (int i = 0; i < 3; i++)
        {
            int copy = i;
            string label = "item" + i;
            closures.Add(() => label + ":" + copy);
            await co.Yield(i);
            copy += 100; // the closure of this iteration sees the change, the others do not
        }

        log.Add(string.Join(",", closures.Select(c => c())));
    }

    [Coroutine]
    public static async Coroutine Case27_WhileBodyClosuresThatWrite(List<string> log, Yielder<int> co)
    {
        var setters = new List<Action<int>>();
        var getters = new List<Func<int>>();
        int n = 0;
        while (n < 3)
        {
            int slot = n;
            setters.Add(v => slot = v);
            getters.Add(() => slot);
            await co.Yield(slot);
            n++;
        }

        setters[1](42);
        log.Add(string.Join(",", getters.Select(g => g())));
    }

    [Coroutine]
    public static async Coroutine Case27_ForVariableIsShared(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<int>>();
        for (int i = 0; i < 3; i++)
        {
            closures.Add(() => i);
            await co.Yield(i);
        }

        log.Add(string.Join(",", closures.Select(c => c()))); // one variable for the whole loop: 3,3,3
    }

    [Coroutine]
    public static async Coroutine Case27_NestedLambdas(List<string> log, Yielder<int> co)
    {
        var makers = new List<Func<Func<int>>>();
        foreach (int x in new[] { 5, 6 })
        {
            int y = x + 1;
            makers.Add(() => () => x * 100 + y);
            await co.Yield(x);
        }

        log.Add(string.Join(",", makers.Select(m => m()())));
    }

    [Coroutine]
    public static async Coroutine Case27_OutVarCaptured(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<int>>();
        foreach (string s in new[] { "1", "22", "x" })
        {
            int.TryParse(s, out int parsed);
            closures.Add(() => parsed);
            await co.Yield(parsed);
        }

        log.Add(string.Join(",", closures.Select(c => c())));
    }

    [Coroutine]
    public static async Coroutine Case27_ClosureInSwitchInLoop(List<string> log, Yielder<int> co)
    {
        var closures = new List<Func<string>>();
        foreach (var word in new[] { "a", "bb", "ccc" })
        {
            switch (word.Length)
            {
                case 1:
                    closures.Add(() => "one " + word);
                    await co.Yield(1);
                    break;
                default:
                    string tag = word.ToUpperInvariant();
                    closures.Add(() => tag);
                    await co.Yield(word.Length);
                    break;
            }
        }

        log.Add(string.Join(",", closures.Select(c => c())));
    }

    // 28. Sibling blocks each declare `a` with a different type, live across yields: distinct fields.
    [Coroutine]
    public static async Coroutine Case28_SiblingLocals(List<string> log, Yielder<int> co)
    {
        {
            var a = 5;
            await co.Yield(a);
            log.Add("int " + (a + 1));
        }

        {
            var a = "five";
            await co.Yield(a.Length);
            log.Add("string " + a.ToUpperInvariant());
        }

        for (int k = 0; k < 2; k++)
        {
            var a = new List<int> { k };
            await co.Yield(a.Count + k);
            log.Add("list " + a[0]);
        }
    }

    // 29. Pattern variables, and switch pattern/when variables, used after a yield.
    [Coroutine]
    public static async Coroutine Case29_PatternVariables(List<string> log, Yielder<int> co)
    {
        object o = new Shape("circle", 7);
        if (o is Shape { Size: var size } shape)
        {
            await co.Yield(size);
            log.Add(shape.Kind + " " + size);
        }

        object text = "hello";
        if (text is not string s)
        {
            return;
        }

        await co.Yield(s.Length);
        log.Add("text " + s);

        switch (o)
        {
            case Shape { Kind: var kind } when kind.Length > 3:
                await co.Yield(kind.Length);
                log.Add("kind " + kind);
                break;
        }
    }

    [Coroutine]
    public static async Coroutine PatternInWhileCondition(List<string> log, Yielder<int> co)
    {
        var queue = new Queue<object>(new object[] { 1, 2, "stop", 3 });
        while (queue.Dequeue() is int n)
        {
            await co.Yield(n);
            log.Add("n " + n);
        }

        log.Add("left " + queue.Count);
    }

    [Coroutine]
    public static async Coroutine PatternInDeclaration(List<string> log, Yielder<int> co)
    {
        object o = 41;
        int doubled = o is int value ? value * 2 : throw new InvalidOperationException("not an int");
        await co.Yield(doubled);
        log.Add("value " + value);
    }

    [Coroutine]
    public static async Coroutine PatternVariablesInLoop(List<string> log, Yielder<int> co)
    {
        var seen = new List<Func<int>>();
        foreach (object o in new object[] { 1, "x", 3 })
        {
            if (o is int n)
            {
                seen.Add(() => n);
                await co.Yield(n);
                log.Add("int " + n);
            }
        }

        log.Add(string.Join(",", seen.Select(f => f())));
    }

    // ---- labelled gotos ----

    [Coroutine]
    public static async Coroutine GotoBackwardLoop(List<string> log, Yielder<int> co)
    {
        int i = 0;
    Top:
        await co.Yield(i);
        i++;
        if (i < 3) goto Top;
        log.Add("done " + i);
    }

    [Coroutine]
    public static async Coroutine GotoForwardPastYields(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            if (i == 1) goto Skip;
            await co.Yield(i);
            log.Add("body " + i);
        Skip:
            log.Add("skip point " + i);
        }
    }

    [Coroutine]
    public static async Coroutine GotoOutOfNestedLoops(List<string> log, Yielder<int> co)
    {
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                await co.Yield(a * 10 + b);
                if (a == 1 && b == 1) goto Found;
            }
        }

        log.Add("not found");
        return;
    Found:
        log.Add("found");
    }

    [Coroutine]
    public static async Coroutine SameLabelInSiblingBlocks(List<string> log, Yielder<int> co)
    {
        {
            int n = 0;
        Again:
            await co.Yield(n);
            if (++n < 2) goto Again;
        }

        {
            int m = 10;
        Again:
            await co.Yield(m);
            if (++m < 12) goto Again;
        }

        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine GotoOutOfUsingAndFinally(List<string> log, Yielder<int> co)
    {
        int round = 0;
    Retry:
        round++;
        using (new Templates.Probe(log, "r" + round))
        {
            try
            {
                await co.Yield(round);
                if (round < 2) goto Retry;
            }
            finally
            {
                log.Add("finally " + round);
                await co.Yield(-round);
            }
        }

        log.Add("end");
    }

    // 30. using var followed by two yields, then Close: Dispose once, on the original struct.
    [Coroutine]
    public static async Coroutine Case30_UsingVarStruct(List<string> log, Yielder<int> co)
    {
        using var probe = new Templates.StructProbe(log);
        await co.Yield(1);
        using var named = new Templates.Probe(log, "named");
        await co.Yield(2);
        log.Add("end");
    }

    // 31. foreach over a List<T> (struct enumerator) with a yield, closed midway.
    [Coroutine]
    public static async Coroutine Case31_ForeachList(List<string> log, Yielder<int> co)
    {
        var list = new List<int> { 1, 2, 3 };
        foreach (int x in list)
        {
            try
            {
                await co.Yield(x);
            }
            finally
            {
                log.Add("item finally " + x);
            }
        }
    }

    // 32. foreach over an array, and over an enumerator whose Dispose throws during Close.
    [Coroutine]
    public static async Coroutine Case32_ForeachThrowingDispose(List<string> log, Yielder<int> co)
    {
        foreach (int x in new[] { 7, 8 })
        {
            await co.Yield(x);
        }

        foreach (int y in new ThrowingSequence(log))
        {
            try
            {
                await co.Yield(y);
            }
            finally
            {
                log.Add("body finally " + y);
                await co.Yield(-y);
            }
        }
    }

    public sealed class ThrowingSequence : IEnumerable<int>
    {
        private readonly List<string> log;

        public ThrowingSequence(List<string> log) => this.log = log;

        public IEnumerator<int> GetEnumerator() => new Enumerator(log);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator : IEnumerator<int>
        {
            private readonly List<string> log;

            public Enumerator(List<string> log) => this.log = log;

            public int Current { get; private set; }

            object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext() => ++Current <= 2;

            public void Reset() => throw new NotSupportedException();

            public void Dispose()
            {
                log.Add("dispose throws");
                throw new ObjectDisposedException("sequence");
            }
        }
    }

    // 39. Protocol edges with handlers: a re-entrant Send from a lambda called in a moved-out finally.
    [Coroutine]
    public static async Coroutine Case39_ReentrantFromFinally(List<string> log, Func<bool> reenter, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            await co.Yield(2);
            try
            {
                reenter();
            }
            catch (InvalidOperationException e)
            {
                log.Add("re-entry refused: " + e.Message.Split(' ')[0]);
            }
        }
    }
}

// 40. A generic coroutine in a generic partial class with a private nested type and a nullable var across suspensions.
public partial class Box<T>
    where T : notnull
{
    private readonly List<T> items = new();

    public Box(params T[] items) => this.items.AddRange(items);

    [Coroutine]
    public async Coroutine<int> Case40_Walk<TKey>(List<string> log, Func<T, TKey> key, Yielder<string> co)
        where TKey : IComparable<TKey>
    {
        var best = (Entry<TKey>?)null;
        foreach (T item in items)
        {
            try
            {
                var entry = new Entry<TKey>(item, key(item));
                await co.Yield(entry.ToString());
                if (best is null || entry.Key.CompareTo(best.Key) > 0)
                {
                    best = entry;
                }
            }
            catch (FormatException e)
            {
                await co.Yield("skipped " + e.Message);
            }
            finally
            {
                log.Add("visited " + item);
            }
        }

        switch (best)
        {
            case { Key: var k } when k is not null:
                await co.Yield("best " + k);
                break;
            default:
                await co.Yield("none");
                break;
        }

        return items.Count;
    }

    private sealed record Entry<TK>(T Item, TK Key);
}
