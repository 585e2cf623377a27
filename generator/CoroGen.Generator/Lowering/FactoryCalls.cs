using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Lowering;

/// <summary>What a call to a generated factory returns: the generated class and its coroutine types.</summary>
internal sealed record FactoryCall(string ClassType, ITypeSymbol YieldType, ITypeSymbol SendType, ITypeSymbol? ResultType);

/// <summary>
/// Types the semantic model cannot know yet: a template may call another template's factory (<c>var sub = Sub(3);</c>,
/// <c>foreach (var x in Sub(3))</c>), but factories are this generator's own output, so during generation such calls do
/// not bind. The template they stand for does, and it says what the factory will return.
/// </summary>
internal static class FactoryCalls
{
    public static FactoryCall? Resolve(ExpressionSyntax expression, LoweringContext context, int depth = 0)
    {
        while (expression is ParenthesizedExpressionSyntax p)
        {
            expression = p.Expression;
        }

        if (depth > 8)
        {
            return null;
        }

        FactoryCall? factory = expression switch
        {
            // Asked again for the same call by each pass of the lowering: resolved (and speculatively bound) once.
            InvocationExpressionSyntax invocation => context.ResolvedCalls.TryGetValue(invocation, out FactoryCall? known)
                ? known
                : context.ResolvedCalls[invocation] = ResolveCall(invocation, context),
            IdentifierNameSyntax name when context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol is ILocalSymbol local => ResolveLocal(local, context, depth),
            _ => null,
        };

        // Or a value typed with a generated class by name (`SubCoroutine s`, a field or a method returning one).
        return factory ?? OfGeneratedClass(expression, context);
    }

    // The generated class an expression's type names (GeneratedClasses); null for an expression that is a type's name.
    private static FactoryCall? OfGeneratedClass(ExpressionSyntax expression, LoweringContext context)
    {
        if (expression is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed)
        {
            expression = suppressed.Operand; // `Field!`
        }

        // A name must read a variable, a field or a property: the name of a type (`SubCoroutine` in `new List<SubCoroutine>()`)
        // has an error type too, but is no value.
        if (SyntaxFacts.IsInTypeOnlyContext(expression) || expression switch
            {
                SimpleNameSyntax or MemberAccessExpressionSyntax => context.Model.GetSymbolInfo(expression, context.CancellationToken).Symbol is null or ITypeSymbol or INamespaceSymbol or IMethodSymbol,
                InvocationExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax or CastExpressionSyntax => false,
                _ => true,
            })
        {
            return null;
        }

        ITypeSymbol? type = context.Model.GetTypeInfo(expression, context.CancellationToken).Type;
        return GeneratedClasses.Of(type, GeneratedClasses.ScopesOf(expression, context));
    }

    /// <summary>
    /// The type of an expression whose subexpressions call factories (<c>co.Gather(Slow(), Slow())</c>): each factory call is
    /// replaced by a null of the coroutine base type it will return, and the expression is bound speculatively.
    /// </summary>
    public static ITypeSymbol? BindWithFactories(ExpressionSyntax expression, LoweringContext context, out IMethodSymbol? method) =>
        BindWithFactories(expression, context, 0, out method);

    private static ITypeSymbol? BindWithFactories(ExpressionSyntax expression, LoweringContext context, int depth, out IMethodSymbol? method)
    {
        method = null;
        if (depth > 8)
        {
            return null;
        }

        Dictionary<SyntaxNode, SyntaxNode> replacements = StandIns(expression, context, depth);
        if (replacements.Count == 0)
        {
            return null;
        }

        ExpressionSyntax standIn = expression.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        ITypeSymbol? type = context.Model.GetSpeculativeTypeInfo(expression.SpanStart, standIn, SpeculativeBindingOption.BindAsExpression).Type;
        method = context.Model.GetSpeculativeSymbolInfo(expression.SpanStart, standIn, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;
        return type is null or IErrorTypeSymbol ? null : type;
    }

    // The factory calls (and `var` locals typed through them) inside <paramref name="expression"/>, but not the expression
    // itself, each with what stands in for it in a speculative binding: a null of the type it would have.
    private static Dictionary<SyntaxNode, SyntaxNode> StandIns(SyntaxNode expression, LoweringContext context, int depth)
    {
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (SyntaxNode node in expression.DescendantNodesAndSelf())
        {
            if (replacements.Keys.Any(r => r.Span.Contains(node.Span)))
            {
                continue;
            }

            string? stand = null;
            if (node is InvocationExpressionSyntax or IdentifierNameSyntax && node != expression && Resolve((ExpressionSyntax)node, context) is { } factory)
            {
                // A factory call, or a `var` local holding one's coroutine (`var w = Work(); co.Spawn(w)`).
                string result = factory.ResultType?.ToDisplayString(SymbolFormats.FullyQualified) ?? "global::CoroGen.Unit";
                stand = $"((global::CoroGen.Coroutine<{factory.YieldType.ToDisplayString(SymbolFormats.FullyQualified)}, {factory.SendType.ToDisplayString(SymbolFormats.FullyQualified)}, {result}>)null!)";
            }
            else if (node is IdentifierNameSyntax name && context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol is ILocalSymbol local
                && InferredFromFactories(local, context, depth) is { } localType)
            {
                // A `var` local whose type the compiler could only infer with the factories (`var t = co.Spawn(GetPage());`).
                stand = $"(({localType.ToDisplayString(SymbolFormats.FullyQualified)})null!)";
            }

            if (stand is not null)
            {
                replacements[node] = SyntaxFactory.ParseExpression(stand).WithTriviaFrom(node);
            }
        }

        return replacements;
    }

    /// <summary>
    /// What awaiting a value of <paramref name="awaited"/> gives: a coroutine's result type, or what the awaiter's
    /// <c>GetResult</c> returns for any other awaitable (a <c>LoopTask&lt;T&gt;</c>, a <c>Task&lt;T&gt;</c>); null if unknown.
    /// </summary>
    public static ITypeSymbol? AwaitResult(ITypeSymbol awaited, LoweringContext context)
    {
        for (ITypeSymbol? t = awaited; t is not null; t = t.BaseType)
        {
            if (t is INamedTypeSymbol { Name: "Coroutine", Arity: 1 } named && named.ContainingNamespace?.Name == "CoroGen")
            {
                return named.TypeArguments[0];
            }

            if (t is INamedTypeSymbol { Name: "Coroutine", Arity: 0 } && t.ContainingNamespace?.Name == "CoroGen")
            {
                return context.Model.Compilation.GetSpecialType(SpecialType.System_Void);
            }
        }

        for (ITypeSymbol? t = awaited; t is not null; t = t.BaseType)
        {
            if (t.GetMembers("GetAwaiter").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && m.Parameters.IsEmpty) is { } getAwaiter)
            {
                return getAwaiter.ReturnType.GetMembers("GetResult").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && m.Parameters.IsEmpty)?.ReturnType;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the model's type for something may be missing what the factories would tell: unknown, an error, or holding
    /// a type parameter of some other method (<c>LoopTask&lt;T&gt;</c> from a <c>Spawn&lt;T&gt;</c> whose argument did not bind).
    /// Only then is rebinding with the factories worth its cost: the generator runs on every keystroke.
    /// </summary>
    public static bool IncompleteWithoutFactories(ITypeSymbol? type, LoweringContext context) => type switch
    {
        null or IErrorTypeSymbol => true,
        ITypeParameterSymbol parameter => parameter.DeclaringMethod is { } method && !SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, context.Template.OriginalDefinition),
        IArrayTypeSymbol array => IncompleteWithoutFactories(array.ElementType, context),
        INamedTypeSymbol named => named.TypeArguments.Any(a => IncompleteWithoutFactories(a, context)),
        _ => false,
    };

    // The type of a `var` local that the compiler could infer only with the factories (a declared local, or a foreach
    // variable over such a collection); null for any other local.
    private static ITypeSymbol? InferredFromFactories(ILocalSymbol local, LoweringContext context, int depth)
    {
        if (!IncompleteWithoutFactories(local.Type, context))
        {
            return null;
        }

        return local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) switch
        {
            VariableDeclaratorSyntax { Initializer: { } initializer, Parent: VariableDeclarationSyntax { Type.IsVar: true } } when Resolve(initializer.Value, context) is null =>
                BindWithFactories(initializer.Value, context, depth + 1, out _),
            ForEachStatementSyntax { Type.IsVar: true, AwaitKeyword.RawKind: 0 } forEach when Resolve(forEach.Expression, context) is null =>
                CoroutineTypes.ForEachElementType(BindWithFactories(forEach.Expression, context, depth + 1, out _)),
            _ => null,
        };
    }

    /// <summary>
    /// The type of a local whose type is a not-yet-generated coroutine class: inferred from a factory call, or declared with
    /// a generated class's name (<c>SubCoroutine s</c>, <c>List&lt;SubCoroutine&gt; subs</c>, <see cref="GeneratedClasses"/>).
    /// </summary>
    public static string? LocalType(ILocalSymbol local, LoweringContext context, out ITypeSymbol? elementType) =>
        InferredLocalType(local, context, out elementType) ?? GeneratedClasses.TypeText(local.Type, new[] { context.Template.ContainingType });

    private static string? InferredLocalType(ILocalSymbol local, LoweringContext context, out ITypeSymbol? elementType)
    {
        elementType = null;
        SyntaxNode? declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
        switch (declaration)
        {
            case VariableDeclaratorSyntax { Initializer: { } initializer, Parent: VariableDeclarationSyntax { Type.IsVar: true } }:
                // A factory call itself, or an expression around factory calls (`var t = co.Spawn(GetPage());`,
                // `var r = await co.MoveOnAfter(d, Body());`), whose type the compiler could not infer without them.
                return Resolve(initializer.Value, context)?.ClassType
                    ?? (IncompleteWithoutFactories(local.Type, context) ? BindWithFactories(initializer.Value, context, out _)?.ToDisplayString(SymbolFormats.FullyQualified) : null);
            case ForEachStatementSyntax { Type.IsVar: true } forEach when Resolve(forEach.Expression, context) is { } collection:
                elementType = collection.YieldType;
                return collection.YieldType.ToDisplayString(SymbolFormats.FullyQualified);
            case ForEachStatementSyntax { Type.IsVar: true } forEach when IncompleteWithoutFactories(local.Type, context):
                // `foreach (var t in tasks)` over a collection typed through factories (`var tasks = ... co.Spawn(Work()) ...`).
                elementType = CoroutineTypes.ForEachElementType(BindWithFactories(forEach.Expression, context, out _));
                return elementType?.ToDisplayString(SymbolFormats.FullyQualified);
            case SingleVariableDesignationSyntax designation when IncompleteWithoutFactories(local.Type, context):
                // `var (a, b) = await co.Gather((One(), Two()));`: the tuple element at the designation's position.
                return DeconstructedType(designation, context)?.ToDisplayString(SymbolFormats.FullyQualified);
            default:
                return null;
        }
    }

    // The type a deconstruction of a tuple (`var (a, (b, c)) = value;`, `(var a, string b) = value;`) gives the variable
    // <paramref name="designation"/> declares, with the value bound as if the factories existed; null if not a tuple.
    private static ITypeSymbol? DeconstructedType(SingleVariableDesignationSyntax designation, LoweringContext context)
    {
        var path = new List<int>();
        SyntaxNode node = designation;
        while (true)
        {
            switch (node.Parent)
            {
                case ParenthesizedVariableDesignationSyntax parenthesized:
                    path.Insert(0, parenthesized.Variables.IndexOf((VariableDesignationSyntax)node));
                    node = parenthesized;
                    continue;
                case DeclarationExpressionSyntax declaration:
                    node = declaration;
                    continue;
                case ArgumentSyntax { Parent: TupleExpressionSyntax tuple } argument:
                    path.Insert(0, tuple.Arguments.IndexOf(argument));
                    node = tuple;
                    continue;
                case AssignmentExpressionSyntax { Left: var left, Right: var right } when left == node:
                    ITypeSymbol? type = BindWithFactories(right, context, out _);
                    foreach (int index in path)
                    {
                        if (type is not INamedTypeSymbol { IsTupleType: true } tupleType || index >= tupleType.TupleElements.Length)
                        {
                            return null;
                        }

                        type = tupleType.TupleElements[index].Type;
                    }

                    return type;
                default:
                    return null;
            }
        }
    }

    private static FactoryCall? ResolveLocal(ILocalSymbol local, LoweringContext context, int depth)
    {
        SyntaxNode? declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
        return declaration is VariableDeclaratorSyntax { Initializer: { } initializer, Parent: VariableDeclarationSyntax { Type.IsVar: true } }
            ? Resolve(initializer.Value, context, depth + 1)
            : null;
    }

    private static FactoryCall? ResolveCall(InvocationExpressionSyntax invocation, LoweringContext context)
    {
        SymbolInfo info = context.Model.GetSymbolInfo(invocation, context.CancellationToken);
        if (info.Symbol is not null)
        {
            return null; // it binds: not a factory call
        }

        int arguments = invocation.ArgumentList.Arguments.Count;
        IMethodSymbol[] templates = info.CandidateSymbols.OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(CoroutineTypes.IsCoroutineAttribute) && m.Parameters.Count(p => CoroutineTypes.IsYielder(p.Type)) == 1)
            .ToArray();
        IMethodSymbol? template;
        if (templates.Length == 1 && !templates[0].IsGenericMethod && templates[0].Parameters.Length - 1 == arguments
            && !invocation.ArgumentList.Arguments.Any(a => a.NameColon is not null))
        {
            template = templates[0]; // one template, every argument given in order: nothing to decide
        }
        else
        {
            // The factory takes the template's parameters but the Yielder, so C# picks the overload, leaves optional
            // parameters out and infers type arguments as it does for the template called with the same arguments: the call
            // is bound to the template with a Yielder argument added, which gives the template (constructed, for a generic
            // one, with the type arguments written or inferred and its types substituted).
            Dictionary<SyntaxNode, SyntaxNode> standIns = StandIns(invocation.ArgumentList, context, 0);
            IMethodSymbol[] bound = templates.Select(t => ConstructedTemplate(invocation, t, standIns, context)).OfType<IMethodSymbol>().ToArray();
            template = bound.FirstOrDefault();
            string? ambiguity =
                // Binding each template with a Yielder added is not C#'s choice among the factories (which take none): with
                // two that fit, C# may pick either.
                bound.Length > 1 ? $"it fits the templates {string.Join(" and ", bound.Select(b => $"'{b.OriginalDefinition.ToDisplayString()}'"))}, and which one C# picks among their factories is not known while generating"
                // A factory call among the arguments stands in as a Coroutine<...>, while C# infers its generated class there.
                : template is { IsGenericMethod: true } && standIns.Count > 0 && !WritesTypeArguments(invocation) && template.TypeArguments.Any(a => CoroutineTypes.IsCoroutine(a))
                    ? $"a type argument of '{template.OriginalDefinition.ToDisplayString()}' is inferred from a factory call among the arguments, whose generated class does not exist while generating"
                    : null;
            if (ambiguity is not null)
            {
                context.ReportOnce(DiagnosticDescriptors.AmbiguousFactoryCall, invocation, invocation.ToString(), ambiguity, context.Yielder.Name);
                return null;
            }
        }

        bool ok = false;
        if (template is null || CoroutineTypes.TemplateResultType(template.ReturnType, out ok) is var result && !ok)
        {
            return null;
        }

        string typeArguments = template.IsGenericMethod
            ? "<" + string.Join(", ", template.TypeArguments.Select(a => a.ToDisplayString(SymbolFormats.FullyQualified))) + ">"
            : string.Empty;

        CoroutineTypes.YielderTypes(template.Parameters.First(p => CoroutineTypes.IsYielder(p.Type)).Type, out ITypeSymbol yieldType, out ITypeSymbol sendType);
        string classType = template.ContainingType.ToDisplayString(SymbolFormats.FullyQualified) + "." + TemplateParser.GeneratedClassName(template.OriginalDefinition) + typeArguments;
        return new FactoryCall(classType, yieldType, sendType, result);
    }

    // The template <paramref name="template"/> as <paramref name="invocation"/>, a call of its factory, calls it (constructed,
    // if generic): the call bound speculatively with a default Yielder argument where the template takes its Yielder (and
    // factory calls among the arguments standing for what they return); null if that does not bind to the template.
    private static IMethodSymbol? ConstructedTemplate(InvocationExpressionSyntax invocation, IMethodSymbol template, Dictionary<SyntaxNode, SyntaxNode> standIns, LoweringContext context)
    {
        IMethodSymbol definition = template.OriginalDefinition;
        int yielderIndex = definition.Parameters.IndexOf(definition.Parameters.First(p => CoroutineTypes.IsYielder(p.Type)));
        ArgumentListSyntax arguments = standIns.Count == 0 ? invocation.ArgumentList : invocation.ArgumentList.ReplaceNodes(standIns.Keys, (original, _) => standIns[original]);
        ArgumentSyntax yielder = SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression));
        if (arguments.Arguments.Any(a => a.NameColon is not null) || yielderIndex > arguments.Arguments.Count)
        {
            // Named arguments (or fewer positional ones than the parameters before the Yielder): the Yielder by name, last.
            yielder = yielder.WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(SymbolFormats.Identifier(definition.Parameters[yielderIndex].Name))));
            arguments = arguments.WithArguments(arguments.Arguments.Add(yielder));
        }
        else
        {
            arguments = arguments.WithArguments(arguments.Arguments.Insert(yielderIndex, yielder));
        }

        InvocationExpressionSyntax call = invocation.WithArgumentList(arguments);
        return context.Model.GetSpeculativeSymbolInfo(invocation.SpanStart, call, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol bound
            && SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, definition)
            && !bound.TypeArguments.Any(t => t is IErrorTypeSymbol)
                ? bound
                : null;
    }

    private static bool WritesTypeArguments(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        GenericNameSyntax => true,
        MemberAccessExpressionSyntax { Name: GenericNameSyntax } => true,
        _ => false,
    };
}
