using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
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
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{method.Identifier.ValueText}' async", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, AddAsync(method)))), equivalenceKey: nameof(AddAsyncCodeFixProvider)),
                diagnostic);
        }
    }

    // 'async' goes last among the modifiers, right before the return type.
    private static MethodDeclarationSyntax AddAsync(MethodDeclarationSyntax method)
    {
        if (method.Modifiers.Count == 0)
        {
            TypeSyntax returnType = method.ReturnType;
            SyntaxToken asyncToken = SyntaxFactory.Token(returnType.GetLeadingTrivia(), SyntaxKind.AsyncKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return method.WithReturnType(returnType.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(asyncToken));
        }

        return method.WithModifiers(method.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
