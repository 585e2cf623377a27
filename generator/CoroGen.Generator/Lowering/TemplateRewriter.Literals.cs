using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// String literals that span lines (verbatim, raw, and interpolated ones of either kind) are written on one line, with
/// escapes. Generated code re-indents the lines it copies and ends them with '\n', which would change the text of such a
/// literal: its continuation lines would get the generated code's indentation, and a "\r\n" of a file with Windows line
/// endings would become "\n". The value stays exactly what the compiler made of the template's literal.
/// </summary>
internal sealed partial class TemplateRewriter
{
    public override SyntaxNode? VisitLiteralExpression(LiteralExpressionSyntax node)
    {
        SyntaxToken token = node.Token;
        if (!node.IsKind(SyntaxKind.StringLiteralExpression) && !node.IsKind(SyntaxKind.Utf8StringLiteralExpression) || !SpansLines(token))
        {
            return base.VisitLiteralExpression(node);
        }

        string text = SymbolDisplay.FormatLiteral(token.ValueText, quote: true) + (node.IsKind(SyntaxKind.Utf8StringLiteralExpression) ? "u8" : string.Empty);
        return node.WithToken(Token(token.LeadingTrivia, token.Kind() switch
        {
            SyntaxKind.Utf8StringLiteralToken or SyntaxKind.Utf8SingleLineRawStringLiteralToken or SyntaxKind.Utf8MultiLineRawStringLiteralToken => SyntaxKind.Utf8StringLiteralToken,
            _ => SyntaxKind.StringLiteralToken,
        }, text, token.ValueText, token.TrailingTrivia));
    }

    public override SyntaxNode? VisitInterpolatedStringExpression(InterpolatedStringExpressionSyntax node)
    {
        var visited = (InterpolatedStringExpressionSyntax)base.VisitInterpolatedStringExpression(node)!;
        if (!node.Contents.OfType<InterpolatedStringTextSyntax>().Any(t => SpansLines(t.TextToken)) && !SpansLines(node.StringStartToken) && !SpansLines(node.StringEndToken))
        {
            return visited;
        }

        // A regular `$"..."` with the same parts: each text part's value escaped, each hole as it is (a hole may span lines).
        // A text part's value keeps `{{` and `}}` as written, except in a raw string, where a brace is a brace.
        bool raw = node.StringStartToken.IsKind(SyntaxKind.InterpolatedMultiLineRawStringStartToken) || node.StringStartToken.IsKind(SyntaxKind.InterpolatedSingleLineRawStringStartToken);
        var text = new StringBuilder("$\"");
        foreach (InterpolatedStringContentSyntax content in visited.Contents)
        {
            if (content is InterpolatedStringTextSyntax part)
            {
                text.Append(Escape(part.TextToken.ValueText, raw));
            }
            else if (content is InterpolationSyntax hole)
            {
                text.Append('{').Append(OnOneLine(hole.Expression));
                if (hole.AlignmentClause is { } alignment)
                {
                    text.Append(',').Append(OnOneLine(alignment.Value));
                }

                if (hole.FormatClause is { } format)
                {
                    text.Append(':').Append(Escape(format.FormatStringToken.ValueText, raw));
                }

                text.Append('}');
            }
        }

        return ParseExpression(text.Append('"').ToString()).WithTriviaFrom(visited);

        static string Escape(string value, bool raw)
        {
            string quoted = SymbolDisplay.FormatLiteral(value, quote: true); // escapes quotes too, which quote: false leaves
            string escaped = quoted.Substring(1, quoted.Length - 2);
            return raw ? escaped.Replace("{", "{{").Replace("}", "}}") : escaped;
        }
    }

    // A hole's text without line breaks or comments (C# 10 allows no line break inside a regular interpolated string's hole).
    private static string OnOneLine(ExpressionSyntax expression) =>
        expression.ReplaceTrivia(
            expression.DescendantTrivia(descendIntoTrivia: true).Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)),
            (_, _) => Space).ToFullString();

    private static bool SpansLines(SyntaxToken token) => token.Text.IndexOf('\n') >= 0 || token.Text.IndexOf('\r') >= 0;
}
