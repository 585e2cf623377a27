using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// User code may declare types, namespaces, aliases, parameters, locals and type parameters named like what the generated
/// code uses (its base class's members, its states and fields, runtime types): the generated code must still compile and
/// behave as the template. Each template here runs after an in-memory build; GeneratedCodeCompatibilityTests also compiles
/// <see cref="Corpus"/> under every supported setting.
/// </summary>
public sealed class NameClashTests
{
    // Line numbers matter: Yield_Line{N} is the name the generator gives the state of a yield on line N.
    public const string Corpus = """
        using global::CoroGen;
        using Alias = global::CoroGen.Unit;
        using Coroutine = global::CoroGen.Coroutine;

        namespace Clashes
        {
            // Types named like the types the generated code and the runtime use.
            public class Unit { }
            public class Exception { }
            public class InvalidOperationException { }
            public class Yielder { }
            public class Object { }
            public class Func<T> { }
            public class Action { }
            public class Type { }
            public class Nullable<T> { }
            public class CoroutineLowering { }
            public class CoroutineExitException { }
            public class YieldAllCoroutine<T1, T2> { }
            public class ConvertingCoroutine { }
            public class GeneratedCodeAttribute : global::System.Attribute { }
            namespace System { public class Exception { } public class String { } }
            namespace CoroGen { public class Unit { } public class Coroutine { } }

            public static partial class Names
            {
                [global::CoroGen.Coroutine]
                public static async global::CoroGen.Coroutine<int> Everything(global::System.Collections.Generic.List<string> log, Yielder<long, string> co)
                {
                    int total = 0;
                    try
                    {
                        foreach (int x in new[] { 1, 2 })
                        {
                            string got = await co.Yield(x);
                            log.Add(got ?? "null");
                            total += x;
                        }

                        total += await Sub(log);                    // an int sub in a long chain: a converting delegation
                        await co.YieldAll(new long[] { 7, 8 });
                        await co.Twice(9);
                        throw new global::System.InvalidOperationException("boom");
                    }
                    catch (global::System.InvalidOperationException e) when (e.Message == "boom")
                    {
                        log.Add("caught " + e.Message);
                        await co.Yield(-1);
                    }
                    finally
                    {
                        log.Add("finally");
                        await co.Yield(-2);
                    }

                    await co.Yield(100);
                    return total;
                }

                [global::CoroGen.Coroutine]
                private static async global::CoroGen.Coroutine<int> Sub(global::System.Collections.Generic.List<string> log, Yielder<int, string> co)
                {
                    log.Add("sub " + await co.Yield(5));
                    return 10;
                }

                private static YieldAwaitable<string> Twice(this Yielder<long, string> co, long value) => co.Yield(value * 2);

                // Parameters named like the generated class's members, its state, the runtime's names and C# keywords.
                [global::CoroGen.Coroutine]
                public static async global::CoroGen.Coroutine<string> Parameters(int state, int current, int value, int co, int Current, int returnValue, int Yield_Line74, Yielder<int, int> y)
                {
                    int sum = state + current + value + co + Current + returnValue + Yield_Line74;
                    await y.Yield(sum);
                    int Yield_Line75 = await y.Yield(Yield_Line74);
                    await y.Yield(Yield_Line75 + 1);
                    return $"{state},{current},{value},{co},{Current},{returnValue},{Yield_Line74}";
                }

                // Type parameters named like what the generated class uses without declaring it.
                [global::CoroGen.Coroutine]
                public static async global::CoroGen.Coroutine<int> Generic<State, OnResume, Yield_Line84, TYield>(State s, OnResume o, Yield_Line84 l, Yielder<string> co)
                {
                    await co.Yield(s + "/" + o);
                    await co.Yield(l + "/" + typeof(TYield).Name);
                    return 3;
                }

                // Static members named like members the generated class declares: a local's field, a state constant.
                private static int count = 100;
                private static int Yield_Line96 = 42;

                [global::CoroGen.Coroutine]
                public static async global::CoroGen.Coroutine Statics(Yielder<int> co)
                {
                    await co.Yield(count);
                    for (int i = 0; i < 2; i++)
                    {
                        int count = i + 5;
                        await co.Yield(count);
                    }

                    await co.Yield(count + Yield_Line96);
                }

                // Types and namespaces named like members of the generated class: its base's State, a local's field.
                [global::CoroGen.Coroutine]
                public static async global::CoroGen.Coroutine Types(Yielder<int> co)
                {
                    await co.Yield((int)State.Busy);
                    for (int i = 0; i < 1; i++)
                    {
                        int Tools = 3, Clashes = 4;
                        await co.Yield(Tools + Clashes);
                    }

                    await co.Yield(Tools.Twice(5) + Clashes.Tools.Twice(50) + global::Clashes.Tools.Twice(0));
                }
            }

            public partial class Instance
            {
                private readonly int field = 40;

                // 'this' of the template and a parameter named '@this'; a local named like the generated class.
                [global::CoroGen.Coroutine]
                public async global::CoroGen.Coroutine<int> Self(int @this, Yielder<int> co)
                {
                    int SelfCoroutine = @this + field;
                    await co.Yield(SelfCoroutine);
                    await co.Yield(@this);
                    return field;
                }
            }

            public enum State { Idle, Busy }

            public static class Tools { public static int Twice(int x) => 2 * x; }
        }
        """;

    [Fact]
    public void TemplatesNextToClashingNamesCompileAndRun()
    {
        Assembly assembly = Load();
        Type names = assembly.GetType("Clashes.Names")!;

        var log = new List<string>();
        var everything = (global::CoroGen.Coroutine<long, string, int>)Factory(names, "Everything").Invoke(null, new object[] { log })!;
        var yielded = new List<long>();
        bool more = everything.MoveNext();
        while (more)
        {
            yielded.Add(everything.Current);
            more = everything.Send("s" + yielded.Count);
        }

        Assert.Equal(new long[] { 1, 2, 5, 7, 8, 18, -1, -2, 100 }, yielded);
        Assert.Equal(new[] { "s1", "s2", "sub s3", "caught boom", "finally" }, log);
        Assert.Equal(13, everything.Result);
    }

    [Fact]
    public void ParametersNamedLikeGeneratedMembersAndStatesKeepTheirValues()
    {
        Type names = Load().GetType("Clashes.Names")!;
        var c = (global::CoroGen.Coroutine<int, int, string>)Factory(names, "Parameters").Invoke(null, new object[] { 1, 2, 3, 4, 5, 6, 7 })!;
        Assert.True(c.MoveNext());
        Assert.Equal(28, c.Current);
        Assert.True(c.Send(0));
        Assert.Equal(7, c.Current);     // the parameter named like the first yield's state
        Assert.True(c.Send(41));
        Assert.Equal(42, c.Current);    // the local named like the second yield's state
        Assert.False(c.Send(0));
        Assert.Equal("1,2,3,4,5,6,7", c.Result);
    }

    [Fact]
    public void TypeParametersNamedLikeWhatTheGeneratedClassUsesKeepTheirMeaning()
    {
        MethodInfo generic = Factory(Load().GetType("Clashes.Names")!, "Generic").MakeGenericMethod(typeof(int), typeof(string), typeof(long), typeof(DateTime));
        var c = (global::CoroGen.Coroutine<string, global::CoroGen.Unit, int>)generic.Invoke(null, new object[] { 1, "o", 2L })!;
        Assert.Equal(new[] { "1/o", "2/DateTime" }, c.ToArray());
        Assert.Equal(3, c.Result);
    }

    [Fact]
    public void ALocalOrParameterNamedUnderscoreDoesNotCaptureDiscards()
    {
        // A field named `_` would turn `_ = "x";` after it into an assignment to it (CS0029 here, a silent write elsewhere).
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using CoroGen;

            public static partial class Host
            {
                [Coroutine]
                public static async Coroutine<string> Locals(Yielder<int> co)
                {
                    string log = "";
                    foreach (var _ in new[] { 1, 2 })
                    {
                        log += _;
                        await co.Yield(_);
                    }

                    _ = "discarded";
                    var (_, second) = (1, "b");
                    int.TryParse("7", out _);
                    await co.Yield(second.Length);
                    return log + second;
                }

                [Coroutine]
                public static async Coroutine<int> Parameter(int _, int underscore, Yielder<int> co)
                {
                    await co.Yield(_ + underscore);
                    _ = 5; // the parameter, as in C#
                    return _;
                }

                public static string Drive()
                {
                    var locals = Locals();
                    string s = "";
                    while (locals.MoveNext()) s += locals.Current + ";";
                    var parameter = Parameter(3, 10);
                    while (parameter.MoveNext()) s += parameter.Current + ";";
                    return s + locals.Result + ";" + parameter.Result;
                }
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        using var stream = new MemoryStream();
        Assert.True(run.Output.Emit(stream).Success);
        object? result = Assembly.Load(stream.ToArray()).GetType("Host")!.GetMethod("Drive")!.Invoke(null, null);
        Assert.Equal("1;2;1;13;12b;5", result);
    }

    [Fact]
    public void AParameterNamedThisIsNotTheTemplatesThis()
    {
        Type instanceType = Load().GetType("Clashes.Instance")!;
        object instance = Activator.CreateInstance(instanceType)!;
        var c = (global::CoroGen.Coroutine<int, global::CoroGen.Unit, int>)Factory(instanceType, "Self").Invoke(instance, new object[] { 2 })!;
        Assert.Equal(new[] { 42, 2 }, c.ToArray());
        Assert.Equal(40, c.Result);
    }

    [Fact]
    public void StaticMembersNamedLikeALocalsFieldOrAStateKeepTheirMeaning()
    {
        var c = (global::CoroGen.Coroutine<int, global::CoroGen.Unit, global::CoroGen.Unit>)Factory(Load().GetType("Clashes.Names")!, "Statics").Invoke(null, Array.Empty<object>())!;
        Assert.Equal(new[] { 100, 5, 6, 142 }, c.ToArray());
    }

    [Fact]
    public void TypesAndNamespacesNamedLikeMembersOfTheGeneratedClassKeepTheirMeaning()
    {
        var c = (global::CoroGen.Coroutine<int, global::CoroGen.Unit, global::CoroGen.Unit>)Factory(Load().GetType("Clashes.Names")!, "Types").Invoke(null, Array.Empty<object>())!;
        Assert.Equal(new[] { 1, 7, 110 }, c.ToArray());
    }

    [Theory]
    [InlineData("Resume")]
    [InlineData("ReadResult")]
    [InlineData("IsSuspendedInCleanupRegion")]
    [InlineData("returnValue")]
    [InlineData("channel")]
    [InlineData("MCoroutine")]
    public void ATypeParameterNamedLikeAMemberOfTheGeneratedClassIsCOROGEN014(string name)
    {
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(
            "using CoroGen;\npublic static partial class A\n{\n    [Coroutine]\n    public static async Coroutine<int> M<" + name + ">(" + name + " x, Yielder<" + name + "> co)\n    {\n        await co.Yield(x);\n        await co.Twice(x);\n        return 1;\n    }\n\n    private static YieldAwaitable<Unit> Twice<T>(this Yielder<T> co, T x) => co.Yield(x);\n}\n");
        Assert.Null(run.Exception);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN014", d.Id);
        Assert.Equal(5, d.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Contains($"its type parameter '{name}'", d.GetMessage());
        Assert.Contains($"rename the type parameter '{name}'", d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void ALocalOfResumeIsNotNamedLikeALocalOfTheTemplate()
    {
        // x (line 8) is dead at the yield, so it becomes the Resume local x__L8: a copied block declaring its own x__L8 must not
        // clash with it (CS0136).
        const string source = """
            using System.Collections.Generic;
            using CoroGen;
            public static partial class Names
            {
                [Coroutine]
                public static async Coroutine<int> Collide(List<string> log, Yielder<int> co)
                {
                    int x = log.Count + 1;
                    log.Add("x=" + x);
                    await co.Yield(0);
                    {
                        int x__L8 = 7;
                        log.Add("c=" + x__L8);
                    }

                    return log.Count;
                }
            }
            """;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        string generated = run.Sources.Single().SourceText.ToString();
        Assert.Contains("int @x__L8_", generated); // the Resume local took another name
        Assert.DoesNotContain("private int @x;", generated); // and x is no field
    }

    [Fact]
    public void ASpanDeclaredInACheckedBlockThatSuspendsIsRefusedWithItsReason()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using CoroGen;
            public static partial class Names
            {
                [Coroutine]
                public static async Coroutine<int> SpanInChecked(List<string> log, Yielder<int> co)
                {
                    checked
                    {
                        Span<int> s = stackalloc int[2];
                        s[0] = log.Count;
                        await co.Yield(s[0]);
                    }

                    return 0;
                }
            }
            """;
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("COROGEN007", d.Id);
        Assert.Contains("declared in a checked or unchecked block that suspends", d.GetMessage());
    }

    // The generated factory: the template's name, without the Yielder parameter (the template itself has the same name).
    private static MethodInfo Factory(Type type, string name) =>
        type.GetMethods().Single(m => m.Name == name && !m.GetParameters().Any(p => p.ParameterType.Name.StartsWith("Yielder", StringComparison.Ordinal)));

    private static Assembly? loaded;

    private static Assembly Load()
    {
        if (loaded is not null)
        {
            return loaded;
        }

        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Corpus);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(!run.CompilationErrors.Any(), "The generated code does not compile:\n" + string.Join("\n", run.CompilationErrors));
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return loaded = Assembly.Load(stream.ToArray());
    }
}
