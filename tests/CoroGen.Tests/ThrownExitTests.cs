using System;
using System.Collections.Generic;
using Xunit;

namespace CoroGen.Tests;

// Throw(exit) into a delegation chain, as CPython's gen.throw(GeneratorExit()) does it (PEP 380): each sub is closed with
// an exit of its own, and only the coroutine Throw is called on sees the thrown object. An exit an earlier Close raised,
// kept by user code and passed to Throw later, is a thrown exit like any other.
public static partial class ThrownExitTemplates
{
    [Coroutine]
    public static async Coroutine<int> Leaf(List<Exception> seen, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException e)
        {
            seen.Add(e);
            throw;
        }

        return 0;
    }

    [Coroutine]
    public static async Coroutine<int> Mid(List<Exception> seen, Yielder<int, int> co)
    {
        try
        {
            return await Leaf(seen, co);
        }
        catch (CoroutineExitException e)
        {
            seen.Add(e);
            throw;
        }
    }

    [Coroutine]
    public static async Coroutine<int> Root(List<Exception> seen, bool returns, Yielder<int, int> co)
    {
        try
        {
            return await Mid(seen, co);
        }
        catch (CoroutineExitException e)
        {
            seen.Add(e);
            if (returns)
            {
                return 42;
            }

            throw;
        }
    }

    // Catches the exit and returns: kept, the exit can be passed to Throw later.
    [Coroutine]
    public static async Coroutine<int> Keeper(List<Exception> kept, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException e)
        {
            kept.Add(e);
            return 7;
        }

        return 0;
    }
}

public sealed class ThrownExitTests
{
    [Fact]
    public void AThrownExitClosesEachSubWithAnExitOfItsOwn_AndIsRaisedAsItselfOnlyWhereThrowWasCalled()
    {
        var seen = new List<Exception>();
        var root = ThrownExitTemplates.Root(seen, returns: false);
        Assert.True(root.MoveNext());
        var exit = new CoroutineExitException();

        Assert.Same(exit, Assert.Throws<CoroutineExitException>(() => root.Throw(exit)));

        Assert.Equal(3, seen.Count); // leaf, mid, root
        Assert.IsType<CoroutineExitException>(seen[0]);
        Assert.NotSame(exit, seen[0]);
        Assert.IsType<CoroutineExitException>(seen[1]);
        Assert.NotSame(exit, seen[1]);
        Assert.Same(exit, seen[2]);
        Assert.Equal(CoroutineState.Closed, root.State);
    }

    [Fact]
    public void ACoroutineThatCatchesAThrownExitAndReturnsCompletesWithItsResult()
    {
        var seen = new List<Exception>();
        var root = ThrownExitTemplates.Root(seen, returns: true);
        Assert.True(root.MoveNext());

        Assert.False(root.Throw(new CoroutineExitException()));

        Assert.Equal(CoroutineState.Completed, root.State);
        Assert.Equal(42, root.Result);
    }

    [Fact]
    public void AnExitThatCloseRaisedIsAThrownExitWhenUserCodePassesItToThrowLater()
    {
        var kept = new List<Exception>();
        var keeper = ThrownExitTemplates.Keeper(kept);
        Assert.True(keeper.MoveNext());
        keeper.Close();
        Assert.Equal(CoroutineState.Closed, keeper.State);
        var closeExit = (CoroutineExitException)Assert.Single(kept);

        // Into a chain: it escapes Throw as itself (it was lost: Throw returned false and nothing was raised).
        var seen = new List<Exception>();
        var root = ThrownExitTemplates.Root(seen, returns: false);
        Assert.True(root.MoveNext());
        Assert.Same(closeExit, Assert.Throws<CoroutineExitException>(() => root.Throw(closeExit)));
        Assert.Same(closeExit, seen[2]);
        Assert.Equal(CoroutineState.Closed, root.State);

        // Into a chain whose root catches it and returns: Completed with the result (it ended Closed, without one).
        var returning = ThrownExitTemplates.Root(new List<Exception>(), returns: true);
        Assert.True(returning.MoveNext());
        Assert.False(returning.Throw(closeExit));
        Assert.Equal(CoroutineState.Completed, returning.State);
        Assert.Equal(42, returning.Result);

        // Into a coroutine without a chain that catches it and returns: the same.
        var second = ThrownExitTemplates.Keeper(new List<Exception>());
        Assert.True(second.MoveNext());
        Assert.False(second.Throw(closeExit));
        Assert.Equal(CoroutineState.Completed, second.State);
        Assert.Equal(7, second.Result);
    }
}
