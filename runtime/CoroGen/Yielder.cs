using System;
using System.Collections.Generic;

namespace CoroGen;

/// <summary>
/// A template's channel to whoever drives it: <c>await co.Yield(x)</c> is a suspension point. Templates receive it as a
/// parameter; the generated factory drops that parameter. Users never create one: templates are never run directly.
/// </summary>
/// <typeparam name="TYield">The type of the values the coroutine yields.</typeparam>
/// <typeparam name="TSend">The type of the values the driver sends in (the value of <c>await co.Yield(x)</c>).</typeparam>
public class Yielder<TYield, TSend>
{
    internal Yielder()
    {
    }

    /// <summary>Yields <paramref name="value"/> (Python <c>yield value</c>); the <c>await</c> evaluates to the value sent next.</summary>
    public YieldAwaitable<TSend> Yield(TYield value)
    {
        OnYield(value);
        return new YieldAwaitable<TSend>(this);
    }

    /// <summary>Yields <c>default(TYield)</c> (Python's bare <c>yield</c>); the <c>await</c> evaluates to the value sent next.</summary>
    public YieldAwaitable<TSend> Yield() => Yield(default!);

    /// <summary>Yields every element of <paramref name="items"/> in turn (Python <c>yield from iterable</c>); sent values are discarded.</summary>
    public YieldAllAwaitable YieldAll(IEnumerable<TYield> items)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items), "co.YieldAll was given null: pass a sequence (an empty one yields nothing).");
        }

        return new YieldAllAwaitable(OnYieldAll(items));
    }

    // Template execution hooks. The generated classes never call them: they replace the awaits by their own states.
    // A reference runner (the C# compiler's own async lowering driven through the method builders) may override them.
    internal virtual void OnYield(TYield value) => throw TemplateRunner.NeverRun();

    internal virtual object OnYieldAll(IEnumerable<TYield> items) => throw TemplateRunner.NeverRun();
}

/// <summary>The channel of a coroutine that takes no sent values (its send type is <see cref="Unit"/>).</summary>
/// <typeparam name="TYield">The type of the values the coroutine yields.</typeparam>
public class Yielder<TYield> : Yielder<TYield, Unit>
{
    internal Yielder()
    {
    }
}
