using System.Collections.Generic;
using CoroGen;

namespace Samples;

public static partial class Examples
{
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
        await co.YieldAll(new List<int> { 7, 8 });
    }
}
