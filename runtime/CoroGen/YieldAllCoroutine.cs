using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace CoroGen;

/// <summary>
/// The sub-coroutine behind <c>await co.YieldAll(items)</c> (Python <c>yield from iterable</c>): yields each element, discards
/// sent values, and disposes the enumerator when it ends, is thrown into (the exception then reaches the await) or is closed.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class YieldAllCoroutine<TYield, TSend> : Coroutine<TYield, TSend, Unit>
{
    private readonly IEnumerable<TYield> items;
    private IEnumerator<TYield>? enumerator;

    /// <summary>Creates the sub-coroutine over <paramref name="items"/>; generated code calls it for <c>await co.YieldAll(items)</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null, as <see cref="Yielder{TYield, TSend}.YieldAll"/> says.</exception>
    public YieldAllCoroutine(IEnumerable<TYield> items) =>
        this.items = items ?? throw new ArgumentNullException(nameof(items), "co.YieldAll was given null: pass a sequence (an empty one yields nothing).");

    /// <inheritdoc/>
    protected override bool IsSuspendedInCleanupRegion => enumerator is not null;

    /// <inheritdoc/>
    protected override bool CanCloseByReturn => enumerator is not null;

    /// <inheritdoc/>
    [StackTraceHidden] // machinery between two templates' frames, not a template of its own
    protected override bool Resume()
    {
        if (enumerator is null)
        {
            enumerator = items.GetEnumerator();
        }
        else if (IsLeavingForClose())
        {
            DisposeEnumerator(); // Close: if Dispose throws, its exception escapes, as it would replace the exit
            return false;
        }
        else
        {
            try
            {
                OnResume();
            }
            catch
            {
                DisposeEnumerator();
                throw;
            }
        }

        bool more;
        try
        {
            more = enumerator.MoveNext();
        }
        catch
        {
            DisposeEnumerator();
            throw;
        }

        if (more)
        {
            return Yielded(enumerator.Current);
        }

        DisposeEnumerator();
        return false;
    }

    private void DisposeEnumerator()
    {
        IEnumerator<TYield>? e = enumerator;
        enumerator = null;
        e?.Dispose();
    }
}
