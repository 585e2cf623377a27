using System;

namespace CoroGen;

/// <summary>The type with a single value: the send type of coroutines that take no input, and the result of coroutines that return none.</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <summary>The only value of <see cref="Unit"/>.</summary>
    public static Unit Value => default;

    /// <inheritdoc/>
    public bool Equals(Unit other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "()";

    /// <summary>Always true: all units are equal.</summary>
    public static bool operator ==(Unit left, Unit right) => true;

    /// <summary>Always false: all units are equal.</summary>
    public static bool operator !=(Unit left, Unit right) => false;
}
