using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Samples;

/// <summary>The seed's ("sleep", delay) signal to the scheduler. The samples' scheduler never actually sleeps.</summary>
public sealed record Sleep(double Seconds);

/// <summary>A binary tree node for the recursive walk.</summary>
public sealed record Node(int Value, Node? Left = null, Node? Right = null);

// Seed sections "Nested coroutines", "Looping over nested coroutines" and "yield from" (PEP 380),
// plus a recursive tree walk. Scheduler coroutines yield object, like the seed's mix of tuples and strings.
public static partial class Delegation
{
    // Before PEP 380 there were no return values: the last value yielded is the page.
    [Coroutine]
    public static async Coroutine GetPageByYield(Yielder<object> co)
    {
        Console.WriteLine("Starting to download page");
        await co.Yield(new Sleep(1));
        Console.WriteLine("Done downloading page");
        await co.Yield("<html>Hello</html>");
    }

    // def write_db(data)
    [Coroutine]
    public static async Coroutine WriteDb(string data, Yielder<object> co)
    {
        Console.WriteLine("Starting to write data to db");
        await co.Yield(new Sleep(0.5));
        Console.WriteLine("Connected to db");
        await co.Yield(new Sleep(1));
        Console.WriteLine("Done writing data to db");
    }

    // def worker(): for step in get_page(): yield step ... flattening the nested coroutines by hand.
    // (The casts to IEnumerable<object> work around a generator limitation: inside a template, a foreach directly over
    // another template's factory call is rejected with COROGEN006, because the generator cannot see the factories
    // it generates itself.)
    [Coroutine]
    public static async Coroutine LoopingWorker(Yielder<object> co)
    {
        object step = "";
        foreach (object s in (IEnumerable<object>)GetPageByYield())
        {
            step = s;
            await co.Yield(s);
        }
        string page = (string)step;
        foreach (object s in (IEnumerable<object>)WriteDb(page))
            await co.Yield(s);
    }

    // def get_page() with yield from: return "<html>Hello</html>"
    [Coroutine]
    public static async Coroutine<string> GetPage(Yielder<object> co)
    {
        Console.WriteLine("Starting to download page");
        await co.Yield(new Sleep(1));
        Console.WriteLine("Done downloading page");
        return "<html>Hello</html>";
    }

    // def worker(): page = yield from get_page(); yield from write_db(page)
    [Coroutine]
    public static async Coroutine Worker(Yielder<object> co)
    {
        string page = await GetPage(co);
        await WriteDb(page, co);
    }

    // The seed's scheduler loop, round-robin: a ("sleep", d) signal just puts the coroutine back at the end of the
    // queue instead of on a timed heap (no real sleeping, so the output is deterministic); anything else is printed.
    public static void Scheduler(IEnumerable<Coroutine<object, Unit, Unit>> coros)
    {
        var ready = new Queue<Coroutine<object, Unit, Unit>>(coros);
        while (ready.Count > 0)
        {
            var coro = ready.Dequeue();
            if (!coro.MoveNext())
                continue;                       // StopIteration
            if (coro.Current is not Sleep)
                Console.WriteLine($"Got: {coro.Current}");
            ready.Enqueue(coro);
        }
    }

    // Recursive delegation: yields every value in order and returns how many nodes it walked.
    [Coroutine]
    public static async Coroutine<int> Walk(Node? node, Yielder<int> co)
    {
        if (node is null)
            return 0;
        int left = await Walk(node.Left, co);
        await co.Yield(node.Value);
        int right = await Walk(node.Right, co);
        return left + 1 + right;
    }

    public static void Run()
    {
        Program.Header("nested coroutines: looping over nested coroutines");
        Scheduler(new Coroutine<object, Unit, Unit>[] { LoopingWorker() });

        Program.Header("yield from: three workers");
        Scheduler(new Coroutine<object, Unit, Unit>[] { Worker(), Worker(), Worker() });

        Program.Header("recursive tree walk");
        //        8
        //      /   \
        //     3     10
        //    / \      \
        //   1   6      14
        //      / \    /
        //     4   7  13
        var tree = new Node(8,
            new Node(3, new Node(1), new Node(6, new Node(4), new Node(7))),
            new Node(10, null, new Node(14, new Node(13))));
        var walk = Walk(tree);
        var values = new List<int>();
        while (walk.MoveNext())
            values.Add(walk.Current);
        Console.WriteLine(Program.PyList(values));
        Console.WriteLine($"nodes: {walk.Result}");
    }
}
