using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using CoroGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// Lowers a template body into the lines of <c>Resume()</c>. Statements without suspension points are copied (through
/// <see cref="TemplateRewriter"/>); statements that contain one are flattened into labels and gotos, because C# only lets a
/// goto reach a label in the same or an enclosing block. A try region keeps a real <c>try</c>, entered through a label and a
/// nested dispatch switch (Roslyn's own scheme), so the template's catch clauses and filters see exceptions raised at the
/// suspension point, and its <c>finally</c> runs only when the body really leaves the region (not when it suspends).
/// </summary>
internal sealed partial class BodyLowerer
{
    private const string CleanupGuard = "if (this.state == Running) // skipped while suspending: the body has not left the region";

    // The first line of a resume point in a cleanup region that no handler of Close's exit encloses: Close leaves the body
    // there by returning, which runs the same finally blocks as the exit would, without making or throwing it.
    private const string LeaveForClose = "if (this.IsLeavingForClose()) return false; // Close: leave through the finally blocks around, as its exit would";

    private readonly LoweringContext context;

    private BodyLowerer(LoweringContext context) => this.context = context;

    public static void Lower(MethodDeclarationSyntax method, LoweringContext context)
    {
        SyntaxNode body = (SyntaxNode?)method.Body ?? method.ExpressionBody!;
        context.Suspensions.AddRange(body
            .DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<AwaitExpressionSyntax>());
        CollectAsyncStatements(body, context);
        ReportSuspendingFilters(context);
        ReportFileLocalTypes(method, body, context);

        RenameClashingLocalFunctions(body, context);
        var lowerer = new BodyLowerer(context);
        var lines = new List<BodyLine>();
        context.DispatchFrames.Push(new List<(string, string)>());
        if (method.Body is not null)
        {
            HoistingPass.Run(method.Body, context);
            lowerer.LowerStatements(method.Body.Statements, lines);
        }
        else
        {
            lowerer.LowerExpressionBody(method.ExpressionBody!.Expression, lines);
        }

        if (!(lines.LastOrDefault() is { Kind: BodyLineKind.Code } last && !last.Text.Contains('\n')
            && (last.Text.StartsWith("return ", StringComparison.Ordinal) || last.Text.StartsWith("throw ", StringComparison.Ordinal))))
        {
            lines.Add(Code("return false; // the end of the template: the coroutine has finished", 0)); // unless the template ended in a return or throw
        }
        List<(string State, string Target)> frame = context.DispatchFrames.Pop();
        context.Body.AddRange(lowerer.Dispatch(frame));
        context.Body.Add(new BodyLine(BodyLineKind.Comment, "The first step (state is Running): run from the top.", 0));
        context.Body.AddRange(lines);
    }

    // The generated class lives in a file of its own, where a `file` type of the template's file cannot be named: the code
    // copied from the template would fail to compile there (CS0246, CS0103), at the template's line. File-local types are
    // top-level, so whether the template's file declares any is a cheap test that spares every other template the binding.
    private static void ReportFileLocalTypes(MethodDeclarationSyntax method, SyntaxNode body, LoweringContext context)
    {
        if (method.SyntaxTree.GetRoot(context.CancellationToken) is not CompilationUnitSyntax unit || !DeclaresFileLocalTypes(unit.Members))
        {
            return;
        }

        var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (SimpleNameSyntax name in body.DescendantNodes().OfType<SimpleNameSyntax>())
        {
            if (name.IsVar)
            {
                continue; // the type it stands for is named, or made by a member named, elsewhere in the statement
            }

            for (ISymbol? symbol = context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol; symbol is not null; symbol = symbol.ContainingType)
            {
                if (symbol is INamedTypeSymbol { IsFileLocal: true } fileType)
                {
                    if (reported.Add(fileType))
                    {
                        context.Report(DiagnosticDescriptors.FileLocalTypeUsed, name, fileType.Name, context.Template.ContainingType.Name);
                    }

                    break;
                }
            }
        }
    }

    private static bool DeclaresFileLocalTypes(SyntaxList<MemberDeclarationSyntax> members) => members.Any(member => member switch
    {
        BaseNamespaceDeclarationSyntax space => DeclaresFileLocalTypes(space.Members),
        BaseTypeDeclarationSyntax type => type.Modifiers.Any(SyntaxKind.FileKeyword),
        DelegateDeclarationSyntax type => type.Modifiers.Any(SyntaxKind.FileKeyword),
        _ => false,
    });

    // A local function declared in a block that is flattened (the body, or a block with a suspension point) lands in
    // Resume's own scope beside those of sibling blocks and above the locals of copied blocks: when another declaration of
    // the template has its name, it is renamed (TemplateRewriter renames its declaration and its uses).
    private static void RenameClashingLocalFunctions(SyntaxNode body, LoweringContext context)
    {
        List<LocalFunctionStatementSyntax> functions = body.DescendantNodes().OfType<LocalFunctionStatementSyntax>().ToList();
        if (functions.Count == 0)
        {
            return;
        }

        var declared = new Dictionary<string, int>();
        foreach (SyntaxNode node in body.DescendantNodes())
        {
            SyntaxToken name = node switch
            {
                VariableDeclaratorSyntax v => v.Identifier,
                SingleVariableDesignationSyntax d => d.Identifier,
                ForEachStatementSyntax f => f.Identifier,
                CatchDeclarationSyntax c => c.Identifier,
                LocalFunctionStatementSyntax l => l.Identifier,
                ParameterSyntax p => p.Identifier,
                QueryClauseSyntax or QueryContinuationSyntax => node.ChildTokens().FirstOrDefault(t => t.IsKind(SyntaxKind.IdentifierToken)),
                _ => default,
            };
            if (name.ValueText.Length > 0)
            {
                declared[name.ValueText] = declared.TryGetValue(name.ValueText, out int count) ? count + 1 : 1;
            }
        }

        foreach (LocalFunctionStatementSyntax function in functions)
        {
            bool flattened = function.Parent is BlockSyntax or SwitchSectionSyntax or LabeledStatementSyntax
                && (function.Parent == body || context.ContainsSuspension(function.Parent));
            if (flattened && declared[function.Identifier.ValueText] > 1
                && context.Model.GetDeclaredSymbol(function, context.CancellationToken) is { } symbol)
            {
                context.RenameLocalFunction(symbol, Line(function));
            }
        }
    }

    // A catch filter runs while the exception unwinds, before any finally block: C# allows no await there, and no state
    // can be resumed inside it.
    // Walks up from the suspension points (the template's own, none inside a lambda) rather than down the whole body.
    private static void ReportSuspendingFilters(LoweringContext context)
    {
        foreach (CatchFilterClauseSyntax filter in context.Suspensions
            .Select(a => a.FirstAncestorOrSelf<CatchFilterClauseSyntax>())
            .OfType<CatchFilterClauseSyntax>()
            .Distinct())
        {
            AwaitExpressionSyntax suspension = context.Suspensions.Where(a => filter.Span.Contains(a.Span)).OrderBy(a => a.SpanStart).First();
            context.Report(DiagnosticDescriptors.UnsupportedConstruct, suspension, "the filter ('when') of a catch clause",
                "C# allows no await there either: compute the condition before the try statement, or catch the exception, suspend in the catch block and rethrow it with 'throw;' when it is not handled");
        }
    }

    // The switch on the resume point that enters the body or a try region. Its case labels are not statements: a lowered
    // checked block around the region must not wrap them.
    private IEnumerable<BodyLine> Dispatch(List<(string State, string Target)> frame)
    {
        if (frame.Count == 0)
        {
            yield break;
        }

        yield return new BodyLine(BodyLineKind.Open, "switch (this.state)", 0);
        foreach ((string state, string target) in frame)
        {
            yield return NotStatement(Code($"case {state}: goto {target};", 0));
        }

        yield return new BodyLine(BodyLineKind.Close, string.Empty, 0);
    }

    // ---- Statements ----

    private void LowerStatements(IReadOnlyList<StatementSyntax> statements, List<BodyLine> output)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            if (statements[i] is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } usingDeclaration)
            {
                // `using var r = ...;` covers the rest of its block: that rest becomes the region's body.
                LowerDeclaration(usingDeclaration, output);
                List<string> resources = usingDeclaration.Declaration.Variables
                    .Select(v => context.Model.GetDeclaredSymbol(v, context.CancellationToken))
                    .Where(s => s is not null && context.FieldOf.ContainsKey(s))
                    .Select(s => ResourceAccess(s!))
                    .ToList();
                StatementSyntax[] rest = statements.Skip(i + 1).ToArray();
                ITypeSymbol? type = context.Model.GetTypeInfo(usingDeclaration.Declaration.Type, context.CancellationToken).Type;
                if (usingDeclaration.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
                {
                    if (!context.AsyncStatements.Contains(usingDeclaration))
                    {
                        return; // already reported (CollectAsyncStatements)
                    }

                    EmitAsyncUsingRegions(usingDeclaration, resources, type, Line(usingDeclaration), output, inner => LowerStatements(rest, inner));
                }
                else
                {
                    EmitUsingRegions(resources, type, Line(usingDeclaration), output, inner => LowerStatements(rest, inner), EndLine(usingDeclaration.Parent!));
                }

                return;
            }

            LowerStatement(statements[i], output);
        }
    }

    private void LowerStatement(StatementSyntax statement, List<BodyLine> output)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        EmitBoxes(statement, output);
        if (!context.ContainsSuspension(statement))
        {
            EmitCopied(statement, output);
            return;
        }

        if (statement is BlockSyntax or SwitchStatementSyntax or TryStatementSyntax)
        {
            EmitScopeBoxes(statement, output);
        }

        switch (statement)
        {
            case BlockSyntax block:
                LowerStatements(block.Statements, output);
                break;
            case ExpressionStatementSyntax expression:
                LowerExpressionStatement(expression, output);
                break;
            case LocalDeclarationStatementSyntax declaration:
                LowerDeclaration(declaration, output);
                break;
            case ReturnStatementSyntax returnStatement:
                LowerReturn(returnStatement, output);
                break;
            case IfStatementSyntax ifStatement:
                LowerIf(ifStatement, output);
                break;
            case WhileStatementSyntax whileStatement:
                LowerWhile(whileStatement, output);
                break;
            case DoStatementSyntax doStatement:
                LowerDo(doStatement, output);
                break;
            case ForStatementSyntax forStatement:
                LowerFor(forStatement, output);
                break;
            case CommonForEachStatementSyntax forEach:
                LowerForEach(forEach, output);
                break;
            case TryStatementSyntax tryStatement:
                LowerTry(tryStatement, output);
                break;
            case UsingStatementSyntax usingStatement:
                LowerUsing(usingStatement, output);
                break;
            case LabeledStatementSyntax labeled:
                output.Add(new BodyLine(BodyLineKind.Label, context.LabelName(labeled), 0));
                LowerStatement(labeled.Statement, output);
                break;
            case SwitchStatementSyntax switchStatement:
                LowerSwitch(switchStatement, output);
                break;
            case ThrowStatementSyntax throwStatement:
                LowerThrow(throwStatement, output);
                break;
            case CheckedStatementSyntax checkedStatement:
                LowerChecked(checkedStatement, output);
                break;
            case LockStatementSyntax lockStatement when !context.ContainsSuspension(lockStatement.Statement):
                Unsupported(statement, "the expression of a lock statement",
                    "evaluate the object to lock before the lock statement, for example 'var gate = objs[await co.Yield(1)];', and write 'lock (gate)'");
                break;
            // At the first suspension point inside (where C#'s own CS1996 or CS4004 stands), not at the whole statement.
            case LockStatementSyntax:
                Unsupported(FirstSuspensionIn(statement), "a lock statement", "C# allows no await in a lock's body either (the lock would be held while suspended): release it before the suspension point");
                break;
            case UnsafeStatementSyntax or FixedStatementSyntax:
                Unsupported(FirstSuspensionIn(statement), statement is FixedStatementSyntax ? "a fixed statement" : "an unsafe block",
                    "C# allows no await in an unsafe context either (a pointer would outlive its pinning): copy what you need into ordinary locals and suspend after the block");
                break;
            default:
                Unsupported(statement, $"a '{statement.Kind()}' statement", "move the suspension point out of it");
                break;
        }
    }

    private void EmitCopied(StatementSyntax statement, List<BodyLine> output)
    {
        switch (statement)
        {
            case LocalDeclarationStatementSyntax declaration:
                LowerDeclaration(declaration, output);
                return;
            case LabeledStatementSyntax labeled:
                output.Add(new BodyLine(BodyLineKind.Label, context.LabelName(labeled), 0));
                EmitCopied(labeled.Statement, output);
                return;
            case ExpressionStatementSyntax when HasLocalDesignation(statement):
            case IfStatementSyntax ifStatement when HasLocalDesignation(ifStatement.Condition):
                // Its pattern variables are used only inside it: braces keep them from clashing with others now in the same block.
                output.Add(Code("{ " + Text(statement) + " }", Line(statement)));
                return;
            case EmptyStatementSyntax:
                return;
            case LocalFunctionStatementSyntax localFunction when context.CheckedKeywords.Count > 0:
                // Inside a lowered checked block, whose statements each get their own checked block: the function keeps its
                // scope (the rest of the block calls it) and carries the checked context into its body.
                output.Add(NotStatement(Code(TemplateRewriter.CheckedLocalFunctionText(context, localFunction, context.CheckedKeywords.Peek()), Line(statement))));
                return;
            default:
                output.Add(Code(Text(statement), Line(statement)));
                return;
        }
    }

    private bool HasLocalDesignation(SyntaxNode node) => node.DescendantNodes()
        .OfType<SingleVariableDesignationSyntax>()
        .Any(d => context.Model.GetDeclaredSymbol(d, context.CancellationToken) is { } s && !context.FieldOf.ContainsKey(s));

    private void LowerExpressionStatement(ExpressionStatementSyntax statement, List<BodyLine> output)
    {
        ExpressionSyntax expression = Unparenthesize(statement.Expression);
        if (expression is AwaitExpressionSyntax awaitExpression && IsSuspension(awaitExpression))
        {
            Suspend(awaitExpression, null, statement, output);
            return;
        }

        if (expression is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
            && Unparenthesize(assignment.Right) is AwaitExpressionSyntax right && IsSuspension(right)
            && IsStableTarget(assignment.Left))
        {
            Suspend(right, Text(assignment.Left) + " = {0};", statement, output);
            return;
        }

        SpillStatement(statement, output);
    }

    private void LowerDeclaration(LocalDeclarationStatementSyntax declaration, List<BodyLine> output)
    {
        if (declaration.IsConst)
        {
            return; // a const field of the generated class
        }

        foreach (VariableDeclaratorSyntax declarator in declaration.Declaration.Variables)
        {
            ISymbol? local = context.Model.GetDeclaredSymbol(declarator, context.CancellationToken);
            if (local is ILocalSymbol inPlace && context.InPlaceLocals.Contains(inPlace))
            {
                // A ref or ref struct local dead at every suspension point: declared here, as the template declares it, so
                // that its initializer decides its safe context as in the template (stackalloc, scoped, ref readonly);
                // scoped where the initializer refers to a local or parameter that became a field (see RefersToAField).
                bool scoped = inPlace.ScopedKind != ScopedKind.None || (declarator.Initializer is { } init && context.RefersToAField(init.Value, inPlace.IsRef));
                string declared = (scoped ? "scoped " : string.Empty)
                    + (inPlace.RefKind switch { RefKind.Ref => "ref ", RefKind.RefReadOnly => "ref readonly ", _ => string.Empty })
                    + inPlace.Type.ToDisplayString(SymbolFormats.FullyQualified);
                string initializer = declarator.Initializer is null ? string.Empty : " = " + Text(declarator.Initializer.Value);
                output.Add(Code($"{declared} {context.LocalAccess(inPlace)}{initializer};", Line(declarator)));
                continue;
            }

            if (local is null || !context.FieldOf.TryGetValue(local, out string? field) || declarator.Initializer is null)
            {
                if (local is not null && context.BoxedLocals.ContainsKey(local))
                {
                    output.Add(Code(context.AssignLocal(local, null), Line(declarator))); // this iteration's variable
                }

                continue; // not hoisted (already reported) or nothing to assign
            }

            ExpressionSyntax value = declarator.Initializer.Value;
            string target = context.LocalAccess(local);
            if (Unparenthesize(value) is AwaitExpressionSyntax awaitExpression && IsSuspension(awaitExpression))
            {
                Suspend(awaitExpression, context.AssignLocal(local, "{0}"), declaration, output);
            }
            else if (context.ContainsSuspension(value))
            {
                if (SpillExpression(value, declaration, output))
                {
                    output.Add(Code(context.AssignLocal(local, Text(value)), Line(declarator)));
                }
            }
            else
            {
                output.Add(Code(context.AssignLocal(local, Text(value)), Line(declarator)));
            }
        }
    }

    private void LowerReturn(ReturnStatementSyntax statement, List<BodyLine> output)
    {
        if (statement.Expression is not null && Unparenthesize(statement.Expression) is AwaitExpressionSyntax awaitExpression && IsSuspension(awaitExpression))
        {
            Suspend(awaitExpression, context.ReturnFormat(), statement, output);
            return;
        }

        if (statement.Expression is not null && SpillExpression(statement.Expression, statement, output))
        {
            output.Add(Code(Text(statement), Line(statement)));
        }
    }

    private void LowerExpressionBody(ExpressionSyntax expression, List<BodyLine> output)
    {
        // `=> throw ...` stays a throw: its value is no result.
        string format = context.ReturnType is null || Unparenthesize(expression) is ThrowExpressionSyntax ? "{0};" : "return this.Complete({0});";
        if (Unparenthesize(expression) is AwaitExpressionSyntax awaitExpression && IsSuspension(awaitExpression))
        {
            Suspend(awaitExpression, context.ReturnType is null ? null : format, expression, output);
        }
        else if (context.ContainsSuspension(expression))
        {
            if (SpillExpression(expression, expression, output, isStatement: context.ReturnType is null) && !ExpressionSpiller.IsFullyEvaluated(context, expression))
            {
                output.Add(Code(format.Replace("{0}", Text(expression)), Line(expression)));
            }
        }
        else
        {
            output.Add(Code(format.Replace("{0}", Text(expression)), Line(expression)));
        }
    }

    private void LowerIf(IfStatementSyntax statement, List<BodyLine> output)
    {
        if (!SpillExpression(statement.Condition, statement, output))
        {
            return;
        }

        int line = Line(statement);
        output.Add(Comment($"if ({statement.Condition})"));
        string end = context.Label($"EndIf_Line{line}");
        string? otherwise = statement.Else is null ? null : context.Label($"Else_Line{line}");
        output.Add(Code($"if (!({Text(statement.Condition)})) goto {otherwise ?? end};", line));
        LowerStatement(statement.Statement, output);
        if (statement.Else is not null)
        {
            output.Add(Code($"goto {end};", 0));
            output.Add(Comment("else"));
            output.Add(new BodyLine(BodyLineKind.Label, otherwise!, 0));
            LowerStatement(statement.Else.Statement, output);
        }

        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
    }

    private void LowerWhile(WhileStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        output.Add(Comment($"while ({statement.Condition})"));
        string head = context.Label($"While_Line{line}");
        string end = context.Label($"EndWhile_Line{line}");
        output.Add(new BodyLine(BodyLineKind.Label, head, 0));
        EmitBoxesIn(statement.Condition, output);
        if (!SpillExpression(statement.Condition, statement, output))
        {
            return;
        }

        if (!statement.Condition.IsKind(SyntaxKind.TrueLiteralExpression))
        {
            output.Add(Code($"if (!({Text(statement.Condition)})) goto {end};", line));
        }

        LowerLoopBody(statement.Statement, end, head, output);
        output.Add(Code($"goto {head};", 0));
        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
    }

    private void LowerDo(DoStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        output.Add(Comment("do"));
        string head = context.Label($"Do_Line{line}");
        string condition = context.Label($"DoWhile_Line{line}");
        string end = context.Label($"EndDo_Line{line}");
        output.Add(new BodyLine(BodyLineKind.Label, head, 0));
        LowerLoopBody(statement.Statement, end, condition, output);
        output.Add(Comment($"while ({statement.Condition})"));
        output.Add(new BodyLine(BodyLineKind.Label, condition, 0));
        EmitBoxesIn(statement.Condition, output);
        if (!SpillExpression(statement.Condition, statement.Condition, output))
        {
            return;
        }

        output.Add(Code($"if ({Text(statement.Condition)}) goto {head};", Line(statement.Condition)));
        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
    }

    private void LowerFor(ForStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        output.Add(Comment($"for ({statement.Declaration?.ToString() ?? string.Join(", ", statement.Initializers)}; {statement.Condition}; {string.Join(", ", statement.Incrementors)})"));
        if (statement.Declaration is not null)
        {
            foreach (VariableDeclaratorSyntax declarator in statement.Declaration.Variables)
            {
                ISymbol? local = context.Model.GetDeclaredSymbol(declarator, context.CancellationToken);
                if (local is not null && context.FieldOf.TryGetValue(local, out string? field) && declarator.Initializer is not null
                    && SpillExpression(declarator.Initializer.Value, statement.Declaration, output))
                {
                    output.Add(Code(context.AssignLocal(local, Text(declarator.Initializer.Value)), line));
                }
            }
        }

        foreach (ExpressionSyntax initializer in statement.Initializers)
        {
            LowerStatementExpression(initializer, initializer, output);
        }

        string head = context.Label($"For_Line{line}");
        string next = context.Label($"ForNext_Line{line}");
        string end = context.Label($"EndFor_Line{line}");
        output.Add(new BodyLine(BodyLineKind.Label, head, 0));
        if (statement.Condition is not null)
        {
            EmitBoxesIn(statement.Condition, output);
        }

        if (statement.Condition is not null && !SpillExpression(statement.Condition, statement.Condition, output))
        {
            return;
        }

        if (statement.Condition is not null)
        {
            output.Add(Code($"if (!({Text(statement.Condition)})) goto {end};", line));
        }

        LowerLoopBody(statement.Statement, end, next, output);
        output.Add(new BodyLine(BodyLineKind.Label, next, 0));
        foreach (ExpressionSyntax incrementor in statement.Incrementors)
        {
            EmitBoxesIn(incrementor, output);
            LowerStatementExpression(incrementor, incrementor, output);
        }

        output.Add(Code($"goto {head};", 0));
        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
    }

    private void LowerForEach(CommonForEachStatementSyntax statement, List<BodyLine> output)
    {
        if (!SpillExpression(statement.Expression, statement, output))
        {
            return;
        }

        int line = Line(statement);
        ForEachStatementInfo info = context.Model.GetForEachStatementInfo(statement);
        ITypeSymbol? collectionType = context.Model.GetTypeInfo(statement.Expression, context.CancellationToken).Type;
        IMethodSymbol? getEnumerator = info.GetEnumeratorMethod;
        ITypeSymbol? speculative = FactoryCalls.IncompleteWithoutFactories(collectionType, context) && FactoryCalls.Resolve(statement.Expression, context) is null
            ? FactoryCalls.BindWithFactories(statement.Expression, context, out _)
            : null;
        bool typedByFactories = speculative is not null;
        if (typedByFactories)
        {
            // A collection typed through factory calls (`var tasks = ids.Select(i => co.Spawn(Work(i))).ToArray();`): its
            // type, and the pattern's GetEnumerator, as if the factories existed; the loop variable is typed the same way.
            collectionType = speculative;
            getEnumerator = collectionType?.GetMembers("GetEnumerator").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.IsEmpty && !m.IsStatic);
        }

        // Arrays and strings: an index loop, as the C# compiler lowers them; nothing to dispose.
        bool indexLoop = collectionType is IArrayTypeSymbol { Rank: 1 } || collectionType?.SpecialType == SpecialType.System_String;
        string target;
        string cast = string.Empty;
        bool foreachBoxed = false; // target is "this.@x = new StrongBox<T>(": the element closes the parenthesis
        if (statement is ForEachStatementSyntax single)
        {
            ISymbol? variable = context.Model.GetDeclaredSymbol(single, context.CancellationToken);
            if (variable is not ILocalSymbol local || !context.FieldOf.TryGetValue(local, out string? field))
            {
                return; // already reported by the hoisting pass
            }

            target = context.LocalAccess(local);
            if (context.BoxedLocals.TryGetValue(local, out string? boxType))
            {
                target = $"this.@{field} = new {boxType}(";
                foreachBoxed = true;
            }

            // A conversion from the element type, or from the enumerator's Current when that differs (a multi-dimensional
            // array is enumerated through IEnumerator, whose Current is an object).
            if (!typedByFactories && (!info.ElementConversion.IsIdentity
                || !indexLoop && info.CurrentProperty is { } current && !SymbolEqualityComparer.Default.Equals(current.Type, local.Type)))
            {
                cast = $"({local.Type.ToDisplayString(SymbolFormats.FullyQualified)})";
                if (!indexLoop && info.CurrentProperty is { } objectCurrent && info.ElementType is { } element
                    && !SymbolEqualityComparer.Default.Equals(objectCurrent.Type, element) && !SymbolEqualityComparer.Default.Equals(element, local.Type))
                {
                    cast += $"({element.ToDisplayString(SymbolFormats.FullyQualified)})"; // `foreach (long y in int[,])`: unbox the int, then convert
                }
            }

            output.Add(Comment($"{AwaitPrefix(statement)}foreach ({single.Type} {single.Identifier.ValueText} in {statement.Expression})"));
        }
        else
        {
            var variableStatement = (ForEachVariableStatementSyntax)statement;
            target = Text(variableStatement.Variable);

            // A deconstructed variable that closures capture per iteration gets its iteration's box before the assignment.
            foreach (SingleVariableDesignationSyntax designation in variableStatement.Variable.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>())
            {
                if (context.Model.GetDeclaredSymbol(designation, context.CancellationToken) is { } local && context.BoxedLocals.ContainsKey(local))
                {
                    target = context.AssignLocal(local, null) + " " + target;
                }
            }

            // Deconstructed from the element: a multi-dimensional array's enumerator gives it as an object.
            if (!typedByFactories && !indexLoop && info.CurrentProperty is { } current && info.ElementType is { } element
                && !SymbolEqualityComparer.Default.Equals(current.Type, element))
            {
                cast = $"({element.ToDisplayString(SymbolFormats.FullyQualified)})";
            }

            output.Add(Comment($"{AwaitPrefix(statement)}foreach ({variableStatement.Variable} in {statement.Expression})"));
        }

        string next = context.Label($"ForeachNext_Line{line}");
        string end = context.Label($"EndForeach_Line{line}");
        if (statement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
        {
            if (context.AsyncStatements.Contains(statement)) // otherwise already reported (CollectAsyncStatements)
            {
                LowerAwaitForEach(statement, info, target, cast, next, end, output); // BodyLowerer.AsyncStreams.cs
            }

            return;
        }

        if (indexLoop && collectionType is not null)
        {
            string arrayType = GeneratedClasses.TypeText(collectionType, GeneratedClasses.ScopesOf(statement.Expression, context)) ?? collectionType.ToDisplayString(SymbolFormats.FullyQualified);
            string array = context.AddField($"collection_Line{line}", arrayType, FieldKind.Temporary, $"the foreach collection, line {line}");
            string index = context.AddField($"index_Line{line}", "int", FieldKind.Temporary, $"the foreach position, line {line}");
            output.Add(Code($"this.@{array} = {Text(statement.Expression)};", line));
            output.Add(Code($"this.@{index} = 0;", line));
            output.Add(new BodyLine(BodyLineKind.Label, next, 0));
            output.Add(Code($"if (this.@{index} >= this.@{array}.Length) goto {end};", line));
            output.Add(Code(foreachBoxed ? $"{target}{cast}this.@{array}[this.@{index}++]);" : $"{target} = {cast}this.@{array}[this.@{index}++];", line));
            LowerLoopBody(statement.Statement, end, next, output);
            output.Add(Code($"goto {next};", 0));
            output.Add(new BodyLine(BodyLineKind.Label, end, 0));
            output.Add(Code($"this.@{array} = default;", 0));
            return;
        }

        if (FactoryCalls.Resolve(statement.Expression, context) is { } factoryResult)
        {
            // A coroutine this generator is writing: it is its own IEnumerator<TYield>.
            string elementType = factoryResult.YieldType.ToDisplayString(SymbolFormats.FullyQualified);
            string coroutine = context.AddField($"enumerator_Line{line}", $"global::System.Collections.Generic.IEnumerator<{elementType}>", FieldKind.Temporary, $"the foreach enumerator, line {line}");
            cast = string.Empty;
            if (statement is ForEachStatementSyntax { Type.IsVar: false } typed
                && context.Model.GetTypeInfo(typed.Type, context.CancellationToken).Type is { } declared
                && !SymbolEqualityComparer.Default.Equals(declared, factoryResult.YieldType))
            {
                cast = $"({declared.ToDisplayString(SymbolFormats.FullyQualified)})";
            }

            output.Add(Code($"this.@{coroutine} = ({Text(statement.Expression)}).GetEnumerator();", line));
            EmitEnumeratorLoop(statement, coroutine, target, cast, next, end, line, output, DisposeLines(coroutine, context.Model.Compilation.GetSpecialType(SpecialType.System_IDisposable)));
            return;
        }

        if (!typedByFactories && collectionType is not null && ImplementsGenericEnumerable(collectionType)
            && GeneratedClasses.TypeText(CoroutineTypes.ForEachElementType(collectionType), GeneratedClasses.ScopesOf(statement.Expression, context)) is { } elementText)
        {
            // A collection of generated classes the template names (`List<SubCoroutine> subs`): they do not exist yet, so the
            // pattern's enumerator cannot be named; the collection is enumerated as the IEnumerable<T> of them it is (only a
            // collection that is one: a cast of one that only has the GetEnumerator pattern would fail).
            string enumerable = $"global::System.Collections.Generic.IEnumerable<{elementText}>";
            string coroutines = context.AddField($"enumerator_Line{line}", $"global::System.Collections.Generic.IEnumerator<{elementText}>", FieldKind.Temporary, $"the foreach enumerator, line {line}");
            cast = statement is ForEachStatementSyntax { Type.IsVar: false } declaredLoop && context.Model.GetTypeInfo(declaredLoop.Type, context.CancellationToken).Type is { } declaredType
                && (GeneratedClasses.TypeText(declaredType, new[] { context.Template.ContainingType }) ?? declaredType.ToDisplayString(SymbolFormats.FullyQualified)) is var declaredText
                && declaredText != elementText
                    ? $"({declaredText})"
                    : string.Empty;
            output.Add(Code($"this.@{coroutines} = (({enumerable})({Text(statement.Expression)})).GetEnumerator();", line));
            EmitEnumeratorLoop(statement, coroutines, target, cast, next, end, line, output, DisposeLines(coroutines, context.Model.Compilation.GetSpecialType(SpecialType.System_IDisposable)));
            return;
        }

        if (getEnumerator is null || (typedByFactories ? getEnumerator.ReturnType.GetMembers("MoveNext").IsEmpty : info.MoveNextMethod is null || info.CurrentProperty is null))
        {
            Unsupported(statement, "a foreach loop over this collection", "iterate an array, a string or an IEnumerable<T>");
            return;
        }

        ITypeSymbol enumeratorType = getEnumerator.ReturnType;
        if (enumeratorType.IsRefLikeType)
        {
            // A span's enumerator (any ref struct) must survive the suspension in the body, and C# allows no field of its type.
            Unsupported(statement, $"a foreach loop over '{collectionType?.ToDisplayString() ?? statement.Expression.ToString()}', whose enumerator '{enumeratorType.ToDisplayString()}' is a ref struct that cannot be kept in a field across it",
                "iterate an array instead (for example 'span.ToArray()'), loop over the indices with 'for', or move the suspension point out of the loop");
            return;
        }

        string enumerator = context.AddField($"enumerator_Line{line}", enumeratorType.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.Temporary, $"the foreach enumerator, line {line}");
        output.Add(Code($"this.@{enumerator} = {EnumerableReceiver(getEnumerator, statement.Expression)}.GetEnumerator();", line));
        EmitEnumeratorLoop(statement, enumerator, target, cast, next, end, line, output, DisposeLines(enumerator, enumeratorType));
    }

    // What a foreach (or await foreach) calls GetEnumerator on: the collection, cast to the interface that declares the method
    // when it does (an explicit implementation is reachable only through it).
    private string EnumerableReceiver(IMethodSymbol getEnumerator, ExpressionSyntax collection) =>
        getEnumerator.ContainingType.TypeKind == TypeKind.Interface && !getEnumerator.IsExtensionMethod
            ? $"(({getEnumerator.ContainingType.ToDisplayString(SymbolFormats.FullyQualified)})({Text(collection)}))"
            : $"({Text(collection)})";

    private static string AwaitPrefix(CommonForEachStatementSyntax statement) => statement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) ? "await " : string.Empty;

    // The loop over an enumerator held in a field, inside a region whose finally disposes it.
    private void EmitEnumeratorLoop(CommonForEachStatementSyntax statement, string enumerator, string target, string cast, string next, string end, int line, List<BodyLine> output, List<BodyLine> dispose) =>
        EmitRegion(
            $"Foreach_Line{line}",
            output,
            body =>
            {
                body.Add(new BodyLine(BodyLineKind.Label, next, 0));
                body.Add(Code($"if (!this.@{enumerator}.MoveNext()) goto {end};", line));
                body.Add(Code(target.EndsWith("(", StringComparison.Ordinal) ? $"{target}{cast}this.@{enumerator}.Current);" : $"{target} = {cast}this.@{enumerator}.Current;", line));
                LowerLoopBody(statement.Statement, end, next, body);
                body.Add(Code($"goto {next};", 0));
                body.Add(new BodyLine(BodyLineKind.Label, end, 0));
            },
            dispose);

    private void LowerLoopBody(StatementSyntax body, string breakLabel, string continueLabel, List<BodyLine> output)
    {
        int depth = context.FinallyFrames.Count;
        context.Jumps.Push(new JumpTargets(breakLabel, continueLabel, depth, depth));
        LowerStatement(body, output);
        context.Jumps.Pop();
    }

    private void LowerTry(TryStatementSyntax statement, List<BodyLine> output)
    {
        if (statement.Catches.Any(c => context.ContainsSuspension(c)) || (statement.Finally is not null && context.ContainsSuspension(statement.Finally)))
        {
            LowerTryWithMovedHandlers(statement, output); // BodyLowerer.Handlers.cs
            return;
        }

        int line = Line(statement);
        output.Add(Comment("try"));
        bool exitCanBeCaught = ExitCanBeCaught(statement);
        var handlers = statement.Catches.Select(CatchText).ToList();
        List<BodyLine>? finallyLines = statement.Finally?.Block.Statements.Select(s => Code(Text(s), Line(s))).ToList();
        EmitRegion($"Try_Line{line}", output, body => LowerStatement(statement.Block, body), finallyLines, handlers, cleanup: finallyLines is not null || exitCanBeCaught, handlesExit: exitCanBeCaught);
    }

    // True when a catch clause of the try may intercept CoroutineExitException: Close must then raise the exit there.
    private bool ExitCanBeCaught(TryStatementSyntax statement) => statement.Catches.Any(c => c.Declaration is not null
        && CoroutineTypes.CatchOfExit(context.Model.GetTypeInfo(c.Declaration.Type, context.CancellationToken).Type) is ExitCatch.Names or ExitCatch.Depends);

    private BodyLine CatchText(CatchClauseSyntax clause)
    {
        CatchDeclarationSyntax? declaration = clause.Declaration;
        ITypeSymbol? caught = declaration is null ? null : context.Model.GetTypeInfo(declaration.Type, context.CancellationToken).Type;
        string name = declaration is not null && !declaration.Identifier.IsKind(SyntaxKind.None) ? declaration.Identifier.Text : "__exception";
        string type = declaration is null ? "global::System.Exception" : declaration.Type.ToString();
        string? exitPasses = CoroutineTypes.ExitPassesCondition(CoroutineTypes.CatchOfExit(caught), name, type);
        string? userFilter = clause.Filter is null ? null : CheckedExpression(Text(clause.Filter.FilterExpression));
        string header = exitPasses is null
            ? $"catch ({type}{(declaration!.Identifier.IsKind(SyntaxKind.None) ? string.Empty : " " + name)})" + (userFilter is null ? string.Empty : $" when ({userFilter})")
            : $"catch ({type} {name}) when ({exitPasses}{(userFilter is null ? string.Empty : $" && ({userFilter})")}) // Close's exit passes through, as GeneratorExit passes 'except Exception'";
        return NotStatement(Code(header + "\n" + CheckedBlock(Text(clause.Block)), Line(clause)));
    }

    private void LowerUsing(UsingStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        output.Add(Comment($"{(statement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) ? "await " : string.Empty)}using ({(SyntaxNode?)statement.Declaration ?? statement.Expression})"));
        var resources = new List<string>();
        ITypeSymbol? type;
        if (statement.Declaration is not null)
        {
            type = context.Model.GetTypeInfo(statement.Declaration.Type, context.CancellationToken).Type;
            foreach (VariableDeclaratorSyntax declarator in statement.Declaration.Variables)
            {
                ISymbol? local = context.Model.GetDeclaredSymbol(declarator, context.CancellationToken);
                if (local is null || !context.FieldOf.TryGetValue(local, out string? field) || declarator.Initializer is null)
                {
                    return;
                }

                if (!SpillExpression(declarator.Initializer.Value, statement, output))
                {
                    return;
                }

                output.Add(Code(context.AssignLocal(local, Text(declarator.Initializer.Value)), line));
                resources.Add(ResourceAccess(local));
            }
        }
        else
        {
            if (!SpillExpression(statement.Expression!, statement, output))
            {
                return;
            }

            type = context.Model.GetTypeInfo(statement.Expression!, context.CancellationToken).Type;
            if (CoroutineTypes.ContainsErrorType(type))
            {
                type = null; // the compiler reports the expression; the field cannot spell its type: it holds an IDisposable
            }

            string field = context.AddField($"resource_Line{line}", type?.ToDisplayString(SymbolFormats.FullyQualified) ?? "global::System.IDisposable", FieldKind.Temporary, $"the using resource, line {line}");
            output.Add(Code($"this.@{field} = {Text(statement.Expression!)};", line));
            resources.Add(field);
        }

        if (statement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
        {
            if (context.AsyncStatements.Contains(statement)) // otherwise already reported (CollectAsyncStatements)
            {
                EmitAsyncUsingRegions(statement, resources, type, line, output, body => LowerStatement(statement.Statement, body));
            }

            return;
        }

        EmitUsingRegions(resources, type, line, output, body => LowerStatement(statement.Statement, body), EndLine(statement));
    }

    // Resources are disposed in reverse order: each one's region encloses the next.
    // The disposals map to the end of the resource's scope (the using's or the block's closing brace), where C# reports a
    // frame whose Dispose throws.
    private void EmitUsingRegions(List<string> resources, ITypeSymbol? type, int line, List<BodyLine> output, Action<List<BodyLine>> body, int disposeLine)
    {
        if (resources.Count == 0)
        {
            body(output);
            return;
        }

        EmitRegion(
            $"Using_Line{line}",
            output,
            inner => EmitUsingRegions(resources.Skip(1).ToList(), type, line, inner, body, disposeLine),
            DisposeLines(resources[0], type, disposeLine));
    }

    // A using resource as a field expression (after "this.@"): the value in its box when closures capture it per iteration.
    private string ResourceAccess(ISymbol local) =>
        context.BoxedLocals.ContainsKey(local) ? context.FieldOf[local] + ".Value" : context.FieldOf[local];

    private List<BodyLine> DisposeLines(string field, ITypeSymbol? type, int line = 0)
    {
        var lines = new List<BodyLine>();
        if (type is null)
        {
            lines.Add(Code($"global::CoroGen.CoroutineCleanup.DisposeIfDisposable(this.@{field});", line));
        }
        else if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            lines.Add(Code($"if (this.@{field}.HasValue) ((global::System.IDisposable)this.@{field}.Value).Dispose();", line));
        }
        else if (ImplementsDisposable(type))
        {
            lines.Add(Code($"global::CoroGen.CoroutineCleanup.Dispose(ref this.@{field});", line));
        }
        else if (!type.IsSealed && !type.IsValueType)
        {
            lines.Add(Code($"global::CoroGen.CoroutineCleanup.DisposeIfDisposable(this.@{field});", line));
        }

        // Let go of the disposed resource, unless closures can still read it (C# keeps a captured variable): in its box, or
        // in the field of a local that a lambda or local function of the template names.
        if ((!type?.IsValueType ?? true) && !field.EndsWith(".Value", System.StringComparison.Ordinal) && !CapturedByAClosure(field))
        {
            lines.Add(Code($"this.@{field} = default;", 0));
        }

        return lines;
    }

    // IDisposable itself, a type that implements it, or a type parameter constrained to one (`where T : struct, IDisposable`,
    // whose AllInterfaces is empty): its Dispose is called in place, as C# calls it on the variable.
    private static bool ImplementsDisposable(ITypeSymbol type) =>
        type.SpecialType == SpecialType.System_IDisposable || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable)
        || (type is ITypeParameterSymbol parameter && parameter.ConstraintTypes.Any(ImplementsDisposable));

    private bool CapturedByAClosure(string field)
    {
        ISymbol? local = context.FieldOf.FirstOrDefault(p => p.Value == field && p.Key is ILocalSymbol).Key;
        return local is not null && context.Root!.DescendantNodes()
            .Where(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax)
            .SelectMany(f => f.DescendantNodes().OfType<IdentifierNameSyntax>())
            .Any(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, local));
    }

    /// <summary>
    /// A real try statement entered through a label: states inside it dispatch to the label from the enclosing switch, then
    /// to their resume labels from the switch at the top of the try block.
    /// </summary>
    private void EmitRegion(string entryName, List<BodyLine> output, Action<List<BodyLine>> body, List<BodyLine>? finallyLines, List<BodyLine>? handlers = null, bool cleanup = true, bool handlesExit = false)
    {
        string entry = context.Label(entryName);
        var inner = new List<BodyLine>();
        context.DispatchFrames.Push(new List<(string, string)>());
        context.CleanupDepth += cleanup ? 1 : 0;
        context.ExitHandlerDepth += handlesExit ? 1 : 0;
        context.Regions.Add((finallyLines is not null, handlers is { Count: > 0 }));
        body(inner);
        context.Regions.RemoveAt(context.Regions.Count - 1);
        context.CleanupDepth -= cleanup ? 1 : 0;
        context.ExitHandlerDepth -= handlesExit ? 1 : 0;

        List<(string State, string Target)> frame = context.DispatchFrames.Pop();
        foreach ((string state, string _) in frame)
        {
            context.DispatchFrames.Peek().Add((state, entry));
        }

        output.Add(new BodyLine(BodyLineKind.Label, entry, 0));
        output.Add(new BodyLine(BodyLineKind.Open, "try", 0));
        output.AddRange(Dispatch(frame));
        output.AddRange(inner);
        output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
        if (handlers is not null)
        {
            output.AddRange(handlers);
        }

        if (finallyLines is not null)
        {
            output.Add(new BodyLine(BodyLineKind.Open, "finally", 0));
            output.Add(new BodyLine(BodyLineKind.Open, CleanupGuard, 0));
            output.AddRange(finallyLines);
            output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
            output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
        }
    }

    // ---- Suspension points ----

    // A suspension point Suspend can write directly: its operand does not itself suspend (else ExpressionSpiller handles it).
    private bool IsSuspension(AwaitExpressionSyntax node) => context.Suspensions.Contains(node) && !context.ContainsSuspension(node.Expression);

    /// <summary>
    /// Emits one suspension point: set the state, suspend (yield or delegate), the resume label, then deliver what the
    /// driver sent (or raise what it threw) into <paramref name="resultFormat"/> ("{0}" is the await's value).
    /// </summary>
    private void Suspend(AwaitExpressionSyntax node, string? resultFormat, SyntaxNode statement, List<BodyLine> output)
    {
        int line = Line(node);
        output.Add(Comment(FirstLine(statement)));
        ExpressionSyntax awaited = node.Expression;
        while (awaited is ParenthesizedExpressionSyntax parenthesized)
        {
            awaited = parenthesized.Expression; // `await (Sub(co))` delegates as `await Sub(co)` does
        }

        ITypeSymbol? awaitedType = context.Model.GetTypeInfo(awaited, context.CancellationToken).Type;
        ITypeSymbol? resultType = context.Model.GetTypeInfo(node, context.CancellationToken).Type;
        IMethodSymbol? called = awaited is InvocationExpressionSyntax ? context.Model.GetSymbolInfo(awaited, context.CancellationToken).Symbol as IMethodSymbol : null;
        if ((called is null || FactoryCalls.IncompleteWithoutFactories(awaitedType, context) || FactoryCalls.IncompleteWithoutFactories(resultType, context))
            && FactoryCalls.Resolve(awaited, context) is null && FactoryCalls.BindWithFactories(awaited, context, out IMethodSymbol? boundCall) is { } speculative)
        {
            // Arguments are factory calls (co.Gather(Slow(), Slow())), or the receiver is a `var` local typed by one
            // (`var t = co.Spawn(Work()); await t.Join();`, whose T the compiler cannot infer yet): bound as if the factories existed.
            (awaitedType, resultType, called) = (speculative, FactoryCalls.AwaitResult(speculative, context) ?? resultType, boundCall);
        }
        if ((awaitedType is null || CoroutineTypes.ContainsErrorType(awaitedType) || CoroutineTypes.ContainsErrorType(resultType))
            && FactoryCalls.Resolve(awaited, context) is null && context.DeferToCompiler(awaited))
        {
            return; // a compiler error in the awaited expression: the build reports it
        }

        bool onYielder = awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(access.Expression, context.CancellationToken).Symbol, context.Yielder);

        string suspend; // the base class method that suspends: Yielded, YieldedThrough or DelegateTo
        string operand; // what it yields or delegates to
        string kind;
        string waitsFor;
        bool delegation;
        if (onYielder && called is { Name: "Yield" } && CoroutineTypes.IsYielder(called.ContainingType))
        {
            var invocation = (InvocationExpressionSyntax)awaited;
            string yielded = invocation.ArgumentList.Arguments.Count == 0 ? "default!" : YieldOperand(invocation.ArgumentList.Arguments[0].Expression);
            (kind, suspend, operand, waitsFor, delegation) = ("Yield", "Yielded", yielded, $"MoveNext or Send after yielding {invocation.ArgumentList.Arguments.FirstOrDefault()?.ToString() ?? "default"}", false);
        }
        else if (onYielder && called is { Name: "YieldAll" } && CoroutineTypes.IsYielder(called.ContainingType))
        {
            var invocation = (InvocationExpressionSyntax)awaited;
            string items = Text(invocation.ArgumentList.Arguments[0].Expression);
            (kind, suspend, operand, waitsFor, delegation) = ("YieldAll", "DelegateTo", $"new global::CoroGen.YieldAllCoroutine<{context.YieldTypeText}, {context.SendTypeText}>({items})", $"the elements of {items} to be taken", true);
        }
        else if (CoroutineTypes.IsNamed(awaitedType, "YieldAwaitable"))
        {
            (kind, suspend, operand, waitsFor, delegation) = ("Yield", "YieldedThrough", Text(awaited), $"MoveNext or Send after {awaited}", false);
        }
        else if (CoroutineTypes.IsNamed(awaitedType, "YieldAllAwaitable"))
        {
            (kind, suspend, operand, waitsFor, delegation) = ("YieldAll", "DelegateTo", Text(awaited), $"the elements yielded by {awaited}", true);
        }
        else if (FactoryCalls.Resolve(awaited, context) is { } factoryResult)
        {
            string? sub = CheckedSub(awaited, Text(awaited), factoryResult.YieldType, factoryResult.SendType, factoryResult.ResultType);
            if (sub is null)
            {
                return;
            }

            resultType = factoryResult.ResultType;
            (kind, suspend, operand, waitsFor, delegation) = ("Delegate", "DelegateTo", sub, $"the sub-coroutine {awaited} to finish", true);
        }
        else if (CoroutineTypes.IsCoroutine(awaitedType))
        {
            string? sub = SubCoroutine(awaited, called, awaitedType!);
            if (sub is null)
            {
                return;
            }

            (kind, suspend, operand, waitsFor, delegation) = ("Delegate", "DelegateTo", sub, $"the sub-coroutine {awaited} to finish", true);
        }
        else if (awaitedType is not null && YieldTypeAwaitsTasks(context) && AwaitsThroughAnAdapter(awaitedType))
        {
            string? sub = AdaptedAwait(awaited, $"{context.YieldTypeText}.Await({Text(awaited)})", resultType);
            if (sub is null)
            {
                return;
            }

            (kind, suspend, operand, waitsFor, delegation) = ("Await", "DelegateTo", sub, $"{awaited} to complete", true);
        }
        else
        {
            // An await the compiler reports an error in (`await co?.Yield(1)`: CS1061) is that error's to explain.
            if (!context.DeferToCompiler(node))
            {
                context.Report(DiagnosticDescriptors.UnknownAwait, node, awaited.ToString(), awaitedType?.ToDisplayString() ?? "?");
            }

            return;
        }

        string? resultTypeText = null;
        if (delegation && resultFormat is not null && CoroutineTypes.ContainsErrorType(resultType))
        {
            // A result that is (or holds) a generated class (`Coroutine<SubCoroutine>`): named as the build will know it.
            resultTypeText = GeneratedClasses.TypeText(resultType, GeneratedClasses.ScopesOf(node.Expression, context));
        }

        if (delegation && resultFormat is not null && resultType is IErrorTypeSymbol && resultTypeText is null)
        {
            // Generated code could only name the result's type as `DelegationResult<>()` (CS0305). A compiler error there, or
            // elsewhere in the file (`Coroutine<>` in the called template's signature), is the build's to report (the template
            // gets its placeholder); otherwise CoroGen failed to resolve a call it should have: COROGEN099 and the placeholder,
            // rather than code that cannot compile.
            if (!context.DeferToCompiler(node) && !context.DeferToCompilerErrorsInFile())
            {
                throw new InvalidOperationException($"the result type of the delegation on line {line} could not be resolved");
            }

            return;
        }

        EmitSuspension(kind, suspend, operand, waitsFor, delegation, resultType, resultFormat, line, output, resultTypeText);
    }

    private static bool ImplementsGenericEnumerable(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Array
        || (type is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
        || type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);

    /// <summary>
    /// Writes one suspension point: <paramref name="suspend"/> (Yielded, YieldedThrough or DelegateTo) of
    /// <paramref name="operand"/>, the resume label, and what the driver sent or the sub returned, delivered into
    /// <paramref name="resultFormat"/> ("{0}" is the value; null when nothing takes it).
    /// </summary>
    private void EmitSuspension(string kind, string suspend, string operand, string waitsFor, bool delegation, ITypeSymbol? resultType, string? resultFormat, int line, List<BodyLine> output, string? resultTypeText = null)
    {
        // One line to suspend, one to resume: each maps to the await's template line.
        StateModel state = context.AddState(kind, line, waitsFor, out string resume);
        // The resume point is the first argument: it reaches `state` only after the operand is computed, so an exception
        // there leaves the body Running (its finally blocks run) and a re-entrant call from it is refused.
        output.Add(Code($"return this.{suspend}({state.Name}, {operand});", line));
        output.Add(new BodyLine(BodyLineKind.Label, resume, 0));
        if (state.ClosesByReturn)
        {
            output.Add(Code(LeaveForClose, line));
        }

        string delivered;
        if (delegation)
        {
            // OnResume raises what the sub-coroutine (or Throw/Close) raised; otherwise the await's value is the sub's result.
            string result = resultType is null || resultType.SpecialType == SpecialType.System_Void || resultFormat is null
                ? "this.EndDelegation();"
                : string.Format(resultFormat, $"this.DelegationResult<{resultTypeText ?? resultType.ToDisplayString(SymbolFormats.FullyQualified)}>()");
            delivered = "this.OnResume(); " + result;
        }
        else
        {
            delivered = resultFormat is null ? "this.OnResume();" : string.Format(resultFormat, "this.OnResume()");
        }

        output.Add(Code(delivered, line));
    }

    // What a yield yields. A nullable local held in a field is read member by member (CoroutineLowering.Fieldwise): copied
    // whole, it is one wide load that the CPU cannot forward from the two narrow stores of an update just before.
    private string YieldOperand(ExpressionSyntax value)
    {
        string text = Text(value);
        bool hoistedNullable = value is IdentifierNameSyntax
            && context.Model.GetSymbolInfo(value, context.CancellationToken).Symbol is (ILocalSymbol or IParameterSymbol) and var local
            && context.FieldOf.ContainsKey(local) && !context.BoxedLocals.ContainsKey(local) && !context.StepLocals.Contains(local)
            && context.Model.GetTypeInfo(value, context.CancellationToken).Type is { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        return hoistedNullable ? $"global::CoroGen.CoroutineLowering.Fieldwise(ref {text})" : text;
    }

    // What the generated code delegates to: a template call becomes a factory call (without `co`); anything else is kept.
    private string? SubCoroutine(ExpressionSyntax awaited, IMethodSymbol? called, ITypeSymbol awaitedType)
    {
        ITypeSymbol? subYield = null, subSend = null, subReturn = null;
        string text;

        // A template that extends its own Yielder ('this Yielder<T> co'), called on it ('co.Sub(args)'): the call binds to
        // the reduced method, whose parameters no longer hold the Yielder, and its factory, which has no Yielder to extend,
        // is a plain static method of the declaring class.
        string? staticTarget = null;
        if ((called?.ReducedFrom ?? called) is { } template && TemplateSignature.IsTemplate(template.OriginalDefinition)
            && context.Model.GetOperation(awaited, context.CancellationToken) is IInvocationOperation call
            && !TemplateSignature.PassesOwnYielder(call, context.Yielder))
        {
            // `await Sub(3, other)`: the analyzer reports COROGEN022 there, and the factory call could not pass 'other' on.
            context.DeferToAnotherDiagnostic($"COROGEN022 on its delegation to '{template.Name}'");
            return Text(awaited);
        }

        if (called?.ReducedFrom is not null
            && awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var receiver, Name: var name } }
            && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(receiver, context.CancellationToken).Symbol, context.Yielder)
            && called.GetConstructedReducedFrom() is { } unreduced && CoroutineTypes.IsYielder(unreduced.Parameters[0].Type))
        {
            called = unreduced;
            staticTarget = called.ContainingType.ToDisplayString(SymbolFormats.FullyQualified) + "." + name.ToString();
        }

        if (called is not null && called.GetAttributes().Any(CoroutineTypes.IsCoroutineAttribute)
            && called.Parameters.FirstOrDefault(p => CoroutineTypes.IsYielder(p.Type)) is { } subYielder
            && awaited is InvocationExpressionSyntax { ArgumentList: { } argumentList })
        {
            if (!TemplateParser.GetsAFactory(called, context.CancellationToken))
            {
                context.DeferToTheCalledTemplatesDiagnostic(called);
            }

            CoroutineTypes.YielderTypes(subYielder.Type, out ITypeSymbol y, out ITypeSymbol s);
            (subYield, subSend) = (y, s);
            subReturn = CoroutineTypes.TemplateResultType(called.ReturnType, out _);

            // The factory takes the same arguments without the Yielder (`co`).
            var arguments = argumentList.Arguments
                .Where(a => !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(a.Expression, context.CancellationToken).Symbol, context.Yielder))
                .Select(a => Text(a));
            var invocationSyntax = (InvocationExpressionSyntax)awaited;
            string target = staticTarget ?? Text(invocationSyntax.Expression);
            bool explicitTypeArguments = invocationSyntax.Expression is GenericNameSyntax
                || invocationSyntax.Expression is MemberAccessExpressionSyntax { Name: GenericNameSyntax };
            if (called.IsGenericMethod && !explicitTypeArguments)
            {
                // The factory has no Yielder to infer type arguments from: spell them out.
                target += "<" + string.Join(", ", called.TypeArguments.Select(t => t.ToDisplayString(SymbolFormats.FullyQualified))) + ">";
            }

            text = $"{target}({string.Join(", ", arguments)})";
        }
        else
        {
            if (CoroutineTypes.FullCoroutineBase(awaitedType) is { } full)
            {
                (subYield, subSend, subReturn) = (full.TypeArguments[0], full.TypeArguments[1], full.TypeArguments[2]);
            }

            text = Text(awaited);
        }

        return subYield is not null && subSend is not null ? CheckedSub(awaited, text, subYield, subSend, subReturn) : text;
    }

    // Reports a sub-coroutine whose yield or send type does not fit this coroutine's; returns the text to delegate to.
    // API.md section 5: the sub's yield type converts implicitly to this coroutine's and its send type is assignable from
    // this one's. Identity and reference conversions pass along the chain as they are; any other implicit conversion
    // (numeric, nullable, boxing, user-defined) goes through the runtime's ConvertingCoroutine adapter.
    private string? CheckedSub(SyntaxNode awaited, string text, ITypeSymbol subYield, ITypeSymbol subSend, ITypeSymbol? subReturn)
    {
        if (Fits(subYield, context.YieldType) && Fits(context.SendType, subSend))
        {
            return text;
        }

        string? problem =
            !Converts(subYield, context.YieldType) ? $"it yields '{subYield.ToDisplayString()}', which does not convert implicitly to '{context.YieldType.ToDisplayString()}'" :
            !Converts(context.SendType, subSend) ? $"it takes '{subSend.ToDisplayString()}' from Send, which cannot hold the '{context.SendType.ToDisplayString()}' values this coroutine is sent (no implicit conversion)" :
            null;
        if (problem is not null)
        {
            context.Report(DiagnosticDescriptors.DelegationTypeMismatch, awaited, awaited.ToString(), problem, context.YieldType.ToDisplayString(), context.SendType.ToDisplayString());
            return null;
        }

        string returnText = subReturn?.ToDisplayString(SymbolFormats.FullyQualified) ?? "global::CoroGen.Unit";
        string types = string.Join(", ", new[] { context.YieldType, context.SendType, subYield, subSend }.Select(t => t.ToDisplayString(SymbolFormats.FullyQualified)));
        return $"new global::CoroGen.ConvertingCoroutine<{types}, {returnText}>({text}, __yielded => __yielded, __sent => __sent)";
    }

    // The runtime passes values along a delegation chain through variant interfaces: identity or reference conversions only.
    private bool Fits(ITypeSymbol from, ITypeSymbol to)
    {
        Conversion conversion = context.Model.Compilation.ClassifyConversion(from, to);
        return conversion.IsIdentity || (conversion.IsImplicit && conversion.IsReference);
    }

    // Any implicit conversion: what ConvertingCoroutine's lambdas compile to.
    private bool Converts(ITypeSymbol from, ITypeSymbol to) => context.Model.Compilation.ClassifyConversion(from, to).IsImplicit;

    /// <summary>
    /// The delegation an awaited task or ValueTask (<c>await task</c>, the steps of <c>await foreach</c>, <c>DisposeAsync</c>)
    /// becomes: <paramref name="text"/>, a <c>TYield.Await(...)</c> call, checked as any sub-coroutine is against the
    /// template's yield and send types (COROGEN009: a template taking <c>int</c> from Send cannot delegate to a sub
    /// taking <c>Unit</c>); null when reported.
    /// </summary>
    // Whether TYield.Await takes the awaited value as what it is (a Task, a ValueTask, a configured one, or a type deriving
    // from one): not through a conversion (a custom awaitable that converts to Task<T> would be awaited through it, not
    // through its own GetAwaiter, as C# awaits it), nor an awaitable it has no overload for (CS1503 in generated code).
    private bool AwaitsThroughAnAdapter(ITypeSymbol awaited)
    {
        for (ITypeSymbol? t = awaited; t is not null; t = t.BaseType)
        {
            if (YieldTypeAwaits(t))
            {
                return true;
            }
        }

        // A type parameter constrained to a Task type (`where T : Task<int>`) is awaited as that type.
        return awaited is ITypeParameterSymbol parameter && parameter.ConstraintTypes.Any(AwaitsThroughAnAdapter);
    }

    private string? AdaptedAwait(SyntaxNode at, string text, ITypeSymbol? resultType)
    {
        if (AwaitAdapterCoroutine(context) is not { } adapter)
        {
            return text; // an adapter typed only Coroutine or Coroutine<T>: its fit is checked when the await runs
        }

        return CheckedSub(at, text, adapter.TypeArguments[0], adapter.TypeArguments[1], resultType);
    }

    // ---- Helpers ----

    private bool CheckNoSuspension(SyntaxNode node, string where)
    {
        if (!context.ContainsSuspension(node))
        {
            return false;
        }

        context.Report(DiagnosticDescriptors.SuspensionInExpression, FirstSuspension(node), where, DiagnosticDescriptors.MoveSuspensionIntoItsOwnStatement);
        return true;
    }

    private void ReportInExpression(SyntaxNode node) =>
        context.Report(DiagnosticDescriptors.SuspensionInExpression, FirstSuspension(node), DescribeParent(FirstSuspension(node)), DiagnosticDescriptors.MoveSuspensionIntoItsOwnStatement);

    private SyntaxNode FirstSuspension(SyntaxNode node) => context.Suspensions.First(a => node.Span.Contains(a.Span));

    private static string DescribeParent(SyntaxNode suspension)
    {
        SyntaxNode? parent = suspension.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            ArgumentSyntax => "a method argument",
            BinaryExpressionSyntax b => $"the operands of '{b.OperatorToken.Text}'",
            AssignmentExpressionSyntax a => $"the compound assignment '{a.OperatorToken.Text}'",
            ConditionalExpressionSyntax => "a conditional expression",
            InterpolationSyntax => "an interpolated string",
            MemberAccessExpressionSyntax => "a member access",
            InitializerExpressionSyntax => "an initializer",
            ThrowStatementSyntax or ThrowExpressionSyntax => "a throw",
            _ => parent is null ? "an expression" : $"a {parent.Kind()}",
        };
    }

    // The first await of a suspension point inside the node, or the node when it has none (an await foreach or await using).
    private SyntaxNode FirstSuspensionIn(SyntaxNode node) =>
        context.Suspensions.Where(a => node.Span.Contains(a.Span)).OrderBy(a => a.SpanStart).FirstOrDefault() ?? node;

    private void Unsupported(SyntaxNode node, string construct, string fix) =>
        context.Report(DiagnosticDescriptors.UnsupportedConstruct, node is StatementSyntax s ? s.GetFirstToken().GetLocation() : node.GetLocation(), construct, fix);

    // Targets that C# evaluates to nothing before the await: locals, parameters, fields and properties of this, deconstructions of those.
    private static bool IsStableTarget(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax => true,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } => true,
        DeclarationExpressionSyntax => true,
        TupleExpressionSyntax tuple => tuple.Arguments.All(a => IsStableTarget(a.Expression)),
        _ => false,
    };

    internal static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax p)
        {
            expression = p.Expression;
        }

        return expression;
    }

    private string Text(SyntaxNode node) => TemplateRewriter.Text(context, node);

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static int EndLine(SyntaxNode node) => node.GetLocation().GetLineSpan().EndLinePosition.Line + 1;

    private static string FirstLine(SyntaxNode node)
    {
        string text = node.WithoutTrivia().ToString();
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text.Substring(0, newline).TrimEnd('\r') + " ...";
    }

    private static BodyLine Comment(string text) => new(BodyLineKind.Comment, text.Replace("\r", string.Empty).Replace("\n", " "), 0);

    private static BodyLine Code(string text, int line) => new(BodyLineKind.Code, text, line);
}
