using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// Each task runs in its own ExecutionContext, as each asyncio Task runs in its own copy of the contextvars (scheduler.md,
/// "Each task has its own context"): AsyncLocal values, CultureInfo.CurrentCulture and Activity.Current set by one task are
/// not seen by the others, by its spawner or by the caller of Run.
/// </summary>
public class ExecutionContextTests
{
    private static readonly AsyncLocal<string?> Local = ContextTemplates.Local;

    // Runs the test in a copy of the test thread's context, so that nothing it sets (or a failure of the loop to give the
    // caller's context back) leaks into other tests run on the same thread.
    private static void Isolated(Action test)
    {
        CultureInfo culture = CultureInfo.CurrentCulture, uiCulture = CultureInfo.CurrentUICulture;
        try
        {
            ExecutionContext.Run(ExecutionContext.Capture()!, _ => test(), null);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    [Fact]
    public void TwoInterleavedTasks_EachSeesOnlyItsOwnValue()
    {
        Isolated(() =>
        {
            var log = new List<string>();
            string? mains = S.VirtualLoop().Run(ContextTemplates.TwoInterleavedTasks(log));
            Assert.Equal(new[] { "a starts:main", "b starts:main", "a:a", "b:b", "a:a", "b:b", "a:a", "b:b" }, log);
            Assert.Equal("main", mains);
        });
    }

    [Fact]
    public void ASpawnedTask_StartsWithItsSpawnersValueAtTheSpawn_AndKeepsItsOwnFromItsSpawner()
    {
        Isolated(() =>
        {
            var log = new List<string>();
            Assert.Equal("after", S.VirtualLoop().Run(ContextTemplates.InheritsAtSpawn(log)));
            Assert.Equal(new[] { "child starts:before", "child after sleep:child", "main after join:after, child returned child" }, log);
        });
    }

    [Fact]
    public void GatheredChildren_StartWithTheGatherersValue_AndKeepTheirOwn()
    {
        Isolated(() =>
        {
            var log = new List<string>();
            Assert.Equal("gatherer", S.VirtualLoop().Run(ContextTemplates.GatherChildrenInheritTheGatherers(log)));
            Assert.Equal(new[] { "x starts:gatherer", "y starts:gatherer", "x:x", "y:y", "x:x", "y:y", "x:x", "y:y" }, log);
        });
    }

    [Fact]
    public void ATaskSpawnedWithTheFlowSuppressed_StartsWithNoValues()
    {
        Isolated(() =>
        {
            var log = new List<string>();
            Assert.Equal("spawner", S.VirtualLoop().Run(ContextTemplates.SpawnsWithFlowSuppressed(log)));
            Assert.Equal(new[] { "child starts:", "child after sleep:child" }, log);
        });
    }

    [Fact]
    public void ATasksValue_SurvivesSleepJoinReceiveEventAndAnAwaitCompletedOnThePool_WhileOtherTasksSetTheirs()
    {
        Isolated(() =>
        {
            Assert.Equal("sleep:mine join:mine receive:mine event:mine task:mine", S.VirtualLoop().Run(ContextTemplates.SurvivesSuspensions()));
        });
    }

    [Fact]
    public void ATasksValue_SurvivesCancellationAndTimeout_AndTokenCallbacksRunWhereDocumented()
    {
        Isolated(() =>
        {
            string log = S.VirtualLoop().Run(ContextTemplates.SurvivesCancellationAndTimeout());

            // Cancel() from another task: callbacks registered with Register run in the context they were registered in
            // (.NET's rule), UnsafeRegister ones in the canceller's (a synchronous call from it); the last registered first.
            // A timeout: the loop runs them in the timed-out task's context.
            Assert.Equal(
                "unsafe callback:canceller callback:waiter canceller:canceller cancelled:waiter "
                + "unsafe timeout callback:timed timeout callback:timed after timeout:timed",
                log);
        });
    }

    [Fact]
    public void RunsCaller_KeepsItsValuesAndCulture_AndMainStartsWithThem()
    {
        Isolated(() =>
        {
            Local.Value = "caller";
            CultureInfo.CurrentCulture = new CultureInfo("en-GB");
            Assert.Equal("caller", S.VirtualLoop().Run(ContextTemplates.SetsAndReturns(fail: false)));
            Assert.Equal("caller", Local.Value);
            Assert.Equal("en-GB", CultureInfo.CurrentCulture.Name);
        });
    }

    [Fact]
    public void RunsCaller_KeepsItsValuesAndCulture_WhenMainFails()
    {
        Isolated(() =>
        {
            Local.Value = "caller";
            CultureInfo.CurrentCulture = new CultureInfo("en-GB");
            var e = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(ContextTemplates.SetsAndReturns(fail: true)));
            Assert.Equal("main failed", e.Message);
            Assert.Equal("caller", Local.Value);
            Assert.Equal("en-GB", CultureInfo.CurrentCulture.Name);
        });
    }

    [Fact]
    public void RunsCaller_WithTheFlowSuppressed_KeepsItsValues_AndGetsTheFlowSuppressedBack()
    {
        Isolated(() =>
        {
            Local.Value = "caller";
            AsyncFlowControl flow = ExecutionContext.SuppressFlow();
            Assert.Equal("caller", S.VirtualLoop().Run(ContextTemplates.SetsAndReturns(fail: false)));
            Assert.True(ExecutionContext.IsFlowSuppressed());
            flow.Undo(); // the caller's own control still undoes it
            Assert.Equal("caller", Local.Value);
        });
    }

    [Fact]
    public void TwoTasks_EachKeepsItsOwnCulture()
    {
        Isolated(() =>
        {
            CultureInfo.CurrentCulture = new CultureInfo("en-GB");
            var log = new List<string>();
            Assert.Equal("en-GB", S.VirtualLoop().Run(ContextTemplates.TwoCultures(log)));
            Assert.Equal(new[] { "de-DE:de-DE/de-DE/1,5", "en-US:en-US/en-US/1.5", "de-DE:de-DE/de-DE/1,5", "en-US:en-US/en-US/1.5" }, log);
            Assert.Equal("en-GB", CultureInfo.CurrentCulture.Name);
        });
    }

    [Fact]
    public void TwoTasks_EachTracesInItsOwnActivity()
    {
        Isolated(() =>
        {
            Assert.Null(Activity.Current);
            Assert.Equal(
                "a: current a, parent none; b: current b, parent none; main: current none",
                S.VirtualLoop().Run(ContextTemplates.TwoActivities()));
            Assert.Null(Activity.Current);
        });
    }

    [Fact]
    public void AVirtualClocksTimer_RunsInTheContextItWasMadeIn()
    {
        Isolated(() =>
        {
            Assert.Equal("timer:timer maker maker:timer maker", S.VirtualLoop().Run(ContextTemplates.MakesATimer()));
        });
    }

    // Made while the flow is suppressed, a timer runs in the empty context, as a TimeProvider.System timer does: it neither
    // sees nor changes the values of whoever advances the clock (it ran in the advancer's context and kept its writes there).
    [Fact]
    public void AVirtualClocksTimerMadeWithTheFlowSuppressed_RunsWithNoValues()
    {
        Isolated(() =>
        {
            Local.Value = "advancer";
            var clock = new VirtualTimeProvider();
            string? seen = "not run";
            ITimer timer;
            using (ExecutionContext.SuppressFlow())
            {
                timer = clock.CreateTimer(_ => { seen = Local.Value; Local.Value = "timer"; }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            }

            using (timer)
            {
                clock.Advance(TimeSpan.FromSeconds(2));
            }

            Assert.Null(seen);
            Assert.Equal("advancer", Local.Value);
        });
    }

    [Fact]
    public void TheCleanupOfTasksClosedByADeadlock_RunsInEachTasksContext()
    {
        Isolated(() =>
        {
            Local.Value = "caller";
            var log = new List<string>();
            Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(ContextTemplates.Deadlocks(log)));
            Assert.Equal(new[] { "b cleanup:b", "a cleanup:a" }, log);
            Assert.Equal("caller", Local.Value);
        });
    }
}
