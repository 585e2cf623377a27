using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;
using H = CoroGen.Tests.HandlerTemplates;

namespace CoroGen.Tests;

// Checks beyond trace equality: object identity and stack traces of rethrown exceptions, the documented catch-all
// difference, and exact finally order for the section 7 cases.
public sealed partial class HandlerTests
{
    [Fact]
    public void Case11_ThrowInAMovedCatchRethrowsTheSameObjectWithItsStackTrace()
    {
        var log = new List<string>();
        var coroutine = H.Case11_RethrowKeepsTheTrace(log);
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.MoveNext());
        Assert.Equal(2, coroutine.Current);
        var e = Assert.Throws<InvalidOperationException>(() => coroutine.MoveNext());
        Assert.Equal("from the helper", e.Message);
        Assert.Contains("FailInHelper", e.StackTrace);
        Assert.Equal(CoroutineState.Faulted, coroutine.State);

        var thrown = new InvalidOperationException("thrown in");
        var second = H.Case11_RethrowAfterYield(log);
        Assert.True(second.MoveNext());
        Assert.True(second.Throw(thrown));
        Assert.Same(thrown, Assert.Throws<InvalidOperationException>(() => second.MoveNext()));
    }

    [Fact]
    public void Case12_ThePendingExceptionLeavesIntactAfterTheFinallyYieldsTwice()
    {
        var log = new List<string>();
        var coroutine = H.Case12_FinallyYieldsTwiceWithPendingException(log);
        var thrown = new FormatException("pending");
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.Throw(thrown));
        Assert.Equal(2, coroutine.Current);
        Assert.True(coroutine.MoveNext());
        Assert.Equal(3, coroutine.Current);
        Assert.Same(thrown, Assert.Throws<FormatException>(() => coroutine.MoveNext()));
        Assert.Equal(new[] { "between", "finally done" }, log);
    }

    [Fact]
    public void Case02_ABreakRunsBothSuspendingFinallysInnerFirst()
    {
        string trace = CoroutineDriver.Trace(log => H.Case02_BreakThroughTwoFinallys(log), CoroutineOp.Drain());
        Assert.Contains("log: inner finally, outer finally, loop again, inner finally, outer finally, after the loop", trace);
        Assert.Contains("Drain() -> 1, 2, 3, 1, 2, 3, false", trace);
    }

    [Fact]
    public void Case07_CloseWhileTheFinallyYieldsIsIgnoredAndStaysSuspended()
    {
        var log = new List<string>();
        var coroutine = H.Case07_FinallyYieldsDuringClose(log);
        Assert.True(coroutine.MoveNext());
        Assert.Throws<InvalidOperationException>(() => coroutine.Close());
        Assert.Equal(CoroutineState.Suspended, coroutine.State);
        Assert.Equal(2, coroutine.Current);
        Assert.Throws<CoroutineExitException>(() => coroutine.MoveNext()); // the pending exit, raised again after the finally: Closed
        Assert.Equal(CoroutineState.Closed, coroutine.State);
        Assert.Equal(new[] { "finally starts", "finally ends" }, log);
    }

    [Fact]
    public void Case13_PendingReturnValueSurvivesTheSuspendingFinally()
    {
        var log = new List<string>();
        var coroutine = H.Case13_PendingBreakAndReturn(log);
        while (coroutine.MoveNext())
        {
        }

        Assert.Equal(CoroutineState.Completed, coroutine.State);
        Assert.Equal(40, coroutine.Result);
        Assert.Equal(
            new[] { "finally 0/0", "finally 0/1", "after inner 0", "next outer 0", "finally 1/0", "next outer 1", "finally 2/0" },
            log);
    }

    [Fact]
    public void Case14_CatchAllAroundASuspensionIsTheDocumentedDifference()
    {
        // API.md section 4: catch (Exception) and a bare catch do not intercept CoroutineExitException in generated classes;
        // the C# compiler's lowering (the oracle) cannot know that rule, so there Close is swallowed and the handler yields.
        CoroutineOp[] close = { CoroutineOp.MoveNext, CoroutineOp.Close, CoroutineOp.MoveNext };
        string oracle = CoroutineDriver.Trace(log => TemplateOracle.Run<int>(co => H.Case14_CatchAllLetsCloseThrough(log, co)), close);
        string generated = CoroutineDriver.Trace(log => H.Case14_CatchAllLetsCloseThrough(log), close);
        Assert.Contains("caught CoroutineExitException", oracle);
        Assert.DoesNotContain("caught", generated);
        Assert.Contains("Close() -> returned | Closed | log: finally", generated);

        string bare = CoroutineDriver.Trace(log => H.BareCatchYields(log), close);
        Assert.DoesNotContain("bare catch", bare);
        Assert.Contains("Close() -> returned | Closed", bare);
    }

    [Fact]
    public void Case27_EachIterationsClosureSeesItsOwnVariable()
    {
        string trace = CoroutineDriver.Trace(log => H.Case27_BodyLocalClosures(log), CoroutineOp.Drain());
        Assert.Contains("log: item0:100,item1:101,item2:102", trace);
        string shared = CoroutineDriver.Trace(log => H.Case27_ForVariableIsShared(log), CoroutineOp.Drain());
        Assert.Contains("log: 3,3,3", shared);
        string written = CoroutineDriver.Trace(log => H.Case27_WhileBodyClosuresThatWrite(log), CoroutineOp.Drain());
        Assert.Contains("log: 0,42,2", written);
    }
}
