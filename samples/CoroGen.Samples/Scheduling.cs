using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Samples;

// Seed sections "Cooperative Multitasking" and "Automatic scheduler": yield as a signal that hands control back.
public static partial class Scheduling
{
    [Coroutine]
    public static async Coroutine Coro1(Yielder<Unit> co)
    {
        Console.WriteLine("coro1 doing some work");
        await co.Yield();
        Console.WriteLine("coro1 doing some work");
        await co.Yield();
    }

    [Coroutine]
    public static async Coroutine Coro2(Yielder<Unit> co)
    {
        Console.WriteLine("coro2 doing some work");
        await co.Yield();
        Console.WriteLine("coro2 doing some work");
        await co.Yield();
    }

    // def scheduler(): advance both coroutines by hand, alternating.
    public static void ManualScheduler()
    {
        var c1 = Coro1();
        var c2 = Coro2();
        c1.MoveNext();
        c2.MoveNext();
        c1.MoveNext();
        c2.MoveNext();
    }

    // def scheduler(coros): a queue of coroutines, each run to its next yield and put back until it finishes.
    public static void AutomaticScheduler(IEnumerable<Coroutine<Unit, Unit, Unit>> coros)
    {
        var ready = new Queue<Coroutine<Unit, Unit, Unit>>(coros);
        while (ready.Count > 0)
        {
            // take next coroutine that is ready to run
            var coro = ready.Dequeue();
            // run it until the next "yield"; false is Python's StopIteration
            if (coro.MoveNext())
                // schedule it for another execution
                ready.Enqueue(coro);
        }
    }

    public static void Run()
    {
        Program.Header("manual scheduler");
        ManualScheduler();

        Program.Header("automatic scheduler");
        AutomaticScheduler(new Coroutine<Unit, Unit, Unit>[] { Coro1(), Coro2() });
    }
}
