using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Scheduler.Tests;

public class EchoServerTests
{
    private readonly ITestOutputHelper output;

    public EchoServerTests(ITestOutputHelper output) => this.output = output;

    private (long Bytes, long Expected, int LoopThreadUses, TimeSpan Elapsed) RunEcho(int clients, int messages, bool templates = false)
    {
        int loopThread = -1;
        int foreign = 0;
        var loop = new EventLoop(); // the system clock: this test does real I/O
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        var run = Task.Factory.StartNew(
            () => loop.Run(S.Of<long>(async s =>
            {
                loopThread = Environment.CurrentManagedThreadId;
                var listener = EchoServer.Listen();
                var endpoint = (IPEndPoint)listener.LocalEndPoint!;
                var server = templates ? (LoopTask)s.Co.Spawn(SchedulerTemplates.Serve(listener)) : s.Co.Spawn(EchoServer.Serve(listener));
                var all = Enumerable.Range(0, clients).Select(id => (Coroutine<LoopRequest, Unit, long>)S.Of<long>(async c =>
                {
                    long b = templates
                        ? await c.Call(SchedulerTemplates.Client(endpoint, id, messages))
                        : await c.Call(EchoServer.Client(endpoint, id, messages));
                    if (Environment.CurrentManagedThreadId != loopThread)
                    {
                        Interlocked.Increment(ref foreign);
                    }

                    return b;
                })).ToArray();
                long[] perClient = await s.Call(s.Co.FailAfter(TimeSpan.FromSeconds(60), s.Co.Gather(all)));
                server.Cancel();
                return perClient.Sum();
            })),
            TaskCreationOptions.LongRunning);
        Assert.True(run.Wait(TimeSpan.FromSeconds(90)), "the echo test did not finish in time");
        bytes = run.Result;
        long expected = 0;
        for (int m = 0; m < messages; m++)
        {
            expected += templates ? $"client 0000 message {m:D3}\n".Length : $"client 0000 message {m:D3} {new string('x', m % 17)}\n".Length;
        }

        return (bytes, expected * clients, foreign, sw.Elapsed);
    }

    [Fact]
    public void EchoServer_HundredScriptClients_AllBytesReturnInOrder()
    {
        var r = RunEcho(100, 20);
        Assert.Equal(r.Expected, r.Bytes);
        Assert.Equal(0, r.LoopThreadUses);
    }

    [Fact]
    public void EchoServer_FromTemplates_ThousandConcurrentClients_HundredMessagesEach()
    {
        var r = RunEcho(1000, 100, templates: true);
        output.WriteLine($"generated echo server, 1000 clients x 100 messages: {r.Bytes} bytes echoed in {r.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(r.Expected, r.Bytes);
        Assert.Equal(0, r.LoopThreadUses);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(60), $"took {r.Elapsed}");
    }
}
