using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Channels;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class EventTests
{
    [Fact]
    public void Set_WakesEveryWaiter_WaitOnASetEventReturnsAtOnce()
    {
        var ev = new LoopEvent();
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            var waiters = Enumerable.Range(0, 3).Select(i => s.Co.Spawn(S.Do(async w =>
            {
                await w.Call(ev.Wait());
                log.Add($"w{i} at {w.Co.Now().TotalSeconds}");
                return default;
            }))).ToArray();
            await s.Y(s.Co.Sleep(2));
            log.Add("set");
            ev.Set();
            Assert.True(ev.IsSet);
            ev.Clear(); // waiters woken by Set still return
            foreach (var w in waiters)
            {
                await s.Call(w.Join());
            }

            ev.Set();
            await s.Call(ev.Wait());
            log.Add("immediate");
            return default;
        }));
        Assert.Equal(new[] { "set", "w0 at 2", "w1 at 2", "w2 at 2", "immediate" }, log);
    }

    [Fact]
    public void CancelledWaiter_LeavesTheEvent()
    {
        var ev = new LoopEvent();
        var log = new List<string>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var a = s.Co.Spawn(S.Do(async w => { await w.Call(ev.Wait()); log.Add("a"); return default; }));
            var b = s.Co.Spawn(S.Do(async w => { await w.Call(ev.Wait()); log.Add("b"); return default; }));
            await s.Y();
            a.Cancel();
            await s.Call(a.Wait());
            ev.Set();
            await s.Call(b.Join());
            Assert.True(a.IsCancelled);
            return default;
        }));
        Assert.Equal(new[] { "b" }, log);
    }
}

public class ChannelTests
{
    [Fact]
    public void BoundedChannel_AppliesBackpressure_AndKeepsOrder()
    {
        var ch = new LoopChannel<int>(2);
        var log = new List<string>();
        int maxCount = 0;
        var loop = S.VirtualLoop();
        var received = loop.Run(S.Of<List<int>>(async s =>
        {
            var producer = s.Co.Spawn(S.Do(async p =>
            {
                for (int i = 0; i < 6; i++)
                {
                    await p.Call(ch.Send(i));
                    maxCount = Math.Max(maxCount, ch.Count);
                    log.Add($"sent {i} at {p.Co.Now().TotalSeconds}");
                }

                ch.Complete();
                return default;
            }));
            var got = new List<int>();
            while (true)
            {
                await s.Y(s.Co.Sleep(1)); // a slow consumer
                try
                {
                    got.Add(await s.Call(ch.Receive()));
                }
                catch (ChannelClosedException)
                {
                    break;
                }
            }

            await s.Call(producer.Join());
            return got;
        }));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, received);
        Assert.Equal(2, maxCount);
        Assert.Equal(
            new[] { "sent 0 at 0", "sent 1 at 0", "sent 2 at 1", "sent 3 at 2", "sent 4 at 3", "sent 5 at 4" },
            log);
        Assert.Equal(TimeSpan.FromSeconds(7), loop.Elapsed); // 6 items + the receive that saw the channel closed
    }

    [Fact]
    public void ManyProducersAndConsumers_EveryItemArrivesOnce()
    {
        var ch = new LoopChannel<int>(3);
        var got = new List<int>();
        S.VirtualLoop().Run(S.Do(async s =>
        {
            var producers = Enumerable.Range(0, 5).Select(p => S.Do(async w =>
            {
                for (int i = 0; i < 100; i++)
                {
                    await w.Call(ch.Send((p * 1000) + i));
                    if (i % 7 == 0)
                    {
                        await w.Y(w.Co.Sleep(0.001 * p));
                    }
                }

                return default;
            })).ToArray();
            var consumers = Enumerable.Range(0, 4).Select(c => s.Co.Spawn(S.Do(async w =>
            {
                try
                {
                    while (true)
                    {
                        got.Add(await w.Call(ch.Receive()));
                        if (got.Count % 11 == c)
                        {
                            await w.Y(w.Co.Sleep(0.002));
                        }
                    }
                }
                catch (ChannelClosedException)
                {
                }

                return default;
            }))).ToArray();
            await s.Call(s.Co.Gather(producers));
            ch.Complete();
            foreach (var c in consumers)
            {
                await s.Call(c.Join());
            }

            return default;
        }));
        Assert.Equal(500, got.Count);
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(p => Enumerable.Range(p * 1000, 100)).OrderBy(x => x), got.OrderBy(x => x));
        for (int p = 0; p < 5; p++)
        {
            var mine = got.Where(x => x / 1000 == p).ToList();
            Assert.Equal(mine.OrderBy(x => x), mine); // each producer's items keep their order
        }
    }

    [Fact]
    public void CancelledReceiver_DoesNotLoseItems()
    {
        var ch = new LoopChannel<string>(1);
        string r = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            var a = s.Co.Spawn(S.Of<string>(async w => await w.Call(ch.Receive())));
            var b = s.Co.Spawn(S.Of<string>(async w => await w.Call(ch.Receive())));
            await s.Y();
            Assert.True(ch.TrySend("item")); // wakes a ...
            a.Cancel();                      // ... who is cancelled before it runs: the wake-up passes to b
            await s.Call(a.Wait());
            Assert.True(a.IsCancelled);
            return await s.Call(b.Join());
        }));
        Assert.Equal("item", r);
    }

    [Fact]
    public void CancelledSender_DoesNotLoseTheFreeSlot()
    {
        var ch = new LoopChannel<int>(1);
        var got = S.VirtualLoop().Run(S.Of<int[]>(async s =>
        {
            Assert.True(ch.TrySend(1));
            var a = s.Co.Spawn(S.Do(async w => { await w.Call(ch.Send(2)); return default; }));
            var b = s.Co.Spawn(S.Do(async w => { await w.Call(ch.Send(3)); return default; }));
            await s.Y();
            Assert.True(ch.TryReceive(out int first)); // frees the slot and wakes a ...
            a.Cancel();                                // ... who is cancelled: b gets the slot
            await s.Call(a.Wait());
            await s.Call(b.Join());
            Assert.True(ch.TryReceive(out int second));
            Assert.False(ch.TryReceive(out _));
            return new[] { first, second };
        }));
        Assert.Equal(new[] { 1, 3 }, got);
    }

    [Fact]
    public void SendAfterComplete_Fails_TryOperationsDoNotWait()
    {
        var ch = new LoopChannel<int>(1);
        Assert.True(ch.TrySend(1));
        Assert.False(ch.TrySend(2));
        ch.Complete();
        Assert.False(ch.TrySend(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoopChannel<int>(0));
        string r = S.VirtualLoop().Run(S.Of<string>(async s =>
        {
            Assert.Equal(1, await s.Call(ch.Receive()));
            try
            {
                await s.Call(ch.Send(4));
                return "sent";
            }
            catch (ChannelClosedException)
            {
                return "closed";
            }
        }));
        Assert.Equal("closed", r);
    }
}
