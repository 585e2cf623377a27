using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CoroGen.Runtime.Tests;

/// <summary>The exception the tests throw into and out of coroutines.</summary>
public sealed class TestException : Exception
{
    public TestException(string message)
        : base(message)
    {
    }
}

/// <summary>Throw sites with recognisable names, so tests can check that stack traces survive.</summary>
public static class Boom
{
    /// <summary>Throws <paramref name="e"/> from a frame named <c>RaiseFromBody</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RaiseFromBody(Exception e) => throw e;

    /// <summary>An exception that has already been thrown (and caught) in a frame named <c>OriginalThrowSite</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TestException Thrown(string message)
    {
        try
        {
            OriginalThrowSite(message);
        }
        catch (TestException e)
        {
            return e;
        }

        throw new InvalidOperationException("unreachable");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OriginalThrowSite(string message) => throw new TestException(message);
}

/// <summary>Raised by a hand-written body when the runtime resumes it in a state where that is impossible (a runtime bug).</summary>
public sealed class BadResumeException : Exception
{
    public BadResumeException(string who, int pc)
        : base($"{who} was resumed in state {pc}: the runtime resumed a finished or running body.")
    {
    }
}

/// <summary>An enumerable that records what happens to its enumerators.</summary>
public sealed class TrackingEnumerable : IEnumerable<int>
{
    private readonly int[] items;

    public TrackingEnumerable(params int[] items) => this.items = items;

    public int Created { get; private set; }

    public int Disposed { get; private set; }

    public int MoveNextCalls { get; private set; }

    public IEnumerator<int> GetEnumerator()
    {
        Created++;
        return new Enumerator(this);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator : IEnumerator<int>
    {
        private readonly TrackingEnumerable owner;
        private int index = -1;

        public Enumerator(TrackingEnumerable owner) => this.owner = owner;

        public int Current => owner.items[index];

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            owner.MoveNextCalls++;
            return ++index < owner.items.Length;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => owner.Disposed++;
    }
}
