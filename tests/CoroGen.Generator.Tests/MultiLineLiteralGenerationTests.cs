using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// A string literal that spans lines is written on one line with escapes, so that its value does not depend on how
/// generated code indents and ends its lines; ConstructTests compares the values with C#'s own. Here: a template file with
/// Windows line endings, whose literal holds "\r\n", which a generated file ending its lines with '\n' would lose.
/// </summary>
public sealed class MultiLineLiteralGenerationTests
{
    private const string Source =
        "using CoroGen;\r\n\r\npublic static partial class T\r\n{\r\n    [Coroutine]\r\n    public static async Coroutine<string> Text(Yielder<string> co)\r\n    {\r\n"
        + "        string verbatim = @\"A\r\n  B\";\r\n        await co.Yield(verbatim);\r\n"
        + "        string raw = \"\"\"\r\n            C\r\n              D\r\n            \"\"\";\r\n        await co.Yield(raw);\r\n"
        + "        return $@\"{verbatim}\r\n{raw}\";\r\n    }\r\n}\r\n";

    [Fact]
    public void LiteralsSpanningLinesKeepTheirLineEndingsAndIndentation()
    {
        string generated = GeneratorHarness.GenerateOne(Source);
        Assert.Contains("this.@verbatim = \"A\\r\\n  B\";", generated);
        Assert.Contains("this.@raw = \"C\\r\\n  D\";", generated);
        Assert.Contains("$\"{this.@verbatim}\\r\\n{this.@raw}\"", generated);
    }

    // C# 10 allows no line break inside a hole of a regular interpolated string, which the literal becomes: the hole's
    // line breaks and comments are written as spaces.
    [Fact]
    public void AHoleSpanningLinesCompilesAsCSharp10()
    {
        const string source = "using System;\nusing CoroGen;\n\npublic static partial class T\n{\n    [Coroutine]\n    public static async Coroutine Text(Yielder<string> co)\n    {\n"
            + "        int x = 1;\n        await co.Yield($@\"a\n{ Math.Max(x, // the larger\n                  2) } b\");\n        await co.Yield(\"\");\n    }\n}\n";
        var run = GeneratorHarness.Run(source, languageVersion: Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp10);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
    }
}
