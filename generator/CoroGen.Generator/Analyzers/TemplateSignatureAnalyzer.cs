using System.Collections.Immutable;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Analyzers;

/// <summary>
/// Reports signature mistakes on <c>[Coroutine]</c> templates while the user types (COROGEN001–004) and templates called
/// directly from ordinary code (COROGEN013). The generator skips templates with a signature mistake without a word, so
/// each mistake is reported once, here. Lowering problems (COROGEN005 and on) stay the generator's. It lives in the
/// generator's assembly, which references only Microsoft.CodeAnalysis.CSharp; its code fixes need the Workspaces layer
/// and live in CoroGen.CodeFixes.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class TemplateSignatureAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property of COROGEN002: "none" when the template has no Yielder (the code fix can add one), otherwise "several".</summary>
    public const string YielderCountProperty = "YielderCount";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.YielderParameter,
        DiagnosticDescriptors.NotAsync,
        DiagnosticDescriptors.WrongReturnType,
        DiagnosticDescriptors.TemplateCalledDirectly);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();

        // Runs once per compilation: a project that does not reference CoroGen pays nothing more.
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName("CoroGen.CoroutineAttribute") is null)
            {
                return;
            }

            start.RegisterSymbolAction(AnalyzeTemplate, SymbolKind.Method);
            start.RegisterSymbolAction(AnalyzeContainingType, SymbolKind.NamedType);
            start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    // COROGEN002-004, at the template.
    private static void AnalyzeTemplate(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!TemplateSignature.IsTemplate(method)
            || method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is not MethodDeclarationSyntax declaration)
        {
            return;
        }

        Location at = declaration.Identifier.GetLocation();
        if (!method.IsAsync)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAsync, at, method.Name));
        }

        // An unresolved return type is the compiler's to report.
        if (method.ReturnType.TypeKind != TypeKind.Error && !TemplateSignature.ReturnsCoroutine(method))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WrongReturnType, declaration.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString()));
        }

        int yielders = TemplateSignature.YielderCount(method);
        if (yielders != 1)
        {
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(YielderCountProperty, yielders == 0 ? "none" : "several");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.YielderParameter, at, properties, method.Name,
                yielders == 0 ? "has no Yielder parameter" : $"has {yielders} Yielder parameters"));
        }
    }

    // COROGEN001, once per declaration of a type that is not partial but holds a template (directly or in a nested type).
    private static void AnalyzeContainingType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        IMethodSymbol? template = FirstTemplateWithin(type);
        if (template is null)
        {
            return;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && !TemplateSignature.IsPartial(declaration))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, declaration.Identifier.GetLocation(), type.Name, template.Name));
            }
        }
    }

    private static IMethodSymbol? FirstTemplateWithin(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            IMethodSymbol? found = member switch
            {
                IMethodSymbol method when TemplateSignature.IsTemplate(method) => method,
                INamedTypeSymbol nested => FirstTemplateWithin(nested),
                _ => null,
            };
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    // COROGEN013: ordinary code calling a template (with a Yielder argument) instead of its factory. Inside a template the
    // same call is delegation ('await Sub(args, co)'), which the generator lowers or reports.
    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol target = invocation.TargetMethod.OriginalDefinition;
        if (!TemplateSignature.IsTemplate(target)
            || context.ContainingSymbol is IMethodSymbol caller && TemplateSignature.IsTemplate(caller))
        {
            return;
        }

        string factory = target.Name + "(" + string.Join(", ", target.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)).Select(p => p.Name)) + ")";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TemplateCalledDirectly, invocation.Syntax.GetLocation(), target.Name, factory));
    }
}
