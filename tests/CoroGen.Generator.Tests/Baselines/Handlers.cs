using System;
using System.Collections.Generic;
using CoroGen;

namespace Samples;

public static partial class Handlers
{
    [Coroutine]
    public static async Coroutine<int> Retry(List<string> log, Yielder<int> co)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await co.Yield(attempt);
                if (attempt == 3) break;
                return attempt;
            }
            catch (InvalidOperationException e) when (e.Message.Length > 0)
            {
                log.Add("retrying after " + e.Message);
                await co.Yield(-attempt);
                if (attempt > 5) throw;
            }
            finally
            {
                log.Add("cleanup " + attempt);
                await co.Yield(0);
            }
        }

        return -1;
    }
}
