using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Generated files are named after the template's namespace, types and name, and the compiler compares file names without
/// regard to case: two names that coincide must not fail the generator (which would leave every template of the project
/// without its class), and overloads whose parameter types read the same must not get the same class.
/// </summary>
public sealed class FileNameCollisionTests
{
    private const string Source = """
        using CoroGen;

        namespace N1 { public class Foo { } }
        namespace N2 { public class Foo { } }
        namespace N3 { public class int_string { } }

        namespace Audit
        {
            public static partial class Cased
            {
                [Coroutine] public static async Coroutine Run(Yielder<int> co) { await co.Yield(1); }
                [Coroutine] public static async Coroutine run(Yielder<int> co) { await co.Yield(2); }
            }

            public static partial class Foo { [Coroutine] public static async Coroutine M(Yielder<int> co) { await co.Yield(3); } }
            public static partial class FOO { [Coroutine] public static async Coroutine M(Yielder<int> co) { await co.Yield(4); } }

            public static partial class Overloads
            {
                [Coroutine] public static async Coroutine O(N1.Foo a, Yielder<int> co) { await co.Yield(5); }
                [Coroutine] public static async Coroutine O(N2.Foo a, Yielder<int> co) { await co.Yield(6); }
                [Coroutine] public static async Coroutine P(int a, string b, Yielder<int> co) { await co.Yield(7); }
                [Coroutine] public static async Coroutine P(N3.int_string a, Yielder<int> co) { await co.Yield(8); }
            }

            public static partial class Plain { [Coroutine] public static async Coroutine Alone(Yielder<int> co) { await co.Yield(9); } }

            public static class Use
            {
                public static int[] All() => new[]
                {
                    Cased.Run().Single(), Cased.run().Single(), Foo.M().Single(), FOO.M().Single(),
                    Overloads.O(new N1.Foo()).Single(), Overloads.O(new N2.Foo()).Single(),
                    Overloads.P(1, "b").Single(), Overloads.P(new N3.int_string()).Single(), Plain.Alone().Single(),
                };
            }
        }
        """;

    [Fact]
    public void TemplatesWhoseFileNamesCoincideEachGetAFileAndAClass()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run("using System.Linq;\n" + Source);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        string[] names = run.Sources.Select(s => s.HintName).ToArray();
        Assert.Equal(9, names.Length);
        Assert.Equal(names.Length, names.Select(n => n.ToLowerInvariant()).Distinct().Count());

        // Only the files that would coincide get a suffix; the others keep the plain name.
        Assert.Contains("Audit.Plain.Alone.g.cs", names);
        Assert.Contains("Audit.Overloads.P_int_string.g.cs", names);
        Assert.Contains("Audit.Overloads.P_N3_int_string.g.cs", names);
        Assert.Equal(2, names.Count(n => n.StartsWith("Audit.Cased.Run.", System.StringComparison.OrdinalIgnoreCase) && n.Length > "Audit.Cased.Run.g.cs".Length));

        // Overloads whose parameter types read the same are named after the types' full names.
        string overloads = string.Concat(run.Sources.Where(s => s.HintName.StartsWith("Audit.Overloads.O_", System.StringComparison.Ordinal)).Select(s => s.SourceText.ToString()));
        Assert.Contains("class O_N1_FooCoroutine", overloads);
        Assert.Contains("class O_N2_FooCoroutine", overloads);
    }

    [Fact]
    public void TheNamesAreTheSameFromOneRunToTheNext()
    {
        string[] first = GeneratorHarness.Run("using System.Linq;\n" + Source).Sources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
        string[] second = GeneratorHarness.Run("using System.Linq;\n" + Source).Sources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(first, second);
    }

    [Fact]
    public void TheTemplatesRunWithTheirOwnBodies()
    {
        Compilation output = GeneratorHarness.Run("using System.Linq;\n" + Source).Output;
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(stream.ToArray());
        object? values = assembly.GetType("Audit.Use")!.GetMethod("All")!.Invoke(null, null);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, (int[])values!);
    }
}
