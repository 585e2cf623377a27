using System;
using System.Collections.Generic;
using CoroGen;

namespace Samples;

public static partial class Switches
{
    [Coroutine]
    public static async Coroutine Route(object message, Yielder<string> co)
    {
        switch (message)
        {
            case int n when n > 0:
                await co.Yield("positive " + n);
                goto default;
            case string text:
                await co.Yield("text");
                await co.Yield(text);
                break;
            default:
                await co.Yield("done");
                break;
        }

        checked
        {
            int big = int.MaxValue;
            await co.Yield("checked");
            big++;
        }
    }
}
