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
    /// <summary>The template's file as <c>#line</c> names it: the path with the first matching prefix of the path map replaced.</summary>
    public string MapPath(string path)
    {
        foreach (string entry in PathMap.Split(','))
        {
            int equals = entry.IndexOf('=');
            string from = equals > 0 ? entry.Substring(0, equals).Trim() : string.Empty;
            if (from.Length == 0 || !path.StartsWith(from, System.StringComparison.Ordinal))
            {
                continue;
            }

            // As the compiler maps: to a prefix written with '/', the rest of the path also uses '/'.
            string to = entry.Substring(equals + 1).Trim();
            string rest = path.Substring(from.Length);
            return to + (to.IndexOf('/') >= 0 && to.IndexOf('\\') < 0 ? rest.Replace('\\', '/') : rest);
        }

        return path;
    }
}
