using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;

namespace CoroGen.Generator.Model;

// The parse-and-lower step's output. It holds only strings, numbers, enums and equatable arrays (never a symbol,
// syntax node, semantic model or compilation), so the pipeline can compare it with last run's and skip the emitter.

/// <summary>What one <c>[Coroutine]</c> template produced: a model to emit (null when it cannot be generated) and its diagnostics.</summary>
internal sealed record TemplateResult(TemplateModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Everything the emitter needs to write one generated class and its factory.</summary>
internal sealed record TemplateModel(
    string HintName,
    string TemplateId,
    bool TemplateDocumented,
    string FilePath,
    string? Namespace,
    EquatableArray<string> FileUsings,
    EquatableArray<string> NamespaceUsings,
    EquatableArray<string> ContainingTypes,
    string TemplateName,
    string TemplateDisplay,
    int TemplateLine,
    int BodyOpenLine,
    string ClassName,
    string TypeParameters,
    string TypeParameterDeclarations,
    EquatableArray<string> ConstraintClauses,
    string Accessibility,
    bool IsStatic,
    bool FactoryHides,
    string ContainingTypeName,
    string YieldType,
    string SendType,
    string ReturnType,
    string FactoryArguments,
    string FactoryParameters,
    EquatableArray<FieldModel> Fields,
    EquatableArray<StateModel> States,
    EquatableArray<BodyLine> Body,
    EquatableArray<string> ContainingTypeMembers,
    string? ChannelType,
    bool ObliviousParameters,
    string? FactoryAttributes,
    EquatableArray<string> SuppressedWarnings,
    EquatableArray<LineRun> LineMap,
    bool Unsafe = false);

/// <summary>
/// A field of the generated class: a parameter, a hoisted local or a temporary of the lowering. <see cref="Attributes"/>
/// is what the field (and, for a parameter, the constructor's parameter) carries of the parameter's attributes: its
/// <c>[DynamicallyAccessedMembers]</c>, which the trimmer reads on fields as on parameters.
/// </summary>
internal sealed record FieldModel(string Name, string Type, FieldKind Kind, string Origin, string? ConstantValue, string? Attributes = null);

internal enum FieldKind
{
    This,
    Parameter,
    Local,
    Temporary,

    // A local of the template that is never live across a suspension point: a local variable of Resume, not a field.
    StepLocal,
}

/// <summary>A suspension point: a named state, what it waits for, and the template line it resumes at.</summary>
internal sealed record StateModel(string Name, int Value, string WaitsFor, int Line, bool InCleanupRegion, bool ClosesByReturn);

/// <summary>
/// Where the template file's own <c>#line</c> directives map its lines (empty when the file has none before the template's
/// end): from the physical line <see cref="Line"/> on, line <c>Line + i</c> is line <c>MappedLine + i</c> of
/// <see cref="File"/> (the file's own path after <c>#line default</c>), or hidden when <see cref="File"/> is null.
/// </summary>
internal sealed record LineRun(int Line, int MappedLine, string? File);

/// <summary>
/// One line of the lowered body; <see cref="Line"/> is the 1-based (physical) template line it comes from (0: none).
/// The emitter's <c>#line</c> directives name where <see cref="TemplateModel.LineMap"/> maps it.
/// </summary>
internal sealed record BodyLine(BodyLineKind Kind, string Text, int Line);

internal enum BodyLineKind
{
    /// <summary>A statement (possibly several lines of text).</summary>
    Code,
    /// <summary>A comment quoting the template statement the following lines come from.</summary>
    Comment,
    /// <summary>A label, written one indent level out.</summary>
    Label,
    /// <summary>A block header (<c>try</c>, <c>finally</c>, <c>if (...)</c>) followed by an opening brace.</summary>
    Open,
    /// <summary>A closing brace.</summary>
    Close,
}
