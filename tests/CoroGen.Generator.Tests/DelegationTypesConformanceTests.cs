using System.Linq;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// API.md section 5: `sub` may be any Coroutine&lt;TYield2, TSend2, TReturn2&gt; whose TYield2 converts implicitly to TYield and
/// whose TSend2 is assignable from TSend; anything else is a compile-time diagnostic.
/// </summary>
public sealed class DelegationTypesConformanceTests
{
    private const string Header = "using System;\nusing System.Collections.Generic;\nusing CoroGen;\n\n";

    [Theory]
    [InlineData("Coroutine<int, Unit, Unit>", "Yielder<long>")]          // numeric
    [InlineData("Coroutine<int, Unit, Unit>", "Yielder<int?>")]          // nullable
    [InlineData("Coroutine<int, Unit, Unit>", "Yielder<object>")]        // boxing
    [InlineData("Coroutine<string, Unit, Unit>", "Yielder<object>")]     // reference
    [InlineData("Coroutine<int, long, int>", "Yielder<int, int>")]       // send: int is assignable to long
    [InlineData("Coroutine<int, object, int>", "Yielder<long, int>")]    // send: boxing; yield: numeric
    public void ImplicitConversionsAreAccepted(string subType, string yielder)
    {
        string source = Header + $"public static partial class Host\n{{\n    [Coroutine]\n    public static async Coroutine F({subType} sub, {yielder} co)\n    {{\n        await sub;\n    }}\n}}";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.Sources, s => s.HintName.EndsWith(".F.g.cs", System.StringComparison.Ordinal));
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    [Fact]
    public void AFactoryCallWithANumericConversionIsAccepted()
    {
        string source = Header + "public static partial class Host\n{\n    [Coroutine]\n    public static async Coroutine<int> Numbers(Yielder<int, int> co) { return await co.Yield(1); }\n\n    [Coroutine]\n    public static async Coroutine<long> F(Yielder<long, short> co)\n    {\n        int r = await Numbers();\n        return r;\n    }\n}";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    [Fact]
    public void ATypeParameterConvertsToObjectAndANullableOfItself()
    {
        string source = Header + "public partial class Host<TOuter> where TOuter : struct\n{\n    [Coroutine]\n    public static async Coroutine<T> F<T>(Coroutine<T, Unit, T> sub, Yielder<object> co)\n    {\n        return await sub;\n    }\n\n    [Coroutine]\n    public static async Coroutine G(Coroutine<TOuter, Unit, Unit> sub, Yielder<TOuter?> co)\n    {\n        await sub;\n    }\n}";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("Coroutine<long, Unit, Unit>", "Yielder<int>")]          // no implicit conversion long -> int
    [InlineData("Coroutine<string, Unit, Unit>", "Yielder<int>")]
    [InlineData("Coroutine<int, int, Unit>", "Yielder<int, long>")]      // long is not assignable to int
    [InlineData("Coroutine<int, string, Unit>", "Yielder<int, object>")] // object is not assignable to string
    public void OtherTypesAreACompileTimeDiagnostic(string subType, string yielder)
    {
        string source = Header + $"public static partial class Host\n{{\n    [Coroutine]\n    public static async Coroutine F({subType} sub, {yielder} co)\n    {{\n        await sub;\n    }}\n}}";
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN009", diagnostic.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Microsoft.CodeAnalysis.FileLinePositionSpan where = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.TemplatePath, where.Path);
        Assert.Equal(9, where.StartLinePosition.Line); // at the await
        Assert.Contains("convert", diagnostic.GetMessage()); // says what to write instead
    }
}
