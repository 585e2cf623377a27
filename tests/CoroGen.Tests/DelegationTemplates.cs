using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Delegation (PEP 380) templates for REWRITE-DESIGN section 7, cases 34-38, and the API.md section 5 bullets.
public static partial class DelegationTemplates
{
    [Coroutine]
    public static async Coroutine<int> Three(List<string> log, Yielder<string, int> co)
    {
        int sum = 0;
        for (int i = 0; i < 3; i++)
        {
            int sent = await co.Yield("inner " + i);
            log.Add("inner got " + sent);
            sum += sent;
        }

        return sum;
    }

    [Coroutine]
    public static async Coroutine Outer(List<string> log, Yielder<string, int> co)
    {
        int total = await Three(log, co);
        log.Add("outer got " + total);
        await co.Yield("outer " + total);
    }

    [Coroutine]
    public static async Coroutine<string> Level(int depth, List<string> log, Yielder<int, string> co)
    {
        try
        {
            if (depth == 0)
            {
                string s = await co.Yield(0);
                log.Add("leaf got " + s);
                return s;
            }

            string result = await Level(depth - 1, log, co);
            log.Add($"level {depth} got {result}");
            await co.Yield(depth);
            return result + depth;
        }
        catch (InvalidOperationException e)
        {
            log.Add($"level {depth} caught {e.Message}");
            return "recovered";
        }
        finally
        {
            log.Add($"level {depth} finally");
        }
    }

    [Coroutine]
    public static async Coroutine<int> Immediate(List<string> log, Yielder<int> co)
    {
        log.Add("immediate ran");
        return 42;
    }

    [Coroutine]
    public static async Coroutine NoSuspension(List<string> log, Yielder<int> co)
    {
        int value = await Immediate(log, co);
        log.Add("delegator resumed with " + value);
        await co.Yield(value);
    }

    [Coroutine]
    public static async Coroutine<int> Chain(int depth, Yielder<int> co)
    {
        if (depth == 0)
        {
            await co.Yield(1);
            await co.Yield(2);
            return 0;
        }

        int below = await Chain(depth - 1, co);
        return below + 1;
    }

    [Coroutine]
    public static async Coroutine<int> CountNodes(Node? node, Yielder<int> co)
    {
        if (node is null)
        {
            return 0;
        }

        int left = await CountNodes(node.Left, co);
        await co.Yield(node.Value);
        int right = await CountNodes(node.Right, co);
        return left + 1 + right;
    }

    [Coroutine]
    public static async Coroutine<T> Last<T>(IEnumerable<T> items, Yielder<T> co)
    {
        T last = default!;
        foreach (T item in items)
        {
            last = item;
            await co.Yield(item);
        }

        return last;
    }

    [Coroutine]
    public static async Coroutine UseGeneric(Yielder<string> co)
    {
        string last = await Last(new[] { "a", "b" }, co);
        await co.YieldAll(new[] { last + "!", "done" });
    }

    [Coroutine]
    public static async Coroutine Covariant(Yielder<object> co)
    {
        var words = Words();
        await co.Yield(1);
        await words;
        var finished = Words();
        while (finished.MoveNext())
        {
        }

        await finished; // already finished: returns at once
        await co.Yield("end");
    }

    // README, "Awaiting a sub that finished without a result": the await raises whether or not its value is used.
    [Coroutine]
    public static async Coroutine<string> AwaitsFinishedWithoutResult(Coroutine sub, bool useValue, Yielder<string> co)
    {
        try
        {
            if (useValue && sub is Coroutine<Unit> typed)
            {
                Unit unused = await typed;
            }
            else
            {
                await sub;
            }

            return "returned";
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    [Coroutine]
    public static async Coroutine Words(Yielder<string> co)
    {
        await co.Yield("w1");
        await co.Yield("w2");
    }

    [Coroutine]
    public static async Coroutine<int[]> Sequence(Coroutine<int, Unit, int>[] subs, Yielder<int> co)
    {
        var results = new int[subs.Length];
        for (int i = 0; i < subs.Length; i++)
        {
            int result = await subs[i];
            results[i] = result;
        }

        return results;
    }

    [Coroutine]
    public static async Coroutine<int> FactoriesAsArguments(Yielder<int> co)
    {
        int[] all = await Sequence(new[] { Chain(1), Chain(3) }, co); // the arguments are factory calls
        await co.Yield(all[0] + all[1]);
        return all.Length;
    }

    public sealed record Node(int Value, Node? Left = null, Node? Right = null);
}

// A template that drives a coroutine made by a factory: while the generator runs the factory does not exist, so 'sub'
// binds to the template's return type there and 'sub.MoveNext()' or 'sub.Current' do not bind; the build's do.
public static partial class FactoryMadeSubTemplates
{
    [Coroutine]
    public static async Coroutine<int> Drive(List<string> log, Yielder<string> co)
    {
        var sub = DelegationTemplates.Three(log);
        using (sub)
        {
            for (bool more = sub.MoveNext(); more; more = sub.Send(sub.Current.Length))
            {
                await co.Yield("got " + sub.Current);
            }
        }

        return sub.Result;
    }
}

// Templates declared as extension methods of their Yielder, delegated to as 'await co.Sub(args)'.
public static partial class YielderExtensionTemplates
{
    [Coroutine]
    public static async Coroutine<int> Repeat<T>(this Yielder<T, string> co, T value, int times, List<string> log)
    {
        for (int i = 0; i < times; i++)
        {
            log.Add("repeat got " + await co.Yield(value));
        }

        return times;
    }

    [Coroutine]
    public static async Coroutine Bracket(this Yielder<string, string> co, string open, string close)
    {
        await co.Yield(open);
        await co.Yield(close);
    }

    [Coroutine]
    public static async Coroutine<int> Uses(List<string> log, Yielder<string, string> co)
    {
        int n = await co.Repeat("a", 2, log);
        await co.Bracket("(", ")");
        n += await co.Repeat<string>("b", 1, log) + await YielderExtensionTemplates.Repeat(co, "c", 1, log);
        return n;
    }
}
