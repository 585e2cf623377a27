using System;

namespace CoroGen;

/// <summary>
/// Marks an <c>async</c> method as a coroutine template. The CoroGen generator turns it into a resumable class
/// <c>{Method}Coroutine</c> and a factory with the template's name (minus the <see cref="Yielder{TYield, TSend}"/> parameter).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CoroutineAttribute : Attribute
{
}
