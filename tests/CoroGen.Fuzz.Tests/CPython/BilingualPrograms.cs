using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CoroGen.Fuzz.Tests.CPython;

// A small program model that means the same thing in C# (a CoroGen template) and in Python (a generator function).
// Only constructs that map one to one are modelled, and the generator below keeps to the intersection of what both
// languages accept: every value is a non-negative int below 1,000,000 (so C#'s int never overflows and C#'s and
// Python's `%` agree), `for` loops run over constant ranges (Python evaluates range() once, C# re-tests its bound),
// loop counters are never assigned, and nothing leaves a finally block by break, continue or return (C# forbids it,
// Python would swallow the pending exception).

/// <summary>An int expression. <see cref="Arith"/> renders as <c>(l op r) % 1000</c> in both languages.</summary>
internal abstract record Expr;

internal sealed record Const(int Value) : Expr;

internal sealed record Var(string Name) : Expr;

internal sealed record Arith(Expr Left, char Op, Expr Right) : Expr;

/// <summary>
/// A suspension point inside an expression: <c>((yield v) or 0)</c> / <c>await co.Yield(v)</c>, or with a callee
/// <c>(yield from T{callee}(log, v))</c> / <c>await T{callee}(log, v, co)</c>. Operands to its left are evaluated first
/// in both languages.
/// </summary>
internal sealed record Suspend(Expr Value, int? Callee) : Expr;

/// <summary>A condition: a comparison, a parity test, or two conditions joined by and/or (short-circuit in both).</summary>
internal abstract record Cond;

internal sealed record Compare(Expr Left, string Op, Expr Right) : Cond;

internal sealed record IsEven(Expr Value) : Cond;

internal sealed record Join(Cond Left, bool And, Cond Right) : Cond;

internal abstract record Stmt;

internal sealed record Assign(string Target, Expr Value) : Stmt;

/// <summary><c>yield v</c> / <c>await co.Yield(v)</c>, or with a target <c>t = (yield v) or 0</c> / <c>t = await co.Yield(v)</c>.</summary>
internal sealed record YieldStmt(Expr Value, string? Target) : Stmt;

/// <summary><c>t = yield from T{callee}(log, arg)</c> / <c>t = await T{callee}(log, arg, co)</c>.</summary>
internal sealed record Delegate(string Target, int Callee, Expr Argument) : Stmt;

internal sealed record Log(string Label, IReadOnlyList<string> Vars) : Stmt;

/// <summary>The first statement of a handler: logs the caught exception through the preludes' kind mapping.</summary>
internal sealed record LogCaught(string Label, string Variable) : Stmt;

internal sealed record LogFinally(string Label) : Stmt;

internal sealed record If(Cond Condition, IReadOnlyList<Stmt> Then, IReadOnlyList<Stmt>? Else) : Stmt;

internal sealed record ForRange(string Counter, int Count, IReadOnlyList<Stmt> Body) : Stmt;

/// <summary><c>w = 0; while w &lt; limit: w += 1; body</c>: the counter moves first, so continue cannot loop forever.</summary>
internal sealed record While(string Counter, int Limit, IReadOnlyList<Stmt> Body) : Stmt;

internal sealed record Break : Stmt;

internal sealed record Continue : Stmt;

internal sealed record Return(Expr Value) : Stmt;

internal sealed record Raise(string Type, string Message) : Stmt;

/// <summary>Bare <c>raise</c> / <c>throw;</c>: only where the innermost enclosing handler is an except/catch.</summary>
internal sealed record Rethrow : Stmt;

/// <summary>
/// A handler: <see cref="Type"/> is E1, E2, E3, <c>Exit</c> (GeneratorExit / CoroutineExitException) or <c>Exception</c>.
/// </summary>
internal sealed record Handler(string Type, string Variable, IReadOnlyList<Stmt> Body);

internal sealed record Try(IReadOnlyList<Stmt> Body, IReadOnlyList<Handler> Handlers, IReadOnlyList<Stmt>? Finally) : Stmt;

/// <summary>
/// A function <c>T{Index}(log, p)</c>: <paramref name="Locals"/> are declared (as 0) at the top, the body runs, and the
/// function ends with <c>return a</c>. <paramref name="Callees"/> are the functions it delegates to.
/// </summary>
internal sealed record Function(int Index, IReadOnlyList<string> Locals, IReadOnlyList<Stmt> Body, IReadOnlySet<int> Callees)
{
    public string Name => "T" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Writes random functions from a seed; <c>T{k}</c> may delegate to <c>T0..T{k-1}</c>. The same seed always gives the
/// same functions.
/// </summary>
internal sealed class BilingualProgramWriter
{
    // Catch clauses are always written in this order: a derived type before its base (E3 : E1), the exit before
    // Exception. Any subset in this order is valid C# (no CS0160), and first-match then means the same in both languages.
    internal static readonly string[] HandlerOrder = { "E3", "E1", "E2", "Exit", "Exception" };

    // Work one run of a function may do, counted in statements run (loops multiply it, delegation
    // adds the callee's work): keeps deep delegation inside loops from growing exponentially.
    private const int WorkBudget = 3000;

    private readonly Random random;
    private readonly List<int> costs = new();
    private readonly List<string> readable = new();
    private readonly List<string> declared = new();
    private readonly Stack<string> handlerContexts = new(); // "catch" or "finally", innermost on top
    private int fresh;
    private int loopDepth;     // loops that a break/continue here may target (reset inside finally)
    private int finallyDepth;  // inside a finally: no return
    private int multiplier;    // how many times a statement here may run per call
    private int work;
    private int statements;
    private int index;
    private HashSet<int> callees = new();

    public BilingualProgramWriter(int seed) => random = new Random(seed);

    /// <summary>The general-purpose locals every function declares; <c>p</c> is the parameter.</summary>
    internal static readonly string[] Locals = { "a", "b", "c" };

    public IReadOnlyList<Function> Write(int count)
    {
        var functions = new List<Function>();
        for (index = 0; index < count; index++)
        {
            functions.Add(WriteFunction());
        }

        return functions;
    }

    private Function WriteFunction()
    {
        readable.Clear();
        readable.Add("p");
        readable.AddRange(Locals);
        declared.Clear();
        declared.AddRange(Locals);
        handlerContexts.Clear();
        callees = new HashSet<int>();
        fresh = 0;
        loopDepth = 0;
        finallyDepth = 0;
        multiplier = 1;
        work = 0;
        statements = 0;
        List<Stmt> body = Block(depth: 0, count: 3 + random.Next(5));

        // A Python function is a generator only if `yield` appears in it; make sure it does.
        if (!Suspends(body))
        {
            body.Insert(random.Next(body.Count + 1), new YieldStmt(Value(), null));
        }

        costs.Add(work + 1);
        return new Function(index, declared.ToList(), body, callees);
    }

    private static bool Suspends(IEnumerable<Stmt> block) => block.Any(s => s switch
    {
        YieldStmt or Delegate => true,
        Assign { Value: Arith { Right: Suspend } } => true,
        If i => Suspends(i.Condition) || Suspends(i.Then) || (i.Else is not null && Suspends(i.Else)),
        ForRange f => Suspends(f.Body),
        While w => Suspends(w.Body),
        Try t => Suspends(t.Body) || t.Handlers.Any(h => Suspends(h.Body)) || (t.Finally is not null && Suspends(t.Finally)),
        _ => false,
    });

    private static bool Suspends(Cond condition) => condition switch
    {
        Compare { Left: Suspend } => true,
        Join j => Suspends(j.Left) || Suspends(j.Right),
        _ => false,
    };

    private List<Stmt> Block(int depth, int count)
    {
        var block = new List<Stmt>();
        int scope = readable.Count;
        for (int i = 0; i < count && statements < 30; i++)
        {
            block.Add(Statement(depth));
        }

        // Now and then the block ends with an unconditional jump (nothing follows it, so C# sees no unreachable code).
        if (random.Next(8) == 0)
        {
            Stmt? jump = Jump();
            if (jump is not null)
            {
                block.Add(jump);
            }
        }

        readable.RemoveRange(scope, readable.Count - scope);
        return block;
    }

    private Stmt Statement(int depth)
    {
        statements++;
        work += multiplier;
        int choice = random.Next(depth >= 3 ? 5 : 14);
        switch (choice)
        {
            case 0:
                return new YieldStmt(Value(), null);
            case 1:
                return new YieldStmt(Value(), Assignable());
            case 2:
                return new Assign(Assignable(), Value());
            case 3:
                return new Log(Label(), Pick(readable, 1 + random.Next(2)));
            case 4 when index > 0:
                return DelegateOrYield();
            case 5:
                return new If(Condition(), Nested(depth), random.Next(2) == 0 ? Nested(depth) : null);
            case 6:
            {
                string counter = Fresh("i");
                int count = random.Next(4);
                readable.Add(counter);
                List<Stmt> body = Loop(depth, count);
                readable.Remove(counter);
                return new ForRange(counter, count, body);
            }

            case 7:
            {
                string counter = Fresh("w");
                declared.Add(counter);
                int limit = random.Next(4);
                readable.Add(counter);
                List<Stmt> body = Loop(depth, limit);
                readable.Remove(counter);
                return new While(counter, limit, body);
            }

            case 8:
            case 9:
                return TryStatement(depth);
            case 12 when depth < 3:
                // A suspension point inside an expression or a condition.
                return random.Next(2) == 0
                    ? new Assign(Assignable(), new Arith(new Var(Pick(readable)), random.Next(3) == 0 ? '*' : '+', SuspendExpr()))
                    : new If(SuspendingCondition(), Nested(depth), random.Next(2) == 0 ? Nested(depth) : null);
            case 10:
            case 11:
                // A conditional jump: raise, return, break, continue or rethrow where each is allowed.
                return Jump() is { } jump ? new If(Condition(), new[] { jump }, null) : new YieldStmt(Value(), null);
            default:
                return new YieldStmt(Value(), random.Next(2) == 0 ? Assignable() : null);
        }
    }

    private Stmt DelegateOrYield()
    {
        // Only callees whose work, times how often this statement may run, stays within the budget.
        List<int> affordable = Enumerable.Range(0, index).Where(c => work + (multiplier * costs[c]) <= WorkBudget).ToList();
        if (affordable.Count == 0)
        {
            return new YieldStmt(Value(), Assignable());
        }

        int callee = affordable[random.Next(affordable.Count)];
        work += multiplier * costs[callee];
        callees.Add(callee);
        return new Delegate(Assignable(), callee, Value());
    }

    // A yield, or where the work budget allows, a delegation, as an operand.
    private Expr SuspendExpr()
    {
        if (index > 0 && random.Next(3) == 0 && DelegateOrYield() is Delegate d)
        {
            return new Suspend(d.Argument, d.Callee);
        }

        return new Suspend(Value(), null);
    }

    // The suspension on the left, alone, or on the right of and/or (where it runs only if the left side lets it).
    private Cond SuspendingCondition()
    {
        var suspending = new Compare(SuspendExpr(), new[] { "<", ">", "==", "!=" }[random.Next(4)], Operand());
        return random.Next(3) switch
        {
            0 => suspending,
            1 => new Join(SimpleCondition(), random.Next(2) == 0, suspending),
            _ => new Join(suspending, random.Next(2) == 0, SimpleCondition()),
        };
    }

    private Stmt? Jump()
    {
        var options = new List<Func<Stmt>> { () => new Raise(ExceptionType(), Label()) };
        if (finallyDepth == 0)
        {
            options.Add(() => new Return(Value()));
        }

        if (loopDepth > 0)
        {
            options.Add(() => new Break());
            options.Add(() => new Continue());
        }

        if (handlerContexts.Count > 0 && handlerContexts.Peek() == "catch")
        {
            options.Add(() => new Rethrow());
        }

        return options[random.Next(options.Count)]();
    }

    private Stmt TryStatement(int depth)
    {
        string label = Label();
        List<Stmt> body = Nested(depth);
        var handlers = new List<Handler>();
        foreach (string type in HandlerOrder)
        {
            if (random.Next(3) == 0)
            {
                string variable = Fresh("e");
                handlerContexts.Push("catch");
                var handlerBody = new List<Stmt> { new LogCaught(label, variable) };
                handlerBody.AddRange(Block(depth + 1, random.Next(3)));
                handlerContexts.Pop();
                handlers.Add(new Handler(type, variable, handlerBody));
            }
        }

        List<Stmt>? finallyBody = null;
        if (handlers.Count == 0 || random.Next(2) == 0)
        {
            // Nothing may leave a finally block: break/continue would target loops outside it, return is excluded.
            int savedLoops = loopDepth;
            loopDepth = 0;
            finallyDepth++;
            handlerContexts.Push("finally");
            finallyBody = new List<Stmt> { new LogFinally(label) };
            finallyBody.AddRange(Block(depth + 1, random.Next(3)));
            handlerContexts.Pop();
            finallyDepth--;
            loopDepth = savedLoops;
        }

        return new Try(body, handlers, finallyBody);
    }

    private List<Stmt> Loop(int depth, int iterations)
    {
        loopDepth++;
        int savedMultiplier = multiplier;
        multiplier *= Math.Max(1, iterations);
        List<Stmt> body = Nested(depth);
        multiplier = savedMultiplier;
        loopDepth--;
        return body;
    }

    private List<Stmt> Nested(int depth) => Block(depth + 1, 1 + random.Next(3));

    private Cond Condition() => random.Next(6) switch
    {
        0 => new IsEven(new Var(Pick(readable))),
        1 => new Join(SimpleCondition(), random.Next(2) == 0, SimpleCondition()),
        _ => SimpleCondition(),
    };

    private Cond SimpleCondition() => random.Next(3) == 0
        ? new IsEven(new Var(Pick(readable)))
        : new Compare(new Var(Pick(readable)), new[] { "<", ">", "==", "!=" }[random.Next(4)], Operand());

    private Expr Value() => random.Next(3) switch
    {
        0 => Operand(),
        _ => new Arith(new Var(Pick(readable)), random.Next(3) == 0 ? '*' : '+', Operand()),
    };

    private Expr Operand() => random.Next(2) == 0 ? new Const(random.Next(10)) : new Var(Pick(readable));

    private string ExceptionType() => new[] { "E1", "E2", "E3" }[random.Next(3)];

    private string Assignable() => Pick(Locals.Append("p").ToList());

    private string Label() => $"T{index}.s{statements}";

    private string Fresh(string prefix) => prefix + (fresh++).ToString(CultureInfo.InvariantCulture);

    private string Pick(IReadOnlyList<string> from) => from[random.Next(from.Count)];

    private IReadOnlyList<string> Pick(IReadOnlyList<string> from, int count) =>
        Enumerable.Range(0, count).Select(_ => Pick(from)).Distinct().ToList();
}

/// <summary>Renders functions of the model as C# templates and as Python generator functions.</summary>
internal static class BilingualRenderer
{
    public static string CSharp(Function function)
    {
        var w = new Writer();
        w.Line("[Coroutine]");
        w.Line($"public static async Coroutine<int> {function.Name}(List<string> log, int p, Yielder<int, int> co)");
        w.Line("{");
        w.Indent++;
        w.Line($"int {string.Join(", ", function.Locals.Select(l => l + " = 0"))};");
        CSharpBlock(w, function.Body);
        w.Line("return a;");
        w.Indent--;
        w.Line("}");
        return w.ToString();
    }

    public static string Python(Function function)
    {
        var w = new Writer();
        w.Line("@kept"); // see kept() in PythonBatch.Prelude: no finalization
        w.Line($"def {function.Name}(log, p):");
        w.Indent++;
        w.Line(string.Join("; ", function.Locals.Select(l => l + " = 0")));
        w.Indent--;
        PythonBlock(w, function.Body);
        w.Indent++;
        w.Line("return a");
        w.Indent--;
        return w.ToString();
    }

    private static void CSharpBlock(Writer w, IReadOnlyList<Stmt> block)
    {
        foreach (Stmt statement in block)
        {
            CSharpStatement(w, statement);
        }
    }

    private static void CSharpNested(Writer w, IReadOnlyList<Stmt> block)
    {
        w.Line("{");
        w.Indent++;
        CSharpBlock(w, block);
        w.Indent--;
        w.Line("}");
    }

    private static void CSharpStatement(Writer w, Stmt statement)
    {
        switch (statement)
        {
            case Assign s:
                w.Line($"{s.Target} = {Render(s.Value, csharp: true)};");
                break;
            case YieldStmt { Target: null } s:
                w.Line($"await co.Yield({Render(s.Value, csharp: true)});");
                break;
            case YieldStmt s:
                w.Line($"{s.Target} = await co.Yield({Render(s.Value, csharp: true)});");
                break;
            case Delegate s:
                w.Line($"{s.Target} = await T{s.Callee}(log, {Render(s.Argument, csharp: true)}, co);");
                break;
            case Log s:
                w.Line($"log.Add($\"{s.Label} {string.Join(" ", s.Vars.Select(v => $"{v}={{{v}}}"))}\");");
                break;
            case LogCaught s:
                w.Line($"log.Add(\"{s.Label} caught \" + Kinds.Of({s.Variable}));");
                break;
            case LogFinally s:
                w.Line($"log.Add(\"{s.Label} finally\");");
                break;
            case If s:
                w.Line($"if ({Render(s.Condition, csharp: true)})");
                CSharpNested(w, s.Then);
                if (s.Else is not null)
                {
                    w.Line("else");
                    CSharpNested(w, s.Else);
                }

                break;
            case ForRange s:
                w.Line($"for (int {s.Counter} = 0; {s.Counter} < {s.Count}; {s.Counter}++)");
                CSharpNested(w, s.Body);
                break;
            case While s:
                w.Line($"{s.Counter} = 0;");
                w.Line($"while ({s.Counter} < {s.Limit})");
                w.Line("{");
                w.Indent++;
                w.Line($"{s.Counter} += 1;");
                CSharpBlock(w, s.Body);
                w.Indent--;
                w.Line("}");
                break;
            case Break:
                w.Line("break;");
                break;
            case Continue:
                w.Line("continue;");
                break;
            case Return s:
                w.Line($"return {Render(s.Value, csharp: true)};");
                break;
            case Raise s:
                w.Line($"throw new {s.Type}(\"{s.Message}\");");
                break;
            case Rethrow:
                w.Line("throw;");
                break;
            case Try s:
                w.Line("try");
                CSharpNested(w, s.Body);
                foreach (Handler h in s.Handlers)
                {
                    string type = h.Type switch { "Exit" => "CoroutineExitException", var t => t };
                    w.Line($"catch ({type} {h.Variable})");
                    CSharpNested(w, h.Body);
                }

                if (s.Finally is not null)
                {
                    w.Line("finally");
                    CSharpNested(w, s.Finally);
                }

                break;
            default:
                throw new InvalidOperationException("Unknown statement " + statement);
        }
    }

    private static void PythonBlock(Writer w, IReadOnlyList<Stmt> block)
    {
        w.Indent++;
        if (block.Count == 0)
        {
            w.Line("pass");
        }

        foreach (Stmt statement in block)
        {
            PythonStatement(w, statement);
        }

        w.Indent--;
    }

    private static void PythonStatement(Writer w, Stmt statement)
    {
        switch (statement)
        {
            case Assign s:
                w.Line($"{s.Target} = {Render(s.Value, csharp: false)}");
                break;
            case YieldStmt { Target: null } s:
                w.Line($"yield {Render(s.Value, csharp: false)}");
                break;
            case YieldStmt s:
                // next() sends None where MoveNext sends default(int) = 0 (API.md section 4): `or 0` maps one to the other.
                w.Line($"{s.Target} = (yield {Render(s.Value, csharp: false)}) or 0");
                break;
            case Delegate s:
                w.Line($"{s.Target} = yield from T{s.Callee}(log, {Render(s.Argument, csharp: false)})");
                break;
            case Log s:
                w.Line($"log.append(f\"{s.Label} {string.Join(" ", s.Vars.Select(v => $"{v}={{{v}}}"))}\")");
                break;
            case LogCaught s:
                w.Line($"log.append(\"{s.Label} caught \" + kind({s.Variable}))");
                break;
            case LogFinally s:
                w.Line($"log.append(\"{s.Label} finally\")");
                break;
            case If s:
                w.Line($"if {Render(s.Condition, csharp: false)}:");
                PythonBlock(w, s.Then);
                if (s.Else is not null)
                {
                    w.Line("else:");
                    PythonBlock(w, s.Else);
                }

                break;
            case ForRange s:
                w.Line($"for {s.Counter} in range({s.Count}):");
                PythonBlock(w, s.Body);
                break;
            case While s:
                w.Line($"{s.Counter} = 0");
                w.Line($"while {s.Counter} < {s.Limit}:");
                w.Indent++;
                w.Line($"{s.Counter} += 1");
                w.Indent--;
                PythonBlock(w, s.Body);
                break;
            case Break:
                w.Line("break");
                break;
            case Continue:
                w.Line("continue");
                break;
            case Return s:
                w.Line($"return {Render(s.Value, csharp: false)}");
                break;
            case Raise s:
                w.Line($"raise {s.Type}(\"{s.Message}\")");
                break;
            case Rethrow:
                w.Line("raise");
                break;
            case Try s:
                w.Line("try:");
                PythonBlock(w, s.Body);
                foreach (Handler h in s.Handlers)
                {
                    string type = h.Type switch { "Exit" => "GeneratorExit", var t => t };
                    w.Line($"except {type} as {h.Variable}:");
                    PythonBlock(w, h.Body);
                }

                if (s.Finally is not null)
                {
                    w.Line("finally:");
                    PythonBlock(w, s.Finally);
                }

                break;
            default:
                throw new InvalidOperationException("Unknown statement " + statement);
        }
    }

    // Expressions are written identically in both languages, except for suspension points.
    private static string Render(Expr e, bool csharp) => e switch
    {
        Const c => c.Value.ToString(CultureInfo.InvariantCulture),
        Var v => v.Name,
        Arith a => $"({Render(a.Left, csharp)} {a.Op} {Render(a.Right, csharp)}) % 1000",
        Suspend { Callee: null } y => csharp ? $"await co.Yield({Render(y.Value, csharp)})" : $"((yield {Render(y.Value, csharp)}) or 0)",
        Suspend y => csharp ? $"await T{y.Callee}(log, {Render(y.Value, csharp)}, co)" : $"(yield from T{y.Callee}(log, {Render(y.Value, csharp)}))",
        _ => throw new InvalidOperationException("Unknown expression " + e),
    };

    private static string Render(Cond c, bool csharp) => c switch
    {
        Compare x => $"{Render(x.Left, csharp)} {x.Op} {Render(x.Right, csharp)}",
        IsEven x => $"{Render(x.Value, csharp)} % 2 == 0",
        Join j => $"({Render(j.Left, csharp)}) {(j.And ? (csharp ? "&&" : "and") : (csharp ? "||" : "or"))} ({Render(j.Right, csharp)})",
        _ => throw new InvalidOperationException("Unknown condition " + c),
    };

    private sealed class Writer
    {
        private readonly StringBuilder text = new();

        public int Indent { get; set; }

        public void Line(string line) => text.Append(' ', Indent * 4).Append(line).Append('\n');

        public override string ToString() => text.ToString();
    }
}
