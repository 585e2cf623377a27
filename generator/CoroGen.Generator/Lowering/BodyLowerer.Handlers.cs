using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Lowering;

// Lowering of catch and finally blocks that suspend (Roslyn's AsyncExceptionHandlerRewriter, written as source), switch
// statements (a native switch as the dispatcher, then flattened sections), checked/unchecked blocks, and the boxes of
// per-iteration locals that closures capture.
internal sealed partial class BodyLowerer
{
    /// <summary>
    /// A try statement with a suspension point in a catch or finally block. No suspension point stays inside a real handler:
    /// <list type="bullet">
    /// <item>a catch that suspends keeps its type test and filter on a real catch clause, which only stores the exception and
    /// the clause's number; its block runs after the try statement as flattened code, and <c>throw;</c> there rethrows the
    /// stored exception with its stack trace;</item>
    /// <item>a finally that suspends: a catch-all around the try (and its catch clauses) stores the pending exception, Close's
    /// exit included; the finally block follows as flattened code, then rethrows it; every exit leaving the try (break,
    /// continue, goto, return) stores a branch number and jumps to the finally, whose end replays it one level further out.</item>
    /// </list>
    /// </summary>
    private void LowerTryWithMovedHandlers(TryStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        bool finallyMoves = statement.Finally is not null && context.ContainsSuspension(statement.Finally);
        if (!finallyMoves)
        {
            output.Add(Comment("try"));
            if (statement.Finally is null)
            {
                LowerCatches(statement, line, output);
                return;
            }

            List<BodyLine> finallyLines = statement.Finally.Block.Statements.Select(s => Code(Text(s), Line(s))).ToList();
            EmitRegion($"Try_Line{line}", output, body => LowerCatches(statement, line, body), finallyLines, cleanup: true);
            return;
        }

        FinallyClauseSyntax finallyClause = statement.Finally!;
        output.Add(Comment("try (its finally block suspends: it runs after the try statement, then rethrows the pending exception or replays the pending exit)"));
        EmitTryWithMovedFinally(
            line,
            Line(finallyClause),
            output,
            body =>
            {
                if (statement.Catches.Count > 0)
                {
                    LowerCatches(statement, line, body);
                }
                else
                {
                    LowerStatement(statement.Block, body);
                }
            },
            finallyBody => LowerStatement(finallyClause.Block, finallyBody),
            finallyClause.Block.CloseBraceToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
    }

    /// <summary>
    /// A try region whose finally block suspends (a template's own, or the asynchronous disposal of <c>await using</c> and
    /// <c>await foreach</c>): a catch-all around the try stores the pending exception, Close's exit included; the finally
    /// block follows as flattened code, then rethrows it; every exit leaving the try (break, continue, goto, return) stores
    /// a branch number and jumps to the finally, whose end replays it one level further out.
    /// </summary>
    /// <param name="rethrowLine">
    /// The template line the rethrow of the pending exception maps to: the finally block's closing brace, where C# reports a
    /// frame that rethrows at the end of a finally (0: hidden, for the finally of a construct with no brace of its own).
    /// </param>
    private void EmitTryWithMovedFinally(int line, int finallyLine, List<BodyLine> output, Action<List<BodyLine>> tryBody, Action<List<BodyLine>> finallyBody, int rethrowLine = 0)
    {
        string pendingException = context.AddField($"pendingException_Line{line}", "global::System.Exception?", FieldKind.Temporary, $"the exception leaving the try of line {line}, rethrown when its finally ends");
        string pendingBranch = context.AddField($"pendingBranch_Line{line}", "int", FieldKind.Temporary, $"the exit leaving the try of line {line}, replayed when its finally ends (0: none)");
        string finallyLabel = context.Label($"Finally_Line{finallyLine}");
        output.Add(Code($"this.@{pendingException} = null; this.@{pendingBranch} = 0;", line));

        var frame = new FinallyFrame(finallyLabel, pendingBranch);
        context.FinallyFrames.Add(frame);
        BodyLine store = NotStatement(Code(
            "catch (global::System.Exception __exception) // any exception, Close's exit included: the finally block runs first\n{\n"
            + $"    this.@{pendingException} = __exception;\n}}",
            0));
        EmitRegion(
            $"Try_Line{line}",
            output,
            tryBody,
            null,
            new List<BodyLine> { store },
            cleanup: true,
            handlesExit: true);
        context.FinallyFrames.RemoveAt(context.FinallyFrames.Count - 1);

        if (frame.Branches.Count > 0)
        {
            // The landing labels of the exits leaving the try: each records its pending branch once the finally blocks
            // between the exit and here have run without throwing (see LoweringContext.JumpTo).
            output.Add(Code($"goto {finallyLabel};", 0));
            for (int i = 0; i < frame.Branches.Count; i++)
            {
                output.Add(new BodyLine(BodyLineKind.Label, frame.Branches[i].Landing, 0));
                output.Add(Code($"this.@{pendingBranch} = {i + 1}; goto {finallyLabel};", 0));
            }
        }

        output.Add(Comment("finally"));
        output.Add(new BodyLine(BodyLineKind.Label, finallyLabel, 0));
        finallyBody(output);
        output.Add(Code($"if (this.@{pendingException} is not null) throw global::CoroGen.CoroutineLowering.RethrowPending(ref this.@{pendingException});", rethrowLine));
        if (frame.Branches.Count > 0)
        {
            output.Add(new BodyLine(BodyLineKind.Open, $"switch (this.@{pendingBranch}) // the exit that left the try, now taken (through the finally blocks further out)", 0));
            for (int i = 0; i < frame.Branches.Count; i++)
            {
                (string? label, int depth, string _) = frame.Branches[i];
                output.Add(NotStatement(Code($"case {i + 1}: {context.JumpTo(label, depth)}", 0)));
            }

            output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
        }
    }

    // The try block and its catch clauses; those that suspend run after the try statement.
    private void LowerCatches(TryStatementSyntax statement, int line, List<BodyLine> output)
    {
        bool exitCanBeCaught = ExitCanBeCaught(statement);
        if (!statement.Catches.Any(c => context.ContainsSuspension(c)))
        {
            List<BodyLine> handlers = statement.Catches.Select(CatchText).ToList();
            EmitRegion($"Try_Line{line}", output, body => LowerStatement(statement.Block, body), null, handlers, cleanup: exitCanBeCaught, handlesExit: exitCanBeCaught);
            return;
        }

        string caught = context.AddField($"caught_Line{line}", "global::System.Exception?", FieldKind.Temporary, $"the exception a catch clause of the try of line {line} caught (its block runs after the try)");
        string handler = context.AddField($"handler_Line{line}", "int", FieldKind.Temporary, $"the catch clause of the try of line {line} that caught it (0: none)");
        output.Add(Code($"this.@{handler} = 0;", line));
        var moved = new List<(CatchClauseSyntax Clause, string Label)>();
        var clauses = new List<BodyLine>();
        foreach (CatchClauseSyntax clause in statement.Catches)
        {
            if (!context.ContainsSuspension(clause))
            {
                clauses.Add(CatchText(clause));
                continue;
            }

            context.MovedCatches[clause] = caught;
            moved.Add((clause, context.Label($"Catch_Line{Line(clause)}")));
            clauses.Add(CatchStub(clause, moved.Count, caught, handler));
        }

        EmitRegion($"Try_Line{line}", output, body => LowerStatement(statement.Block, body), null, clauses, cleanup: exitCanBeCaught, handlesExit: exitCanBeCaught);

        string end = context.Label($"EndTry_Line{line}");
        output.Add(new BodyLine(BodyLineKind.Open, $"switch (this.@{handler}) // the catch clause that caught an exception: its block runs here, outside the try", 0));
        for (int i = 0; i < moved.Count; i++)
        {
            output.Add(NotStatement(Code($"case {i + 1}: goto {moved[i].Label};", 0)));
        }

        output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
        output.Add(Code($"goto {end};", 0));
        foreach ((CatchClauseSyntax clause, string label) in moved)
        {
            output.Add(Comment(CatchHeader(clause)));
            output.Add(new BodyLine(BodyLineKind.Label, label, 0));
            if (clause.Declaration is { Identifier.RawKind: not 0 } declaration
                && context.Model.GetDeclaredSymbol(declaration, context.CancellationToken) is { } variable
                && context.FieldOf.ContainsKey(variable))
            {
                output.Add(Code(context.AssignLocal(variable, $"({declaration.Type})this.@{caught}"), Line(clause)));
            }

            LowerStatement(clause.Block, output);
            output.Add(Code($"goto {end};", 0));
        }

        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
        output.Add(Code($"this.@{caught} = null;", 0));
    }

    // The real catch clause of a moved handler: the same type test and filter (run in the first pass, as C# does), then it
    // only records what it caught. Close's exit passes a clause that does not name CoroutineExitException.
    private BodyLine CatchStub(CatchClauseSyntax clause, int number, string caught, string handler)
    {
        CatchDeclarationSyntax? declaration = clause.Declaration;
        ITypeSymbol? caughtType = declaration is null ? null : context.Model.GetTypeInfo(declaration.Type, context.CancellationToken).Type;
        string type = declaration is null ? "global::System.Exception" : declaration.Type.ToString();
        var conditions = new List<string>();
        if (CoroutineTypes.ExitPassesCondition(CoroutineTypes.CatchOfExit(caughtType), "__exception", type) is { } exitPasses)
        {
            conditions.Add(exitPasses);
        }

        if (clause.Filter is not null)
        {
            if (declaration is { Identifier.RawKind: not 0 }
                && context.Model.GetDeclaredSymbol(declaration, context.CancellationToken) is { } variable
                && context.FieldOf.ContainsKey(variable))
            {
                // The filter reads the variable (a boxed one gets this catch's own box).
                conditions.Add(context.BoxedLocals.TryGetValue(variable, out string? boxType)
                    ? $"global::CoroGen.CoroutineLowering.Store(out this.@{context.FieldOf[variable]}, new {boxType}(__exception))"
                    : $"global::CoroGen.CoroutineLowering.Store(out {context.LocalAccess(variable)}, __exception)");
            }

            conditions.Add("(" + CheckedExpression(Text(clause.Filter.FilterExpression)) + ")");
        }

        string header = $"catch ({type} __exception)" + (conditions.Count == 0 ? string.Empty : $" when ({string.Join(" && ", conditions)})");
        return NotStatement(Code(
            $"{header} // its block suspends: it runs after the try statement\n{{\n    this.@{caught} = __exception;\n    this.@{handler} = {number};\n}}",
            Line(clause)));
    }

    private static string CatchHeader(CatchClauseSyntax clause) =>
        "catch" + (clause.Declaration is null ? string.Empty : " " + clause.Declaration.WithoutTrivia()) + (clause.Filter is null ? string.Empty : " " + clause.Filter.WithoutTrivia());

    /// <summary>
    /// A switch statement with a suspension point: the value is evaluated once into a field; a native switch keeps the case
    /// labels, patterns and when clauses (so matching is exactly C#'s) and sends each to its section's label, copying pattern
    /// variables to their fields; then the sections follow as flattened code. goto case/default go to section labels.
    /// </summary>
    private void LowerSwitch(SwitchStatementSyntax statement, List<BodyLine> output)
    {
        int line = Line(statement);
        ITypeSymbol? type = context.Model.GetTypeInfo(statement.Expression, context.CancellationToken).Type;
        if (type is null || CoroutineTypes.ContainsErrorType(type) || type.IsAnonymousType)
        {
            Unsupported(statement, "a switch statement on a value whose type has no name", "switch on a value of a named type");
            return;
        }

        bool suspendingWhen = statement.Sections.SelectMany(s => s.Labels).OfType<CasePatternSwitchLabelSyntax>()
            .Any(l => l.WhenClause is not null && context.ContainsSuspension(l.WhenClause));

        output.Add(Comment($"switch ({statement.Expression})"));
        string value = context.AddField($"switch_Line{line}", type.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.Temporary, $"the value switched on, line {line}");
        ExpressionSyntax governing = statement.Expression;
        if (Unparenthesize(governing) is AwaitExpressionSyntax awaitExpression && IsSuspension(awaitExpression))
        {
            Suspend(awaitExpression, $"this.@{value} = {{0}};", statement, output);
        }
        else if (context.ContainsSuspension(governing))
        {
            if (!SpillExpression(governing, statement, output))
            {
                return;
            }

            output.Add(Code($"this.@{value} = {Text(governing)};", Line(governing)));
        }
        else
        {
            output.Add(Code($"this.@{value} = {Text(governing)};", Line(governing)));
        }

        var targets = new SwitchTargets(context.FinallyFrames.Count);
        string end = context.Label($"EndSwitch_Line{line}");
        var sectionLabels = statement.Sections
            .Select(s => context.Label((s.Labels.Any(l => l is DefaultSwitchLabelSyntax) ? "Default_Line" : "Case_Line") + Line(s)))
            .ToList();

        if (suspendingWhen)
        {
            DispatchInSequence(statement, value, sectionLabels, targets, end, output);
        }
        else
        {
            Dispatch(statement, value, sectionLabels, targets, end, output);
        }

        context.LoweredSwitches[statement] = targets;
        JumpTargets? outer = context.Jumps.Count > 0 ? context.Jumps.Peek() : null;
        context.Jumps.Push(new JumpTargets(end, outer?.Continue, targets.Depth, outer?.ContinueDepth ?? 0));
        for (int i = 0; i < statement.Sections.Count; i++)
        {
            SwitchSectionSyntax section = statement.Sections[i];
            output.Add(Comment(string.Join(" ", section.Labels.Select(l => l.WithoutTrivia().ToString()))));
            output.Add(new BodyLine(BodyLineKind.Label, sectionLabels[i], 0));
            LowerStatements(section.Statements, output);
        }

        context.Jumps.Pop();
        output.Add(new BodyLine(BodyLineKind.Label, end, 0));
    }

    /// <summary>
    /// When a case label's when clause suspends, the labels are tried one after the other, as C# does: each pattern
    /// (binding its variables into their fields), then its when clause, which may suspend; default comes last.
    /// </summary>
    private void DispatchInSequence(SwitchStatementSyntax statement, string value, List<string> sectionLabels, SwitchTargets targets, string end, List<BodyLine> output)
    {
        string? defaultLabel = null;
        for (int i = 0; i < statement.Sections.Count; i++)
        {
            foreach (SwitchLabelSyntax label in statement.Sections[i].Labels)
            {
                if (label is DefaultSwitchLabelSyntax)
                {
                    defaultLabel = sectionLabels[i];
                    targets.Default = sectionLabels[i];
                    continue;
                }

                string next = context.Label($"NextCase_Line{Line(label)}");
                output.Add(Comment(label.WithoutTrivia().ToString()));
                if (label is CaseSwitchLabelSyntax caseLabel)
                {
                    Optional<object?> constant = context.Model.GetConstantValue(caseLabel.Value, context.CancellationToken);
                    if (constant.HasValue)
                    {
                        targets.Cases.Add((constant.Value, sectionLabels[i]));
                    }

                    output.Add(Code($"if (!(this.@{value} is {Text(caseLabel.Value)})) goto {next};", Line(label)));
                }
                else if (label is CasePatternSwitchLabelSyntax patternLabel)
                {
                    var variables = patternLabel.Pattern.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax)
                        .OfType<SingleVariableDesignationSyntax>()
                        .Where(d => !IsOutVariable(d))
                        .Select(d => context.Model.GetDeclaredSymbol(d, context.CancellationToken))
                        .Where(s => s is not null)
                        .ToList();
                    foreach (ISymbol? v in variables)
                    {
                        // The when clause may suspend before it reads them: they live in fields.
                        if (!context.FieldOf.ContainsKey(v!) && v is ILocalSymbol local)
                        {
                            context.FieldOf[v] = context.AddField(local.Name, local.Type.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.Local, $"pattern variable '{local.Name}', line {Line(label)}");
                        }

                        context.KeptAsLocals.Add(v!);
                    }

                    string pattern = Text(patternLabel.Pattern);
                    string copies = string.Empty;
                    foreach (ISymbol? v in variables)
                    {
                        context.KeptAsLocals.Remove(v!);
                        if (context.FieldOf.ContainsKey(v!))
                        {
                            copies += " " + context.AssignLocal(v!, "@" + v!.Name);
                        }
                    }

                    // Braces keep the pattern's locals to this test; their values live on in fields.
                    output.Add(Code($"{{ if (!(this.@{value} is {pattern})) goto {next};{copies} }}", Line(label)));
                    if (patternLabel.WhenClause is { } when)
                    {
                        if (!SpillExpression(when.Condition, when, output))
                        {
                            return;
                        }

                        output.Add(Code($"if (!({Text(when.Condition)})) goto {next};", Line(when)));
                    }
                }

                output.Add(Code($"goto {sectionLabels[i]};", 0));
                output.Add(new BodyLine(BodyLineKind.Label, next, 0));
            }
        }

        output.Add(Code($"goto {defaultLabel ?? end};", 0));
    }

    // The dispatcher: a native switch with one section per case label, so that each copies only its own pattern variables.
    private void Dispatch(SwitchStatementSyntax statement, string value, List<string> sectionLabels, SwitchTargets targets, string end, List<BodyLine> output)
    {
        output.Add(new BodyLine(BodyLineKind.Open, $"switch (this.@{value})", 0));
        bool hasDefault = false;
        for (int i = 0; i < statement.Sections.Count; i++)
        {
            foreach (SwitchLabelSyntax label in statement.Sections[i].Labels)
            {
                string copies = string.Empty;
                string labelText;
                switch (label)
                {
                    case DefaultSwitchLabelSyntax:
                        hasDefault = true;
                        targets.Default = sectionLabels[i];
                        labelText = "default:";
                        break;
                    case CaseSwitchLabelSyntax caseLabel:
                        Optional<object?> constant = context.Model.GetConstantValue(caseLabel.Value, context.CancellationToken);
                        if (constant.HasValue)
                        {
                            targets.Cases.Add((constant.Value, sectionLabels[i]));
                        }

                        labelText = Text(caseLabel);
                        break;
                    default:
                        var variables = label.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax)
                            .OfType<SingleVariableDesignationSyntax>()
                            .Where(d => !IsOutVariable(d)) // `when F(out var m)` writes its field (or box) itself
                            .Select(d => context.Model.GetDeclaredSymbol(d, context.CancellationToken))
                            .Where(s => s is not null)
                            .ToList();
                        foreach (ISymbol? v in variables)
                        {
                            context.KeptAsLocals.Add(v!);
                        }

                        // Its when clause keeps the checked context of a lowered checked block around the switch.
                        labelText = context.CheckedKeywords.Count > 0 && label is CasePatternSwitchLabelSyntax { WhenClause: { } when } patternLabel
                            ? $"case {Text(patternLabel.Pattern)} when {CheckedExpression(Text(when.Condition))}:"
                            : Text(label);
                        foreach (ISymbol? v in variables)
                        {
                            context.KeptAsLocals.Remove(v!);
                            if (context.FieldOf.ContainsKey(v!))
                            {
                                copies += context.AssignLocal(v!, "@" + v!.Name) + " ";
                            }
                        }

                        break;
                }

                output.Add(NotStatement(Code($"{labelText}\n    {copies}goto {sectionLabels[i]};", Line(label))));
            }
        }

        if (!hasDefault)
        {
            output.Add(NotStatement(Code($"default:\n    goto {end};", 0)));
        }

        output.Add(new BodyLine(BodyLineKind.Close, string.Empty, 0));
    }

    /// <summary>A checked or unchecked block with a suspension point: flattened, each statement in its own checked block.</summary>
    private void LowerChecked(CheckedStatementSyntax statement, List<BodyLine> output)
    {
        string keyword = statement.Keyword.ValueText;
        output.Add(Comment(keyword));
        var inner = new List<BodyLine>();
        context.CheckedKeywords.Push(keyword);
        LowerStatements(statement.Block.Statements, inner);
        context.CheckedKeywords.Pop();
        foreach (BodyLine line in inner)
        {
            // Jumps and resume points do no arithmetic: they stay as they are, so the block reads like the template.
            if (line.Kind != BodyLineKind.Code || context.NotStatements.Contains(line)
                || line.Text.StartsWith("goto ", StringComparison.Ordinal) || line.Text.StartsWith("this.OnResume();", StringComparison.Ordinal) || line.Text == LeaveForClose)
            {
                output.Add(line);
                continue;
            }

            string text = line.Text.IndexOf('\n') < 0 && line.Text.IndexOf("//", StringComparison.Ordinal) < 0
                ? $"{keyword} {{ {line.Text} }}"
                : $"{keyword}\n{{\n{Indent(line.Text)}\n}}";
            output.Add(line with { Text = text });
        }
    }

    // A catch block copied inside a lowered checked block keeps its checked context.
    private string CheckedBlock(string blockText) =>
        context.CheckedKeywords.Count == 0 ? blockText : $"{{\n    {context.CheckedKeywords.Peek()}\n{Indent(blockText)}\n}}";

    private string CheckedExpression(string expressionText) =>
        context.CheckedKeywords.Count == 0 ? expressionText : $"{context.CheckedKeywords.Peek()}({expressionText})";

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));

    private BodyLine NotStatement(BodyLine line)
    {
        context.NotStatements.Add(line);
        return line;
    }

    // Per-iteration locals that closures capture get their new box when their scope is entered, as C# makes such a variable
    // anew each time, whichever path then runs: a switch section's local assigned in another section, a declaration a goto
    // skips or runs again, a variable a catch filter declares. Their declarations then store into that box.
    private void EmitScopeBoxes(StatementSyntax scope, List<BodyLine> output)
    {
        foreach (ISymbol local in context.BoxedLocals.Keys.Where(l => ScopeEntryOf(l) == scope && MaySkipItsDeclaration(l, scope)).OrderBy(l => context.FieldOf[l], StringComparer.Ordinal).ToList())
        {
            output.Add(Code(context.AssignLocal(local, null), Line(scope)));
            context.BoxedAtScopeEntry.Add(local);
        }
    }

    // Whether a path from the scope's entry can skip the local's declaration or run it twice. In a block only a goto to one
    // of its labels can (C# allows no jump into a block from outside it); in a switch block, another section; for a catch
    // filter's variable, the filter runs no declaration statement at all.
    private static bool MaySkipItsDeclaration(ISymbol local, StatementSyntax scope) =>
        scope is not BlockSyntax block || block.Statements.Any(s => s is LabeledStatementSyntax);

    // `out var m` (or a deconstruction's variable): declared by an expression, which the rewriter points at the field.
    private static bool IsOutVariable(SingleVariableDesignationSyntax designation) =>
        designation.Ancestors().TakeWhile(a => a is VariableDesignationSyntax or DeclarationExpressionSyntax).Any(a => a is DeclarationExpressionSyntax);

    // The statement whose entry makes a local anew: its block, the switch statement for a switch section's locals (their
    // scope is the whole switch block), the try statement for a catch filter's; null inside a loop header or a function.
    private SyntaxNode? ScopeEntryOf(ISymbol local)
    {
        SyntaxNode? declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
        for (SyntaxNode? n = declaration?.Parent; n is not null; n = n.Parent)
        {
            // An embedded statement that is not a block (an if's or else's) is a scope of its own, run anew each time, and
            // holds no label: its declaration makes the box. So is a switch expression's arm.
            if (n is StatementSyntax { Parent: IfStatementSyntax or ElseClauseSyntax } and not BlockSyntax || n is SwitchExpressionArmSyntax)
            {
                return null;
            }

            switch (n)
            {
                case BlockSyntax block:
                    return block;
                case SwitchSectionSyntax section:
                    return section.Parent;
                case CatchFilterClauseSyntax filter:
                    return filter.Parent?.Parent;
                case WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or UsingStatementSyntax
                    or CatchClauseSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return null;
            }
        }

        return null;
    }

    // Per-iteration locals that closures capture get a new box where they are declared by `out var` or deconstruction
    // (declarations and foreach variables make theirs when they assign it).
    private void EmitBoxes(StatementSyntax statement, List<BodyLine> output)
    {
        if (statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax or ReturnStatementSyntax or IfStatementSyntax)
        {
            EmitBoxesIn(statement, output);
        }
    }

    // The new boxes of the `out var` and deconstruction variables declared in a statement or loop header: a while or for
    // condition makes its own each time it is evaluated, as C# makes those variables new in each iteration.
    private void EmitBoxesIn(SyntaxNode node, List<BodyLine> output)
    {
        if (context.BoxedLocals.Count == 0)
        {
            return;
        }

        // Out and deconstruction variables, and pattern variables too: a pattern stores into the box only when it matches,
        // and the variable may be assigned when it does not (`if (!(o is int n)) n = -1;`).
        IEnumerable<SingleVariableDesignationSyntax> designations = node
            .DescendantNodes(n => n == node || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or StatementSyntax or SwitchExpressionArmSyntax))
            .OfType<SingleVariableDesignationSyntax>();
        foreach (SingleVariableDesignationSyntax designation in designations)
        {
            if (context.Model.GetDeclaredSymbol(designation, context.CancellationToken) is not { } local || !context.BoxedLocals.TryGetValue(local, out string? boxType))
            {
                continue;
            }

            if (IsOutVariable(designation))
            {
                output.Add(Code(context.AssignLocal(local, null), Line(designation)));
            }
            else if (!context.BoxedAtScopeEntry.Contains(local))
            {
                output.Add(Code($"this.@{context.FieldOf[local]} = new {boxType}();", Line(designation)));
                context.PatternBoxedAhead.Add(local);
            }
        }
    }
}
