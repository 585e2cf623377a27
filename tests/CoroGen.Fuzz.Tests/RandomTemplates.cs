using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CoroGen.Fuzz.Tests;

/// <summary>The constructs the random template writer may use; the generator's coverage grows, and so does this.</summary>
[Flags]
public enum TemplateFeatures
{
    None = 0,
    Loops = 1,
    Conditionals = 2,
    TryCatchFinally = 4,
    Using = 8,
    Jumps = 16,
    Throws = 32,
    Closures = 64,
    Delegation = 128,
    CatchAll = 256,
    YieldInHandlers = 512,
    Switch = 1024,
    YieldInExpressions = 2048,
    Goto = 4096,

    /// <summary>What the generator lowers today.</summary>
    Supported = Loops | Conditionals | TryCatchFinally | Using | Jumps | Throws | Closures | Delegation | CatchAll | Goto
        | YieldInHandlers | Switch | YieldInExpressions,
}

/// <summary>
/// Writes random, valid templates from a seed: nested loops, if/else, try/catch/finally with filters, using, break,
/// continue and return across finally blocks, throws, closures, delegation to earlier templates of the same batch, and
/// suspension points where the features allow them. The same seed always writes the same text.
/// </summary>
public sealed class RandomTemplates
{
    public const string Prelude = """
        using System;
        using System.Collections.Generic;
        using CoroGen;

        namespace Fuzz;

        public sealed class Probe : IDisposable
        {
            private readonly List<string> log;
            private readonly string name;
            public Probe(List<string> log, string name) { this.log = log; this.name = name; log.Add("open " + name); }
            public void Dispose() => log.Add("dispose " + name);
        }

        public static class Check
        {
            public static bool Filter(List<string> log, string name, int value) { log.Add("filter " + name + " " + value); return value % 3 != 0; }
        }

        """;

    private readonly Random random;
    private readonly TemplateFeatures features;
    private readonly StringBuilder text = new();
    private readonly List<string> intLocals = new();
    private readonly HashSet<string> readOnly = new(); // foreach variables cannot be assigned
    private readonly HashSet<string> counters = new(); // for-loop counters: only assignments that always suspend may reset them
    private int indent;
    private int fresh;
    private int loopDepth;
    private int statements;
    private int templateIndex;

    public RandomTemplates(int seed, TemplateFeatures features)
    {
        random = new Random(seed);
        this.features = features;
    }

    /// <summary>A class named <paramref name="className"/> with <paramref name="count"/> templates T0..Tn; later ones may delegate to earlier ones.</summary>
    public string WriteClass(string className, int count)
    {
        text.Clear();
        text.Append("public static partial class ").Append(className).Append('\n').Append("{\n");
        for (templateIndex = 0; templateIndex < count; templateIndex++)
        {
            WriteTemplate();
        }

        text.Append("}\n");
        return text.ToString();
    }

    private void WriteTemplate()
    {
        intLocals.Clear();
        readOnly.Clear();
        counters.Clear();
        fresh = 0;
        statements = 0;
        loopDepth = 0;
        indent = 1;
        Line("[Coroutine]");
        Line($"public static async Coroutine<int> T{templateIndex}(List<string> log, Yielder<int, int> co)");
        Line("{");
        indent++;
        Line($"int x = {random.Next(10)};");
        Line("var closures = new List<Func<int>>();");
        intLocals.Add("x");
        Block(depth: 0, count: 2 + random.Next(4));
        Line("foreach (Func<int> closure in closures) log.Add(\"closure \" + closure());");
        Line("return x;");
        indent--;
        Line("}");
        Line(string.Empty);
    }

    private void Block(int depth, int count)
    {
        int scope = intLocals.Count;
        for (int i = 0; i < count && statements < 40; i++)
        {
            Statement(depth);
        }

        intLocals.RemoveRange(scope, intLocals.Count - scope);
    }

    private void Statement(int depth)
    {
        statements++;
        int choice = random.Next(depth >= 3 ? 6 : 19);
        switch (choice)
        {
            case 0:
            case 1:
                Line($"await co.Yield({YieldOperand()});");
                return;
            case 2:
                Line($"{Assignable()} = await co.Yield({YieldOperand()});");
                return;
            case 3:
                string v = Fresh("v");
                Line($"int {v} = await co.Yield({YieldOperand()});");
                intLocals.Add(v);
                return;
            case 4:
                Line($"log.Add($\"s{statements}:{{{Local()}}}\");");
                return;
            case 5:
                Line($"{Assignable()} += {random.Next(1, 5)};");
                return;
            case 6 when Has(TemplateFeatures.Conditionals):
                Line($"if ({Condition()})");
                Nested(depth);
                if (random.Next(2) == 0)
                {
                    Line("else");
                    Nested(depth);
                }

                return;
            case 7 when Has(TemplateFeatures.Loops):
                string i = Fresh("i");
                Line($"for (int {i} = 0; {i} < {random.Next(4)}; {i}++)");
                intLocals.Add(i);
                counters.Add(i);
                Loop(depth);
                counters.Remove(i);
                intLocals.Remove(i);
                return;
            case 8 when Has(TemplateFeatures.Loops):
                string w = Fresh("w");
                Line($"int {w} = 0;");
                Line($"while ({w}++ < {random.Next(4)})");
                Loop(depth);
                intLocals.Add(w);
                return;
            case 9 when Has(TemplateFeatures.Loops):
                string e = Fresh("e");
                Line($"foreach (var {e} in new[] {{ {random.Next(9)}, {random.Next(9)} }})");
                intLocals.Add(e);
                readOnly.Add(e);
                Loop(depth);
                intLocals.Remove(e);
                return;
            case 10 when Has(TemplateFeatures.TryCatchFinally):
                Try(depth);
                return;
            case 11 when Has(TemplateFeatures.Using):
                Line($"using (new Probe(log, \"u{statements}\"))");
                Nested(depth);
                return;
            case 12 when Has(TemplateFeatures.Jumps) && loopDepth > 0:
                Line($"if ({Condition()}) {(random.Next(2) == 0 ? "break" : "continue")};");
                return;
            case 13 when Has(TemplateFeatures.Jumps):
                Line($"if ({Condition()}) return {Expr()};");
                return;
            case 14 when Has(TemplateFeatures.Throws):
                Line($"if ({Condition()}) throw new {(random.Next(2) == 0 ? "InvalidOperationException" : "FormatException")}(\"t{statements}\");");
                return;
            case 15 when Has(TemplateFeatures.Delegation) && templateIndex > 0:
                string d = Fresh("d");
                Line($"int {d} = await T{random.Next(templateIndex)}(log, co);");
                Line($"{Assignable(counters: false)} += {d};");
                return;
            case 18 when Has(TemplateFeatures.Closures) && loopDepth > 0:
                // Closures made inside a loop and called after it: each must see its own iteration's variables.
                string captured = Local();
                if (random.Next(2) == 0)
                {
                    Line($"closures.Add(() => {captured} * 10 + x);");
                }
                else
                {
                    string localFunction = Fresh("lf");
                    Line($"int {localFunction}() => {captured} + 100;");
                    Line($"closures.Add({localFunction});");
                    Line($"log.Add(\"lf \" + {localFunction}());");
                }

                return;
            case 15 when Has(TemplateFeatures.Closures):
            case 12 when Has(TemplateFeatures.Closures):
                string f = Fresh("f");
                Line($"Func<int, int> {f} = n => n + x;");
                Line($"x = {f}({random.Next(5)});");
                return;
            case 16 when Has(TemplateFeatures.YieldInExpressions):
                ExpressionSuspension();
                return;
            case 17 when Has(TemplateFeatures.Switch):
                Switch(depth);
                return;
            default:
                Line($"await co.Yield({Expr()});");
                return;
        }
    }

    // Suspension points inside expressions: operands evaluated before them must keep their old values.
    private void ExpressionSuspension()
    {
        string target = Assignable();
        string nonCounter = Assignable(counters: false);
        switch (random.Next(5))
        {
            case 0:
                Line($"{target} += await co.Yield({YieldOperand()});");
                break;
            case 1:
                Line($"log.Add($\"e{statements}:{{{Local()}}}:{{await co.Yield({Expr()})}}\");");
                break;
            case 2:
                Line($"{target} = Math.Max({Local()}, await co.Yield({YieldOperand()})) - {random.Next(3)};");
                break;
            case 3:
                // The branch not taken does not suspend: resetting a loop counter there could loop forever without a yield.
                Line($"{nonCounter} = {Condition()} ? await co.Yield({YieldOperand()}) : {Expr()};");
                break;
            default:
                Line($"{target} = {Local()} * 2 + await co.Yield({YieldOperand()}) % 5;");
                break;
        }
    }

    private void Switch(int depth)
    {
        Line($"switch ({Local()} % 4)");
        Line("{");
        indent++;
        int cases = 1 + random.Next(3);
        for (int c = 0; c < cases; c++)
        {
            Line($"case {c}:");
            indent++;
            Line("{");
            indent++;
            Block(depth + 1, 1 + random.Next(2));
            indent--;
            Line("}");
            Line("break;");
            indent--;
        }

        Line("default:");
        indent++;
        Line($"await co.Yield({Expr()});");
        Line("break;");
        indent--;
        indent--;
        Line("}");
    }

    private void Try(int depth)
    {
        Line("try");
        Nested(depth);
        bool anyHandler = false;
        if (random.Next(3) > 0)
        {
            string ex = Fresh("ex");
            string filter = random.Next(2) == 0 ? $" when (Check.Filter(log, \"{ex}\", x))" : string.Empty;
            Line($"catch (InvalidOperationException {ex}){filter}");
            Handler(depth, $"\"caught \" + {ex}.Message");
            anyHandler = true;
        }

        if (Has(TemplateFeatures.CatchAll) && random.Next(4) == 0)
        {
            Line("catch (Exception)");
            Handler(depth, "\"caught any\"");
            anyHandler = true;
        }

        if (!anyHandler || random.Next(2) == 0)
        {
            Line("finally");
            Handler(depth, $"\"finally {statements}\"");
        }
    }

    private void Handler(int depth, string message)
    {
        Line("{");
        indent++;
        Line($"log.Add({message});");
        if (Has(TemplateFeatures.YieldInHandlers) && random.Next(3) == 0)
        {
            Line($"await co.Yield({Expr()});");
        }

        indent--;
        Line("}");
    }

    private void Loop(int depth)
    {
        loopDepth++;
        Nested(depth);
        loopDepth--;
    }

    private void Nested(int depth)
    {
        Line("{");
        indent++;
        Block(depth + 1, 1 + random.Next(3));
        indent--;
        Line("}");
    }

    private string Expr() => random.Next(3) switch
    {
        0 => random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => Local(),
        _ => $"{Local()} + {random.Next(10)}",
    };

    // What a statement yields: now and then an expression that throws, which unwinds through the template's finally blocks
    // and catch clauses as any other throw (the generated code records the resume point only after computing it).
    private string YieldOperand() => random.Next(8) == 0
        ? $"({Condition()} ? throw new FormatException(\"y{statements}\") : {Expr()})"
        : Expr();

    private string Condition() => random.Next(3) switch
    {
        0 => $"{Local()} % 2 == 0",
        1 => $"{Local()} > {random.Next(8)}",
        _ => $"log.Count % 3 == {random.Next(3)}",
    };

    private string Local() => intLocals[random.Next(intLocals.Count)];

    private string Assignable(bool counters = true)
    {
        List<string> candidates = intLocals.Where(l => !readOnly.Contains(l) && (counters || !this.counters.Contains(l))).ToList();
        return candidates[random.Next(candidates.Count)];
    }

    private string Fresh(string prefix) => prefix + fresh++;

    private bool Has(TemplateFeatures feature) => (features & feature) != 0;

    private void Line(string line)
    {
        text.Append(' ', indent * 4).Append(line).Append('\n');
    }
}
