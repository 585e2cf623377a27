using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CoroGen.Generator.Emit;

/// <summary>
/// The project's switches for what the emitter writes around the lowered code (MSBuild properties, see build/CoroGen.props).
/// </summary>
/// <param name="LineDirectives">
/// Map the generated Resume back to the template with <c>#line</c> directives (CoroGenLineDirectives, on by default), so
/// that stack traces and breakpoints use the template's lines.
/// </param>
/// <param name="KeepStackFrames">
/// Mark Resume <c>MethodImplOptions.NoInlining</c> (CoroGenKeepStackFrames, off by default). Optimized code may otherwise
/// inline Resume into the loop that drives the coroutine, as it does a C# iterator's MoveNext, and an exception's stack
/// trace then has no frame of the template: it names the caller's line instead. Keeping the frame costs each step a call.
/// </param>
/// <param name="PathMap">
/// The compiler's path map (MSBuild's PathMap, "from=to,from=to"): the <c>#line</c> directives name the template's file as
/// the compiler names source files in the PDB, so that a deterministic build does not depend on where it was checked out.
/// </param>
internal readonly record struct EmitOptions(bool LineDirectives, bool KeepStackFrames, string PathMap = "")
{
    /// <summary>
    /// The template's file as <c>#line</c> names it: the path with the first matching prefix of the path map replaced, as the
    /// compiler maps it (csc's /pathmap: ',' and '=' doubled stand for themselves, and both sides of an entry end with a
    /// directory separator, so "/repo=/_" and "/repo/=/_/" both map "/repo/a.cs" to "/_/a.cs", never "/_a.cs" or "/_//a.cs").
    /// </summary>
    public string MapPath(string path)
    {
        foreach (string entry in SplitEscaped(PathMap, ','))
        {
            List<string> pair = SplitEscaped(entry, '=');
            if (pair.Count != 2 || pair[0].Length == 0 || pair[1].Length == 0)
            {
                continue; // the compiler rejects such an entry (CS8101)
            }

            string from = WithTrailingSeparator(pair[0]), to = WithTrailingSeparator(pair[1]);
            if (!path.StartsWith(from, StringComparison.Ordinal))
            {
                continue;
            }

            // As the compiler maps: when the new prefix uses one kind of separator only, the whole path uses it.
            string mapped = to + path.Substring(from.Length);
            bool slash = to.IndexOf('/') >= 0, backslash = to.IndexOf('\\') >= 0;
            return slash && !backslash ? mapped.Replace('\\', '/') : backslash && !slash ? mapped.Replace('/', '\\') : mapped;
        }

        return path;
    }

    // Splits at each single separator; a doubled one stands for itself (the compiler's escaping in /pathmap).
    private static List<string> SplitEscaped(string text, char separator)
    {
        var parts = new List<string>();
        var part = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != separator)
            {
                part.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == separator)
            {
                part.Append(separator);
                i++;
            }
            else
            {
                parts.Add(part.ToString());
                part.Clear();
            }
        }

        parts.Add(part.ToString());
        return parts;
    }

    // As the compiler's PathUtilities.EnsureTrailingSeparator: the separator the path already uses, else the platform's.
    private static string WithTrailingSeparator(string path)
    {
        char last = path[path.Length - 1];
        if (last is '/' or '\\')
        {
            return path;
        }

        bool slash = path.IndexOf('/') >= 0, backslash = path.IndexOf('\\') >= 0;
        return path + (slash && !backslash ? '/' : backslash && !slash ? '\\' : Path.DirectorySeparatorChar);
    }
}
