using CoroGen;

namespace Samples;

public static partial class Examples
{
    [Coroutine]
    public static async Coroutine Fibonacci(int n, Yielder<int> co)
    {
        int a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            await co.Yield(a);                   // Python: yield a
            (a, b) = (b, a + b);
        }
    }
}
