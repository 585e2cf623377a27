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

/// <summary>COROGEN022 on a delegation: passes the template's own Yielder in place of the other one (`await Sum(3, co)`).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PassOwnYielderCodeFixProvider)), Shared]
public sealed class PassOwnYielderCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ForeignYielder.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // Only the delegation form carries the name (a write to the Yielder parameter has no mechanical fix).
            if (!diagnostic.Properties.TryGetValue(TemplateSignatureAnalyzer.OwnYielderProperty, out string? own) || own is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax passed)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Pass '{own}'", _ => Task.FromResult(context.Document.WithSyntaxRoot(
                    root.ReplaceNode(passed, SyntaxFactory.IdentifierName(own).WithTriviaFrom(passed)))), equivalenceKey: nameof(PassOwnYielderCodeFixProvider)),
                diagnostic);
        }
    }
}
