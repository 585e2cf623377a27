#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>
/// The C# 13 compiler's overload priority (built into .NET 9 and later; declared here for .NET 8, and read by name): among
/// applicable overloads of one type, only those with the highest priority compete. The tuple overloads of
/// <c>SchedulerExtensions.Gather</c> use it so that <c>co.Gather(a, b)</c> over one result type keeps meaning the array Gather.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="priority">The priority; the default is 0, and higher wins.</param>
    public OverloadResolutionPriorityAttribute(int priority) => Priority = priority;

    /// <summary>The priority; the default is 0, and higher wins.</summary>
    public int Priority { get; }
}
#endif
