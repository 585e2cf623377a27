using System;
using System.Collections.Generic;
using System.IO;
using CoroGen;
using CoroGen.Scheduling;

namespace Samples;

public static partial class AsyncStreams
{
    // A scheduler coroutine: `await foreach` steps and `await using` disposals suspend only this task.
    [Coroutine]
    public static async Coroutine<int> CopyLines(IAsyncEnumerable<string> lines, Func<Stream> open, Yielder<LoopRequest> co)
    {
        int count = 0;
        await using var output = open();
        await foreach (string line in lines)
        {
            if (line.Length == 0)
            {
                break;
            }

            await output.WriteAsync(new byte[] { (byte)line[0] });
            count++;
        }

        return count;
    }
}
