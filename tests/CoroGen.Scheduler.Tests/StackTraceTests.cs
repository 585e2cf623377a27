using System;
using System.Linq;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// A task's failure reads as its template's frames: the loop's and the coroutine runtime's stepping methods are hidden
/// ([StackTraceHidden]), so the trace names the template's line, then where Run was called.
/// </summary>
public class StackTraceTests
{
    [Fact]
    public void ATaskFailureShowsTheTemplateAndNotTheLoopsMachinery()
    {
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(SchedulerTemplates.FailsAfterSleep()));
        string[] frames = (e.StackTrace ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("at ", StringComparison.Ordinal)).ToArray();

        Assert.True(frames.Length > 0 && frames[0].StartsWith("at CoroGen.Scheduler.Tests.SchedulerTemplates.FailsAfterSleepCoroutine.Resume() in ", StringComparison.Ordinal)
            && frames[0].Contains("Templates.cs:line ", StringComparison.Ordinal), "expected the template's frame first; stack trace:\n" + e.StackTrace);
        string[] machinery = frames.Where(f => f.StartsWith("at CoroGen.", StringComparison.Ordinal) && !f.StartsWith("at CoroGen.Scheduler.Tests.", StringComparison.Ordinal)).ToArray();
        Assert.True(machinery.All(f => f.StartsWith("at CoroGen.Coroutine`3.MoveNext()", StringComparison.Ordinal) || f.StartsWith("at CoroGen.Scheduling.EventLoop.Run", StringComparison.Ordinal)),
            "expected no frame of the runtime's stepping methods; stack trace:\n" + e.StackTrace);
    }

    [Fact]
    public void AFailureThroughGatherShowsTheChildAndTheGatheringTemplate()
    {
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(SchedulerTemplates.GathersAFailure()));
        string trace = e.StackTrace ?? string.Empty;
        Assert.Contains("FailsAfterSleepCoroutine.Resume() in ", trace);
        Assert.Contains("GathersAFailureCoroutine.Resume() in ", trace);
        Assert.DoesNotContain("GatherCoroutineBase", trace);
    }

    [Fact]
    public void AFailureRaisedAgainAtAJoinShowsTheTaskAndTheJoiningTemplateAndNotTheJoinsMachinery()
    {
        var loop = S.VirtualLoop();
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(SchedulerTemplates.JoinsAFailure()));
        string trace = e.StackTrace ?? string.Empty;
        Assert.Contains("FailsAfterSleepCoroutine.Resume() in ", trace);
        Assert.Contains("JoinsAFailureCoroutine.Resume() in ", trace);
        Assert.DoesNotContain("LoopTask", trace);
        Assert.DoesNotContain("JoinCoroutine", trace);
    }
}
