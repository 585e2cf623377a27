using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CoroGen.Generator.Analyzers;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.CodeFixes;

/// <summary>COROGEN001: adds <c>partial</c> to the type and to every type that contains it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ContainingTypeNotPartial.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault() is not { } type)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics.Where(d => !d.Properties.ContainsKey(TemplateSignatureAnalyzer.PartialDoesNotFixProperty)))
        {
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{type.Identifier.ValueText}' partial", ct => MakePartial(context.Document, root, type, ct), equivalenceKey: nameof(MakePartialCodeFixProvider)),
                diagnostic);
        }
    }

    // The type, the types around it, and the types inside it on the way to its templates: everything COROGEN001 asks for.
    private static async Task<Document> MakePartial(Document document, SyntaxNode root, TypeDeclarationSyntax type, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<TypeDeclarationSyntax> inner = type.DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Where(m => model?.GetDeclaredSymbol(m, cancellationToken) is { } method && TemplateSignature.IsTemplate(method))
            .SelectMany(m => m.Ancestors().OfType<TypeDeclarationSyntax>().TakeWhile(t => t != type));
        TypeDeclarationSyntax[] targets = type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Concat(inner)
            .Where(t => !TemplateSignature.IsPartial(t)).Distinct().ToArray();
        return document.WithSyntaxRoot(root.ReplaceNodes(targets, (_, rewritten) => AddPartial(rewritten)));
    }

    // 'partial' must stand right before 'class'/'struct'/'record'/'interface', that is, last among the modifiers.
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        if (type.Modifiers.Count == 0)
        {
            SyntaxToken keyword = type.Keyword;
            SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.ReplaceToken(keyword, keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
