using CoroGen;

namespace Samples;

public static partial class Examples
{
    [Coroutine]
    public static async Coroutine Maximum(Yielder<int?, int> co)
    {
        int? maxi = null;
        while (true)
        {
            int n = await co.Yield(maxi);        // Python: n = yield maxi
            maxi = maxi is null || n > maxi ? n : maxi;
        }
    }
}
