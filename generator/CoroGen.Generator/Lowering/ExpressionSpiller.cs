using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Lowering;

/// <summary>Emits one suspension point (<c>BodyLowerer.Suspend</c>): "{0}" in the format is the await's value.</summary>
internal delegate void SuspendEmitter(AwaitExpressionSyntax node, string? resultFormat, SyntaxNode statement, List<BodyLine> output);

/// <summary>
/// Spills suspension points out of an expression (REWRITE-DESIGN 6.7, Roslyn's SpillSequenceSpiller written as source):
/// everything C# evaluates before a suspension point is evaluated first, in C#'s order, into temporaries (fields, so
/// they survive the suspension); the suspension becomes statements; what comes after stays in the expression. Each
/// evaluated subexpression is recorded in <see cref="LoweringContext.Replacements"/>, so that afterwards
/// <c>TemplateRewriter.Text(expression)</c> is the rest of the expression, to be written where the statement needs it.
/// <list type="bullet">
/// <item>Operands, receivers and arguments before the last suspending sibling are kept by value (even plain locals: a
/// closure may assign them while suspended), except constants, lambdas, types and temporaries.</item>
/// <item>Variables used by location (struct receivers, ref/out/in arguments, assignment targets) keep the location:
/// their fields stay, reference receivers, arrays and indices are kept by value.</item>
/// <item><c>&amp;&amp;</c>, <c>||</c>, <c>??</c>, <c>??=</c>, <c>?:</c>, <c>?.</c> and switch expressions with suspending
/// branches become jumps into a result temporary, so a branch that is not taken does not suspend.</item>
/// <item>Compound assignments read the old value before the right side suspends; object and collection initializers fill a
/// temporary member by member; checked contexts stay on every expression that is moved.</item>
/// </list>
/// </summary>
internal sealed class ExpressionSpiller
{
    private readonly LoweringContext context;
    private readonly SuspendEmitter suspend;
    private readonly List<BodyLine> output;
    private ExpressionSyntax? statementExpression;
    private bool failed;

    // The `.B` or `[k]` right of a `?.` whose suspending part follows, with the kept receiver they stand on: their text is
    // rewritten onto that receiver, but they are still to be evaluated, and kept, like any other part (`a?.B.C += await x`
    // reads B once, before the suspension; `a?[Next()] += await x` calls Next once).
    private readonly Dictionary<SyntaxNode, string> conditionalBindings = new();

    public ExpressionSpiller(LoweringContext context, SuspendEmitter suspend, List<BodyLine> output)
    {
        this.context = context;
        this.suspend = suspend;
        this.output = output;
    }

    private enum Mode
    {
        /// <summary>Kept by value.</summary>
        Value,

        /// <summary>An assignment or increment target: its location is kept, and used (checked) after the suspension.</summary>
        Location,

        /// <summary>A receiver that is or may be a struct, used in place: an array element's array and index are checked before the suspension.</summary>
        Receiver,

        /// <summary>A <c>ref</c>, <c>out</c> or <c>in</c> argument: C# takes the reference first, so an array element is checked before.</summary>
        Reference,

        /// <summary>A collection expression's spread.</summary>
        Spread,
    }

    /// <summary>
    /// Emits the statements that evaluate <paramref name="expression"/> up to and through its last suspension point.
    /// Afterwards its text is the rest, or it is replaced by "" when <paramref name="isStatement"/> and nothing is left
    /// to evaluate. Returns false when a diagnostic was reported.
    /// </summary>
    public bool Spill(ExpressionSyntax expression, bool isStatement = false)
    {
        statementExpression = isStatement ? Unparenthesize(expression) : null;

        // Lowered again (a statement the lowering writes twice): its parts get fresh temporaries and states.
        foreach (SyntaxNode stale in context.Replacements.Keys.Where(k => k.SyntaxTree == expression.SyntaxTree && expression.Span.Contains(k.Span)).ToList())
        {
            context.Replacements.Remove(stale);
        }

        conditionalBindings.Clear();
        Visit(expression);
        return !failed;
    }

    /// <summary>Whether the spiller evaluated the whole statement expression (nothing is left to write).</summary>
    public static bool IsFullyEvaluated(LoweringContext context, ExpressionSyntax expression) =>
        context.Replacements.TryGetValue(Unparenthesize(expression), out string? text) && text.Length == 0;

    // ---- Traversal ----

    private void Visit(ExpressionSyntax expression)
    {
        if (failed || context.Replacements.ContainsKey(expression) || !context.ContainsSuspension(expression))
        {
            return;
        }

        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                Visit(parenthesized.Expression);
                break;
            case AwaitExpressionSyntax awaitExpression:
                VisitAwait(awaitExpression);
                break;
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression):
                VisitLogical(binary);
                break;
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression):
                VisitCoalesce(binary);
                break;
            case ConditionalExpressionSyntax conditional:
                VisitConditional(conditional);
                break;
            case ConditionalAccessExpressionSyntax conditionalAccess:
                VisitConditionalAccess(conditionalAccess);
                break;
            case AssignmentExpressionSyntax assignment:
                VisitAssignment(assignment);
                break;
            case BaseObjectCreationExpressionSyntax { Initializer: { } initializer } creation
                when context.ContainsSuspension(initializer) && !initializer.IsKind(SyntaxKind.WithInitializerExpression):
                VisitInitializedCreation(creation, initializer);
                break;
            case SwitchExpressionSyntax switchExpression when switchExpression.Arms.Any(a => a.WhenClause is not null && context.ContainsSuspension(a.WhenClause)):
                VisitSwitchInSequence(switchExpression);
                break;
            case SwitchExpressionSyntax switchExpression when switchExpression.Arms.Any(a => context.ContainsSuspension(a)):
                VisitSwitch(switchExpression);
                break;
            case CollectionExpressionSyntax collection when AddTarget(collection) is { } addTarget:
                VisitCollectionAdd(collection, addTarget);
                break;
            case QueryExpressionSyntax:
                Fail(expression, "a query expression, which CoroGen does not split (C# allows a suspension point only in its first 'from' collection)",
                    "await into a local before the query, for example 'var items = await co.Yield(x);', and query the local");
                break;
            case RefExpressionSyntax:
                Fail(expression, "a ref expression (a reference cannot be kept in a field across a suspension point)");
                break;
            default:
                List<Child>? children = Children(expression);
                if (children is null)
                {
                    Fail(expression, $"a {Describe(expression)}");
                    return;
                }

                Sequence(children);
                break;
        }
    }

    private readonly struct Child
    {
        public Child(ExpressionSyntax node, Mode mode, string role)
        {
            Node = node;
            Mode = mode;
            Role = role;
        }

        public ExpressionSyntax Node { get; }

        public Mode Mode { get; }

        public string Role { get; }
    }

    // Visits the children in evaluation order; each one evaluated before the last suspending child is kept.
    private void Sequence(List<Child> children)
    {
        int last = children.FindLastIndex(c => context.ContainsSuspension(c.Node));
        for (int i = 0; i <= last && !failed; i++)
        {
            Visit(children[i].Node);
            if (i < last)
            {
                Keep(children[i]);
            }
        }
    }

    private void Keep(Child child)
    {
        switch (child.Mode)
        {
            case Mode.Value:
                SaveValue(child.Node, child.Role);
                break;
            case Mode.Location or Mode.Reference:
                SaveLocation(child.Node, child.Role, child.Mode);
                break;
            case Mode.Receiver:
                SaveLocation(child.Node, child.Role, child.Mode);
                KeepReferenceTypeReceiver(child.Node);
                break;
            case Mode.Spread:
                SaveSpread(child.Node, child.Role);
                break;
        }
    }

    // A receiver whose type is a type parameter that may be a class or a struct (`t.Add(await x)` with `where T : IAdd`): C#
    // uses the variable itself when T is a struct (its mutations stay), but the object it refers to when T is a class, read
    // before the arguments, so a later argument that assigns the variable does not change the object called. The generated
    // code keeps that object and calls through a ref conditional that the JIT folds for each T.
    private void KeepReferenceTypeReceiver(ExpressionSyntax node)
    {
        ExpressionSyntax inner = Unparenthesize(node);
        bool variable = context.Model.GetSymbolInfo(inner, context.CancellationToken).Symbol is ILocalSymbol { IsRef: false } or IParameterSymbol { RefKind: RefKind.None } or IFieldSymbol
            || inner is ElementAccessExpressionSyntax element && TypeOf(element.Expression) is IArrayTypeSymbol;
        if (failed || !variable || context.Replacements.ContainsKey(node)
            || TypeOf(node) is not ITypeParameterSymbol { IsValueType: false, IsReferenceType: false } parameter)
        {
            return; // any other receiver (a property's value, a call's result) is a value C# itself calls on a copy of
        }

        string? temp = AddTemp(node, "receiver", parameter);
        if (temp is null)
        {
            return;
        }

        string type = TypeText(parameter);
        string location = Text(node);
        Emit($"if (default({type}) is null) {temp} = {location};", node);
        Replace(node, $"(default({type}) is null ? ref {temp} : ref {location})");
    }

    // A spread before a suspension point: C# (Roslyn's lowering, which the oracle runs) enumerates it before the suspension
    // when it fills the collection element by element (lists, interfaces, builder and collection-initializer types, and
    // arrays with a spread without a Length or Count), and after it when it first counts every element (an array whose
    // spreads are all countable): then only the collection is kept. In the first case keeping only the collection
    // would enumerate it after resuming (its side effects late, changes made while suspended showing), so its elements are
    // copied into a list there; an element conversion that runs user code would then run early, so it is reported.
    private void SaveSpread(ExpressionSyntax node, string role)
    {
        if (failed || context.Replacements.ContainsKey(node))
        {
            return;
        }

        if (node.Parent is not SpreadElementSyntax { Parent: CollectionExpressionSyntax collection }
            || CoroutineTypes.ForEachElementType(TypeOf(node)) is not { } elementType)
        {
            Fail(node, $"the spread '..{Short(node)}', whose elements must be enumerated before the suspension point and whose element type is unknown");
            return;
        }

        ITypeSymbol? target = context.Model.GetTypeInfo(collection, context.CancellationToken).ConvertedType;
        if (CountsFirst(target) && collection.Elements.OfType<SpreadElementSyntax>().All(s => Countable(TypeOf(s.Expression))))
        {
            SaveValue(node, role);
            return;
        }

        if (CoroutineTypes.ForEachElementType(target) is { } targetElement
            && context.Model.Compilation.ClassifyConversion(elementType, targetElement) is { IsUserDefined: true } conversion)
        {
            Fail(node, $"the spread '..{Short(node)}', whose elements go through the user-defined conversion '{conversion.MethodSymbol?.ToDisplayString()}' before the suspension point");
            return;
        }

        INamedTypeSymbol? list = context.Model.Compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        if (list is null)
        {
            Fail(node, $"the spread '..{Short(node)}' (System.Collections.Generic.List<T> is missing to keep its elements in)");
            return;
        }

        string? temp = AddTemp(node, role, list.Construct(elementType));
        if (temp is null)
        {
            return;
        }

        Emit($"{temp} = [.. {Evaluate(node)}];", node, braced: HasLocalDesignation(node));
        Replace(node, temp);
    }

    // The subexpressions of an ordinary expression, in the order C# evaluates them; null if the spiller does not know it.
    private List<Child>? Children(ExpressionSyntax expression)
    {
        var children = new List<Child>();
        switch (expression)
        {
            case InvocationExpressionSyntax invocation:
                AddCallee(invocation, children);
                AddArguments(invocation.ArgumentList.Arguments, children);
                return children;
            case ElementAccessExpressionSyntax elementAccess:
                children.Add(new Child(elementAccess.Expression, ReceiverMode(elementAccess.Expression), "receiver"));
                AddArguments(elementAccess.ArgumentList.Arguments, children);
                return children;
            case ElementBindingExpressionSyntax elementBinding:
                AddArguments(elementBinding.ArgumentList.Arguments, children);
                return children;
            case ImplicitElementAccessSyntax implicitElementAccess:
                AddArguments(implicitElementAccess.ArgumentList.Arguments, children);
                return children;
            case MemberAccessExpressionSyntax memberAccess:
                children.Add(new Child(memberAccess.Expression, Mode.Value, "receiver"));
                return children;
            case BinaryExpressionSyntax binary:
                // A user-defined operator taking its left operand `in` (`operator +(in T a, int b)`) gets the variable itself.
                bool leftIn = context.Model.GetOperation(binary, context.CancellationToken) is IBinaryOperation { OperatorMethod.Parameters: { Length: 2 } parameters } binaryOperation
                    && parameters[0].RefKind is RefKind.In or RefKind.RefReadOnlyParameter
                    && SymbolEqualityComparer.Default.Equals(binaryOperation.LeftOperand.Type, parameters[0].Type) && PassedByReference(binaryOperation.LeftOperand);
                children.Add(new Child(binary.Left, leftIn ? Mode.Reference : Mode.Value, "left"));
                children.Add(new Child(binary.Right, Mode.Value, "right"));
                return children;
            case PrefixUnaryExpressionSyntax prefix:
                children.Add(new Child(prefix.Operand, IsIncrement(prefix.Kind()) ? Mode.Location : Mode.Value, "operand"));
                return children;
            case PostfixUnaryExpressionSyntax postfix:
                children.Add(new Child(postfix.Operand, IsIncrement(postfix.Kind()) ? Mode.Location : Mode.Value, "operand"));
                return children;
            case CastExpressionSyntax cast:
                children.Add(new Child(cast.Expression, Mode.Value, "operand"));
                return children;
            case CheckedExpressionSyntax checkedExpression:
                children.Add(new Child(checkedExpression.Expression, Mode.Value, "operand"));
                return children;
            case TupleExpressionSyntax tuple when IsDeconstructionTarget(tuple):
                // `(a[i], b.P) = ...`: each target's location (array, receiver, indices) is kept, not its value.
                for (int i = 0; i < tuple.Arguments.Count; i++)
                {
                    children.Add(new Child(tuple.Arguments[i].Expression, Mode.Location, "target" + (i + 1)));
                }

                return children;
            case TupleExpressionSyntax tuple:
                AddArguments(tuple.Arguments, children, "element");
                return children;
            case ArrayCreationExpressionSyntax arrayCreation:
                foreach (ExpressionSyntax size in arrayCreation.Type.RankSpecifiers.SelectMany(r => r.Sizes).Where(s => s is not OmittedArraySizeExpressionSyntax))
                {
                    children.Add(new Child(size, Mode.Value, "length"));
                }

                if (arrayCreation.Initializer is not null)
                {
                    AddElements(arrayCreation.Initializer, children);
                }

                return children;
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                AddElements(implicitArray.Initializer, children);
                return children;
            case InitializerExpressionSyntax arrayInitializer when arrayInitializer.IsKind(SyntaxKind.ArrayInitializerExpression):
                AddElements(arrayInitializer, children);
                return children;
            case CollectionExpressionSyntax collection:
                foreach (CollectionElementSyntax element in collection.Elements)
                {
                    switch (element)
                    {
                        case ExpressionElementSyntax e:
                            children.Add(new Child(e.Expression, Mode.Value, "element" + (children.Count + 1)));
                            break;
                        case SpreadElementSyntax s:
                            children.Add(new Child(s.Expression, Mode.Spread, "spread" + (children.Count + 1)));
                            break;
                        default:
                            return null;
                    }
                }

                return children;
            case BaseObjectCreationExpressionSyntax creation:
                if (creation.ArgumentList is not null)
                {
                    AddArguments(creation.ArgumentList.Arguments, children);
                }

                return children; // an initializer without suspension points runs after them
            case AnonymousObjectCreationExpressionSyntax anonymous:
                foreach (AnonymousObjectMemberDeclaratorSyntax member in anonymous.Initializers)
                {
                    children.Add(new Child(member.Expression, Mode.Value, member.NameEquals?.Name.Identifier.ValueText ?? "member" + (children.Count + 1)));
                }

                return children;
            case InterpolatedStringExpressionSyntax interpolated:
                if (StoppingHandler(interpolated) is { } handler)
                {
                    // C# skips the holes after a false shouldAppend or Append result, with their suspension points; the
                    // holes are evaluated before the handler exists here (README, "Decisions"), so that cannot be kept.
                    Fail(interpolated, $"an interpolated string handed to the handler '{handler.Name}', which can stop appending (an 'out bool' constructor parameter or Append methods returning bool) and then skips the later holes and their suspension points",
                        "move the suspension point into its own statement before the call, for example 'var value = await co.Yield(x);', and use 'value' in the hole");
                    return children;
                }

                foreach (InterpolationSyntax hole in interpolated.Contents.OfType<InterpolationSyntax>())
                {
                    children.Add(new Child(hole.Expression, Mode.Value, "hole" + (children.Count + 1)));
                    if (hole.AlignmentClause is not null)
                    {
                        children.Add(new Child(hole.AlignmentClause.Value, Mode.Value, "alignment"));
                    }
                }

                return children;
            case IsPatternExpressionSyntax isPattern:
                children.Add(new Child(isPattern.Expression, Mode.Value, "operand"));
                return children;
            case SwitchExpressionSyntax switchExpression:
                children.Add(new Child(switchExpression.GoverningExpression, Mode.Value, "governing"));
                return children;
            case ThrowExpressionSyntax throwExpression:
                children.Add(new Child(throwExpression.Expression, Mode.Value, "exception"));
                return children;
            case RangeExpressionSyntax range:
                if (range.LeftOperand is not null)
                {
                    children.Add(new Child(range.LeftOperand, Mode.Value, "start"));
                }

                if (range.RightOperand is not null)
                {
                    children.Add(new Child(range.RightOperand, Mode.Value, "end"));
                }

                return children;
            case WithExpressionSyntax with:
                children.Add(new Child(with.Expression, Mode.Value, "original"));
                foreach (ExpressionSyntax e in with.Initializer.Expressions)
                {
                    if (e is not AssignmentExpressionSyntax member)
                    {
                        return null;
                    }

                    children.Add(new Child(member.Right, Mode.Value, "member" + children.Count));
                }

                return children;
            default:
                return null;
        }
    }

    // The handler type of an interpolated string converted to an interpolated string handler whose constructor or Append
    // methods can stop the appending; null for any other interpolated string.
    private ITypeSymbol? StoppingHandler(InterpolatedStringExpressionSyntax interpolated)
    {
        // The creation is bound to the string itself (under an implicit conversion) or, for `$"a" + $"b"`, to the addition.
        for (IOperation? operation = context.Model.GetOperation(interpolated, context.CancellationToken);
             operation is not null && operation.Syntax is InterpolatedStringExpressionSyntax or BinaryExpressionSyntax or ParenthesizedExpressionSyntax;
             operation = operation.Parent)
        {
            IInterpolatedStringHandlerCreationOperation? creation = operation as IInterpolatedStringHandlerCreationOperation
                ?? (operation as IConversionOperation)?.Operand as IInterpolatedStringHandlerCreationOperation;
            if (creation is not null)
            {
                return creation.HandlerCreationHasSuccessParameter || creation.HandlerAppendCallsReturnBool ? creation.HandlerCreation.Type : null;
            }
        }

        return null;
    }

    // The left side of a deconstruction assignment, or a tuple nested in it.
    private static bool IsDeconstructionTarget(TupleExpressionSyntax tuple)
    {
        ExpressionSyntax node = tuple;
        while (node.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax outer })
        {
            node = outer;
        }

        return node.Parent is AssignmentExpressionSyntax assignment && assignment.Left == node;
    }

    private static bool IsIncrement(SyntaxKind kind) => kind is SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression
        or SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression;

    // What C# evaluates for the method or delegate an invocation calls, before its arguments.
    private void AddCallee(InvocationExpressionSyntax invocation, List<Child> children)
    {
        SymbolInfo info = context.Model.GetSymbolInfo(invocation, context.CancellationToken);
        IMethodSymbol? method = info.Symbol as IMethodSymbol;
        if (method is null && info.CandidateSymbols.Length > 0 && info.CandidateSymbols.All(c => c is IMethodSymbol { MethodKind: not MethodKind.DelegateInvoke })
            && info.CandidateSymbols.Select(c => (((IMethodSymbol)c).IsStatic, ((IMethodSymbol)c).ReducedFrom is null)).Distinct().Count() == 1)
        {
            // A method call that does not bind while generating, because an argument calls a factory this generator writes
            // (`co.Yield(await Sub())`: here Sub binds to its template, which takes the Yielder too): its candidates say
            // what kind of method it is, which is all that decides what C# evaluates before the arguments.
            method = (IMethodSymbol)info.CandidateSymbols[0];
        }

        if (method is null && context.Model.GetOperation(invocation, context.CancellationToken) is IDynamicInvocationOperation { Operation: var callee })
        {
            // A late-bound call (`d.M(1, await x)`): C# evaluates its receiver, then the arguments, and binds the name at
            // the call; a method of this type or of a type (`M(d, ...)`, `Type.M(d, ...)`) has nothing to keep.
            if (callee is IDynamicMemberReferenceOperation { Instance: not null } && invocation.Expression is MemberAccessExpressionSyntax dynamicAccess)
            {
                children.Add(new Child(dynamicAccess.Expression, ReceiverMode(dynamicAccess.Expression), "receiver"));
            }
            else if (callee is not IDynamicMemberReferenceOperation)
            {
                children.Add(new Child(invocation.Expression, Mode.Value, "delegate"));
            }

            return;
        }

        bool delegateCall = method is null || method.MethodKind == MethodKind.DelegateInvoke;
        switch (invocation.Expression)
        {
            case MemberBindingExpressionSyntax:
                return; // the receiver is the conditional access's, already kept
            case SimpleNameSyntax when !delegateCall:
                return; // a method of this type: its receiver is the hoisted 'this', which does not change
            case MemberAccessExpressionSyntax access when !delegateCall:
                if (method!.IsStatic && method.ReducedFrom is null)
                {
                    return; // Type.Method(...)
                }

                if (method.ReducedFrom is { } extension)
                {
                    // An extension method's receiver is its first argument: by value, by location for 'ref this'.
                    bool byRef = extension.Parameters.FirstOrDefault()?.RefKind is RefKind.Ref or RefKind.In;
                    children.Add(new Child(access.Expression, byRef ? Mode.Receiver : Mode.Value, "receiver"));
                    return;
                }

                children.Add(new Child(access.Expression, ReceiverMode(access.Expression), "receiver"));
                return;
            default:
                // A delegate: the value invoked is the one read before the arguments (case 21).
                if (method is not null || invocation.Expression is not SimpleNameSyntax)
                {
                    children.Add(new Child(invocation.Expression, Mode.Value, "delegate"));
                }

                return;
        }
    }

    // A struct receiver that is a variable is used where it is (its mutations stay); anything else by value.
    private Mode ReceiverMode(ExpressionSyntax receiver)
    {
        ITypeSymbol? type = context.Model.GetTypeInfo(receiver, context.CancellationToken).Type;
        if (type is null || type.IsReferenceType || type.TypeKind == TypeKind.Array)
        {
            return Mode.Value;
        }

        return Mode.Receiver;
    }

    private void AddArguments(SeparatedSyntaxList<ArgumentSyntax> arguments, List<Child> children, string role = "argument")
    {
        // Lexical order is evaluation order, named arguments included; params elements are arguments like the others.
        for (int i = 0; i < arguments.Count; i++)
        {
            ArgumentSyntax argument = arguments[i];
            children.Add(new Child(argument.Expression, ArgumentMode(argument), role + (i + 1)));
        }
    }

    // A `ref`, `out` or `in` argument is passed by reference; so is a variable passed without a modifier to an `in` or
    // `ref readonly` parameter (the callee sees what later arguments write to it), while any other value passed there
    // (an rvalue, or a variable converted to the parameter's type) is a copy C# makes where it evaluates the argument.
    private Mode ArgumentMode(ArgumentSyntax argument)
    {
        if (!argument.RefKindKeyword.IsKind(SyntaxKind.None))
        {
            return Mode.Reference;
        }

        return context.Model.GetOperation(argument, context.CancellationToken) is IArgumentOperation { Parameter.RefKind: RefKind.In or RefKind.RefReadOnlyParameter } passed
            && PassedByReference(passed.Value) ? Mode.Reference : Mode.Value;
    }

    // An operand C# passes by reference to an `in` parameter: a variable of the parameter's type.
    private static bool PassedByReference(IOperation value) => value switch
    {
        ILocalReferenceOperation { Local.IsRef: false } or IParameterReferenceOperation or IArrayElementReferenceOperation => true,
        IInstanceReferenceOperation { Type.IsValueType: true } => true, // a struct's 'this' is a variable
        IFieldReferenceOperation { Instance: null or not { Type.IsValueType: true } } => true,
        IFieldReferenceOperation { Instance: { } instance } => PassedByReference(instance) || instance is IInstanceReferenceOperation,
        _ => false,
    };

    private static void AddElements(InitializerExpressionSyntax initializer, List<Child> children)
    {
        foreach (ExpressionSyntax element in initializer.Expressions)
        {
            if (element is InitializerExpressionSyntax nested)
            {
                AddElements(nested, children); // a rectangular array's rows: their elements are evaluated in order
            }
            else
            {
                children.Add(new Child(element, Mode.Value, "element" + (children.Count + 1)));
            }
        }
    }

    // ---- Suspension points ----

    private void VisitAwait(AwaitExpressionSyntax node)
    {
        // The awaited expression's own operands first (`await co.Yield(F(), await co.Yield(1))`, `await Sub(await co.Yield(1), co)`).
        Visit(node.Expression);
        if (failed)
        {
            return;
        }

        ITypeSymbol? type = context.Model.GetTypeInfo(node, context.CancellationToken).Type;
        if (type is null || type.SpecialType == SpecialType.System_Void || ReferenceEquals(node, statementExpression))
        {
            suspend(node, null, node, output);
            Replace(node, string.Empty);
            return;
        }

        string? temp = AddTemp(node, IsYield(node) ? "sent" : "result", type);
        if (temp is null)
        {
            return;
        }

        suspend(node, temp + " = {0};", node, output);
        Replace(node, temp);
    }

    private bool IsYield(AwaitExpressionSyntax node) =>
        node.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Yield" } access }
        && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(access.Expression, context.CancellationToken).Symbol, context.Yielder);

    // ---- Short circuits ----

    private void VisitLogical(BinaryExpressionSyntax node)
    {
        if (!context.ContainsSuspension(node.Right))
        {
            Visit(node.Left);
            return;
        }

        if (context.Model.GetOperation(node, context.CancellationToken) is not IBinaryOperation { OperatorMethod: null } operation
            || operation.Type?.SpecialType != SpecialType.System_Boolean)
        {
            // Moving the suspension out of the expression would make it run whatever the left operand: say how to keep it conditional.
            Fail(node.Right, $"the right operand of a user-defined '{node.OperatorToken.Text}' operator",
                $"write the '{node.OperatorToken.Text}' as an 'if' statement that tests the left operand first and suspends only when the right operand is needed");
            return;
        }

        bool and = node.IsKind(SyntaxKind.LogicalAndExpression);
        Visit(node.Left);
        string? result = AddTemp(node, "condition", operation.Type);
        if (result is null)
        {
            return;
        }

        // `a && b`: b only runs, and only suspends, when a is true (case 22).
        string end = context.Label((and ? "EndAnd_Line" : "EndOr_Line") + Line(node));
        EmitAssign(result, node.Left);
        Emit(and ? $"if (!{result}) goto {end};" : $"if ({result}) goto {end};", node);
        Visit(node.Right);
        EmitAssign(result, node.Right);
        Label(end);
        Replace(node, result);
    }

    private void VisitCoalesce(BinaryExpressionSyntax node)
    {
        if (!context.ContainsSuspension(node.Right))
        {
            Visit(node.Left);
            return;
        }

        Visit(node.Left);
        ITypeSymbol? leftType = TypeOf(node.Left);
        ITypeSymbol? resultType = TypeOf(node);
        string? left = AddTemp(node.Left, "left", leftType);
        string? result = left is null ? null : AddTemp(node, "value", resultType);
        if (left is null || result is null)
        {
            return;
        }

        // `a ?? b`: b only runs when a is null (case 22).
        int line = Line(node);
        string otherwise = context.Label($"IfNull_Line{line}");
        string end = context.Label($"EndCoalesce_Line{line}");
        EmitAssign(left, node.Left);
        Emit($"if ({left} is null) goto {otherwise};", node);
        Emit($"{result} = ({TypeText(resultType!)}){left};", node);
        Emit($"goto {end};", node);
        Label(otherwise);
        AssignResult(result, node.Right);
        Label(end);
        Replace(node, result);
    }

    private void VisitConditional(ConditionalExpressionSyntax node)
    {
        if (!context.ContainsSuspension(node.WhenTrue) && !context.ContainsSuspension(node.WhenFalse))
        {
            Visit(node.Condition);
            return;
        }

        if (node.WhenTrue is RefExpressionSyntax)
        {
            Fail(node, "a ref conditional expression (a reference cannot be kept in a field across a suspension point)");
            return;
        }

        Visit(node.Condition);
        string? result = AddTemp(node, "value", TypeOf(node));
        if (result is null)
        {
            return;
        }

        // `c ? a : b`: only the branch taken runs and suspends (case 23).
        int line = Line(node);
        string otherwise = context.Label($"Else_Line{line}");
        string end = context.Label($"EndConditional_Line{line}");
        Emit($"if (!({Evaluate(node.Condition)})) goto {otherwise};", node.Condition, braced: HasLocalDesignation(node.Condition));
        AssignResult(result, node.WhenTrue);
        Emit($"goto {end};", node);
        Label(otherwise);
        AssignResult(result, node.WhenFalse);
        Label(end);
        Replace(node, result);
    }

    private void VisitConditionalAccess(ConditionalAccessExpressionSyntax node)
    {
        if (!context.ContainsSuspension(node.WhenNotNull))
        {
            Visit(node.Expression);
            return;
        }

        Visit(node.Expression);
        ITypeSymbol? receiverType = TypeOf(node.Expression);
        string? receiver = AddTemp(node.Expression, "receiver", receiverType);
        ITypeSymbol? resultType = context.Model.GetTypeInfo(node, context.CancellationToken).Type;
        bool hasValue = resultType is not null && resultType.SpecialType != SpecialType.System_Void && !ReferenceEquals(node, statementExpression);
        string? result = hasValue ? AddTemp(node, "value", resultType) : null;
        if (receiver is null || (hasValue && result is null))
        {
            return;
        }

        // `a?.M(await x)`: nothing after the '?.' runs, or suspends, when a is null (case 22).
        string end = context.Label($"EndConditionalAccess_Line{Line(node)}");
        EmitAssign(receiver, node.Expression);
        if (result is not null)
        {
            Emit($"{result} = default;", node);
        }

        Emit($"if ({receiver} is null) goto {end};", node);
        string access = receiverType?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? receiver + ".GetValueOrDefault()" : receiver;
        if (Binding(node.WhenNotNull) is { } binding)
        {
            if (binding is ElementBindingExpressionSyntax elementBinding)
            {
                Sequence(elementBinding.ArgumentList.Arguments.Select((a, i) => new Child(a.Expression, Mode.Value, "argument" + (i + 1))).ToList());
            }

            Replace(binding, access + Text(binding));
            conditionalBindings[binding] = access;
        }

        if (result is null && ReferenceEquals(node, statementExpression))
        {
            // `a?.P += await x;`, `a?.Q ??= await y;` as statements: what follows the '?.' is the statement, with no value.
            statementExpression = Unparenthesize(node.WhenNotNull);
        }

        Visit(node.WhenNotNull);
        if (failed)
        {
            return;
        }

        if (result is not null)
        {
            Emit($"{result} = {Checked(node.WhenNotNull, Text(node.WhenNotNull))};", node.WhenNotNull);
        }
        else if (!IsFullyEvaluated(context, node.WhenNotNull))
        {
            Emit(Text(node.WhenNotNull) + ";", node.WhenNotNull);
        }

        Label(end);
        Replace(node, result ?? string.Empty);
    }

    // The `.M` or `[i]` that stands for the receiver of a conditional access: the leftmost node of its WhenNotNull chain.
    private static ExpressionSyntax? Binding(ExpressionSyntax whenNotNull)
    {
        ExpressionSyntax node = whenNotNull;
        while (true)
        {
            switch (node)
            {
                case MemberBindingExpressionSyntax or ElementBindingExpressionSyntax:
                    return node;
                case MemberAccessExpressionSyntax m:
                    node = m.Expression;
                    break;
                case InvocationExpressionSyntax i:
                    node = i.Expression;
                    break;
                case ElementAccessExpressionSyntax e:
                    node = e.Expression;
                    break;
                case ConditionalAccessExpressionSyntax c:
                    node = c.Expression;
                    break;
                case PostfixUnaryExpressionSyntax p:
                    node = p.Operand;
                    break;
                case AssignmentExpressionSyntax a:
                    node = a.Left;
                    break;
                default:
                    return null;
            }
        }
    }

    // Writes a branch's value into the result temporary; a throw expression becomes a throw statement.
    private void AssignResult(string result, ExpressionSyntax branch)
    {
        ExpressionSyntax inner = Unparenthesize(branch);
        if (inner is ThrowExpressionSyntax throwExpression)
        {
            Visit(throwExpression.Expression);
            Emit($"throw {Checked(throwExpression.Expression, Text(throwExpression.Expression))};", branch);
            return;
        }

        Visit(branch);
        EmitAssign(result, branch);
    }

    // ---- Assignments ----

    private void VisitAssignment(AssignmentExpressionSyntax node)
    {
        if (node.Right is RefExpressionSyntax)
        {
            Fail(node, "a ref assignment (a reference cannot be kept in a field across a suspension point)");
            return;
        }

        if (node.IsKind(SyntaxKind.SimpleAssignmentExpression))
        {
            // The target's receiver and indices first, then the value (case 19); the store comes last.
            Sequence(new List<Child> { new(node.Left, Mode.Location, "target"), new(node.Right, Mode.Value, "value") });
            return;
        }

        if (!context.ContainsSuspension(node.Right))
        {
            Visit(node.Left);
            return;
        }

        Visit(node.Left);
        SaveLocation(node.Left, "target", Mode.Location);
        if (failed)
        {
            return;
        }

        if (node.IsKind(SyntaxKind.CoalesceAssignmentExpression))
        {
            VisitCoalesceAssignment(node);
            return;
        }

        IOperation? operation = context.Model.GetOperation(node, context.CancellationToken);
        if (operation is IEventAssignmentOperation)
        {
            Visit(node.Right); // `e += handler` reads nothing first
            return;
        }

        if (operation is not ICompoundAssignmentOperation compound)
        {
            Fail(node, $"the compound assignment '{node.OperatorToken.Text}'");
            return;
        }

        ITypeSymbol? targetType = TypeOf(node.Left);
        if (compound.OperatorMethod is { IsStatic: false })
        {
            VisitInstanceCompoundOperator(node, targetType);
            return;
        }

        // `x op= await y` reads x before suspending (cases 15 to 17), then stores `(T)(old op y)` after; an operator that
        // takes its left operand `in` gets the variable itself, by reference, as C# passes it after evaluating y.
        string left;
        if (compound.OperatorMethod is { Parameters.Length: > 0 } method && method.Parameters[0].RefKind is RefKind.In or RefKind.RefReadOnlyParameter
            && PassedByReference(compound.Target))
        {
            left = Text(node.Left);
        }
        else
        {
            string? old = AddTemp(node.Left, "old", targetType);
            if (old is null)
            {
                return;
            }

            Emit($"{old} = {Text(node.Left)};", node.Left);
            left = old;
        }

        Visit(node.Right);
        string op = node.OperatorToken.Text.Substring(0, node.OperatorToken.Text.Length - 1);
        string value = $"({TypeText(targetType!)})({left} {op} ({Text(node.Right)}))";
        string? keyword = CheckedKeyword(node) ?? (compound.IsChecked ? "checked" : null);
        if (keyword is not null)
        {
            value = $"{keyword}({value})";
        }

        if (ReferenceEquals(node, statementExpression))
        {
            Emit($"{Text(node.Left)} = {value};", node);
            Replace(node, string.Empty);
            return;
        }

        string? result = AddTemp(node, "value", targetType);
        if (result is null)
        {
            return;
        }

        Emit($"{result} = {value};", node);
        Emit($"{Text(node.Left)} = {result};", node);
        Replace(node, result);
    }

    // `x += await y` where x's type declares the compound operator itself (C# 14: `public void operator +=(int v)`): the
    // operator is called on the target, not `x = x + y`. C# evaluates x before y: a class's reference is kept across the
    // suspension (a reassignment meanwhile does not change which object is added to); a struct's location already is, and
    // the operator changes the variable in place there.
    private void VisitInstanceCompoundOperator(AssignmentExpressionSyntax node, ITypeSymbol? targetType)
    {
        string? kept = null;
        if (targetType is { IsReferenceType: true })
        {
            kept = AddTemp(node.Left, "old", targetType);
            if (kept is null)
            {
                return;
            }

            Emit($"{kept} = {Text(node.Left)};", node.Left);
        }

        Visit(node.Right);
        string target = kept ?? Text(node.Left);
        string call = $"{target} {node.OperatorToken.Text} {Checked(node.Right, Text(node.Right))};";
        // The checked context picks the operator's `checked` variant if the type declares one: the call keeps its context.
        string? keyword = CheckedKeyword(node);
        Emit(keyword is null ? call : $"{keyword} {{ {call} }}", node);
        Replace(node, ReferenceEquals(node, statementExpression) ? string.Empty : target);
    }

    // `x ??= await y`: y only runs (and suspends) when x is null (case 23); x is read once and stored at most once.
    private void VisitCoalesceAssignment(AssignmentExpressionSyntax node)
    {
        string end = context.Label($"EndCoalesce_Line{Line(node)}");
        if (ReferenceEquals(node, statementExpression))
        {
            Emit($"if ({Text(node.Left)} is not null) goto {end};", node);
            Visit(node.Right);
            Emit($"{Text(node.Left)} = {Checked(node.Right, Text(node.Right))};", node);
            Label(end);
            Replace(node, string.Empty);
            return;
        }

        ITypeSymbol? type = TypeOf(node);
        string? result = AddTemp(node, "value", type);
        string? current = result is null ? null : AddTemp(node.Left, "old", TypeOf(node.Left));
        if (result is null || current is null)
        {
            return;
        }

        string otherwise = context.Label($"IfNull_Line{Line(node)}");
        Emit($"{current} = {Text(node.Left)};", node.Left);
        Emit($"if ({current} is null) goto {otherwise};", node);
        Emit($"{result} = ({TypeText(type!)}){current};", node);
        Emit($"goto {end};", node);
        Label(otherwise);
        Visit(node.Right);
        Emit($"{result} = {Text(node.Left)} = {Checked(node.Right, Text(node.Right))};", node);
        Label(end);
        Replace(node, result);
    }

    // ---- Initializers ----

    // `new C(args) { A = x, B = await y }` and `new List<T> { x, await y }`: the object is made first, then filled member by
    // member, element by element, in order (case 25); the initialized object is the temporary.
    private void VisitInitializedCreation(BaseObjectCreationExpressionSyntax node, InitializerExpressionSyntax initializer)
    {
        ITypeSymbol? type = TypeOf(node);
        if (SetsInitOnlyMembers(initializer))
        {
            CreateWithValues(node, initializer, type);
            return;
        }

        if (node.ArgumentList is not null)
        {
            Sequence(ArgumentChildren(node.ArgumentList));
        }

        string? created = AddTemp(node, "created", type);
        if (created is null)
        {
            return;
        }

        string arguments = node.ArgumentList is null ? "()" : Text(node.ArgumentList);
        Emit($"{created} = {Checked(node, $"new {TypeText(type!)}{arguments}")};", node);
        Fill(created, initializer);
        Replace(node, created);
    }

    // A collection expression whose type is filled through its Add method (a collection-initializer type: not an array, a
    // span, an interface, List<T> or a type with a builder): C# makes the collection first, then evaluates and adds each
    // element in order, a spread's items with a foreach; the same here, so the elements before a suspension point are
    // added (and may throw) before it.
    private void VisitCollectionAdd(CollectionExpressionSyntax collection, ITypeSymbol type)
    {
        string? created = AddTemp(collection, "created", type);
        if (created is null)
        {
            return;
        }

        Emit($"{created} = new {TypeText(type)}();", collection);
        foreach (CollectionElementSyntax element in collection.Elements)
        {
            if (failed)
            {
                return;
            }

            switch (element)
            {
                case ExpressionElementSyntax e:
                    Visit(e.Expression);
                    Emit($"{created}.Add({Evaluate(e.Expression)});", e, braced: HasLocalDesignation(e.Expression));
                    break;
                case SpreadElementSyntax spread:
                    Visit(spread.Expression);
                    Emit($"foreach (var __item in {Evaluate(spread.Expression)}) {created}.Add(__item);", spread, braced: true);
                    break;
                default:
                    Fail(element, $"the collection element '{Short(element)}'");
                    return;
            }
        }

        Replace(collection, created);
    }

    private ITypeSymbol? AddTarget(CollectionExpressionSyntax collection)
    {
        ITypeSymbol? type = context.Model.GetTypeInfo(collection, context.CancellationToken).ConvertedType;
        if (type is not (INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsRefLikeType: false } or ITypeParameterSymbol)
            || type.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>"
            || type.OriginalDefinition.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.CollectionBuilderAttribute")
            || !type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable))
        {
            return null;
        }

        return type;
    }

    private List<Child> ArgumentChildren(ArgumentListSyntax arguments) =>
        arguments.Arguments.Select((a, i) => new Child(a.Expression, ArgumentMode(a), "argument" + (i + 1))).ToList();

    // Whether an object initializer sets an init-only or required member, which only an object initializer may set.
    private bool SetsInitOnlyMembers(InitializerExpressionSyntax initializer) =>
        initializer.IsKind(SyntaxKind.ObjectInitializerExpression)
        && initializer.Expressions.OfType<AssignmentExpressionSyntax>().Any(member =>
            context.Model.GetSymbolInfo(member.Left, context.CancellationToken).Symbol switch
            {
                IPropertySymbol property => property.SetMethod is { IsInitOnly: true } || property.IsRequired,
                IFieldSymbol field => field.IsRequired,
                _ => false,
            });

    // `new R { Name = x, Age = await y }` where Name or Age is init-only or required: the values are evaluated in order (kept
    // across the suspension points), then the object is made with an initializer of those values. The constructor runs
    // after the values, not before them as in C# (README, "Decisions"): it cannot run first, since only an initializer may
    // set such members.
    private void CreateWithValues(BaseObjectCreationExpressionSyntax node, InitializerExpressionSyntax initializer, ITypeSymbol? type)
    {
        if (initializer.Expressions.Any(e => e is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax, Right: not InitializerExpressionSyntax }))
        {
            Fail(initializer, "an object initializer that sets init-only or required members and also an indexer or a nested initializer");
            return;
        }

        // The arguments, then the values, as one sequence: the arguments are kept across the values' suspension points.
        var members = initializer.Expressions.Cast<AssignmentExpressionSyntax>().ToList();
        List<Child> parts = node.ArgumentList is null ? new List<Child>() : ArgumentChildren(node.ArgumentList);
        parts.AddRange(members.Select(m => new Child(m.Right, Mode.Value, ((IdentifierNameSyntax)m.Left).Identifier.ValueText)));
        Sequence(parts);
        string? created = failed ? null : AddTemp(node, "created", type);
        if (created is null)
        {
            return;
        }

        string arguments = node.ArgumentList is null ? "()" : Text(node.ArgumentList);
        string values = string.Join(", ", members.Select(m => $"{m.Left.ToString().Trim()} = {Checked(m.Right, Text(m.Right))}"));
        Emit($"{created} = {Checked(node, $"new {TypeText(type!)}{arguments} {{ {values} }}")};", node);
        Replace(node, created);
    }

    private void Fill(string target, InitializerExpressionSyntax initializer)
    {
        bool collection = initializer.IsKind(SyntaxKind.CollectionInitializerExpression);
        foreach (ExpressionSyntax element in initializer.Expressions)
        {
            if (failed)
            {
                return;
            }

            if (collection)
            {
                if (element is InitializerExpressionSyntax complex)
                {
                    // `{ key, value }`: Add(key, value)
                    Sequence(complex.Expressions.Select((e, i) => new Child(e, Mode.Value, "argument" + (i + 1))).ToList());
                    Emit($"{target}.Add({string.Join(", ", complex.Expressions.Select(e => Checked(e, Text(e))))});", element);
                }
                else
                {
                    Visit(element);
                    Emit($"{target}.Add({Checked(element, Text(element))});", element);
                }

                continue;
            }

            if (element is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } member)
            {
                Fail(element, "an object initializer member that is not an assignment");
                return;
            }

            string memberTarget;
            if (member.Left is ImplicitElementAccessSyntax indexer)
            {
                // `[key] = value`: the key, then the value
                var parts = indexer.ArgumentList.Arguments.Select((a, i) => new Child(a.Expression, Mode.Value, "index" + (i + 1))).ToList();
                if (member.Right is not InitializerExpressionSyntax)
                {
                    parts.Add(new Child(member.Right, Mode.Value, "value"));
                }

                Sequence(parts);
                memberTarget = target + Text(indexer);
            }
            else
            {
                memberTarget = target + "." + member.Left.ToString().Trim();
            }

            if (member.Right is InitializerExpressionSyntax nested)
            {
                Fill(memberTarget, nested); // `Items = { 1, 2 }` adds to the existing member
                continue;
            }

            Visit(member.Right);
            Emit($"{memberTarget} = {Checked(member.Right, Text(member.Right))};", member);
        }
    }

    // ---- Switch expressions ----

    // A switch expression whose arms suspend becomes a switch statement that jumps to each arm's code (REWRITE-DESIGN 6.2).
    private void VisitSwitch(SwitchExpressionSyntax node)
    {
        Visit(node.GoverningExpression);
        ITypeSymbol? governingType = TypeOf(node.GoverningExpression);
        string? governing = AddTemp(node.GoverningExpression, "governing", governingType);
        string? result = governing is null ? null : AddTemp(node, "value", TypeOf(node));
        if (governing is null || result is null)
        {
            return;
        }

        int line = Line(node);
        EmitAssign(governing, node.GoverningExpression);
        string end = context.Label($"EndSwitch_Line{line}");
        var labels = new List<string>();
        var sections = new List<string>();
        var designated = new List<(ILocalSymbol Local, string Field)>();
        foreach (SwitchExpressionArmSyntax arm in node.Arms)
        {
            string label = context.Label($"Arm_Line{Line(arm)}");
            labels.Add(label);
            string when = arm.WhenClause is null ? string.Empty : $" when {Text(arm.WhenClause.Condition)}";
            string caseLabel = arm.Pattern is DiscardPatternSyntax && when.Length == 0 ? "default:" : $"case {(arm.Pattern is DiscardPatternSyntax ? "var _" : Text(arm.Pattern))}{when}:";

            // The arm's pattern variables are used by its code, outside the switch statement: copy them into fields.
            var copies = new List<string>();
            // (Also those of its when clause: `var z when z is int w => w + await ...`.)
            IEnumerable<SyntaxNode> declaring = arm.WhenClause is null ? arm.Pattern.DescendantNodesAndSelf() : arm.Pattern.DescendantNodesAndSelf().Concat(arm.WhenClause.DescendantNodes());
            foreach (SingleVariableDesignationSyntax designation in declaring.OfType<SingleVariableDesignationSyntax>())
            {
                if (context.Model.GetDeclaredSymbol(designation, context.CancellationToken) is ILocalSymbol local && !context.FieldOf.ContainsKey(local))
                {
                    if (!Nameable(local.Type, designation))
                    {
                        return;
                    }

                    string field = context.AddField(local.Name, TypeText(local.Type), FieldKind.Temporary, $"pattern variable '{local.Name}', line {Line(designation)}");
                    designated.Add((local, field));
                    copies.Add($"this.@{field} = {designation.Identifier.ValueText}; ");
                }
            }

            sections.Add($"    {caseLabel} {string.Concat(copies)}goto {label};");
        }

        foreach ((ILocalSymbol local, string field) in designated)
        {
            context.FieldOf[local] = field;
        }

        Emit($"switch ({governing})\n{{\n{string.Join("\n", sections)}\n}}", node);
        string unmatched = governingType is { IsValueType: true } ? $"(object){governing}" : governing;
        Emit($"throw new global::System.Runtime.CompilerServices.SwitchExpressionException({unmatched});", node);
        for (int i = 0; i < node.Arms.Count && !failed; i++)
        {
            Label(labels[i]);
            AssignResult(result, node.Arms[i].Expression);
            Emit($"goto {end};", node.Arms[i]);
        }

        Label(end);
        Replace(node, result);
    }

    // A when clause that suspends: the arms are tried one after the other, each pattern, then its when clause, as C# does.
    private void VisitSwitchInSequence(SwitchExpressionSyntax node)
    {
        Visit(node.GoverningExpression);
        ITypeSymbol? governingType = TypeOf(node.GoverningExpression);
        string? governing = AddTemp(node.GoverningExpression, "governing", governingType);
        string? result = governing is null ? null : AddTemp(node, "value", TypeOf(node));
        if (governing is null || result is null)
        {
            return;
        }

        EmitAssign(governing, node.GoverningExpression);
        string end = context.Label($"EndSwitch_Line{Line(node)}");
        foreach (SwitchExpressionArmSyntax arm in node.Arms)
        {
            if (failed)
            {
                return;
            }

            string next = context.Label($"NextArm_Line{Line(arm)}");
            if (arm.Pattern is not DiscardPatternSyntax)
            {
                // The pattern's variables are copied into fields: the when clause and the arm's code may run after a suspension.
                var copies = new List<string>();
                string pattern = Text(arm.Pattern);
                foreach (SingleVariableDesignationSyntax designation in arm.Pattern.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>())
                {
                    if (context.Model.GetDeclaredSymbol(designation, context.CancellationToken) is ILocalSymbol local && !context.FieldOf.ContainsKey(local))
                    {
                        if (!Nameable(local.Type, designation))
                        {
                            return;
                        }

                        string field = context.AddField(local.Name, TypeText(local.Type), FieldKind.Temporary, $"pattern variable '{local.Name}', line {Line(designation)}");
                        context.FieldOf[local] = field;
                        copies.Add($" this.@{field} = {designation.Identifier.ValueText};");
                    }
                }

                string test = $"if (!({governing} is {pattern})) goto {next};";
                Emit(copies.Count == 0 ? test : "{ " + test + string.Concat(copies) + " }", arm.Pattern);
            }

            if (arm.WhenClause is not null)
            {
                Visit(arm.WhenClause.Condition);
                Emit($"if (!({Evaluate(arm.WhenClause.Condition)})) goto {next};", arm.WhenClause, braced: HasLocalDesignation(arm.WhenClause.Condition));
            }

            AssignResult(result, arm.Expression);
            Emit($"goto {end};", arm);
            Label(next);
        }

        string unmatched = governingType is { IsValueType: true } ? $"(object){governing}" : governing;
        Emit($"throw new global::System.Runtime.CompilerServices.SwitchExpressionException({unmatched});", node);
        Label(end);
        Replace(node, result);
    }

    // ---- Keeping values and locations ----

    private void SaveValue(ExpressionSyntax node, string role)
    {
        if (failed || (context.Replacements.ContainsKey(node) && !conditionalBindings.ContainsKey(node)) || IsInvariant(node))
        {
            return;
        }

        if (node is ParenthesizedExpressionSyntax parenthesized && context.Replacements.ContainsKey(parenthesized.Expression))
        {
            return;
        }

        ITypeSymbol? type = TypeOf(node);
        if (type is null && FactoryCalls.Resolve(node, context) is null)
        {
            Fail(node, $"'{Short(node)}', whose type is unknown and whose value must be kept across a suspension point");
            return;
        }

        string? temp = AddTemp(node, role, type);
        if (temp is null)
        {
            return;
        }

        EmitAssign(temp, node);
        Replace(node, temp);
        conditionalBindings.Remove(node);
    }

    // Keeps what a variable's location depends on (reference receivers, arrays, indices), not its value.
    private void SaveLocation(ExpressionSyntax node, string role, Mode mode)
    {
        if (failed || (context.Replacements.ContainsKey(node) && !conditionalBindings.ContainsKey(node)))
        {
            return;
        }

        ExpressionSyntax inner = Unparenthesize(node);
        ISymbol? symbol = context.Model.GetSymbolInfo(inner, context.CancellationToken).Symbol;
        switch (inner)
        {
            case MemberBindingExpressionSyntax when conditionalBindings.ContainsKey(inner):
                conditionalBindings.Remove(inner); // `a?.F = await x`: a member of the kept receiver, reached through it
                return;
            case ElementBindingExpressionSyntax elementBinding when conditionalBindings.TryGetValue(inner, out string? receiver):
                // `a?[k] += await x`: the element of the kept receiver at the index read before the suspension.
                for (int i = 0; i < elementBinding.ArgumentList.Arguments.Count; i++)
                {
                    SaveValue(elementBinding.ArgumentList.Arguments[i].Expression, elementBinding.ArgumentList.Arguments.Count == 1 ? "index" : "index" + (i + 1));
                }

                Replace(elementBinding, receiver + Text(elementBinding.ArgumentList));
                conditionalBindings.Remove(inner);
                return;
            case DeclarationExpressionSyntax or ThisExpressionSyntax or BaseExpressionSyntax:
                return;
            case IdentifierNameSyntax when symbol is ILocalSymbol { IsRef: true }:
                Fail(node, $"a use of the ref local '{symbol.Name}' (a reference cannot be kept in a field across a suspension point)");
                return;
            case IdentifierNameSyntax when symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol:
                return; // a hoisted field, a static member or a member of the hoisted 'this': it stays where it is
            case IdentifierNameSyntax { Identifier.ValueText: "_" } when symbol is null or IDiscardSymbol:
                return;
            case TupleExpressionSyntax tuple:
                foreach (ArgumentSyntax element in tuple.Arguments)
                {
                    SaveLocation(element.Expression, role, Mode.Location);
                }

                return;
            case MemberAccessExpressionSyntax dynamicAccess when symbol is null
                && context.Model.GetOperation(inner, context.CancellationToken) is IDynamicMemberReferenceOperation:
                SaveValue(dynamicAccess.Expression, "receiver"); // `d.F = await x`: the member is bound at the store
                return;
            case MemberAccessExpressionSyntax access when symbol is IFieldSymbol or IPropertySymbol or IEventSymbol:
                if (symbol.IsStatic)
                {
                    return;
                }

                if (symbol is IPropertySymbol { ReturnsByRef: true } or IPropertySymbol { ReturnsByRefReadonly: true })
                {
                    Fail(node, $"the ref-returning property '{symbol.Name}' (a reference cannot be kept in a field across a suspension point)");
                    return;
                }

                // A field of a struct variable is part of that variable; a member of a reference is reached through the reference.
                if (ReceiverMode(access.Expression) == Mode.Receiver)
                {
                    SaveLocation(access.Expression, "receiver", Mode.Receiver);
                }
                else
                {
                    SaveValue(access.Expression, "receiver");
                }

                return;
            case ElementAccessExpressionSyntax element:
                if (symbol is IPropertySymbol { ReturnsByRef: true } or IPropertySymbol { ReturnsByRefReadonly: true })
                {
                    Fail(node, "a ref-returning indexer (a reference cannot be kept in a field across a suspension point)");
                    return;
                }

                ITypeSymbol? receiverType = TypeOf(element.Expression);
                if (receiverType is IArrayTypeSymbol array)
                {
                    SaveValue(element.Expression, "array");
                    for (int i = 0; i < element.ArgumentList.Arguments.Count; i++)
                    {
                        SaveValue(element.ArgumentList.Arguments[i].Expression, element.ArgumentList.Arguments.Count == 1 ? "index" : "index" + (i + 1));
                    }

                    if ((mode == Mode.Reference || (mode == Mode.Receiver && array.ElementType.IsValueType)) && !failed)
                    {
                        // C# takes the element's reference before the suspension (a ref argument, a struct receiver used in
                        // place), so a null array or an index out of range throws there (case 19): check them now.
                        Emit($"_ = {Text(element)};", element);
                    }

                    return;
                }

                if (ReceiverMode(element.Expression) == Mode.Receiver)
                {
                    SaveLocation(element.Expression, "receiver", Mode.Receiver);
                }
                else
                {
                    SaveValue(element.Expression, "receiver");
                }

                if (element.ArgumentList.Arguments.Count == 1 && ImplicitIndexCount(element, symbol) is { } count)
                {
                    SaveIndexOffset(element, count);
                    return;
                }

                for (int i = 0; i < element.ArgumentList.Arguments.Count; i++)
                {
                    SaveValue(element.ArgumentList.Arguments[i].Expression, "index" + (element.ArgumentList.Arguments.Count == 1 ? string.Empty : (i + 1).ToString()));
                }

                return;
            case InvocationExpressionSyntax when symbol is IMethodSymbol { ReturnsByRef: true } or IMethodSymbol { ReturnsByRefReadonly: true }:
                Fail(node, $"the ref-returning call '{Short(node)}' (a reference cannot be kept in a field across a suspension point)");
                return;
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PointerIndirectionExpression }:
                Fail(node, "a pointer indirection");
                return;
            default:
                if (symbol is IMethodSymbol { ReturnsByRef: true } or IMethodSymbol { ReturnsByRefReadonly: true })
                {
                    Fail(node, $"the ref-returning call '{Short(node)}' (a reference cannot be kept in a field across a suspension point)");
                    return;
                }

                SaveValue(node, role); // an rvalue: C# itself works on a copy
                return;
        }
    }

    // `list[^1]` through an int indexer (C#'s implicit Index support): the Length or Count property C# reads to turn the
    // Index into an offset; null for an indexer that takes the Index itself.
    private string? ImplicitIndexCount(ElementAccessExpressionSyntax element, ISymbol? indexer)
    {
        if (indexer is not IPropertySymbol { Parameters.Length: 1 } property || property.Parameters[0].Type.SpecialType != SpecialType.System_Int32
            || TypeOf(element.ArgumentList.Arguments[0].Expression) is not INamedTypeSymbol { Name: "Index", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
            || TypeOf(element.Expression) is not { } receiverType)
        {
            return null;
        }

        return CountProperty(receiverType);
    }

    // C# turns the Index into an offset with the collection's count before the suspension, and stores at that offset
    // afterwards even if the collection grew or shrank meanwhile: keep the offset, not the Index.
    private void SaveIndexOffset(ElementAccessExpressionSyntax element, string count)
    {
        ExpressionSyntax index = element.ArgumentList.Arguments[0].Expression;
        if (failed || context.Replacements.ContainsKey(index))
        {
            return;
        }

        string? temp = AddTemp(index, "index", context.Model.Compilation.GetSpecialType(SpecialType.System_Int32));
        if (temp is null)
        {
            return;
        }

        Emit($"{temp} = ({Evaluate(index)}).GetOffset({Text(element.Expression)}.{count});", index, braced: HasLocalDesignation(index));
        Replace(index, temp);
    }

    // Values that cannot change while suspended and cost nothing to evaluate again.
    private bool IsInvariant(ExpressionSyntax node)
    {
        ExpressionSyntax inner = Unparenthesize(node);
        if (inner is LiteralExpressionSyntax or BaseExpressionSyntax or AnonymousFunctionExpressionSyntax
            or TypeOfExpressionSyntax or SizeOfExpressionSyntax or DefaultExpressionSyntax or DeclarationExpressionSyntax or PredefinedTypeSyntax)
        {
            return true;
        }

        if (inner is ThisExpressionSyntax)
        {
            // A class's 'this' does not change; a struct's is a variable (the generated class's copy) that later parts of
            // the expression may change, so `F(this, await x)` passes the copy C# makes before the suspension point.
            return !ThisIsAStruct();
        }

        if (context.Model.GetConstantValue(inner, context.CancellationToken).HasValue)
        {
            return true;
        }

        ISymbol? symbol = context.Model.GetSymbolInfo(inner, context.CancellationToken).Symbol;
        if (symbol is ITypeSymbol or INamespaceSymbol || SymbolEqualityComparer.Default.Equals(symbol, context.Yielder))
        {
            return true;
        }

        // A method group becomes a new delegate wherever it is converted; C# makes it, reading its receiver (boxing a struct
        // receiver's copy), where it evaluates the group, before a later suspension point: only a group without a receiver
        // that can change (a static method, a local function, a method of a class's 'this') is made again afterwards.
        if (symbol is IMethodSymbol method && inner is SimpleNameSyntax or MemberAccessExpressionSyntax && inner.Parent is not InvocationExpressionSyntax)
        {
            return method.IsStatic && method.ReducedFrom is null
                || inner is SimpleNameSyntax && (method.MethodKind == MethodKind.LocalFunction || !ThisIsAStruct());
        }

        return false;
    }

    // Whether the template is an instance method of a struct, whose 'this' the generated class holds as a variable.
    private bool ThisIsAStruct() => context.Template is { IsStatic: false, ContainingType.IsValueType: true };

    // `temp = <template expression>;` in the expression's checked context; its pattern variables used later get fields.
    private void EmitAssign(string target, ExpressionSyntax node) =>
        Emit($"{target} = {Evaluate(node)};", node, braced: HasLocalDesignation(node));

    private string Evaluate(ExpressionSyntax node)
    {
        HoistDesignations(node);
        return Checked(node, Text(node));
    }

    // A pattern or out variable declared in a part evaluated before a suspension point and used after it lives in a
    // field, as hoisted locals do (`o is int n` stores n; TemplateRewriter writes the store).
    private void HoistDesignations(ExpressionSyntax node)
    {
        SyntaxNode scope = node.Ancestors().FirstOrDefault(a => a is StatementSyntax) ?? node;
        foreach (SingleVariableDesignationSyntax designation in node.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax).OfType<SingleVariableDesignationSyntax>())
        {
            if (context.Model.GetDeclaredSymbol(designation, context.CancellationToken) is not ILocalSymbol local || context.FieldOf.ContainsKey(local))
            {
                continue;
            }

            bool usedOutside = scope.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(n => !node.Span.Contains(n.Span) && n.Identifier.ValueText == local.Name)
                .Any(n => SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, local));
            if (usedOutside && Nameable(local.Type, designation))
            {
                int line = Line(designation);
                context.FieldOf[local] = context.AddField(local.Name, TypeText(local.Type), FieldKind.Local, $"pattern variable '{local.Name}', line {line}");
            }
        }
    }

    private bool HasLocalDesignation(SyntaxNode node) => node.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax)
        .OfType<SingleVariableDesignationSyntax>()
        .Any(d => context.Model.GetDeclaredSymbol(d, context.CancellationToken) is { } s && !context.FieldOf.ContainsKey(s));

    // ---- Temporaries and text ----

    private string? AddTemp(ExpressionSyntax node, string role, ITypeSymbol? type)
    {
        string? typeText = type is null || type is IErrorTypeSymbol ? FactoryCalls.Resolve(node, context)?.ClassType : null;
        if (typeText is null && CoroutineTypes.ContainsErrorType(type))
        {
            typeText = GeneratedClasses.TypeText(type, GeneratedClasses.ScopesOf(node, context)); // `List<SubCoroutine>`, `SubCoroutine?`
        }

        if (typeText is null && FactoryCalls.IncompleteWithoutFactories(type, context) && FactoryCalls.BindWithFactories(node, context, out _) is { } withFactories)
        {
            type = withFactories; // it involves factories this generator writes, which the model could not see (`await task` of a `var task = co.Spawn(Sub());`)
        }

        if (typeText is null)
        {
            if (type is null || !Nameable(type, node))
            {
                if (type is null)
                {
                    Fail(node, $"'{Short(node)}', whose type is unknown and whose value must be kept across a suspension point");
                }

                return null;
            }

            typeText = TypeText(type);
        }

        int line = Line(node);
        string origin = role switch
        {
            "sent" => $"the value sent to '{Short(node)}'",
            "result" => $"the result of '{Short(node)}'",
            "old" => $"'{Short(node)}' read before the suspension",
            "condition" or "value" => $"the value of '{Short(node)}'",
            "created" => $"'{Short(node)}' while it is initialized",
            _ => $"{role} '{Short(node)}', evaluated before the suspension",
        };
        string field = context.AddField($"{role}_Line{line}", typeText, FieldKind.Temporary, $"{origin}, line {line}");
        return "this.@" + field;
    }

    // Whether Roslyn builds a collection expression of this type from its length when every spread is countable, and so
    // enumerates the spreads only after every element (and suspension point) was evaluated: arrays. Lists, interfaces,
    // builder and collection-initializer types get their elements added in order once a suspension point is involved.
    private static bool CountsFirst(ITypeSymbol? target) => target is IArrayTypeSymbol;

    // Whether a spread's type has the Length or Count that lets Roslyn count it before copying it (an array, a string, a
    // collection with an int Length or Count property).
    private static bool Countable(ITypeSymbol? type) => type is IArrayTypeSymbol || CountProperty(type) is not null;

    // The public int property C# reads to count a collection, Length before Count (as for `list[^1]` and for counting
    // spreads), in the type, its bases, or for an interface or type parameter its interfaces; null if it has neither.
    private static string? CountProperty(ITypeSymbol? type)
    {
        if (type is null or IErrorTypeSymbol)
        {
            return null;
        }

        IEnumerable<ITypeSymbol> types = type.TypeKind == TypeKind.Interface || type is ITypeParameterSymbol
            ? new[] { type }.Concat(type.AllInterfaces)
            : Bases(type);
        IPropertySymbol[] counts = types.SelectMany(t => t.GetMembers()).OfType<IPropertySymbol>().Where(p =>
            p.Name is "Length" or "Count" && !p.IsStatic && !p.IsIndexer && p.Type.SpecialType == SpecialType.System_Int32
            && p.GetMethod is { DeclaredAccessibility: Accessibility.Public }).ToArray();
        return counts.Any(p => p.Name == "Length") ? "Length" : counts.Length > 0 ? "Count" : null;

        static IEnumerable<ITypeSymbol> Bases(ITypeSymbol t)
        {
            for (ITypeSymbol? b = t; b is not null; b = b.BaseType)
            {
                yield return b;
            }
        }
    }

    private bool Nameable(ITypeSymbol type, SyntaxNode node)
    {
        string? problem =
            CoroutineTypes.IsRefLike(type) ? $"its type '{type.ToDisplayString()}' is {CoroutineTypes.RefLikeKind(type)}" :
            ContainsAnonymousType(type) ? "its type is anonymous" :
            CoroutineTypes.ContainsErrorType(type) ? "its type could not be resolved" :
            null;
        if (problem is null)
        {
            return true;
        }

        if (CoroutineTypes.ContainsErrorType(type) && context.DeferToCompiler(node))
        {
            failed = true; // a compiler error there: the build reports it
            return false;
        }

        Fail(node, $"'{Short(node)}', whose value must be kept across a suspension point but {problem}");
        return false;
    }

    private static bool ContainsAnonymousType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true } => true,
        IArrayTypeSymbol array => ContainsAnonymousType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsAnonymousType),
        _ => false,
    };

    private ITypeSymbol? TypeOf(ExpressionSyntax node)
    {
        TypeInfo info = context.Model.GetTypeInfo(node, context.CancellationToken);
        return info.Type ?? info.ConvertedType;
    }

    private static string TypeText(ITypeSymbol type) => type.ToDisplayString(SymbolFormats.FullyQualified);

    // A moved expression keeps the checked or unchecked context it was written in (case 24).
    private static string Checked(SyntaxNode node, string text)
    {
        string? keyword = CheckedKeyword(node);
        return keyword is null || !HasArithmetic(node) ? text : $"{keyword}({text})";
    }

    // Operators and conversions whose meaning depends on the checked context (calls keep their own).
    private static bool HasArithmetic(SyntaxNode node) => node
        .DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or CheckedExpressionSyntax) || n == node)
        .Any(n => n is BinaryExpressionSyntax or CastExpressionSyntax or PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or AssignmentExpressionSyntax
            or CheckedExpressionSyntax or CollectionExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax);

    private static string? CheckedKeyword(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.AncestorsAndSelf())
        {
            switch (ancestor)
            {
                case CheckedExpressionSyntax e:
                    return e.IsKind(SyntaxKind.CheckedExpression) ? "checked" : "unchecked";
                case CheckedStatementSyntax s:
                    return s.IsKind(SyntaxKind.CheckedStatement) ? "checked" : "unchecked";
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    private void Replace(ExpressionSyntax node, string text) => context.Replacements[node] = text;

    private string Text(SyntaxNode node) => TemplateRewriter.Text(context, node);

    private void Emit(string text, SyntaxNode node, bool braced = false) =>
        output.Add(new BodyLine(BodyLineKind.Code, braced ? "{ " + text + " }" : text, Line(node)));

    private void Label(string label) => output.Add(new BodyLine(BodyLineKind.Label, label, 0));

    private void Fail(SyntaxNode node, string what, string advice = DiagnosticDescriptors.MoveSuspensionIntoItsOwnStatement)
    {
        if (failed)
        {
            return;
        }

        failed = true;
        SyntaxNode at = context.Suspensions.FirstOrDefault(a => node.Span.Contains(a.Span)) ?? node;
        context.Report(DiagnosticDescriptors.SuspensionInExpression, at, what, advice);
    }

    private static string Describe(ExpressionSyntax node) =>
        System.Text.RegularExpressions.Regex.Replace(node.Kind().ToString().Replace("Expression", string.Empty), "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant() + " expression";

    private static string Short(SyntaxNode node)
    {
        string text = System.Text.RegularExpressions.Regex.Replace(node.ToString(), @"\s+", " ");
        return text.Length <= 40 ? text : text.Substring(0, 37) + "...";
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax p)
        {
            expression = p.Expression;
        }

        return expression;
    }
}
