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

/// <summary>
/// COROGEN002 when the template has no Yielder: adds one, before any optional or <c>params</c> parameter (which must come
/// last). Its name and yield type come from the body's first <c>await name.Yield(value)</c> when there is one (the usual
/// case: the template was written before its parameter), and its send type from a yield whose value is stored in a
/// variable of a declared type (<c>int n = await co.Yield(x);</c>); otherwise it is <c>Yielder&lt;object&gt; co</c>. A
/// parameter that already has the name (a misspelled Yielder type, say) gets the Yielder's type instead of a second one.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddYielderParameterCodeFixProvider)), Shared]
public sealed class AddYielderParameterCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.YielderParameter.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is not { } method)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // Several Yielders: which one to keep is the user's decision.
            if (diagnostic.Properties.TryGetValue(TemplateSignatureAnalyzer.YielderCountProperty, out string? count) && count == "none")
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Add a Yielder parameter", ct => AddYielder(context.Document, root, method, ct), equivalenceKey: nameof(AddYielderParameterCodeFixProvider)),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> AddYielder(Document document, SyntaxNode root, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        string name = "co";
        string yieldType = "object";
        string? sendType = null;

        // The first 'await x.Yield(value)' whose 'x' binds to nothing yet names the parameter and gives the yield type.
        foreach (AwaitExpressionSyntax awaited in method.DescendantNodes().OfType<AwaitExpressionSyntax>())
        {
            if (awaited.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Yield" or "YieldAll", Expression: IdentifierNameSyntax receiver } } call
                && model?.GetSymbolInfo(receiver, cancellationToken).Symbol is null or IParameterSymbol) // unbound, or a parameter of another type

            {
                name = receiver.Identifier.ValueText;
                if (call.ArgumentList.Arguments.Count == 1 && model?.GetTypeInfo(call.ArgumentList.Arguments[0].Expression, cancellationToken).Type is { TypeKind: not TypeKind.Error } type)
                {
                    bool all = ((MemberAccessExpressionSyntax)call.Expression).Name.Identifier.ValueText == "YieldAll";
                    ITypeSymbol? element = all ? CoroutineTypes.ForEachElementType(type) : type;
                    if (element is not null)
                    {
                        yieldType = element.ToMinimalDisplayString(model, method.SpanStart);
                    }
                }

                break;
            }
        }

        // A yield of that name whose value is stored in a variable of a declared type: the type it takes from Send.
        foreach (AwaitExpressionSyntax awaited in method.DescendantNodes().OfType<AwaitExpressionSyntax>())
        {
            if (awaited.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Yield", Expression: IdentifierNameSyntax receiver } }
                && receiver.Identifier.ValueText == name
                && awaited.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: { IsVar: false } declared } } }
                && model?.GetTypeInfo(declared, cancellationToken).Type is { TypeKind: not TypeKind.Error } sent)
            {
                sendType = sent.ToMinimalDisplayString(model, method.SpanStart);
                break;
            }
        }

        // 'Yielder' when 'using CoroGen;' is in scope, the qualified name otherwise.
        bool inScope = model is not null && model.LookupNamespacesAndTypes(method.SpanStart, name: "Yielder")
            .Any(s => s.ContainingNamespace is { Name: "CoroGen", ContainingNamespace.IsGlobalNamespace: true });
        string typeText = (inScope ? "Yielder" : "global::CoroGen.Yielder") + "<" + yieldType + (sendType is null ? string.Empty : ", " + sendType) + ">";
        TypeSyntax yielderType = SyntaxFactory.ParseTypeName(typeText);
        SeparatedSyntaxList<ParameterSyntax> list = method.ParameterList.Parameters;
        if (list.FirstOrDefault(p => p.Identifier.ValueText == name) is { Type: { } mistyped } named)
        {
            // `Yield<int> co`, `Yielder co`: the parameter meant to be the Yielder gets its type, keeping its place.
            ParameterSyntax fixedParameter = named.WithModifiers(default).WithDefault(null).WithType(yielderType.WithTriviaFrom(mistyped)).WithLeadingTrivia(named.GetLeadingTrivia());
            return document.WithSyntaxRoot(root.ReplaceNode(named, fixedParameter));
        }

        ParameterSyntax parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(yielderType.WithTrailingTrivia(SyntaxFactory.Space));
        int index = list.IndexOf(p => p.Default is not null || p.Modifiers.Any(SyntaxKind.ParamsKeyword));
        if (index < 0)
        {
            ParameterListSyntax appended = list.Count == 0
                ? method.ParameterList.AddParameters(parameter)
                : method.ParameterList.WithParameters(list.Add(parameter.WithLeadingTrivia(SyntaxFactory.Space)));
            return document.WithSyntaxRoot(root.ReplaceNode(method.ParameterList, appended));
        }

        // Before the first optional or params parameter: the separator after it is new, and gets the space the others have.
        SeparatedSyntaxList<ParameterSyntax> inserted = list.Insert(index, parameter.WithLeadingTrivia(list[index].GetLeadingTrivia()));
        SyntaxToken separator = inserted.GetSeparator(index);
        inserted = inserted.ReplaceSeparator(separator, SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
        inserted = inserted.Replace(inserted[index + 1], inserted[index + 1].WithoutLeadingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(method.ParameterList, method.ParameterList.WithParameters(inserted)));
    }
}
