using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Helpers;

/// <summary>
/// The signature rules of a template (COROGEN001–004), in one place: the analyzer reports them and the generator skips
/// the templates that break them, so the two always agree on which templates get generated code.
/// </summary>
internal static class TemplateSignature
{
    /// <summary>Whether <paramref name="method"/> carries <c>[CoroGen.Coroutine]</c>.</summary>
    public static bool IsTemplate(IMethodSymbol method) => method.GetAttributes().Any(CoroutineTypes.IsCoroutineAttribute);

    /// <summary>Whether every declaration of <paramref name="type"/> says <c>partial</c>.</summary>
    public static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().All(IsPartial);

    public static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>How many parameters of <paramref name="method"/> are a Yielder (a template needs exactly one).</summary>
    public static int YielderCount(IMethodSymbol method) => method.Parameters.Count(p => CoroutineTypes.IsYielder(p.Type));

    /// <summary>Whether the return type is Coroutine or Coroutine&lt;TReturn&gt;.</summary>
    public static bool ReturnsCoroutine(IMethodSymbol method)
    {
        CoroutineTypes.TemplateResultType(method.ReturnType, out bool ok);
        return ok;
    }

    /// <summary>True when the template breaks none of the signature rules, so the generator can lower it.</summary>
    public static bool IsValid(IMethodSymbol method, MethodDeclarationSyntax declaration) =>
        method.IsAsync
        && ReturnsCoroutine(method)
        && YielderCount(method) == 1
        && declaration.Ancestors().OfType<TypeDeclarationSyntax>().All(IsPartial);
}
