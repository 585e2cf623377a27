using System;
using System.Text;

namespace CoroGen.Generator.Emit;

/// <summary>A text writer that tracks indentation; <see cref="Block"/> returns a scope that closes the brace it opened.</summary>
internal sealed class IndentedWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (int i = 0; i < indent; i++)
            {
                builder.Append(IndentUnit);
            }

            builder.Append(text);
        }

        builder.Append('\n');
    }

    /// <summary>Writes a line at column 0 (preprocessor directives).</summary>
    public void Directive(string text) => builder.Append(text).Append('\n');

    /// <summary>Writes a line one level out (labels).</summary>
    public void Outdented(string text)
    {
        indent--;
        Line(text);
        indent++;
    }

    public BlockScope Block(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        indent++;
        return new BlockScope(this);
    }

    public void Indent() => indent++;

    public void Dedent() => indent = Math.Max(0, indent - 1);

    public override string ToString() => builder.ToString();

    internal readonly struct BlockScope : IDisposable
    {
        private readonly IndentedWriter writer;

        public BlockScope(IndentedWriter writer) => this.writer = writer;

        public void Dispose()
        {
            writer.indent--;
            writer.Line("}");
        }
    }
}
