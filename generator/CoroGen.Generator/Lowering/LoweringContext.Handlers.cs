using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Lowering;

// What the lowering of handlers, switch statements, labels and closures shares: moved-out finally frames and the exits
// that must pass through them, moved-out catch clauses, lowered switch statements, user labels, and boxed locals.
internal sealed partial class LoweringContext
{
    private readonly Dictionary<string, int> freshCounts = new();

    /// <summary>The try statements whose finally block contains a suspension point and is being lowered, innermost last.</summary>
    public List<FinallyFrame> FinallyFrames { get; } = new();

    /// <summary>Catch clauses moved after their try statement: the field holding the exception that <c>throw;</c> rethrows.</summary>
    public Dictionary<CatchClauseSyntax, string> MovedCatches { get; } = new();

    /// <summary>Switch statements lowered to a dispatcher and labelled sections: where <c>goto case</c>/<c>goto default</c> go.</summary>
    public Dictionary<SwitchStatementSyntax, SwitchTargets> LoweredSwitches { get; } = new();

    /// <summary>The template's labels (outside nested functions): the name they get and how many moved-out finally blocks enclose them.</summary>
    public Dictionary<ISymbol, (string Name, int Depth)> UserLabels { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Per-iteration locals captured by a lambda: their field holds a StrongBox made afresh for every iteration.</summary>
    public Dictionary<ISymbol, string> BoxedLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Boxed locals whose box is made when their scope is entered (BodyLowerer.EmitScopeBoxes): their declarations, `out var`
    /// and patterns store into that box, as C# has one variable per entry however often the declaration runs.
    /// </summary>
    public HashSet<ISymbol> BoxedAtScopeEntry { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The parameter through which a closure (or a local function) receives the box of the local kept in <paramref name="field"/>:
    /// <c>__field</c>, with more underscores while the template names anything so (a lambda's own parameter `__n` would
    /// hide it).
    /// </summary>
    public string BoxParameterName(string field)
    {
        if (!boxParameterNames.TryGetValue(field, out string? name))
        {
            name = "__" + field;
            while (TemplateIdentifiers.Contains(name))
            {
                name = "_" + name;
            }

            boxParameterNames[field] = name;
        }

        return name;
    }

    private readonly Dictionary<string, string> boxParameterNames = new();
    private HashSet<string>? templateIdentifiers;

    // Every identifier the template spells (its locals, members, types, labels): names of Resume's own must avoid them.
    private HashSet<string> TemplateIdentifiers =>
        templateIdentifiers ??= new HashSet<string>(Root!.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));

    /// <summary>Boxed pattern variables whose box the statement declaring them makes first (BodyLowerer.EmitBoxesIn): the pattern stores into it.</summary>
    public HashSet<ISymbol> PatternBoxedAhead { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Pattern variables written as locals of the code being rewritten (a lowered switch's case labels), not as fields.</summary>
    public HashSet<ISymbol> KeptAsLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Locals declared by <c>T x = await ...;</c> and dead at every suspension point: locals of Resume (FieldKind.StepLocal).</summary>
    public HashSet<ISymbol> StepLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Locals dead at every suspension point (HoistingPass.LiveAtASuspension): locals of Resume declared in place, with the
    /// template's initializer; a <c>ref</c> local or one of a <c>ref struct</c> type keeps <c>ref</c> and <c>scoped</c> (also
    /// <c>scoped</c> where the initializer refers to a local or parameter that became a field: RefersToAField). Also in
    /// <see cref="StepLocals"/> (read by name).
    /// </summary>
    public HashSet<ISymbol> InPlaceLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary><c>checked</c>/<c>unchecked</c> blocks being lowered, innermost last.</summary>
    public Stack<string> CheckedKeywords { get; } = new();

    /// <summary>Lines that are not statements (catch clauses, switch sections): a lowered checked block does not wrap them.</summary>
    public HashSet<BodyLine> NotStatements { get; } = new(ReferenceComparer.Instance);

    /// <summary>A name for a local of <c>Resume</c>, unique within the method.</summary>
    public string Fresh(string prefix)
    {
        freshCounts.TryGetValue(prefix, out int count);
        freshCounts[prefix] = count + 1;
        return $"__{prefix}_{count + 1}";
    }

    /// <summary>
    /// The statement that jumps to <paramref name="label"/> (null: leaves the template, its result already stored), declared
    /// inside <paramref name="depth"/> moved-out finally frames: a plain goto, or, when it leaves a frame, a goto to the
    /// frame's landing label for this exit, which records the exit's pending-branch number and goes on to the frame's
    /// finally, whose end replays the jump one level further out. The number is recorded on landing, after the finally
    /// blocks between the jump and the frame have run: if one of them throws, the exit is abandoned (as in C# and Python)
    /// and an outer catch must not find it pending.
    /// </summary>
    public string JumpTo(string? label, int depth)
    {
        if (depth >= FinallyFrames.Count)
        {
            return label is null ? "return false;" : $"goto {label};";
        }

        FinallyFrame frame = FinallyFrames[FinallyFrames.Count - 1];
        string landing = frame.Branch(label, depth, this);
        return $"{{ goto {landing}; /* through {frame.FinallyLabel}, then {(label is null ? "return" : "goto " + label)} */ }}";
    }

    /// <summary>The statement for <c>return value;</c> (<paramref name="value"/> is rewritten text; null for <c>return;</c>).</summary>
    public string ReturnText(string? value)
    {
        if (FinallyFrames.Count == 0)
        {
            return value is null ? "return false;" : $"return this.Complete({value});";
        }

        return value is null ? JumpTo(null, 0) : $"{{ this.Complete({value}); {JumpTo(null, 0)} }}";
    }

    /// <summary><see cref="ReturnText"/> as a format whose "{0}" is the returned value.</summary>
    public string ReturnFormat() => ReturnText("\u0001").Replace("{", "{{").Replace("}", "}}").Replace("\u0001", "{0}");

    /// <summary>How generated code reads and writes a hoisted local (the value inside its box, for a boxed one).</summary>
    public string LocalAccess(ISymbol local) =>
        BoxedLocals.ContainsKey(local) ? $"this.@{FieldOf[local]}.Value"
        : StepLocals.Contains(local) ? $"@{FieldOf[local]}"
        : $"this.@{FieldOf[local]}";

    /// <summary>The statement that gives a hoisted local its value where it is declared: a boxed one gets a new box (its iteration's variable).</summary>
    public string AssignLocal(ISymbol local, string? value) =>
        BoxedLocals.TryGetValue(local, out string? boxType) && !BoxedAtScopeEntry.Contains(local)
            ? $"this.@{FieldOf[local]} = new {boxType}({value});"
            : value is null ? string.Empty : $"{LocalAccess(local)} = {value};";

    /// <summary>The label name a template label gets in <c>Resume</c>.</summary>
    public string LabelName(LabeledStatementSyntax labeled) =>
        Model.GetDeclaredSymbol(labeled, CancellationToken) is { } symbol && UserLabels.TryGetValue(symbol, out var entry)
            ? entry.Name
            : labeled.Identifier.ValueText;

    /// <summary>
    /// Whether the initializer of a ref local (<paramref name="byReference"/>) or ref struct local that stays a local of
    /// Resume takes a reference to a local or parameter of the template that the generated class keeps as a field. In the
    /// template such a local gets that local's narrow safe context from it; from a field of the class it would get the
    /// caller's, and the copied code could no longer give it stack memory (CS8374 for `ref int r = ref x; r = ref
    /// stackallocSpan[0];`, CS8353 for `Span&lt;int&gt; s = new Span&lt;int&gt;(ref x); s = stackalloc int[1];`, x hoisted).
    /// Declared scoped, it keeps a safe context within the method, as in the template.
    /// </summary>
    public bool RefersToAField(ExpressionSyntax initializer, bool byReference)
    {
        bool IsField(ISymbol symbol) => FieldOf.ContainsKey(symbol) && !StepLocals.Contains(symbol);

        bool ByReference(IOperation? operation) => operation switch
        {
            ILocalReferenceOperation local => !local.Local.IsRef && IsField(local.Local),
            IParameterReferenceOperation parameter => parameter.Parameter.RefKind == RefKind.None && IsField(parameter.Parameter),
            IFieldReferenceOperation field => field.Instance is { Type.IsValueType: true } instance && ByReference(instance),
            IConditionalOperation conditional => ByReference(conditional.WhenTrue) || ByReference(conditional.WhenFalse),
            _ => ByValue(operation),
        };

        // A call's or a creation's result (a ref return, a span) may refer to what its arguments pass by reference.
        bool ByValue(IOperation? operation) => operation switch
        {
            IConversionOperation conversion => ByValue(conversion.Operand),
            IConditionalOperation conditional => ByValue(conditional.WhenTrue) || ByValue(conditional.WhenFalse),
            IInvocationOperation invocation => invocation.Arguments.Any(PassedByReference),
            IObjectCreationOperation creation => creation.Arguments.Any(PassedByReference),
            IPropertyReferenceOperation indexer => indexer.Arguments.Any(PassedByReference),
            _ => false,
        };

        bool PassedByReference(IArgumentOperation argument) => argument.Parameter?.RefKind is RefKind.Ref or RefKind.In or RefKind.Out or RefKind.RefReadOnlyParameter
            && ByReference(argument.Value);

        while (initializer is ParenthesizedExpressionSyntax parenthesized)
        {
            initializer = parenthesized.Expression;
        }

        IOperation? value = Model.GetOperation(initializer is RefExpressionSyntax reference ? reference.Expression : initializer, CancellationToken);
        return byReference ? ByReference(value) : ByValue(value);
    }

    private sealed class ReferenceComparer : IEqualityComparer<BodyLine>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(BodyLine? x, BodyLine? y) => ReferenceEquals(x, y);

        public int GetHashCode(BodyLine obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}

/// <summary>
/// A try statement whose finally block is moved after it: exits from its try block and catch clauses store a branch
/// number and jump to the finally, which replays them when it ends.
/// </summary>
internal sealed class FinallyFrame
{
    public FinallyFrame(string finallyLabel, string branchField)
    {
        FinallyLabel = finallyLabel;
        BranchField = branchField;
    }

    public string FinallyLabel { get; }

    public string BranchField { get; }

    /// <summary>
    /// The pending exits, numbered from 1: where each goes (null: return), the depth of its target, and the landing label
    /// (after the try statement) that records its number.
    /// </summary>
    public List<(string? Label, int Depth, string Landing)> Branches { get; } = new();

    /// <summary>The landing label of the exit to <paramref name="label"/> at <paramref name="depth"/>, made on first use.</summary>
    public string Branch(string? label, int depth, LoweringContext context)
    {
        int index = Branches.FindIndex(b => b.Label == label && b.Depth == depth);
        if (index < 0)
        {
            Branches.Add((label, depth, context.Label($"{FinallyLabel}_Exit{Branches.Count + 1}")));
            index = Branches.Count - 1;
        }

        return Branches[index].Landing;
    }
}

/// <summary>Where a lowered switch's <c>goto case</c> and <c>goto default</c> go.</summary>
internal sealed class SwitchTargets
{
    public SwitchTargets(int depth) => Depth = depth;

    public int Depth { get; }

    public List<(object? Constant, string Label)> Cases { get; } = new();

    public string? Default { get; set; }

    public string? Find(object? constant)
    {
        foreach ((object? c, string label) in Cases)
        {
            if (SameConstant(c, constant))
            {
                return label;
            }
        }

        return null;
    }

    private static bool SameConstant(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        a = a is char ca ? (int)ca : a;
        b = b is char cb ? (int)cb : b;
        if (IsNumeric(a) && IsNumeric(b))
        {
            try
            {
                return Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDecimal(b, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).Equals(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return a.Equals(b);
    }

    private static bool IsNumeric(object value) => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or char;
}
