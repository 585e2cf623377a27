using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CoroGen.Tests;

public class Animal
{
    public string Name { get; set; } = "animal";

    public virtual string Sound(int times) => string.Concat(Enumerable.Repeat("...", times));
}

// REWRITE-DESIGN case 40's `base.M()`: the generated class reaches the container's base through generated proxies.
public partial class Dog<T> : Animal
{
    public override string Sound(int times) => "woof";

    [Coroutine]
    public async Coroutine Speak(T tag, Yielder<string> co)
    {
        string? mine = Sound(1);
        await co.Yield(mine + " " + tag);
        string inherited = base.Sound(2);
        await co.Yield(inherited);
        await co.Yield(base.Name);
    }
}

public sealed class BaseAccessTests
{
    [Fact]
    public void BaseCallsAndPropertyReadsReachTheBaseClass()
    {
        var dog = new Dog<int> { Name = "rex" };
        Assert.Equal(new[] { "woof 7", "......", "rex" }, dog.Speak(7).ToArray());
    }

    [Fact]
    public void BaseCallsAgreeWithTheOracle()
    {
        var dog = new Dog<int>();
        var oracle = new List<string>();
        var generated = new List<string>();
        var fromOracle = CoroGen.Templates.TemplateOracle.Run<string>(co => dog.Speak(1, co));
        while (fromOracle.MoveNext())
        {
            oracle.Add(fromOracle.Current);
        }

        foreach (string s in dog.Speak(1))
        {
            generated.Add(s);
        }

        Assert.Equal(oracle, generated);
    }
}
