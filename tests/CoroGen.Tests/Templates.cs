using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Templates driven by the end-to-end tests. Each takes a log for its side effects, so that the generated class and the
// oracle (the C# compiler's lowering of the same method) can be compared trace for trace.
public static partial class Templates
{
    [Coroutine]
    public static async Coroutine Fibonacci(int n, Yielder<int> co)
    {
        int a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            await co.Yield(a);
            (a, b) = (b, a + b);
        }
    }

    [Coroutine]
    public static async Coroutine Maximum(Yielder<int?, int> co)
    {
        int? maxi = null;
        while (true)
        {
            int n = await co.Yield(maxi);
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    [Coroutine]
    public static async Coroutine<int> CountDown(int from, Yielder<int> co)
    {
        int steps = 0;
        for (int i = from; i > 0; i--, steps++)
            await co.Yield(i);
        return steps;
    }

    [Coroutine]
    public static async Coroutine Launch(Yielder<int> co)
    {
        int steps = await CountDown(3, co);
        await co.Yield(-steps);
    }

    [Coroutine]
    public static async Coroutine<string> Echo(List<string> log, Yielder<string, string> co)
    {
        log.Add("start");
        string received = await co.Yield("ready");
        log.Add("got " + received);
        string second;
        second = await co.Yield(received.ToUpperInvariant());
        log.Add("got " + second);
        return received + second;
    }

    [Coroutine]
    public static async Coroutine Loops(List<string> log, Yielder<int> co)
    {
        int i = 0;
        while (i < 10)
        {
            i++;
            if (i % 2 == 0) continue;
            if (i > 7) break;
            await co.Yield(i);
            log.Add("after " + i);
        }

        do
        {
            await co.Yield(100 + i);
            i--;
        }
        while (i > 6);

        for (int j = 0, k = 10; j < 3; j++, k--)
        {
            if (j == 1) continue;
            await co.Yield(j * k);
        }

        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine ForEach(List<string> log, List<int> list, int[] array, string text, IEnumerable<int> sequence, Yielder<int> co)
    {
        foreach (int x in list)
        {
            await co.Yield(x);
        }

        foreach (var x in array)
        {
            if (x == 0) continue;
            await co.Yield(x);
        }

        foreach (char c in text)
            await co.Yield(c);

        foreach (long x in sequence)
        {
            if (x > 100) break;
            await co.Yield((int)x);
        }

        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine Guarded(List<string> log, Yielder<int> co)
    {
        try
        {
            log.Add("try");
            await co.Yield(1);
            try
            {
                await co.Yield(2);
            }
            finally
            {
                log.Add("inner finally");
            }

            await co.Yield(3);
        }
        catch (InvalidOperationException e) when (Note(log, "filter " + e.Message))
        {
            log.Add("caught " + e.Message);
        }
        finally
        {
            log.Add("outer finally");
        }

        await co.Yield(4);
        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine CatchAll(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine Resources(List<string> log, Yielder<int> co)
    {
        using (var first = new Probe(log, "first"))
        {
            await co.Yield(1);
            using var second = new Probe(log, "second");
            await co.Yield(2);
        }

        var probe = new StructProbe(log);
        using (probe)
        {
            await co.Yield(3);
        }

        await co.Yield(4);
    }

    [Coroutine]
    public static async Coroutine Stubborn(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("refusing to exit");
        }

        await co.Yield(99);
    }

    [Coroutine]
    public static async Coroutine Unprotected(List<string> log, Yielder<int> co)
    {
        log.Add("one");
        await co.Yield(1);
        log.Add("two");
    }

    [Coroutine]
    public static async Coroutine Raising(List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        log.Add("about to throw");
        throw new FormatException("bad input");
    }

    [Coroutine]
    public static async Coroutine ReEnter(Func<Coroutine<int, Unit, Unit>> self, Yielder<int> co)
    {
        await co.Yield(1);
        self().MoveNext();
    }

    [Coroutine]
    public static async Coroutine Delegator(List<string> log, Yielder<int, string> co)
    {
        try
        {
            int length = await Inner(log, co);
            log.Add("inner returned " + length);
            await co.Yield(-1);
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    [Coroutine]
    public static async Coroutine<int> Inner(List<string> log, Yielder<int, string> co)
    {
        bool failed = false;
        try
        {
            string s = await co.Yield(10);
            log.Add("inner got " + s);
            return s.Length;
        }
        catch (ArgumentException e)
        {
            log.Add("inner caught " + e.Message);
            failed = true;
        }
        finally
        {
            log.Add("inner finally");
        }

        string again = await co.Yield(failed ? 20 : 30);
        return again.Length * 100;
    }

    [Coroutine]
    public static async Coroutine<int> StoredSub(Yielder<int> co)
    {
        var sub = CountDown(2);                  // made earlier, awaited later
        int total = 0;
        foreach (var x in Fibonacci(3))          // a generated coroutine is enumerable
        {
            total += x;
            await co.Yield(x);
        }

        foreach (object boxed in Fibonacci(1))
            await co.Yield((int)boxed * 10);

        int steps = await sub;
        return total + steps;
    }

    // Found by the differential fuzzer: with no suspension point at all, the body's locals were not hoisted and their
    // declarations were dropped, so the generated code did not compile.
    [Coroutine]
    public static async Coroutine<int> NeverSuspends(Yielder<int> co)
    {
        int x = 2;
        Func<int, int> add = n => n + x;
        x = add(3);
        return x;
    }

    [Coroutine]
    public static async Coroutine MultiLineYield(Yielder<int> co)
    {
        await co.Yield(
            1 +
            2);
    }

    [Coroutine]
    public static async Coroutine ExpressionBodied(Yielder<string> co) => await co.Yield("only");

    private static bool Note(List<string> log, string text)
    {
        log.Add(text);
        return true;
    }

    public sealed class Probe : IDisposable
    {
        private readonly List<string> log;
        private readonly string name;

        public Probe(List<string> log, string name)
        {
            (this.log, this.name) = (log, name);
            log.Add("open " + name);
        }

        public void Dispose() => log.Add("dispose " + name);
    }

    public struct StructProbe : IDisposable
    {
        private readonly List<string> log;
        private int uses;

        public StructProbe(List<string> log) => (this.log, uses) = (log, 0);

        public void Dispose() => log.Add("dispose struct " + ++uses);
    }
}

public partial class Account
{
    private readonly List<int> history = new();

    public int Balance { get; private set; }

    [Coroutine]
    public async Coroutine<int> Deposits(Yielder<int, int> co)
    {
        while (true)
        {
            int amount = await co.Yield(Balance);
            if (amount == 0) break;
            Balance += amount;
            history.Add(amount);
        }

        return history.Count;
    }

    [Coroutine]
    public static async Coroutine Repeat<T>(T item, int times, Yielder<T> co)
    {
        for (int i = 0; i < times; i++)
            await co.Yield(item);
    }
}
