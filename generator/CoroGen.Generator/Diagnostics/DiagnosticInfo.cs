using System;
using System.Linq;
using CoroGen.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CoroGen.Generator.Diagnostics;

/// <summary>A diagnostic as plain data (descriptor id, where, message arguments), so that it can live in a cached model.</summary>
internal sealed record DiagnosticInfo(string DescriptorId, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
        Create(descriptor, node.GetLocation(), arguments);

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
    {
        FileLinePositionSpan span = location.GetLineSpan();
        return new DiagnosticInfo(descriptor.Id, span.Path ?? string.Empty, location.SourceSpan, span.Span, arguments.ToEquatableArray());
    }

    /// <summary>
    /// The diagnostic, located in its syntax tree of <paramref name="compilation"/> when it has one: a location in source is
    /// what lets <c>#pragma warning disable</c> and a file's <c>.editorconfig</c> severity apply to it, as to the compiler's own.
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation? compilation = null)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(DescriptorId);
        SyntaxTree? tree = FilePath.Length == 0 ? null : compilation?.SyntaxTrees.FirstOrDefault(t => t.FilePath == FilePath);
        Location location = tree is not null && Span.End <= tree.Length ? Location.Create(tree, Span)
            : FilePath.Length == 0 ? Location.None
            : Location.Create(FilePath, Span, LineSpan);
        return Diagnostic.Create(descriptor, location, Arguments.AsImmutableArray().Cast<object>().ToArray());
    }
}
