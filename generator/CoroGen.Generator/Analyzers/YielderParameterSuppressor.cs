using System.Collections.Immutable;
using System.Linq;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CoroGen.Generator.Analyzers;

/// <summary>
/// Suppresses what code-quality analyzers report on a template's <c>Yielder</c> parameter, which no caller ever passes:
/// CA1062 ("validate parameter 'co' is non-null"): the template never runs, and its factory, which callers do call, has
/// no such parameter. Projects with <c>AnalysisLevel</c> latest-all otherwise get it on every public template.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class YielderParameterSuppressor : DiagnosticSuppressor
{
    internal static readonly SuppressionDescriptor ValidateYielder = new(
        "COROGENSPR1062",
        "CA1062",
        "A [Coroutine] template's Yielder parameter is never passed by a caller: the template does not run, and its factory has no such parameter.");

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions => ImmutableArray.Create(ValidateYielder);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            if (diagnostic.Location.SourceTree is not { } tree)
            {
                continue;
            }

            SyntaxNode node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            SemanticModel model = context.GetSemanticModel(tree);
            if (node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault() is { } name
                && model.GetSymbolInfo(name, context.CancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol method } parameter
                && CoroutineTypes.IsYielder(parameter.Type)
                && method.GetAttributes().Any(CoroutineTypes.IsCoroutineAttribute))
            {
                context.ReportSuppression(Suppression.Create(ValidateYielder, diagnostic));
            }
        }
    }
}
