using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

/// <summary>
/// A test-only scheduler coroutine whose body is an async lambda, driven step by step as a coroutine: a stand-in for generated
/// code until the generator handles scheduler templates. Inside the body:
/// <c>await s.Y(s.Co.Sleep(1))</c> is a helper suspension point (the helper's yield on a real channel yielder, as generated code does);
/// <c>T v = await s.Call(sub)</c> is delegation; <c>s.Co</c> is the Yielder (made by CreateChannel, as in generated code).
/// Throw/Close raise at the await, so try/catch/finally/using in the body behave as in a template.
/// </summary>
public sealed class Script<T> : Coroutine<LoopRequest, Unit, T>
{
    private readonly Func<Script<T>, Task<T>> body;
    private Task<T>? run;
    private Action? continuation;
    private Coroutine? sub;
    private Exception? raised;
    private Yielder<LoopRequest, Unit>? channel;

    public Script(Func<Script<T>, Task<T>> body) => this.body = body;

    /// <summary>The template's <c>co</c>.</summary>
    public Yielder<LoopRequest, Unit> Co => channel ??= CreateChannel();

    /// <summary><c>await co.Helper(...)</c>: suspend at a yield made by a helper on <see cref="Co"/>.</summary>
    public Suspension Y(YieldAwaitable<Unit> yielded) => new(this);

    /// <summary><c>await co.Yield()</c>: reschedule.</summary>
    public Suspension Y() => Y(Co.Yield());

    /// <summary><c>await sub</c>: delegate.</summary>
    public Delegation<R> Call<R>(Coroutine<LoopRequest, Unit, R> coroutine)
    {
        sub = coroutine;
        return new Delegation<R>(this);
    }

    /// <summary><c>await someTask</c>, as the generator lowers it.</summary>
    public Delegation<R> Await<R>(Task<R> task) => Call(LoopRequest.Await(task));

    /// <summary><c>await someTask</c>, as the generator lowers it.</summary>
    public Delegation<Unit> Await(Task task) => Call(LoopRequest.Await(task));

    /// <summary><c>await someValueTask</c>, as the generator lowers it.</summary>
    public Delegation<R> Await<R>(ValueTask<R> task) => Call(LoopRequest.Await(task));

    /// <summary><c>await someValueTask</c>, as the generator lowers it.</summary>
    public Delegation<Unit> Await(ValueTask task) => Call(LoopRequest.Await(task));

    protected override bool Resume()
    {
        if (run is null)
        {
            run = body(this);
        }
        else
        {
            try
            {
                OnResume();
            }
            catch (Exception e)
            {
                raised = e;
            }

            Action k = continuation ?? throw new InvalidOperationException("Script resumed without a pending await.");
            continuation = null;
            k();
        }

        if (run.IsCompleted)
        {
            return Complete(run.GetAwaiter().GetResult());
        }

        if (continuation is null)
        {
            throw new InvalidOperationException("A Script body awaited something other than s.Y(...) or s.Call(...).");
        }

        if (sub is not null)
        {
            Coroutine s = sub;
            sub = null;
            return DelegateTo(s);
        }

        return true; // the helper already set Current through the channel yielder
    }

    private void TakeRaised()
    {
        Exception? e = raised;
        if (e is not null)
        {
            raised = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }

    public readonly struct Suspension : ICriticalNotifyCompletion
    {
        private readonly Script<T> s;

        internal Suspension(Script<T> s) => this.s = s;

        public Suspension GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult() => s.TakeRaised();

        public void OnCompleted(Action k) => s.continuation = k;

        public void UnsafeOnCompleted(Action k) => s.continuation = k;
    }

    public readonly struct Delegation<R> : ICriticalNotifyCompletion
    {
        private readonly Script<T> s;

        internal Delegation(Script<T> s) => this.s = s;

        public Delegation<R> GetAwaiter() => this;

        public bool IsCompleted => false;

        public R GetResult()
        {
            s.TakeRaised();
            return s.DelegationResult<R>();
        }

        public void OnCompleted(Action k) => s.continuation = k;

        public void UnsafeOnCompleted(Action k) => s.continuation = k;
    }
}

public static class S
{
    /// <summary>A script with a result.</summary>
    public static Script<T> Of<T>(Func<Script<T>, Task<T>> body) => new(body);

    /// <summary>A script without a result (the body returns <c>default</c>).</summary>
    public static Script<Unit> Do(Func<Script<Unit>, Task<Unit>> body) => new(body);

    public static VirtualTimeProvider Clock() => new();

    public static EventLoop VirtualLoop() => new(new VirtualTimeProvider());

    /// <summary>A body that sleeps <paramref name="seconds"/>, logs <c>value@now</c> if given a log, and returns <paramref name="value"/>.</summary>
    public static Script<T> SleepThen<T>(double seconds, T value, List<string>? log = null) => Of<T>(async s =>
    {
        await s.Y(s.Co.Sleep(seconds));
        log?.Add($"{value}@{s.Co.Now().TotalSeconds}");
        return value;
    });

    /// <summary>A body that sleeps <paramref name="seconds"/>, then throws <paramref name="e"/>.</summary>
    public static Script<int> SleepThenFail(double seconds, Exception e) => Of<int>(async s =>
    {
        await s.Y(s.Co.Sleep(seconds));
        throw e;
    });
}
