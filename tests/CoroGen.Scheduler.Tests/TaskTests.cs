using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class TaskTests
{
    [Fact]
    public void JoiningATaskOfAnotherLoop_IsRefusedSayingWhatToDoInstead()
    {
        var foreign = S.VirtualLoop().Spawn(S.SleepThen(1, 1));
        string message = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Call(foreign.Join());
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        }));
        Assert.StartsWith($"Join waits only for tasks of the loop running it; task {foreign.Id} belongs to another event loop.", message);
        Assert.Contains("TaskCompletionSource", message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void JoiningOrWaitingForAFinishedTaskOfAnotherLoop_IsRefusedToo(bool join)
    {
        var other = S.VirtualLoop();
        var foreign = other.Spawn(S.SleepThen(1, 7));
        other.Run(S.SleepThen(2, 0));
        Assert.True(foreign.IsFinished);
        string message = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                if (join)
                {
                    await s.Call(foreign.Join());
                }
                else
                {
                    await s.Call(foreign.Wait());
                }

                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        }));
        Assert.StartsWith($"{(join ? "Join" : "Wait")} waits only for tasks of the loop running it; task {foreign.Id} belongs to another event loop.", message);
    }

    [Fact]
    public void RunningAnotherLoopInsideATask_IsRefusedSayingWhatToDoInstead()
    {
        string message = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                S.VirtualLoop().Run(S.SleepThen(1, 1));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        }));
        Assert.StartsWith("Another event loop is running on this thread; Run cannot be nested. Spawn the coroutine on the running loop instead", message);
    }

    [Fact]
    public void Run_ReturnsMainsResult()
    {
        Assert.Equal(42, S.VirtualLoop().Run(S.Of<int>(async s => 42)));
        Assert.Equal(7, S.VirtualLoop().Run(S.SleepThen(3, 7)));
    }

    [Fact]
    public void Reschedule_RoundRobinsReadyTasks()
    {
        var log = new List<string>();
        Script<Unit> Worker(string name) => S.Do(async s =>
        {
            for (int i = 0; i < 3; i++)
            {
                log.Add(name + i);
                if (i % 2 == 0)
                {
                    await s.Y(); // await co.Yield(): default(LoopRequest) reschedules
                }
                else
                {
                    await s.Y(s.Co.Reschedule());
                }
            }

            return default;
        });

        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var a = s.Co.Spawn(Worker("a"));
            var b = s.Co.Spawn(Worker("b"));
            await s.Call(a.Join());
            await s.Call(b.Join());
            return default;
        }));
        Assert.Equal(new[] { "a0", "b0", "a1", "b1", "a2", "b2" }, log);
        Assert.Equal(TimeSpan.Zero, loop.Elapsed);
    }

    [Fact]
    public void Join_ReturnsResult_BeforeOrAfterTheTaskFinishes_ForManyJoiners()
    {
        var loop = S.VirtualLoop();
        int total = loop.Run(S.Of<int>(async s =>
        {
            var t = s.Co.Spawn(S.SleepThen(1, 5));
            var joiners = Enumerable.Range(0, 3).Select(_ => s.Co.Spawn(S.Of<int>(async j => await j.Call(t.Join())))).ToArray();
            int sum = 0;
            foreach (var j in joiners)
            {
                sum += await s.Call(j.Join());
            }

            sum += await s.Call(t.Join()); // after it finished
            Assert.Equal(5, t.Result);
            Assert.Equal(LoopTaskStatus.Completed, t.State);
            return sum;
        }));
        Assert.Equal(20, total);
    }

    [Fact]
    public void Join_RaisesTheTasksException_SameObject_AndObservesIt()
    {
        var boom = new InvalidOperationException("boom");
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var t = s.Co.Spawn(S.SleepThenFail(1, boom));
            try
            {
                await s.Call(t.Join());
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                Assert.True(t.IsFaulted);
                Assert.Same(boom, t.Exception);
                return "caught";
            }
        }));
        Assert.Equal("caught", r); // and Run does not report it again
    }

    [Fact]
    public void UnobservedFailure_MakesRunThrowAggregate_AfterMainCompletes()
    {
        var boom = new InvalidOperationException("boom");
        var loop = S.VirtualLoop();
        bool mainFinished = false;
        var ex = Assert.Throws<AggregateException>(() => loop.Run(S.Do(async s =>
        {
            s.Co.Spawn(S.SleepThenFail(1, boom));
            await s.Y(s.Co.Sleep(2));
            mainFinished = true;
            return default;
        })));
        Assert.True(mainFinished);
        Assert.Same(boom, Assert.Single(ex.InnerExceptions));
    }

    [Fact]
    public void ManyJoinedFailures_AndOneUnobserved_OnlyTheUnobservedIsReported()
    {
        var lost = new InvalidOperationException("nobody joined me");
        var ex = Assert.Throws<AggregateException>(() => S.VirtualLoop().Run(S.Do(async s =>
        {
            for (int i = 0; i < 3000; i++)
            {
                var t = s.Co.Spawn(S.SleepThenFail(0.001, new ArgumentException("joined " + i)));
                if (i == 1500)
                {
                    s.Co.Spawn(S.SleepThenFail(0.001, lost));
                }

                try
                {
                    await s.Call(t.Join());
                }
                catch (ArgumentException)
                {
                }
            }

            return default;
        })));
        Assert.Same(lost, Assert.Single(ex.InnerExceptions));
    }

    [Fact]
    public void MainFailure_EscapesAsIs_OrFirstInAggregateWithUnobservedOnes()
    {
        var mainBoom = new ArgumentException("main");
        Assert.Same(mainBoom, Assert.Throws<ArgumentException>(() => S.VirtualLoop().Run(S.SleepThenFail(1, mainBoom))));

        var other = new InvalidOperationException("other");
        var ex = Assert.Throws<AggregateException>(() => S.VirtualLoop().Run(S.Of<int>(async s =>
        {
            s.Co.Spawn(S.SleepThenFail(1, other));
            await s.Y(s.Co.Sleep(2));
            throw mainBoom;
        })));
        Assert.Equal(new Exception[] { mainBoom, other }, ex.InnerExceptions);
    }

    [Fact]
    public void WhenMainFinishes_RemainingTasksAreCancelled_AndTheirCleanupRuns()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        LoopTask? background = null;
        loop.Run(S.Do(async s =>
        {
            background = s.Co.Spawn(S.Do(async b =>
            {
                try
                {
                    while (true)
                    {
                        await b.Y(b.Co.Sleep(10));
                        log.Add("tick");
                    }
                }
                finally
                {
                    log.Add("background cleanup at " + b.Co.Now().TotalSeconds);
                }
            }));
            await s.Y(s.Co.Sleep(25));
            log.Add("main done");
            return default;
        }));
        Assert.Equal(new[] { "tick", "tick", "main done", "background cleanup at 25" }, log);
        Assert.True(background!.IsCancelled);
        Assert.IsType<CoroutineCancelledException>(background.Exception);
    }

    [Fact]
    public void Gather_ReturnsResultsInArgumentOrder_NotFinishOrder()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        int[] r = loop.Run(S.Of<int[]>(async s => await s.Call(s.Co.Gather(S.SleepThen(3, 1, log), S.SleepThen(1, 2, log), S.SleepThen(2, 3, log)))));
        Assert.Equal(new[] { 1, 2, 3 }, r);
        Assert.Equal(new[] { "2@1", "3@2", "1@3" }, log);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed);
    }

    [Fact]
    public void Gather_Empty_ReturnsEmpty()
    {
        Assert.Empty(S.VirtualLoop().Run(S.Of<int[]>(async s => await s.Call(s.Co.Gather<int>()))));
    }

    [Fact]
    public void Gather_OneFails_SiblingsAreCancelledAndCleanedUp_ThenTheFailureIsRaised()
    {
        var boom = new InvalidOperationException("boom");
        var log = new List<string>();
        Script<int> Sibling(string name) => S.Of<int>(async s =>
        {
            try
            {
                await s.Y(s.Co.Sleep(10));
                log.Add(name + " finished");
                return 1;
            }
            finally
            {
                log.Add(name + " cleanup at " + s.Co.Now().TotalSeconds);
            }
        });

        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Call(s.Co.Gather(Sibling("a"), S.SleepThenFail(2, boom), Sibling("b")));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                log.Add("caught at " + s.Co.Now().TotalSeconds);
                return "caught";
            }
        }));
        Assert.Equal("caught", r);
        Assert.Equal(new[] { "a cleanup at 2", "b cleanup at 2", "caught at 2" }, log);
    }

    [Fact]
    public void Gather_ASecondFailureDuringCancellation_IsNotLost_RunReportsIt()
    {
        var first = new InvalidOperationException("first");
        var second = new ArgumentException("second, while cleaning up");
        var ex = Assert.Throws<AggregateException>(() => S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Call(s.Co.Gather(
                    S.SleepThenFail(1, first),
                    S.Of<int>(async b =>
                    {
                        try
                        {
                            await b.Y(b.Co.Sleep(10));
                            return 0;
                        }
                        catch (CoroutineCancelledException)
                        {
                            throw second;
                        }
                    })));
                return "no";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(first, e); // the first failure is raised at the await ...
                return "caught";
            }
        })));
        Assert.Same(second, Assert.Single(ex.InnerExceptions)); // ... and the second is reported by Run
    }

    [Fact]
    public void Gather_CancellingTheGatherer_CancelsEveryChild()
    {
        var log = new List<string>();
        Script<int> Child(string name) => S.Of<int>(async s =>
        {
            try
            {
                await s.Y(s.Co.Sleep(10));
                return 1;
            }
            catch (CoroutineCancelledException)
            {
                log.Add(name + " cancelled");
                throw;
            }
        });

        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var g = s.Co.Spawn(S.Of<int[]>(async gs => await gs.Call(gs.Co.Gather(Child("a"), Child("b")))));
            await s.Y(s.Co.Sleep(1));
            g.Cancel();
            await s.Call(g.Wait());
            Assert.True(g.IsCancelled);
            log.Add("gatherer " + g.State);
            return default;
        }));
        Assert.Equal(new[] { "a cancelled", "b cancelled", "gatherer Cancelled" }, log);
    }

    [Fact]
    public void Spawn_RejectsStartedCoroutines_AndSpawnOutsideALoopTaskFails()
    {
        var loop = S.VirtualLoop();
        var started = S.SleepThen(1, 1);
        started.MoveNext();
        Assert.Throws<ArgumentException>(() => loop.Spawn(started));
        Assert.Throws<InvalidOperationException>(() => S.SleepThen(1, 1).Co.Spawn(S.SleepThen(1, 2)));
    }

    [Fact]
    public void JoiningItself_Fails()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Of<int>(async s =>
            await s.Call(((LoopTask<int>)s.Co.CurrentTask()).Join()))));
        Assert.Contains("itself", ex.Message);
    }

    [Fact]
    public void Deadlock_IsReported_AndWaitersAreClosed()
    {
        var log = new List<string>();
        var ev = new LoopEvent();
        var ex = Assert.Throws<InvalidOperationException>(() => S.VirtualLoop().Run(S.Do(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
            }
            finally
            {
                log.Add("closed");
            }

            return default;
        })));
        Assert.Contains("Deadlock", ex.Message);
        Assert.Equal(new[] { "closed" }, log);
    }

    [Fact]
    public void Deadlock_WithGatheredWaiters_ClosesEverything_AndTheLoopCanRunAgain()
    {
        var ev = new LoopEvent();
        var log = new List<string>();
        Script<int> Waiter(string name) => S.Of<int>(async s =>
        {
            try
            {
                await s.Call(ev.Wait());
                return 1;
            }
            finally
            {
                log.Add(name + " closed");
            }
        });

        var loop = S.VirtualLoop();
        Assert.Throws<InvalidOperationException>(() => loop.Run(S.Of<int[]>(async s => await s.Call(s.Co.Gather(Waiter("a"), Waiter("b"))))));
        Assert.Equal(new[] { "a", "b" }, log.Select(l => l.Split(' ')[0]).OrderBy(x => x));
        Assert.Equal(0, loop.TaskCount);
        Assert.Equal(7, loop.Run(S.Of<int>(async s =>
        {
            await s.Y(s.Co.Sleep(1));
            return 7;
        })));
    }

    [Fact]
    public void ManySleepers_WakeInDeadlineOrder()
    {
        var rng = new Random(1234);
        int n = 20_000;
        var deadlines = Enumerable.Range(0, n).Select(_ => rng.Next(1, 1_000_000)).ToArray();
        var woke = new List<long>(n);
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var all = deadlines.Select(d => (Coroutine<LoopRequest, Unit, Unit>)S.Do(async t =>
            {
                await t.Y(t.Co.Sleep(TimeSpan.FromMilliseconds(d)));
                woke.Add((long)t.Co.Now().TotalMilliseconds);
                Assert.Equal(d, (long)t.Co.Now().TotalMilliseconds);
                return default;
            })).ToArray();
            await s.Call(s.Co.Gather(all));
            return default;
        }));
        Assert.Equal(n, woke.Count);
        Assert.Equal(woke.OrderBy(x => x), woke);
        Assert.Equal(TimeSpan.FromMilliseconds(deadlines.Max()), loop.Elapsed);
    }
}
