using System;
using System.Collections.Generic;
using Xunit;
using X = CoroGen.Tests.EscapingExitTemplates;

namespace CoroGen.Tests;

/// <summary>API.md section 4: an exit escaping the body ends the coroutine Closed; any other exception ends it Faulted.</summary>
public sealed class EscapingExitConformanceTests
{
    // Once the process has made a CoroutineExitException, every step can tell an escaping exit from other exceptions
    // exactly. Only the step during which user code makes the process's first exit cannot (README, "Decisions"); make one
    // here so that these tests do not depend on which test runs first.
    public EscapingExitConformanceTests() => _ = new CoroutineExitException();

    [Fact]
    public void AnExitEscapingThroughAFinallyThatHandlesAnotherExceptionCloses()
    {
        var log = new List<string>();
        var co = X.ExitThroughABusyFinally(log);
        Assert.True(co.MoveNext());
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Equal(new[] { "finally handled handled inside the finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact]
    public void AnotherExceptionEscapingThroughAFinallyThatHandlesAnExitFaults()
    {
        var log = new List<string>();
        var co = X.FaultThroughAFinallyThatHandlesAnExit(log);
        Assert.True(co.MoveNext());
        Assert.Throws<FormatException>(() => co.MoveNext());
        Assert.Equal(new[] { "finally handled an exit" }, log);
        Assert.Equal(CoroutineState.Faulted, co.State);
    }
}
