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
internal readonly record struct EmitOptions(bool LineDirectives, bool KeepStackFrames);
