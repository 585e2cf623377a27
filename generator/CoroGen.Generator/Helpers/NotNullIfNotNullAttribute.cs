namespace System.Diagnostics.CodeAnalysis;

// netstandard2.0 lacks it: lets overrides of CSharpSyntaxRewriter.Visit keep "not null in, not null out".
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.ReturnValue, AllowMultiple = true, Inherited = false)]
internal sealed class NotNullIfNotNullAttribute : Attribute
{
    public NotNullIfNotNullAttribute(string parameterName) => ParameterName = parameterName;

    public string ParameterName { get; }
}
