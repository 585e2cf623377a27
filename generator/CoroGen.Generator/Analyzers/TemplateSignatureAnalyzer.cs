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
    /// <summary>Diagnostic property of COROGEN002: "none" when the template has no Yielder (the code fix can add one), "several", or "default" when its one Yielder has a default value.</summary>
    public const string YielderCountProperty = "YielderCount";

    /// <summary>Set on a COROGEN003 at an extern template, which 'async' would not fix: the code fix skips it.</summary>
    public const string ExternProperty = "Extern";

    /// <summary>Set on a COROGEN001 that 'partial' would not fix (a file-local type, an extension block): the code fix skips it.</summary>
    public const string PartialDoesNotFixProperty = "PartialDoesNotFix";

    /// <summary>Set on a COROGEN022 at a delegation's Yielder argument: the name of the template's own Yielder, which the code fix passes instead.</summary>
    public const string OwnYielderProperty = "OwnYielder";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.YielderParameter,
        DiagnosticDescriptors.NotAsync,
        DiagnosticDescriptors.WrongReturnType,
        DiagnosticDescriptors.TemplateCalledDirectly,
        DiagnosticDescriptors.SuspensionInNestedFunction,
        DiagnosticDescriptors.CoroutineWithoutTemplate,
        DiagnosticDescriptors.OverridableTemplate,
        DiagnosticDescriptors.SuspensionNotAwaited,
        DiagnosticDescriptors.PartialTemplate,
        DiagnosticDescriptors.ForeignYielder,
        DiagnosticDescriptors.YieldAllOverCoroutine);

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
            start.RegisterOperationAction(AnalyzeAwait, OperationKind.Await);
            start.RegisterOperationAction(AnalyzeNestedFunction, OperationKind.LocalFunction, OperationKind.AnonymousFunction);
            start.RegisterOperationAction(AnalyzeExpressionStatement, OperationKind.ExpressionStatement);
            start.RegisterOperationAction(AnalyzeParameterReference, OperationKind.ParameterReference);
        });
    }

    // COROGEN002-004 and COROGEN017, at the template; COROGEN016 at an async method returning Coroutine that is not one.
    private static void AnalyzeTemplate(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is not MethodDeclarationSyntax declaration)
        {
            return;
        }

        Location at = declaration.Identifier.GetLocation();
        if (!TemplateSignature.IsTemplate(method))
        {
            if (method.IsAsync && TemplateSignature.ReturnsCoroutine(method))
            {
                // Marked with an attribute named Coroutine that is not CoroGen's (a type of the user's own, or another library's).
                AttributeData? lookalike = method.GetAttributes().FirstOrDefault(a => a.AttributeClass is { Name: "CoroutineAttribute" } type
                    && type.ContainingNamespace?.ToDisplayString() != "CoroGen");
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CoroutineWithoutTemplate, at, $"The method '{method.Name}'", method.ReturnType.ToDisplayString(), CallingItThrows,
                    lookalike is not null
                        ? $"its [Coroutine] attribute is '{lookalike.AttributeClass!.ToDisplayString()}', not CoroGen's: write [CoroGen.Coroutine], or rename that type"
                        : TemplateSignature.YielderCount(method) == 0
                        ? "mark it [Coroutine] and give it a Yielder parameter (for example 'Yielder<int> co') for its suspension points"
                        : "mark it [Coroutine]: it has a Yielder parameter, so it is a template without its attribute"));
            }

            return;
        }

        // A partial method: its declaring part has no body and is not async, so the rules below would mislead (COROGEN003
        // on the part that cannot be async); one error, at the part with the body.
        if (TemplateSignature.IsPartialMethod(declaration))
        {
            if (method.PartialDefinitionPart is not null)
            {
                return; // the implementing part's symbol: reported once, through the defining part's
            }

            SyntaxNode? withBody = (method.PartialImplementationPart ?? method).DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PartialTemplate,
                (withBody as MethodDeclarationSyntax ?? declaration).Identifier.GetLocation(), method.Name));
            return;
        }

        if (TemplateSignature.OverridableModifier(method, declaration) is { } modifier)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverridableTemplate, at, method.Name, modifier));
        }

        // 'async' is asked for only once the return type is a coroutine's: an iterator or a method of another return type
        // gets COROGEN004 alone, whose fix comes first (made async as it is, it would not compile either).
        bool returnsCoroutine = TemplateSignature.ReturnsCoroutine(method);
        if (!method.IsAsync && !method.IsAbstract && returnsCoroutine) // an abstract method cannot be async: COROGEN017 says what to do
        {
            // An extern method cannot be async (it has no body): say what a template needs instead; the code fix skips it.
            context.ReportDiagnostic(method.IsExtern
                ? Diagnostic.Create(DiagnosticDescriptors.NotAsync, at, ImmutableDictionary<string, string?>.Empty.Add(ExternProperty, "true"), method.Name,
                    "it is 'extern', but a template needs a body in C#, which CoroGen turns into the coroutine: remove 'extern' and write the body, declared 'async' (code implemented elsewhere cannot be a template: call it from one)")
                : Diagnostic.Create(DiagnosticDescriptors.NotAsync, at, method.Name, DiagnosticDescriptors.DeclareItAsync));
        }

        // An unresolved return type is the compiler's to report, except 'async A(...)', whose return type is missing: the
        // compiler reads 'async' as the return type's name.
        bool missingReturnType = declaration.ReturnType is IdentifierNameSyntax { Identifier.ValueText: "async" } && !method.IsAsync;
        // One that C# refuses for an async method (CS1983) is the generator's to report: a build runs no analyzer after it.
        if ((method.ReturnType.TypeKind != TypeKind.Error || missingReturnType) && !returnsCoroutine && !TemplateSignature.ReturnTypeRefusedByCSharp(method))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WrongReturnType, declaration.ReturnType.GetLocation(), method.Name,
                missingReturnType ? "async" : method.ReturnType.ToDisplayString(), missingReturnType ? string.Empty : TemplateSignature.WrongReturnTypeAdvice(method)));
        }

        int yielders = TemplateSignature.YielderCount(method);
        if (yielders != 1)
        {
            const string ExactlyOne = "give it exactly one parameter of type Yielder<TYield> or Yielder<TYield, TSend>, for example 'Yielder<int> co'";
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(YielderCountProperty, yielders == 0 ? "none" : "several");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.YielderParameter, at, properties, method.Name,
                (yielders == 0 ? "has no Yielder parameter; " : $"has {yielders} Yielder parameters; ") + ExactlyOne));
        }
        else if (method.Parameters.First(p => CoroutineTypes.IsYielder(p.Type)) is { HasExplicitDefaultValue: true } optional)
        {
            // The factory drops the Yielder; with a default the template is callable with the factory's arguments too, and a
            // call that needs default values for both (an optional parameter after the Yielder) is ambiguous (CS0121).
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(YielderCountProperty, "default");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.YielderParameter, optional.Locations.FirstOrDefault() ?? at, properties, method.Name,
                $"gives its Yielder parameter '{optional.Name}' a default value; remove the default: callers call the generated factory, which has no Yielder parameter, and with the default the template competes with it for those calls (CS0121 where both need default values)"));
        }
    }

    // COROGEN001, once per declaration of a type that is not partial but holds a template (directly or in a nested type),
    // once for a file-local type that holds one (partial or not: one error, saying to remove 'file', which is the first step),
    // and on a C# 14 extension block holding one: the generated code, in a file of its own, could extend none of them.
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
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax { Keyword.ValueText: "extension" } extension)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, extension.Keyword.GetLocation(),
                    ImmutableDictionary<string, string?>.Empty.Add(PartialDoesNotFixProperty, "true"), extension.Keyword.ValueText + extension.ParameterList, template.Name,
                    $"is an extension block, to which CoroGen cannot add a factory and a class; declare the template as a classic extension method of the enclosing static class instead ('static async Coroutine {template.Name}(this ReceiverType receiver, ..., Yielder<...> co)'), whose factory is an extension method too"));
            }
            else if (!type.IsFileLocal && reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && !TemplateSignature.IsPartial(declaration))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, declaration.Identifier.GetLocation(), type.Name, template.Name,
                    $"is not partial; add the 'partial' modifier to '{type.Name}' (and to every type that contains it) so CoroGen can add the generated class to it"));
            }
        }

        if (type.IsFileLocal && type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax fileLocal)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, fileLocal.Identifier.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(PartialDoesNotFixProperty, "true"), type.Name, template.Name,
                $"is file-local ('file'), and CoroGen adds the generated class in a file of its own, which cannot extend it; remove 'file' from '{type.Name}' (make it 'internal', or nest it as 'private', to keep it hidden)"));
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

    // COROGEN015: an await of a suspension point (co.Yield, co.YieldAll, a helper, a coroutine) inside a lambda or local
    // function of a template. That function is compiled as a method of its own (an async Task lambda, say), whose await
    // cannot suspend the coroutine: the generator copies it as it is, and it would throw when it runs.
    private static void AnalyzeAwait(OperationAnalysisContext context)
    {
        var await = (IAwaitOperation)context.Operation;
        IOperation awaited = await.Operation;
        if (NestedFunction(await) is not { } nested)
        {
            ReportSuspensionInOrdinaryAsyncMethod(context, await);
            return;
        }

        if (!InsideTemplate(context.ContainingSymbol))
        {
            return;
        }

        bool suspension = IsSuspensionValue(awaited.Type)
            || CoroutineTypes.IsCoroutine(awaited.Type)
            || awaited is IInvocationOperation invocation && TemplateSignature.IsTemplate(invocation.TargetMethod.OriginalDefinition);
        if (suspension)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SuspensionInNestedFunction, await.Syntax.GetLocation(), awaited.Syntax.ToString(), Describe(nested)));
        }
    }

    // What calling a method that returns Coroutine without being a template does (COROGEN016's third argument).
    private const string CallingItThrows = "calling this one would throw InvalidOperationException";

    // COROGEN016 at 'await co.Yield(x)' (or co.YieldAll, a helper) in an ordinary async method that is not a template and
    // does not return a coroutine (an 'async Task' helper taking the Yielder, say): C# compiles it, and it faults when it
    // runs; called without 'await' in a template, as it must be (a Task is no suspension point), it does so unseen. An
    // async method returning Coroutine gets COROGEN016 at its name already.
    private static void ReportSuspensionInOrdinaryAsyncMethod(OperationAnalysisContext context, IAwaitOperation await)
    {
        if (!IsSuspensionValue(await.Operation.Type) || context.ContainingSymbol is not IMethodSymbol { IsAsync: true } method
            || method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction
            || TemplateSignature.IsTemplate(method) || TemplateSignature.ReturnsCoroutine(method))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CoroutineWithoutTemplate, await.Syntax.GetLocation(),
            $"The method '{method.Name}', which awaits '{await.Operation.Syntax}',", method.ReturnType.ToDisplayString(),
            "its Task faults with InvalidOperationException when it runs (unseen when nothing awaits it)",
            "make it a [Coroutine] template returning 'Coroutine' (or 'Coroutine<TResult>' for a result) and 'await' its call inside the calling template to delegate to it, or make it a helper that is not async and returns what 'co.Yield(...)' returns"));
    }

    // COROGEN016 for lambdas and local functions: async and returning Coroutine, but not a template (only methods of types can be).
    // Outside templates, a lambda that takes a Yielder may be run by CoroGen's template oracle on purpose: only those
    // without one are reported there. A local function is not the oracle's: it is reported wherever it stands.
    private static void AnalyzeNestedFunction(OperationAnalysisContext context)
    {
        IMethodSymbol? function = context.Operation switch
        {
            ILocalFunctionOperation local => local.Symbol,
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            _ => null,
        };
        // A local function or lambda marked [Coroutine] is reported wherever it stands: the generator lowers only methods of types,
        // so it gets no factory and no class, and calling it throws.
        bool marked = function is not null && TemplateSignature.IsTemplate(function);
        if (function is null || !function.IsAsync || !TemplateSignature.ReturnsCoroutine(function)
            || (!marked && context.Operation is IAnonymousFunctionOperation && !InsideTemplate(context.ContainingSymbol) && TemplateSignature.YielderCount(function) > 0))
        {
            return;
        }

        Location at = context.Operation.Syntax is LocalFunctionStatementSyntax statement ? statement.Identifier.GetLocation() : context.Operation.Syntax.GetLocation();
        string described = Describe(context.Operation);
        described = char.ToUpperInvariant(described[0]) + described.Substring(1) + (marked ? ", marked [Coroutine] (a local function or lambda gets no generated factory or class)," : string.Empty);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CoroutineWithoutTemplate, at, described, function!.ReturnType.ToDisplayString(), CallingItThrows,
            marked
                ? "move it to a [Coroutine] method of the containing type and call its generated factory (the same parameters without the Yielder), or 'await' its call inside another template to delegate to it"
                : "make it a [Coroutine] method of the containing type, with a Yielder parameter, and 'await' its call to delegate to it"));
    }

    // COROGEN018: co.Yield(x), co.YieldAll(items) or a helper such as co.Sleep(d) as a statement of its own, and, inside a
    // template's own body, a template or a factory called without 'await': each only makes a value that nothing awaits.
    private static void AnalyzeExpressionStatement(OperationAnalysisContext context)
    {
        IOperation expression = ((IExpressionStatementOperation)context.Operation).Operation;
        if (expression is ISimpleAssignmentOperation { Target: IDiscardOperation, Value: var discarded } && IsSuspensionValue(discarded.Type))
        {
            expression = discarded; // `_ = co.Yield(1);`: the fix is `await co.Yield(1);`, not `await _ = ...` (a discarded template call is COROGEN013's)
        }

        bool yields = IsSuspensionValue(expression.Type);
        bool inTemplate = InsideTemplate(context.ContainingSymbol);
        IOperation? nested = NestedFunction(expression);
        bool templateCall = expression is IInvocationOperation invocation && TemplateSignature.IsTemplate(invocation.TargetMethod.OriginalDefinition) && inTemplate;
        // `Sub();`: the factory makes a coroutine that nothing runs (C# says only CS4014, whose advice reads as if it ran).
        bool factoryCall = !templateCall && expression is IInvocationOperation && CoroutineTypes.IsCoroutineOrConstrainedToOne(expression.Type) && inTemplate && nested is null;
        if (!yields && !templateCall && !factoryCall)
        {
            return;
        }

        string why = templateCall ? " (calling a template without 'await' throws InvalidOperationException)"
            : factoryCall ? " (it makes a coroutine that nothing runs)"
            : " (it makes a value that nothing uses)";
        // Inside a lambda or local function of a template, 'await' would not help: that code runs as a method of its own
        // (COROGEN015's rule), and an 'await' there would not compile in a function that is not async, or would throw.
        string advice = nested is not null && inTemplate
            ? $"it also stands inside {Describe(nested)}, which runs as a method of its own and cannot suspend the coroutine even with 'await': move the suspension point into the template's own body, or make that code a [Coroutine] method of the containing type and delegate to it with 'await'"
            : factoryCall ? $"write 'await {expression.Syntax};' to delegate to it (it runs to its end, its yields passing through this coroutine)"
            : $"write 'await {expression.Syntax};'";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SuspensionNotAwaited, expression.Syntax.GetLocation(), expression.Syntax.ToString(), why, advice));
    }

    // COROGEN018 for a suspension point's value (co.Yield, co.YieldAll, a helper's) in a template's own body that is not
    // the operand of an 'await' where it is made (through parentheses, casts, '?:', the right side of '??' and switch
    // expression arms): co.Yield hands its value over when it is called and only the 'await' suspends, so a value kept and
    // awaited later yields whatever was handed over last, and running its awaiter by hand ('.GetAwaiter().GetResult()')
    // throws. As a statement it is AnalyzeExpressionStatement's. A helper (a method that is not a template) returns one,
    // which is how helpers work.
    private static void ReportSuspensionNotAwaitedWhereMade(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        if (!IsSuspensionValue(invocation.Type) || context.ContainingSymbol is not IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } caller
            || !TemplateSignature.IsTemplate(caller) || NestedFunction(invocation) is not null)
        {
            return;
        }

        IOperation value = invocation;
        while (true)
        {
            IOperation? parent = value.Parent;
            if (parent is IConversionOperation or IParenthesizedOperation
                || parent is IConditionalOperation conditional && conditional.Condition != value
                || parent is ICoalesceOperation coalesce && coalesce.WhenNull == value
                || parent is ISwitchExpressionArmOperation arm && arm.Value == value
                || parent is ISwitchExpressionOperation switchExpression && switchExpression.Value != value)
            {
                value = parent;
                continue;
            }

            break;
        }

        if (value.Parent is IAwaitOperation or IExpressionStatementOperation
            || value.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation })
        {
            return; // awaited, or a statement of its own (reported there)
        }

        bool byHand = value.Parent is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter && getAwaiter.Instance == value;
        string why = byHand
            ? " (running its awaiter by hand, as '.GetAwaiter().GetResult()' does, is not a suspension point: it throws InvalidOperationException)"
            : " (it hands its value to the caller when it is called, and only an 'await' on it where it is made suspends: kept and awaited later, it yields whatever was handed over last)";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SuspensionNotAwaited, invocation.Syntax.GetLocation(), invocation.Syntax.ToString(), why,
            $"await it where it is made, 'await {invocation.Syntax}', and keep the value that the 'await' gives if you need it later"));
    }

    private static bool IsSuspensionValue(ITypeSymbol? type) => CoroutineTypes.IsNamed(type, "YieldAwaitable") || CoroutineTypes.IsNamed(type, "YieldAllAwaitable");

    // COROGEN022 on a write to a template's Yielder parameter (`co = other;`, `F(ref co)`): the generated class reads it from
    // a property, so the write would not compile there (CS0200), and the template could only suspend through its own anyway.
    private static void AnalyzeParameterReference(OperationAnalysisContext context)
    {
        var reference = (IParameterReferenceOperation)context.Operation;
        if (!CoroutineTypes.IsYielder(reference.Parameter.Type) || reference.Parameter.ContainingSymbol is not IMethodSymbol template
            || !TemplateSignature.IsTemplate(template) || TemplateSignature.YielderCount(template) != 1 || TemplateSignature.Write(reference) is not { Syntax: var write } writing)
        {
            return;
        }

        string what = writing switch
        {
            IArgumentOperation => $"'{write}' passes the Yielder parameter by reference",
            IVariableDeclaratorOperation or ISimpleAssignmentOperation { IsRef: true } => $"'{write}' takes a reference to the Yielder parameter",
            _ => $"'{write}' assigns the Yielder parameter",
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ForeignYielder, write.GetLocation(), what, reference.Parameter.Name,
            $"leave '{reference.Parameter.Name}' as it is, and keep any other value in a local of its own"));
    }

    // The lambda or local function the operation stands in, if any (the innermost).
    private static IOperation? NestedFunction(IOperation operation)
    {
        for (IOperation? o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is ILocalFunctionOperation or IAnonymousFunctionOperation)
            {
                return o;
            }
        }

        return null;
    }

    // Whether the symbol is a template, or a lambda or local function declared inside one.
    private static bool InsideTemplate(ISymbol? symbol)
    {
        for (ISymbol? s = symbol; s is not null; s = s.ContainingSymbol)
        {
            if (s is IMethodSymbol method && method.MethodKind is not (MethodKind.AnonymousFunction or MethodKind.LocalFunction))
            {
                return TemplateSignature.IsTemplate(method);
            }
        }

        return false;
    }

    private static string Describe(IOperation function) => function switch
    {
        ILocalFunctionOperation local => $"the local function '{local.Symbol.Name}'",
        _ => $"the {(function.Syntax is AnonymousMethodExpressionSyntax ? "anonymous method" : "lambda")} at line {function.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1}",
    };

    // COROGEN013: code calling a template (with a Yielder argument) instead of its factory. Inside a template, the call that
    // an 'await' stands on is delegation ('await Sub(args, co)'), which the generator lowers, and a call as a statement is
    // COROGEN018's; any other call there (a local initialized with it, an argument of another call, a branch of '?:')
    // runs the template itself, which throws, as in ordinary code.
    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol target = invocation.TargetMethod.OriginalDefinition;
        ReportYieldAllOverCoroutine(context, invocation, target);
        ReportSuspensionNotAwaitedWhereMade(context, invocation);
        // A local function marked [Coroutine] has no factory to suggest: COROGEN016 is reported at its declaration.
        if (!TemplateSignature.IsTemplate(target) || target.MethodKind == MethodKind.LocalFunction)
        {
            return;
        }

        if (context.ContainingSymbol is IMethodSymbol caller && TemplateSignature.IsTemplate(caller) && DelegatesOrIsAStatement(invocation.Syntax))
        {
            // COROGEN022: a delegation passes its own Yielder on, which the generated code drops for the factory's call.
            // One inside a lambda is COROGEN015's.
            if (OutsideParentheses(invocation.Syntax) is AwaitExpressionSyntax && NestedFunction(invocation) is null
                && caller.Parameters.Where(p => CoroutineTypes.IsYielder(p.Type)).ToList() is { Count: 1 } yielders && yielders[0] is var own
                && !TemplateSignature.PassesOwnYielder(invocation, own)
                && invocation.Arguments.First(a => a.Parameter is { } p && CoroutineTypes.IsYielder(p.Type)).Syntax is var passed)
            {
                // The argument as written ('null!': the operation tree has no node for '!'), or an extension call's receiver.
                SyntaxNode written = passed.FirstAncestorOrSelf<ArgumentSyntax>() is { Parent.Parent: var call } argument && call == invocation.Syntax
                    ? argument.Expression
                    : passed;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ForeignYielder, written.GetLocation(),
                    ImmutableDictionary<string, string?>.Empty.Add(OwnYielderProperty, own.Name),
                    $"'{invocation.Syntax}' passes '{written}' as the Yielder of '{target.Name}'", own.Name,
                    $"pass '{own.Name}' (the delegated template yields to this template's caller, and its factory takes no Yielder)"));
            }

            return;
        }

        string factory = target.Name + "(" + string.Join(", ", target.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)).Select(p => p.Name)) + ")";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TemplateCalledDirectly, invocation.Syntax.GetLocation(), target.Name, factory));
    }

    // COROGEN023: `co.YieldAll(sub)` over a coroutine, which is an IEnumerable of its yields: it compiles, and enumerates the
    // coroutine, where Python's one spelling for both, `yield from sub`, delegates (sends, throws and the result reach sub).
    private static void ReportYieldAllOverCoroutine(OperationAnalysisContext context, IInvocationOperation invocation, IMethodSymbol target)
    {
        if (target.Name != "YieldAll" || !CoroutineTypes.IsYielder(target.ContainingType) || invocation.Arguments.Length != 1)
        {
            return;
        }

        IOperation items = invocation.Arguments[0].Value;
        while (items is IConversionOperation { IsImplicit: true } conversion)
        {
            items = conversion.Operand;
        }

        if (CoroutineTypes.IsCoroutineOrConstrainedToOne(items.Type))
        {
            // The advice is 'await <argument>': an argument that is not a primary expression needs parentheses there.
            string argument = items.Syntax is ExpressionSyntax { } e && e is not (IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or ObjectCreationExpressionSyntax or ThisExpressionSyntax)
                ? $"({items.Syntax})"
                : items.Syntax.ToString();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.YieldAllOverCoroutine, items.Syntax.GetLocation(), invocation.Syntax, argument));
        }
    }

    private static bool DelegatesOrIsAStatement(SyntaxNode call) => OutsideParentheses(call) is AwaitExpressionSyntax or ExpressionStatementSyntax;

    // The node that holds the expression, past any parentheses around it.
    private static SyntaxNode? OutsideParentheses(SyntaxNode expression)
    {
        SyntaxNode? parent = expression.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent;
    }
}
