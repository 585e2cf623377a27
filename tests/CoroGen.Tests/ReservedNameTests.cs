using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Xunit;

namespace CoroGen.Tests;

// Template parameters and locals may take the names of members the generated class declares or inherits (its base's
// `state`, the helper yielder's `channel`, the result's `returnValue`, ...): the generated class must keep them apart.
public static partial class ReservedNameTemplates
{
    [Coroutine]
    public static async Coroutine<int> Parameters(int state, int returnValue, string Current, int channel, int state_2, Yielder<string, int> co)
    {
        int sum = state + returnValue + channel + state_2;
        int got = await co.Yield(Current + ":" + sum);
        state += got;
        got = await co.Yield("state=" + state);
        return state + returnValue + got;
    }

    // Passes `co` to a helper, so the generated class keeps a yielder of its own beside the template's `channel` local.
    [Coroutine]
    public static async Coroutine HelperAndLocals(List<string> log, Yielder<string> co)
    {
        string channel = "local";
        int Channel = 7;
        await co.Twice("a");
        log.Add(channel + Channel);
        await co.Twice("b");
        log.Add(channel + (Channel + 1));
    }

    private static YieldAwaitable<Unit> Twice(this Yielder<string> co, string value) => co.Yield(value + value);
}

public class ReservedNameTests
{
    [Fact]
    public void ParametersNamedLikeGeneratedMembersKeepTheirValues()
    {
        var c = ReservedNameTemplates.Parameters(state: 1, returnValue: 10, Current: "c", channel: 100, state_2: 1000);
        Assert.True(c.MoveNext());
        Assert.Equal("c:1111", c.Current);
        Assert.True(c.Send(5));
        Assert.Equal("state=6", c.Current);
        Assert.Equal(CoroutineState.Suspended, c.State);
        Assert.False(c.Send(20));
        Assert.Equal(CoroutineState.Completed, c.State);
        Assert.Equal(6 + 10 + 20, c.Result);
    }

    [Fact]
    public void HelperYieldsNextToLocalsNamedChannel()
    {
        var log = new List<string>();
        var c = ReservedNameTemplates.HelperAndLocals(log);
        var yielded = new List<string>();
        while (c.MoveNext())
        {
            yielded.Add(c.Current);
        }

        Assert.Equal(new[] { "aa", "bb" }, yielded);
        Assert.Equal(new[] { "local7", "local8" }, log);
        Assert.Equal(CoroutineState.Completed, c.State);
    }
}
