using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

// co.CancellationToken() (scheduler.md §5): the loop cancels the token of the task, or of the innermost timeout scope around the
// call, before it raises that cancellation at the task's suspension point, so .NET operations given the token stop too.
public class CancellationTokenTests
{
    [Fact]
    public void AScopesDeadline_CancelsTheTokensTakenInsideIt_BeforeTheBodyUnwinds_AndNotThoseOutside()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            CancellationToken task = s.Co.CancellationToken();
            CancellationToken outer = default, inner = default;
            TimeoutResult<Unit> r = await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(10), S.Do(async o =>
            {
                outer = o.Co.CancellationToken();
                TimeoutResult<Unit> ri = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Do(async i =>
                {
                    inner = i.Co.CancellationToken();
                    Assert.Equal(inner, i.Co.CancellationToken()); // one token per scope
                    inner.Register(() => log.Add($"inner token cancelled at {loop.Elapsed.TotalSeconds} on the loop thread: {EventLoop.Current == loop}"));
                    try
                    {
                        await i.Y(i.Co.Sleep(5));
                    }
                    finally
                    {
                        log.Add($"inner finally: token cancelled {inner.IsCancellationRequested}");
                    }

                    return default;
                })));
                log.Add($"inner scope timed out {ri.TimedOut}; outer token cancelled {outer.IsCancellationRequested}");
                return default;
            })));
            log.Add($"outer scope timed out {r.TimedOut}; task token cancelled {task.IsCancellationRequested}");
            return default;
        }));

        Assert.Equal(
            new[]
            {
                "inner token cancelled at 2 on the loop thread: True",
                "inner finally: token cancelled True",
                "inner scope timed out True; outer token cancelled False",
                "outer scope timed out False; task token cancelled False",
            },
            log);
    }

    [Fact]
    public void AnOuterScopesDeadline_CancelsTheTokensOfTheScopesInsideIt()
    {
        var loop = S.VirtualLoop();
        var tokens = new CancellationToken[3];
        bool[] cancelled = loop.Run(S.Of<bool[]>(async s =>
        {
            tokens[0] = s.Co.CancellationToken();
            await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Do(async o =>
            {
                tokens[1] = o.Co.CancellationToken();
                await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(30), S.Do(async i =>
                {
                    tokens[2] = i.Co.CancellationToken();
                    await i.Y(i.Co.Sleep(60));
                    return default;
                })));
                return default;
            })));
            return tokens.Select(t => t.IsCancellationRequested).ToArray();
        }));

        Assert.Equal(new[] { false, true, true }, cancelled);
    }

    [Fact]
    public void CancellingTheTask_CancelsEveryTokenItTook_AndCleanupAfterwardsGetsANewTokenThatASecondCancelCancels()
    {
        var loop = S.VirtualLoop();
        var log = new List<string>();
        CancellationToken task = default, scope = default, cleanup = default;
        LoopTask? worker = null;
        loop.Run(S.Do(async s =>
        {
            worker = s.Co.Spawn(S.Do(async w =>
            {
                task = w.Co.CancellationToken();
                try
                {
                    await w.Call(w.Co.MoveOnAfter(TimeSpan.FromSeconds(30), S.Do(async b =>
                    {
                        scope = b.Co.CancellationToken();
                        await b.Y(b.Co.Sleep(60));
                        return default;
                    })));
                }
                finally
                {
                    // Cleanup after the cancellation was raised: a new token, not the cancelled one.
                    cleanup = w.Co.CancellationToken();
                    log.Add($"cleanup token: new {cleanup != task}, cancelled {cleanup.IsCancellationRequested}");
                    cleanup.Register(() => log.Add("cleanup token cancelled by the second Cancel()"));
                    await w.Y(w.Co.Sleep(10));
                }

                return default;
            }));
            await s.Y(s.Co.Sleep(1));
            worker.Cancel();
            log.Add($"right after Cancel(): task token {task.IsCancellationRequested}, scope token {scope.IsCancellationRequested}");
            await s.Y(s.Co.Sleep(1));
            worker.Cancel(); // cuts the cleanup short (scheduler.md §5), and cancels the cleanup's token first
            await s.Call(worker.Wait());
            return default;
        }));

        Assert.Equal(
            new[]
            {
                "right after Cancel(): task token True, scope token True",
                "cleanup token: new True, cancelled False",
                "cleanup token cancelled by the second Cancel()",
            },
            log);
        Assert.True(worker!.IsCancelled);
    }

    [Fact]
    public void AScopeThatBoundsCleanupAfterAnOuterDeadline_GetsATokenOfItsOwn()
    {
        var loop = S.VirtualLoop();
        var log = new List<string>();
        TimeoutResult<Unit> r = loop.Run(S.Of<TimeoutResult<Unit>>(async s => await s.Call(s.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Do(async o =>
        {
            try
            {
                await o.Y(o.Co.Sleep(5));
            }
            finally
            {
                TimeoutResult<Unit> cleanup = await o.Call(o.Co.MoveOnAfter(TimeSpan.FromSeconds(2), S.Do(async c =>
                {
                    CancellationToken token = c.Co.CancellationToken();
                    log.Add($"cleanup scope token cancelled at {c.Co.Now().TotalSeconds}: {token.IsCancellationRequested}");
                    await c.Y(c.Co.Sleep(10));
                    return default;
                })));
                log.Add($"cleanup timed out {cleanup.TimedOut} at {o.Co.Now().TotalSeconds}");
            }

            return default;
        })))));

        Assert.True(r.TimedOut);
        Assert.Equal(new[] { "cleanup scope token cancelled at 1: False", "cleanup timed out True at 3" }, log);
    }

    [Fact]
    public void ATokenAskedForWhileACancellationIsPending_IsCancelledAlready()
    {
        var loop = S.VirtualLoop();
        bool cancelled = loop.Run(S.Of<bool>(async s =>
        {
            s.Co.CurrentTask().Cancel(); // raised at the next suspension point; pending until then
            bool result = s.Co.CancellationToken().IsCancellationRequested;
            try
            {
                await s.Y(s.Co.Reschedule());
            }
            catch (CoroutineCancelledException)
            {
            }

            return result;
        }));
        Assert.True(cancelled);
    }

    [Fact]
    public void ATokenCallbackThatThrows_IsReportedByRun_AndTheTaskStillEndsCancelled()
    {
        var loop = S.VirtualLoop();
        var boom = new InvalidOperationException("callback failed");
        LoopTask? worker = null;
        var log = new List<string>();
        var error = Assert.Throws<AggregateException>(() => loop.Run(S.Do(async s =>
        {
            worker = s.Co.Spawn(S.Do(async w =>
            {
                w.Co.CancellationToken().Register(() => throw boom);
                try
                {
                    await w.Y(w.Co.Sleep(60));
                }
                finally
                {
                    log.Add("worker finally");
                }

                return default;
            }));
            await s.Y(s.Co.Sleep(1));
            worker.Cancel();
            await s.Call(worker.Wait());
            log.Add("main goes on");
            return default;
        })));

        Assert.Equal(new[] { "worker finally", "main goes on" }, log);
        Assert.True(worker!.IsCancelled);
        // The callback's own exception, as for a failing timer callback: not the AggregateException CancellationTokenSource wraps it in.
        Assert.Same(boom, Assert.Single(error.InnerExceptions));
    }

    [Fact]
    public void ATokenTakenInAScopeThatHasEnded_IsNotCancelledByCancel_ButTheTasksOwnIs()
    {
        var loop = S.VirtualLoop();
        CancellationToken inEndedScope = default, own = default;
        loop.Run(S.Do(async s =>
        {
            LoopTask victim = s.Co.Spawn(S.Do(async v =>
            {
                await v.Call(v.Co.MoveOnAfter(TimeSpan.FromSeconds(1), S.Do(async i =>
                {
                    inEndedScope = i.Co.CancellationToken();
                    await i.Y();
                    return default;
                })));
                own = v.Co.CancellationToken();
                await v.Y(v.Co.Sleep(10));
                return default;
            }));
            await s.Y(s.Co.Sleep(2));
            victim.Cancel();
            await s.Call(victim.Wait());
            return default;
        }));

        Assert.True(own.IsCancellationRequested);
        Assert.False(inEndedScope.IsCancellationRequested); // scheduler.md §5: that scope's work is over
    }

    [Fact]
    public void ACancelledReceiveWithTheToken_StopsTheOperation_SoTheDataGoesToTheNextReceive_AndTheBufferIsUntouched()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint!);
        using Socket socket = listener.Accept();

        var log = new List<string>();
        var abandoned = new byte[16];
        var loop = new EventLoop(); // the system clock: real I/O (nothing here waits for time to pass)
        var run = Task.Factory.StartNew(
            () => loop.Run(S.Of<string>(async s =>
            {
                LoopTask<int> receiver = s.Co.Spawn(SchedulerTemplates.ReceiveWithToken(socket, abandoned, log));
                await s.Y(s.Co.Reschedule()); // the receiver starts its receive and waits
                receiver.Cancel();
                await s.Call(receiver.Wait());
                log.Add($"receiver {receiver.State}");
                peer.Send(Encoding.ASCII.GetBytes("HELLO"));
                var next = new byte[16];
                int n = await s.Await(socket.ReceiveAsync(next, SocketFlags.None));
                return Encoding.ASCII.GetString(next, 0, n);
            })),
            TaskCreationOptions.LongRunning);
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "the receive test did not finish");

        Assert.Equal("HELLO", run.Result);
        Assert.Equal(new[] { "receive finally", "receiver Cancelled" }, log);
        Assert.All(abandoned, b => Assert.Equal(0, b));
    }

    [Fact]
    public void AnAcceptWithTheTokenCutShortByATimeout_StopsAccepting_SoTheNextAcceptGetsTheConnection()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var loop = new EventLoop();
        var run = Task.Factory.StartNew(
            () => loop.Run(S.Of<string>(async s =>
            {
                // A zero timeout expires at the accept's first suspension point: the accept is started, then cancelled.
                TimeoutResult<Socket> first = await s.Call(s.Co.MoveOnAfter(TimeSpan.Zero, SchedulerTemplates.AcceptWithToken(listener)));
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.Await(client.ConnectAsync(listener.LocalEndPoint!));
                using Socket accepted = await s.Call(SchedulerTemplates.AcceptWithToken(listener));
                return $"{first.TimedOut} {accepted.RemoteEndPoint!.Equals(client.LocalEndPoint)}";
            })),
            TaskCreationOptions.LongRunning);
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "the accept test did not finish");
        Assert.Equal("True True", run.Result);
    }
}
