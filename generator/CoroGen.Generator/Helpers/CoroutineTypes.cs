using Microsoft.CodeAnalysis;

namespace CoroGen.Generator.Helpers;

/// <summary>Recognises CoroGen's runtime types by name (the generator never loads the runtime assembly).</summary>
internal static class CoroutineTypes
{
    public static bool IsYielder(ITypeSymbol type) => YielderBase(type) is not null;

    /// <summary>The Yielder&lt;TYield, TSend&gt; a type is or derives from (Yielder&lt;T&gt; derives from Yielder&lt;T, Unit&gt;).</summary>
    public static INamedTypeSymbol? YielderBase(ITypeSymbol type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t is INamedTypeSymbol { Name: "Yielder", Arity: 2 } named && IsInCoroGen(named))
            {
                return named;
            }
        }

        return null;
    }

    public static void YielderTypes(ITypeSymbol yielder, out ITypeSymbol yieldType, out ITypeSymbol sendType)
    {
        INamedTypeSymbol named = YielderBase(yielder)!;
        yieldType = named.TypeArguments[0];
        sendType = named.TypeArguments[1];
    }

    /// <summary>True for the one-argument Yielder&lt;T&gt;, whose generated stand-in must be cast to it.</summary>
    public static bool IsUnitYielder(ITypeSymbol type) => type is INamedTypeSymbol { Name: "Yielder", Arity: 1 } named && IsInCoroGen(named);

    /// <summary>The template's result type: null for Coroutine (Unit), TReturn for Coroutine&lt;TReturn&gt;.</summary>
    public static ITypeSymbol? TemplateResultType(ITypeSymbol returnType, out bool ok)
    {
        ok = false;
        if (returnType is INamedTypeSymbol { Name: "Coroutine" } named && IsInCoroGen(named))
        {
            if (named.Arity == 0)
            {
                ok = true;
                return null;
            }

            if (named.Arity == 1)
            {
                ok = true;
                return named.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="type"/> is (or derives from) CoroGen.Coroutine.</summary>
    public static bool IsCoroutine(ITypeSymbol? type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t is INamedTypeSymbol { Name: "Coroutine", Arity: 0 } named && IsInCoroGen(named))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The Coroutine&lt;TYield, TSend, TReturn&gt; a type derives from, if its static type says.</summary>
    public static INamedTypeSymbol? FullCoroutineBase(ITypeSymbol? type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t is INamedTypeSymbol { Name: "Coroutine", Arity: 3 } named && IsInCoroGen(named))
            {
                return named;
            }
        }

        return null;
    }

    public static bool IsNamed(ITypeSymbol? type, string name) =>
        type is INamedTypeSymbol named && named.Name == name && IsInCoroGen(named);

    public static bool IsCoroutineAttribute(AttributeData attribute) =>
        attribute.AttributeClass is { Name: "CoroutineAttribute" } a && IsInCoroGen(a);

    private static bool IsInCoroGen(INamedTypeSymbol type) =>
        type.ContainingNamespace is { Name: "CoroGen", ContainingNamespace.IsGlobalNamespace: true };
}
