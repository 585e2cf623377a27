using System;
using CoroGen;

namespace CoroGen.Samples;

// Seed section "Coroutines" (PEP 342): values sent into a suspended coroutine.
public static partial class Coroutines
{
    // def coro(): while True: value = yield; print(f"Got: {value}")
    [Coroutine]
    public static async Coroutine Coro(Yielder<Unit, string> co)
    {
        while (true)
        {
            string value = await co.Yield();
            Console.WriteLine($"Got: {value}");
        }
    }

    // def maximum(): produces and consumes at each yield
    [Coroutine]
    public static async Coroutine Maximum(Yielder<int?, int> co)
    {
        int? maxi = null;
        while (true)
        {
            int n = await co.Yield(maxi);       // n = yield maxi
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }

    public static void Run()
    {
        Program.Header("coro");
        var c = Coro();
        c.MoveNext();                           // c.send(None): run to the first yield
        c.Send("Hello");
        c.Send("World");

        Program.Header("maximum");
        var m = Maximum();
        m.MoveNext();                           // m.send(None); yields None, which the REPL does not echo
        foreach (int n in new[] { 13, 5, 20 })
        {
            m.Send(n);                          // >>> m.send(n)
            Console.WriteLine(m.Current);
        }
    }
}
