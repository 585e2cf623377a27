using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Emit;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using CoroGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace CoroGen.Generator;

/// <summary>
/// The CoroGen source generator: every method marked <c>[Coroutine]</c> becomes a resumable class and a factory.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class CoroutineGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Runs for each [Coroutine] method whenever the compilation changes; its result is a plain, value-equatable
        // model, so unchanged templates compare equal and skip the emitter.
        IncrementalValuesProvider<TemplateResult> templates = context.SyntaxProvider.ForAttributeWithMetadataName(
            "CoroGen.CoroutineAttribute",
            predicate: static (node, _) => node is MethodDeclarationSyntax,
            transform: static (ctx, ct) => TemplateParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Templates);

        // Runs when the project's MSBuild properties change: #line directives are on unless CoroGenLineDirectives is false;
        // Resume keeps its own stack frame (the JIT may not inline it) when CoroGenKeepStackFrames is true.
        IncrementalValueProvider<EmitOptions> emitOptions = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            new EmitOptions(
                LineDirectives: !IsSet(options, "CoroGenLineDirectives", "false"),
                KeepStackFrames: IsSet(options, "CoroGenKeepStackFrames", "true")))
            .WithTrackingName(TrackingNames.EmitOptions);

        // Runs only for templates whose model or the switches changed.
        context.RegisterSourceOutput(templates.Combine(emitOptions).WithTrackingName(TrackingNames.TemplatesWithOptions), static (spc, pair) =>
        {
            (TemplateResult result, EmitOptions options) = pair;
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model is { } model)
            {
                spc.AddSource(model.HintName, EmitOrPlaceholder(spc, model, options));
            }
        });
    }

    // The safety net of the emitter, as TemplateParser.Parse is the lowering's: a bug in CoroGen becomes COROGEN099 on the
    // template, whose callers keep compiling against the placeholder, never a crashed generator.
    private static string EmitOrPlaceholder(SourceProductionContext spc, TemplateModel model, EmitOptions options)
    {
        try
        {
            if (FaultInjection.ThrowWhileEmitting?.Invoke(model.TemplateName) == true)
            {
                throw new System.InvalidOperationException("a fault injected by a test");
            }

            return CoroutineEmitter.Emit(model, options);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // The model keeps the template's line but no span (it must stay equatable): point at the line's start.
            var lineStart = new LinePosition(model.TemplateLine - 1, 0);
            Location location = Location.Create(model.FilePath, default, new LinePositionSpan(lineStart, lineStart));
            spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, location, model.TemplateName, e.GetType().Name + ": " + e.Message));
            return CoroutineEmitter.Emit(TemplateParser.Placeholder(model, DiagnosticDescriptors.InternalError.Id), options);
        }
    }

    // Whether the MSBuild property (passed as build_property.{name}) has the given value, ignoring case and spaces.
    private static bool IsSet(AnalyzerConfigOptionsProvider options, string name, string value) =>
        options.GlobalOptions.TryGetValue("build_property." + name, out string? text)
        && string.Equals(text?.Trim(), value, System.StringComparison.OrdinalIgnoreCase);
}

/// <summary>Names of the pipeline's steps, so that tests can check with step tracking on that unchanged input stays cached.</summary>
internal static class TrackingNames
{
    public const string Templates = nameof(Templates);
    public const string EmitOptions = nameof(EmitOptions);
    public const string TemplatesWithOptions = nameof(TemplatesWithOptions);
}
