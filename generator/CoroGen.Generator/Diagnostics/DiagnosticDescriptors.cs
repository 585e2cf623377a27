using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace CoroGen.Generator.Diagnostics;

/// <summary>The catalogue of CoroGen diagnostics. Each has a page at docs/diagnostics/{Id}.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "CoroGen";
    private const string HelpBase = "https://github.com/corogen/corogen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "COROGEN001",
        "The type containing a coroutine template must be partial and not file-local",
        "Type '{0}' contains the [Coroutine] template '{1}' but {2}");

    public static readonly DiagnosticDescriptor YielderParameter = Error(
        "COROGEN002",
        "A coroutine template takes exactly one Yielder parameter, without a default value",
        "The [Coroutine] template '{0}' {1}");

    public static readonly DiagnosticDescriptor NotAsync = Error(
        "COROGEN003",
        "A coroutine template must be async",
        "The [Coroutine] template '{0}' is not async; {1}");

    /// <summary>COROGEN003's usual advice.</summary>
    public const string DeclareItAsync = "declare it 'async' so that 'await co.Yield(...)' marks its suspension points";

    public static readonly DiagnosticDescriptor WrongReturnType = Error(
        "COROGEN004",
        "A coroutine template returns Coroutine or Coroutine<TReturn>",
        "The [Coroutine] template '{0}' returns '{1}'; return 'Coroutine' (no result) or 'Coroutine<TReturn>' (a result){2}");

    public static readonly DiagnosticDescriptor SuspensionInExpression = Error(
        "COROGEN005",
        "Suspension point inside an expression CoroGen cannot split",
        "This suspension point stands inside an expression whose earlier parts CoroGen cannot keep across it: {0}; {1}");

    /// <summary>COROGEN005's usual advice: what to write instead.</summary>
    public const string MoveSuspensionIntoItsOwnStatement =
        "move the suspension point into its own statement before the expression, for example 'var value = await co.Yield(x);', and use 'value' in the expression";

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Error(
        "COROGEN006",
        "Suspension point inside a construct CoroGen does not lower yet",
        "A suspension point stands inside {0}, which CoroGen does not lower yet; {1}");

    public static readonly DiagnosticDescriptor UnhoistableLocal = Error(
        "COROGEN007",
        "A local that lives across suspension points cannot become a field",
        "The local '{0}' of type '{1}' must become a field of the generated class because its scope contains a suspension point, but {2}; {3}");

    public static readonly DiagnosticDescriptor UnknownAwait = Error(
        "COROGEN008",
        "Awaiting something that is not a suspension point",
        "'await' on '{0}' (of type '{1}') is not a CoroGen suspension point; await co.Yield(...), co.YieldAll(...), another coroutine, a helper that returns what co.Yield returns, or, in a scheduler coroutine, a Task or ValueTask (wrap any other awaitable in an async method that returns one)");

    public static readonly DiagnosticDescriptor DelegationTypeMismatch = Error(
        "COROGEN009",
        "The awaited coroutine's types do not fit the delegating coroutine",
        "Cannot delegate to '{0}': {1}; make the sub-coroutine's yield type convert implicitly to '{2}' and its send type accept '{3}'");

    public static readonly DiagnosticDescriptor LoopVariableCaptured = Error(
        "COROGEN010",
        "A closure captures a per-iteration variable that lives across suspension points",
        "The closure captures '{0}', declared inside a loop whose body contains a suspension point, and CoroGen gives each iteration its own copy for lambdas and anonymous methods converted to a named delegate type and for local functions, but not for query expressions or lambdas with an inferred anonymous delegate type; write the query with method calls and a lambda assigned to a named delegate type such as Func<...>, or pass '{0}' as an argument");

    public static readonly DiagnosticDescriptor PatternVariableHoisted = Error(
        "COROGEN011",
        "A pattern variable lives across suspension points",
        "The pattern variable '{0}' is declared in a statement whose block contains a suspension point, which CoroGen does not lower yet; declare the variable first and assign it, for example 'T {0} = default; if (o is T t) {0} = t;'");

    public static readonly DiagnosticDescriptor UnforwardableAccess = Error(
        "COROGEN012",
        "A coroutine template uses 'base' or a primary constructor parameter in a way CoroGen cannot forward",
        "The [Coroutine] template uses {0}, which the generated class can reach only through a proxy that cannot forward this use; {1}");

    public static readonly DiagnosticDescriptor TemplateCalledDirectly = Warning(
        "COROGEN013",
        "A coroutine template is called directly",
        "'{0}' is a [Coroutine] template, whose body never runs when called (the call throws InvalidOperationException); call the generated factory '{1}' without the Yielder argument, or 'await' the call inside another template to delegate to it");

    public static readonly DiagnosticDescriptor FactoryClash = Error(
        "COROGEN014",
        "The generated factory or class would clash with another member",
        "The factory '{0}' (or the class '{1}') that CoroGen generates for this template would clash with {2}; {3}");

    public static readonly DiagnosticDescriptor SuspensionInNestedFunction = Error(
        "COROGEN015",
        "A lambda or local function inside a template cannot suspend the coroutine",
        "'await {0}' stands inside {1}, which runs as a method of its own: it cannot suspend the coroutine, and running it would throw InvalidOperationException; move the suspension point into the template's own body, or make that code a [Coroutine] method of the containing type and delegate to it with 'await'");

    public static readonly DiagnosticDescriptor CoroutineWithoutTemplate = Error(
        "COROGEN016",
        "Only a [Coroutine] method becomes a coroutine",
        "{0} is async and returns '{1}', but only a method marked [Coroutine] becomes a coroutine, and {2}; {3}");

    public static readonly DiagnosticDescriptor OverridableTemplate = Error(
        "COROGEN017",
        "A coroutine template cannot be abstract, virtual or override",
        "The [Coroutine] template '{0}' is {1}, but its factory returns the template's own generated class, so an override could not replace it; make the template non-virtual (for example a private template '{0}Body'), and let a virtual method that returns 'Coroutine<TYield, TSend, TReturn>' call its factory");

    public static readonly DiagnosticDescriptor SuspensionNotAwaited = Error(
        "COROGEN018",
        "A suspension point that is not awaited does nothing",
        "'{0}' is not awaited, so it does not suspend the coroutine{1}; {2}");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Error(
        "COROGEN019",
        "CoroGen needs C# 10 or later",
        "The [Coroutine] template '{0}' is compiled as C# {1}, but CoroGen generates code for C# 10 or later; set <LangVersion> to 10 or later in the project file (or remove it: net8.0 and later default to C# 12 or newer)");

    public static readonly DiagnosticDescriptor FileLocalTypeUsed = Error(
        "COROGEN020",
        "A coroutine template uses a file-local type",
        "The [Coroutine] template uses '{0}', which is declared 'file' and so cannot be named by the generated class in its own file; make '{0}' internal, or nest it in '{1}' as a private type");

    public static readonly DiagnosticDescriptor PartialTemplate = Error(
        "COROGEN021",
        "A coroutine template cannot be a partial method",
        "The [Coroutine] template '{0}' is a partial method, but CoroGen generates from one declaration with the body and adds a factory beside it; remove the declaration without a body, and 'partial' from the one with the body");

    public static readonly DiagnosticDescriptor ForeignYielder = Error(
        "COROGEN022",
        "A template suspends only through its own Yielder parameter",
        "{0}, but a template suspends only through its own Yielder parameter '{1}', as it was given: {2}");

    public static readonly DiagnosticDescriptor YieldAllOverCoroutine = Warning(
        "COROGEN023",
        "YieldAll enumerates a coroutine instead of delegating to it",
        "'{0}' enumerates the coroutine {1} as a sequence: sent values do not reach it, a Throw closes it instead of raising inside it, and its result is dropped; to delegate to it (Python's 'yield from'), write 'await {1}'");

    public static readonly DiagnosticDescriptor ExplicitInterfaceTemplate = Error(
        "COROGEN024",
        "A coroutine template cannot be an explicit interface implementation",
        "The [Coroutine] template implements '{0}' explicitly, but its factory, which takes no Yielder, could not implement that member, and an explicit implementation has no name of its own to give a factory; make the template an ordinary private method (for example '{1}Body'), declare the interface member without the Yielder, returning 'Coroutine<TYield, TSend, TReturn>', and implement it by calling the template's factory");

    public static readonly DiagnosticDescriptor AmbiguousFactoryCall = Error(
        "COROGEN025",
        "CoroGen cannot tell which template a factory call runs",
        "CoroGen cannot tell what '{0}' runs: {1}; pass the template its Yielder '{2}' (a template called with its Yielder is awaited the same way, and binds as C# binds it), or make the arguments pick one overload (a cast, a named argument)");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "COROGEN099",
        "CoroGen could not lower this template",
        "CoroGen failed while lowering the template '{0}': {1}. This is a bug in CoroGen; please report it with the template");

    public static readonly IReadOnlyList<DiagnosticDescriptor> All = new[]
    {
        ContainingTypeNotPartial, YielderParameter, NotAsync, WrongReturnType, SuspensionInExpression, UnsupportedConstruct,
        UnhoistableLocal, UnknownAwait, DelegationTypeMismatch, LoopVariableCaptured, PatternVariableHoisted, UnforwardableAccess, TemplateCalledDirectly,
        FactoryClash, SuspensionInNestedFunction, CoroutineWithoutTemplate, OverridableTemplate, SuspensionNotAwaited, LanguageVersionTooLow, FileLocalTypeUsed,
        PartialTemplate, ForeignYielder, YieldAllOverCoroutine, ExplicitInterfaceTemplate, AmbiguousFactoryCall, InternalError,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> ByIdMap = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => ByIdMap[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    /// <summary>The page of <paramref name="id"/> in docs/diagnostics/ (a test checks that every page exists).</summary>
    public static string HelpLink(string id) => HelpBase + id + ".md";
}
