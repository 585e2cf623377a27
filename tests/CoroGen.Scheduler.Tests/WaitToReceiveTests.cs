using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class WaitToReceiveTests
{
    [Fact]
    public void DrainsItemsThenCompletion_WithoutAnException()
    {
        var ch = new LoopChannel<int>(2);
        var loop = S.VirtualLoop();
        var log = loop.Run(S.Of<List<string>>(async s =>
        {
            var log = new List<string>();
            var producer = s.Co.Spawn(S.Do(async p =>
            {
                for (int i = 0; i < 5; i++)
                {
                    await p.Call(ch.Send(i));
                    await p.Y(p.Co.Sleep(1));
                }

                ch.Complete();
                return default;
            }));
            while (await s.Call(ch.WaitToReceive()))
            {
                while (ch.TryReceive(out int item))
                {
                    log.Add($"{item}@{s.Co.Now().TotalSeconds}");
                }
            }

            log.Add($"done@{s.Co.Now().TotalSeconds}");
            Assert.False(await s.Call(ch.WaitToReceive())); // stays false
            await s.Call(producer.Join());
            return log;
        }));
        Assert.Equal(new[] { "0@0", "1@1", "2@2", "3@3", "4@4", "done@5" }, log);
    }

    [Fact]
    public void ItemsLeftAtCompletion_AreStillAvailable_ThenFalse()
    {
        var ch = new LoopChannel<string>(3);
        var got = S.VirtualLoop().Run(S.Of<List<string>>(async s =>
        {
            ch.TrySend("a");
            ch.TrySend("b");
            ch.Complete();
            var got = new List<string>();
            while (await s.Call(ch.WaitToReceive()))
            {
                Assert.True(ch.TryReceive(out string? item));
                got.Add(item!);
            }

            return got;
        }));
        Assert.Equal(new[] { "a", "b" }, got);
    }

    [Fact]
    public void CompletionWhileWaiting_WakesEveryWaiterWithFalse()
    {
        var ch = new LoopChannel<int>(1);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var waiters = Enumerable.Range(0, 3).Select(i => s.Co.Spawn(S.Do(async w =>
            {
                bool more = await w.Call(ch.WaitToReceive());
                log.Add($"w{i} {more} at {w.Co.Now().TotalSeconds}");
                return default;
            }))).ToArray();
            await s.Y(s.Co.Sleep(2));
            Assert.All(waiters, w => Assert.Equal(LoopTaskStatus.Waiting, w.State));
            ch.Complete();
            foreach (var w in waiters)
            {
                await s.Call(w.Join());
            }

            return default;
        }));
        Assert.Equal(new[] { "w0 False at 2", "w1 False at 2", "w2 False at 2" }, log);
    }

    [Fact]
    public void SeveralWaiters_AreWokenInQueueOrder_OnePerItem_AndShareTheQueueWithReceive()
    {
        var ch = new LoopChannel<int>(5);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var w0 = s.Co.Spawn(S.Do(async w =>
            {
                Assert.True(await w.Call(ch.WaitToReceive()));
                Assert.True(ch.TryReceive(out int item));
                log.Add($"w0 got {item} at {w.Co.Now().TotalSeconds}");
                return default;
            }));
            var r1 = s.Co.Spawn(S.Do(async w =>
            {
                log.Add($"r1 got {await w.Call(ch.Receive())} at {w.Co.Now().TotalSeconds}");
                return default;
            }));
            var w2 = s.Co.Spawn(S.Do(async w =>
            {
                Assert.True(await w.Call(ch.WaitToReceive()));
                Assert.True(ch.TryReceive(out int item));
                log.Add($"w2 got {item} at {w.Co.Now().TotalSeconds}");
                return default;
            }));
            await s.Y(s.Co.Sleep(1));
            Assert.True(ch.TrySend(10)); // wakes w0 only
            await s.Y(s.Co.Sleep(1));
            Assert.Equal(LoopTaskStatus.Waiting, r1.State);
            Assert.Equal(LoopTaskStatus.Waiting, w2.State);
            Assert.True(ch.TrySend(11));
            Assert.True(ch.TrySend(12));
            foreach (var t in new[] { w0, r1, w2 })
            {
                await s.Call(t.Join());
            }

            return default;
        }));
        Assert.Equal(new[] { "w0 got 10 at 1", "r1 got 11 at 2", "w2 got 12 at 2" }, log);
    }

    [Fact]
    public void BoundedSenderBlockedOnBackpressure_IsWokenByTheDrain()
    {
        var ch = new LoopChannel<int>(2);
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var producer = s.Co.Spawn(S.Do(async p =>
            {
                for (int i = 0; i < 6; i++)
                {
                    await p.Call(ch.Send(i));
                    log.Add($"sent {i} at {p.Co.Now().TotalSeconds}");
                }

                ch.Complete();
                return default;
            }));
            while (await s.Call(ch.WaitToReceive()))
            {
                await s.Y(s.Co.Sleep(1)); // a slow consumer: the producer blocks on the full channel meanwhile
                Assert.True(ch.Count <= ch.Capacity);
                while (ch.TryReceive(out int item))
                {
                    log.Add($"got {item} at {s.Co.Now().TotalSeconds}");
                }
            }

            await s.Call(producer.Join());
            return default;
        }));
        Assert.Equal(
            new[]
            {
                "sent 0 at 0", "sent 1 at 0", "got 0 at 1", "got 1 at 1", "sent 2 at 1", "sent 3 at 1",
                "got 2 at 2", "got 3 at 2", "sent 4 at 2", "sent 5 at 2", "got 4 at 3", "got 5 at 3",
            },
            log);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Elapsed);
    }

    [Fact]
    public void CancelledWhileWaiting_LeavesTheQueue_AndAWakeUpItGotPassesOn()
    {
        var ch = new LoopChannel<int>(2);
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            Script<Unit> Waiter(string name) => S.Do(async w =>
            {
                try
                {
                    if (await w.Call(ch.WaitToReceive()) && ch.TryReceive(out int item))
                    {
                        log.Add($"{name} got {item}");
                    }
                }
                catch (CoroutineCancelledException)
                {
                    log.Add($"{name} cancelled");
                }

                return default;
            });

            var a = s.Co.Spawn(Waiter("a"));
            var b = s.Co.Spawn(Waiter("b"));
            var c = s.Co.Spawn(Waiter("c"));
            await s.Y(s.Co.Sleep(1));
            a.Cancel(); // not woken yet: leaves the queue
            await s.Call(a.Wait());
            Assert.True(ch.TrySend(1)); // wakes b, which is cancelled before it runs: the wake-up goes to c
            b.Cancel();
            await s.Call(b.Wait());
            await s.Call(c.Join());
            Assert.True(ch.TrySend(2)); // nobody waits any more
            Assert.Equal(1, ch.Count);
            return default;
        }));
        Assert.Equal(new[] { "a cancelled", "b cancelled", "c got 1" }, log);
    }
}
