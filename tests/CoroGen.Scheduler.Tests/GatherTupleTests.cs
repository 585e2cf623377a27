using System;
using System.Collections.Generic;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;

namespace CoroGen.Scheduler.Tests;

public class GatherTupleTests
{
    [Fact]
    public void Two_And_Three_ReturnResultsInArgumentOrder_WithMixedTypes()
    {
        var log = new List<string>();
        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            (string page, int count) = await s.Call(s.Co.Gather((S.SleepThen(2, "page", log), S.SleepThen(1, 42, log))));
            Assert.Equal(TimeSpan.FromSeconds(2), s.Co.Now());
            var (d, b, u) = await s.Call(s.Co.Gather((S.SleepThen(1, 1.5, log), S.SleepThen(3, true, log), S.SleepThen(2, Unit.Value, log))));
            Assert.Equal(TimeSpan.FromSeconds(5), s.Co.Now());
            (int, int) same = await s.Call(s.Co.Gather((S.SleepThen(1, 7), S.SleepThen(0, 8))));
            int[] array = await s.Call(s.Co.Gather(S.SleepThen(0, 1), S.SleepThen(0, 2))); // one type: still the array Gather
            return $"{page},{count},{d},{b},{u},{same},{string.Join("+", array)}";
        }));
        Assert.Equal("page,42,1.5,True,(),(7, 8),1+2", r);
        Assert.Equal(new[] { "42@1", "page@2", "1.5@3", "()@4", "True@5" }, log);
    }

    [Fact]
    public void AFailure_CancelsTheSiblings_WaitsForThem_ThenIsRaised()
    {
        var boom = new InvalidOperationException("boom");
        var log = new List<string>();
        Script<T> Sibling<T>(string name, T value) => S.Of<T>(async s =>
        {
            try
            {
                await s.Y(s.Co.Sleep(10));
                return value;
            }
            finally
            {
                log.Add(name + " cleanup at " + s.Co.Now().TotalSeconds);
            }
        });

        Script<int> Fail() => S.Of<int>(async s =>
        {
            await s.Y(s.Co.Sleep(2));
            throw boom;
        });

        var loop = S.VirtualLoop();
        string r = loop.Run(S.Of<string>(async s =>
        {
            try
            {
                await s.Call(s.Co.Gather((Sibling("a", "x"), Fail(), Sibling("b", 1.0))));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                log.Add("caught at " + s.Co.Now().TotalSeconds);
            }

            try
            {
                await s.Call(s.Co.Gather((Fail(), Sibling("c", "y"))));
                return "no exception";
            }
            catch (InvalidOperationException e)
            {
                Assert.Same(boom, e);
                log.Add("caught again at " + s.Co.Now().TotalSeconds);
            }

            return "caught";
        }));
        Assert.Equal("caught", r); // Run reports nothing: Gather observed the failures it raised
        Assert.Equal(new[] { "a cleanup at 2", "b cleanup at 2", "caught at 2", "c cleanup at 4", "caught again at 4" }, log);
    }

    [Fact]
    public void ANullOrStartedCoroutine_IsRefusedAtTheAwait_BeforeAnyIsSpawned()
    {
        var loop = S.VirtualLoop();
        int spawnedBefore = 0;
        string r = loop.Run(S.Of<string>(async s =>
        {
            spawnedBefore = loop.TaskCount;
            try
            {
                await s.Call(s.Co.Gather((S.SleepThen(1, "a"), (Coroutine<LoopRequest, Unit, int>)null!)));
                return "no exception";
            }
            catch (ArgumentException e)
            {
                Assert.Contains("argument 1 is null", e.Message);
                Assert.Equal(spawnedBefore, loop.TaskCount);
                return "refused";
            }
        }));
        Assert.Equal("refused", r);
    }
}
