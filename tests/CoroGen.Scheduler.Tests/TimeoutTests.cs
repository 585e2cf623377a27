using System;
using System.Collections.Generic;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class TimeoutTests
{
    private static Script<int> SleepThen(double seconds, int value, List<string>? log = null, string name = "") => S.Of<int>(async s =>
    {
        try
        {
            await s.Y(s.Co.Sleep(seconds));
            return value;
        }
        finally
        {
            log?.Add($"{name} finally at {s.Co.Now().TotalSeconds}");
        }
    });

    [Fact]
    public void MoveOnAfter_BodyFinishesFirst_ReturnsItsValue()
    {
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<TimeoutResult<int>>(async s => await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(5), SleepThen(1, 42)))));
        Assert.False(r.TimedOut);
        Assert.True(r.Completed);
        Assert.Equal(42, r.Value);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed); // the timer that never fired costs nothing
    }

    [Fact]
    public void MoveOnAfter_AroundAJoin_StopsTheWaitAndLeavesTheJoinedTaskRunning()
    {
        // scheduler.md §5: the scope bounds the waiting task only, as trio's scopes do.
        var loop = S.VirtualLoop();
        string outcome = loop.Run(S.Of<string>(async s =>
        {
            LoopTask<int> child = s.Co.Spawn(SleepThen(5, 7));
            TimeoutResult<int> r = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), child.Join()));
            string during = $"{r.TimedOut} {child.IsFinished} {s.Co.Now().TotalSeconds}";
            int value = await s.Call(child.Join());
            return $"{during} {value} {s.Co.Now().TotalSeconds}";
        }));
        Assert.Equal("True False 1 7 5", outcome);
    }

    [Fact]
    public void MoveOnAfter_DeadlinePasses_BodyIsCancelledInnermostFirst_ScopeMovesOn()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<TimeoutResult<int>>(async s =>
        {
            var res = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Of<int>(async b =>
            {
                try
                {
                    return await b.Call(SleepThen(10, 1, log, "inner"));
                }
                finally
                {
                    log.Add("body finally");
                }
            })));
            log.Add("after scope at " + s.Co.Now().TotalSeconds);
            return res;
        }));
        Assert.True(r.TimedOut);
        Assert.Equal(0, r.Value);
        Assert.Equal(new[] { "inner finally at 2", "body finally", "after scope at 2" }, log);
    }

    [Fact]
    public void FailAfter_RaisesTimeoutException_OrReturnsTheValue()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            int ok = await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(3), SleepThen(1, 7)));
            Assert.Equal(7, ok);
            try
            {
                await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(3), SleepThen(10, 8)));
                return "no timeout";
            }
            catch (TimeoutException e)
            {
                Assert.IsAssignableFrom<CoroutineCancelledException>(e.InnerException);
                return "timeout at " + s.Co.Now().TotalSeconds;
            }
        }));
        Assert.Equal("timeout at 4", r);
    }

    [Fact]
    public void NestedScopes_OuterShorter_OuterFires_InnerDoesNotCatchIt()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var outer = loop.Run(S.Of<TimeoutResult<TimeoutResult<int>>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<TimeoutResult<int>>(async b =>
            {
                var inner = await b.Call(b.Co.MoveOnAfter(TimeSpan.FromSeconds(5), SleepThen(10, 1, log, "body")));
                log.Add("inner scope returned"); // must not happen: the outer timeout passes through the inner scope
                return inner;
            })))));
        Assert.True(outer.TimedOut);
        Assert.Equal(new[] { "body finally at 1" }, log);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void NestedScopes_InnerShorter_InnerFires_OuterContinues()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var outer = loop.Run(S.Of<TimeoutResult<string>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(10), S.Of<string>(async b =>
            {
                var inner = await b.Call(b.Co.MoveOnAfter(TimeSpan.FromSeconds(1), SleepThen(5, 1, log, "body")));
                log.Add($"inner timed out: {inner.TimedOut} at {b.Co.Now().TotalSeconds}");
                await b.Y(b.Co.Sleep(2));
                return "outer body done";
            })))));
        Assert.False(outer.TimedOut);
        Assert.Equal("outer body done", outer.Value);
        Assert.Equal(new[] { "body finally at 1", "inner timed out: True at 1" }, log);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed);
    }

    [Fact]
    public void NestedScopes_SameDeadline_OuterWins()
    {
        var loop = S.VirtualLoop();
        var outer = loop.Run(S.Of<TimeoutResult<bool>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<bool>(async b =>
            {
                var inner = await b.Call(b.Co.MoveOnAfter(TimeSpan.FromSeconds(1), SleepThen(5, 1)));
                return inner.TimedOut;
            })))));
        Assert.True(outer.TimedOut);
    }

    [Fact]
    public void NestedScopes_SameDeadline_TheBodyIsInterruptedByTheOuterTimeout_WhichFailAfterHoldsAsItsInnerException()
    {
        // When both expire together the outer one wins (scheduler.md §5): the cancellation raised in the body is the outer
        // scope's, and FailAfter's TimeoutException holds the cancellation that interrupted the body as its inner exception.
        CoroutineCancelledException? seen = null;
        var loop = S.VirtualLoop();
        var e = Assert.Throws<TimeoutException>(() => loop.Run(S.Of<TimeoutResult<int>>(async s =>
            await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(1), S.Of<TimeoutResult<int>>(async b =>
                await b.Call(b.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Of<int>(async body =>
                {
                    try
                    {
                        await body.Y(body.Co.Sleep(5));
                        return 1;
                    }
                    catch (CoroutineCancelledException c)
                    {
                        seen = c;
                        throw;
                    }
                })))))))));
        Assert.NotNull(seen);
        Assert.Same(seen, e.InnerException);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void Timeouts_AroundLoopPrimitives_LeaveThemConsistent()
    {
        var ch = new LoopChannel<int>(1);
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var timedOut = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), ch.Receive()));
            Assert.True(timedOut.TimedOut);
            var producer = s.Co.Spawn(S.Do(async p =>
            {
                await p.Y(p.Co.Sleep(1));
                await p.Call(ch.Send(99));
                return default;
            }));
            var got = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(5), ch.Receive()));
            return $"{got.TimedOut} {got.Value} {s.Co.Now().TotalSeconds}";
        }));
        Assert.Equal("False 99 2", r);
    }

    [Fact]
    public void ThousandsOfScopesThatNeverFire_CostNothingLater()
    {
        var loop = S.VirtualLoop();
        int done = loop.Run(S.Of<int>(async s =>
        {
            int n = 0;
            for (int i = 0; i < 20_000; i++)
            {
                var r = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromHours(1), S.Of<int>(async b =>
                {
                    await b.Y();
                    return 1;
                })));
                n += r.Value;
            }

            return n;
        }));
        Assert.Equal(20_000, done);
        Assert.Equal(TimeSpan.Zero, loop.Elapsed); // no dead timer woke the loop or moved the clock
    }
}
