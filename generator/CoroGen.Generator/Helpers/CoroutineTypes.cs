using System.Linq;
using Microsoft.CodeAnalysis;

namespace CoroGen.Generator.Helpers;

/// <summary>Recognises CoroGen's runtime types by name (the generator never loads the runtime assembly).</summary>
internal static class CoroutineTypes
{
    /// <summary>The type foreach gives the elements of a collection: an array's, a string's, the GetEnumerator pattern's Current, IEnumerable&lt;T&gt;'s T.</summary>
    public static ITypeSymbol? ForEachElementType(ITypeSymbol? type)
    {
        switch (type)
        {
            case null or IErrorTypeSymbol:
                return null;
            case IArrayTypeSymbol array:
                return array.ElementType;
            case { SpecialType: SpecialType.System_String }:
                return type.ContainingAssembly?.GetTypeByMetadataName("System.Char") ?? null;
        }

        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (IMethodSymbol getEnumerator in t.GetMembers("GetEnumerator").OfType<IMethodSymbol>())
            {
                if (!getEnumerator.IsStatic && getEnumerator.Parameters.Length == 0 && getEnumerator.DeclaredAccessibility == Accessibility.Public
                    && getEnumerator.ReturnType.GetMembers("Current").OfType<IPropertySymbol>().FirstOrDefault() is { } current)
                {
                    return current.Type;
                }
            }
        }

        INamedTypeSymbol? enumerable = (type as INamedTypeSymbol) is { } named && named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
            ? named
            : type.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
        return enumerable?.TypeArguments[0];
    }

    public static bool IsYielder(ITypeSymbol type) => YielderBase(type) is not null;

    /// <summary>
    /// Whether a value of <paramref name="type"/> cannot be kept in a field of a class: a ref struct, or a type parameter
    /// declared <c>allows ref struct</c> (C# 13), which may stand for one.
    /// </summary>
    public static bool IsRefLike(ITypeSymbol type) => type.IsRefLikeType || AllowsRefStruct(type);

    /// <summary>What <see cref="IsRefLike"/> found, for a message: "a ref struct" or "a type parameter that allows ref struct".</summary>
    public static string RefLikeKind(ITypeSymbol type) => AllowsRefStruct(type) ? "a type parameter that allows ref struct" : "a ref struct";

    // ITypeParameterSymbol.AllowsRefLikeType is newer than the Roslyn this generator compiles against, so it is read by
    // name; an older compiler has no such type parameters.
    private static readonly System.Reflection.PropertyInfo? AllowsRefLikeType = typeof(ITypeParameterSymbol).GetProperty("AllowsRefLikeType");

    /// <summary>A type parameter declared <c>allows ref struct</c> (C# 13).</summary>
    public static bool AllowsRefStruct(ITypeSymbol type) =>
        type is ITypeParameterSymbol parameter && AllowsRefLikeType?.GetValue(parameter) is true;

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

    /// <summary>
    /// Whether a type is or holds one the compiler could not resolve (an array or tuple of it, a generic type over it): its
    /// name may print as nothing or '?', so no field, cast or type argument of generated code can spell it.
    /// </summary>
    public static bool ContainsErrorType(ITypeSymbol? type) => type switch
    {
        null => false,
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
        IPointerTypeSymbol pointer => ContainsErrorType(pointer.PointedAtType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType) || ContainsErrorType(named.ContainingType),
        _ => false,
    };

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

    /// <summary>Whether <paramref name="type"/> is a coroutine type, or a type parameter constrained to one.</summary>
    public static bool IsCoroutineOrConstrainedToOne(ITypeSymbol? type) =>
        type is ITypeParameterSymbol parameter ? parameter.ConstraintTypes.Any(IsCoroutineOrConstrainedToOne) : IsCoroutine(type);

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

    /// <summary>
    /// Whether a catch clause can intercept <c>CoroutineExitException</c> (API.md section 4: only a clause that names it does;
    /// a bare <c>catch</c> or <c>catch (Exception)</c> lets it through). <paramref name="caught"/> is the clause's type, null
    /// for a bare catch.
    /// </summary>
    public static ExitCatch CatchOfExit(ITypeSymbol? caught)
    {
        if (caught is null || caught.SpecialType == SpecialType.System_Object || caught.ToDisplayString() == "System.Exception")
        {
            return ExitCatch.CatchAll;
        }

        if (IsNamed(caught, "CoroutineExitException"))
        {
            return ExitCatch.Names;
        }

        if (caught is ITypeParameterSymbol parameter)
        {
            // `catch (TException)`: it names the exit when TException is CoroutineExitException and catches all when it is
            // Exception, unless a class constraint rules both out (the exit is sealed and derives from Exception directly).
            foreach (ITypeSymbol constraint in parameter.ConstraintTypes)
            {
                if (constraint is INamedTypeSymbol { TypeKind: TypeKind.Class } type && type.SpecialType != SpecialType.System_Object && type.ToDisplayString() != "System.Exception")
                {
                    return IsNamed(type, "CoroutineExitException") ? ExitCatch.Names : ExitCatch.Never;
                }
            }

            return ExitCatch.Depends;
        }

        return ExitCatch.Never;
    }

    /// <summary>
    /// The condition a catch clause of a template gets so that the exit passes it unless the clause names it, testing the caught
    /// exception <paramref name="variable"/>; null when the clause needs none.
    /// </summary>
    public static string? ExitPassesCondition(ExitCatch kind, string variable, string caughtType) => kind switch
    {
        ExitCatch.CatchAll => $"!({variable} is global::CoroGen.CoroutineExitException)",
        ExitCatch.Depends => $"(!({variable} is global::CoroGen.CoroutineExitException) || typeof({caughtType}) == typeof(global::CoroGen.CoroutineExitException))",
        _ => null,
    };

    public static bool IsNamed(ITypeSymbol? type, string name) =>
        type is INamedTypeSymbol named && named.Name == name && IsInCoroGen(named);

    public static bool IsCoroutineAttribute(AttributeData attribute) =>
        attribute.AttributeClass is { Name: "CoroutineAttribute" } a && IsInCoroGen(a);

    private static bool IsInCoroGen(INamedTypeSymbol type) =>
        type.ContainingNamespace is { Name: "CoroGen", ContainingNamespace.IsGlobalNamespace: true };
}

/// <summary>How a catch clause's type meets <c>CoroutineExitException</c>.</summary>
internal enum ExitCatch
{
    /// <summary>It cannot catch the exit (another exception type).</summary>
    Never,

    /// <summary>It names the exit: it intercepts it.</summary>
    Names,

    /// <summary>A bare <c>catch</c>, <c>catch (Exception)</c> or <c>catch (object)</c>: the exit must pass it.</summary>
    CatchAll,

    /// <summary>A type parameter: it names the exit or catches all depending on the type argument.</summary>
    Depends,
}
