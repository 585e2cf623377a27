using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// A loop that runs for days must not keep finished work alive: tasks that waited and finished, and awaits of a .NET task
/// that were cancelled while the task stays pending, are collectable while the loop goes on running.
/// </summary>
public static partial class RetentionTemplates
{
    [Coroutine]
    public static async Coroutine HoldsAndWaits(LoopEvent ev, List<WeakReference> held, Yielder<LoopRequest> co)
    {
        byte[] buffer = Track(held);
        await ev.Wait();
        GC.KeepAlive(buffer);
    }

    [Coroutine]
    public static async Coroutine<int> WaitersThatFinish(List<WeakReference> held, Yielder<LoopRequest> co)
    {
        var ev = new LoopEvent();
        for (int i = 0; i < 100; i++)
        {
            co.Spawn(HoldsAndWaits(ev, held));
        }

        await co.Sleep(TimeSpan.FromSeconds(1));
        ev.Set();
        await co.Sleep(TimeSpan.FromSeconds(1)); // every waiter has finished; the loop runs on
        return Alive(held);
    }

    [Coroutine]
    public static async Coroutine<int> AwaitsForever(Task never, List<WeakReference> held, Yielder<LoopRequest> co)
    {
        byte[] buffer = Track(held);
        await never;
        GC.KeepAlive(buffer);
        return 1;
    }

    [Coroutine]
    public static async Coroutine<int> CancelledAwaitsOfANeverCompletingTask(Task never, List<WeakReference> held, Yielder<LoopRequest> co)
    {
        for (int i = 0; i < 20; i++)
        {
            await SpawnAndCancel(never, held, co); // its local holding the task ends with it
        }

        await co.Sleep(TimeSpan.FromMilliseconds(1)); // the loop's last step may still refer to the last task it ran: one more
        return Alive(held);
    }

    [Coroutine]
    public static async Coroutine SpawnAndCancel(Task never, List<WeakReference> held, Yielder<LoopRequest> co)
    {
        LoopTask<int> waiting = co.Spawn(AwaitsForever(never, held));
        await co.Sleep(TimeSpan.FromMilliseconds(1));
        waiting.Cancel();
        await waiting.Wait();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] Track(List<WeakReference> held)
    {
        var buffer = new byte[1024];
        held.Add(new WeakReference(buffer));
        return buffer;
    }

    private static int Alive(List<WeakReference> held)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return held.Count(w => w.IsAlive);
    }
}

public class RetentionTests
{
    [Fact]
    public void TasksThatWaitedAndFinished_AreCollectableWhileTheLoopRuns()
    {
        var held = new List<WeakReference>();
        int alive = new EventLoop(new VirtualTimeProvider()).Run(RetentionTemplates.WaitersThatFinish(held));
        Assert.Equal(100, held.Count);
        Assert.Equal(0, alive);
    }

    [Fact]
    public void CancelledAwaitsOfAPendingTask_DoNotKeepTheirTasksAlive()
    {
        var never = new TaskCompletionSource<int>();
        var held = new List<WeakReference>();
        int alive = new EventLoop().Run(RetentionTemplates.CancelledAwaitsOfANeverCompletingTask(never.Task, held));
        Assert.Equal(20, held.Count);
        Assert.Equal(0, alive); // the .NET task still holds a small waiter per abandoned await, not the loop task
        GC.KeepAlive(never);
    }
}
