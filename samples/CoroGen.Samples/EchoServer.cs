using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Samples;

// The seed's promise for its next post: "an event loop ... able to also handle network I/O without blocking ... a network
// server with high concurrency in a single thread". A TCP echo server on 127.0.0.1, written as scheduler coroutines: each
// socket operation is a .NET Task awaited in the template, which suspends only that coroutine; one loop thread serves every
// connection. A handful of client coroutines on the same loop talk to it, then the server is stopped.
public static partial class EchoServer
{
    public const int Clients = 5;

    /// <summary>Connections the server has accepted (the loop's thread only).</summary>
    public static int Accepted;

    // Accept connections forever; each one is served by its own task.
    [Coroutine]
    public static async Coroutine Serve(Socket listener, Yielder<LoopRequest> co)
    {
        using (listener)
        {
            while (true)
            {
                Socket client = await listener.AcceptAsync(co.CancellationToken()); // the token: a cancelled server stops accepting
                Accepted++;
                _ = co.Spawn(Handle(client));
            }
        }
    }

    // Send back every byte received, until the client closes its side.
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

    // A client: connect, send a few lines, close the sending side, read everything the server sends back.
    [Coroutine]
    public static async Coroutine<string> Client(EndPoint server, int id, Yielder<LoopRequest> co)
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await socket.ConnectAsync(server);
            for (int m = 1; m <= 3; m++)
            {
                byte[] message = Encoding.ASCII.GetBytes($"client {id} line {m};");
                int sent = 0;
                while (sent < message.Length)
                {
                    int k = await socket.SendAsync(message.AsMemory(sent), SocketFlags.None);
                    sent += k;
                }

                // Let the other clients run between lines: their lines interleave on the server.
                await co.Reschedule();
            }

            socket.Shutdown(SocketShutdown.Send);
            var reply = new byte[1024];
            int got = 0;
            while (true)
            {
                int n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            return Encoding.ASCII.GetString(reply, 0, got);
        }
    }

    [Coroutine]
    public static async Coroutine<string[]> AllClients(EndPoint server, Yielder<LoopRequest> co)
    {
        var clients = new Coroutine<LoopRequest, Unit, string>[Clients];
        for (int i = 0; i < Clients; i++)
        {
            clients[i] = Client(server, i + 1);
        }

        string[] replies = await co.Gather(clients);
        return replies;
    }

    // Start the server, run the clients concurrently (at most 10 s), print what they got back, then stop the server:
    // cancelling it raises at its pending accept, and its using block closes the listener.
    [Coroutine]
    public static async Coroutine ServeClients(Yielder<LoopRequest> co)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Clients);
        EndPoint server = listener.LocalEndPoint!;
        LoopTask<Unit> serving = co.Spawn(Serve(listener));
        Coroutine<LoopRequest, Unit, string[]> clients = AllClients(server);
        string[] replies = await co.FailAfter(TimeSpan.FromSeconds(10), clients);
        for (int i = 0; i < replies.Length; i++)
        {
            Console.WriteLine($"client {i + 1} got back: {replies[i]}");
        }

        serving.Cancel();
        await serving.Wait();
        Console.WriteLine($"server accepted {Accepted} connections; stopped: {serving.State}");
    }

    public static void Run()
    {
        Program.Header($"echo server on 127.0.0.1: {Clients} clients on one loop thread");
        new EventLoop().Run(ServeClients());
    }
}
