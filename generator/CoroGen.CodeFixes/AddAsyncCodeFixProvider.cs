using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using CoroGen.Generator.Analyzers;
using CoroGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.CodeFixes;

/// <summary>COROGEN003: adds the <c>async</c> modifier to the template.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAsyncCodeFixProvider)), Shared]
public sealed class AddAsyncCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotAsync.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is not { } method
            || method.Modifiers.Any(SyntaxKind.AsyncKeyword))
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(TemplateSignatureAnalyzer.ExternProperty))
            {
                continue; // an extern method cannot be async: it needs a body first
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Make '{method.Identifier.ValueText}' async", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, AddAsync(method)))), equivalenceKey: nameof(AddAsyncCodeFixProvider)),
                diagnostic);
        }
    }

    // 'async' goes last among the modifiers, right before the return type. A method returning 'Coroutine' written to compile
    // without 'async' often returns a placeholder ('return null!;', '=> default!'), which an async method returning
    // 'Coroutine' cannot (CS1997): such a return becomes 'return;', or goes when it ends the body.
    private static MethodDeclarationSyntax AddAsync(MethodDeclarationSyntax method)
    {
        method = WithoutPlaceholderReturns(method);
        if (method.Modifiers.Count == 0)
        {
            TypeSyntax returnType = method.ReturnType;
            SyntaxToken asyncToken = SyntaxFactory.Token(returnType.GetLeadingTrivia(), SyntaxKind.AsyncKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return method.WithReturnType(returnType.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(asyncToken));
        }

        return method.WithModifiers(method.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }

    private static MethodDeclarationSyntax WithoutPlaceholderReturns(MethodDeclarationSyntax method)
    {
        if (method.ReturnType is not (IdentifierNameSyntax { Identifier.ValueText: "Coroutine" } or QualifiedNameSyntax { Right: IdentifierNameSyntax { Identifier.ValueText: "Coroutine" } }
            or AliasQualifiedNameSyntax { Name: IdentifierNameSyntax { Identifier.ValueText: "Coroutine" } }))
        {
            return method; // Coroutine<TReturn>: 'return null!;' returns a result there, which async keeps meaning
        }

        if (method.ExpressionBody is { Expression: var expression } arrow && IsPlaceholder(expression))
        {
            // `=> null!;` becomes an empty body.
            return method.WithExpressionBody(null).WithSemicolonToken(default)
                .WithBody(SyntaxFactory.Block().WithLeadingTrivia(arrow.GetLeadingTrivia()).WithTrailingTrivia(method.SemicolonToken.TrailingTrivia));
        }

        if (method.Body is null)
        {
            return method;
        }

        // Returns of the method itself, not of its lambdas or local functions.
        var placeholders = method.Body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<ReturnStatementSyntax>().Where(r => r.Expression is { } e && IsPlaceholder(e)).ToList();
        if (placeholders.Count == 0)
        {
            return method;
        }

        ReturnStatementSyntax? last = method.Body.Statements.LastOrDefault() as ReturnStatementSyntax;
        BlockSyntax body = method.Body.ReplaceNodes(placeholders, (original, _) =>
            SyntaxFactory.ReturnStatement().WithLeadingTrivia(original.GetLeadingTrivia()).WithTrailingTrivia(original.GetTrailingTrivia()));
        if (last is not null && placeholders.Contains(last))
        {
            // A final 'return;' says nothing; comments above it stay, before the closing brace.
            SyntaxTriviaList kept = body.Statements.Last().GetLeadingTrivia();
            body = body.WithStatements(body.Statements.RemoveAt(body.Statements.Count - 1));
            if (kept.Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)))
            {
                // The statement's indentation before each comment stays; the last (its own, before 'return') gives way to the brace's.
                SyntaxTriviaList comments = kept.Count > 0 && kept.Last().IsKind(SyntaxKind.WhitespaceTrivia) ? kept.RemoveAt(kept.Count - 1) : kept;
                body = body.WithCloseBraceToken(body.CloseBraceToken.WithLeadingTrivia(comments.AddRange(body.CloseBraceToken.LeadingTrivia)));
            }
        }

        return method.WithBody(body);
    }

    // 'null', 'default', 'default(...)', with or without '!' or parentheses.
    private static bool IsPlaceholder(ExpressionSyntax expression)
    {
        while (expression is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } or ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            expression = expression switch
            {
                PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                ParenthesizedExpressionSyntax parenthesized => parenthesized.Expression,
                CastExpressionSyntax cast => cast.Expression,
                _ => expression,
            };
        }

        return expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression } or DefaultExpressionSyntax;
    }
}
