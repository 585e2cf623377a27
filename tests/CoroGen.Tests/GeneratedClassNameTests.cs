using System.Collections.Generic;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// A template naming a generated class (<c>AdderCoroutine</c>) delegates to a value of it as to a factory call: what the sub
/// yields comes out, what is sent reaches it, and its result is the await's value.
/// </summary>
public sealed class GeneratedClassNameTests
{
    private static List<string> DriveAdder(Coroutine<string, int, Unit> outer)
    {
        var seen = new List<string>();
        Assert.True(outer.MoveNext());
        seen.Add(outer.Current);
        Assert.True(outer.Send(3));
        seen.Add(outer.Current);
        Assert.True(outer.Send(4));
        seen.Add(outer.Current);
        Assert.False(outer.MoveNext());
        return seen;
    }

    [Fact]
    public void AwaitingAFieldOfTheGeneratedClassDelegates()
    {
        var log = new List<string>();
        GeneratedClassNameTemplates.Field = GeneratedClassNameTemplates.Adder();
        Assert.Equal(new[] { "first", "second", "done 7" }, DriveAdder(GeneratedClassNameTemplates.FromField(log)));
        Assert.Equal(new[] { "field 7" }, log);
    }

    [Fact]
    public void AwaitingAParameterOfTheGeneratedClassDelegates()
    {
        var log = new List<string>();
        Assert.Equal(new[] { "first", "second", "done 7" }, DriveAdder(GeneratedClassNameTemplates.FromParameter(GeneratedClassNameTemplates.Adder(), log)));
        Assert.Equal(new[] { "parameter 7" }, log);
    }

    [Fact]
    public void AwaitingALocalOfTheGeneratedClassDelegates()
    {
        var log = new List<string>();
        Assert.Equal(new[] { "first", "second", "done 7" }, DriveAdder(GeneratedClassNameTemplates.FromLocal(log)));
        Assert.Equal(new[] { "local 7 7" }, log);
    }

    [Fact]
    public void AwaitingAMethodReturningTheGeneratedClassDelegates()
    {
        var log = new List<string>();
        Assert.Equal(new[] { "first", "second", "done 7" }, DriveAdder(GeneratedClassNameTemplates.FromMethod(log)));
        Assert.Equal(new[] { "method 7" }, log);
    }

    [Fact]
    public void AwaitingElementsOfAListOfTheGeneratedClassDelegates()
    {
        var log = new List<string>();
        var outer = GeneratedClassNameTemplates.FromList(log);
        var seen = new List<string>();
        Assert.True(outer.MoveNext());
        for (int sent = 1; sent <= 4; sent++)
        {
            seen.Add(outer.Current);
            Assert.True(outer.Send(sent));
        }

        seen.Add(outer.Current);
        Assert.False(outer.MoveNext());
        Assert.Equal(new[] { "first", "second", "first", "second", "done 10" }, seen);
        Assert.Equal(new[] { "list 10" }, log);
    }

    [Fact]
    public void AwaitingAnotherTypesGeneratedClassDelegates()
    {
        var log = new List<string>();
        var outer = GeneratedClassNameTemplates.FromOtherType(log);
        Assert.True(outer.MoveNext());
        Assert.Equal("twice", outer.Current);
        Assert.True(outer.Send(21));
        Assert.Equal("done 42", outer.Current);
        Assert.False(outer.MoveNext());
        Assert.Equal(new[] { "other 42" }, log);
    }

    [Fact]
    public void AwaitingAGenericGeneratedClassDelegates()
    {
        var log = new List<string>();
        var outer = GeneratedClassNameTemplates.FromGeneric(log);
        Assert.True(outer.MoveNext());
        Assert.Equal("echo x", outer.Current);
        Assert.True(outer.Send(0));
        Assert.Equal("done x", outer.Current);
        Assert.False(outer.MoveNext());
        Assert.Equal(new[] { "generic x" }, log);
    }
}
