using System;
using System.Collections.Generic;

namespace CoroGen.Samples;

/// <summary>
/// Reproduces, in order, the examples of the seed "From yield to async/await" up to "Asynchronous execution",
/// followed by its "Nested coroutines" and "yield from" sections, then the rest of the seed on the EventLoop (real sleeps),
/// a Game of Life driven by coroutines and a TCP echo server. expected-output.txt holds what this prints.
/// </summary>
public static class Program
{
    public static void Main()
    {
        Generators.Run();
        Coroutines.Run();
        Scheduling.Run();
        Delegation.Run();
        EventLoopSections.Run();
        GameOfLife.Run();
        EchoServer.Run();
    }

    public static void Header(string title) => Console.WriteLine($"== {title} ==");

    /// <summary>Formats a list the way Python prints one: [1, 1, 2].</summary>
    public static string PyList<T>(IEnumerable<T> items) => "[" + string.Join(", ", items) + "]";
}
