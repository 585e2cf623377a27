using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CoroGen.Templates;
using CoroGen.Testing;
using Xunit;

namespace CoroGen.Tests;

/// <summary>Delegation between generated classes: API.md section 5 and REWRITE-DESIGN section 7, cases 34 to 38.</summary>
public sealed class DelegationTests
{
    [Fact]
    public void Case34_InnerYieldsThreeTimesSendsReachItAndItsReturnIsTheAwaitsValue()
    {
        var log = new List<string>();
        var outer = DelegationTemplates.Outer(log);
        Assert.True(outer.MoveNext());
        Assert.Equal("inner 0", outer.Current);
        Assert.True(outer.Send(1));
        Assert.True(outer.Send(2));
        Assert.Equal("inner 2", outer.Current);
        Assert.True(outer.Send(3));
        Assert.Equal("outer 6", outer.Current);
        Assert.Equal(new[] { "inner got 1", "inner got 2", "inner got 3", "outer got 6" }, log);
    }

    [Fact]
    public void Case35_ThrowHandledByTheInnermostLevelOrRaisedInTheDelegator()
    {
        var log = new List<string>();
        var chain = DelegationTemplates.Level(2, log);
        Assert.True(chain.MoveNext());
        Assert.True(chain.Throw(new InvalidOperationException("x"))); // the leaf catches it and returns "recovered"
        Assert.Equal(1, chain.Current);                                // level 1 resumes and yields
        Assert.True(chain.MoveNext());
        Assert.Equal(2, chain.Current);
        Assert.False(chain.MoveNext());
        Assert.Equal("recovered12", chain.Result);
        Assert.Equal(new[] { "level 0 caught x", "level 0 finally", "level 1 got recovered" }, log.Take(3));

        log.Clear();
        chain = DelegationTemplates.Level(2, log);
        chain.MoveNext();
        var error = new TimeoutException("late");
        Assert.Same(error, Assert.Throws<TimeoutException>(() => chain.Throw(error)));
        Assert.Equal(new[] { "level 0 finally", "level 1 finally", "level 2 finally" }, log);
        Assert.Equal(CoroutineState.Faulted, chain.State);
    }

    [Fact]
    public void Case36_CloseRunsTheInnerFinallyFirst()
    {
        var log = new List<string>();
        var chain = DelegationTemplates.Level(2, log);
        chain.MoveNext();
        chain.Close();
        Assert.Equal(new[] { "level 0 finally", "level 1 finally", "level 2 finally" }, log);
        Assert.Equal(CoroutineState.Closed, chain.State);
    }

    [Fact]
    public void Case37_ASubThatReturnsWithoutYieldingDoesNotSuspendTheDelegator()
    {
        var log = new List<string>();
        var delegator = DelegationTemplates.NoSuspension(log);
        Assert.True(delegator.MoveNext());
        Assert.Equal(42, delegator.Current);
        Assert.Equal(new[] { "immediate ran", "delegator resumed with 42" }, log);
    }

    [Fact]
    public void Case38_TenThousandLevelsNeitherOverflowNorCostPerLevel()
    {
        // A small stack makes recursion per level fail fast; the trampoline resumes the innermost level directly.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var chain = DelegationTemplates.Chain(10_000);
                Assert.True(chain.MoveNext());
                Assert.True(chain.MoveNext());
                Assert.Equal(2, chain.Current);
                Assert.False(chain.MoveNext());
                Assert.Equal(10_000, chain.Result);

                chain = DelegationTemplates.Chain(10_000);
                chain.MoveNext();
                var error = new FormatException("deep");
                Assert.Same(error, Assert.Throws<FormatException>(() => chain.Throw(error)));

                chain = DelegationTemplates.Chain(10_000);
                chain.MoveNext();
                chain.Close();
                Assert.Equal(CoroutineState.Closed, chain.State);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void RecursiveTreeWalkReturnsTheNodeCount()
    {
        var tree = new DelegationTemplates.Node(8, new(3, new(1), new(6, new(4), new(7))), new(10, null, new(14, new(13))));
        var walk = DelegationTemplates.CountNodes(tree);
        var values = new List<int>();
        while (walk.MoveNext())
        {
            values.Add(walk.Current);
        }

        Assert.Equal(new[] { 1, 3, 4, 6, 7, 8, 10, 13, 14 }, values);
        Assert.Equal(9, walk.Result);
    }

    [Fact]
    public void GenericSubsAndYieldAll()
    {
        Assert.Equal(new[] { "a", "b", "b!", "done" }, DelegationTemplates.UseGeneric().ToArray());
    }

    [Fact]
    public void StoredSubsWithReferenceConversionsAndAlreadyFinishedSubs()
    {
        Assert.Equal(new object[] { 1, "w1", "w2", "end" }, DelegationTemplates.Covariant().ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void AwaitingASubThatEndedWithoutAResultRaises_WhetherOrNotTheValueIsUsed(bool closed, bool useValue)
    {
        var sub = DelegationTemplates.Words();
        sub.MoveNext();
        if (closed)
        {
            sub.Close();
        }
        else
        {
            Assert.Throws<FormatException>(() => sub.Throw(new FormatException("boom")));
        }

        var awaiting = DelegationTemplates.AwaitsFinishedWithoutResult(sub, useValue);
        Assert.False(awaiting.MoveNext());
        string state = closed ? "Closed" : "Faulted";
        Assert.Equal($"The coroutine has no result: it is {state}. Result is available once MoveNext, Send or Throw has returned false (state Completed).", awaiting.Result);
        var completed = DelegationTemplates.Words();
        while (completed.MoveNext())
        {
        }

        var fine = DelegationTemplates.AwaitsFinishedWithoutResult(completed, useValue);
        Assert.False(fine.MoveNext());
        Assert.Equal("returned", fine.Result);
    }

    [Fact]
    public void FactoryCallsAsArgumentsOfTheAwaitedCall()
    {
        var coroutine = DelegationTemplates.FactoriesAsArguments();
        var values = new List<int>();
        while (coroutine.MoveNext())
        {
            values.Add(coroutine.Current);
        }

        Assert.Equal(new[] { 1, 2, 1, 2, 4 }, values);
        Assert.Equal(2, coroutine.Result);
    }

    [Fact]
    public void ATemplateExtendingItsYielderIsDelegatedToWhenCalledOnIt()
    {
        // 'await co.Repeat(...)' binds to the reduced extension method: it delegates to the factory, as
        // 'await YielderExtensionTemplates.Repeat(co, ...)' does, instead of calling the template (which throws).
        var log = new List<string>();
        var coroutine = YielderExtensionTemplates.Uses(log);
        var values = new List<string>();
        bool alive = coroutine.MoveNext();
        for (int i = 0; alive; i++)
        {
            values.Add(coroutine.Current);
            alive = coroutine.Send("s" + i);
        }

        Assert.Equal(new[] { "a", "a", "(", ")", "b", "c" }, values);
        Assert.Equal(new[] { "repeat got s0", "repeat got s1", "repeat got s4", "repeat got s5" }, log);
        Assert.Equal(4, coroutine.Result);
    }

    [Fact]
    public void ATemplateDrivingAFactoryMadeCoroutineIsGenerated()
    {
        var log = new List<string>();
        var coroutine = FactoryMadeSubTemplates.Drive(log);
        Assert.Equal(new[] { "got inner 0", "got inner 1", "got inner 2" }, coroutine.ToList());
        Assert.Equal(new[] { "inner got 7", "inner got 7", "inner got 7" }, log);
        Assert.Equal(21, coroutine.Result);
    }

    [Fact]
    public void DelegationAgreesWithTheOracle()
    {
        var scripts = DifferentialTests.Scripts(4).Concat(new[]
        {
            new[] { CoroutineOp.MoveNext, CoroutineOp.Send("a"), CoroutineOp.Send("b"), CoroutineOp.Drain() },
            new[] { CoroutineOp.MoveNext, CoroutineOp.Throw<InvalidOperationException>("x"), CoroutineOp.Drain() },
        });
        foreach (CoroutineOp[] script in scripts)
        {
            Assert.Equal(
                CoroutineDriver.Trace(log => TemplateOracle.Run<int, string, string>(co => DelegationTemplates.Level(2, log, co)), script),
                CoroutineDriver.Trace(log => DelegationTemplates.Level(2, log), script));
        }
    }
}
