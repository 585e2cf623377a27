using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// Scheduler templates with <c>await foreach</c> and <c>await using</c>: the generator lowers their hidden awaits
/// (MoveNextAsync, DisposeAsync) into suspension points that await through <see cref="LoopRequest.Await(ValueTask)"/>.
/// </summary>
public static partial class AsyncStreamTemplates
{
    [Coroutine]
    public static async Coroutine<int> Sum(IAsyncEnumerable<int> source, List<string> log, Yielder<LoopRequest> co)
    {
        int total = 0;
        await foreach (int x in source)
        {
            log.Add("got " + x);
            total += x;
            await co.Sleep(1);
        }

        log.Add("after the loop");
        return total;
    }

    [Coroutine]
    public static async Coroutine<int> FirstAbove(IAsyncEnumerable<int> source, int limit, List<string> log, Yielder<LoopRequest> co)
    {
        await foreach (var x in source)
        {
            if (x > limit)
            {
                log.Add("returning " + x);
                return x;
            }

            if (x < 0)
            {
                break;
            }

            if (x == 0)
            {
                continue;
            }

            log.Add("skipping " + x);
        }

        log.Add("none above " + limit);
        return -1;
    }

    [Coroutine]
    public static async Coroutine<int> FailsInBody(IAsyncEnumerable<int> source, Yielder<LoopRequest> co)
    {
        int seen = 0;
        await foreach (int x in source)
        {
            seen++;
            if (x == 2)
            {
                throw new InvalidOperationException("failed at " + x + " after " + seen);
            }
        }

        return seen;
    }

    /// <summary>Drains a System.Threading.Channels channel, configured as code written under CA2007 is.</summary>
    [Coroutine]
    public static async Coroutine<List<string>> Drain(ChannelReader<string> reader, CancellationToken token, Yielder<LoopRequest> co)
    {
        var items = new List<string>();
        await foreach (string item in reader.ReadAllAsync(token).WithCancellation(token).ConfigureAwait(false))
        {
            items.Add(item);
        }

        return items;
    }

    [Coroutine]
    public static async Coroutine<string> Deconstructs(IAsyncEnumerable<(string Name, int Count)> source, Yielder<LoopRequest> co)
    {
        string text = string.Empty;
        await foreach (var (name, count) in source)
        {
            await co.Sleep(0.5);
            text += name + "=" + count + ";";
        }

        return text;
    }

    /// <summary>Nested loops: each inner enumerator is disposed before the next outer step.</summary>
    [Coroutine]
    public static async Coroutine<int> Nested(Func<int, IAsyncEnumerable<int>> rows, Yielder<LoopRequest> co)
    {
        int total = 0;
        await foreach (int row in rows(-1))
        {
            await foreach (int cell in rows(row))
            {
                total += row * 10 + cell;
            }
        }

        return total;
    }

    [Coroutine]
    public static async Coroutine<string> UsesResources(AsyncResourceLog log, bool fail, Yielder<LoopRequest> co)
    {
        await using var first = new AsyncResource("first", log);
        await using (var second = new AsyncResource("second", log))
        {
            log.Add("inside second");
            await co.Sleep(1);
        }

        await using AsyncResource third = new("third", log), fourth = new("fourth", log);
        log.Add("inside fourth");
        await co.Sleep(1);
        if (fail)
        {
            throw new InvalidOperationException("failed inside fourth");
        }

        return "done";
    }

    [Coroutine]
    public static async Coroutine UsesExpressionResource(IAsyncDisposable? resource, AsyncResourceLog log, Yielder<LoopRequest> co)
    {
        await using (resource)
        {
            log.Add("inside");
            await co.Sleep(1);
        }

        log.Add("after");
    }

    [Coroutine]
    public static async Coroutine UsesStructResource(AsyncResourceLog log, Yielder<LoopRequest> co)
    {
        await using (var counted = new StructResource(log))
        {
            await co.Sleep(1);
        }

        await using StructResource? maybe = new StructResource(log);
        log.Add("nullable struct");
    }

    /// <summary>await foreach and await using inside catch and finally blocks (handlers that suspend) and switch sections.</summary>
    [Coroutine]
    public static async Coroutine<string> InHandlers(Func<IAsyncEnumerable<int>> source, bool fail, AsyncResourceLog log, Yielder<LoopRequest> co)
    {
        try
        {
            if (fail)
            {
                throw new InvalidOperationException("boom");
            }

            log.Add("try");
        }
        catch (InvalidOperationException e)
        {
            await foreach (int x in source())
            {
                log.Add("catch " + x + " " + e.Message);
            }
        }
        finally
        {
            await using var resource = new AsyncResource("in finally", log);
            await foreach (int x in source())
            {
                log.Add("finally " + x);
            }
        }

        switch (log.Count % 2)
        {
            case 0:
                await foreach (int x in source())
                {
                    log.Add("even " + x);
                }

                break;
            default:
                log.Add("odd");
                break;
        }

        return string.Join(",", log);
    }

    /// <summary>Each iteration's closure sees its own loop variable.</summary>
    [Coroutine]
    public static async Coroutine<string> Captures(IAsyncEnumerable<int> source, Yielder<LoopRequest> co)
    {
        var getters = new List<Func<int>>();
        await foreach (int x in source)
        {
            getters.Add(() => x);
            await co.Sleep(1);
        }

        return string.Join(",", getters.ConvertAll(g => g()));
    }

    /// <summary>Each iteration's closure sees its own deconstructed variables.</summary>
    [Coroutine]
    public static async Coroutine<string> CapturesDeconstructed(IAsyncEnumerable<(string, int)> source, Yielder<LoopRequest> co)
    {
        var getters = new List<Func<string>>();
        await foreach (var (name, count) in source)
        {
            getters.Add(() => name + count);
            await co.Sleep(1);
        }

        return string.Join(",", getters.ConvertAll(g => g()));
    }

    /// <summary>Resources configured as code written under CA2007 is (ConfiguredAsyncDisposable: a DisposeAsync pattern).</summary>
    [Coroutine]
    public static async Coroutine ConfiguredResources(AsyncResourceLog log, Yielder<LoopRequest> co)
    {
        var resource = new AsyncResource("configured", log);
        await using (resource.ConfigureAwait(false))
        {
            log.Add("inside");
            await co.Sleep(1);
        }

        await using var declared = new AsyncResource("declared", log).ConfigureAwait(true);
        log.Add("inside declared");
    }

    /// <summary>Sleeps inside an await using and an await foreach, to be cancelled there.</summary>
    [Coroutine]
    public static async Coroutine<int> SleepsInside(IAsyncEnumerable<int> source, AsyncResourceLog log, Yielder<LoopRequest> co)
    {
        await using var resource = new AsyncResource("resource", log);
        await foreach (int x in source)
        {
            log.Add("sleeping at " + x);
            await co.Sleep(TimeSpan.MaxValue);
        }

        return 0;
    }
}

/// <summary>What the resources of <see cref="AsyncStreamTemplates"/> did, in order, with the loop's step at each.</summary>
public sealed class AsyncResourceLog : List<string>
{
    /// <summary>When set, DisposeAsync returns this task's completion instead of completing at once.</summary>
    public Func<string, Task>? DisposeWaitsFor { get; set; }
}

public sealed class AsyncResource(string name, AsyncResourceLog log) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        log.Add("disposing " + name);
        if (log.DisposeWaitsFor is { } wait)
        {
            await wait(name).ConfigureAwait(false);
        }

        log.Add("disposed " + name);
    }
}

public struct StructResource(AsyncResourceLog log) : IAsyncDisposable
{
    private int disposals;

    public ValueTask DisposeAsync()
    {
        disposals++;
        log.Add("struct disposed " + disposals);
        return default;
    }
}

/// <summary>An IAsyncEnumerable whose steps complete when the test says so, and which records its disposal.</summary>
public sealed class ScriptedAsyncEnumerable<T>(IReadOnlyList<T> items, bool pending, List<string> log) : IAsyncEnumerable<T>
{
    private IReadOnlyList<T> Items { get; } = items;

    private bool Pending { get; } = pending;

    private List<string> Log { get; } = log;

    public List<TaskCompletionSource<bool>> Steps { get; } = new();

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(this);

    private sealed class Enumerator(ScriptedAsyncEnumerable<T> owner) : IAsyncEnumerator<T>
    {
        private int index = -1;

        public T Current => owner.Items[index];

        public ValueTask<bool> MoveNextAsync()
        {
            bool more = ++index < owner.Items.Count;
            if (!owner.Pending)
            {
                return new ValueTask<bool>(more);
            }

            var step = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            owner.Steps.Add(step);
            _ = Task.Run(() => step.SetResult(more));
            return new ValueTask<bool>(step.Task);
        }

        public ValueTask DisposeAsync()
        {
            owner.Log.Add("enumerator disposed at " + index);
            return default;
        }
    }
}
