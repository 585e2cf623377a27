using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
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

/// <summary>
/// API.md section 4, for exits the runtime made (Close's): one left pending in a body that yielded while being closed, or
/// kept by user code, can escape a body that MoveNext runs directly later, which must end Closed. Such tests must run
/// where no exit was made before (the direct step then has nothing to tell it by, EscapingExits), which no test in this
/// process can promise: each scenario runs in a fresh load of the runtime and of this assembly, with statics of its own.
/// </summary>
public sealed class RuntimeExitEscapingConformanceTests
{
    [Fact]
    public void AClosesPendingExitReRaisedThroughAnotherBodyClosesThatBody() =>
        Assert.Equal("watching False, then False; b Closed, a Closed", FreshRuntime.Run(nameof(PendingExitThroughAnotherBody)));

    [Fact]
    public void AClosesExitKeptAndThrownFromAnotherBodyClosesThatBody() =>
        Assert.Equal("watching False; thrower Closed", FreshRuntime.Run(nameof(KeptExitThrownFromAnotherBody)));

    // b ignores Close's exit (it yields in a finally); a's body resumes b by hand, b's finally ends and re-raises the exit,
    // which escapes b (Closed) and a's body.
    internal static string PendingExitThroughAnotherBody()
    {
        string before = "watching " + EscapingExits.Possible;
        var b = X.YieldsInFinally();
        b.MoveNext();
        try
        {
            b.Close();
            return before + "; Close did not throw";
        }
        catch (InvalidOperationException)
        {
        }

        // The exit left pending in b leaves the direct step on (turning the checked step on would slow every later step of
        // the process): a's direct step tells the exit by the first-chance record.
        before += ", then " + EscapingExits.Possible;
        var a = X.DrivesByHand(b);
        a.MoveNext();
        try
        {
            a.MoveNext();
            return before + "; no exit escaped";
        }
        catch (CoroutineExitException)
        {
        }

        return $"{before}; b {b.State}, a {a.State}";
    }

    internal static string KeptExitThrownFromAnotherBody()
    {
        string before = "watching " + EscapingExits.Possible;
        var kept = new List<CoroutineExitException>();
        var keeper = X.KeepsTheExit(kept);
        keeper.MoveNext();
        keeper.Close();
        var thrower = X.ThrowsAKeptExit(kept);
        thrower.MoveNext();
        try
        {
            thrower.MoveNext();
            return before + "; no exit escaped";
        }
        catch (CoroutineExitException)
        {
        }

        return $"{before}; thrower {thrower.State}";
    }
}

/// <summary>Runs a static method of this assembly in a fresh load of it and of the runtime, whose statics start anew.</summary>
internal static class FreshRuntime
{
    internal static string Run(string scenario)
    {
        // Not collectible: the runtime it loads may subscribe to AppDomain.FirstChanceException, which keeps it alive.
        var context = new FreshContext(Path.GetDirectoryName(typeof(FreshRuntime).Assembly.Location)!);
        Assembly tests = context.LoadFromAssemblyName(typeof(FreshRuntime).Assembly.GetName());
        Assembly runtime = context.LoadFromAssemblyName(typeof(Coroutine).Assembly.GetName());
        if (tests == typeof(FreshRuntime).Assembly || runtime == typeof(Coroutine).Assembly)
        {
            throw new InvalidOperationException("The fresh context shares assemblies with the test process.");
        }

        MethodInfo method = tests.GetType(typeof(RuntimeExitEscapingConformanceTests).FullName!)!
            .GetMethod(scenario, BindingFlags.Static | BindingFlags.NonPublic)!;
        if (method.Invoke(null, null) is not string outcome)
        {
            throw new InvalidOperationException("The scenario returned no outcome.");
        }

        return outcome;
    }

    private sealed class FreshContext(string directory) : AssemblyLoadContext("fresh CoroGen runtime")
    {
        protected override Assembly? Load(AssemblyName name) =>
            name.Name is "CoroGen" or "CoroGen.Tests" ? LoadFromAssemblyPath(Path.Combine(directory, name.Name + ".dll")) : null;
    }
}
