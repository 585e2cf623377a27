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

    /// <summary>
    /// Span&lt;int&gt; and ref int locals (arrays, AsSpan, stackalloc, slices, out declarations, ref conditionals) used and
    /// assigned at random positions, with do-while and goto loops: C# 13 accepts some templates and rejects others
    /// (CS4007, CS9217), CoroGen accepts or refuses them (COROGEN007). Not in <see cref="Supported"/>: it leaves out
    /// delegation, so that the templates C# or CoroGen refuses can be dropped from a batch.
    /// </summary>
    SpanLocals = 8192,

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

    /// <summary>What templates written with <see cref="TemplateFeatures.SpanLocals"/> call, after <see cref="Prelude"/>.</summary>
    public const string SpanPrelude = """
        public static class Spans
        {
            public static bool Put(out int target, int value) { target = value; return value % 2 == 0; }
            public static void Window(int[] array, int start, int length, out Span<int> span) => span = array.AsSpan(start, length);
        }

        """;

    private const int ArrayLength = 6;

    private readonly Random random;
    private readonly TemplateFeatures features;
    private readonly StringBuilder text = new();
    private readonly List<string> intLocals = new();
    private readonly HashSet<string> readOnly = new(); // foreach variables cannot be assigned
    private readonly HashSet<string> counters = new(); // for-loop counters: only assignments that always suspend may reset them
    private readonly List<RefLocal> refLocals = new(); // span and ref locals in scope (SpanLocals)
    private int spansDeclared;
    private int refsDeclared;
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
        refLocals.Clear();
        spansDeclared = 0;
        refsDeclared = 0;
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
        if (Has(TemplateFeatures.SpanLocals))
        {
            Line($"int[] a = {{ {string.Join(", ", Enumerable.Range(0, ArrayLength).Select(_ => random.Next(10)))} }};");
            Line($"int[] b = {{ {string.Join(", ", Enumerable.Range(0, ArrayLength).Select(_ => random.Next(10)))} }};");
        }

        Block(depth: 0, count: Has(TemplateFeatures.SpanLocals) ? 3 + random.Next(5) : 2 + random.Next(4));
        Line("foreach (Func<int> closure in closures) log.Add(\"closure \" + closure());");
        if (Has(TemplateFeatures.SpanLocals))
        {
            Line("log.Add(\"a \" + string.Join(\",\", a) + \" b \" + string.Join(\",\", b));");
        }

        Line("return x;");
        indent--;
        Line("}");
        Line(string.Empty);
    }

    private void Block(int depth, int count)
    {
        int scope = intLocals.Count;
        int refScope = refLocals.Count;
        for (int i = 0; i < count && statements < 40; i++)
        {
            Statement(depth);
        }

        intLocals.RemoveRange(scope, intLocals.Count - scope);
        refLocals.RemoveRange(refScope, refLocals.Count - refScope);
    }

    private void Statement(int depth)
    {
        statements++;
        if (Has(TemplateFeatures.SpanLocals) && random.Next(3) == 0)
        {
            SpanStatement(depth);
            return;
        }

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
            // With span locals, now and then a section without a block: its declarations are the section's own statements.
            bool braces = !Has(TemplateFeatures.SpanLocals) || random.Next(2) == 0;
            if (braces)
            {
                Line("{");
                indent++;
            }

            Block(depth + 1, 1 + random.Next(2));
            if (braces)
            {
                indent--;
                Line("}");
            }

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
        if (Has(TemplateFeatures.SpanLocals) && refLocals.Count > 0 && random.Next(3) == 0)
        {
            UseRefLocal(); // a handler that reads or writes one: live at every suspension point of its try
        }

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

    // ---- span and ref locals (TemplateFeatures.SpanLocals) ----

    private void SpanStatement(int depth)
    {
        if (refLocals.Count == 0 && !DeclareSpan() && !DeclareRef())
        {
            Line($"await co.Yield({Expr()});"); // none in scope, and the template has declared all it may
            return;
        }

        switch (random.Next(depth >= 3 ? 7 : 10))
        {
            case 0 when DeclareSpan():
            case 1 when DeclareRef():
                return;
            case 0:
            case 1:
            case 2:
            case 3:
                UseRefLocal();
                return;
            case 4:
                YieldRefLocal();
                return;
            case 5:
                // Assigned again, and often used at once: dead before the assignment.
                RefLocal local = Pick();
                Line($"{local.Name} = {(local.IsSpan ? SpanSource(local.Length, local.Heap).Text : "ref " + RefSource(local.Heap).Text)};");
                if (random.Next(2) == 0)
                {
                    UseRefLocal(local);
                }

                return;
            case 6:
                Line($"{Assignable(counters: false)} = {Condition()} ? {Element()} : {(random.Next(2) == 0 ? Element() : Expr())};");
                return;
            case 7:
                string d = Fresh("d");
                Line($"int {d} = 0;");
                Line("do");
                Loop(depth);
                Line($"while ({d}++ < {random.Next(3)});");
                return;
            case 8:
                // A loop made of a label and a goto back to it.
                string g = Fresh("g");
                string again = Fresh("L");
                Line($"int {g} = 0;");
                Line($"{again}:");
                Nested(depth);
                Line($"if ({g}++ < {random.Next(3)}) goto {again};");
                return;
            default:
                // A goto forward, out of a block, past the rest of it.
                string skip = Fresh("K");
                Line("{");
                indent++;
                int scope = intLocals.Count;
                int refScope = refLocals.Count;
                Block(depth + 1, 1 + random.Next(2));
                Line($"if ({Condition()}) goto {skip};");
                Block(depth + 1, 1 + random.Next(2));
                intLocals.RemoveRange(scope, intLocals.Count - scope);
                refLocals.RemoveRange(refScope, refLocals.Count - refScope);
                indent--;
                Line("}");
                Line($"{skip}: ;");
                return;
        }
    }

    // Every span has a fixed length (1 to 4), which its reassignments keep, so that indexing it never fails. A span or ref
    // local declared from the heap (an array) can be given only heap memory again; one declared scoped or from stack memory
    // (stackalloc, a local) can be given anything: C#'s escape rules.
    private bool DeclareSpan()
    {
        if (spansDeclared == 3)
        {
            return false;
        }

        spansDeclared++;
        string name = Fresh("s");
        int length = random.Next(6) == 0 ? 1 : 2 + random.Next(3);
        if (random.Next(10) == 0)
        {
            Line($"Spans.Window({Array()}, {random.Next(ArrayLength - length + 1)}, {length}, out Span<int> {name});");
            refLocals.Add(new RefLocal(name, IsSpan: true, length, Heap: true));
            return true;
        }

        (string source, bool heap) = SpanSource(length, heapOnly: false);
        bool scoped = random.Next(8) == 0;
        Line($"{(scoped ? "scoped " : string.Empty)}Span<int> {name} = {source};");
        refLocals.Add(new RefLocal(name, IsSpan: true, length, heap && !scoped, scoped));
        return true;
    }

    private bool DeclareRef()
    {
        if (refsDeclared == 2)
        {
            return false;
        }

        refsDeclared++;
        string name = Fresh("r");
        (string source, bool heap) = RefSource(heapOnly: false);
        Line($"ref int {name} = ref {source};");
        refLocals.Add(new RefLocal(name, IsSpan: false, 0, heap));
        return true;
    }

    private (string Text, bool Heap) SpanSource(int length, bool heapOnly)
    {
        List<RefLocal> wider = refLocals.Where(l => l.IsSpan && !l.Scoped && l.Length >= length && (l.Heap || !heapOnly)).ToList();
        switch (random.Next(heapOnly ? 3 : 5))
        {
            case 0:
                return ($"new int[] {{ {string.Join(", ", Enumerable.Range(0, length).Select(_ => random.Next(10)))} }}", true);
            case 1:
                int start = random.Next(ArrayLength - length + 1);
                return start + length == ArrayLength && random.Next(2) == 0
                    ? ($"{Array()}.AsSpan({start})", true)
                    : ($"{Array()}.AsSpan({start}, {length})", true);
            case 3 when length == 1 && random.Next(2) == 0:
                return ("new Span<int>(ref x)", false); // a span over a local, which the generated class keeps as a field
            case 3:
                return ($"stackalloc int[{length}]", false);
            case 4:
                return ($"stackalloc int[] {{ {string.Join(", ", Enumerable.Range(0, length).Select(_ => random.Next(10)))} }}", false);
            default:
                if (wider.Count == 0)
                {
                    goto case 0;
                }

                RefLocal from = wider[random.Next(wider.Count)];
                int at = random.Next(from.Length - length + 1);
                return (at + length == from.Length && random.Next(2) == 0 ? $"{from.Name}[{at}..]" : $"{from.Name}.Slice({at}, {length})", from.Heap);
        }
    }

    private (string Text, bool Heap) RefSource(bool heapOnly, bool conditional = true)
    {
        List<RefLocal> spans = refLocals.Where(l => l.IsSpan && !l.Scoped && (l.Heap || !heapOnly)).ToList();
        switch (random.Next(conditional ? 5 : 4))
        {
            case 0:
                return ($"{Array()}[{random.Next(ArrayLength)}]", true);
            case 1 when !heapOnly:
                return ("x", false);
            case 2 when spans.Count > 0:
                RefLocal span = spans[random.Next(spans.Count)];
                return ($"{span.Name}[{random.Next(span.Length)}]", span.Heap);
            case 4:
                (string whenTrue, bool heapTrue) = RefSource(heapOnly, conditional: false);
                (string whenFalse, bool heapFalse) = RefSource(heapOnly, conditional: false);
                return ($"({Condition()} ? ref {whenTrue} : ref {whenFalse})", heapTrue && heapFalse);
            default:
                goto case 0;
        }
    }

    private void UseRefLocal() => UseRefLocal(Pick());

    private void UseRefLocal(RefLocal local)
    {
        string element = Element(local);
        switch (random.Next(8))
        {
            case 0:
                Line($"{element} = {Expr()};");
                return;
            case 1:
                Line($"{element} += {random.Next(1, 5)};");
                return;
            case 2:
                Line($"{Assignable(counters: false)} = {element} + {random.Next(5)};");
                return;
            case 3:
                Line($"log.Add(\"r{statements} \" + {element});");
                return;
            case 4:
                Line($"if (Spans.Put(out {element}, {Expr()})) log.Add(\"put{statements}\");");
                return;
            case 5 when local.IsSpan:
                Line($"{local.Name}.Fill({Expr()});");
                return;
            case 6 when local.IsSpan:
                string e = Fresh("e");
                Line($"foreach (ref int {e} in {local.Name}) {e} += {random.Next(1, 4)};");
                return;
            default:
                Line($"log.Add(\"r{statements} \" + {(local.IsSpan ? local.Name + ".Length + " : string.Empty)}{Element(local)});");
                return;
        }
    }

    // Suspension points whose operand reads a span or ref local, and a few whose statement uses one elsewhere.
    private void YieldRefLocal()
    {
        switch (random.Next(7))
        {
            case 0:
                Line($"await co.Yield({Element()});");
                return;
            case 1:
                Line($"{Assignable()} = await co.Yield({Element()} + {random.Next(5)});");
                return;
            case 2:
                Line($"{Assignable()} += await co.Yield({Element()});");
                return;
            case 3:
                string v = Fresh("v");
                Line($"int {v} = await co.Yield({Condition()} ? {Element()} : {Expr()});");
                intLocals.Add(v);
                return;
            case 4:
                Line($"{Element()} = await co.Yield({Expr()});");
                return;
            case 5:
                Line($"Spans.Put(out {Element()}, await co.Yield({Expr()}));");
                return;
            default:
                Line($"{Assignable(counters: false)} = {Element()} + await co.Yield({Expr()});");
                return;
        }
    }

    // Most often the latest declared, so that many are used only near their declaration (dead at suspension points further on).
    private RefLocal Pick() => random.Next(2) == 0 ? refLocals[refLocals.Count - 1] : refLocals[random.Next(refLocals.Count)];

    private string Element() => Element(Pick());

    private string Element(RefLocal local) => local.IsSpan ? $"{local.Name}[{random.Next(local.Length)}]" : local.Name;

    private string Array() => random.Next(2) == 0 ? "a" : "b";

    // A scoped span's safe context is its declaration block, narrower than any other's: nothing else is given its memory.
    private sealed record RefLocal(string Name, bool IsSpan, int Length, bool Heap, bool Scoped = false);

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
