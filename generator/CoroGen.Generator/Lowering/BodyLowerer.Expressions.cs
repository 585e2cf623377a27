using System.Collections.Generic;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Lowering;

// Suspension points inside expressions: conditions, operands, arguments, initializers (ExpressionSpiller does the work).
internal sealed partial class BodyLowerer
{
    /// <summary>
    /// Emits what evaluates <paramref name="expression"/> through its last suspension point, C#'s order kept; afterwards
    /// <c>Text(expression)</c> is the rest. Nothing is emitted when it does not suspend. False when a diagnostic was reported.
    /// </summary>
    private bool SpillExpression(ExpressionSyntax expression, SyntaxNode statement, List<BodyLine> output, bool isStatement = false)
    {
        if (!context.ContainsSuspension(expression))
        {
            return true;
        }

        output.Add(Comment(FirstLine(statement)));
        return new ExpressionSpiller(context, Suspend, output).Spill(expression, isStatement);
    }

    // `F(a, await co.Yield(b));`, `x += await ...;` and the like: the spilled parts, then the rest of the statement.
    private void SpillStatement(ExpressionStatementSyntax statement, List<BodyLine> output)
    {
        if (SpillExpression(statement.Expression, statement, output, isStatement: true) && !ExpressionSpiller.IsFullyEvaluated(context, statement.Expression))
        {
            string text = Text(statement);
            output.Add(Code(HasLocalDesignation(statement) ? "{ " + text + " }" : text, Line(statement)));
        }
    }

    // A for loop's initializer or incrementor expression.
    private void LowerStatementExpression(ExpressionSyntax expression, SyntaxNode statement, List<BodyLine> output)
    {
        if (SpillExpression(expression, statement, output, isStatement: true) && !ExpressionSpiller.IsFullyEvaluated(context, expression))
        {
            output.Add(Code(Text(expression) + ";", Line(expression)));
        }
    }

    // `throw new E(await co.Yield(x));`
    private void LowerThrow(ThrowStatementSyntax statement, List<BodyLine> output)
    {
        if (statement.Expression is not null && SpillExpression(statement.Expression, statement, output))
        {
            output.Add(Code(Text(statement), Line(statement)));
        }
    }
}
