using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CoroGen.Generator.Lowering;

// Rewrites for code copied into lowered handlers, switch statements and loops: `throw;` in a moved catch, gotos to
// labels and switch sections, pattern variables held in fields, and closures over per-iteration (boxed) locals.
internal sealed partial class TemplateRewriter
{
    // The pattern variables of the is-pattern being rewritten that live in fields: the field and the fresh local matched first.
    private List<(string Target, string Fresh)>? patternStores;

    // `throw;` in a catch block that now runs after its try statement rethrows the exception the catch stored.
    public override SyntaxNode? VisitThrowStatement(ThrowStatementSyntax node)
    {
        if (node.Expression is null && functionDepth == 0
            && EnclosingInFunction<CatchClauseSyntax>(node) is { } clause
            && context.MovedCatches.TryGetValue(clause, out string? field))
        {
            return ParseStatement($"throw global::CoroGen.CoroutineLowering.Rethrow(this.@{field}!);").WithTriviaFrom(node);
        }

        return base.VisitThrowStatement(node);
    }

    public override SyntaxNode? VisitGotoStatement(GotoStatementSyntax node)
    {
        if (functionDepth > 0)
        {
            return base.VisitGotoStatement(node);
        }

        if (node.IsKind(SyntaxKind.GotoStatement))
        {
            if (node.Expression is not null
                && context.Model.GetSymbolInfo(node.Expression, context.CancellationToken).Symbol is ILabelSymbol label
                && context.UserLabels.TryGetValue(label, out var target))
            {
                return ParseStatement(context.JumpTo(target.Name, target.Depth)).WithTriviaFrom(node);
            }

            return base.VisitGotoStatement(node);
        }

        // goto case / goto default in a lowered switch: the label of the section.
        if (EnclosingInFunction<SwitchStatementSyntax>(node) is { } switchStatement && context.LoweredSwitches.TryGetValue(switchStatement, out SwitchTargets? targets))
        {
            string? label = node.IsKind(SyntaxKind.GotoDefaultStatement)
                ? targets.Default
                : targets.Find(context.Model.GetConstantValue(node.Expression!, context.CancellationToken).Value);
            if (label is not null)
            {
                return ParseStatement(context.JumpTo(label, targets.Depth)).WithTriviaFrom(node);
            }
        }

        return base.VisitGotoStatement(node);
    }

    // A ref or ref struct local of code copied as it is (its scope has no suspension point) whose initializer refers to a
    // local or parameter that became a field: scoped, as it is narrow in the template (LoweringContext.RefersToAField).
    public override SyntaxNode? VisitLocalDeclarationStatement(LocalDeclarationStatementSyntax node)
    {
        var visited = (LocalDeclarationStatementSyntax)base.VisitLocalDeclarationStatement(node)!;
        if (functionDepth > 0 || node.Declaration.Type is ScopedTypeSyntax || node.Declaration.Variables.Count == 0
            || context.Model.GetDeclaredSymbol(node.Declaration.Variables[0], context.CancellationToken) is not ILocalSymbol local
            || local.ScopedKind != ScopedKind.None || context.FieldOf.ContainsKey(local) || !(local.IsRef || CoroutineTypes.IsRefLike(local.Type))
            || !node.Declaration.Variables.Any(v => v.Initializer is { } init && context.RefersToAField(init.Value, local.IsRef)))
        {
            return visited;
        }

        TypeSyntax type = visited.Declaration.Type;
        return visited.WithDeclaration(visited.Declaration.WithType(
            ScopedType(Token(SyntaxKind.ScopedKeyword).WithLeadingTrivia(type.GetLeadingTrivia()).WithTrailingTrivia(Space), type.WithoutLeadingTrivia())));
    }

    public override SyntaxNode? VisitLabeledStatement(LabeledStatementSyntax node)
    {
        var visited = (LabeledStatementSyntax)base.VisitLabeledStatement(node)!;
        return functionDepth == 0 && context.Model.GetDeclaredSymbol(node, context.CancellationToken) is { } label && context.UserLabels.TryGetValue(label, out var target)
            ? visited.WithIdentifier(Identifier(target.Name).WithTriviaFrom(node.Identifier))
            : visited;
    }

    // `o is Foo f` where f lives in a field: `(o is Foo __f_1 && CoroutineLowering.Store(out this.@f, __f_1))`.
    public override SyntaxNode? VisitIsPatternExpression(IsPatternExpressionSyntax node)
    {
        List<(string Target, string Fresh)>? saved = patternStores;
        patternStores = new List<(string Target, string Fresh)>();
        var visited = (IsPatternExpressionSyntax)base.VisitIsPatternExpression(node)!;
        List<(string Target, string Fresh)> stores = patternStores;
        patternStores = saved;
        if (stores.Count == 0)
        {
            return visited;
        }

        string storeText = string.Join(" && ", stores.Select(s => $"global::CoroGen.CoroutineLowering.Store(out {s.Target}, {s.Fresh})"));
        string text = visited.Pattern is UnaryPatternSyntax { RawKind: (int)SyntaxKind.NotPattern } negated
            ? $"!({visited.Expression.WithoutTrivia()} is {negated.Pattern.WithoutTrivia()} && {storeText})"
            : $"({visited.WithoutTrivia()} && {storeText})";
        return ParseExpression(text).WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitSingleVariableDesignation(SingleVariableDesignationSyntax node)
    {
        if (patternStores is not null && functionDepth == 0
            && node.Parent is DeclarationPatternSyntax or RecursivePatternSyntax or VarPatternSyntax
            && context.Model.GetDeclaredSymbol(node, context.CancellationToken) is ILocalSymbol local
            && context.FieldOf.ContainsKey(local) && !context.KeptAsLocals.Contains(local))
        {
            string fresh = context.Fresh(local.Name);
            string target = context.BoxedLocals.TryGetValue(local, out string? boxType) && !context.BoxedAtScopeEntry.Contains(local) && !context.PatternBoxedAhead.Contains(local)
                ? $"this.@{context.FieldOf[local]}, new {boxType}({fresh})"
                : context.LocalAccess(local) + ", " + fresh;
            // Store(out field, value): for a boxed local the field gets a new box holding the value.
            int comma = target.IndexOf(", ", System.StringComparison.Ordinal);
            patternStores.Add((target.Substring(0, comma), target.Substring(comma + 2)));
            return node.WithIdentifier(Identifier(fresh).WithTriviaFrom(node.Identifier));
        }

        return base.VisitSingleVariableDesignation(node);
    }

    // A hoisted local: its field, or the value in its box (inside a lambda, the box the lambda was made with).
    private ExpressionSyntax HoistedAccess(ISymbol symbol, string field)
    {
        // A step local is a local of Resume; a const local is a const member of the generated class, which is static: read
        // by its simple name (`this.@Limit` would be CS0176), also in case labels and other constant contexts.
        if (context.StepLocals.Contains(symbol) || symbol is ILocalSymbol { IsConst: true })
        {
            return IdentifierName(Identifier(default, SyntaxKind.IdentifierToken, "@" + field, field, default));
        }

        if (!context.BoxedLocals.ContainsKey(symbol))
        {
            return FieldAccess(field);
        }

        return functionDepth > 0
            ? ParseExpression($"{BoxParameter(field)}.Value")
            : ParseExpression($"this.@{field}.Value");
    }

    private string BoxParameter(string field) => context.BoxParameterName(field);

    // A lambda over per-iteration locals captures the boxes of the iteration that made it: ((Func<Box, D>)(__x => lambda))(this.@x).
    private SyntaxNode? BindBoxes(SyntaxNode original, SyntaxNode? visited)
    {
        if (functionDepth > 0 || visited is null || context.BoxedLocals.Count == 0)
        {
            return visited;
        }

        List<ISymbol> boxed = original.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Select(n => context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol)
            .SelectMany(s => s is not null && context.BoxedLocals.ContainsKey(s) ? new[] { s } : (IEnumerable<ISymbol>?)LocalFunctionBoxes(s) ?? System.Array.Empty<ISymbol>())
            .Distinct(SymbolEqualityComparer.Default)
            .ToList()!;
        if (boxed.Count == 0)
        {
            return visited;
        }

        ITypeSymbol? delegateType = context.Model.GetTypeInfo(original, context.CancellationToken).ConvertedType;
        if (delegateType is null || delegateType.TypeKind == TypeKind.Error || delegateType.IsAnonymousType
            || delegateType is INamedTypeSymbol { IsImplicitlyDeclared: true })
        {
            context.Report(DiagnosticDescriptors.LoopVariableCaptured, original, boxed[0].Name);
            return visited;
        }

        string parameters = string.Join(", ", boxed.Select(s => BoxParameter(context.FieldOf[s])));
        string types = string.Join(", ", boxed.Select(s => context.BoxedLocals[s]));
        string arguments = string.Join(", ", boxed.Select(s => $"this.@{context.FieldOf[s]}"));
        string delegateText = delegateType.ToDisplayString(Helpers.SymbolFormats.FullyQualified);
        string text = $"((global::System.Func<{types}, {delegateText}>)(({parameters}) => {visited.WithoutTrivia().ToFullString()}))({arguments})";
        return ParseExpression(text).WithTriviaFrom(visited);
    }

    private static T? EnclosingInFunction<T>(SyntaxNode node)
        where T : SyntaxNode
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return null;
            }

            if (ancestor is T found)
            {
                return found;
            }
        }

        return null;
    }
}
