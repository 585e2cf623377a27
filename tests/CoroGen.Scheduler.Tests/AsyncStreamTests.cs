using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// <c>await foreach</c> and <c>await using</c> in scheduler templates (AsyncStreamTemplates.cs): every hidden await
/// (MoveNextAsync, DisposeAsync) suspends only its task, and disposal runs on every way out of the loop or block: its
/// end, break, return, an exception, cancellation and a timeout.
/// </summary>
public class AsyncStreamTests
{
    // A C# async iterator whose steps complete on the thread pool, recording its finally (run by DisposeAsync).
    private static async IAsyncEnumerable<int> Numbers(int count, List<string> log, [EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            for (int i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }
        finally
        {
            log.Add("source finally");
        }
    }

    [Fact]
    public void AwaitForeach_OverAnAsyncIterator_TakesEveryValueOnTheLoopThread_ThenDisposesIt()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        int total = loop.Run(AsyncStreamTemplates.Sum(Numbers(4, log), log));
        Assert.Equal(6, total);
        Assert.Equal(new[] { "got 0", "got 1", "got 2", "got 3", "source finally", "after the loop" }, log);
        Assert.Equal(TimeSpan.FromSeconds(4), loop.Elapsed); // the body's sleeps, one per value
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AwaitForeach_Return_DisposesTheEnumeratorBeforeTheTaskFinishes(bool pending)
    {
        var log = new List<string>();
        var source = new ScriptedAsyncEnumerable<int>(new[] { 1, 0, 5, 7 }, pending, log);
        int r = S.VirtualLoop().Run(AsyncStreamTemplates.FirstAbove(source, 4, log));
        Assert.Equal(5, r);
        Assert.Equal(new[] { "skipping 1", "returning 5", "enumerator disposed at 2" }, log);
        Assert.Equal(pending ? 3 : 0, source.Steps.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AwaitForeach_BreakAndContinue_DisposeOnceWhenTheLoopIsLeft(bool pending)
    {
        var log = new List<string>();
        int r = S.VirtualLoop().Run(AsyncStreamTemplates.FirstAbove(new ScriptedAsyncEnumerable<int>(new[] { 2, 0, -1, 9 }, pending, log), 4, log));
        Assert.Equal(-1, r);
        Assert.Equal(new[] { "skipping 2", "enumerator disposed at 2", "none above 4" }, log);
    }

    [Fact]
    public void AwaitForeach_ToTheEnd_DisposesAfterTheLastMoveNext()
    {
        var log = new List<string>();
        int r = S.VirtualLoop().Run(AsyncStreamTemplates.FirstAbove(new ScriptedAsyncEnumerable<int>(new[] { 3 }, true, log), 4, log));
        Assert.Equal(-1, r);
        Assert.Equal(new[] { "skipping 3", "enumerator disposed at 1", "none above 4" }, log);
    }

    [Fact]
    public void AwaitForeach_AnExceptionInTheBody_DisposesTheSource_AndEscapesAsItself()
    {
        var log = new List<string>();
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(AsyncStreamTemplates.FailsInBody(Numbers(5, log))));
        Assert.Equal("failed at 2 after 3", e.Message);
        Assert.Equal(new[] { "source finally" }, log);
        Assert.Contains("AsyncStreamTemplates.cs:line 70", e.StackTrace); // the template's throw statement
    }

    [Fact]
    public void AwaitForeach_DrainsAChannelReader_Configured_WhileAnotherThreadWrites()
    {
        var channel = Channel.CreateUnbounded<string>();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                await channel.Writer.WriteAsync("item " + i);
                if (i % 10 == 0)
                {
                    await Task.Delay(1);
                }
            }

            channel.Writer.Complete();
        });
        List<string> items = S.VirtualLoop().Run(AsyncStreamTemplates.Drain(channel.Reader, CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "item " + i), items);
        Assert.True(writer.Wait(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void AwaitForeach_DeconstructsTuples_AcrossSuspensionPoints()
    {
        var source = new ScriptedAsyncEnumerable<(string, int)>(new[] { ("a", 1), ("b", 2) }, true, new List<string>());
        var loop = S.VirtualLoop();
        Assert.Equal("a=1;b=2;", loop.Run(AsyncStreamTemplates.Deconstructs(source)));
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void AwaitForeach_Nested_DisposesEachInnerEnumeratorBeforeTheNextOuterStep()
    {
        var log = new List<string>();
        IAsyncEnumerable<int> Rows(int row) => row < 0
            ? new ScriptedAsyncEnumerable<int>(new[] { 1, 2 }, true, log)
            : new ScriptedAsyncEnumerable<int>(Enumerable.Range(0, row).ToArray(), false, log);
        Assert.Equal(10 + 20 + 21, S.VirtualLoop().Run(AsyncStreamTemplates.Nested(Rows)));
        Assert.Equal(new[] { "enumerator disposed at 1", "enumerator disposed at 2", "enumerator disposed at 2" }, log);
    }

    [Theory]
    [InlineData(false, "try,finally 1,finally 2,disposing in finally,disposed in finally,odd", 1)]
    [InlineData(true, "catch 1 boom,catch 2 boom,finally 1,finally 2,disposing in finally,disposed in finally,even 1,even 2", 3)]
    public void AwaitForeachAndAwaitUsing_InCatchFinallyAndSwitch(bool fail, string expected, int enumerations)
    {
        var log = new AsyncResourceLog();
        var sourceLog = new List<string>();
        string r = S.VirtualLoop().Run(AsyncStreamTemplates.InHandlers(() => new ScriptedAsyncEnumerable<int>(new[] { 1, 2 }, true, sourceLog), fail, log));
        Assert.Equal(expected, r);
        Assert.All(sourceLog, line => Assert.Equal("enumerator disposed at 2", line));
        Assert.Equal(enumerations, sourceLog.Count);
    }

    [Fact]
    public void AwaitForeach_EachIterationsClosureSeesItsOwnVariable()
    {
        var source = new ScriptedAsyncEnumerable<int>(new[] { 4, 5, 6 }, true, new List<string>());
        Assert.Equal("4,5,6", S.VirtualLoop().Run(AsyncStreamTemplates.Captures(source)));
    }

    [Fact]
    public void AwaitForeach_EachIterationsClosureSeesItsOwnDeconstructedVariables()
    {
        var source = new ScriptedAsyncEnumerable<(string, int)>(new[] { ("a", 1), ("b", 2) }, true, new List<string>());
        Assert.Equal("a1,b2", S.VirtualLoop().Run(AsyncStreamTemplates.CapturesDeconstructed(source)));
    }

    [Fact]
    public void AwaitUsing_DisposesEachResourceAtTheEndOfItsScope_InReverseOrder()
    {
        var log = new AsyncResourceLog();
        Assert.Equal("done", S.VirtualLoop().Run(AsyncStreamTemplates.UsesResources(log, fail: false)));
        Assert.Equal(
            new[]
            {
                "inside second", "disposing second", "disposed second",
                "inside fourth", "disposing fourth", "disposed fourth", "disposing third", "disposed third", "disposing first", "disposed first",
            },
            log);
    }

    [Fact]
    public void AwaitUsing_AnExceptionLeavesThroughEveryDisposal()
    {
        var log = new AsyncResourceLog();
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(AsyncStreamTemplates.UsesResources(log, fail: true)));
        Assert.Equal("failed inside fourth", e.Message);
        Assert.Equal(
            new[] { "disposing fourth", "disposed fourth", "disposing third", "disposed third", "disposing first", "disposed first" },
            log.Skip(4));
    }

    [Fact]
    public void AwaitUsing_ADisposalThatWaits_SuspendsOnlyItsTask()
    {
        var log = new AsyncResourceLog();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposing = new LoopEvent();
        log.DisposeWaitsFor = name =>
        {
            if (name != "second")
            {
                return Task.CompletedTask;
            }

            disposing.Set(); // DisposeAsync runs on the loop thread up to its first await
            return release.Task;
        };
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var user = s.Co.Spawn(AsyncStreamTemplates.UsesResources(log, fail: false));
            await s.Call(disposing.Wait()); // only another loop task can run while the user's disposal waits
            log.Add("releasing at " + s.Co.Now().TotalSeconds);
            release.SetResult();
            return await s.Call(user.Join());
        }));
        Assert.Equal("done", r);
        Assert.Equal(new[] { "inside second", "disposing second", "releasing at 1", "disposed second", "inside fourth" }, log.Take(5));
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Elapsed); // 1 s inside second, 1 s inside fourth
    }

    [Fact]
    public void AwaitUsing_OfConfiguredResources_DisposesThem()
    {
        var log = new AsyncResourceLog();
        var loop = S.VirtualLoop();
        loop.Run(AsyncStreamTemplates.ConfiguredResources(log));
        Assert.Equal(new[] { "inside", "disposing configured", "disposed configured", "inside declared", "disposing declared", "disposed declared" }, log);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void AwaitUsing_OfAnExpression_SkipsNull()
    {
        var log = new AsyncResourceLog();
        S.VirtualLoop().Run(AsyncStreamTemplates.UsesExpressionResource(null, log));
        S.VirtualLoop().Run(AsyncStreamTemplates.UsesExpressionResource(new AsyncResource("given", log), log));
        Assert.Equal(new[] { "inside", "after", "inside", "disposing given", "disposed given", "after" }, log);
    }

    [Fact]
    public void AwaitUsing_OfStructsAndNullableStructs()
    {
        var log = new AsyncResourceLog();
        S.VirtualLoop().Run(AsyncStreamTemplates.UsesStructResource(log));
        Assert.Equal(new[] { "struct disposed 1", "nullable struct", "struct disposed 1" }, log);
    }

    [Fact]
    public void Cancellation_InsideAwaitForeachAndAwaitUsing_DisposesBoth_AndTheTaskEndsCancelled()
    {
        var log = new AsyncResourceLog();
        var sourceLog = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(AsyncStreamTemplates.SleepsInside(new ScriptedAsyncEnumerable<int>(new[] { 4, 5 }, true, sourceLog), log));
            await s.Y(s.Co.Sleep(3));
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled);
            return default;
        }));
        Assert.Equal(new[] { "sleeping at 4", "disposing resource", "disposed resource" }, log);
        Assert.Equal(new[] { "enumerator disposed at 0" }, sourceLog);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed);
    }

    // A C# async iterator that waits for a task before its first value; its finally runs when it is disposed.
    private static async IAsyncEnumerable<int> WaitsFor(Task gate, List<string> log, ManualResetEventSlim finished)
    {
        try
        {
            await gate;
            yield return 1;
        }
        finally
        {
            log.Add("source finally");
            finished.Set();
        }
    }

    [Fact]
    public void Cancellation_WhileMoveNextAsyncIsPending_EndsTheTaskCancelled_AndDisposesTheSourceWhenTheStepCompletes()
    {
        // A C# async iterator refuses DisposeAsync while its MoveNextAsync runs (NotSupportedException): the cancellation
        // is raised at once, and the disposal waits for the step, off the loop, as any .NET task nobody awaits runs on.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sourceLog = new List<string>();
        using var finished = new ManualResetEventSlim();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(AsyncStreamTemplates.Sum(WaitsFor(gate.Task, sourceLog, finished), new List<string>()));
            await s.Y(); // t runs until it waits for MoveNextAsync (no timer: a virtual clock waits for pending .NET tasks)
            await s.Y();
            Assert.Equal(LoopTaskStatus.Waiting, t.State);
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled, t.Exception?.ToString());
            return default;
        }));
        Assert.Empty(sourceLog);
        gate.SetResult();
        Assert.True(finished.Wait(TimeSpan.FromSeconds(30)), "the source was never disposed");
        Assert.Equal(new[] { "source finally" }, sourceLog);
    }

    [Fact]
    public void Cancellation_WhileAConfiguredSourcesStepIsPending_EndsTheTaskCancelled()
    {
        var channel = Channel.CreateUnbounded<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(AsyncStreamTemplates.Drain(channel.Reader, CancellationToken.None));
            await s.Y();
            await s.Y();
            Assert.Equal(LoopTaskStatus.Waiting, t.State);
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled, t.Exception?.ToString());
            return default;
        }));
        channel.Writer.Complete(); // the pending step finishes; the reader's enumerator is disposed after it, off the loop
    }

    [Fact]
    public void AwaitForeach_AStepThatFails_RaisesItsExceptionAtTheAwaitForeach_AndStillDisposes()
    {
        var sourceLog = new List<string>();
        var boom = new InvalidOperationException("the source failed");
        var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(AsyncStreamTemplates.Sum(Failing(boom, sourceLog), new List<string>())));
        Assert.Same(boom, e);
        Assert.Equal(new[] { "source finally" }, sourceLog);
    }

    private static async IAsyncEnumerable<int> Failing(Exception e, List<string> log)
    {
        try
        {
            await Task.Yield();
            if (e is not null)
            {
                throw e;
            }

            yield break;
        }
        finally
        {
            log.Add("source finally");
        }
    }

    [Fact]
    public void MoveOnAfter_AroundAnAwaitForeach_LeavesTheLoop_AndDisposesTheSource()
    {
        var sourceLog = new List<string>();
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var r = loop.Run(S.Of<TimeoutResult<int>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2.5), AsyncStreamTemplates.Sum(new ScriptedAsyncEnumerable<int>(new[] { 1, 2, 3, 4, 5 }, false, sourceLog), log)))));
        Assert.True(r.TimedOut);
        Assert.Equal(new[] { "got 1", "got 2", "got 3" }, log);
        Assert.Equal(new[] { "enumerator disposed at 2" }, sourceLog);
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Elapsed);
    }
}
