using System;
using System.Threading.Tasks;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>
/// `await` on a coroutine means delegation only inside a [Coroutine] template. In an ordinary async method it must fault
/// that method's Task with an explanation: thrown from OnCompleted instead, the exception would be rethrown on the thread
/// pool by the method builder and end the process (before the fix, these tests took the test host down with them).
/// </summary>
public class AwaitOutsideTemplateTests
{
    private static async Task<int> AwaitForResult(Coroutine<int> coroutine) => await coroutine;

    private static async Task AwaitWithoutResult(Coroutine coroutine) => await coroutine;

    [Fact]
    public async Task AwaitingACoroutineInATaskMethodFaultsItsTask()
    {
        var co = new CountUp(3);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => AwaitForResult(co));
        Assert.StartsWith("A coroutine (CountUp) was awaited outside a [Coroutine] template", e.Message);
        Assert.Contains("MoveNext()/Send(...) or foreach", e.Message);
        Assert.Equal(CoroutineState.Created, co.State); // nothing ran it
    }

    [Fact]
    public async Task AwaitingACoroutineWithoutResultInAnAsyncLambdaFaultsItsTask()
    {
        var co = new Fibonacci();
        Func<Task> lambda = async () => await (Coroutine)co;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(lambda);
        Assert.StartsWith("A coroutine (Fibonacci) was awaited outside a [Coroutine] template", e.Message);

        e = await Assert.ThrowsAsync<InvalidOperationException>(() => AwaitWithoutResult(co));
        Assert.StartsWith("A coroutine (Fibonacci) was awaited outside a [Coroutine] template", e.Message);
        Assert.Equal(CoroutineState.Created, co.State);
    }

    [Fact]
    public async Task AwaitingASuspendedCoroutineLeavesItUsable()
    {
        var co = new CountUp(3);
        Assert.True(co.MoveNext());
        await Assert.ThrowsAsync<InvalidOperationException>(() => AwaitForResult(co));
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.True(co.Send(5));
    }
}
