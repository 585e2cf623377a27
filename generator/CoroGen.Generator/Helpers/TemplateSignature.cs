using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Helpers;

/// <summary>
/// The signature rules of a template (COROGEN001–004, 017, 021), in one place: the analyzer reports them and the generator skips
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

    /// <summary>Whether the generated code, in a file of its own, can add members to <paramref name="declaration"/>: a partial type that is not file-local.</summary>
    public static bool IsExtensible(TypeDeclarationSyntax declaration) => IsPartial(declaration) && !declaration.Modifiers.Any(SyntaxKind.FileKeyword);

    /// <summary>How many parameters of <paramref name="method"/> are a Yielder (a template needs exactly one).</summary>
    public static int YielderCount(IMethodSymbol method) => method.Parameters.Count(p => CoroutineTypes.IsYielder(p.Type));

    /// <summary>Whether the return type is Coroutine or Coroutine&lt;TReturn&gt;.</summary>
    public static bool ReturnsCoroutine(IMethodSymbol method)
    {
        CoroutineTypes.TemplateResultType(method.ReturnType, out bool ok);
        return ok;
    }

    /// <summary>
    /// Whether C# itself refuses the return type of the async method (CS1983: not void, Task, a task-like type,
    /// IAsyncEnumerable or IAsyncEnumerator), as for 'async IEnumerable&lt;int&gt;' or 'async Coroutine&lt;int, Unit, Unit&gt;'.
    /// CS1983 is a declaration error, after which a command-line build runs no analyzer: the generator reports COROGEN004
    /// for such a template, and the analyzer leaves it to the generator (each mistake is reported once).
    /// </summary>
    public static bool ReturnTypeRefusedByCSharp(IMethodSymbol method)
    {
        ITypeSymbol type = method.ReturnType;
        if (!method.IsAsync || ReturnsCoroutine(method) || type.TypeKind == TypeKind.Error || type.SpecialType == SpecialType.System_Void)
        {
            return false;
        }

        if (type.GetAttributes().Any(a => a.AttributeClass is { Name: "AsyncMethodBuilderAttribute" }))
        {
            return false; // task-like: ValueTask, or a type of the user's own
        }

        return type is not INamedTypeSymbol { Name: "Task" or "IAsyncEnumerable" or "IAsyncEnumerator" } named
            || named.ContainingNamespace?.ToDisplayString() is not ("System.Threading.Tasks" or "System.Collections.Generic");
    }

    /// <summary>
    /// COROGEN004's advice beyond its message, naming the return type meant where the mistake shows it: an iterator's
    /// yields are 'await co.Yield(x)'; 'Coroutine&lt;TYield, TSend, TReturn&gt;' is what the factory returns.
    /// </summary>
    public static string WrongReturnTypeAdvice(IMethodSymbol method)
    {
        if (method.ReturnType is INamedTypeSymbol { Name: "Coroutine", Arity: 3 } three && CoroutineTypes.IsCoroutine(three))
        {
            ITypeSymbol result = three.TypeArguments[2];
            string meant = result is INamedTypeSymbol { Name: "Unit" } && result.ContainingNamespace?.ToDisplayString() == "CoroGen"
                ? "Coroutine"
                : $"Coroutine<{result.ToDisplayString()}>";
            return $": here '{meant}'; 'Coroutine<TYield, TSend, TReturn>' is the type of the generated class, which the factory returns, and the template takes its yield and send types from its Yielder parameter";
        }

        if (method.ReturnType is INamedTypeSymbol { Name: "IEnumerable" or "IEnumerator" or "IAsyncEnumerable" or "IAsyncEnumerator" })
        {
            return ", and yield with 'await co.Yield(x)' where an iterator writes 'yield return x' (the factory's coroutine is itself an IEnumerable of its yields)";
        }

        return string.Empty;
    }

    /// <summary>
    /// "abstract", "virtual" or "override" when the template is one (COROGEN017), else null. A default interface method
    /// with a body is virtual without saying so; only what the declaration says counts, as the factory is not virtual either.
    /// </summary>
    public static string? OverridableModifier(IMethodSymbol method, MethodDeclarationSyntax declaration) =>
        method.IsAbstract ? "abstract"
        : declaration.Modifiers.Any(SyntaxKind.VirtualKeyword) ? "virtual"
        : declaration.Modifiers.Any(SyntaxKind.OverrideKeyword) ? "override"
        : null;

    /// <summary>
    /// Whether the template is declared as a partial method (COROGEN021). The generator lowers one declaration, with its
    /// body, and the factory it adds beside it would clash with the other part.
    /// </summary>
    public static bool IsPartialMethod(MethodDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>
    /// Whether a call of a template passes <paramref name="ownYielder"/> (the calling template's Yielder parameter) as the
    /// called template's Yielder, as a delegation must (COROGEN022). For an extension template called on a receiver, the
    /// receiver is the call's first argument.
    /// </summary>
    public static bool PassesOwnYielder(IInvocationOperation call, ISymbol ownYielder)
    {
        IArgumentOperation? argument = call.Arguments.FirstOrDefault(a => a.Parameter is { } p && CoroutineTypes.IsYielder(p.Type));
        IOperation? value = argument?.Value;
        while (value is IConversionOperation conversion && (conversion.IsImplicit || conversion.Conversion.IsIdentity || conversion.Conversion.IsReference))
        {
            value = conversion.Operand; // `(Yielder<int>)co` is still co
        }

        return argument is null || value is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, ownYielder);
    }

    /// <summary>
    /// The operation that writes the referenced parameter, if one does (COROGEN022 for a template's Yielder): an
    /// assignment or a deconstruction it is the target of, or the argument that passes it by <c>ref</c> or <c>out</c>.
    /// The generated class reads the Yielder from a property.
    /// </summary>
    public static IOperation? Write(IParameterReferenceOperation reference)
    {
        IOperation target = reference;
        while (target.Parent is ITupleOperation tuple)
        {
            target = tuple; // `(co, x) = ...`
        }

        return target.Parent switch
        {
            IAssignmentOperation assignment when assignment.Target == target => assignment,
            ISimpleAssignmentOperation { IsRef: true } refAssignment => refAssignment, // `r = ref co;`
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None } declarator } => declarator, // `ref var r = ref co;`
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument,
            _ => null,
        };
    }

    /// <summary>
    /// True when the template breaks none of the signature rules, so the generator can lower it. A parameter that C# does
    /// not allow in an async method (ref, in or out: CS1988; a ref struct: CS4012) already gets the compiler's error on the
    /// template, which generated code would only repeat in worse words.
    /// </summary>
    public static bool IsValid(IMethodSymbol method, MethodDeclarationSyntax declaration) =>
        OverridableModifier(method, declaration) is null
        && !IsPartialMethod(declaration)
        && method.Parameters.All(p => p.RefKind == RefKind.None && !CoroutineTypes.IsRefLike(p.Type)) // an `allows ref struct` type parameter too: CS4012
        && method.IsAsync
        && ReturnsCoroutine(method)
        && YielderCount(method) == 1
        && declaration.Ancestors().OfType<TypeDeclarationSyntax>().All(IsExtensible);

}
