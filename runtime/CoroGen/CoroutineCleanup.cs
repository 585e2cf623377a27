using System;
using System.ComponentModel;

namespace CoroGen;

/// <summary>Cleanup helpers that generated classes call from their <c>finally</c> blocks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CoroutineCleanup
{
    /// <summary>
    /// Disposes a resource held in a field, in place: a struct is disposed on the original instance (never a boxed copy),
    /// a null reference is skipped, as C#'s <c>using</c> and <c>foreach</c> do.
    /// </summary>
    public static void Dispose<T>(ref T resource)
        where T : IDisposable?
    {
        if (resource is not null)
        {
            resource.Dispose();
        }
    }

    /// <summary>Disposes <paramref name="resource"/> if it is <see cref="IDisposable"/> (an enumerator whose static type does not say).</summary>
    public static void DisposeIfDisposable(object? resource) => (resource as IDisposable)?.Dispose();
}
