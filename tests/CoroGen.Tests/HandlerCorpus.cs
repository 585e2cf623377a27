using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Templates;
using CoroGen.Testing;

namespace CoroGen.Tests;

/// <summary>
/// One template of the differential corpus: how to trace a script through the oracle (the C# compiler's lowering of the
/// template) and through the generated class, how many MoveNext steps to inject Throw/Close after, and whether the
/// template has a catch-all around a suspension point (then Close and a thrown exit differ by design, API.md section 4).
/// </summary>
public sealed class CorpusEntry
{
    private CorpusEntry(string name, Func<CoroutineOp[], string> oracle, Func<CoroutineOp[], string> generated, int steps, bool catchAll, CoroutineOp[][] extra)
    {
        Name = name;
        Oracle = oracle;
        Generated = generated;
        Steps = steps;
        CatchAll = catchAll;
        Extra = extra;
    }

    public string Name { get; }

    public Func<CoroutineOp[], string> Oracle { get; }

    public Func<CoroutineOp[], string> Generated { get; }

    public int Steps { get; }

    public bool CatchAll { get; }

    public CoroutineOp[][] Extra { get; }

    public static CorpusEntry Of(string name, Func<List<string>, Yielder<int>, Coroutine> template, Func<List<string>, Coroutine<int, Unit, Unit>> generated, int steps, bool catchAll = false, params CoroutineOp[][] extra) =>
        new(name,
            script => CoroutineDriver.Trace(log => TemplateOracle.Run<int>(co => template(log, co)), script),
            script => CoroutineDriver.Trace(generated, script),
            steps, catchAll, extra);

    public static CorpusEntry Of<TReturn>(string name, Func<List<string>, Yielder<int>, Coroutine<TReturn>> template, Func<List<string>, Coroutine<int, Unit, TReturn>> generated, int steps, bool catchAll = false, params CoroutineOp[][] extra) =>
        new(name,
            script => CoroutineDriver.Trace(log => TemplateOracle.Run<int, TReturn>(co => template(log, co)), script),
            script => CoroutineDriver.Trace(generated, script),
            steps, catchAll, extra);

    public static CorpusEntry Of(string name, Func<List<string>, Yielder<int, int>, Coroutine> template, Func<List<string>, Coroutine<int, int, Unit>> generated, int steps, bool catchAll = false, params CoroutineOp[][] extra) =>
        new(name,
            script => CoroutineDriver.Trace(log => TemplateOracle.Run<int, int>(co => template(log, co)), script),
            script => CoroutineDriver.Trace(generated, script),
            steps, catchAll, extra);

    /// <summary>A corpus entry from two factories of the same shape: the oracle's and the generated class's.</summary>
    public static CorpusEntry Pair<TYield, TSend, TReturn>(string name, Func<List<string>, Coroutine<TYield, TSend, TReturn>> oracle, Func<List<string>, Coroutine<TYield, TSend, TReturn>> generated, int steps, bool catchAll = false, params CoroutineOp[][] extra) =>
        new(name, script => CoroutineDriver.Trace(oracle, script), script => CoroutineDriver.Trace(generated, script), steps, catchAll, extra);

    /// <summary>Every script: k MoveNext steps, one injected operation, then run to the end, for k = 0..Steps; plus the extra scripts.</summary>
    public IEnumerable<CoroutineOp[]> Scripts()
    {
        IEnumerable<CoroutineOp[]> scripts = DifferentialTests.Scripts(Steps);
        if (CatchAll)
        {
            scripts = scripts.Where(s => !s.Any(IsExit));
        }

        return scripts.Concat(Extra);
    }

    public static bool IsExit(CoroutineOp op) => op == CoroutineOp.Close || op == CoroutineOp.ThrowExit;

    public override string ToString() => Name;
}
