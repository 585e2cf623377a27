using System;
using System.Net;
using System.Net.Sockets;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// A TCP echo server and client written as scheduler coroutines: every socket operation is a .NET Task awaited through
/// <see cref="LoopRequest.Await{T}(System.Threading.Tasks.ValueTask{T})"/>, so one loop thread serves every connection. As templates:
/// <code>
/// [Coroutine] static async Coroutine Serve(Socket listener, Yielder&lt;LoopRequest&gt; co)
/// {
///     using (listener)
///         while (true)
///         {
///             Socket client = await listener.AcceptAsync();
///             co.Spawn(Handle(client));
///         }
/// }
///
/// [Coroutine] static async Coroutine Handle(Socket client, Yielder&lt;LoopRequest&gt; co)
/// {
///     using (client)
///     {
///         var buffer = new byte[4096];
///         while (true)
///         {
///             int n = await client.ReceiveAsync(buffer, SocketFlags.None);
///             if (n == 0)
///                 break;
///             int sent = 0;
///             while (sent &lt; n)
///             {
///                 int k = await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
///                 sent += k;
///             }
///         }
///     }
/// }
/// </code>
/// </summary>
public static class EchoServer
{
    public static Socket Listen(int backlog = 2048)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(backlog);
        return listener;
    }

    public static Script<Unit> Serve(Socket listener) => S.Do(async s =>
    {
        using (listener)
        {
            while (true)
            {
                Socket client = await s.Await(listener.AcceptAsync());
                s.Co.Spawn(Handle(client));
            }
        }
    });

    public static Script<long> Handle(Socket client) => S.Of<long>(async s =>
    {
        long total = 0;
        using (client)
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await s.Await(client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None))) > 0)
            {
                for (int sent = 0; sent < n;)
                {
                    sent += await s.Await(client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None));
                }

                total += n;
            }
        }

        return total;
    });

    /// <summary>Connects, sends <paramref name="messages"/> messages one at a time, and checks that each comes back byte for byte, in order.</summary>
    public static Script<long> Client(EndPoint server, int id, int messages) => S.Of<long>(async s =>
    {
        long bytes = 0;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.Await(socket.ConnectAsync(server));
        var reply = new byte[64];
        for (int m = 0; m < messages; m++)
        {
            byte[] message = System.Text.Encoding.ASCII.GetBytes($"client {id:D4} message {m:D3} {new string((char)('a' + (m % 26)), m % 17)}\n");
            for (int sent = 0; sent < message.Length;)
            {
                sent += await s.Await(socket.SendAsync(message.AsMemory(sent), SocketFlags.None));
            }

            int got = 0;
            while (got < message.Length)
            {
                int n = await s.Await(socket.ReceiveAsync(reply.AsMemory(got, message.Length - got), SocketFlags.None));
                if (n == 0)
                {
                    throw new InvalidOperationException($"client {id}: the server closed the connection at message {m}");
                }

                got += n;
            }

            if (!reply.AsSpan(0, got).SequenceEqual(message))
            {
                throw new InvalidOperationException($"client {id}: message {m} came back as '{System.Text.Encoding.ASCII.GetString(reply, 0, got)}'");
            }

            bytes += got;
        }

        socket.Shutdown(SocketShutdown.Send);
        return bytes;
    });
}
