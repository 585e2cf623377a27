using System;
using CoroGen;

namespace CoroGen.Tests;

// Templates in a file with #line directives of its own, as a tool that generates templates writes them (T4, Razor): stack
// traces name the mapped file and line, as they do for an ordinary method of the same file (Plain, InnerPlain).
public static partial class MappedTemplates
{
#line 500 "Mapped.tmpl"
    [Coroutine]
    public static async Coroutine Mapped(Yielder<int> co)
    {
        await co.Yield(1);
        throw new InvalidOperationException("mapped"); // Mapped.tmpl, line 504
    }

    public static void Plain() => throw new InvalidOperationException("plain"); // Mapped.tmpl, line 507
#line default

    [Coroutine]
    public static async Coroutine Inner(bool fail, Yielder<int> co)
    {
        await co.Yield(1);
        if (fail)
        {
            Console.Write("");
#line 900 "Inner.tmpl"
            throw new InvalidOperationException("inner"); // Inner.tmpl, line 900, in a statement copied whole
#line default
        }
    }

#line 950 "Inner.tmpl"
    public static void InnerPlain() => throw new InvalidOperationException("plain"); // Inner.tmpl, line 950
#line default
}
