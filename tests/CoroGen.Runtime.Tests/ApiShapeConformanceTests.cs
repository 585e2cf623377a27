using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace CoroGen.Runtime.Tests;

/// <summary>The names and shapes of API.md section 3, checked by reflection on the runtime assembly.</summary>
public sealed class ApiShapeConformanceTests
{
    private const BindingFlags PublicInstance = BindingFlags.Public | BindingFlags.Instance;

    [Fact]
    public void CoroutineAttributeIsASealedAttributeForMethods()
    {
        Type type = typeof(CoroutineAttribute);
        Assert.True(type.IsPublic);
        Assert.True(type.IsSealed);
        Assert.Equal(typeof(Attribute), type.BaseType);
        AttributeUsageAttribute usage = type.GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.Equal(AttributeTargets.Method, usage.ValidOn);

        // API.md declares it `[AttributeUsage(AttributeTargets.Method)]`: the other settings keep their defaults.
        Assert.True(usage.Inherited);
        Assert.False(usage.AllowMultiple);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        Assert.Equal("CoroGen", type.Namespace);
    }

    [Fact]
    public void UnitIsAReadOnlyEquatableStructWithAStaticValue()
    {
        Type type = typeof(Unit);
        Assert.True(type.IsValueType);
        Assert.True(type.IsDefined(typeof(IsReadOnlyAttribute)));
        Assert.Contains(typeof(IEquatable<Unit>), type.GetInterfaces());
        PropertyInfo value = type.GetProperty("Value", BindingFlags.Public | BindingFlags.Static)!;
        Assert.Equal(typeof(Unit), value.PropertyType);
        Assert.Null(value.SetMethod);
        Assert.True(((IEquatable<Unit>)Unit.Value).Equals(default));
    }

    [Fact]
    public void CoroutineStateHasTheSixStatesInOrder()
    {
        Assert.True(typeof(CoroutineState).IsEnum);
        Assert.Equal(
            new[] { "Created", "Running", "Suspended", "Completed", "Faulted", "Closed" },
            Enum.GetValues<CoroutineState>().OrderBy(s => (int)s).Select(s => s.ToString()));
    }

    [Fact]
    public void CoroutineIsTheAbstractBaseWithStateCloseAndIsFinished()
    {
        Type type = typeof(Coroutine);
        Assert.True(type.IsPublic);
        Assert.True(type.IsAbstract);
        AssertGetter(type, "State", typeof(CoroutineState));
        AssertGetter(type, "IsFinished", typeof(bool));
        AssertMethod(type, "Close", typeof(void));
        Assert.NotNull(type.GetCustomAttribute<AsyncMethodBuilderAttribute>());

        // `public void Close();`: declared here, once; the full coroutine does not redeclare it.
        Assert.Equal(type, typeof(Coroutine<int, string, long>).GetMethod("Close", PublicInstance, Type.EmptyTypes)!.DeclaringType);
    }

    [Fact]
    public void CoroutineOfTReturnAddsResultAndHasAnAsyncMethodBuilder()
    {
        Type type = typeof(Coroutine<>);
        Assert.True(type.IsAbstract);
        Assert.Equal(typeof(Coroutine), type.BaseType);
        PropertyInfo result = type.GetProperty("Result", PublicInstance | BindingFlags.DeclaredOnly)!;
        Assert.Equal(type.GetGenericArguments()[0], result.PropertyType);
        Assert.Null(result.SetMethod);
        Assert.NotNull(type.GetCustomAttribute<AsyncMethodBuilderAttribute>());
    }

    [Fact]
    public void TheFullCoroutineIsAnEnumeratorAndAnEnumerableOfItsYieldType()
    {
        Type type = typeof(Coroutine<,,>);
        Type[] args = type.GetGenericArguments();
        Type tYield = args[0], tSend = args[1], tReturn = args[2];
        Assert.True(type.IsAbstract);
        Assert.Equal(typeof(Coroutine<>).MakeGenericType(tReturn), type.BaseType);

        Type closed = typeof(Coroutine<int, string, long>);
        Assert.True(typeof(IEnumerator<int>).IsAssignableFrom(closed));
        Assert.True(typeof(IEnumerable<int>).IsAssignableFrom(closed));
        Assert.True(typeof(IDisposable).IsAssignableFrom(closed));

        AssertGetter(closed, "Current", typeof(int));
        AssertMethod(closed, "MoveNext", typeof(bool));
        AssertMethod(closed, "Send", typeof(bool), typeof(string));
        AssertMethod(closed, "Throw", typeof(bool), typeof(Exception));
        AssertMethod(closed, "Dispose", typeof(void));
        AssertMethod(closed, "GetEnumerator", typeof(IEnumerator<int>));
        AssertGetter(closed, "Result", typeof(long));
        AssertGetter(closed, "State", typeof(CoroutineState));
        AssertGetter(closed, "IsFinished", typeof(bool));
        AssertMethod(closed, "Close", typeof(void));
    }

    [Fact]
    public void CoroutineExitExceptionIsASealedExceptionWithAPublicParameterlessConstructor()
    {
        Type type = typeof(CoroutineExitException);
        Assert.True(type.IsPublic);
        Assert.True(type.IsSealed);
        Assert.Equal(typeof(Exception), type.BaseType);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
    }

    [Fact]
    public void YieldersArePublicClassesWithYieldYieldAndYieldAll()
    {
        Type two = typeof(Yielder<,>);
        Assert.True(two.IsPublic);
        Assert.True(two.IsClass);
        Assert.False(two.IsSealed);

        Type closed = typeof(Yielder<int, string>);
        AssertMethod(closed, "Yield", typeof(YieldAwaitable<string>), typeof(int));
        AssertMethod(closed, "Yield", typeof(YieldAwaitable<string>));
        AssertMethod(closed, "YieldAll", typeof(YieldAllAwaitable), typeof(IEnumerable<int>));

        Assert.Equal(typeof(Yielder<int, Unit>), typeof(Yielder<int>).BaseType);
        Assert.True(typeof(Yielder<>).IsPublic);

        // Users cannot obtain a Yielder (API.md section 1): no constructor they can call, also not from a subclass.
        foreach (Type yielder in new[] { closed, typeof(Yielder<int>) })
        {
            Assert.All(
                yielder.GetConstructors(PublicInstance | BindingFlags.NonPublic),
                c => Assert.False(c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly, $"{yielder}: {c} can be called outside the runtime"));
        }
    }

    [Fact]
    public void TheContractsGenericTypesHaveNoConstraintsOrVariance()
    {
        foreach (Type type in new[] { typeof(Coroutine<>), typeof(Coroutine<,,>), typeof(Yielder<,>), typeof(Yielder<>) })
        {
            foreach (Type parameter in type.GetGenericArguments())
            {
                Assert.Empty(parameter.GetGenericParameterConstraints());
                Assert.Equal(GenericParameterAttributes.None, parameter.GenericParameterAttributes);
            }
        }
    }

    [Fact]
    public void EveryContractTypeLivesInTheCoroGenNamespace()
    {
        foreach (Type type in new[] { typeof(CoroutineAttribute), typeof(Unit), typeof(CoroutineState), typeof(Coroutine), typeof(Coroutine<>), typeof(Coroutine<,,>), typeof(CoroutineExitException), typeof(Yielder<,>), typeof(Yielder<>) })
        {
            Assert.Equal("CoroGen", type.Namespace);
        }
    }

    private static void AssertGetter(Type type, string name, Type propertyType)
    {
        PropertyInfo property = type.GetProperty(name, PublicInstance)!;
        Assert.NotNull(property);
        Assert.Equal(propertyType, property.PropertyType);
        Assert.NotNull(property.GetMethod);
        Assert.True(property.GetMethod!.IsPublic);
        Assert.True(property.SetMethod is null || !property.SetMethod.IsPublic);
        AssertNotOverridable(property.GetMethod);
    }

    // The contract declares its members without `abstract` or `virtual` (API.md section 3).
    private static void AssertNotOverridable(MethodInfo method) =>
        Assert.True(!method.IsAbstract && (!method.IsVirtual || method.IsFinal), $"{method.DeclaringType}.{method.Name} can be overridden");

    private static void AssertMethod(Type type, string name, Type returnType, params Type[] parameters)
    {
        MethodInfo method = type.GetMethod(name, PublicInstance, parameters)!;
        Assert.True(method is not null, $"{type}.{name}({string.Join(", ", parameters.Select(p => p.Name))}) is missing");
        Assert.Equal(returnType, method!.ReturnType);
        AssertNotOverridable(method);
    }
}
