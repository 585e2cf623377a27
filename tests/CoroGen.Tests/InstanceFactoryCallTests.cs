using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// An instance template calling another instance template's factory by its simple name (`await Steps(2)`, without
/// `this.`): the template's compilation has no factory yet, and the call must still reach this object's factory.
/// </summary>
public sealed partial class InstanceFactoryCallTests
{
    private readonly int offset;

    public InstanceFactoryCallTests() => offset = 100;

    private InstanceFactoryCallTests(int offset) => this.offset = offset;

    [Coroutine]
    public async Coroutine<int> Steps(int count, Yielder<int> co)
    {
        for (int i = 1; i <= count; i++)
        {
            await co.Yield(offset + i);
        }

        return count;
    }

    [Coroutine]
    public async Coroutine<T> Echo<T>(T value, Yielder<int> co)
    {
        await co.Yield(offset);
        return value;
    }

    [Coroutine]
    public async Coroutine<string> Calls(Yielder<int> co)
    {
        int delegated = await Steps(2);                   // a delegation to this object's factory
        var kept = Steps(1);                              // a local of the generated class's type
        int fromLocal = await kept;
        await co.Yield(Steps(3).Count() * 1000);          // an ordinary call, enumerated here
        string echoed = await Echo<string>("e");          // a generic factory
        return $"{delegated},{fromLocal},{echoed}";
    }

    [Fact]
    public void ASimpleNameCallsThisObjectsFactory()
    {
        var calls = new InstanceFactoryCallTests(10).Calls();
        var yielded = new List<int>();
        while (calls.MoveNext())
        {
            yielded.Add(calls.Current);
        }

        Assert.Equal(new[] { 11, 12, 11, 3000, 10 }, yielded);
        Assert.Equal("2,1,e", calls.Result);
    }
}
