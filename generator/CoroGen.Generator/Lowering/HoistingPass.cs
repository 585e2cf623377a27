using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// Decides which locals become fields before any code is written: every local whose scope is a block (or loop header)
/// that the lowering flattens, because code in flattened blocks is reached through gotos and must not depend on C#
/// scopes, unless it is dead at every suspension point (LiveAtASuspension), which makes it a local of Resume declared in
/// place. Locals of statements copied whole keep their scopes and stay locals.
/// </summary>
internal static class HoistingPass
{
    public static void Run(BlockSyntax body, LoweringContext context)
    {
        context.Root = body;

        // The body's own statements are always emitted one by one (even with no suspension point at all), so its locals are hoisted.
        foreach (StatementSyntax statement in body.Statements)
        {
            Visit(statement, context, insideLoweredLoop: false);
        }

        CheckClosures(body, context);
        NameLabels(body, context);
    }

    // Every label of the template gets a name unique in Resume (sibling blocks may reuse one) and the number of moved-out
    // finally blocks around it, so that a goto leaving those blocks runs them first.
    private static void NameLabels(BlockSyntax body, LoweringContext context)
    {
        foreach (LabeledStatementSyntax labeled in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<LabeledStatementSyntax>())
        {
            if (context.Model.GetDeclaredSymbol(labeled, context.CancellationToken) is not { } label)
            {
                continue;
            }

            int depth = labeled.Ancestors().TakeWhile(a => a != body)
                .OfType<TryStatementSyntax>()
                .Count(t => t.Finally is { } f && context.ContainsSuspension(f) && !f.Span.Contains(labeled.Span));
            context.UserLabels[label] = (context.Label(labeled.Identifier.ValueText), depth);
        }
    }

    private static void Visit(StatementSyntax statement, LoweringContext context, bool insideLoweredLoop)
    {
        if (!context.ContainsSuspension(statement))
        {
            // Copied whole: only declarations that leak into the enclosing flattened block are hoisted.
            switch (statement)
            {
                case LocalDeclarationStatementSyntax declaration:
                    HoistDeclarators(declaration.Declaration, context, insideLoweredLoop);
                    HoistDesignations(declaration, context, insideLoweredLoop);
                    break;
                case ExpressionStatementSyntax expression:
                    HoistDesignations(expression, context, insideLoweredLoop);
                    break;
                case IfStatementSyntax ifStatement:
                    // `if (o is not T t) return;` declares t for the rest of the block.
                    HoistDesignations(ifStatement.Condition, context, insideLoweredLoop, scope: ifStatement);
                    break;
                case LabeledStatementSyntax labeled:
                    Visit(labeled.Statement, context, insideLoweredLoop);
                    break;
            }

            return;
        }

        switch (statement)
        {
            case BlockSyntax block:
                // A block that a backward goto can enter again makes its locals anew each time, as a loop's body does.
                bool reentered = insideLoweredLoop || ReenteredByGoto(block, context);
                foreach (StatementSyntax s in block.Statements)
                {
                    Visit(s, context, reentered);
                }

                break;
            case LocalDeclarationStatementSyntax declaration:
                if (IsStepLocal(declaration, context) is { } stepLocal)
                {
                    Hoist(stepLocal, declaration.Declaration.Variables[0].Identifier.GetLocation(), context, perIteration: false, stepLocal: true);
                    break;
                }

                HoistDeclarators(declaration.Declaration, context, insideLoweredLoop);
                HoistDesignations(declaration, context, insideLoweredLoop);
                break;
            case ExpressionStatementSyntax or ReturnStatementSyntax:
                HoistDesignations(statement, context, insideLoweredLoop);
                break;
            case LabeledStatementSyntax labeled:
                Visit(labeled.Statement, context, insideLoweredLoop);
                break;
            case IfStatementSyntax ifStatement:
                HoistDesignations(ifStatement.Condition, context, insideLoweredLoop);
                Visit(ifStatement.Statement, context, insideLoweredLoop);
                if (ifStatement.Else is not null)
                {
                    Visit(ifStatement.Else.Statement, context, insideLoweredLoop);
                }

                break;
            case WhileStatementSyntax whileStatement:
                // C# makes a while condition's expression variables new in each iteration, like the body's locals.
                HoistDesignations(whileStatement.Condition, context, perIteration: true);
                Visit(whileStatement.Statement, context, insideLoweredLoop: true);
                break;
            case DoStatementSyntax doStatement:
                HoistDesignations(doStatement.Condition, context, perIteration: true); // evaluated anew after each iteration
                Visit(doStatement.Statement, context, insideLoweredLoop: true);
                break;
            case ForStatementSyntax forStatement:
                // The initializer's variables (declared, or `out var` in it) are one for the whole loop; the condition's and
                // the incrementors' expression variables are new in each iteration, as C# scopes them.
                bool forAgain = insideLoweredLoop || ReenteredByGoto(forStatement, context); // a goto back runs the initializer again
                if (forStatement.Declaration is not null)
                {
                    HoistDeclarators(forStatement.Declaration, context, forAgain);
                    HoistDesignations(forStatement.Declaration, context, forAgain);
                }

                foreach (ExpressionSyntax e in forStatement.Initializers)
                {
                    HoistDesignations(e, context, forAgain);
                }

                foreach (ExpressionSyntax e in forStatement.Incrementors)
                {
                    HoistDesignations(e, context, perIteration: true);
                }

                if (forStatement.Condition is not null)
                {
                    HoistDesignations(forStatement.Condition, context, perIteration: true);
                }

                Visit(forStatement.Statement, context, insideLoweredLoop: true);
                break;
            case ForEachStatementSyntax forEach:
                HoistDesignations(forEach.Expression, context, insideLoweredLoop); // `Make(out var a)`: one variable for the loop
                Hoist(context.Model.GetDeclaredSymbol(forEach, context.CancellationToken), forEach.Identifier.GetLocation(), context, perIteration: true);
                Visit(forEach.Statement, context, insideLoweredLoop: true);
                break;
            case ForEachVariableStatementSyntax forEachVariable:
                HoistDesignations(forEachVariable.Expression, context, insideLoweredLoop);
                HoistDesignations(forEachVariable.Variable, context, perIteration: true);
                Visit(forEachVariable.Statement, context, insideLoweredLoop: true);
                break;
            case UsingStatementSyntax usingStatement:
                if (usingStatement.Declaration is not null)
                {
                    // Its resources are made anew each time it runs: in a loop, or entered again by a backward goto.
                    bool again = insideLoweredLoop || ReenteredByGoto(usingStatement, context);
                    HoistDeclarators(usingStatement.Declaration, context, again);
                    HoistDesignations(usingStatement.Declaration, context, again); // `using (var r = Open(out var n))`
                }
                else if (usingStatement.Expression is not null)
                {
                    HoistDesignations(usingStatement.Expression, context, insideLoweredLoop);
                }

                Visit(usingStatement.Statement, context, insideLoweredLoop);
                break;
            case TryStatementSyntax tryStatement:
                Visit(tryStatement.Block, context, insideLoweredLoop);
                bool tryAgain = insideLoweredLoop || ReenteredByGoto(tryStatement, context);
                foreach (CatchClauseSyntax clause in tryStatement.Catches.Where(c => context.ContainsSuspension(c)))
                {
                    // Its handler runs after the try statement, as flattened code: the catch variable becomes a field.
                    if (clause.Declaration is { Identifier.RawKind: not 0 } catchDeclaration)
                    {
                        Hoist(context.Model.GetDeclaredSymbol(catchDeclaration, context.CancellationToken), catchDeclaration.Identifier.GetLocation(), context, perIteration: tryAgain);
                    }

                    if (clause.Filter is not null)
                    {
                        HoistDesignations(clause.Filter.FilterExpression, context, tryAgain); // the filter's pattern variables, read by the moved block
                    }

                    Visit(clause.Block, context, insideLoweredLoop);
                }

                if (tryStatement.Finally is { } finallyClause && context.ContainsSuspension(finallyClause))
                {
                    Visit(finallyClause.Block, context, insideLoweredLoop);
                }

                break;
            case CheckedStatementSyntax checkedStatement:
                Visit(checkedStatement.Block, context, insideLoweredLoop);
                break;
            case SwitchStatementSyntax switchStatement:
                bool switchAgain = insideLoweredLoop || ReenteredByGoto(switchStatement, context);
                HoistDesignations(switchStatement.Expression, context, switchAgain);
                foreach (SwitchSectionSyntax section in switchStatement.Sections)
                {
                    // The dispatcher keeps the case labels; pattern variables the section's (flattened) code reads become fields.
                    foreach (SwitchLabelSyntax label in section.Labels)
                    {
                        HoistDesignations(label, context, switchAgain);
                    }

                    foreach (StatementSyntax s in section.Statements)
                    {
                        Visit(s, context, switchAgain);
                    }
                }

                break;
        }
    }

    // Whether a goto can jump back to a label before the statement, from within it or after it, so that running on from the
    // label enters it once more (`again: { int x = ...; } if (...) goto again;`, or `goto case 0;` back to the section that
    // holds it). A backward goto within a block, to a label of its own, does not enter it again: C# keeps its variables then.
    private static bool ReenteredByGoto(StatementSyntax statement, LoweringContext context) =>
        GotoTargets(context).Any(g => g.GotoStart > statement.SpanStart && g.Target.Start <= statement.SpanStart && !statement.Span.Contains(g.Target));

    // Every goto of the template's body (outside lambdas and local functions) with the span it jumps to, found once: a
    // labeled statement, or the label of the switch section a `goto case` or `goto default` names.
    private static List<(int GotoStart, TextSpan Target)> GotoTargets(LoweringContext context) =>
        context.GotoTargets ??= context.Root!.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<GotoStatementSyntax>()
            .Select(g => (g.SpanStart, Target: GotoTarget(g, context)))
            .Where(g => g.Target is not null)
            .Select(g => (g.SpanStart, g.Target!.Value))
            .ToList();

    private static TextSpan? GotoTarget(GotoStatementSyntax statement, LoweringContext context)
    {
        if (statement.IsKind(SyntaxKind.GotoStatement))
        {
            return (context.Model.GetSymbolInfo(statement.Expression!, context.CancellationToken).Symbol?.DeclaringSyntaxReferences.FirstOrDefault()
                ?.GetSyntax(context.CancellationToken) as LabeledStatementSyntax)?.Span;
        }

        if (statement.FirstAncestorOrSelf<SwitchStatementSyntax>() is not { } switchStatement)
        {
            return null;
        }

        Optional<object?> value = statement.IsKind(SyntaxKind.GotoCaseStatement) ? context.Model.GetConstantValue(statement.Expression!, context.CancellationToken) : default;
        SwitchSectionSyntax? section = switchStatement.Sections.FirstOrDefault(s => s.Labels.Any(label => statement.IsKind(SyntaxKind.GotoDefaultStatement)
            ? label is DefaultSwitchLabelSyntax
            : label is CaseSwitchLabelSyntax c && value.HasValue && Equals(context.Model.GetConstantValue(c.Value, context.CancellationToken).Value, value.Value)));
        return section?.Labels.First().Span; // the case label, which no statement of the section contains
    }

    private static void HoistDeclarators(VariableDeclarationSyntax declaration, LoweringContext context, bool perIteration)
    {
        foreach (VariableDeclaratorSyntax declarator in declaration.Variables)
        {
            Hoist(context.Model.GetDeclaredSymbol(declarator, context.CancellationToken), declarator.Identifier.GetLocation(), context, perIteration);
        }
    }

    // Expression variables (`out var x`, deconstruction, patterns) declared outside nested functions and statements.
    // scope: where a use does not need a field (the whole statement, when it is copied); the node itself by default.
    private static void HoistDesignations(SyntaxNode node, LoweringContext context, bool perIteration, SyntaxNode? scope = null)
    {
        IEnumerable<SingleVariableDesignationSyntax> designations = node
            .DescendantNodesAndSelf(n => n == node || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or StatementSyntax))
            .OfType<SingleVariableDesignationSyntax>();
        foreach (SingleVariableDesignationSyntax designation in designations)
        {
            ISymbol? local = context.Model.GetDeclaredSymbol(designation, context.CancellationToken);
            if (local is null)
            {
                continue;
            }

            bool assignable = designation.Ancestors().TakeWhile(a => a is VariableDesignationSyntax or DeclarationExpressionSyntax or ArgumentSyntax or TupleExpressionSyntax)
                .Any(a => a is DeclarationExpressionSyntax);
            if (!assignable && !UsedOutside(local, scope ?? node, context))
            {
                continue; // scoped to its statement in effect: the copied statement keeps it as a local
            }

            // A pattern variable read beyond its statement (or across a suspension point): the field is assigned when the
            // pattern matches (TemplateRewriter.VisitIsPatternExpression; a lowered switch copies case label variables).
            Hoist(local, designation.Identifier.GetLocation(), context, perIteration);
        }
    }

    private static bool UsedOutside(ISymbol local, SyntaxNode node, LoweringContext context) =>
        context.IdentifiersNamed(local.Name)
            .Where(n => !node.Span.Contains(n.Span))
            .Any(n => SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, local));

    // `T x = await <suspension>;` whose block has no suspension point after it, and that no lambda or local function
    // captures: x is assigned when the body resumes there and dies before the body can suspend again (the block ends
    // first, or loops back above the declaration), so it is never live at a suspension point and need not be a field.
    // (The C# compiler's iterators and async methods keep such locals out of the state machine too.)
    private static ILocalSymbol? IsStepLocal(LocalDeclarationStatementSyntax declaration, LoweringContext context)
    {
        if (declaration.IsConst || declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.Declaration.Variables.Count != 1
            || declaration.Parent is not BlockSyntax block)
        {
            return null;
        }

        VariableDeclaratorSyntax declarator = declaration.Declaration.Variables[0];
        if (declarator.Initializer?.Value is not { } value || BodyLowerer.Unparenthesize(value) is not AwaitExpressionSyntax awaited
            || !context.Suspensions.Contains(awaited) || context.ContainsSuspension(awaited.Expression)
            || block.Statements.SkipWhile(s => s != declaration).Skip(1).Any(context.ContainsSuspension)
            || context.Model.GetDeclaredSymbol(declarator, context.CancellationToken) is not ILocalSymbol local)
        {
            return null;
        }

        bool captured = block.DescendantNodes()
            .Where(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax)
            .SelectMany(f => f.DescendantNodes().OfType<IdentifierNameSyntax>())
            .Any(n => n.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, local));
        return captured ? null : local;
    }

    private static void Hoist(ISymbol? symbol, Location location, LoweringContext context, bool perIteration, bool stepLocal = false)
    {
        if (symbol is not ILocalSymbol local || context.FieldOf.ContainsKey(local))
        {
            return;
        }

        string typeText = local.Type.ToDisplayString(SymbolFormats.FullyQualified);
        bool typedByFactory = false;
        if (FactoryCalls.LocalType(local, context, out _) is { } generated)
        {
            typeText = generated; // a coroutine made by a factory this generator writes
            typedByFactory = true;
        }
        else if (CoroutineTypes.ContainsErrorType(local.Type))
        {
            if (local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is { } declaration && context.DeferToCompiler(declaration))
            {
                return; // a compiler error in its declaration: the build reports it
            }

            typeText = string.Empty;
        }

        string advice = "move its declaration and uses into a block or helper method without suspension points, or give it a nameable type";
        bool pointer = local.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer;
        if (!stepLocal && (local.IsRef || CoroutineTypes.IsRefLike(local.Type) || pointer) && typeText.Length > 0 && !ContainsAnonymousType(local.Type))
        {
            // It cannot be a field, but needs none when it is dead at every suspension point: a local of Resume then.
            string? live = LiveAtASuspension(local, context);
            if (live is null)
            {
                int declaredAt = location.GetLineSpan().StartLinePosition.Line + 1;
                context.FieldOf[local] = context.ResumeLocalName($"{local.Name}__L{declaredAt}");
                context.StepLocals.Add(local);
                context.InPlaceLocals.Add(local);
                return;
            }

            context.Report(DiagnosticDescriptors.UnhoistableLocal, location, local.Name, local.Type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(),
                (pointer ? PointerNotAField : (local.IsRef ? "it is a ref local" : "its type is " + CoroutineTypes.RefLikeKind(local.Type)) + ", which cannot be a field") + ", and " + live,
                (live.StartsWith(DeclaredBySuspendingStatement, System.StringComparison.Ordinal)
                    ? "await into ordinary locals in statements of their own first ('int first = await co.Yield(1);'), then declare it from them"
                    : "end its use before the await, or recompute it after the await (a new local or a reassignment there)")
                + (pointer ? "; to keep data across the await, copy the values it points to into ordinary locals or an array" : string.Empty));
            return;
        }

        string? problem =
            local.IsRef ? "it is a ref local" :
            CoroutineTypes.IsRefLike(local.Type) ? "its type is " + CoroutineTypes.RefLikeKind(local.Type) :
            ContainsAnonymousType(local.Type) ? "its type is anonymous" :
            typeText.Length == 0 ? "its type could not be resolved" :
            null;
        if (problem is not null)
        {
            if (typeText.Length == 0 && local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is { } declarator && context.ReportedWithin(declarator))
            {
                return; // its initializer's error (COROGEN025 on a factory call) is the one to fix, and why its type is unknown
            }

            // Without the top-level annotation: 'var' makes a reference type 'T?' (an anonymous type read '<anonymous type: ...>?').
            context.Report(DiagnosticDescriptors.UnhoistableLocal, location, local.Name, local.Type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(), problem, advice);
            return;
        }

        string? constant = local.IsConst ? ConstantText(local) : null;
        int line = location.GetLineSpan().StartLinePosition.Line + 1;
        if (!stepLocal && !local.IsConst && !typedByFactory && LiveAtASuspension(local, context) is null)
        {
            // Dead at every suspension point (as for ref locals above): a local of Resume declared in place, as the C#
            // compiler keeps such locals out of its state machines. As a field it would keep what it refers to alive while
            // the coroutine is suspended (a buffer used only before the first yield), and make every coroutine bigger.
            context.FieldOf[local] = context.ResumeLocalName($"{local.Name}__L{line}");
            context.StepLocals.Add(local);
            context.InPlaceLocals.Add(local);
            return;
        }

        if (stepLocal)
        {
            // A Resume local: named apart from the template's own locals, which copied statements keep.
            context.FieldOf[local] = context.AddField($"{local.Name}__L{line}", typeText, FieldKind.StepLocal, $"local '{local.Name}', line {line}");
            context.StepLocals.Add(local);
            return;
        }

        context.FieldOf[local] = context.AddField(local.Name, typeText, FieldKind.Local, $"local '{local.Name}', line {line}", constant);
        if (perIteration)
        {
            context.PerIterationLocals.Add(local);
        }
    }

    // Why a pointer local live across a suspension point cannot be a field: what it points to (a stackalloc buffer, a
    // variable pinned by 'fixed' or taken with '&') lasts only as long as the step of Resume that made it, and a field
    // would keep it dangling (and C# allows a pointer field only in an unsafe context, which the generated class is only
    // when the template's is).
    private const string PointerNotAField = "it is a pointer, which cannot be a field: what it points to (a stackalloc buffer, or a variable pinned by 'fixed' or taken with '&') lasts only until the coroutine suspends, so a field would keep it dangling";

    // Null when a local is dead at every suspension point (a ref local or a local of a ref struct type, which cannot be a
    // field, or any other, which then need not be one); otherwise why CoroGen keeps
    // it (naming the first suspension point where it may be live). Sound rather than complete:
    // - it is declared, with no suspension point, by a declaration statement of a block or switch section (not a using
    //   declaration) or by an out argument of an expression statement there (`Make(out Span<int> s);`), and every reference to it lies in that block or section (in a switch, the section's code is emitted
    //   apart from the others');
    // - in the statement that contains a suspension point itself (not counting the statements nested in it), it may only be
    //   read by the operand of a statement that is just that suspension point (`await co.Yield(span[0]);`,
    //   `var n = await Sub(span.Length, co);`, `total += await co.Yield(span[0]);`) with no other suspension point in the
    //   statement: the operand is evaluated before suspending, and the parts of an expression evaluated before an await
    //   elsewhere in it would be spilled to fields;
    // - it is dead after every suspension point, by a backward liveness analysis over Roslyn's control flow graph of the
    //   body (SuspensionLiveness): no path from just after the await reads it before assigning it (for a ref local, uses
    //   it at all before ref reassigning it: writing through it uses the reference it held), loops' back edges, gotos, switch sections and the
    //   finally blocks of using and foreach included; no catch, filter or finally around the suspension point reads it
    //   (Throw and Close start them there, and C# checks a handler's reads against the state at the start of its try); and
    //   no try around it (using and foreach included) reads it before assigning it, as Resume returns to a suspension point
    //   in a try through the start of that try, from which C# sees the try's code as able to run again.
    // Every reference must be in the graph (none in a lambda, local function, query or nameof). The generated Resume then
    // assigns the local on every path from each resume label before reading it, which the C# compiler checks again.
    private static string? LiveAtASuspension(ILocalSymbol local, LoweringContext context)
    {
        StatementSyntax? declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) switch
        {
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } }
                when !statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) && !statement.IsConst => statement,
            // `Make(out Span<int> s);`: an out argument's declaration, in an expression statement of its own.
            SingleVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Parent: ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword } argument } }
                => argument.Ancestors().OfType<StatementSyntax>().FirstOrDefault() as ExpressionStatementSyntax,
            _ => null,
        };
        if (declaration is null)
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " in its scope (it is declared neither by a plain declaration statement nor by an out argument of an expression statement)";
        }

        SyntaxList<StatementSyntax> statements = declaration.Parent switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => default,
        };
        if (statements.IndexOf(declaration) < 0)
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " in its scope";
        }

        if (context.ContainsSuspension(declaration))
        {
            return DeclaredBySuspendingStatement + " (at " + SuspensionText(declaration, context) + ")";
        }

        // The awaits of `await foreach` and `await using` have no await expression to follow in the analysis below.
        int index = statements.IndexOf(declaration);
        if (context.AsyncStatements.FirstOrDefault(a => statements.Skip(index + 1).Any(s => s.Span.Contains(a.Span))) is { } asyncStatement)
        {
            return "CoroGen cannot show that it is dead at the 'await " + (asyncStatement is CommonForEachStatementSyntax ? "foreach" : "using")
                + "' of line " + (asyncStatement.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + " in its scope";
        }

        List<IdentifierNameSyntax> references = context.IdentifiersNamed(local.Name)
            .Where(n => SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, local))
            .ToList();
        // A checked or unchecked block that suspends is lowered line by line, each line in a block of its own: a local
        // declared in place there would end with its line.
        if (declaration.Ancestors().TakeWhile(a => a != context.Root).OfType<CheckedStatementSyntax>().Any(context.ContainsSuspension))
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " (it is declared in a checked or unchecked block that suspends)";
        }

        // A call the compiler removes ([Conditional], a partial method without an implementation) does not evaluate its
        // arguments: an assignment there is no assignment, which the flow graph below does not know.
        if (references.Any(r => InArgumentOfARemovedCall(r, context)))
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " (it is assigned in an argument of a call the compiler may remove)";
        }

        TextSpan scope = TextSpan.FromBounds(declaration.SpanStart, statements[statements.Count - 1].Span.End);
        if (references.Any(r => !scope.Contains(r.Span)))
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " (it is used in another switch section)";
        }

        List<AwaitExpressionSyntax> suspensions = context.Suspensions.OrderBy(a => a.SpanStart).ToList();
        foreach (AwaitExpressionSyntax suspension in suspensions)
        {
            StatementSyntax statement = suspension.Ancestors().OfType<StatementSyntax>().First();
            List<IdentifierNameSyntax> inStatement = references.Where(r => r.Ancestors().OfType<StatementSyntax>().FirstOrDefault() == statement).ToList();
            if (inStatement.Count == 0)
            {
                continue;
            }

            ExpressionSyntax? operand = OperandOf(statement, context);
            if (operand is null || context.ContainsSuspension(operand) || context.Suspensions.Count(a => statement.Span.Contains(a.Span)) != 1
                || inStatement.Any(r => !operand.Span.Contains(r.Span)))
            {
                return "it may be live across " + SuspensionText(suspension) + " (it is used inside the statement that suspends there, other than in the operand of a statement that is just the suspension or an assignment of it)";
            }
        }

        if (SuspensionLiveness.For(context.FlowGraph, local, references) is not { } liveness)
        {
            return "CoroGen cannot show that it is dead at " + FirstSuspensionText(local, context) + " (not all of its uses could be followed: is one in a lambda, a local function or a query?)";
        }

        foreach (AwaitExpressionSyntax suspension in suspensions)
        {
            switch (liveness.After(suspension))
            {
                case null:
                    return "CoroGen cannot show that it is dead at " + SuspensionText(suspension);
                case Liveness.Flow:
                    return "it is live across " + SuspensionText(suspension) + (local.IsRef
                        ? " (used after it, and a ref local keeps its reference however it is used)"
                        : " (read after it before it is assigned again)");
                case Liveness.Handler:
                    return "it is live across " + SuspensionText(suspension) + " (" + (local.IsRef ? "used" : "read")
                        + " by a catch, filter or finally block around it, which Throw or Close runs from there)";
                case Liveness.TryEntry:
                    return "it is live across " + SuspensionText(suspension) + " (" + (local.IsRef ? "used" : "read")
                        + " in a try block around it before that block assigns it, and Resume returns to the suspension point through the start of that block)";
            }
        }

        return null;
    }

    private static bool InArgumentOfARemovedCall(SyntaxNode reference, LoweringContext context)
    {
        foreach (InvocationExpressionSyntax call in reference.Ancestors().TakeWhile(a => a is not StatementSyntax).OfType<InvocationExpressionSyntax>())
        {
            if (call.ArgumentList.Span.Contains(reference.Span)
                && context.Model.GetSymbolInfo(call, context.CancellationToken).Symbol is IMethodSymbol method
                && (method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Diagnostics.ConditionalAttribute")
                    || (method.IsPartialDefinition && method.PartialImplementationPart is null)))
            {
                return true;
            }
        }

        return false;
    }

    // The operand of a statement that is just a suspension point or an assignment of one: evaluated before it suspends.
    private static ExpressionSyntax? OperandOf(StatementSyntax statement, LoweringContext context) => statement switch
    {
        ExpressionStatementSyntax { Expression: var e } when BodyLowerer.Unparenthesize(e) is AwaitExpressionSyntax a && context.Suspensions.Contains(a) => a.Expression,
        ExpressionStatementSyntax { Expression: var e } when BodyLowerer.Unparenthesize(e) is AssignmentExpressionSyntax { Right: var right }
            && BodyLowerer.Unparenthesize(right) is AwaitExpressionSyntax a && context.Suspensions.Contains(a) => a.Expression,
        LocalDeclarationStatementSyntax d
            when d.Declaration.Variables.Count == 1 && d.Declaration.Variables[0].Initializer?.Value is { } v
            && !d.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) && BodyLowerer.Unparenthesize(v) is AwaitExpressionSyntax a && context.Suspensions.Contains(a) => a.Expression,
        _ => null,
    };

    private static string SuspensionText(AwaitExpressionSyntax suspension) =>
        "the suspension point at line " + (suspension.GetLocation().GetLineSpan().StartLinePosition.Line + 1);

    private static string SuspensionText(SyntaxNode node, LoweringContext context)
    {
        AwaitExpressionSyntax? first = context.Suspensions.Where(a => node.Span.Contains(a.Span)).OrderBy(a => a.SpanStart).FirstOrDefault();
        return first is null ? "a suspension point" : SuspensionText(first);
    }

    private static string FirstSuspensionText(ILocalSymbol local, LoweringContext context)
    {
        SyntaxNode? declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
        AwaitExpressionSyntax? first = declaration is null ? null
            : context.Suspensions.Where(a => a.SpanStart >= declaration.SpanStart).OrderBy(a => a.SpanStart).FirstOrDefault();
        return first is null ? "the suspension points" : SuspensionText(first);
    }

    private static string ConstantText(ILocalSymbol local) => local.ConstantValue switch
    {
        null => "default",
        string s => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(s, quote: true),
        char c => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        object value => $"({local.Type.ToDisplayString(SymbolFormats.FullyQualified)})({System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)})",
    };

    private const string DeclaredBySuspendingStatement = "it is declared by a statement that suspends";

    private static bool ContainsAnonymousType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true } => true,
        IArrayTypeSymbol array => ContainsAnonymousType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsAnonymousType),
        _ => false,
    };

    // A closure over a per-iteration local must see its own iteration's variable, not one shared field: such a local lives
    // in a StrongBox made afresh each iteration (the field holds the current one), and each lambda captures the box of the
    // iteration that made it (TemplateRewriter.BindBoxes), as the C# compiler's display classes do.
    private static void CheckClosures(BlockSyntax body, LoweringContext context)
    {
        if (context.PerIterationLocals.Count == 0)
        {
            return;
        }

        foreach (SyntaxNode function in body.DescendantNodes().Where(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax))
        {
            foreach (IdentifierNameSyntax name in function.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (function is QueryExpressionSyntax query && query.FromClause.Expression.Span.Contains(name.Span))
                {
                    continue; // the first source is evaluated at once, not captured
                }

                ISymbol? symbol = context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol;
                if (symbol is not ILocalSymbol local || !context.PerIterationLocals.Contains(local) || local.IsConst)
                {
                    continue; // a constant is the same in every iteration: nothing to box
                }

                // A local function takes the boxes it captures as extra parameters, passed at each call or conversion.
                if (function.AncestorsAndSelf().OfType<LocalFunctionStatementSyntax>().LastOrDefault() is { } localFunction
                    && context.Model.GetDeclaredSymbol(localFunction, context.CancellationToken) is IMethodSymbol localFunctionSymbol
                    && !function.AncestorsAndSelf().Any(a => a is QueryExpressionSyntax))
                {
                    if (!context.BoxedLocalFunctions.TryGetValue(localFunctionSymbol, out List<ISymbol>? captured))
                    {
                        context.BoxedLocalFunctions[localFunctionSymbol] = captured = new List<ISymbol>();
                    }

                    if (!captured.Contains(local, SymbolEqualityComparer.Default))
                    {
                        captured.Add(local);
                        captured.Sort((a, b) => string.CompareOrdinal(context.FieldOf[a], context.FieldOf[b]));
                    }
                }

                if (context.BoxedLocals.ContainsKey(local))
                {
                    continue;
                }

                // Query clauses are closures too, but not lambdas the rewriter can bind a box to.
                if (function.AncestorsAndSelf().Any(a => a is QueryExpressionSyntax))
                {
                    context.Report(DiagnosticDescriptors.LoopVariableCaptured, name, name.Identifier.ValueText);
                    continue;
                }

                // The field's type, worked out when it was hoisted: a foreach variable over a factory's coroutine has no
                // type of its own yet (the factory is this generator's output), and its field's is the factory's yield type.
                string field = context.FieldOf[local];
                int index = context.Fields.FindIndex(f => f.Name == field);
                string boxType = $"global::System.Runtime.CompilerServices.StrongBox<{context.Fields[index].Type}>";
                context.Fields[index] = context.Fields[index] with { Type = boxType, Origin = context.Fields[index].Origin + ", boxed: each iteration's closures capture their own" };
                context.BoxedLocals[local] = boxType;
            }
        }

        PassBoxesOn(body, context);
    }

    // A local function that calls or converts another one taking boxes (`int A() => B() + 1;` beside `int B() => v;`)
    // takes them too, to pass its caller's iteration on: until no function gains a box.
    private static void PassBoxesOn(BlockSyntax body, LoweringContext context)
    {
        if (context.BoxedLocalFunctions.Count == 0)
        {
            return;
        }

        var functions = body.DescendantNodes().OfType<LocalFunctionStatementSyntax>()
            .Select(f => (Syntax: f, Symbol: context.Model.GetDeclaredSymbol(f, context.CancellationToken) as IMethodSymbol))
            .Where(f => f.Symbol is not null && !f.Symbol.IsStatic)
            .ToList();
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach ((LocalFunctionStatementSyntax syntax, IMethodSymbol? symbol) in functions)
            {
                foreach (IdentifierNameSyntax name in syntax.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.LocalFunction } callee
                        || SymbolEqualityComparer.Default.Equals(callee.OriginalDefinition, symbol)
                        || !context.BoxedLocalFunctions.TryGetValue(callee.OriginalDefinition, out List<ISymbol>? calleeBoxes))
                    {
                        continue;
                    }

                    if (!context.BoxedLocalFunctions.TryGetValue(symbol!, out List<ISymbol>? boxes))
                    {
                        context.BoxedLocalFunctions[symbol!] = boxes = new List<ISymbol>();
                    }

                    foreach (ISymbol box in calleeBoxes.Where(b => !boxes.Contains(b, SymbolEqualityComparer.Default)).ToList())
                    {
                        boxes.Add(box);
                        changed = true;
                    }

                    boxes.Sort((a, b) => string.CompareOrdinal(context.FieldOf[a], context.FieldOf[b]));
                }
            }
        }
    }
}
