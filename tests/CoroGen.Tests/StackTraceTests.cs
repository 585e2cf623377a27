using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Xunit;

namespace CoroGen.Tests;

/// <summary>
/// The generated classes carry #line directives, so real stack traces name the template's file and line (here
/// StackTraceTemplates.cs), as the compiler's own iterators do. If the directives break, these tests fail.
/// </summary>
public sealed class StackTraceTests
{
    private static readonly string TemplateFile = StackTraceTemplates.SourcePath();

    [Fact]
    public void AnExceptionThrownByTheTemplateShowsTheTemplatesLine()
    {
        var coroutine = StackTraceTemplates.ThrowsAfterYield();
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<InvalidOperationException>(() => coroutine.MoveNext());
        Assert.Equal(Line("throw"), TopTemplateLine(e, "ThrowsAfterYieldCoroutine"));
    }

    [Fact]
    public void AnExceptionDeepInACopiedMultiLineStatementShowsItsOwnLine()
    {
        var coroutine = StackTraceTemplates.ThrowsInABlock(true);
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<ArgumentException>(() => coroutine.MoveNext());
        Assert.Equal(Line("deep throw"), TopTemplateLine(e, "ThrowsInABlockCoroutine"));
    }

    [Fact]
    public void AnExceptionAfterLinesSwitchedOffByIfInACopiedStatementShowsItsOwnLine()
    {
        var coroutine = StackTraceTemplates.ThrowsAfterDisabledLines(true);
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<ArgumentException>(() => coroutine.MoveNext());
        Assert.Equal(Line("after disabled lines"), TopTemplateLine(e, "ThrowsAfterDisabledLinesCoroutine"));
    }

    // StackTraceTemplates.LineDirectives.cs maps its lines with #line directives of its own: a template's frame names the
    // mapped file and line, as an ordinary method's frame of the same file does.
    [Fact]
    public void ATemplateFilesOwnLineDirectivesMapTheTemplatesFrame()
    {
        var mapped = MappedTemplates.Mapped();
        Assert.True(mapped.MoveNext());
        (string File, int Line) frame = Frame(Assert.Throws<InvalidOperationException>(() => mapped.MoveNext()), "MappedCoroutine.Resume()");
        (string File, int Line) plain = Frame(Assert.Throws<InvalidOperationException>(MappedTemplates.Plain), "MappedTemplates.Plain()");
        Assert.Equal((plain.File, 504), frame);
        Assert.Equal("Mapped.tmpl", Path.GetFileName(plain.File));

        var inner = MappedTemplates.Inner(true);
        Assert.True(inner.MoveNext());
        frame = Frame(Assert.Throws<InvalidOperationException>(() => inner.MoveNext()), "InnerCoroutine.Resume()");
        plain = Frame(Assert.Throws<InvalidOperationException>(MappedTemplates.InnerPlain), "MappedTemplates.InnerPlain()");
        Assert.Equal((plain.File, 900), frame);
        Assert.Equal("Inner.tmpl", Path.GetFileName(plain.File));
    }

    private static (string File, int Line) Frame(Exception e, string method)
    {
        Match m = Regex.Match(e.StackTrace ?? string.Empty, "at [^\\n]*" + Regex.Escape(method) + " in (?<file>[^\\n]*):line (?<line>\\d+)");
        Assert.True(m.Success, $"no frame of {method} with a file and line; stack trace:\n{e.StackTrace}");
        return (m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnExceptionThrownInACatchBlockShowsItsLine(bool suspendInCatch)
    {
        var coroutine = StackTraceTemplates.ThrowsInCatch(suspendInCatch);
        Assert.True(coroutine.MoveNext());
        if (suspendInCatch)
        {
            Assert.True(coroutine.MoveNext());
        }

        var e = Assert.Throws<ArgumentException>(() => coroutine.MoveNext());
        Assert.Equal(Line("catch throw"), TopTemplateLine(e, "ThrowsInCatchCoroutine"));
    }

    [Fact]
    public void AnExceptionThrownInAFinallyBlockShowsItsLine()
    {
        var coroutine = StackTraceTemplates.ThrowsInFinally();
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<NotSupportedException>(() => coroutine.MoveNext());
        Assert.Equal(Line("finally throw"), TopTemplateLine(e, "ThrowsInFinallyCoroutine"));
    }

    // A finally (or a disposal) that throws where the body leaves its try without an exception runs as a call from Resume:
    // the trace shows the throwing line, then Resume's frame that called the finally. That frame names the template's
    // opening brace (as an ordinary method's frame does in a Debug build), never no line at all.
    [Theory]
    [InlineData("finally", false)]
    [InlineData("finally", true)]
    [InlineData("using", false)]
    [InlineData("using", true)]
    [InlineData("using declaration", false)]
    [InlineData("using declaration", true)]
    public void AFinallyOrDisposeThatThrowsShowsItsLineAndNoFrameWithoutALine(string construct, bool close)
    {
        (Coroutine<int, Unit, Unit> coroutine, string generatedClass, string thrown, string open) = construct switch
        {
            "finally" => ((Coroutine<int, Unit, Unit>)StackTraceTemplates.FinallyThrowsAfterYield(), "FinallyThrowsAfterYieldCoroutine", "finally throws after yield", "finally throws open"),
            "using" => (StackTraceTemplates.DisposeThrowsAfterYield(), "DisposeThrowsAfterYieldCoroutine", "using dispose throws", "using dispose open"),
            _ => (StackTraceTemplates.UsingDeclarationDisposeThrows(), "UsingDeclarationDisposeThrowsCoroutine", "using declaration dispose throws", "using declaration open"),
        };
        Assert.True(coroutine.MoveNext());
        Exception e;
        if (close)
        {
            e = Assert.ThrowsAny<Exception>(() => coroutine.Close());
        }
        else
        {
            Assert.True(coroutine.MoveNext());
            e = Assert.ThrowsAny<Exception>(() => coroutine.MoveNext());
        }

        Assert.True(e is NotSupportedException or ObjectDisposedException, e.ToString());
        Assert.Equal(Line(thrown), TopTemplateLine(e, generatedClass));
        string[] lineless = (e.StackTrace ?? string.Empty).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(generatedClass + ".Resume()", StringComparison.Ordinal) && !l.Contains(" in ", StringComparison.Ordinal))
            .ToArray();
        Assert.True(lineless.Length == 0, "a frame of Resume without a file and line; stack trace:\n" + e.StackTrace);
        int[] lines = TemplateFrames(e).Select(f => f.Line).ToArray();
        Assert.True(lines.Length <= 2 && lines.Skip(1).All(l => l == Line(open)), "expected the throwing line, then at most the template's opening brace; stack trace:\n" + e.StackTrace);
    }

    [Fact]
    public void AnExceptionFromACalledMethodShowsTheCallingTemplateLine()
    {
        var coroutine = StackTraceTemplates.FailsInAHelper();
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<NullReferenceException>(() => coroutine.MoveNext());
        Assert.Equal(Line("helper call"), TopTemplateLine(e, "FailsInAHelperCoroutine"));
    }

    [Fact]
    public void AnExceptionRaisedByThrowShowsTheSuspensionPointsLine()
    {
        var coroutine = StackTraceTemplates.Waits();
        Assert.True(coroutine.MoveNext());
        var raised = new TimeoutException("raised at the await");
        var e = Assert.Throws<TimeoutException>(() => coroutine.Throw(raised));
        Assert.Same(raised, e);
        Assert.Equal(Line("waits in try"), TopTemplateLine(e, "WaitsCoroutine"));
    }

    [Fact]
    public void ADelegationChainShowsEveryAwaitingTemplate()
    {
        var coroutine = StackTraceTemplates.Outer(0);
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<DivideByZeroException>(() => coroutine.MoveNext());

        // Innermost first, then each template that awaits it, at the line of its await.
        int[] lines = TemplateFrames(e).Select(f => f.Line).ToArray();
        Assert.Equal(new[] { Line("innermost"), Line("middle"), Line("outer") }, lines);
        Assert.Equal(new[] { "InnermostCoroutine", "MiddleCoroutine", "OuterCoroutine" }, TemplateFrames(e).Select(f => f.Class).ToArray());
    }

    // As in Python's traceback, a failure in a delegation chain reads as the templates' own frames: the runtime's stepping
    // and trampoline methods are hidden ([StackTraceHidden]); only the operation the caller made stays (here MoveNext).
    [Fact]
    public void ADelegationChainShowsNoFrameOfTheRuntimesMachinery()
    {
        var coroutine = StackTraceTemplates.Outer(0);
        Assert.True(coroutine.MoveNext());
        Assert.True(coroutine.MoveNext());
        var e = Assert.Throws<DivideByZeroException>(() => coroutine.MoveNext());

        string[] runtimeFrames = (e.StackTrace ?? string.Empty).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("at CoroGen.", StringComparison.Ordinal) && !l.StartsWith("at CoroGen.Tests.", StringComparison.Ordinal))
            .ToArray();
        Assert.True(runtimeFrames.Length == 1 && runtimeFrames[0].StartsWith("at CoroGen.Coroutine`3.MoveNext()", StringComparison.Ordinal),
            "expected only the caller's MoveNext among the runtime's frames; stack trace:\n" + e.StackTrace);
        Assert.Equal(3, TemplateFrames(e).Length);
    }

    [Fact]
    public void ExceptionsRaisedAgainOrThrownByCleanupShowNoFrameOfTheRuntimesHelpers()
    {
        var pending = StackTraceTemplates.FailsThroughASuspendingFinally();
        Assert.True(pending.MoveNext());
        Assert.True(pending.MoveNext()); // the throw, then the finally's yield
        var left = Assert.Throws<InvalidOperationException>(() => pending.MoveNext());
        // Where it was thrown, then where the finally that suspended ended and raised it again (as C# reports such a frame).
        Assert.Equal(new[] { Line("left the try"), Line("finally end") }, TemplateFrames(left).Select(f => f.Line).ToArray());

        var disposing = StackTraceTemplates.FailsInDispose();
        Assert.True(disposing.MoveNext());
        var disposed = Assert.Throws<ObjectDisposedException>(() => disposing.MoveNext());
        // As C# reports a failing Dispose, then the frame of Resume that ran the disposal (see AFinallyOrDisposeThatThrows...).
        Assert.Equal(new[] { Line("using end"), Line("fails in dispose open") }, TemplateFrames(disposed).Select(f => f.Line).ToArray());

        foreach (Exception e in new Exception[] { left, disposed })
        {
            Assert.DoesNotContain("CoroutineLowering", e.StackTrace);
            Assert.DoesNotContain("CoroutineCleanup", e.StackTrace);
        }
    }

    [Fact]
    public void BreakpointsOnTemplateLinesBindInTheGeneratedClasses()
    {
        // A breakpoint binds where the PDB has a sequence point for that document and line. The generated Resume()
        // methods must have them at the template's lines (the template's own async lowering has them too, so only
        // sequence points of generated classes count).
        string assembly = typeof(StackTraceTemplates).Assembly.Location;
        using var peReader = new PEReader(File.OpenRead(assembly));
        MetadataReader metadata = peReader.GetMetadataReader();
        using MetadataReaderProvider pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(assembly, ".pdb")));
        MetadataReader pdb = pdbProvider.GetMetadataReader();

        var lines = new HashSet<int>();
        foreach (MethodDefinitionHandle handle in metadata.MethodDefinitions)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            string type = metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name);
            if (metadata.GetString(method.Name) != "Resume" || !type.EndsWith("Coroutine", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (SequencePoint point in pdb.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                if (!point.IsHidden && pdb.GetString(pdb.GetDocument(point.Document).Name).EndsWith(Path.GetFileName(TemplateFile), StringComparison.Ordinal))
                {
                    lines.Add(point.StartLine);
                }
            }
        }

        foreach (string marker in new[] { "throw", "deep throw", "after disabled lines", "helper call", "waits in try", "catch throw", "finally throw", "innermost", "middle", "outer" })
        {
            Assert.True(lines.Contains(Line(marker)), $"no sequence point of a generated class at the line marked '{marker}' ({Line(marker)})");
        }
    }

    // The template line a test expects: the line of this file marked "// line: {marker}".
    private static int Line(string marker)
    {
        string[] lines = File.ReadAllLines(TemplateFile);
        int index = Array.FindIndex(lines, l => l.EndsWith("// line: " + marker, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line marked '{marker}' in {TemplateFile}");
        return index + 1;
    }

    private static int TopTemplateLine(Exception e, string generatedClass)
    {
        (string Class, int Line) frame = TemplateFrames(e).FirstOrDefault();
        Assert.True(frame.Class == generatedClass, $"expected a frame of {generatedClass} in the template's file first; stack trace:\n{e.StackTrace}");
        return frame.Line;
    }

    // Frames "at ...{Class}.Resume() in {TemplateFile}:line {N}", in order. A frame in a .g.cs file means #line is missing.
    private static (string Class, int Line)[] TemplateFrames(Exception e)
    {
        string trace = e.StackTrace ?? string.Empty;
        Assert.DoesNotContain(".g.cs:line", trace);
        return Regex.Matches(trace, @"\.(?<class>\w+)\.Resume\(\) in (?<file>.+?):line (?<line>\d+)")
            .Where(m => string.Equals(Path.GetFileName(m.Groups["file"].Value), Path.GetFileName(TemplateFile), StringComparison.Ordinal))
            .Select(m => (m.Groups["class"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray();
    }
}
