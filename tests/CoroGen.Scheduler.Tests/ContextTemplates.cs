using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// Real [Coroutine] templates for the tasks' execution contexts (ExecutionContextTests): generated code sets AsyncLocal values
/// directly on the loop thread, with no async method builder around it to restore the context (as Script bodies have).
/// </summary>
public static partial class ContextTemplates
{
    public static readonly AsyncLocal<string?> Local = new();

    /// <summary>Sets its own value, then reads it back after each of three sleeps.</summary>
    [Coroutine]
    public static async Coroutine SetsAndSleeps(string name, List<string> log, Yielder<LoopRequest> co)
    {
        log.Add($"{name} starts:{Local.Value}");
        Local.Value = name;
        for (int i = 0; i < 3; i++)
        {
            await co.Sleep(1);
            log.Add($"{name}:{Local.Value}");
        }
    }

    [Coroutine]
    public static async Coroutine<string?> TwoInterleavedTasks(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "main";
        LoopTask<Unit> a = co.Spawn(SetsAndSleeps("a", log));
        LoopTask<Unit> b = co.Spawn(SetsAndSleeps("b", log));
        await a.Join();
        await b.Join();
        return Local.Value;
    }

    [Coroutine]
    public static async Coroutine<string?> ReadsAtStart(List<string> log, Yielder<LoopRequest> co)
    {
        log.Add($"child starts:{Local.Value}");
        Local.Value = "child";
        await co.Sleep(1);
        log.Add($"child after sleep:{Local.Value}");
        return Local.Value;
    }

    /// <summary>The child starts with the value at the spawn, not the spawner's later one, and its own stays its own.</summary>
    [Coroutine]
    public static async Coroutine<string?> InheritsAtSpawn(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "before";
        LoopTask<string?> child = co.Spawn(ReadsAtStart(log));
        Local.Value = "after";
        string? childs = await child;
        log.Add($"main after join:{Local.Value}, child returned {childs}");
        return Local.Value;
    }

    [Coroutine]
    public static async Coroutine<string?> GatherChildrenInheritTheGatherers(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "gatherer";
        await co.Gather(SetsAndSleeps("x", log), SetsAndSleeps("y", log));
        return Local.Value;
    }

    [Coroutine]
    public static async Coroutine<string?> SpawnsWithFlowSuppressed(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "spawner";
        LoopTask<string?> child;
        using (ExecutionContext.SuppressFlow())
        {
            child = co.Spawn(ReadsAtStart(log));
        }

        await child.Join();
        return Local.Value;
    }

    /// <summary>Another task's own value, set just before the task that waits resumes.</summary>
    [Coroutine]
    public static async Coroutine SetsNoise(string name, Yielder<LoopRequest> co)
    {
        Local.Value = name;
        await co.Reschedule();
    }

    [Coroutine]
    public static async Coroutine SendsAfterNoise(LoopChannel<int> channel, Yielder<LoopRequest> co)
    {
        Local.Value = "sender";
        await channel.Send(1);
    }

    [Coroutine]
    public static async Coroutine CompletesOnThePool(TaskCompletionSource<int> completion, Yielder<LoopRequest> co)
    {
        Local.Value = "completer";
        await co.Reschedule();
        _ = Task.Run(() => completion.SetResult(1));
    }

    [Coroutine]
    public static async Coroutine SetsEventAfterNoise(LoopEvent e, Yielder<LoopRequest> co)
    {
        Local.Value = "setter";
        e.Set();
        await co.Reschedule();
    }

    /// <summary>Its value read back after a sleep, a join, a channel receive, an event wait and a .NET task completed on the pool.</summary>
    [Coroutine]
    public static async Coroutine<string> SurvivesSuspensions(Yielder<LoopRequest> co)
    {
        var log = new List<string>();
        Local.Value = "mine";
        co.Spawn(SetsNoise("sleep noise"));
        await co.Sleep(1);
        log.Add($"sleep:{Local.Value}");

        await co.Spawn(SetsNoise("join noise")).Join();
        log.Add($"join:{Local.Value}");

        var channel = new LoopChannel<int>(1);
        co.Spawn(SendsAfterNoise(channel));
        await channel.Receive();
        log.Add($"receive:{Local.Value}");

        var e = new LoopEvent();
        co.Spawn(SetsEventAfterNoise(e));
        await e.Wait();
        log.Add($"event:{Local.Value}");

        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        co.Spawn(CompletesOnThePool(completion));
        await completion.Task;
        log.Add($"task:{Local.Value}");
        return string.Join(" ", log);
    }

    [Coroutine]
    public static async Coroutine WaitsToBeCancelled(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "waiter";
        co.CancellationToken().Register(() => log.Add($"callback:{Local.Value}"));
        co.CancellationToken().UnsafeRegister(_ => log.Add($"unsafe callback:{Local.Value}"), null);
        try
        {
            await new LoopEvent().Wait();
        }
        catch (CoroutineCancelledException)
        {
            log.Add($"cancelled:{Local.Value}");
        }
    }

    [Coroutine]
    public static async Coroutine<int> SleepsInScope(List<string> log, Yielder<LoopRequest> co)
    {
        co.CancellationToken().Register(() => log.Add($"timeout callback:{Local.Value}"));
        co.CancellationToken().UnsafeRegister(_ => log.Add($"unsafe timeout callback:{Local.Value}"), null);
        await co.Sleep(10);
        return 0;
    }

    [Coroutine]
    public static async Coroutine TimesOut(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "timed";
        await co.MoveOnAfter(TimeSpan.FromSeconds(5), SleepsInScope(log));
        log.Add($"after timeout:{Local.Value}");
    }

    [Coroutine]
    public static async Coroutine SetsNoiseAt(double seconds, string name, Yielder<LoopRequest> co)
    {
        await co.Sleep(seconds);
        Local.Value = name;
        await co.Sleep(10);
    }

    [Coroutine]
    public static async Coroutine<string> SurvivesCancellationAndTimeout(Yielder<LoopRequest> co)
    {
        var log = new List<string>();
        Local.Value = "main";
        LoopTask<Unit> waiter = co.Spawn(WaitsToBeCancelled(log));
        await co.Sleep(1);
        Local.Value = "canceller";
        waiter.Cancel(); // the waiter's token callbacks run here, in this task's step
        log.Add($"canceller:{Local.Value}");
        await waiter.Wait();

        LoopTask<Unit> timed = co.Spawn(TimesOut(log));
        LoopTask<Unit> noise = co.Spawn(SetsNoiseAt(4, "noise")); // the last task to run before the timeout fires
        await timed.Join();
        noise.Cancel();
        return string.Join(" ", log);
    }

    [Coroutine]
    public static async Coroutine<string?> SetsAndReturns(bool fail, Yielder<LoopRequest> co)
    {
        string? seen = Local.Value;
        Local.Value = "main";
        CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
        co.Spawn(SetsNoise("spawned"));
        await co.Sleep(1);
        if (fail)
        {
            throw new InvalidOperationException("main failed");
        }

        return seen;
    }

    [Coroutine]
    public static async Coroutine SetsCultureAndSleeps(string culture, List<string> log, Yielder<LoopRequest> co)
    {
        CultureInfo.CurrentCulture = new CultureInfo(culture);
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        for (int i = 0; i < 2; i++)
        {
            await co.Sleep(1);
            log.Add($"{culture}:{CultureInfo.CurrentCulture.Name}/{CultureInfo.CurrentUICulture.Name}/{1.5.ToString()}");
        }
    }

    [Coroutine]
    public static async Coroutine<string> TwoCultures(List<string> log, Yielder<LoopRequest> co)
    {
        LoopTask<Unit> de = co.Spawn(SetsCultureAndSleeps("de-DE", log));
        LoopTask<Unit> us = co.Spawn(SetsCultureAndSleeps("en-US", log));
        await de.Join();
        await us.Join();
        return CultureInfo.CurrentCulture.Name;
    }

    [Coroutine]
    public static async Coroutine<string> StartsActivity(string name, Yielder<LoopRequest> co)
    {
        using Activity activity = new Activity(name).Start();
        await co.Sleep(1);
        return $"{name}: current {Activity.Current?.OperationName}, parent {activity.Parent?.OperationName ?? "none"}";
    }

    [Coroutine]
    public static async Coroutine<string> TwoActivities(Yielder<LoopRequest> co)
    {
        LoopTask<string> a = co.Spawn(StartsActivity("a"));
        LoopTask<string> b = co.Spawn(StartsActivity("b"));
        string ra = await a;
        string rb = await b;
        return $"{ra}; {rb}; main: current {Activity.Current?.OperationName ?? "none"}";
    }

    [Coroutine]
    public static async Coroutine<string> MakesATimer(Yielder<LoopRequest> co)
    {
        var log = new List<string>();
        Local.Value = "timer maker";
        var fired = new LoopEvent();
        using ITimer timer = co.CurrentTask().Loop.TimeProvider.CreateTimer(
            _ =>
            {
                log.Add($"timer:{Local.Value}");
                Local.Value = "set by the timer";
                fired.Set();
            },
            null,
            TimeSpan.FromSeconds(2),
            Timeout.InfiniteTimeSpan);
        co.Spawn(SetsNoise("noise"));
        LoopTask<Unit> sleeper = co.Spawn(SetsNoiseAt(5, "sleeper")); // a deadline for the clock to jump towards
        await fired.Wait();
        log.Add($"maker:{Local.Value}");
        sleeper.Cancel();
        return string.Join(" ", log);
    }

    [Coroutine]
    public static async Coroutine WaitsForever(string name, List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = name;
        try
        {
            await new LoopEvent().Wait();
        }
        finally
        {
            log.Add($"{name} cleanup:{Local.Value}");
        }
    }

    [Coroutine]
    public static async Coroutine Deadlocks(List<string> log, Yielder<LoopRequest> co)
    {
        Local.Value = "main";
        LoopTask<Unit> a = co.Spawn(WaitsForever("a", log));
        co.Spawn(WaitsForever("b", log));
        await a.Join();
    }
}
