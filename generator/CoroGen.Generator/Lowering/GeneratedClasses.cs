using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// The generated classes a template names (API.md section 2: <c>SubCoroutine</c> for the template <c>Sub</c>, written as a
/// local's or parameter's type, the type of a field or of what a method returns, a generic argument): they are this
/// generator's own output, so while it runs each such name is an error type. An error type named like the generated class
/// of a template declared in a type where the name is looked up (the type around the name and the types around that, or
/// the type that qualifies it: <c>Other.Sub2Coroutine</c>) stands for that class, with the template's coroutine types
/// (its type arguments substituted: <c>EchoCoroutine&lt;string&gt;</c>).
/// </summary>
internal static class GeneratedClasses
{
    /// <summary>
    /// The generated class <paramref name="type"/> names (or a nullable <c>SubCoroutine?</c> of it, which an error type reads
    /// as a <c>Nullable&lt;&gt;</c>), as a call of its factory returns it; null if it names none. A simple name is looked up
    /// from each of <paramref name="scopes"/> (the types where it may have been written) and the types around them.
    /// </summary>
    public static FactoryCall? Of(ITypeSymbol? type, IEnumerable<INamedTypeSymbol?> scopes)
    {
        if (Unwrapped(type) is not IErrorTypeSymbol error || !NamedLikeOne(error))
        {
            return null;
        }

        IEnumerable<INamedTypeSymbol> lookup = error.ContainingType is { } qualifier
            ? new[] { qualifier } // `Other.Sub2Coroutine`: only in Other (and its bases)
            : scopes.Where(s => s is not null).SelectMany(s => Around(s!));
        foreach (INamedTypeSymbol scope in lookup)
        {
            for (INamedTypeSymbol? t = scope; t is not null; t = t.BaseType)
            {
                if (InType(error, t) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The text of <paramref name="type"/> for generated code when it names generated classes (<c>SubCoroutine</c>,
    /// <c>List&lt;SubCoroutine&gt;</c>, <c>SubCoroutine[]</c>): each written as the class, fully qualified. Null if it names
    /// none, or holds an error type that is no generated class (it cannot be written then).
    /// </summary>
    public static string? TypeText(ITypeSymbol? type, IEnumerable<INamedTypeSymbol?> scopes)
    {
        if (!CoroutineTypes.ContainsErrorType(type))
        {
            return null;
        }

        List<INamedTypeSymbol?> scopeList = scopes.ToList();
        bool named = false;
        string? text = Text(type!);
        return named ? text : null;

        string? Text(ITypeSymbol t)
        {
            if (Of(t, scopeList) is { } generated)
            {
                named = true;
                return generated.ClassType + (t is IErrorTypeSymbol && t.NullableAnnotation != NullableAnnotation.Annotated ? string.Empty : "?");
            }

            if (!CoroutineTypes.ContainsErrorType(t))
            {
                return t.ToDisplayString(SymbolFormats.FullyQualified);
            }

            string annotation = t.NullableAnnotation == NullableAnnotation.Annotated && t.IsReferenceType ? "?" : string.Empty;
            switch (t)
            {
                case IErrorTypeSymbol:
                    return null;
                case IArrayTypeSymbol array:
                    return Text(array.ElementType) is { } element ? element + "[" + new string(',', array.Rank - 1) + "]" + annotation : null;
                case INamedTypeSymbol { IsTupleType: true } tuple:
                    var elements = new List<string>();
                    foreach (IFieldSymbol field in tuple.TupleElements)
                    {
                        if (Text(field.Type) is not { } elementText)
                        {
                            return null;
                        }

                        elements.Add(field.IsExplicitlyNamedTupleElement ? elementText + " " + SymbolFormats.Identifier(field.Name) : elementText);
                    }

                    return "(" + string.Join(", ", elements) + ")" + annotation;
                case INamedTypeSymbol generic:
                    string? outer = generic.ContainingType is { } containing
                        ? Text(containing)
                        : generic.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(SymbolFormats.FullyQualified) : "global::";
                    if (outer is null)
                    {
                        return null;
                    }

                    var arguments = new List<string>();
                    foreach (ITypeSymbol argument in generic.TypeArguments)
                    {
                        if (Text(argument) is not { } argumentText)
                        {
                            return null;
                        }

                        arguments.Add(argumentText);
                    }

                    string name = SymbolFormats.Identifier(generic.Name) + (arguments.Count > 0 ? "<" + string.Join(", ", arguments) + ">" : string.Empty);
                    return (outer == "global::" ? outer : outer + ".") + name + annotation;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="type"/> holds an error type named like a generated class (whether or not one is found for it):
    /// code using a symbol of such a type may bind differently in the build, where the class exists.
    /// </summary>
    public static bool MaybeNamesOne(ITypeSymbol? type) => type switch
    {
        IErrorTypeSymbol error => NamedLikeOne(error) || error.TypeArguments.Any(MaybeNamesOne),
        IArrayTypeSymbol array => MaybeNamesOne(array.ElementType),
        IPointerTypeSymbol pointer => MaybeNamesOne(pointer.PointedAtType),
        INamedTypeSymbol named => named.TypeArguments.Any(MaybeNamesOne) || MaybeNamesOne(named.ContainingType),
        _ => false,
    };

    /// <summary>The types an expression's type may have been written in: the declaring type of the symbol it reads or calls, and the template's.</summary>
    public static IEnumerable<INamedTypeSymbol?> ScopesOf(ExpressionSyntax expression, LoweringContext context)
    {
        ISymbol? symbol = context.Model.GetSymbolInfo(expression, context.CancellationToken).Symbol;
        if (symbol is not (null or ILocalSymbol or IParameterSymbol))
        {
            yield return symbol.ContainingType;
        }

        yield return context.Template.ContainingType;
    }

    private static ITypeSymbol? Unwrapped(ITypeSymbol? type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && nullable.TypeArguments[0] is IErrorTypeSymbol inner
            ? inner
            : type;

    private static bool NamedLikeOne(IErrorTypeSymbol error) => error.Name.EndsWith("Coroutine", System.StringComparison.Ordinal);

    private static IEnumerable<INamedTypeSymbol> Around(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            yield return t;
        }
    }

    // The generated class named by <paramref name="error"/> among the templates of <paramref name="type"/>.
    private static FactoryCall? InType(IErrorTypeSymbol error, INamedTypeSymbol type)
    {
        foreach (IMethodSymbol candidate in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (candidate.Arity != error.Arity || !error.Name.StartsWith(candidate.Name, System.StringComparison.Ordinal)
                || !TemplateSignature.IsTemplate(candidate) || TemplateSignature.YielderCount(candidate) != 1
                || CoroutineTypes.TemplateResultType(candidate.ReturnType, out bool ok) is var _ && !ok
                || TemplateParser.GeneratedClassName(candidate.OriginalDefinition) != error.Name)
            {
                continue;
            }

            IMethodSymbol template = candidate;
            if (template.IsGenericMethod)
            {
                if (error.TypeArguments.Any(a => a is IErrorTypeSymbol))
                {
                    return null;
                }

                template = template.Construct(error.TypeArguments.ToArray());
            }

            ITypeSymbol? result = CoroutineTypes.TemplateResultType(template.ReturnType, out _);
            CoroutineTypes.YielderTypes(template.Parameters.First(p => CoroutineTypes.IsYielder(p.Type)).Type, out ITypeSymbol yieldType, out ITypeSymbol sendType);
            string typeArguments = error.Arity > 0 ? "<" + string.Join(", ", error.TypeArguments.Select(a => a.ToDisplayString(SymbolFormats.FullyQualified))) + ">" : string.Empty;
            string classType = type.ToDisplayString(SymbolFormats.FullyQualified) + "." + error.Name + typeArguments;
            return new FactoryCall(classType, yieldType, sendType, result);
        }

        return null;
    }
}
