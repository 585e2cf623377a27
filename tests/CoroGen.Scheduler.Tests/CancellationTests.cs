using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class CancellationTests
{
    private sealed class Resource : IDisposable
    {
        private readonly List<string> log;
        private readonly string name;

        public Resource(List<string> log, string name)
        {
            this.log = log;
            this.name = name;
        }

        public void Dispose() => log.Add("dispose " + name);
    }

    [Fact]
    public void CancellingASleeper_RaisesAtTheSleep_FinallyAndUsingRun_InnermostFirst()
    {
        var log = new List<string>();
        Script<int> Inner() => S.Of<int>(async s =>
        {
            using var r = new Resource(log, "inner");
            try
            {
                await s.Y(s.Co.Sleep(100));
                log.Add("inner woke");
                return 1;
            }
            catch (CoroutineCancelledException)
            {
                log.Add("inner sees cancellation at " + s.Co.Now().TotalSeconds);
                throw;
            }
            finally
            {
                log.Add("inner finally");
            }
        });

        Script<int> Outer() => S.Of<int>(async s =>
        {
            using var r = new Resource(log, "outer");
            try
            {
                return await s.Call(Inner());
            }
            finally
            {
                log.Add("outer finally");
            }
        });

        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(Outer());
            await s.Y(s.Co.Sleep(3));
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled);
            Assert.IsType<CoroutineCancelledException>(t.Exception);
            return default;
        }));

        Assert.Equal(
            new[] { "inner sees cancellation at 3", "inner finally", "dispose inner", "outer finally", "dispose outer" },
            log);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed); // the cancelled sleep's timer never fires
    }

    [Fact]
    public void ACancelledTask_MayCatch_CleanUpWithAwaits_AndReturnAValue()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var t = s.Co.Spawn(S.Of<string>(async w =>
            {
                try
                {
                    await w.Y(w.Co.Sleep(100));
                    return "finished";
                }
                catch (CoroutineCancelledException)
                {
                    await w.Y(w.Co.Sleep(1)); // cleanup may suspend
                    return "cleaned up at " + w.Co.Now().TotalSeconds;
                }
            }));
            await s.Y(s.Co.Sleep(2));
            t.Cancel();
            return await s.Call(t.Join());
        }));
        Assert.Equal("cleaned up at 3", r);
    }

    [Fact]
    public void CancellingATaskThatHasNotStarted_RunsNothing()
    {
        bool ran = false;
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Do(async w =>
            {
                ran = true;
                return default;
            }));
            t.Cancel();
            await s.Call(t.Wait());
            Assert.True(t.IsCancelled);
            try
            {
                await s.Call(t.Join());
                Assert.Fail("Join should raise");
            }
            catch (CoroutineCancelledException)
            {
            }

            return default;
        }));
        Assert.False(ran);
    }

    [Fact]
    public void JoiningACancelledTask_RaisesCancellation_AndCancellationIsNotAnUnobservedFailure()
    {
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var t = s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(5));
                return default;
            }));
            var lonely = s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(5));
                return default;
            }));
            await s.Y(s.Co.Sleep(1));
            t.Cancel();
            lonely.Cancel();
            try
            {
                await s.Call(t.Join());
                return "no";
            }
            catch (CoroutineCancelledException e)
            {
                Assert.IsType<CoroutineCancelledException>(e.InnerException);
                return "cancelled";
            }
        }));
        Assert.Equal("cancelled", r);
    }

    [Fact]
    public void ATaskWhoseCoroutineRaisesTheExit_EndsCancelled_NotFaulted_AndIsNotAnUnobservedFailure()
    {
        // An exit escaping a body ends the coroutine Closed (API.md §4), and a task that its coroutine's close ended is
        // Cancelled (LoopTaskStatus.Cancelled), which is not a failure: Run does not report it.
        var loop = S.VirtualLoop();
        var exit = new CoroutineExitException();
        LoopTask<Unit>? t = null;
        string r = loop.Run(S.Of<string>(async s =>
        {
            t = s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(1));
                throw exit;
            }));
            await s.Call(t.Wait());
            return "done";
        }));
        Assert.Equal("done", r);
        Assert.True(t!.IsCancelled);
        Assert.False(t.IsFaulted);
        Assert.Equal(CoroutineState.Closed, t.Coroutine.State);
        Assert.Same(exit, t.Exception);
    }

    [Fact]
    public void CancellingTheRunningTaskItself_RaisesAtItsNextSuspension()
    {
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var t = s.Co.Spawn(S.Do(async w =>
            {
                w.Co.CurrentTask().Cancel();
                log.Add("still running");
                try
                {
                    await w.Y(w.Co.Sleep(10));
                }
                catch (CoroutineCancelledException)
                {
                    log.Add("cancelled at " + w.Co.Now().TotalSeconds);
                    throw;
                }

                return default;
            }));
            await s.Call(t.Wait());
            return default;
        }));
        Assert.Equal(new[] { "still running", "cancelled at 0" }, log);
    }

    [Fact]
    public void ManyCancelledSleepers_DoNotKeepTheClockRunning()
    {
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var tasks = Enumerable.Range(0, 10_000).Select(i => s.Co.Spawn(S.Do(async w =>
            {
                await w.Y(w.Co.Sleep(TimeSpan.FromHours(1 + i)));
                return default;
            }))).ToList();
            await s.Y(s.Co.Sleep(1));
            foreach (var t in tasks)
            {
                t.Cancel();
            }

            foreach (var t in tasks)
            {
                await s.Call(t.Wait());
            }

            await s.Y(s.Co.Sleep(1));
            return default;
        }));
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Elapsed);
    }
}
