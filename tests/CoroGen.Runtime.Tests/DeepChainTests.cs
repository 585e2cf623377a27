using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>
/// A 10,000-deep recursive delegation chain: stepping, throwing into and closing it must not grow the stack with the
/// depth (the trampoline resumes the innermost level directly) and must unwind every level in order, innermost first.
/// Each test runs on a thread with a small stack, so any recursion per level would overflow it.
/// </summary>
public class DeepChainTests
{
    private const int Depth = 10_000;
    private const int SmallStack = 256 * 1024;

    private static void OnSmallStack(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            SmallStack);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static int[] Ascending() => Enumerable.Range(0, Depth + 1).ToArray();

    [Fact]
    public void StepsSendsAndResultsThroughTenThousandLevels()
    {
        OnSmallStack(() =>
        {
            var unwound = new List<int>();
            var all = new List<Recursive>();
            var root = new Recursive(Depth, unwound, all);
            Assert.True(root.MoveNext());
            Assert.Equal(-1, root.Current);
            Assert.Equal(Depth + 1, all.Count);
            Assert.All(all, level => Assert.Equal(CoroutineState.Suspended, level.State));
            Assert.True(root.Send(5));
            Assert.Equal(-2, root.Current);
            Assert.False(root.Send(7));
            Assert.Equal(12 + Depth, root.Result);
            Assert.Equal(Ascending(), unwound);
            Assert.All(all, level => Assert.Equal(CoroutineState.Completed, level.State));
        });
    }

    [Fact]
    public void ThrowThroughTenThousandLevelsUnwindsEveryLevelInOrder()
    {
        OnSmallStack(() =>
        {
            var unwound = new List<int>();
            var all = new List<Recursive>();
            var root = new Recursive(Depth, unwound, all);
            root.MoveNext();
            var e = Boom.Thrown("deep");
            var escaped = Assert.Throws<TestException>(() => root.Throw(e));
            Assert.Same(e, escaped);
            Assert.Contains("OriginalThrowSite", escaped.StackTrace);
            Assert.Equal(Ascending(), unwound);
            Assert.All(all, level => Assert.Equal(CoroutineState.Faulted, level.State));
        });
    }

    [Fact]
    public void CloseThroughTenThousandLevelsUnwindsEveryLevelInOrder()
    {
        OnSmallStack(() =>
        {
            var unwound = new List<int>();
            var all = new List<Recursive>();
            var root = new Recursive(Depth, unwound, all);
            root.MoveNext();
            root.Send(1);
            root.Close();
            Assert.Equal(Ascending(), unwound);
            Assert.All(all, level => Assert.Equal(CoroutineState.Closed, level.State));
            Assert.False(root.MoveNext());
        });
    }

    [Fact]
    public void ForeachOverTenThousandLevels()
    {
        OnSmallStack(() =>
        {
            var unwound = new List<int>();
            var root = new Recursive(Depth, unwound);
            Assert.Equal(new[] { -1, -2 }, root.ToList());
            Assert.Equal(Depth, root.Result);
        });
    }
}
