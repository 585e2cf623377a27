using System;
using System.Collections.Generic;
using Xunit;
using X = CoroGen.Tests.EscapingExitTemplates;

namespace CoroGen.Tests;

/// <summary>API.md section 4: an exit escaping the body ends the coroutine Closed; any other exception ends it Faulted.</summary>
public sealed class EscapingExitConformanceTests
{
    [Fact(Skip = "Deviation (core, CoroutineOfYieldSendReturn.cs StepDirect/EndFaulted with EscapingExits in CoroutineExitException.cs): the direct step decides Closed or Faulted from the last first-chance exception on the thread, so an exit that escapes through a finally which throws and catches another exception leaves the coroutine Faulted instead of Closed (API.md section 4).")]
    public void AnExitEscapingThroughAFinallyThatHandlesAnotherExceptionCloses()
    {
        var log = new List<string>();
        var co = X.ExitThroughABusyFinally(log);
        Assert.True(co.MoveNext());
        Assert.Throws<CoroutineExitException>(() => co.MoveNext());
        Assert.Equal(new[] { "finally handled handled inside the finally" }, log);
        Assert.Equal(CoroutineState.Closed, co.State);
    }

    [Fact(Skip = "Deviation (core, CoroutineOfYieldSendReturn.cs StepDirect/EndFaulted with EscapingExits in CoroutineExitException.cs): the direct step decides Closed or Faulted from the last first-chance exception on the thread, so another exception that escapes through a finally which throws and catches an exit leaves the coroutine Closed instead of Faulted (API.md sections 3 and 4).")]
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
