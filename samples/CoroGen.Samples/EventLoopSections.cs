using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Samples;

// Seed sections "Asynchronous execution" (blocking calls, then the sleeping scheduler, then 1,000 coroutines), "yield from"
// (nested workers, now sleeping for real) and "Our example in async/await" / "asyncio" (gather), on CoroGen's EventLoop.
// Every section sleeps on the real clock and prints "Time elapsed: N.Ns" like the seed; each checks its elapsed time.
public static partial class EventLoopSections
{
    // ---- Blocking version: time.sleep ----

    // def get_page(): time.sleep(1) ...
    public static string GetPageBlocking()
    {
        Console.WriteLine("Starting to download page");
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Console.WriteLine("Done downloading page");
        return "<html>Hello</html>";
    }

    // def read_db(): time.sleep(0.5) ... time.sleep(1)
    public static string ReadDbBlocking()
    {
        Console.WriteLine("Starting to retrieve data from db");
        Thread.Sleep(TimeSpan.FromSeconds(0.5));
        Console.WriteLine("Connected to db");
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Console.WriteLine("Done retrieving data from db");
        return "db-data";
    }

    // def run(): everything in sequence, so the time is the sum of the sleeps.
    public static void RunBlocking()
    {
        var start = Stopwatch.StartNew();
        GetPageBlocking();
        ReadDbBlocking();
        PrintTimeElapsed(start.Elapsed, expected: 2.5);
    }

    // ---- The sleeping scheduler: the same two functions as scheduler coroutines ----

    // def get_page(): yield ("sleep", 1) ... the page. With PEP 380 return values, the page is the coroutine's result.
    [Coroutine]
    public static async Coroutine<string> GetPage(Yielder<LoopRequest> co)
    {
        Console.WriteLine("Starting to download page");
        await co.Sleep(1);
        Console.WriteLine("Done downloading page");
        return "<html>Hello</html>";
    }

    // def read_db(): yield ("sleep", 0.5) ... yield ("sleep", 1) ... "db-data"
    [Coroutine]
    public static async Coroutine<string> ReadDb(Yielder<LoopRequest> co)
    {
        Console.WriteLine("Starting to retrieve data from db");
        await co.Sleep(0.5);
        Console.WriteLine("Connected to db");
        await co.Sleep(1);
        Console.WriteLine("Done retrieving data from db");
        return "db-data";
    }

    // The seed's scheduler printed "Got: ..." for every value a coroutine yielded that was not a sleep request. Here that
    // value is the coroutine's result: this task runs the coroutine (delegation) and prints the result as soon as it returns.
    // Coroutines without a result (Unit), like the workers below, print nothing, as the seed's do.
    [Coroutine]
    public static async Coroutine Got<T>(Coroutine<LoopRequest, Unit, T> coro, Yielder<LoopRequest> co)
    {
        T result = await coro;
        if (result is not Unit)
        {
            Console.WriteLine($"Got: {result}");
        }
    }

    // The loop's main task: run every coroutine as its own task and wait until all have finished.
    [Coroutine]
    public static async Coroutine RunAll(Coroutine<LoopRequest, Unit, Unit>[] tasks, Yielder<LoopRequest> co)
    {
        await co.Gather(tasks);
    }

    /// <summary>
    /// def scheduler(coros): the seed's ready deque, its heap of sleepers and its idling until the nearest deadline are the
    /// EventLoop's; each coroutine becomes a task, and what the seed printed as "Got: ..." is printed when a coroutine returns it.
    /// </summary>
    public static TimeSpan Scheduler<T>(IEnumerable<Coroutine<LoopRequest, Unit, T>> coros)
    {
        var start = Stopwatch.StartNew();
        Coroutine<LoopRequest, Unit, Unit>[] tasks = coros.Select(c => (Coroutine<LoopRequest, Unit, Unit>)Got(c)).ToArray();
        new EventLoop().Run(RunAll(tasks));
        return start.Elapsed;
    }

    public static void RunSleepingScheduler()
    {
        TimeSpan elapsed = Scheduler(new Coroutine<LoopRequest, Unit, string>[] { GetPage(), ReadDb() });
        PrintTimeElapsed(elapsed, expected: 1.5);
    }

    // scheduler([get_page() if i % 2 == 0 else read_db() for i in range(1000)]): the 3,500 lines they print are counted
    // instead of shown (in the order each first appears), then the time, still about 1.5 s.
    public static void RunThousandCoroutines()
    {
        var captured = new StringWriter(CultureInfo.InvariantCulture);
        TextWriter stdout = Console.Out;
        TimeSpan elapsed;
        Console.SetOut(captured);
        try
        {
            elapsed = Scheduler(Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? (Coroutine<LoopRequest, Unit, string>)GetPage() : ReadDb()));
        }
        finally
        {
            Console.SetOut(stdout);
        }

        string[] lines = captured.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"{lines.Length} lines printed (# ... a lot of output ...), counted:");
        foreach (IGrouping<string, string> line in lines.GroupBy(l => l, StringComparer.Ordinal))
        {
            Console.WriteLine($"{line.Count(),5} x {line.Key}");
        }

        // The concurrency shows in the order: every coroutine started before any of them connected or finished.
        int lastStart = Array.FindLastIndex(lines, l => l.StartsWith("Starting", StringComparison.Ordinal));
        int firstConnected = Array.IndexOf(lines, "Connected to db");
        Console.WriteLine($"all 1000 started before the first one connected: {lastStart < firstConnected}");
        PrintTimeElapsed(elapsed, expected: 1.5);
    }

    // ---- Nested coroutines: yield from / await ----

    // def write_db(data): yield ("sleep", 0.5) ... yield ("sleep", 1)
    [Coroutine]
    public static async Coroutine WriteDb(string data, Yielder<LoopRequest> co)
    {
        Console.WriteLine("Starting to write data to db");
        await co.Sleep(0.5);
        Console.WriteLine("Connected to db");
        await co.Sleep(1);
        Console.WriteLine("Done writing data to db");
    }

    // def worker(): page = yield from get_page(); yield from write_db(page)   (async def worker(): page = await get_page() ...)
    [Coroutine]
    public static async Coroutine Worker(Yielder<LoopRequest> co)
    {
        string page = await GetPage(co);
        await WriteDb(page, co);
    }

    // scheduler([worker(), worker(), worker()]): three workers, 2.5 s, the time of one.
    public static void RunNestedWorkers()
    {
        TimeSpan elapsed = Scheduler(new[] { Worker(), Worker(), Worker() });
        PrintTimeElapsed(elapsed, expected: 2.5);
    }

    // ---- async/await with gather ----

    // asyncio.gather(worker(), worker(), worker())
    [Coroutine]
    public static async Coroutine GatherWorkers(Yielder<LoopRequest> co)
    {
        await co.Gather(Worker(), Worker(), Worker());
    }

    // asyncio.run(asyncio.gather(worker(), worker(), worker()))
    public static void RunAsyncAwait()
    {
        var start = Stopwatch.StartNew();
        new EventLoop().Run(GatherWorkers());
        PrintTimeElapsed(start.Elapsed, expected: 2.5);
    }

    /// <summary>
    /// print(f"Time elapsed: {time.time()-start:.3}s"), rounded to 0.1 s (CI compares the rest of the output exactly). Throws when the
    /// time is off by more than a generous tolerance (0.1 s early, 1 s late), so a scheduler that does not overlap the sleeps fails.
    /// </summary>
    public static void PrintTimeElapsed(TimeSpan elapsed, double expected)
    {
        double seconds = elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Time elapsed: {seconds:0.0}s"));
        if (seconds < expected - 0.1 || seconds > expected + 1.0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The section took {seconds:0.000} s; expected about {expected} s (between {expected - 0.1} s and {expected + 1.0} s)."));
        }
    }

    public static void Run()
    {
        Program.Header("asynchronous execution: blocking calls (time.sleep)");
        RunBlocking();

        Program.Header("sleeping scheduler: scheduler([get_page(), read_db()])");
        RunSleepingScheduler();

        Program.Header("1,000 coroutines: 500 get_page() and 500 read_db()");
        RunThousandCoroutines();

        Program.Header("nested coroutines on the event loop: scheduler([worker(), worker(), worker()])");
        RunNestedWorkers();

        Program.Header("async/await: asyncio.run(asyncio.gather(worker(), worker(), worker()))");
        RunAsyncAwait();
    }
}
