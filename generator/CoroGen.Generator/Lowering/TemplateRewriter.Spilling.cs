using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CoroGen.Generator.Lowering;

// Code written after an expression was spilled (ExpressionSpiller): what was already evaluated stands for its temporary.
internal sealed partial class TemplateRewriter
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull("node")]
    public override SyntaxNode? Visit(SyntaxNode? node)
    {
        if (node is not null && context.Replacements.Count > 0 && context.Replacements.TryGetValue(node, out string? replacement))
        {
            return ParseExpression(replacement).WithTriviaFrom(node);
        }

        // `int[] a = { 1, 2 };` of a hoisted local becomes an assignment, where the initializer needs its array type.
        if (node is InitializerExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } } initializer
            && initializer.IsKind(SyntaxKind.ArrayInitializerExpression)
            && context.Model.GetDeclaredSymbol(declarator, context.CancellationToken) is ILocalSymbol { Type: IArrayTypeSymbol array })
        {
            var elements = (InitializerExpressionSyntax)base.Visit(initializer)!;
            return ArrayCreationExpression((ArrayTypeSyntax)ParseTypeName(array.ToDisplayString(SymbolFormats.FullyQualified)), elements.WithLeadingTrivia(Space))
                .WithNewKeyword(Token(SyntaxKind.NewKeyword).WithTrailingTrivia(Space))
                .WithTriviaFrom(node);
        }

        return base.Visit(node);
    }

    // `new { box.P, Q = await x }` whose `box.P` was kept in a temporary: the member keeps the name C# inferred from the
    // template's expression, not one inferred from the temporary's.
    public override SyntaxNode? VisitAnonymousObjectMemberDeclarator(AnonymousObjectMemberDeclaratorSyntax node)
    {
        var visited = (AnonymousObjectMemberDeclaratorSyntax)base.VisitAnonymousObjectMemberDeclarator(node)!;
        if (node.NameEquals is not null || context.Model.GetDeclaredSymbol(node, context.CancellationToken) is not { } member
            || visited.Expression.TryGetInferredMemberName() == member.Name)
        {
            return visited;
        }

        return visited.WithNameEquals(NameEquals(IdentifierName(Identifier(default, SyntaxKind.IdentifierToken, "@" + member.Name, member.Name, default)).WithTrailingTrivia(Space)).WithTrailingTrivia(Space));
    }
}
