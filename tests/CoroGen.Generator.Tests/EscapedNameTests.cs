using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Names the template writes with '@' (keywords) or that are contextual keywords keep their '@' in generated code: the
/// template's name, its type and outer types, and the type parameters of either.
/// </summary>
public sealed class EscapedNameTests
{
    private const string Source = """
        using CoroGen;

        namespace Names;

        public static partial class @class
        {
            [Coroutine]
            public static async Coroutine @event(Yielder<int> co) { await co.Yield(1); }

            [Coroutine]
            public static async Coroutine<@int> Run<@int>(@int @in, Yielder<@int> co) { await co.Yield(@in); return @in; }

            public partial class @record<@object>
            {
                [Coroutine]
                public async Coroutine<@object> Keep(@object value, Yielder<int> co) { await co.Yield(2); return value; }
            }
        }

        #pragma warning disable CS8981
        public partial class lower<state>
        {
            [Coroutine]
            public static async Coroutine<state> Pass(state s, Yielder<int> co) { await co.Yield(3); return s; }
        }
        #pragma warning restore CS8981

        public static class Use
        {
            public static string All()
            {
                var e = @class.@event(); e.MoveNext();
                var r = @class.Run("x"); r.MoveNext(); r.MoveNext();
                var k = new @class.@record<string>().Keep("y"); k.MoveNext(); k.MoveNext();
                var p = lower<string>.Pass("z"); p.MoveNext(); p.MoveNext();
                return $"{e.Current},{r.Result},{k.Result},{p.Result}";
            }
        }
        """;

    [Fact]
    public void EscapedAndContextualKeywordNamesCompileAndRun()
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));

        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        object? text = System.Reflection.Assembly.Load(stream.ToArray()).GetType("Names.Use")!.GetMethod("All")!.Invoke(null, null);
        Assert.Equal("1,x,y,z", text);
    }
}
