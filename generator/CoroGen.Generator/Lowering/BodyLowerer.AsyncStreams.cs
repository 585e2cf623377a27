using System;
using System.Collections.Generic;
using System.Linq;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CoroGen.Generator.Lowering;

// `await foreach` and `await using` in a template whose yield type awaits tasks (a scheduler coroutine: LoopRequest.Await).
// They are lowered as C# lowers them in an async method, with each hidden await written as a suspension point that
// delegates to `TYield.Await(...)`, exactly as an `await task` of the template is:
//   await foreach (T x in source) body    ->  e = source.GetAsyncEnumerator();
//                                             try { while (await e.MoveNextAsync()) { x = e.Current; body } }
//                                             finally { await e.DisposeAsync(); }
//   await using (var r = resource) body    ->  r = resource; try { body } finally { if (r != null) await r.DisposeAsync(); }
// Each finally suspends, so it is a moved finally (EmitTryWithMovedFinally): it runs as flattened code after the try, then
// rethrows the pending exception (Close's exit and a scheduler's cancellation included) or replays the pending exit.
internal sealed partial class BodyLowerer
{
    /// <summary>
    /// Collects the template's own <c>await foreach</c> and <c>await using</c> statements (not those of its lambdas and local
    /// functions, which are ordinary async code) into <see cref="LoweringContext.AsyncStatements"/>, or reports them when the
    /// template's yield type cannot await what they await.
    /// </summary>
    private static void CollectAsyncStatements(SyntaxNode body, LoweringContext context)
    {
        bool awaitsTasks = YieldTypeAwaitsTasks(context);
        foreach (SyntaxNode node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            SyntaxToken awaitKeyword = node switch
            {
                CommonForEachStatementSyntax f => f.AwaitKeyword,
                UsingStatementSyntax u => u.AwaitKeyword,
                LocalDeclarationStatementSyntax d => d.AwaitKeyword,
                _ => default,
            };
            if (!awaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
            {
                continue;
            }

            bool loop = node is CommonForEachStatementSyntax;
            string construct = loop ? "'await foreach'" : "'await using'";
            string hidden = loop ? "its MoveNextAsync and DisposeAsync" : "its DisposeAsync";
            if (!awaitsTasks)
            {
                context.Report(DiagnosticDescriptors.UnsupportedConstruct, awaitKeyword.GetLocation(), $"{construct} (whose {(loop ? "MoveNextAsync and DisposeAsync are awaits" : "DisposeAsync is an await")}) in a template that yields '{context.YieldType.ToDisplayString()}'",
                    $"{hidden} await ValueTasks, which only a template whose yield type awaits tasks can do (a scheduler coroutine, yielding LoopRequest); here {(loop ? "iterate" : "dispose")} synchronously");
                continue;
            }

            // Each hidden await delegates to TYield.Await(...), whose coroutine must take what this coroutine is sent.
            if (AwaitAdapterCoroutine(context)?.TypeArguments[1] is { } adapterSend && !context.Model.Compilation.ClassifyConversion(context.SendType, adapterSend).IsImplicit)
            {
                context.Report(DiagnosticDescriptors.DelegationTypeMismatch, awaitKeyword.GetLocation(), $"the awaits of this {construct}",
                    $"{hidden} delegate to {context.YieldType.ToDisplayString()}.Await, whose coroutines take '{adapterSend.ToDisplayString()}' from Send, which cannot hold the '{context.SendType.ToDisplayString()}' values this coroutine is sent (no implicit conversion)",
                    context.YieldType.ToDisplayString(), context.SendType.ToDisplayString());
                continue;
            }

            context.AsyncStatements.Add((StatementSyntax)node);
        }
    }

    // The yield type's adapters of foreign awaitables (the scheduler's LoopRequest adapts Task and ValueTask): static
    // `TYield.Await(x)` methods returning a coroutine. With any, `await task` is a suspension point that delegates to one.
    private static IEnumerable<IMethodSymbol> AwaitAdapters(LoweringContext context) =>
        context.YieldType.GetMembers("Await").OfType<IMethodSymbol>().Where(m => m.IsStatic && m.Parameters.Length == 1 && CoroutineTypes.IsCoroutine(m.ReturnType));

    private static bool YieldTypeAwaitsTasks(LoweringContext context) => AwaitAdapters(context).Any();

    // The coroutine type the adapters return (Coroutine<LoopRequest, Unit, T>), whose yield and send types a delegation
    // to them must fit; null when they are typed only Coroutine or Coroutine<T>.
    private static INamedTypeSymbol? AwaitAdapterCoroutine(LoweringContext context) =>
        AwaitAdapters(context).Select(m => CoroutineTypes.FullCoroutineBase(m.ReturnType)).FirstOrDefault(b => b is not null);

    // Whether TYield.Await has an overload for `awaitable`'s type (ValueTask<bool>, ConfiguredValueTaskAwaitable, ...).
    private bool YieldTypeAwaits(ITypeSymbol awaitable) =>
        AwaitAdapters(context).Any(m => SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type.OriginalDefinition, awaitable.OriginalDefinition));

    /// <summary>
    /// <c>await foreach</c>: the enumerator in a field, a moved finally that disposes it asynchronously, and a suspension point
    /// at every <c>MoveNextAsync</c>. <paramref name="target"/> and <paramref name="cast"/> assign the loop variable, as in
    /// <see cref="LowerForEach"/>.
    /// </summary>
    private void LowerAwaitForEach(CommonForEachStatementSyntax statement, ForEachStatementInfo info, string target, string cast, string next, string end, List<BodyLine> output)
    {
        int line = Line(statement);
        if (info.GetEnumeratorMethod is not { } getEnumerator || info.MoveNextMethod is not { } moveNext || info.CurrentProperty is null)
        {
            if (!context.DeferToCompiler(statement.Expression)) // a collection that is not asynchronously enumerable is the compiler's error
            {
                Unsupported(statement, "an await foreach loop over this collection", "enumerate an IAsyncEnumerable<T>");
            }

            return;
        }

        ITypeSymbol enumeratorType = getEnumerator.ReturnType;
        if (enumeratorType.IsRefLikeType)
        {
            Unsupported(statement, $"an await foreach loop whose enumerator '{enumeratorType.ToDisplayString()}' is a ref struct that cannot be kept in a field across its suspension points",
                "enumerate an IAsyncEnumerable<T> whose enumerator is a class or an ordinary struct");
            return;
        }

        // Each step goes through CoroutineCleanup.TrackStep, which takes the step shapes of .NET's enumerators and gives a ValueTask<bool>.
        bool trackable = moveNext.ReturnType is INamedTypeSymbol { Arity: 1 } stepType
            && stepType.TypeArguments[0].SpecialType == SpecialType.System_Boolean
            && stepType.ContainingNamespace.ToDisplayString() is "System.Threading.Tasks" or "System.Runtime.CompilerServices"
            && stepType.Name is "ValueTask" or "Task" or "ConfiguredValueTaskAwaitable";
        INamedTypeSymbol? valueTaskOfT = context.Model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        bool disposeAwaited = info.DisposeMethod is not { } dispose || YieldTypeAwaits(dispose.ReturnType);
        if (!trackable || valueTaskOfT is null || !YieldTypeAwaits(valueTaskOfT) || !disposeAwaited)
        {
            IMethodSymbol method = trackable && !disposeAwaited ? info.DisposeMethod! : moveNext;
            Unsupported(statement, $"an await foreach loop whose '{method.Name}' returns '{method.ReturnType.ToDisplayString()}', which '{context.YieldType.ToDisplayString()}.Await' does not take",
                "enumerate an IAsyncEnumerable<T> (its MoveNextAsync and DisposeAsync return ValueTasks), or call its methods and await their results yourself");
            return;
        }

        string enumerator = context.AddField($"enumerator_Line{line}", enumeratorType.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.Temporary, $"the await foreach enumerator, line {line}");
        string step = context.AddField($"step_Line{line}", "global::System.Threading.Tasks.Task<bool>?", FieldKind.Temporary, $"the await foreach step of line {line} while it has not completed (then the enumerator cannot be disposed yet)");
        output.Add(Code($"this.@{enumerator} = {EnumerableReceiver(getEnumerator, statement.Expression)}.{getEnumerator.Name}();", line));
        output.Add(Comment("try (its finally block awaits DisposeAsync: it runs after the try statement, then rethrows the pending exception or replays the pending exit)"));
        ITypeSymbol boolean = context.Model.Compilation.GetSpecialType(SpecialType.System_Boolean);
        EmitTryWithMovedFinally(
            line,
            line,
            output,
            body =>
            {
                body.Add(new BodyLine(BodyLineKind.Label, next, 0));
                EmitSuspension("Await", "DelegateTo", AdaptedAwait(statement, $"{context.YieldTypeText}.Await(global::CoroGen.CoroutineCleanup.TrackStep(this.@{enumerator}.{moveNext.Name}(), ref this.@{step}))", boolean)!,
                    $"the await foreach enumerator of line {line} to move next", delegation: true, boolean, $"if (!{{0}}) goto {end};", line, body);
                body.Add(Code(target.EndsWith("(", StringComparison.Ordinal) ? $"{target}{cast}this.@{enumerator}.Current);" : $"{target} = {cast}this.@{enumerator}.Current;", line));
                LowerLoopBody(statement.Statement, end, next, body);
                body.Add(Code($"goto {next};", 0));
                body.Add(new BodyLine(BodyLineKind.Label, end, 0));
            },
            finallyBody =>
            {
                if (info.DisposeMethod is { } disposeAsync)
                {
                    bool disposable = ImplementsAsyncDisposable(enumeratorType);
                    string call = disposable ? $"global::CoroGen.CoroutineCleanup.DisposeAsync(ref this.@{enumerator})" : $"this.@{enumerator}.{disposeAsync.Name}()";
                    string later = disposable ? "static e => global::CoroGen.CoroutineCleanup.DisposeAsync(ref e)" : $"static e => e.{disposeAsync.Name}()";
                    string disposed = context.Label($"Disposed_Line{line}");
                    finallyBody.Add(Comment("finally: await the enumerator's DisposeAsync, unless a step it began has not finished (left here by a cancellation, a timeout or Close): it is disposed once that step completes"));
                    finallyBody.Add(Code($"if (global::CoroGen.CoroutineCleanup.DisposeAfterPendingStep(this.@{step}, this.@{enumerator}, {later})) goto {disposed};", line));
                    EmitSuspension("Await", "DelegateTo", AdaptedAwait(statement, $"{context.YieldTypeText}.Await({call})", null)!,
                        $"the await foreach enumerator of line {line} to be disposed", delegation: true, null, null, line, finallyBody);
                    finallyBody.Add(new BodyLine(BodyLineKind.Label, disposed, 0));
                }

                finallyBody.Add(Code($"this.@{enumerator} = default; this.@{step} = null;", 0));
            });
    }

    /// <summary>
    /// <c>await using</c>: each resource (already in its field) gets a moved finally that awaits its <c>DisposeAsync</c>;
    /// resources are disposed in reverse order, each one's region enclosing the next, as <see cref="EmitUsingRegions"/> does.
    /// </summary>
    private void EmitAsyncUsingRegions(SyntaxNode statement, List<string> resources, ITypeSymbol? type, int line, List<BodyLine> output, Action<List<BodyLine>> body)
    {
        if (resources.Count == 0)
        {
            body(output);
            return;
        }

        if (type is not null && CoroutineTypes.ContainsErrorType(type))
        {
            type = null; // the compiler reports the resource's type
        }

        (string? call, bool nullable) = AsyncDisposeCall(resources[0], type);
        if (call is null)
        {
            Unsupported(statement, $"an await using of '{type?.ToDisplayString()}', which neither implements IAsyncDisposable nor has a DisposeAsync() whose result '{context.YieldType.ToDisplayString()}.Await' takes",
                "dispose an IAsyncDisposable (drop a .ConfigureAwait(...) of the resource: the flag changes nothing in a scheduler coroutine), or call its DisposeAsync in a finally block and await the result");
            return;
        }

        output.Add(Comment("try (its finally block awaits DisposeAsync: it runs after the try statement, then rethrows the pending exception or replays the pending exit)"));
        EmitTryWithMovedFinally(
            line,
            line,
            output,
            inner => EmitAsyncUsingRegions(statement, resources.Skip(1).ToList(), type, line, inner, body),
            finallyBody =>
            {
                finallyBody.Add(Comment($"finally: await the resource's DisposeAsync (skipped when it is null)"));
                string? disposed = null;
                if (nullable)
                {
                    disposed = context.Label($"Disposed_Line{line}");
                    finallyBody.Add(Code($"if (this.@{resources[0]} is null) goto {disposed};", line));
                }

                EmitSuspension("Await", "DelegateTo", AdaptedAwait(statement, $"{context.YieldTypeText}.Await({call})", null)!,
                    $"the resource of the await using of line {line} to be disposed", delegation: true, null, null, line, finallyBody);
                if (disposed is not null)
                {
                    finallyBody.Add(new BodyLine(BodyLineKind.Label, disposed, 0));
                }

                if ((type is null || (!type.IsValueType && !resources[0].EndsWith(".Value", StringComparison.Ordinal))) && !CapturedByAClosure(resources[0])) // closures still read it
                {
                    finallyBody.Add(Code($"this.@{resources[0]} = default;", 0));
                }
            });
    }

    // What disposes a resource field: a ValueTask from CoroutineCleanup.DisposeAsync for an IAsyncDisposable (in place for a
    // struct, completed at once for null), or the type's own DisposeAsync() (ConfiguredAsyncDisposable, from
    // `resource.ConfigureAwait(false)`), called directly and, for a class, guarded by a null test (Nullable). Null when
    // neither exists or the yield type cannot await what DisposeAsync returns.
    private (string? Call, bool Nullable) AsyncDisposeCall(string field, ITypeSymbol? type)
    {
        ITypeSymbol valueTask = context.Model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask")!;
        string helper = $"global::CoroGen.CoroutineCleanup.DisposeAsync(ref this.@{field})";
        if (type is null)
        {
            return (YieldTypeAwaits(valueTask) ? $"global::CoroGen.CoroutineCleanup.DisposeAsyncIfDisposable(this.@{field})" : null, false); // the compiler reports the resource's type
        }

        ITypeSymbol disposed = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && type is INamedTypeSymbol nullable ? nullable.TypeArguments[0] : type;
        if (ImplementsAsyncDisposable(disposed))
        {
            return (YieldTypeAwaits(valueTask) ? helper : null, false);
        }

        IMethodSymbol? pattern = disposed.SpecialType == SpecialType.None && SymbolEqualityComparer.Default.Equals(disposed, type)
            ? AllMembers(type, "DisposeAsync").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && m.Parameters.All(p => p.IsOptional || p.IsParams)
                && m.DeclaredAccessibility == Accessibility.Public)
            : null;
        return pattern is not null && YieldTypeAwaits(pattern.ReturnType) ? ($"this.@{field}.{pattern.Name}()", !type.IsValueType) : (null, false);
    }

    private static IEnumerable<ISymbol> AllMembers(ITypeSymbol type, string name)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers(name))
            {
                yield return member;
            }
        }
    }

    private static bool ImplementsAsyncDisposable(ITypeSymbol type) =>
        IsAsyncDisposable(type) || type.AllInterfaces.Any(IsAsyncDisposable)
        || (type is ITypeParameterSymbol parameter && parameter.ConstraintTypes.Any(ImplementsAsyncDisposable));

    private static bool IsAsyncDisposable(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IAsyncDisposable", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };
}
