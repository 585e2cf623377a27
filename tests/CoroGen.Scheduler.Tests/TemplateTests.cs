using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>The scheduler driving classes the generator made from real templates (Templates.cs).</summary>
public class TemplateTests
{
    [Fact]
    public void SeedAsyncExample_FromTemplates_PrintsWhatTheSeedPrints_In2_5VirtualSeconds()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(SchedulerTemplates.Main(output));
        Assert.Equal(
            new[]
            {
                "Starting to download page", "Starting to download page", "Starting to download page",
                "Done downloading page", "Starting to write data to db",
                "Done downloading page", "Starting to write data to db",
                "Done downloading page", "Starting to write data to db",
                "Connected to db", "Connected to db", "Connected to db",
                "Done writing data to db", "Done writing data to db", "Done writing data to db",
            },
            output);
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Elapsed);
    }

    [Fact]
    public void DeconstructedVarLocalsTypedByFactoryCalls_LiveAcrossSuspensionPoints()
    {
        var loop = S.VirtualLoop();
        Assert.Equal("2 18 3 18 3 4 5 False 6", loop.Run(SchedulerTemplates.DeconstructsAroundFactories()));
        Assert.Equal(TimeSpan.FromSeconds(5), loop.Elapsed); // three gathers of 1 s each, the timed child's 1 s, the sleep
    }

    [Fact]
    public void AwaitsOfJoinsAndWhenAnysTypedByFactoryCalls()
    {
        var loop = S.VirtualLoop();
        Assert.Equal("5 7 9 9 19", loop.Run(SchedulerTemplates.JoinsAroundFactories()));
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed); // the join, then each WhenAny, 1 s each (the second pair is done by the second)
    }

    [Fact]
    public void VarLocalsHoldingFactoryCoroutinesPassedToSpawnGatherAndForeach()
    {
        var loop = S.VirtualLoop();
        Assert.Equal("2 7 11", loop.Run(SchedulerTemplates.VarCoroutinesPassedOn()));
    }

    [Fact]
    public void VarLocalsTypedByFactoryCalls_LiveAcrossSuspensionPoints()
    {
        // Without the factories, the compiler infers LoopTask<T> with an unbound T for the first local and nothing for the
        // second: the generator binds them as if the factories existed.
        var loop = S.VirtualLoop();
        string result = loop.Run(SchedulerTemplates.VarLocalsAroundFactories(new List<string>()));
        Assert.Equal("<html>Hello</html>|True|1,2", result);
        Assert.Equal(TimeSpan.FromSeconds(1.75), loop.Elapsed); // 0.5 s timeout, then the two children (1 s) and the page (done)
    }

    [Fact]
    public void ThousandTemplateCoroutines_In1_5VirtualSeconds()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        var results = loop.Run(S.Of<string[]>(async s => await s.Call(s.Co.Gather(Enumerable.Range(0, 1000)
            .Select(i => i % 2 == 0 ? (Coroutine<LoopRequest, Unit, string>)SchedulerTemplates.GetPage(output) : SchedulerTemplates.ReadDb(output))
            .ToArray()))));
        Assert.Equal(500, results.Count(r => r == "db-data"));
        Assert.Equal(TimeSpan.FromSeconds(1.5), loop.Elapsed);
    }

    [Fact]
    public void AwaitTask_InATemplate_IsLoweredToLoopRequestAwait()
    {
        Assert.Equal(42, S.VirtualLoop().Run(SchedulerTemplates.TaskInterop()));
    }

    [Fact]
    public void SpawnAndJoin_FromTemplates_AwaitOnALoopTaskJoinsIt()
    {
        var loop = S.VirtualLoop();
        Assert.Equal(42, loop.Run(SchedulerTemplates.SpawnAndJoin()));
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Elapsed);
    }

    [Fact]
    public void ChannelAndEvent_FromTemplates_Backpressure()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        Assert.Equal(10, loop.Run(SchedulerTemplates.Pipeline(output)));
        Assert.Equal(new[] { "sent 0 at 0", "sent 1 at 0", "sent 2 at 3", "sent 3 at 4", "sent 4 at 5" }, output);
        Assert.Equal(TimeSpan.FromSeconds(8), loop.Elapsed);
    }

    [Fact]
    public void CancellingATemplateTask_RunsItsFinally()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(SchedulerTemplates.CancelledCleanup(output));
            await s.Y(s.Co.Sleep(3));
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled);
            return default;
        }));
        Assert.Equal(new[] { "finally at 3" }, output);
    }

    [Fact]
    public void MoveOnAfterAndFailAfter_InsideATemplate()
    {
        var loop = S.VirtualLoop();
        Assert.Equal("True timeout slow 4", loop.Run(SchedulerTemplates.Timeouts()));
    }

    [Fact]
    public void TimeoutAroundATemplate()
    {
        var output = new List<string>();
        var r = S.VirtualLoop().Run(S.Of<TimeoutResult<string>>(async s =>
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(2), SchedulerTemplates.CancelledCleanup(output)))));
        Assert.True(r.TimedOut);
        Assert.Equal(new[] { "finally at 2" }, output);
    }

    [Fact]
    public void WhenAnyWaitToReceiveAndTupleGather_FromTemplates()
    {
        var loop = S.VirtualLoop();
        Assert.Equal("2 15 3 slow 3", loop.Run(SchedulerTemplates.FirstDrainAndPair()));
    }
}
