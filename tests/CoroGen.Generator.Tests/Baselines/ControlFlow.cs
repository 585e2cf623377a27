using System;
using CoroGen;

namespace Samples;

public static partial class Flow
{
    [Coroutine]
    internal static async Coroutine<string> Classify(int[] values, Yielder<string, bool> co)
    {
        int kept = 0;
        int index = 0;
        do
        {
            int value = values[index];
            if (value < 0)
            {
                continue;
            }
            else if (value == 0)
            {
                bool stop = await co.Yield("zero");
                if (stop) break;
            }
            else
            {
                kept++;
                {
                    string text = value.ToString();
                    await co.Yield(text);
                }
            }
        }
        while (++index < values.Length);

        return $"kept {kept}";
    }
}
