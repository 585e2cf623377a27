using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Lowering;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Parsing;

/// <summary>
/// Turns one <c>[Coroutine]</c> method into a <see cref="TemplateResult"/>: checks the signature, gathers names and types,
/// and runs the lowering passes. Failures become diagnostics; nothing throws out of <see cref="Parse"/>.
/// </summary>
internal static class TemplateParser
{
    public static TemplateResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax method || context.TargetSymbol is not IMethodSymbol symbol
            || symbol.ContainingType is null || symbol.ContainingType.IsImplicitlyDeclared || symbol.ContainingType.IsScriptClass)
        {
            // Not a method of a type the user declared (for example a half-typed method outside any type): nothing to generate.
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        try
        {
            return ParseTemplate(method, symbol, context.SemanticModel, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // The safety net: a bug in CoroGen becomes a diagnostic on the template, never a crashed build.
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, method.Identifier.GetLocation(), symbol.Name, e.GetType().Name + ": " + e.Message));
        }
    }

    private static TemplateResult ParseTemplate(MethodDeclarationSyntax method, IMethodSymbol symbol, SemanticModel model, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        Location at = method.Identifier.GetLocation();

        // Broken syntax: the compiler reports it; generating from it would only add noise.
        if (method.ContainsDiagnostics && method.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // Signature mistakes (COROGEN001-004: not partial, not async, wrong return type, not one Yielder) are reported by
        // TemplateSignatureAnalyzer while the user types; the generator skips such templates silently, so no one sees a
        // diagnostic twice.
        if (!TemplateSignature.IsValid(symbol, method) || method.Body is null && method.ExpressionBody is null)
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        ITypeSymbol? returnType = CoroutineTypes.TemplateResultType(symbol.ReturnType, out _);
        IParameterSymbol yielder = symbol.Parameters.First(p => CoroutineTypes.IsYielder(p.Type));
        CoroutineTypes.YielderTypes(yielder.Type, out ITypeSymbol yieldType, out ITypeSymbol sendType);

        var fields = new List<FieldModel>();
        if (!symbol.IsStatic)
        {
            fields.Add(new FieldModel("this", symbol.ContainingType.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.This, "the template's 'this'", null));
        }

        foreach (IParameterSymbol p in symbol.Parameters)
        {
            if (!SymbolEqualityComparer.Default.Equals(p, yielder))
            {
                fields.Add(new FieldModel(p.Name, p.Type.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.Parameter, "parameter", null));
            }
        }

        string className = GeneratedClassName(symbol);
        var context = new LoweringContext(model, symbol, yielder, yieldType, sendType, returnType, fields, ct);
        BodyLowerer.Lower(method, context);
        diagnostics.AddRange(context.Diagnostics);
        if (diagnostics.Count > 0)
        {
            return Fail(diagnostics.ToArray());
        }

        SyntaxTree tree = method.SyntaxTree;
        string yieldText = yieldType.ToDisplayString(SymbolFormats.FullyQualified);
        string sendText = sendType.ToDisplayString(SymbolFormats.FullyQualified);
        string returnText = returnType?.ToDisplayString(SymbolFormats.FullyQualified) ?? "global::CoroGen.Unit";
        INamespaceSymbol ns = symbol.ContainingType.ContainingNamespace;

        var templateModel = new TemplateModel(
            HintName: HintName(symbol, className),
            FilePath: tree.FilePath,
            Namespace: ns.IsGlobalNamespace ? null : ns.ToDisplayString(),
            FileUsings: FileUsings(method).ToEquatableArray(),
            NamespaceUsings: NamespaceUsings(method).ToEquatableArray(),
            ContainingTypes: ContainingTypeDeclarations(symbol).ToEquatableArray(),
            TemplateName: symbol.Name,
            TemplateDisplay: symbol.ToDisplayString(SymbolFormats.Signature),
            TemplateLine: method.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
            ClassName: className,
            TypeParameters: symbol.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", symbol.TypeParameters.Select(t => t.Name)) + ">",
            ConstraintClauses: method.ConstraintClauses.Select(c => c.ToString()).ToEquatableArray(),
            Accessibility: AccessibilityText(symbol.DeclaredAccessibility),
            IsStatic: symbol.IsStatic,
            ContainingTypeName: symbol.ContainingType.ToDisplayString(SymbolFormats.FullyQualified),
            YieldType: yieldText,
            SendType: sendText,
            ReturnType: returnText,
            FactoryParameters: string.Join(", ", symbol.Parameters
                .Where(p => !SymbolEqualityComparer.Default.Equals(p, yielder))
                .Select(p => ParameterText(method, p))),
            Fields: context.Fields.ToEquatableArray(),
            States: context.States.ToEquatableArray(),
            Body: context.Body.ToEquatableArray(),
            ContainingTypeMembers: context.BaseProxies.Values.OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray(),
            NeedsConvertingSub: context.NeedsConvertingSub);
        return new TemplateResult(templateModel, EquatableArray<DiagnosticInfo>.Empty);
    }

    private static TemplateResult Fail(params DiagnosticInfo[] diagnostics) => new(null, diagnostics.ToEquatableArray());

    // "{Method}Coroutine"; overloaded templates add their parameter types so that each class name is stable and distinct.
    internal static string GeneratedClassName(IMethodSymbol symbol)
    {
        int overloads = symbol.ContainingType.GetMembers(symbol.Name).OfType<IMethodSymbol>()
            .Count(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "CoroGen.CoroutineAttribute"));
        if (overloads <= 1)
        {
            return symbol.Name + "Coroutine";
        }

        IEnumerable<string> parts = symbol.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)).Select(p => Identifier(p.Type.ToDisplayString(SymbolFormats.Minimal)));
        string suffix = string.Join("_", parts);
        return symbol.Name + (suffix.Length == 0 ? string.Empty : "_" + suffix) + "Coroutine";
    }

    private static string Identifier(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static string HintName(IMethodSymbol symbol, string className)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? t = symbol.ContainingType; t is not null; t = t.ContainingType)
        {
            parts.Insert(0, t.Name + (t.Arity > 0 ? "`" + t.Arity : string.Empty));
        }

        INamespaceSymbol ns = symbol.ContainingType.ContainingNamespace;
        string prefix = ns.IsGlobalNamespace ? string.Empty : ns.ToDisplayString() + ".";
        string name = prefix + string.Join(".", parts) + "." + className.Substring(0, className.Length - "Coroutine".Length);

        // Hint names allow letters, digits and a few separators only.
        return new string(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '`' ? c : '_').ToArray()) + ".g.cs";
    }

    private static IEnumerable<string> FileUsings(SyntaxNode node) =>
        node.SyntaxTree.GetRoot() is CompilationUnitSyntax unit
            ? unit.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)).Select(u => u.WithoutTrivia().ToString())
            : Enumerable.Empty<string>();

    private static IEnumerable<string> NamespaceUsings(SyntaxNode node) =>
        node.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(n => n.Usings).Select(u => u.WithoutTrivia().ToString());

    private static IEnumerable<string> ContainingTypeDeclarations(IMethodSymbol symbol)
    {
        var declarations = new List<string>();
        for (INamedTypeSymbol? t = symbol.ContainingType; t is not null; t = t.ContainingType)
        {
            string kind = t.TypeKind switch
            {
                TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => t.IsRecord ? "record" : "class",
            };
            string typeParameters = t.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", t.TypeParameters.Select(p => p.Name)) + ">";
            declarations.Insert(0, $"partial {kind} {t.Name}{typeParameters}");
        }

        return declarations;
    }

    private static string ParameterText(MethodDeclarationSyntax method, IParameterSymbol p)
    {
        // Keep the template's own text (attributes, params, defaults) so the factory reads like the template.
        ParameterSyntax? syntax = method.ParameterList.Parameters.FirstOrDefault(s => s.Identifier.ValueText == p.Name);
        return syntax is not null ? syntax.WithoutTrivia().ToString() : p.Type.ToDisplayString(SymbolFormats.FullyQualified) + " @" + p.Name;
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
