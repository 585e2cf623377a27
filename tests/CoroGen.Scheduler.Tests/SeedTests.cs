using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class SeedTests
{
    [Fact]
    public void SleepingScheduler_GetPageAndReadDb_FinishIn1_5Seconds()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        var results = new List<string>();
        string r = loop.Run(S.Of<string>(async s =>
        {
            var page = s.Co.Spawn(new Seed.GetPageCoroutine(output));
            var db = s.Co.Spawn(new Seed.ReadDbCoroutine(output));
            results.Add(await s.Call(page.Join()));
            output.Add("Got: " + page.Result);
            results.Add(await s.Call(db.Join()));
            output.Add("Got: " + db.Result);
            return "ok";
        }));

        Assert.Equal("ok", r);
        Assert.Equal(
            new[]
            {
                "Starting to download page",
                "Starting to retrieve data from db",
                "Connected to db",
                "Done downloading page",
                "Got: <html>Hello</html>",
                "Done retrieving data from db",
                "Got: db-data",
            },
            output);
        Assert.Equal(TimeSpan.FromSeconds(1.5), loop.Elapsed);
    }

    [Fact]
    public void ThousandCoroutines_StillTake1_5Seconds()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        string[] all = loop.Run(S.Of<string[]>(async s =>
            await s.Call(s.Co.Gather(Enumerable.Range(0, 1000)
                .Select(i => i % 2 == 0 ? (Coroutine<LoopRequest, Unit, string>)new Seed.GetPageCoroutine(output) : new Seed.ReadDbCoroutine(output))
                .ToArray()))));

        Assert.Equal(1000, all.Length);
        Assert.All(all.Where((_, i) => i % 2 == 0), p => Assert.Equal("<html>Hello</html>", p));
        Assert.All(all.Where((_, i) => i % 2 == 1), p => Assert.Equal("db-data", p));
        Assert.Equal(TimeSpan.FromSeconds(1.5), loop.Elapsed);
        Assert.Equal(500, output.Count(l => l == "Done downloading page"));
        Assert.Equal(500, output.Count(l => l == "Done retrieving data from db"));
    }

    [Fact]
    public void AsyncAwaitExample_GatherOfThreeWorkers_PrintsWhatTheSeedPrints()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        int n = loop.Run(new Seed.GatherWorkersCoroutine(output));

        Assert.Equal(3, n);
        Assert.Equal(
            new[]
            {
                "Starting to download page",
                "Starting to download page",
                "Starting to download page",
                "Done downloading page",
                "Starting to write data to db",
                "Done downloading page",
                "Starting to write data to db",
                "Done downloading page",
                "Starting to write data to db",
                "Connected to db",
                "Connected to db",
                "Connected to db",
                "Done writing data to db",
                "Done writing data to db",
                "Done writing data to db",
            },
            output);
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Elapsed);
    }

    [Fact]
    public void NestedWorkers_RunAsRootTasks()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        loop.Spawn(new Seed.WorkerCoroutine(output));
        loop.Spawn(new Seed.WorkerCoroutine(output));
        loop.Run(new Seed.WorkerCoroutine(output));
        Assert.Equal(3, output.Count(l => l == "Done writing data to db"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Elapsed);
    }

    [Fact]
    public void BlockingVersionTakesTheSumOfTheSleeps()
    {
        var output = new List<string>();
        var loop = S.VirtualLoop();
        loop.Run(S.Do(async s =>
        {
            await s.Call(new Seed.GetPageCoroutine(output));
            await s.Call(new Seed.ReadDbCoroutine(output));
            return default;
        }));
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Elapsed);
    }
}
