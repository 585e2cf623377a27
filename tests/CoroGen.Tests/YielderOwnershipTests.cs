using System;
using System.Collections.Generic;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// A Yielder belongs to the coroutine it was given to: a Yield made through one kept from another coroutine is refused
/// where it is made, instead of changing the other coroutine's Current while the awaiting one yields nothing.
/// </summary>
public static partial class YielderOwnershipTemplates
{
    public static Yielder<int>? Kept;

    [Coroutine]
    public static async Coroutine Keeper(Yielder<int> co)
    {
        Kept = co;
        await co.Yield(1);
        await co.Yield(2);
    }

    [Coroutine]
    public static async Coroutine UsesKept(List<string> log, Yielder<int> co)
    {
        await co.Yield(10);
        try
        {
            await Kept!.Yield(99);
            log.Add("yielded through the kept Yielder");
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Coroutine]
    public static async Coroutine UsesKeptThroughAHelper(Yielder<int> co)
    {
        await co.Yield(10);
        await Twice(Kept!, 5);
    }

    [Coroutine]
    public static async Coroutine UsesAHelper(Yielder<int> co)
    {
        await Twice(co, 5);
        await co.YieldAll(new[] { 7, 8 });
    }

    // The running coroutine drives another one whose body yields through the running one's Yielder.
    [Coroutine]
    public static async Coroutine DrivesAnother(Yielder<int> co)
    {
        Kept = co;
        Coroutine<int, Unit, Unit> other = UsesKeptThroughAHelper();
        other.MoveNext();
        await co.Yield(1);
        other.MoveNext();
    }

    private static YieldAwaitable<Unit> Twice(Yielder<int> co, int value) => co.Yield(value * 2);
}

public sealed class YielderOwnershipTests
{
    [Fact]
    public void AYieldThroughASuspendedCoroutinesYielderIsRefusedAndLeavesThatCoroutineAlone()
    {
        var keeper = YielderOwnershipTemplates.Keeper();
        Assert.True(keeper.MoveNext());
        var log = new List<string>();
        var user = YielderOwnershipTemplates.UsesKept(log);
        Assert.True(user.MoveNext());
        var e = Assert.Throws<InvalidOperationException>(() => user.MoveNext());
        Assert.StartsWith("Yield was called on the Yielder of a coroutine that is not running", e.Message);
        Assert.Equal(new[] { "finally" }, log); // raised at the await, inside the try
        Assert.Equal(CoroutineState.Faulted, user.State);
        Assert.Equal(1, keeper.Current); // untouched
        Assert.True(keeper.MoveNext());
        Assert.Equal(2, keeper.Current);
    }

    [Fact]
    public void AYieldThroughAFinishedCoroutinesYielderIsRefused()
    {
        var keeper = YielderOwnershipTemplates.Keeper();
        while (keeper.MoveNext())
        {
        }

        var user = YielderOwnershipTemplates.UsesKeptThroughAHelper();
        Assert.True(user.MoveNext());
        Assert.Throws<InvalidOperationException>(() => user.MoveNext());
    }

    [Fact]
    public void AYieldThroughTheRunningDriversYielderIsRefusedInTheDrivenCoroutine()
    {
        var driver = YielderOwnershipTemplates.DrivesAnother();
        Assert.True(driver.MoveNext());
        Assert.Equal(1, driver.Current);
        var e = Assert.Throws<InvalidOperationException>(() => driver.MoveNext()); // raised in the driven coroutine, escaping through the driver
        Assert.StartsWith("A coroutine awaited a Yield made through the Yielder of another coroutine", e.Message);
    }

    [Fact]
    public void AHelperGivenTheCoroutinesOwnYielderYieldsThroughIt()
    {
        Assert.Equal(new[] { 10, 7, 8 }, System.Linq.Enumerable.ToArray(YielderOwnershipTemplates.UsesAHelper()));
    }

    [Fact]
    public void YieldAllOfNullNamesTheMistake()
    {
        var e = Assert.Throws<ArgumentNullException>(() => YieldAllOfNull().MoveNext());
        Assert.Equal("items", e.ParamName);
        Assert.StartsWith("co.YieldAll was given null", e.Message);
    }

    private static Coroutine<int, Unit, Unit> YieldAllOfNull() => YielderOwnershipTemplates2.YieldAllNull();
}

public static partial class YielderOwnershipTemplates2
{
    [Coroutine]
    public static async Coroutine YieldAllNull(Yielder<int> co)
    {
        await co.YieldAll(null!);
    }
}
