using System;
using CoroGen;

namespace CoroGen.Samples;

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

public static class Program
{
    public static void Main()
    {
        foreach (int x in Examples.Fibonacci(7)) Console.Write(x + " ");
        Console.WriteLine();
        var m = Examples.Maximum();
        m.MoveNext();
        foreach (int v in new[] { 13, 5, 20 }) { m.Send(v); Console.WriteLine(m.Current); }
        foreach (int x in Examples.Launch()) Console.Write(x + " ");
        Console.WriteLine();
    }
}
