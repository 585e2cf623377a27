using System.Collections.Generic;
using System.Linq;
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
                KeepStackFrames: IsSet(options, "CoroGenKeepStackFrames", "true"),
                PathMap: options.GlobalOptions.TryGetValue("build_property.PathMap", out string? pathMap) ? pathMap ?? string.Empty : string.Empty))
            .WithTrackingName(TrackingNames.EmitOptions);

        // The file names that two templates would share: the compiler takes file names without regard to case, and rejects
        // a second file of a name, which would fail the whole generator. Templates named 'Run' and 'run', or in types 'Foo'
        // and 'FOO', get their file's name from their own namespace, types and name, which may coincide; those files are told
        // apart by a suffix (HintNames.Unique). The set changes only when templates come, go or are renamed.
        IncrementalValueProvider<EquatableArray<string>> sharedHintNames = templates
            .Select(static (result, _) => result.Model?.HintName)
            .Collect()
            .Select(static (names, _) => HintNames.Shared(names))
            .WithTrackingName(TrackingNames.SharedHintNames);

        // The diagnostics, reported at their place in the compilation's syntax trees (so that #pragma and .editorconfig
        // apply to them); only templates that have diagnostics depend on the compilation, which changes at every keystroke.
        context.RegisterSourceOutput(templates.Where(static result => result.Diagnostics.Length > 0).Combine(context.CompilationProvider), static (spc, input) =>
        {
            foreach (DiagnosticInfo diagnostic in input.Left.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic(input.Right));
            }
        });

        // Runs only for templates whose model or the switches changed.
        context.RegisterSourceOutput(templates.Combine(emitOptions).WithTrackingName(TrackingNames.TemplatesWithOptions).Combine(sharedHintNames), static (spc, input) =>
        {
            ((TemplateResult result, EmitOptions options), EquatableArray<string> shared) = input;
            if (result.Model is { } model)
            {
                spc.AddSource(HintNames.Unique(model, shared), EmitOrPlaceholder(spc, model, options));
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
    public const string SharedHintNames = nameof(SharedHintNames);
}

/// <summary>Gives each generated file a name of its own (the compiler compares file names ignoring case).</summary>
internal static class HintNames
{
    /// <summary>The names that more than one template's file would have, in lower case.</summary>
    public static EquatableArray<string> Shared(IEnumerable<string?> names) =>
        names.Where(n => n is not null).GroupBy(n => n!.ToLowerInvariant()).Where(g => g.Count() > 1).Select(g => g.Key)
            .OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray();

    /// <summary>
    /// The template's file name, with a suffix when another template's file would have the same name: a hash of the
    /// template's documentation ID (distinct for overloads and for names differing in case), its file and its line
    /// (distinct for a template written twice), stable from one build to the next.
    /// </summary>
    public static string Unique(TemplateModel model, EquatableArray<string> shared)
    {
        if (!shared.Contains(model.HintName.ToLowerInvariant()))
        {
            return model.HintName;
        }

        uint hash = 2166136261; // FNV-1a: string.GetHashCode differs from one process to the next
        foreach (char c in model.TemplateId + "|" + model.FilePath + "|" + model.TemplateLine)
        {
            hash = (hash ^ c) * 16777619;
        }

        return model.HintName.Substring(0, model.HintName.Length - ".g.cs".Length) + "." + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
    }
}
