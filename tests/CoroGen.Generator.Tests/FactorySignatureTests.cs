using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The factory is the template's signature without the Yielder (API.md section 2): what the compiler tells a caller of the
/// template, it tells a caller of the factory. (Default values, params, caller and nullable attributes are copied as the
/// template writes them; NameClashTests and the corpora run them.)
/// </summary>
public sealed class FactorySignatureTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\n";

    [Fact]
    public void AnObsoleteTemplatesFactoryIsObsoleteToo()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "public static partial class Host\n{\n"
            + "    [Obsolete(\"use Fresh\")]\n    [Coroutine]\n    public static async Coroutine Old(Yielder<int> co) { await co.Yield(1); }\n\n"
            + "    [Obsolete(\"removed\", true)]\n    [Coroutine]\n    public static async Coroutine Gone(Yielder<int> co) { await co.Yield(1); }\n}\n\n"
            + "public static class Caller\n{\n    public static void Call()\n    {\n        _ = Host.Old();\n        _ = Host.Gone();\n    }\n}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        Diagnostic[] callers = run.Output.GetDiagnostics().Where(d => d.Location.SourceTree?.FilePath == GeneratorHarness.TemplatePath && d.Id is "CS0618" or "CS0619").ToArray();
        Assert.Equal(new[] { "CS0618", "CS0619" }, callers.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.Id));
        Assert.Contains("use Fresh", callers[0].GetMessage());
        Assert.Empty(run.CompilationErrors.Where(d => d.Id != "CS0619").Select(d => d.ToString()));
    }

    // Trimming annotations reach the generated code: a type parameter's [DynamicallyAccessedMembers] is on the factory's and
    // the generated class's type parameter (else IL2091 at `new MembersCoroutine<T>`, IL2090 where the body uses T), and a
    // parameter's is on the field that keeps it and on the constructor's parameter that sets it (else IL2080, IL2069).
    [Fact]
    public void DynamicallyAccessedMembersReachesTheTypeParametersAndTheFieldsOfParameters()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header + "using System.Diagnostics.CodeAnalysis;\n\n"
            + "public static partial class Host\n{\n    [Coroutine]\n"
            + "    public static async Coroutine<int> Members<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] T, U>(\n"
            + "        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields)] Type type,\n"
            + "        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type other, Type plain, U u, Yielder<int> co)\n"
            + "    {\n        await co.Yield(typeof(T).GetMethods().Length);\n        return type.GetProperties().Length + type.GetFields().Length + other.GetConstructors().Length + plain.GetHashCode();\n    }\n}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));

        INamedTypeSymbol host = run.Output.GetTypeByMetadataName("Host")!;
        IMethodSymbol factory = host.GetMembers("Members").OfType<IMethodSymbol>().Single(m => m.Parameters.Length == 4);
        INamedTypeSymbol generated = host.GetTypeMembers("MembersCoroutine").Single();
        IMethodSymbol constructor = generated.InstanceConstructors.Single();
        foreach (ITypeParameterSymbol t in new[] { factory.TypeParameters, generated.TypeParameters }.SelectMany(ps => ps))
        {
            Assert.Equal(t.Name == "T" ? 8 : null, MemberTypes(t)); // PublicMethods on T only
        }

        foreach (string name in new[] { "type", "other", "plain", "u" })
        {
            int? expected = MemberTypes(factory.Parameters.Single(p => p.Name == name));
            Assert.Equal(name switch { "type" => 512 | 32 /* PublicProperties | PublicFields */, "other" => 3, _ => (int?)null }, expected);
            Assert.Equal(expected, MemberTypes(generated.GetMembers(name).OfType<IFieldSymbol>().Single()));
            Assert.Equal(expected, MemberTypes(constructor.Parameters.Single(p => p.Name == name)));
        }

        static int? MemberTypes(ISymbol symbol) => symbol.GetAttributes()
            .SingleOrDefault(a => a.AttributeClass?.Name == "DynamicallyAccessedMembersAttribute")?.ConstructorArguments[0].Value as int?;
    }

    [Fact]
    public void ATemplateDeclaredWithoutNullableAnnotationsGetsAFactoryWithout()
    {
        // The generated file enables annotations: copied as they are, `string s = null` would be non-nullable in the factory,
        // and a caller passing null would be warned (an error with warnings as errors) where a call of the template is not.
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Header
            + "#nullable disable\npublic static partial class Host\n{\n"
            + "    [Coroutine]\n    public static async Coroutine ND(Yielder<string> co, string s = null, List<string> items = null) { await co.Yield(s ?? items?[0]); }\n}\n#nullable enable\n\n"
            + "public static class Caller\n{\n    public static void Call()\n    {\n        string? m = null;\n        _ = Host.ND(m);\n        _ = Host.ND(null, null);\n        _ = Host.ND();\n    }\n}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id.StartsWith("CS86", System.StringComparison.Ordinal)).Select(d => d.ToString()));
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        Assert.Contains("#nullable disable annotations", run.Sources.Single().SourceText.ToString());
    }

    [Fact]
    public void AFactoryThatHidesAnInheritedMemberIsDeclaredNew()
    {
        // Factories named like a base method with the same parameters, a base property, or object's own methods: without
        // 'new' each is CS0108 or CS0114, an error with warnings as errors. A base method with other parameters is an
        // overload, and a private base member hides nothing: those factories stay as they are.
        Compilation output = GeneratorHarness.RunFiles(OutputKind.DynamicallyLinkedLibrary, ("Host.cs", Header
            + "public class Base\n{\n    public void Run() { }\n    public int Walk => 1;\n    public void Jump(int height) { }\n    private void Hide() { }\n}\n\n"
            + "public partial class Host : Base\n{\n"
            + "    [Coroutine]\n    public async Coroutine Run(Yielder<int> co) { await co.Yield(1); }\n\n"
            + "    [Coroutine]\n    public new async Coroutine Walk(Yielder<int> co) { await co.Yield(2); }\n\n"
            + "    [Coroutine]\n    public async Coroutine Jump(Yielder<int> co) { await co.Yield(3); }\n\n"
            + "    [Coroutine]\n    public async Coroutine Hide(Yielder<int> co) { await co.Yield(4); }\n\n"
            + "    [Coroutine]\n    public async Coroutine ToString(Yielder<int> co) { await co.Yield(5); }\n\n"
            + "    [Coroutine]\n    public static async Coroutine GetHashCode(Yielder<int> co) { await co.Yield(6); }\n}\n"));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        string generated = string.Concat(output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal)).Select(t => t.ToString()));
        Assert.Contains("public new RunCoroutine Run()", generated);
        Assert.Contains("public new WalkCoroutine Walk()", generated);
        Assert.Contains("public new ToStringCoroutine ToString()", generated);
        Assert.Contains("public new static GetHashCodeCoroutine GetHashCode()", generated);
        Assert.Contains("public JumpCoroutine Jump()", generated);
        Assert.Contains("public HideCoroutine Hide()", generated);
    }

    [Fact]
    public void ADocumentedTemplatesFactoryInheritsItsDocumentation()
    {
        // As with <GenerateDocumentationFile> and warnings as errors: every public member needs a comment (CS1591), and
        // every cref must resolve (CS1574). The documented template's factory inherits its comment by ID; the other keeps
        // CoroGen's summary.
        var parseOptions = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest, DocumentationMode.Diagnose);
        const string source = Header
            + "/// <summary>Templates.</summary>\npublic static partial class Host\n{\n"
            + "    /// <summary>Counts down from <paramref name=\"from\"/>.</summary>\n    /// <typeparam name=\"T\">The tag's type.</typeparam>\n    /// <param name=\"from\">The first value.</param>\n    /// <param name=\"tag\">A tag.</param>\n"
            + "    /// <param name=\"co\">The yielder.</param>\n    /// <returns>The number of steps.</returns>\n"
            + "    [Coroutine]\n    public static async Coroutine<int> Down<T>(int from, T tag, Yielder<int?> co) { await co.Yield(from); return from; }\n\n"
            + "    /// <summary>Not a template.</summary>\n    public static void Other() { }\n\n"
            + "#pragma warning disable CS1591\n    [Coroutine]\n    public static async Coroutine Undocumented(Yielder<int> co) { await co.Yield(1); }\n#pragma warning restore CS1591\n}\n";
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Docs",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, parseOptions, "Host.cs") }, GeneratorHarness.MetadataReferences,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, generalDiagnosticOption: ReportDiagnostic.Error, warningLevel: 9999));
        Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new[] { new CoroutineGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);

        using var assembly = new System.IO.MemoryStream();
        using var documentation = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(assembly, xmlDocumentationStream: documentation);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        Assert.Empty(emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        string xml = System.Text.Encoding.UTF8.GetString(documentation.ToArray());
        Assert.Contains("<member name=\"M:Host.Down``1(System.Int32,``0)\">", xml);
        Assert.Contains("<inheritdoc cref=\"M:Host.Down``1(System.Int32,``0,CoroGen.Yielder{System.Nullable{System.Int32}})\"/>", xml);
        Assert.Contains("<member name=\"M:Host.Undocumented\">", xml);
        Assert.Contains("Creates the coroutine of the template", xml);
    }
}
