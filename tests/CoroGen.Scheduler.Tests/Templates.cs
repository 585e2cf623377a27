using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>Real [Coroutine] templates for the scheduler, compiled by the generator: the seed's async example and the echo server.</summary>
public static partial class SchedulerTemplates
{
    /// <summary>Sleeps, then fails: the stack trace of a task's failure.</summary>
    [Coroutine]
    public static async Coroutine<int> FailsAfterSleep(Yielder<LoopRequest> co)
    {
        await co.Sleep(1);
        throw new InvalidOperationException("failed after a sleep");
    }

    [Coroutine]
    public static async Coroutine<int[]> GathersAFailure(Yielder<LoopRequest> co) => await co.Gather(FailsAfterSleep(), Child(1));

    /// <summary>Spawns a task that fails and joins it: the failure is raised again at the join.</summary>
    [Coroutine]
    public static async Coroutine<int> JoinsAFailure(Yielder<LoopRequest> co)
    {
        var task = co.Spawn(FailsAfterSleep());
        await co.Sleep(2);
        int result = await task;
        return result;
    }

    [Coroutine]
    public static async Coroutine<string> GetPage(List<string> output, Yielder<LoopRequest> co)
    {
        output.Add("Starting to download page");
        await co.Sleep(1);
        output.Add("Done downloading page");
        return "<html>Hello</html>";
    }

    [Coroutine]
    public static async Coroutine<string> ReadDb(List<string> output, Yielder<LoopRequest> co)
    {
        output.Add("Starting to retrieve data from db");
        await co.Sleep(0.5);
        output.Add("Connected to db");
        await co.Sleep(1);
        output.Add("Done retrieving data from db");
        return "db-data";
    }

    [Coroutine]
    public static async Coroutine WriteDb(string data, List<string> output, Yielder<LoopRequest> co)
    {
        output.Add("Starting to write data to db");
        await co.Sleep(0.5);
        output.Add("Connected to db");
        await co.Sleep(1);
        output.Add("Done writing data to db");
    }

    [Coroutine]
    public static async Coroutine Worker(List<string> output, Yielder<LoopRequest> co)
    {
        string page = await GetPage(output, co);
        await WriteDb(page, output, co);
    }

    [Coroutine]
    public static async Coroutine Main(List<string> output, Yielder<LoopRequest> co)
    {
        await co.Gather(Worker(output), Worker(output), Worker(output));
    }

    // `var` locals whose type the compiler infers from a factory this generator writes, living across suspension points.
    [Coroutine]
    public static async Coroutine<string> VarLocalsAroundFactories(List<string> output, Yielder<LoopRequest> co)
    {
        var page = co.Spawn(GetPage(output));                                  // LoopTask<string>
        var timed = await co.MoveOnAfter(TimeSpan.FromSeconds(0.5), GetPage(output)); // TimeoutResult<string>
        var both = co.Gather(Child(1), Child(2));                              // Coroutine<LoopRequest, Unit, int[]>
        await co.Sleep(0.25);
        int[] values = await both;
        return $"{await page}|{timed.TimedOut}|{string.Join(",", values)}";
    }

    /// <summary>Deconstructed `var` locals typed by awaits of factory calls, the way tuples of results come back.</summary>
    [Coroutine]
    public static async Coroutine<string> DeconstructsAroundFactories(Yielder<LoopRequest> co)
    {
        var (a, b) = await co.Gather((Child(1), GetPage(new List<string>())));
        (var c, string d) = await co.Gather((Child(2), GetPage(new List<string>())));
        var (e, (f, g)) = (3, await co.Gather((Child(4), Child(5))));
        var (timedOut, value) = (false, 0);
        var result = await co.MoveOnAfter(TimeSpan.FromSeconds(5), Child(6));
        (timedOut, value) = (result.TimedOut, result.Value);
        await co.Sleep(1); // every local lives across a suspension point: a field of the type the factories give
        return $"{a + 1} {b.Length} {c + 1} {d.Length} {e} {f} {g} {timedOut} {value}";
    }

    /// <summary>Awaits whose receiver or arguments are typed by factory calls: a `var` task joined, WhenAny over spawns.</summary>
    [Coroutine]
    public static async Coroutine<string> JoinsAroundFactories(Yielder<LoopRequest> co)
    {
        var t = co.Spawn(Child(5));
        int joined = await t.Join();
        LoopTask<int> first = await co.WhenAny(co.Spawn(Child(7)), co.Spawn(Child(8)));
        var slow = co.Spawn(Child(9));
        var fast = co.Spawn(Child(10));
        LoopTask<int> winner = await co.WhenAny(slow, fast);
        var either = await co.WhenAny(slow, fast);
        return $"{joined} {first.Result} {winner.Result} {either.Result} {await slow + await fast}";
    }

    /// <summary>`var` locals holding a factory's coroutine passed on (spawned, gathered), and a foreach over spawned tasks.</summary>
    [Coroutine]
    public static async Coroutine<string> VarCoroutinesPassedOn(Yielder<LoopRequest> co)
    {
        var w = Child(2);
        var t = co.Spawn(w);
        var other = Child(3);
        int[] gathered = await co.Gather(other, Child(4));
        var tasks = Enumerable.Range(5, 2).Select(v => co.Spawn(Child(v))).ToArray();
        int sum = 0;
        foreach (var task in tasks)
        {
            sum += await task;
        }

        return $"{await t} {gathered[0] + gathered[1]} {sum}";
    }

    [Coroutine]
    public static async Coroutine<int> Child(int value, Yielder<LoopRequest> co)
    {
        await co.Sleep(1);
        return value;
    }

    [Coroutine]
    public static async Coroutine<int> SpawnAndJoin(Yielder<LoopRequest> co)
    {
        LoopTask<int> a = co.Spawn(Child(20));
        LoopTask<int> b = co.Spawn(Child(22));
        int x = await a;          // awaiting a loop task joins it
        int y = await b.Join();
        return x + y;
    }

    [Coroutine]
    public static async Coroutine Producer(LoopChannel<int> channel, int count, List<string> output, Yielder<LoopRequest> co)
    {
        for (int i = 0; i < count; i++)
        {
            await channel.Send(i);
            output.Add($"sent {i} at {co.Now().TotalSeconds}");
        }

        channel.Complete();
    }

    [Coroutine]
    public static async Coroutine<int> Consumer(LoopChannel<int> channel, LoopEvent started, Yielder<LoopRequest> co)
    {
        await started.Wait();
        int sum = 0;
        while (true)
        {
            int item;
            try
            {
                item = await channel.Receive();
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                break;
            }

            sum += item;
            await co.Sleep(1);
        }

        return sum;
    }

    [Coroutine]
    public static async Coroutine<int> Pipeline(List<string> output, Yielder<LoopRequest> co)
    {
        var channel = new LoopChannel<int>(2);
        var started = new LoopEvent();
        LoopTask<int> consumer = co.Spawn(Consumer(channel, started));
        LoopTask<Unit> producer = co.Spawn(Producer(channel, 5, output));
        await co.Sleep(3);
        started.Set();
        int sum = await consumer;
        await producer.Join();
        return sum;
    }

    [Coroutine]
    public static async Coroutine<int> Delayed(double seconds, int value, Yielder<LoopRequest> co)
    {
        await co.Sleep(seconds);
        return value;
    }

    [Coroutine]
    public static async Coroutine<int> CountTo(LoopChannel<int> channel, int count, Yielder<LoopRequest> co)
    {
        for (int i = 1; i <= count; i++)
        {
            await channel.Send(i);
        }

        channel.Complete();
        return count;
    }

    // WhenAny, WaitToReceive and a tuple Gather as a template writes them.
    [Coroutine]
    public static async Coroutine<string> FirstDrainAndPair(Yielder<LoopRequest> co)
    {
        LoopTask<int> slow = co.Spawn(Delayed(2, 1));
        LoopTask<int> fast = co.Spawn(Delayed(1, 2));
        LoopTask<int> first = await co.WhenAny(slow, fast);
        int firstValue = await first;

        var channel = new LoopChannel<int>(2);
        LoopTask<int> producer = co.Spawn(CountTo(channel, 5));
        int sum = 0;
        while (await channel.WaitToReceive())
        {
            while (channel.TryReceive(out int item))
            {
                sum += item;
            }
        }

        await producer;
        (int n, string t) = await co.Gather((Delayed(1, 3), Slow(2)));
        await slow;
        return $"{firstValue} {sum} {n} {t} {co.Now().TotalSeconds}";
    }

    [Coroutine]
    public static async Coroutine<string> Slow(double seconds, Yielder<LoopRequest> co)
    {
        await co.Sleep(seconds);
        return "slow";
    }

    [Coroutine]
    public static async Coroutine<string> Timeouts(Yielder<LoopRequest> co)
    {
        // Typed locals: the generator types an await whose arguments are this class's own factory calls through them.
        Coroutine<LoopRequest, Unit, string> first = Slow(10);
        TimeoutResult<string> moved = await co.MoveOnAfter(TimeSpan.FromSeconds(2), first);
        Coroutine<LoopRequest, Unit, string> second = Slow(10);
        string failed;
        try
        {
            failed = await co.FailAfter(TimeSpan.FromSeconds(1), second);
        }
        catch (TimeoutException)
        {
            failed = "timeout";
        }

        Coroutine<LoopRequest, Unit, string> third = Slow(1);
        TimeoutResult<string> done = await co.MoveOnAfter(TimeSpan.FromSeconds(5), third);
        return $"{moved.TimedOut} {failed} {done.Value} {co.Now().TotalSeconds}";
    }

    [Coroutine]
    public static async Coroutine<int> TaskInterop(Yielder<LoopRequest> co)
    {
        int v = await Task.Run(() => 40);
        await Task.Yield();
        await Task.CompletedTask;
        int w = await new ValueTask<int>(2);
        return v + w;
    }

    [Coroutine]
    public static async Coroutine<string> CancelledCleanup(List<string> output, Yielder<LoopRequest> co)
    {
        try
        {
            await co.Sleep(100);
            return "finished";
        }
        finally
        {
            output.Add("finally at " + co.Now().TotalSeconds);
        }
    }

    /// <summary>Receives into <paramref name="buffer"/> with the task's token (co.CancellationToken()): a cancellation stops the receive.</summary>
    [Coroutine]
    public static async Coroutine<int> ReceiveWithToken(Socket socket, byte[] buffer, List<string> log, Yielder<LoopRequest> co)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, co.CancellationToken());
        }
        finally
        {
            log.Add("receive finally");
        }
    }

    /// <summary>Accepts one connection with the token of a timeout scope's body.</summary>
    [Coroutine]
    public static async Coroutine<Socket> AcceptWithToken(Socket listener, Yielder<LoopRequest> co) =>
        await listener.AcceptAsync(co.CancellationToken());

    [Coroutine]
    public static async Coroutine Serve(Socket listener, Yielder<LoopRequest> co)
    {
        using (listener)
        {
            while (true)
            {
                Socket client = await listener.AcceptAsync(co.CancellationToken()); // the token: a cancelled server stops accepting
                co.Spawn(Handle(client));
            }
        }
    }

    [Coroutine]
    public static async Coroutine Handle(Socket client, Yielder<LoopRequest> co)
    {
        using (client)
        {
            var buffer = new byte[4096];
            while (true)
            {
                int n = await client.ReceiveAsync(buffer, SocketFlags.None, co.CancellationToken());
                if (n == 0)
                {
                    break;
                }

                int sent = 0;
                while (sent < n)
                {
                    int k = await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, co.CancellationToken());
                    sent += k;
                }
            }
        }
    }

    [Coroutine]
    public static async Coroutine<long> Client(EndPoint server, int id, int messages, Yielder<LoopRequest> co)
    {
        long bytes = 0;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await socket.ConnectAsync(server);
            var reply = new byte[64];
            for (int m = 0; m < messages; m++)
            {
                byte[] message = System.Text.Encoding.ASCII.GetBytes($"client {id:D4} message {m:D3}\n");
                int sent = 0;
                while (sent < message.Length)
                {
                    int k = await socket.SendAsync(message.AsMemory(sent), SocketFlags.None);
                    sent += k;
                }

                int got = 0;
                while (got < message.Length)
                {
                    int n = await socket.ReceiveAsync(reply.AsMemory(got, message.Length - got), SocketFlags.None);
                    if (n == 0)
                    {
                        throw new InvalidOperationException($"client {id}: connection closed at message {m}");
                    }

                    got += n;
                }

                if (!reply.AsSpan(0, got).SequenceEqual(message))
                {
                    throw new InvalidOperationException($"client {id}: message {m} came back wrong");
                }

                bytes += got;
            }
        }

        return bytes;
    }
}

/// <summary>Templates that await configured tasks (<c>task.ConfigureAwait(false)</c>), as code written under CA2007 does.</summary>
public static partial class ConfiguredAwaitTemplates
{
    // An ordinary async method awaited from a template, and a configured await: neither may depend on the context or the
    // task scheduler of the thread that runs the loop, which the loop blocks.
    [Coroutine]
    public static async Coroutine<int> AwaitsOrdinaryAsyncCode(Yielder<LoopRequest> co)
    {
        int a = await Helper();
        await Task.Delay(1).ConfigureAwait(true);
        await new ValueTask(Task.Delay(1)).ConfigureAwait(true);
        return a + 1;
    }

    private static async Task<int> Helper()
    {
        await Task.Delay(1);
        await Task.Yield();
        return 41;
    }

    [Coroutine]
    public static async Coroutine<int> AwaitConfigured(Task<int> t, Task u, ValueTask<int> v, ValueTask w, bool flag, Yielder<LoopRequest> co)
    {
        int a = await t.ConfigureAwait(flag);
        await u.ConfigureAwait(flag);
        int b = await v.ConfigureAwait(flag);
        await w.ConfigureAwait(flag);
        return a + b;
    }
}
