using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// The pipeline's model must hold only values (strings, numbers, enums, equatable arrays of records): a symbol, syntax
/// node, semantic model, compilation or location would defeat caching and keep old compilations alive. This walks every
/// field reachable from <see cref="TemplateResult"/>, by type, including private fields and generic arguments.
/// </summary>
public sealed class ModelPurityTests
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTrivia), typeof(SyntaxTree), typeof(SyntaxReference),
        typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(Diagnostic), typeof(AttributeData), typeof(IOperation),
    };

    [Fact]
    public void NoSymbolSyntaxOrCompilationIsReachableFromTheModel()
    {
        var seen = new HashSet<Type>();
        var problems = new List<string>();
        Walk(typeof(TemplateResult), nameof(TemplateResult), seen, problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The walk really went through the model (guards against a walk that stops early).
        Assert.Contains(typeof(TemplateModel), seen);
        Assert.Contains(typeof(FieldModel), seen);
        Assert.Contains(typeof(StateModel), seen);
        Assert.Contains(typeof(BodyLine), seen);
        Assert.Contains(seen, t => t.Name == "DiagnosticInfo");
    }

    [Fact]
    public void EveryModelTypeIsASealedValueEquatableRecord()
    {
        var seen = new HashSet<Type>();
        Walk(typeof(TemplateResult), nameof(TemplateResult), seen, new List<string>());
        foreach (Type type in seen.Where(t => t.Namespace?.StartsWith("CoroGen.Generator", StringComparison.Ordinal) == true && !t.IsEnum && !t.IsArray))
        {
            Assert.True(type.IsValueType || type.IsSealed, $"{type} must be sealed so that no subclass can hide a symbol");
            Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type), $"{type} must be IEquatable<{type.Name}>");
        }
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        if (Forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            problems.Add($"{path}: {type} is reachable from the model");
            return;
        }

        if (type == typeof(object) || type.IsInterface && !IsAllowedInterface(type))
        {
            problems.Add($"{path}: {type} could hold anything");
            return;
        }

        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal))
        {
            return;
        }

        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", seen, problems);
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Walk(underlying, path, seen, problems);
            return;
        }

        foreach (Type argument in type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes)
        {
            Walk(argument, $"{path}<{argument.Name}>", seen, problems);
        }

        for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.FieldType, path + "." + field.Name, seen, problems);
            }
        }
    }

    // ImmutableArray<T> wraps T[]; nothing else in the model should be typed as an interface.
    private static bool IsAllowedInterface(Type type) => false;
}
