using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

/// <summary>Misuse of the scheduler's API, as documented in docs/scheduler.md: each gets a clear exception, never a hang or a corrupt loop.</summary>
public class MisuseTests
{
    // Runs an action on another thread and returns what it threw.
    private static Exception? OnOtherThread(Action action)
    {
        Exception? thrown = null;
        var t = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        t.Start();
        t.Join();
        return thrown;
    }

    [Fact]
    public void EventSet_FromAnotherThread_Throws_AndLeavesTheWaiterWaiting()
    {
        var ev = new LoopEvent();
        Exception? thrown = null;
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var waiter = s.Co.Spawn(S.Do(async w => { await w.Call(ev.Wait()); log.Add("woken"); return default; }));
            await s.Y();
            thrown = OnOtherThread(ev.Set);
            Assert.False(ev.IsSet);
            Assert.Equal(LoopTaskStatus.Waiting, waiter.State);
            ev.Set(); // from the loop thread: still wakes the waiter
            await s.Call(waiter.Join());
            return default;
        }));
        var ioe = Assert.IsType<InvalidOperationException>(thrown);
        Assert.Contains("loop", ioe.Message);
        Assert.Equal(new[] { "woken" }, log);
    }

    [Fact]
    public void ChannelOperations_FromAnotherThread_Throw_AndLeaveTheChannelIntact()
    {
        var ch = new LoopChannel<int>(4);
        var thrown = new List<Exception?>();
        int received = 0;
        S.VirtualLoop().Run(S.Do(async s =>
        {
            Assert.True(ch.TrySend(1)); // the loop uses the channel: it belongs to the loop now
            thrown.Add(OnOtherThread(() => ch.TrySend(2)));
            thrown.Add(OnOtherThread(() => ch.TryReceive(out _)));
            thrown.Add(OnOtherThread(ch.Complete));
            Assert.Equal(1, ch.Count);
            Assert.False(ch.IsCompleted);
            received = await s.Call(ch.Receive());
            return default;
        }));
        Assert.Equal(3, thrown.Count);
        Assert.All(thrown, e => Assert.IsType<InvalidOperationException>(e));
        Assert.Equal(1, received);
    }

    [Fact]
    public void LoopOperations_FromAnotherThread_WhileTheLoopRuns_Throw()
    {
        var loop = S.VirtualLoop();
        var thrown = new List<Exception?>();
        loop.Run(S.Do(async s =>
        {
            var sleeper = s.Co.Spawn(S.Do(async w => { await w.Y(w.Co.Sleep(5)); return default; }));
            thrown.Add(OnOtherThread(() => loop.Spawn(S.Do(async w => { await w.Y(); return default; }))));
            thrown.Add(OnOtherThread(sleeper.Cancel));
            thrown.Add(OnOtherThread(() => loop.Run(S.Do(async w => { await w.Y(); return default; }))));
            await s.Call(sleeper.Join());
            Assert.True(sleeper.State == LoopTaskStatus.Completed);
            return default;
        }));
        Assert.Equal(3, thrown.Count);
        Assert.All(thrown, e => Assert.IsType<InvalidOperationException>(e));
    }

    [Fact]
    public void SameCoroutine_SpawnedTwice_TheSecondTaskFails_AndTheFirstRunsItOnce()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        var body = S.Do(async w => { log.Add("a"); await w.Y(w.Co.Sleep(1)); log.Add("b"); return default; });
        LoopTask<Unit>? first = null, second = null;
        var e = Assert.ThrowsAny<Exception>(() => loop.Run(S.Do(async s =>
        {
            first = s.Co.Spawn(body);
            second = s.Co.Spawn(body);
            await s.Call(first.Join());
            await s.Call(second.Wait());
            return default;
        })));
        Assert.Equal(new[] { "a", "b" }, log);
        Assert.True(first!.State == LoopTaskStatus.Completed);
        Assert.True(second!.IsFaulted);
        var ioe = Assert.IsType<InvalidOperationException>(second.Exception);
        Assert.Contains("already", ioe.Message);
        Assert.Same(ioe, Assert.Single(Assert.IsType<AggregateException>(e).InnerExceptions));
    }

    [Fact]
    public void Run_WithACoroutineAlreadySpawned_FailsWithAClearError()
    {
        var loop = S.VirtualLoop();
        int runs = 0;
        var body = S.Do(async w => { runs++; await w.Y(); return default; });
        loop.Spawn(body);
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(body));
        Assert.Contains("already", e.Message);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void SameCoroutine_SpawnedIntoTwoLoops_TheSecondFails()
    {
        var a = S.VirtualLoop();
        var b = S.VirtualLoop();
        int runs = 0;
        var body = S.Do(async w => { runs++; await w.Y(); return default; });
        a.Spawn(body);
        b.Spawn(body);
        a.Run(S.Do(async s => { await s.Y(); await s.Y(); return default; }));
        var e = Assert.Throws<AggregateException>(() => b.Run(S.Do(async s => { await s.Y(); return default; })));
        Assert.IsType<InvalidOperationException>(Assert.Single(e.InnerExceptions));
        Assert.Equal(1, runs);
    }
}
