using System.Linq;
using Xunit;
using P = CoroGen.Tests.ParameterNameTemplates;

namespace CoroGen.Tests;

/// <summary>API.md section 1: templates may have any other parameters; their names do not change the coroutine's behaviour.</summary>
public sealed class ParameterNamesConformanceTests
{
    [Fact]
    public void ParametersNamedLikeMembersOfTheGeneratedClassKeepTheirValuesAndTheProtocolWorks()
    {
        var co = P.NamedLikeBaseMembers(state: 5, Running: 7, Current: "abc", returnValue: 100);
        Assert.Equal(CoroutineState.Created, co.State);
        Assert.Equal(new[] { 5, 7, 3 }, co.ToArray());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(112, co.Result);

        var other = P.NamedLikeMembersAfterTheYielder("first", "result");
        Assert.True(other.MoveNext());
        Assert.Equal("first", other.Current);
        Assert.False(other.MoveNext());
        Assert.Equal("result", other.Result);
    }
}
