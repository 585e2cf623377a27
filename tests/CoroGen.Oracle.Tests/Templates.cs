using System;
using System.Collections;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Oracle.Tests;

// Templates as users write them. This project does not reference the generator, so no factories exist: each is an
// ordinary async method whose return type's builder runs it under TemplateOracle (and refuses to run it otherwise).

public static partial class Examples
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
}

public static partial class Handlers
{
    // try/catch/finally around yields; the catch yields too.
    [Coroutine]
    public static async Coroutine<string> Guarded(List<string> log, Yielder<int> co)
    {
        try
        {
            log.Add("try");
            await co.Yield(1);
            log.Add("after 1");
            await co.Yield(2);
            return "done";
        }
        catch (InvalidOperationException e)
        {
            log.Add("catch " + e.Message);
            await co.Yield(-1);
            log.Add("after catch yield");
            return "caught";
        }
        finally
        {
            log.Add("finally");
        }
    }

    // Two nested try/finally levels: on Close the inner finally runs first, each exactly once.
    [Coroutine]
    public static async Coroutine Nested(List<string> log, Yielder<int> co)
    {
        try
        {
            try
            {
                await co.Yield(1);
                await co.Yield(2);
            }
            finally
            {
                log.Add("inner finally");
            }
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    // A finally that yields: on normal completion, with an exception pending, and during Close.
    [Coroutine]
    public static async Coroutine YieldingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            log.Add("body");
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally start");
            await co.Yield(100);
            log.Add("finally end");
        }
    }

    // A catch (CoroutineExitException) that returns: Close ends Closed and returns normally.
    [Coroutine]
    public static async Coroutine<int> CatchesExit(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("exit caught");
            return 7;
        }

        return 0;
    }

    // A catch (CoroutineExitException) that yields: Close reports that the exit was ignored.
    [Coroutine]
    public static async Coroutine IgnoresExit(Yielder<int> co)
    {
        while (true)
        {
            try
            {
                await co.Yield(1);
            }
            catch (CoroutineExitException)
            {
                await co.Yield(2);
            }
        }
    }

    // A finally that throws during Close: that exception escapes Close and the coroutine is Faulted.
    [Coroutine]
    public static async Coroutine ThrowingFinally(Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            throw new FormatException("from finally");
        }
    }

    // The documented difference: catch (Exception) around a yield, then Close.
    [Coroutine]
    public static async Coroutine CatchAll(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
        }

        log.Add("after try");
    }

    // A catch that yields and then rethrows: the original exception object survives.
    [Coroutine]
    public static async Coroutine Rethrow(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (ArgumentException)
        {
            await co.Yield(2);
            log.Add("rethrowing");
            throw;
        }
    }

    // An exception filter sees the thrown exception; a false filter lets it through.
    [Coroutine]
    public static async Coroutine<string> Filtered(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            return "no exception";
        }
        catch (Exception e) when (Log(log, "filter " + e.Message) && e.Message == "handled")
        {
            return "handled";
        }
    }

    [Coroutine]
    public static async Coroutine Faulting(Yielder<int> co)
    {
        await co.Yield(1);
        throw new InvalidOperationException("body failed");
    }

    private static bool Log(List<string> log, string entry)
    {
        log.Add(entry);
        return true;
    }
}

public static partial class Resources
{
    [Coroutine]
    public static async Coroutine Using(List<string> log, Yielder<int> co)
    {
        using var resource = new Resource(log, "r");
        await co.Yield(1);
        await co.Yield(2);
    }

    [Coroutine]
    public static async Coroutine ForEach(List<string> log, Yielder<int> co)
    {
        foreach (int item in new LoggingSequence(log, 1, 2, 3))
        {
            await co.Yield(item * 10);
        }

        log.Add("loop done");
    }

    [Coroutine]
    public static async Coroutine ForEachList(List<int> items, Yielder<int> co)
    {
        foreach (int item in items)
        {
            await co.Yield(item);
        }
    }

    public sealed class Resource : IDisposable
    {
        private readonly List<string> log;
        private readonly string name;

        public Resource(List<string> log, string name)
        {
            this.log = log;
            this.name = name;
            log.Add("open " + name);
        }

        public void Dispose() => log.Add("dispose " + name);
    }

    public sealed class LoggingSequence : IEnumerable<int>
    {
        private readonly List<string> log;
        private readonly int[] items;

        public LoggingSequence(List<string> log, params int[] items)
        {
            this.log = log;
            this.items = items;
        }

        public IEnumerator<int> GetEnumerator()
        {
            try
            {
                foreach (int item in items)
                {
                    yield return item;
                }
            }
            finally
            {
                log.Add("enumerator disposed");
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

public static partial class Closures
{
    // Each iteration's closure captures its own loop variable, across yields.
    [Coroutine]
    public static async Coroutine<string> Capture(Yielder<int> co)
    {
        var functions = new List<Func<int>>();
        for (int i = 0; i < 3; i++)
        {
            int copy = i * 10;
            functions.Add(() => copy + i);
            await co.Yield(i);
        }

        var results = new List<int>();
        foreach (Func<int> f in functions)
        {
            results.Add(f());
        }

        return string.Join(",", results);
    }

    // A closure shares a local with the body: the write made while suspended is seen after the resume.
    [Coroutine]
    public static async Coroutine<int> Shared(Action<Action<int>> publishSetter, Yielder<int, int> co)
    {
        int x = 1;
        publishSetter(value => x = value);
        int sent = await co.Yield(x);
        return x + sent;
    }

    // The left operand is evaluated before the suspension.
    [Coroutine]
    public static async Coroutine<int> Spill(Func<int> read, Yielder<int, int> co)
    {
        return read() + await co.Yield(0);
    }
}

public static partial class Delegation
{
    // The inner coroutine sees the sent values and its result is the await's value.
    [Coroutine]
    public static async Coroutine<int> Accumulate(Yielder<int, int> co)
    {
        int total = 0;
        while (true)
        {
            int n = await co.Yield(total);
            if (n < 0)
            {
                return total;
            }

            total += n;
        }
    }

    [Coroutine]
    public static async Coroutine<string> Outer(Yielder<int, int> co)
    {
        int first = await Accumulate(co);
        int second = await Accumulate(co);
        return first + "/" + second;
    }

    [Coroutine]
    public static async Coroutine<string> InnerCatches(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            await co.Yield(2);
            return "inner done";
        }
        catch (InvalidOperationException e)
        {
            log.Add("inner caught " + e.Message);
            await co.Yield(-1);
            return "inner recovered";
        }
        finally
        {
            log.Add("inner finally");
        }
    }

    [Coroutine]
    public static async Coroutine<string> OuterCatches(List<string> log, Yielder<int> co)
    {
        try
        {
            string inner = await InnerCatches(log, co);
            log.Add("outer got " + inner);
            return inner;
        }
        catch (ArgumentException e)
        {
            log.Add("outer caught " + e.Message);
            return "outer recovered";
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    [Coroutine]
    public static async Coroutine<int> Immediate(Yielder<int> co) => 42;

    [Coroutine]
    public static async Coroutine<int> AwaitsImmediate(List<string> log, Yielder<int> co)
    {
        log.Add("before");
        int value = await Immediate(co);
        log.Add("after " + value);
        await co.Yield(value);
        return value + 1;
    }

    [Coroutine]
    public static async Coroutine<int> AwaitsFinished(Yielder<int> co)
    {
        Coroutine<int> sub = CountDown(co);
        int first = await sub;
        int again = await sub; // already finished: its Result at once
        await co.Yield(first * 100 + again);
        return again;
    }

    [Coroutine]
    public static async Coroutine<int> CountDown(Yielder<int> co)
    {
        await co.Yield(2);
        await co.Yield(1);
        return 2;
    }

    [Coroutine]
    public static async Coroutine<int> Deep(int depth, List<string> log, Yielder<int> co)
    {
        try
        {
            if (depth == 0)
            {
                await co.Yield(0);
                return 0;
            }

            return 1 + await Deep(depth - 1, log, co);
        }
        finally
        {
            if (depth % 1000 == 0)
            {
                log.Add("finally " + depth);
            }
        }
    }

    // yield from an iterable: sent values are discarded, the enumerator is disposed on Close.
    [Coroutine]
    public static async Coroutine<string> All(List<string> log, Yielder<int, string> co)
    {
        string before = await co.Yield(0);
        await co.YieldAll(new Resources.LoggingSequence(log, 1, 2, 3));
        string after = await co.Yield(9);
        return before + "+" + after;
    }

    [Coroutine]
    public static async Coroutine<string> OuterOf(Func<Yielder<int>, Coroutine> inner, List<string> log, Yielder<int> co)
    {
        try
        {
            await inner(co);
            return "inner finished";
        }
        catch (Exception e) when (e is not CoroutineExitException)
        {
            log.Add("outer caught " + e.GetType().Name + ": " + e.Message);
            await co.Yield(-1);
            return "outer recovered";
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    [Coroutine]
    public static async Coroutine<int> All2(Yielder<string> co)
    {
        await co.YieldAll(new[] { "a", "b" });
        return 2;
    }

    // Awaits a coroutine that yields strings from a chain that yields objects (TYield2 converts to TYield).
    [Coroutine]
    public static async Coroutine<int> Covariant(Coroutine<string, Unit, int> words, Yielder<object> co)
    {
        await co.Yield(1.5);
        int count = await words;
        await co.Yield(count);
        return count;
    }

    // A helper method that takes the yielder and returns what co.Yield returns is a suspension point.
    public static YieldAwaitable<int> Twice(Yielder<int, int> co, int x) => co.Yield(x * 2);

    [Coroutine]
    public static async Coroutine<int> UsesHelper(Yielder<int, int> co)
    {
        int a = await Twice(co, 1);
        int b = await Twice(co, a);
        return b;
    }
}

public static partial class Protocol
{
    [Coroutine]
    public static async Coroutine Counted(List<string> log, Yielder<int> co)
    {
        log.Add("started");
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally");
        }
    }

    // Resumes itself from inside its own body: the runtime raises "already running" at the call site.
    [Coroutine]
    public static async Coroutine<string> ReEnter(Func<Coroutine<int, Unit, string>> self, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            self().MoveNext();
            return "no error";
        }
        catch (InvalidOperationException e)
        {
            return e.Message.StartsWith("The coroutine is already running", StringComparison.Ordinal) ? "already running" : e.Message;
        }
    }
}

public static partial class Generic<T>
{
    [Coroutine]
    public static async Coroutine<T> Echo<TOther>(T first, TOther tag, Yielder<object?, T> co)
    {
        T value = first;
        for (int i = 0; i < 2; i++)
        {
            value = await co.Yield($"{tag}:{value}");
        }

        return value;
    }
}

public sealed partial class Counter
{
    private int count;

    [Coroutine]
    public async Coroutine<int> Tick(int times, Yielder<int> co)
    {
        for (int i = 0; i < times; i++)
        {
            count++;
            await co.Yield(count);
        }

        return count;
    }
}
