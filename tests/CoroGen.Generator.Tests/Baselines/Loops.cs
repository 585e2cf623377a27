using System.Collections.Generic;
using CoroGen;

namespace Samples;

public static partial class Loops
{
    [Coroutine]
    public static async Coroutine<int> Sum(List<int> list, int[] array, string text, IEnumerable<int> any, Yielder<int> co)
    {
        int total = 0;
        foreach (int x in list)
        {
            total += x;
            await co.Yield(x);
        }

        foreach (var x in array)
            await co.Yield(x);

        foreach (char c in text)
        {
            if (c == ' ') continue;
            await co.Yield(c);
        }

        foreach (long x in any)
        {
            if (x > 100) break;
            await co.Yield((int)x);
        }

        return total;
    }
}
