using System.Linq;
using Xunit;

namespace CoroGen.Tests;

/// <summary>API.md section 2: generated code never silently behaves differently from the template.</summary>
public sealed class StaticNamesConformanceTests
{
    [Fact]
    public void StaticMembersOfTheTemplatesTypeNamedLikeCoroutineMembersKeepTheirMeaning()
    {
        var co = StaticNameTemplates.UsesStaticsNamedLikeMembers();
        Assert.Equal(new[] { 40, "state of the type".Length, 2 }, co.ToArray());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.True(co.Result >= 1);
    }
}
