using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using C = CoroGen.Tests.ConvertingTemplates;

namespace CoroGen.Tests;

/// <summary>
/// API.md section 5: `sub` may be any Coroutine&lt;TYield2, TSend2, TReturn2&gt; whose TYield2 converts implicitly to TYield and
/// whose TSend2 is assignable from TSend, with every delegation rule holding through the conversion.
/// </summary>
public sealed class ConvertingDelegationConformanceTests
{
    [Fact]
    public void YieldsAreConvertedOutSendsInAndTheAwaitGetsTheSubsResult()
    {
        var log = new List<string>();
        var co = C.Widening(log);
        Assert.True(co.MoveNext());
        Assert.Equal(1L, co.Current);
        Assert.True(co.Send(20));
        Assert.Equal(2L, co.Current);
        Assert.True(co.MoveNext()); // MoveNext resumes the sub with default
        Assert.Equal(20_000L, co.Current);
        Assert.Equal(new[] { "ints got 20", "ints got 0", "ints finally", "widening got 20" }, log);
        Assert.False(co.MoveNext());
        Assert.Equal(20L, co.Result);
    }

    [Fact]
    public void ThrowIsForwardedToTheSubWhichHandlesIt()
    {
        var log = new List<string>();
        var co = C.Widening(log);
        co.MoveNext();
        Assert.True(co.Throw(new FormatException("f")));
        Assert.Equal(-1L, co.Current);
        Assert.True(co.MoveNext());
        Assert.Equal(-1000L, co.Current);
        Assert.Equal(new[] { "ints caught f", "ints finally", "widening got -1" }, log);
    }

    [Fact]
    public void AnExceptionEscapingTheSubIsRaisedAtTheAwaitAsTheSameObject()
    {
        var log = new List<string>();
        var co = C.Widening(log);
        co.MoveNext();
        var e = new ArgumentException("a");
        Assert.False(co.Throw(e));
        Assert.Equal(-2L, co.Result);
        Assert.Equal(new[] { "ints finally", "widening caught a" }, log);

        var uncaught = new InvalidOperationException("escapes");
        var other = C.Widening(new List<string>());
        other.MoveNext();
        Assert.Same(uncaught, Assert.Throws<InvalidOperationException>(() => other.Throw(uncaught)));
        Assert.Equal(CoroutineState.Faulted, other.State);
    }

    [Fact]
    public void CloseClosesTheSubFirstThenRaisesTheExitAtTheAwait()
    {
        var log = new List<string>();
        var co = C.Widening(log);
        co.MoveNext();
        co.Close();
        Assert.Equal(new[] { "ints finally", "widening caught exit" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);

        var thrownLog = new List<string>();
        var thrown = C.Widening(thrownLog);
        thrown.MoveNext();
        Assert.Throws<CoroutineExitException>(() => thrown.Throw(new CoroutineExitException()));
        Assert.Equal(new[] { "ints finally", "widening caught exit" }, thrownLog);
        Assert.Equal(CoroutineState.Closed, thrown.State);
    }

    [Fact]
    public void WhenTheSubsCloseThrowsThatExceptionIsRaisedAtTheAwait()
    {
        var log = new List<string>();
        var co = C.CloseThrowsAtTheAwait(log);
        Assert.True(co.MoveNext());
        Assert.Equal(1L, co.Current);
        co.Close();
        Assert.Equal(new[] { "caught at await: from sub finally" }, log);
        Assert.True(co.IsFinished);
    }

    [Fact]
    public void AStoredCoroutineConvertsToANullableYieldTypeAndAFinishedOneGivesItsResultAtOnce()
    {
        var co = C.IntoNullable(C.Ints(new List<string>()));
        Assert.True(co.MoveNext());
        Assert.Equal(1, co.Current);
        Assert.True(co.Send(3));
        Assert.Equal(2, co.Current);
        Assert.True(co.Send(4));
        Assert.Null(co.Current);
        Assert.False(co.MoveNext());
        Assert.Equal(7, co.Result);

        var finished = C.Ints(new List<string>());
        while (finished.MoveNext())
        {
        }

        var again = C.IntoNullable(finished);
        Assert.True(again.MoveNext());
        Assert.Null(again.Current);
        Assert.False(again.MoveNext());
        Assert.Equal(0, again.Result);
    }

    [Fact]
    public void MoveNextOnTheDelegatorSendsItsOwnDefaultConverted()
    {
        // README, "Delegation conversions": MoveNext resumes the sub as Send(default(TSend)) does, converted.
        var log = new List<string>();
        var co = C.SendsInts(log);
        Assert.True(co.MoveNext());
        Assert.True(co.MoveNext());
        Assert.Equal(2, co.Current);
        Assert.False(co.Send(5));
        Assert.Equal(new[] { "got 0", "got 5" }, log);
    }

    [Fact]
    public void BoxedValuesPassAlongAChainOfObject()
    {
        var log = new List<string>();
        Assert.Equal(new object[] { 1, 2, "done" }, C.Boxing(log).ToArray());
        Assert.Equal(new[] { "ints got 0", "ints got 0", "ints finally" }, log);
    }

    [Fact]
    public void AYieldedValueWhoseConversionThrowsClosesTheSubThenRaisesAtTheAwait()
    {
        var log = new List<string>();
        var sub = C.CountsWithFinally(log);
        var co = C.InMeters(sub, log);
        Assert.True(co.MoveNext());
        Assert.Equal(10, co.Current.V);
        Assert.True(co.MoveNext()); // the sub yields 11, which does not convert: it is closed, the await raises
        Assert.Equal(99, co.Current.V);
        Assert.Equal(new[] { "sub got 0", "sub finally", "delegator caught no 11 m" }, log);
        Assert.Equal(CoroutineState.Closed, sub.State);
        Assert.False(co.MoveNext());
        Assert.Equal(0, co.Result);
    }

    [Fact]
    public void ASentValueWhoseConversionThrowsClosesTheSubThenRaisesAtTheAwait()
    {
        var log = new List<string>();
        var sub = C.CountsWithFinally(log);
        var co = C.InFeet(sub, log);
        Assert.True(co.MoveNext());
        Assert.Equal(10, co.Current);
        Assert.True(co.Send(new Feet(13)));
        Assert.Equal(99, co.Current);
        Assert.Equal(new[] { "sub finally", "delegator caught no 13 ft" }, log);
        Assert.Equal(CoroutineState.Closed, sub.State);
    }

    [Fact]
    public void WhenClosingTheSubAfterAFailedConversionThrowsThatExceptionIsRaisedAtTheAwait()
    {
        // README, "Delegation conversions": as a failing sub.Close() replaces the exit (API.md section 5, PEP 380).
        var sub = C.FinallyThrows(new List<string>());
        var co = C.InMeters(sub, new List<string>());
        Assert.True(co.MoveNext());
        Assert.Equal("from sub finally", Assert.Throws<ArgumentException>(() => co.MoveNext()).Message);
        Assert.Equal(CoroutineState.Faulted, sub.State);
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void ASubThatIgnoresTheExitIsReportedAsWithoutAConversion()
    {
        var log = new List<string>();
        var co = C.OverStubbornInLongs(log);
        Assert.True(co.MoveNext());
        co.Close();
        Assert.Equal(
            new[] { "sub caught exit", "delegator caught InvalidOperationException: The sub-coroutine ignored CoroutineExitException: it yielded while being closed." },
            log);

        var plainLog = new List<string>();
        var plain = ExitIntoDelegationTemplates.OverStubborn(plainLog);
        plain.MoveNext();
        plain.Close();
        Assert.Equal(log, plainLog);
    }
}
