using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.CodeFixes;

/// <summary>COROGEN013: drops the Yielder argument, so the call binds to the generated factory instead of the template.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CallFactoryCodeFixProvider)), Shared]
public sealed class CallFactoryCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.TemplateCalledDirectly.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault() is not { } call)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create("Call the generated factory", ct => RemoveYielderArgument(context.Document, root, call, ct), equivalenceKey: nameof(CallFactoryCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> RemoveYielderArgument(Document document, SyntaxNode root, InvocationExpressionSyntax call, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return document;
        }

        ArgumentSyntax? yielder = call.ArgumentList.Arguments.FirstOrDefault(a =>
            model.GetTypeInfo(a.Expression, cancellationToken).ConvertedType is { } t && CoroutineTypes.IsYielder(t));
        if (yielder is null)
        {
            return document;
        }

        SeparatedSyntaxList<ArgumentSyntax> remaining = call.ArgumentList.Arguments.Remove(yielder);
        ArgumentListSyntax arguments = call.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(remaining.Select((a, i) => i == 0 ? a.WithLeadingTrivia() : a.WithLeadingTrivia(SyntaxFactory.Space))));
        return document.WithSyntaxRoot(root.ReplaceNode(call.ArgumentList, arguments));
    }
}
