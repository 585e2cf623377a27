using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using E = CoroGen.Tests.EnumerationTemplates;

namespace CoroGen.Tests;

/// <summary>API.md section 3: GetEnumerator returns the coroutine itself, one-shot like a Python generator.</summary>
public sealed class EnumerationConformanceTests
{
    [Fact]
    public void ACoroutineIsAOneShotEnumerable()
    {
        var co = E.Three();
        Assert.Same(co, ((IEnumerable)co).GetEnumerator());
        Assert.Equal(new[] { 1, 2, 3 }, co.ToArray());
        Assert.Empty(co.ToArray()); // a second pass sees nothing: it is the same, finished, coroutine

        var broken = E.Three();
        foreach (int x in broken)
        {
            break;
        }

        Assert.Equal(CoroutineState.Closed, broken.State);
        Assert.Empty(broken.ToArray());
    }

    [Fact]
    public void TheNonGenericCurrentIsTheLastYieldedValue()
    {
        var co = E.Three();
        IEnumerator untyped = co;
        Assert.True(untyped.MoveNext());
        Assert.True(untyped.MoveNext());
        Assert.Equal(2, untyped.Current);
        Assert.Equal(2, co.Current);
    }

    [Fact]
    public void AnAliasOfTheYielderIsTheSameChannel()
    {
        var co = E.ThroughAnAlias();
        Assert.True(co.MoveNext());
        Assert.Equal(10, co.Current);
        Assert.False(co.Send(4));
        Assert.Equal(4, co.Result);
    }
}
