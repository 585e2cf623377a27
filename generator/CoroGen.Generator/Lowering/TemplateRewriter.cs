using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// Rewrites template code that is copied into the generated <c>Resume</c> method so that it means the same there:
/// hoisted locals and parameters become fields, <c>this</c> becomes the hoisted <c>@this</c>, <c>co</c> becomes the channel,
/// <c>return</c> completes the coroutine, and break/continue aimed at a lowered loop become gotos.
/// It reads the semantic model of the original nodes; it never changes code inside the copied statement's own loops and lambdas
/// beyond renaming.
/// </summary>
internal sealed partial class TemplateRewriter : CSharpSyntaxRewriter
{
    private readonly LoweringContext context;
    private readonly JumpTargets? jumps;
    private int functionDepth; // inside a lambda or local function: return/break/continue belong to it
    private int loopDepth;     // inside a loop of the copied code: break/continue belong to it
    private int switchDepth;   // inside a switch statement of the copied code: break belongs to it

    private TemplateRewriter(LoweringContext context)
    {
        this.context = context;
        jumps = context.Jumps.Count > 0 ? context.Jumps.Peek() : null;
    }

    public static TNode Rewrite<TNode>(LoweringContext context, TNode node)
        where TNode : SyntaxNode => (TNode)new TemplateRewriter(context).Visit(node)!;

    /// <summary>The rewritten text of a node, on one or more lines, without its leading and trailing trivia.</summary>
    public static string Text(LoweringContext context, SyntaxNode node) =>
        Dedent(WithoutDirectives(Rewrite(context, node)).WithoutTrivia().ToFullString(), node);

    // Preprocessor directives inside a copied node (`x =` / `#if DEBUG` / `1;` / `#else` / `2;` / `#endif`): the parser
    // already chose the branch, and the copy holds only some of the directives (the #endif belongs to the next token), so
    // they and the text they disabled are dropped; a #line among them would also break the generated file's mapping.
    // Each keeps its line breaks, though: a copied statement maps line for line from its first line's #line directive,
    // so every line it loses would shift the lines after it (stack traces would name a line too early).
    private static TNode WithoutDirectives<TNode>(TNode node)
        where TNode : SyntaxNode
    {
        if (!node.ContainsDirectives)
        {
            return node;
        }

        return node.ReplaceTrivia(
            node.DescendantTrivia().Where(t => t.IsDirective || t.IsKind(SyntaxKind.DisabledTextTrivia)),
            (original, _) => original.IsDirective ? EndOfLine("\n") : LineBreaksOf(original.ToFullString()));
    }

    // Empty lines for the line breaks of a text (disabled by #if), or nothing when it has none.
    private static SyntaxTrivia LineBreaksOf(string text)
    {
        int breaks = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                breaks++;
            }
        }

        return breaks == 0 ? ElasticMarker : EndOfLine(new string('\n', breaks));
    }

    /// <summary>The rewritten text of a local function whose body is wrapped in <paramref name="keyword"/> (checked or unchecked).</summary>
    public static string CheckedLocalFunctionText(LoweringContext context, LocalFunctionStatementSyntax node, string keyword)
    {
        LocalFunctionStatementSyntax rewritten = WithoutDirectives(Rewrite(context, node));
        bool isChecked = keyword == "checked";
        if (rewritten.Body is { } body)
        {
            CheckedStatementSyntax inner = CheckedStatement(isChecked ? SyntaxKind.CheckedStatement : SyntaxKind.UncheckedStatement, body.WithoutTrivia())
                .WithKeyword(Token(default, isChecked ? SyntaxKind.CheckedKeyword : SyntaxKind.UncheckedKeyword, TriviaList(Space)));
            rewritten = rewritten.WithBody(Block(inner).WithOpenBraceToken(Token(default, SyntaxKind.OpenBraceToken, TriviaList(Space)))
                .WithCloseBraceToken(Token(TriviaList(Space), SyntaxKind.CloseBraceToken, default)).WithTriviaFrom(body));
        }
        else
        {
            ExpressionSyntax expression = rewritten.ExpressionBody!.Expression;
            rewritten = rewritten.WithExpressionBody(rewritten.ExpressionBody.WithExpression(
                CheckedExpression(isChecked ? SyntaxKind.CheckedExpression : SyntaxKind.UncheckedExpression, expression.WithoutTrivia()).WithTriviaFrom(expression)));
        }

        return Dedent(rewritten.WithoutTrivia().ToFullString(), node);
    }

    public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
    {
        if (node.IsVar || IsNameOfMemberAccess(node))
        {
            return node;
        }

        ISymbol? symbol = SymbolOrInstanceCallee(node);
        if (symbol is null)
        {
            return node;
        }

        if (SymbolEqualityComparer.Default.Equals(symbol, context.Yielder))
        {
            // `co` passed to a helper method: the generated class's Channel property (see LoweringContext.UsesChannel).
            context.UsesChannel = true;
            return ParseExpression("this.Channel").WithTriviaFrom(node);
        }

        if (context.FieldOf.TryGetValue(symbol, out string? field) && !context.KeptAsLocals.Contains(symbol))
        {
            return HoistedAccess(symbol, field).WithTriviaFrom(node);
        }

        if (LocalFunctionBoxes(symbol) is { } boxes && !(node.Parent is InvocationExpressionSyntax invocation && invocation.Expression == node))
        {
            return LocalFunctionConversion(node, symbol, boxes) ?? RenamedLocalFunction(node, symbol);
        }

        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction })
        {
            return RenamedLocalFunction(node, symbol);
        }

        // A type or namespace left of a dot (`State.Idle` of the user's enum State, `Math.Max` beside a local named Math,
        // `System.Console`) named like a member of the generated class (its base's State, Current, Result, a local's field)
        // would find that member there: it is named in full.
        if (symbol is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }
            && node.Parent is MemberAccessExpressionSyntax access && access.Expression == node
            && context.MayNameAGeneratedMember(node.Identifier.ValueText))
        {
            return ParseExpression(symbol.ToDisplayString(SymbolFormats.FullyQualified)).WithTriviaFrom(node);
        }

        return PrimaryConstructorParameter(node, symbol) ?? ImplicitThisMember(node, symbol) ?? node;
    }

    // A local function that captures boxes, converted to a delegate: a lambda that calls it with this iteration's boxes.
    private ExpressionSyntax? LocalFunctionConversion(SimpleNameSyntax node, ISymbol function, List<ISymbol> boxes)
    {
        if (context.Model.GetTypeInfo(node, context.CancellationToken).ConvertedType is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke } delegateType)
        {
            context.Report(DiagnosticDescriptors.LoopVariableCaptured, node, boxes[0].Name);
            return null;
        }

        string delegateText = delegateType.ToDisplayString(SymbolFormats.FullyQualified);
        string parameters = string.Join(", ", invoke.Parameters.Select((_, i) => "__p" + i));
        string arguments = string.Join(", ", invoke.Parameters.Select((_, i) => "__p" + i).Concat(boxes.Select(b => BoxParameter(context.FieldOf[b]))));
        string lambda = $"({parameters}) => {RenamedLocalFunction(node, function).WithoutTrivia()}({arguments})";
        if (functionDepth > 0)
        {
            return ParseExpression($"(({delegateText})({lambda}))").WithTriviaFrom(node);
        }

        string types = string.Join(", ", boxes.Select(b => context.BoxedLocals[b]));
        string boxParameters = string.Join(", ", boxes.Select(b => BoxParameter(context.FieldOf[b])));
        string current = string.Join(", ", boxes.Select(b => $"this.@{context.FieldOf[b]}"));
        return ParseExpression($"((global::System.Func<{types}, {delegateText}>)(({boxParameters}) => {lambda}))({current})").WithTriviaFrom(node);
    }

    // A local function of a flattened block renamed because another declaration has its name (LoweringContext.RenamedLocalFunctions).
    private SimpleNameSyntax RenamedLocalFunction(SimpleNameSyntax node, ISymbol symbol) =>
        symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } function
        && context.RenamedLocalFunctions.TryGetValue(function.OriginalDefinition, out string? name)
            ? node.WithIdentifier(Identifier(node.Identifier.LeadingTrivia, name, node.Identifier.TrailingTrivia))
            : node;

    public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
    {
        var visited = (GenericNameSyntax)base.VisitGenericName(node)!;
        if (IsNameOfMemberAccess(node))
        {
            return visited;
        }

        ISymbol? symbol = SymbolOrInstanceCallee(node);
        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction })
        {
            return RenamedLocalFunction(visited, symbol);
        }

        return symbol is null ? visited : ImplicitThisMember(visited, symbol) ?? visited;
    }

    public override SyntaxNode? VisitThisExpression(ThisExpressionSyntax node) => FieldAccess("this").WithTriviaFrom(node);

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        if (node.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" }
            && context.Model.GetSymbolInfo(node.Expression, context.CancellationToken).Symbol is null
            && context.Model.GetConstantValue(node, context.CancellationToken) is { HasValue: true, Value: string name })
        {
            // nameof(co), nameof(local): the template's name, not that of the channel or field the argument is rewritten to.
            return LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(name)).WithTriviaFrom(node);
        }

        if (node.Expression is SimpleNameSyntax callee
            && LocalFunctionBoxes(context.Model.GetSymbolInfo(callee, context.CancellationToken).Symbol) is { } boxes)
        {
            var call = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
            return call.WithArgumentList(call.ArgumentList.AddArguments(boxes.Select(b => Argument(ParseExpression(BoxArgument(b)))).ToArray()));
        }

        if (CallerInfoArguments(node) is { Length: > 0 } callerInfo && base.VisitInvocationExpression(node) is InvocationExpressionSyntax withCallerInfo)
        {
            return withCallerInfo.WithArgumentList(WithCallerInfo(withCallerInfo.ArgumentList, callerInfo));
        }

        if (node.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } access
            && context.Model.GetSymbolInfo(node, context.CancellationToken).Symbol is IMethodSymbol method
            && method.Parameters.All(p => p.RefKind == RefKind.None) && !method.ReturnsByRef)
        {
            // base.M(args) -> this.@this.{proxy}(args): the proxy in the containing type makes the base call.
            string proxy = BaseProxy(method, $"{method.Name}_{method.Parameters.Length}", () =>
            {
                string parameters = string.Join(", ", method.Parameters.Select((p, i) => $"{p.Type.ToDisplayString(SymbolFormats.FullyQualified)} p{i}"));
                string arguments = string.Join(", ", method.Parameters.Select((_, i) => $"p{i}"));
                string typeArguments = method.IsGenericMethod ? "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(SymbolFormats.FullyQualified))) + ">" : string.Empty;
                string returns = method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(SymbolFormats.FullyQualified);
                return $"({parameters}) => base.{access.Name.Identifier.Text}{typeArguments}({arguments});|{returns}";
            });
            var arguments = (ArgumentListSyntax)Visit(node.ArgumentList)!;
            return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess("this"), IdentifierName(proxy)), arguments).WithTriviaFrom(node);
        }

        return base.VisitInvocationExpression(node);
    }

    public override SyntaxNode? VisitObjectCreationExpression(ObjectCreationExpressionSyntax node)
    {
        var created = (ObjectCreationExpressionSyntax)base.VisitObjectCreationExpression(node)!;
        return CallerInfoArguments(node) is { Length: > 0 } callerInfo && created.ArgumentList is { } arguments
            ? created.WithArgumentList(WithCallerInfo(arguments, callerInfo))
            : created;
    }

    public override SyntaxNode? VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node)
    {
        var created = (ImplicitObjectCreationExpressionSyntax)base.VisitImplicitObjectCreationExpression(node)!;
        return CallerInfoArguments(node) is { Length: > 0 } callerInfo
            ? created.WithArgumentList(WithCallerInfo(created.ArgumentList, callerInfo))
            : created;
    }

    private static ArgumentListSyntax WithCallerInfo(ArgumentListSyntax list, ArgumentSyntax[] callerInfo) =>
        list.AddArguments(callerInfo.Select((a, i) => list.Arguments.Count + i > 0 ? a.WithLeadingTrivia(Space) : a).ToArray());

    // Optional parameters the call leaves to caller information ([CallerMemberName], [CallerArgumentExpression],
    // [CallerFilePath], [CallerLineNumber]): the values C# gives them in the template, passed by name. Left to the
    // compiler, the copied call would get "Resume", the rewritten argument text ("this.@x > 0") and the generated file.
    private ArgumentSyntax[] CallerInfoArguments(ExpressionSyntax call)
    {
        IOperation? operation = context.Model.GetOperation(call, context.CancellationToken);
        System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments = operation switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };
        if (arguments.IsDefaultOrEmpty)
        {
            return System.Array.Empty<ArgumentSyntax>();
        }

        var result = new List<ArgumentSyntax>();
        foreach (IArgumentOperation argument in arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue || argument.Parameter is not { } parameter
                || !parameter.GetAttributes().Any(a => a.AttributeClass is { ContainingNamespace: { } ns } type
                    && ns.ToDisplayString() == "System.Runtime.CompilerServices" && type.Name.StartsWith("Caller", System.StringComparison.Ordinal))
                || argument.Value.ConstantValue is not { HasValue: true } value)
            {
                continue;
            }

            ExpressionSyntax literal = value.Value switch
            {
                string text => LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(text)),
                int number => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(number)),
                _ => null!,
            };
            if (literal is not null)
            {
                string name = SyntaxFacts.GetKeywordKind(parameter.Name) == SyntaxKind.None ? parameter.Name : "@" + parameter.Name;
                result.Add(Argument(literal).WithNameColon(NameColon(IdentifierName(name)).WithTrailingTrivia(Space)));
            }
        }

        return result.ToArray();
    }

    public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
    {
        if (node.Expression is BaseExpressionSyntax && node.Parent is not InvocationExpressionSyntax
            && !(node.Parent is AssignmentExpressionSyntax assignment && assignment.Left == node)
            && context.Model.GetSymbolInfo(node, context.CancellationToken).Symbol is IPropertySymbol { IsIndexer: false, ReturnsByRef: false } property
            && property.GetMethod is not null)
        {
            // A base property read -> this.@this.{proxy}().
            string proxy = BaseProxy(property, "get_" + property.Name, () =>
                $"() => base.{property.Name};|{property.Type.ToDisplayString(SymbolFormats.FullyQualified)}");
            return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess("this"), IdentifierName(proxy))).WithTriviaFrom(node);
        }

        return base.VisitMemberAccessExpression(node);
    }

    // One private proxy per base member and template, named after both: "{Template}_Base_{member}".
    private string BaseProxy(ISymbol member, string suffix, System.Func<string> signatureAndReturn)
    {
        string name = $"{context.Template.Name}_Base_{suffix}";
        string key = member.ToDisplayString(SymbolFormats.FullyQualified) + "#" + name;
        if (!context.Proxies.ContainsKey(key))
        {
            string[] parts = signatureAndReturn().Split('|');
            context.Proxies[key] = "/// <summary>Lets the generated class call a member of this type's base, as the template's <c>base.</c> does.</summary>\n"
                + $"private {parts[1]} {name}{parts[0]}";
        }

        return name;
    }

    // A primary constructor parameter of the template's type (`class Counter(int start)`), which only the type's own
    // members can name: read and written through a private property of the type, "{Template}_Primary_{parameter}". It has
    // no setter in a readonly struct, where the template cannot assign the parameter either.
    private ExpressionSyntax? PrimaryConstructorParameter(SimpleNameSyntax node, ISymbol symbol)
    {
        if (symbol is not IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor } parameter
            || !constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax))
        {
            return null;
        }

        if (node.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } or RefExpressionSyntax)
        {
            context.Report(DiagnosticDescriptors.UnforwardableAccess, node, $"the primary constructor parameter '{parameter.Name}' by reference",
                "copy it into a local, pass the local, and assign the parameter from it afterwards");
            return null;
        }

        string name = $"{context.Template.Name}_Primary_{parameter.Name}";
        string key = parameter.ToDisplayString(SymbolFormats.FullyQualified) + "#" + name;
        if (!context.Proxies.ContainsKey(key))
        {
            string escaped = SyntaxFacts.GetKeywordKind(parameter.Name) == SyntaxKind.None ? parameter.Name : "@" + parameter.Name;
            string type = parameter.Type.ToDisplayString(SymbolFormats.FullyQualified);
            bool readOnly = constructor.ContainingType is { IsValueType: true, IsReadOnly: true };

            // A parameter named `value` is hidden inside a setter by the setter's own `value`: a method assigns it instead.
            bool namedValue = parameter.Name == "value";
            string setter = readOnly ? string.Empty : namedValue ? $" set => {name}_Assign(value);" : $" set => {escaped} = value;";
            context.Proxies[key] = $"/// <summary>Lets the generated class read and write the primary constructor parameter <c>{parameter.Name}</c>, as the template does.</summary>\n"
                + $"private {type} {name} {{ get => {escaped};{setter} }}";
            if (namedValue && !readOnly)
            {
                context.Proxies[key + "_Assign"] = "/// <summary>Assigns the primary constructor parameter <c>value</c>, which a setter's own <c>value</c> would hide.</summary>\n"
                    + $"private void {name}_Assign({type} assigned) => value = assigned;";
            }
        }

        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess("this"), IdentifierName(name)).WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitBaseExpression(BaseExpressionSyntax node)
    {
        context.Report(DiagnosticDescriptors.UnforwardableAccess, node, "'base'", "call the base member through a helper method of the containing type");
        return node;
    }

    public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
    {
        if (functionDepth > 0)
        {
            return base.VisitReturnStatement(node);
        }

        // Through every moved-out finally block it leaves (context.ReturnText), or straight out.
        string? value = node.Expression is null ? null : ((ExpressionSyntax)Visit(node.Expression)!).WithoutTrivia().ToFullString();
        return ParseStatement(context.ReturnText(value)).WithTriviaFrom(node);
    }

    public override SyntaxNode? VisitBreakStatement(BreakStatementSyntax node) =>
        functionDepth == 0 && loopDepth == 0 && switchDepth == 0 && jumps is not null
            ? ParseStatement(context.JumpTo(jumps.Break, jumps.BreakDepth)).WithTriviaFrom(node)
            : node;

    public override SyntaxNode? VisitContinueStatement(ContinueStatementSyntax node) =>
        functionDepth == 0 && loopDepth == 0 && jumps?.Continue is not null
            ? ParseStatement(context.JumpTo(jumps.Continue!, jumps.ContinueDepth)).WithTriviaFrom(node)
            : node;

    public override SyntaxNode? VisitDeclarationExpression(DeclarationExpressionSyntax node)
    {
        // `out Span<int> s` (or `out var x`) of a local kept in Resume (HoistingPass.LiveAtASuspension) still declares it, under
        // its name in Resume.
        if (functionDepth == 0 && node.Designation is SingleVariableDesignationSyntax single
            && context.Model.GetDeclaredSymbol(single, context.CancellationToken) is ILocalSymbol local && context.InPlaceLocals.Contains(local))
        {
            return node.WithDesignation(single.WithIdentifier(Identifier("@" + context.FieldOf[local]).WithTriviaFrom(single.Identifier)));
        }

        // `out var x` and `var (a, b) = ...` of hoisted locals assign the fields instead.
        ExpressionSyntax? replaced = DesignationTarget(node.Designation);
        return replaced is not null ? replaced.WithTriviaFrom(node) : base.VisitDeclarationExpression(node);
    }

    // A catch-all clause of copied code (a try without suspension points: `catch`, `catch (Exception)`, `catch (object)`)
    // lets CoroutineExitException through, as `except Exception` lets GeneratorExit through, wherever the exit comes from
    // (the body's own `throw`, another coroutine's Throw or Close). Lambdas and local functions are not the body: kept.
    public override SyntaxNode? VisitCatchClause(CatchClauseSyntax node)
    {
        var visited = (CatchClauseSyntax)base.VisitCatchClause(node)!;
        if (functionDepth > 0)
        {
            return visited;
        }

        CatchDeclarationSyntax? declaration = node.Declaration;
        ITypeSymbol? caught = declaration is null ? null : context.Model.GetTypeInfo(declaration.Type, context.CancellationToken).Type;
        ExitCatch kind = CoroutineTypes.CatchOfExit(caught);
        if (kind is not (ExitCatch.CatchAll or ExitCatch.Depends))
        {
            return visited;
        }

        string name = visited.Declaration is { } d && !d.Identifier.IsKind(SyntaxKind.None) ? d.Identifier.ValueText : CatchAllName(node);
        string userFilter = visited.Filter is null ? string.Empty : $" && ({visited.Filter.FilterExpression.WithoutTrivia().ToFullString()})";
        TypeSyntax type = visited.Declaration?.Type.WithoutTrivia() ?? ParseTypeName("global::System.Exception");
        string exitPasses = CoroutineTypes.ExitPassesCondition(kind, name, type.ToString())!;
        CatchDeclarationSyntax newDeclaration = CatchDeclaration(type, Identifier(TriviaList(Space), name, TriviaList()))
            .WithOpenParenToken(visited.Declaration?.OpenParenToken ?? Token(SyntaxKind.OpenParenToken))
            .WithCloseParenToken(Token(SyntaxKind.CloseParenToken));
        CatchFilterClauseSyntax filter = CatchFilterClause(ParseExpression($"{exitPasses}{userFilter}"))
            .WithWhenKeyword(Token(TriviaList(Space), SyntaxKind.WhenKeyword, TriviaList(Space)));
        return visited
            .WithCatchKeyword(visited.CatchKeyword.WithTrailingTrivia(Space))
            .WithDeclaration(newDeclaration.WithLeadingTrivia().WithTrailingTrivia())
            .WithFilter(filter.WithTrailingTrivia(visited.Filter?.GetTrailingTrivia() ?? visited.Declaration?.GetTrailingTrivia() ?? visited.CatchKeyword.TrailingTrivia));
    }

    // The variable a bare `catch` gets to test for the exit: named after where the clause stands, so nested ones differ.
    private static string CatchAllName(CatchClauseSyntax node)
    {
        LinePosition start = node.GetLocation().GetLineSpan().StartLinePosition;
        return $"__exception_Line{start.Line + 1}_{start.Character + 1}";
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node) => InLoop(() => base.VisitWhileStatement(node));

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node) => InLoop(() => base.VisitDoStatement(node));

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node) => InLoop(() => base.VisitForStatement(node));

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node) => InLoop(() => base.VisitForEachStatement(node));

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node) => InLoop(() => base.VisitForEachVariableStatement(node));

    public override SyntaxNode? VisitSwitchStatement(SwitchStatementSyntax node)
    {
        switchDepth++;
        SyntaxNode? result = base.VisitSwitchStatement(node);
        switchDepth--;
        return result;
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => BindBoxes(node, InFunction(() => base.VisitParenthesizedLambdaExpression(node)));

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => BindBoxes(node, InFunction(() => base.VisitSimpleLambdaExpression(node)));

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => BindBoxes(node, InFunction(() => base.VisitAnonymousMethodExpression(node)));

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax?)InFunction(() => base.VisitLocalFunctionStatement(node));
        if (visited is not null && context.Model.GetDeclaredSymbol(node, context.CancellationToken) is { } declared
            && context.RenamedLocalFunctions.TryGetValue(declared, out string? renamed))
        {
            visited = visited.WithIdentifier(Identifier(visited.Identifier.LeadingTrivia, renamed, visited.Identifier.TrailingTrivia));
        }

        if (visited is not null && LocalFunctionBoxes(context.Model.GetDeclaredSymbol(node, context.CancellationToken)) is { } boxes)
        {
            // Its iteration's boxes arrive as parameters, as C# gives each iteration's local function its own variables.
            visited = visited.WithParameterList(visited.ParameterList.AddParameters(boxes
                .Select(b => Parameter(Identifier(BoxParameter(context.FieldOf[b]))).WithType(ParseTypeName(context.BoxedLocals[b] + " ")))
                .ToArray()));
        }

        return visited;
    }

    private List<ISymbol>? LocalFunctionBoxes(ISymbol? symbol) =>
        symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } method
        && context.BoxedLocalFunctions.TryGetValue(method.OriginalDefinition, out List<ISymbol>? boxes)
            ? boxes
            : null;

    // The boxes a call or conversion passes: the current iteration's fields, or, inside a function, its own box parameters.
    private string BoxArgument(ISymbol boxed) =>
        functionDepth > 0 ? BoxParameter(context.FieldOf[boxed]) : $"this.@{context.FieldOf[boxed]}";

    private ExpressionSyntax? DesignationTarget(VariableDesignationSyntax designation)
    {
        switch (designation)
        {
            case SingleVariableDesignationSyntax single:
                ISymbol? local = context.Model.GetDeclaredSymbol(single, context.CancellationToken);
                return local is not null && context.FieldOf.TryGetValue(local, out string? field) ? HoistedAccess(local, field) : null;
            case ParenthesizedVariableDesignationSyntax list:
                var parts = list.Variables.Select(v => v is DiscardDesignationSyntax ? IdentifierName("_") : DesignationTarget(v)).ToList();
                return parts.Any(p => p is null)
                    ? null
                    : TupleExpression(SeparatedList(parts.Select(p => Argument(p!))));
            default:
                return null;
        }
    }

    // An unqualified reference to an instance member of the containing type now needs the hoisted 'this'.
    // The name's symbol; for the callee of a call that binds to no method, such as an instance template's factory
    // (`await Other();`, which the template's own compilation does not have yet), the method it must be, when every
    // candidate is an instance method of the template's types: the call then goes through the hoisted 'this' like any
    // instance call (inside the generated class, a simple name would be CS0120).
    private ISymbol? SymbolOrInstanceCallee(SimpleNameSyntax node)
    {
        SymbolInfo info = context.Model.GetSymbolInfo(node, context.CancellationToken);
        if (info.Symbol is { } symbol)
        {
            return symbol;
        }

        return node.Parent is InvocationExpressionSyntax invocation && invocation.Expression == node
            && info.CandidateSymbols.Length > 0
            && info.CandidateSymbols.All(c => c is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary, ContainingType: not null })
            ? info.CandidateSymbols[0]
            : null;
    }

    private ExpressionSyntax? ImplicitThisMember(SimpleNameSyntax node, ISymbol symbol)
    {
        if (symbol.ContainingType is null || symbol.Kind is not (SymbolKind.Field or SymbolKind.Property or SymbolKind.Method or SymbolKind.Event))
        {
            return null;
        }

        if (symbol.IsStatic)
        {
            return StaticMemberOfAnOuterType(node, symbol);
        }

        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction })
        {
            return null;
        }

        if (NamesAMemberOfSomethingElse(node))
        {
            return null;
        }

        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess("this"), node.WithoutTrivia()).WithTriviaFrom(node);
    }

    // A static member of the template's type (or its bases) named like a member of the generated class (`Current`, `State`,
    // `Send`, ..., a field holding one of the template's locals, a state constant): inside the generated class the simple
    // name would find the coroutine's own member (silently, when the types fit), so it is qualified with its type. Other
    // static members keep their simple names.
    private ExpressionSyntax? StaticMemberOfAnOuterType(SimpleNameSyntax node, ISymbol symbol)
    {
        if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } || !context.MayNameAGeneratedMember(node.Identifier.ValueText)
            || NamesAMemberOfSomethingElse(node))
        {
            return null;
        }

        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseTypeName(symbol.ContainingType.ToDisplayString(SymbolFormats.FullyQualified)), node.WithoutTrivia()).WithTriviaFrom(node);
    }

    // A simple name that stands for a member of another object, not of the template's type: `?.Name`, a named argument, an
    // anonymous object's or an object initializer's member, a property pattern's member.
    private static bool NamesAMemberOfSomethingElse(SimpleNameSyntax node) =>
        node.Parent is MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax || NamesAPatternMember(node)
        || node.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment && assignment.Left == node;

    // The first name of a C# 10 extended property pattern (`{ In.X: > 2 }`, `{ A.B.C: var c }`): a member of the pattern's
    // input, not of the template's type, whatever it binds to.
    private static bool NamesAPatternMember(SimpleNameSyntax node)
    {
        SyntaxNode name = node;
        while (name.Parent is MemberAccessExpressionSyntax access && access.Expression == name)
        {
            name = access;
        }

        return name.Parent is ExpressionColonSyntax;
    }

    // Also an attribute's name (`[Obsolete] int F() => 1;` on a local function or lambda), which binds to the attribute's
    // constructor and is no expression to rewrite.
    private static bool IsNameOfMemberAccess(SimpleNameSyntax node) =>
        node.Parent is MemberAccessExpressionSyntax access && access.Name == node
        || node.Parent is QualifiedNameSyntax qualified && qualified.Right == node
        || node.Parent is MemberBindingExpressionSyntax
        || node.Parent is AttributeSyntax attribute && attribute.Name == node;

    private static MemberAccessExpressionSyntax FieldAccess(string field) =>
        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), IdentifierName(Identifier(default, SyntaxKind.IdentifierToken, "@" + field, field, default)));

    private static StatementSyntax Goto(string label, StatementSyntax node) =>
        ParseStatement($"goto {label};").WithTriviaFrom(node);

    private SyntaxNode? InLoop(System.Func<SyntaxNode?> visit)
    {
        loopDepth++;
        SyntaxNode? result = visit();
        loopDepth--;
        return result;
    }

    private SyntaxNode? InFunction(System.Func<SyntaxNode?> visit)
    {
        functionDepth++;
        SyntaxNode? result = visit();
        functionDepth--;
        return result;
    }

    // Continuation lines keep their indentation relative to the statement's first line.
    private static string Dedent(string text, SyntaxNode original)
    {
        if (text.IndexOf('\n') < 0)
        {
            return text;
        }

        int column = original.GetLocation().GetLineSpan().StartLinePosition.Character;
        string[] lines = text.Split('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int strip = 0;
            while (strip < column && strip < line.Length && line[strip] == ' ')
            {
                strip++;
            }

            lines[i] = line.Substring(strip);
        }

        return string.Join("\n", lines);
    }
}
