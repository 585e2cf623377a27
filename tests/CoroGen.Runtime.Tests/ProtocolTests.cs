using System;
using System.Collections;
using System.Collections.Generic;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>API.md section 4: MoveNext and Send in every state, priming, Result, enumeration, re-entrance.</summary>
public class ProtocolTests
{
    [Fact]
    public void NewCoroutineIsCreatedAndHasRunNothing()
    {
        var co = new CountUp(3);
        Assert.Equal(CoroutineState.Created, co.State);
        Assert.False(co.IsFinished);
        Assert.Empty(co.Log);
    }

    [Fact]
    public void MoveNextOnCreatedRunsToFirstSuspension()
    {
        var co = new CountUp(3);
        Assert.True(co.MoveNext());
        Assert.Equal(0, co.Current);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.False(co.IsFinished);
        Assert.Equal(new[] { "start" }, co.Log);
    }

    [Fact]
    public void MoveNextOnSuspendedResumesWithDefaultOfTSend()
    {
        var co = new CountUp(3);
        co.MoveNext();
        Assert.True(co.MoveNext());
        Assert.Equal(1, co.Current);
        Assert.Equal(new[] { "start", "got 0" }, co.Log);

        var echo = new Echo();
        Assert.True(echo.MoveNext());
        Assert.Equal("first", echo.Current);
        Assert.True(echo.MoveNext());
        Assert.Null(echo.Current); // default(string?)
    }

    [Fact]
    public void SendOnSuspendedDeliversTheValue()
    {
        var co = new CountUp(3);
        co.MoveNext();
        Assert.True(co.Send(10));
        Assert.True(co.Send(20));
        Assert.False(co.Send(30));
        Assert.Equal(new[] { "start", "got 10", "got 20", "got 30", "end" }, co.Log);
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.True(co.IsFinished);
        Assert.Equal(3, co.Result);

        var echo = new Echo();
        echo.MoveNext();
        Assert.True(echo.Send("hello"));
        Assert.Equal("hello", echo.Current);
    }

    [Fact]
    public void SendBeforeMoveNextThrowsAndLeavesTheCoroutineCreatedAndUsable()
    {
        var co = new CountUp(2);
        Assert.Throws<InvalidOperationException>(() => co.Send(5));
        Assert.Equal(CoroutineState.Created, co.State);
        Assert.Empty(co.Log);
        Assert.Throws<InvalidOperationException>(() => co.Send(default));
        Assert.Equal(CoroutineState.Created, co.State);

        Assert.True(co.MoveNext());
        Assert.Equal(0, co.Current);
        Assert.True(co.Send(7));
        Assert.Equal(1, co.Current);
        Assert.False(co.Send(8));
        Assert.Equal(new[] { "start", "got 7", "got 8", "end" }, co.Log);
        Assert.Equal(2, co.Result);
    }

    [Fact]
    public void MoveNextReturnsFalseWhenTheBodyFinishes()
    {
        var co = new CountUp(1);
        Assert.True(co.MoveNext());
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(1, co.Result);
    }

    [Fact]
    public void CoroutineThatFinishesWithoutYieldingReturnsFalseFromTheFirstMoveNext()
    {
        var co = new CountUp(0);
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(0, co.Result);
        Assert.Equal(new[] { "start", "end" }, co.Log);
    }

    [Fact]
    public void MoveNextAndSendAfterCompletedReturnFalseAndRunNothing()
    {
        var co = new CountUp(1);
        co.MoveNext();
        co.MoveNext();
        int logged = co.Log.Count;
        Assert.False(co.MoveNext());
        Assert.False(co.Send(1));
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(logged, co.Log.Count);
        Assert.Equal(1, co.Result);
    }

    [Fact]
    public void MoveNextAndSendAfterFaultedReturnFalse()
    {
        var co = new Failing(failAt: 1);
        co.MoveNext();
        Assert.Throws<TestException>(() => co.MoveNext());
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.True(co.IsFinished);
        Assert.False(co.MoveNext());
        Assert.False(co.Send(1));
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.Equal(new[] { "start", "resumed" }, co.Log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnExceptionBeforeOnResumeInAHandWrittenSubclassLeavesItFaulted(bool send)
    {
        var co = new FailsBeforeOnResume();
        Assert.True(co.MoveNext());
        Assert.Equal(CoroutineState.Suspended, co.State);
        var e = Assert.Throws<TestException>(() => send ? co.Send(5) : co.MoveNext());
        Assert.Equal("failed before OnResume", e.Message);
        Assert.Equal(CoroutineState.Faulted, co.State);
        Assert.False(co.MoveNext());
        Assert.False(co.Send(1));
    }

    [Fact]
    public void MoveNextAndSendAfterClosedReturnFalse()
    {
        var co = new CountUp(3);
        co.MoveNext();
        co.Close();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.True(co.IsFinished);
        Assert.False(co.MoveNext());
        Assert.False(co.Send(1));
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start" }, co.Log);
    }

    [Fact]
    public void ResultThrowsUnlessCompleted()
    {
        var created = new CountUp(1);
        Assert.Throws<InvalidOperationException>(() => created.Result);

        var suspended = new CountUp(1);
        suspended.MoveNext();
        Assert.Throws<InvalidOperationException>(() => suspended.Result);

        var faulted = new Failing(failAt: 0);
        Assert.Throws<TestException>(() => faulted.MoveNext());
        Assert.Throws<InvalidOperationException>(() => faulted.Result);

        var closed = new CountUp(1);
        closed.MoveNext();
        closed.Close();
        Assert.Throws<InvalidOperationException>(() => closed.Result);

        var closedByReturn = new ExitHandler(ExitMode.Return);
        closedByReturn.MoveNext();
        closedByReturn.Close();
        Assert.Equal(CoroutineState.Closed, closedByReturn.State);
        Assert.Throws<InvalidOperationException>(() => closedByReturn.Result);

        var completed = new CountUp(1);
        completed.MoveNext();
        completed.MoveNext();
        Coroutine<int> asResult = completed;
        Assert.Equal(1, asResult.Result);
        Assert.Equal(1, asResult.Result); // stays readable
    }

    [Fact]
    public void ResultIsThrowsWhileRunning()
    {
        var co = new ReEntrant(onStart: true);
        co.Operations.Add(() => _ = co.Result);
        co.MoveNext();
        Assert.IsType<InvalidOperationException>(co.Outcomes[0]);
    }

    [Fact]
    public void CurrentIsTheLastYieldedValue()
    {
        var co = new TryFinally();
        Assert.True(co.MoveNext());
        Assert.Equal("a", co.Current);
        Assert.Equal("a", ((IEnumerator)co).Current);
        Assert.Equal("a", co.Current); // reading it does not advance
        Assert.True(co.MoveNext());
        Assert.Equal("b", co.Current);
    }

    [Fact]
    public void ResetIsNotSupported()
    {
        var co = new CountUp(2);
        co.MoveNext();
        Assert.Throws<NotSupportedException>(() => ((IEnumerator)co).Reset());
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(0, co.Current);
    }

    [Fact]
    public void GetEnumeratorReturnsTheCoroutineItself()
    {
        var co = new CountUp(2);
        Assert.Same(co, co.GetEnumerator());
        Assert.Same(co, ((IEnumerable)co).GetEnumerator());
        Assert.Same(co, ((IEnumerable<int>)co).GetEnumerator());
        Assert.Equal(CoroutineState.Created, co.State);
    }

    [Fact]
    public void ForeachDrivesWithMoveNextToTheEnd()
    {
        var co = new CountUp(4);
        var seen = new List<int>();
        foreach (int x in co)
        {
            seen.Add(x);
        }

        Assert.Equal(new[] { 0, 1, 2, 3 }, seen);
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(4, co.Result);
        Assert.Equal(new[] { "start", "got 0", "got 0", "got 0", "got 0", "end" }, co.Log);
    }

    [Fact]
    public void ForeachBreakDisposesWhichClosesAndRunsFinallyOnce()
    {
        var co = new TryFinally();
        var seen = new List<string>();
        foreach (string s in co)
        {
            seen.Add(s);
            break;
        }

        Assert.Equal(new[] { "a" }, seen);
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
    }

    [Fact]
    public void ForeachWithLinqStopsEarlyAndCloses()
    {
        var co = new TryFinally();
        Assert.Equal("a", System.Linq.Enumerable.First(co));
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
    }

    [Fact]
    public void DisposeIsClose()
    {
        var co = new TryFinally();
        co.MoveNext();
        co.Dispose();
        Assert.Equal(CoroutineState.Closed, co.State);
        Assert.Equal(new[] { "start", "finally" }, co.Log);
        co.Dispose();
        Assert.Equal(new[] { "start", "finally" }, co.Log);

        var created = new TryFinally();
        using (created)
        {
        }

        Assert.Equal(CoroutineState.Closed, created.State);
        Assert.Empty(created.Log);
    }

    [Fact]
    public void SuspendingInsideTryDoesNotRunTheFinally()
    {
        var co = new TryFinally();
        co.MoveNext();
        co.MoveNext();
        Assert.Equal(new[] { "start", "after a" }, co.Log);
        Assert.False(co.MoveNext());
        Assert.Equal(new[] { "start", "after a", "after b", "finally", "end" }, co.Log);
        Assert.Equal("done", co.Result);
    }

    [Fact]
    public void StateIsRunningInsideTheBody()
    {
        var co = new ReEntrant(onStart: true);
        CoroutineState seen = CoroutineState.Created;
        co.Operations.Add(() => seen = co.State);
        co.MoveNext();
        Assert.Equal(CoroutineState.Running, seen);
        Assert.Equal(CoroutineState.Suspended, co.State);
    }

    public static IEnumerable<object[]> SelfOperations()
    {
        yield return new object[] { "MoveNext" };
        yield return new object[] { "Send" };
        yield return new object[] { "Throw" };
        yield return new object[] { "Close" };
        yield return new object[] { "Dispose" };
    }

    private static Action Operation(Coroutine<int, int, int> target, string name, Exception toThrow) => name switch
    {
        "MoveNext" => () => target.MoveNext(),
        "Send" => () => target.Send(5),
        "Throw" => () => target.Throw(toThrow),
        "Close" => () => target.Close(),
        "Dispose" => () => target.Dispose(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(SelfOperations))]
    public void ReEnteringFromInsideTheBodyThrowsInsideTheBodyOnStart(string operation)
    {
        var co = new ReEntrant(onStart: true);
        var toThrow = new TestException("must not be raised");
        co.Operations.Add(Operation(co, operation, toThrow));
        Assert.True(co.MoveNext());
        Assert.IsType<InvalidOperationException>(co.Outcomes[0]);
        Assert.Contains("already running", co.Outcomes[0]!.Message);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(1, co.Current);
        Assert.True(co.Send(3));
        Assert.False(co.MoveNext());
        Assert.Equal(3, co.Result);
    }

    [Theory]
    [MemberData(nameof(SelfOperations))]
    public void ReEnteringFromInsideTheBodyThrowsInsideTheBodyOnResume(string operation)
    {
        var co = new ReEntrant(onStart: false);
        var toThrow = new TestException("must not be raised");
        co.Operations.Add(Operation(co, operation, toThrow));
        co.MoveNext();
        Assert.True(co.Send(4));
        Assert.IsType<InvalidOperationException>(co.Outcomes[0]);
        Assert.Equal(CoroutineState.Suspended, co.State);
        Assert.Equal(2, co.Current);
        Assert.False(co.MoveNext());
        Assert.Equal(CoroutineState.Completed, co.State);
        Assert.Equal(4, co.Result);
    }

    [Fact]
    public void ReEntranceThatTheBodyDoesNotCatchFaultsIt()
    {
        var co = new ReEntrantUncaught();
        var e = Assert.Throws<InvalidOperationException>(() => co.MoveNext());
        Assert.Contains("already running", e.Message);
        Assert.Equal(CoroutineState.Faulted, co.State);
    }

    [Fact]
    public void OperationsOnOtherCoroutinesFromInsideABodyAreAllowed()
    {
        var other = new CountUp(2);
        var co = new ReEntrant(onStart: true);
        co.Operations.Add(() => other.MoveNext());
        co.Operations.Add(() => other.Send(9));
        co.MoveNext();
        Assert.Equal(new Exception?[] { null, null }, co.Outcomes);
        Assert.Equal(new[] { "start", "got 9" }, other.Log);
    }

    [Fact]
    public void UnitHasOneValue()
    {
        Assert.Equal(default(Unit), Unit.Value);
        Assert.True(Unit.Value == default);
        Assert.False(Unit.Value != default);
        Assert.True(Unit.Value.Equals((object)default(Unit)));
        Assert.Equal(0, Unit.Value.GetHashCode());
    }

    [Fact]
    public void CoroutineExitExceptionHasAParameterlessConstructor()
    {
        var e = new CoroutineExitException();
        Assert.IsAssignableFrom<Exception>(e);
        Assert.False(string.IsNullOrEmpty(e.Message));
    }

    [Fact]
    public void StatesAreInTheContractOrder()
    {
        Assert.Equal(
            new[] { "Created", "Running", "Suspended", "Completed", "Faulted", "Closed" },
            Enum.GetNames<CoroutineState>());
    }

    /// <summary><c>async Coroutine&lt;int&gt; ReEntrantUncaught(Yielder&lt;int, int&gt; co) { self.MoveNext(); await co.Yield(1); return 0; }</c></summary>
    private sealed class ReEntrantUncaught : Coroutine<int, int, int>
    {
        private int pc;

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0: goto Start;
                case 1: goto Resume1;
            }

            throw new BadResumeException(nameof(ReEntrantUncaught), pc);

        Start:
            pc = -1;
            MoveNext();
            pc = 1;
            return Yielded(1);
        Resume1:
            pc = -1;
            OnResume();
            pc = -2;
            return Complete(0);
        }
    }
}

/// <summary>
/// What the runtime says when an async local function or lambda returning Coroutine runs (the analyzer reports it as
/// COROGEN016; this project does not run the analyzer): it names the function, not a garbled state machine.
/// </summary>
public sealed class NestedCoroutineFunctionTests
{
    [Fact]
    public void AnAsyncLocalFunctionReturningCoroutineIsNamedWhenItRuns()
    {
        async Coroutine<int> Twice(int k) { await System.Threading.Tasks.Task.CompletedTask; return k * 2; }

        var e = Assert.Throws<InvalidOperationException>(() => Twice(1));
        Assert.StartsWith("The local function 'Twice' in 'AnAsyncLocalFunctionReturningCoroutineIsNamedWhenItRuns' is async and returns Coroutine, but only a method marked [Coroutine] becomes a coroutine (COROGEN016)", e.Message);
    }

    [Fact]
    public void AnAsyncLambdaReturningCoroutineIsNamedWhenItRuns()
    {
        Func<Coroutine> lambda = async () => await System.Threading.Tasks.Task.CompletedTask;

        var e = Assert.Throws<InvalidOperationException>(() => lambda());
        Assert.StartsWith("A lambda in 'AnAsyncLambdaReturningCoroutineIsNamedWhenItRuns' is async and returns Coroutine", e.Message);
    }
}
