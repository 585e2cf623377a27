using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CoroGen.Generator.Lowering;

internal sealed partial class LoweringContext
{
    /// <summary>
    /// Template expressions already evaluated into temporaries by <see cref="ExpressionSpiller"/>: the text that stands for each
    /// when the rest of its statement is written (<see cref="TemplateRewriter"/> substitutes it; "" means nothing is left).
    /// </summary>
    public Dictionary<SyntaxNode, string> Replacements { get; } = new();
}
