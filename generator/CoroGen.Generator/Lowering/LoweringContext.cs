using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Lowering;

/// <summary>What the lowering passes of one template share: the semantic model, the fields, states and labels made so far.</summary>
internal sealed partial class LoweringContext
{
    // Members of the generated class and its base types: hoisted fields must not hide them.
    // The members every generated class declares itself, whatever the template: its overrides and the fields the emitter names.
    private static readonly HashSet<string> DeclaredNames = new()
    {
        "Resume", "IsSuspendedInCleanupRegion", "CanCloseByReturn", "ReadResult", "WriteResult", "returnValue", "channel", "Channel",
    };

    // Those, and the members it inherits.
    private static readonly HashSet<string> ReservedNames = new(DeclaredNames)
    {
        "state", "NotStarted", "Running", "OnResume", "Yielded", "YieldedThrough", "Complete", "DelegateTo", "DelegationResult",
        "EndDelegation", "CreateChannel", "IsLeavingForClose", "Current", "State", "Result", "IsFinished", "MoveNext", "Send", "Throw",
        "Close", "Dispose", "Reset", "GetEnumerator", "GetAwaiter", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
    };

    /// <summary>True for the name of a member every generated class declares itself (<c>Resume</c>, <c>returnValue</c>, ...).</summary>
    public static bool IsDeclaredName(string name) => DeclaredNames.Contains(name);

    /// <summary>True for the name of a member the generated class declares or inherits (<c>state</c>, <c>Current</c>, ...).</summary>
    public static bool IsReservedName(string name) => ReservedNames.Contains(name);

    /// <summary>
    /// The field names of the template's parameters, in order: each parameter's own name, unless a member of the generated
    /// class or its base types has it (a parameter named <c>state</c> must not hide the base class's state), or it is the
    /// field of the template's <c>this</c> or the class's own name, then with a suffix.
    /// </summary>
    public static List<string> ParameterFieldNames(IEnumerable<string> parameterNames, string className)
    {
        var names = parameterNames.ToList();
        var taken = new HashSet<string>(ReservedNames.Concat(names).Append("this").Append(className));
        var result = new List<string>();
        foreach (string name in names)
        {
            string preferred = name == "_" ? "underscore" : name; // a field named `_` would capture Resume's discards (UniqueName)
            string field = preferred;
            if (ReservedNames.Contains(name) || name == "this" || name == className || (name == "_" && names.Contains(preferred)))
            {
                field = preferred + "_2";
                for (int n = 3; !taken.Add(field); n++)
                {
                    field = preferred + "_" + n;
                }
            }

            result.Add(field);
        }

        return result;
    }

    private HashSet<string>? templateNames;

    /// <summary>
    /// True when a member of the generated class may have this name: a member it declares or inherits, the field of a
    /// parameter or local of the template (any of them, declared anywhere in the template), or a name the lowering makes
    /// (the states and temporaries <c>Yield_Line12</c>, <c>value_Line12</c>, the step locals <c>x__L12</c>, the class).
    /// </summary>
    public bool MayNameAGeneratedMember(string name)
    {
        if (templateNames is null)
        {
            templateNames = new HashSet<string>(Template.Parameters.Select(p => p.Name)) { Parsing.TemplateParser.GeneratedClassName(Template) };
            foreach (SyntaxNode node in Root?.DescendantNodes() ?? Enumerable.Empty<SyntaxNode>())
            {
                SyntaxToken declared = node switch
                {
                    VariableDeclaratorSyntax v => v.Identifier,
                    SingleVariableDesignationSyntax d => d.Identifier,
                    ForEachStatementSyntax f => f.Identifier,
                    CatchDeclarationSyntax c => c.Identifier,
                    _ => default,
                };
                if (declared.ValueText.Length > 0)
                {
                    templateNames.Add(declared.ValueText);
                }
            }
        }

        return ReservedNames.Contains(name) || templateNames.Contains(name) || usedNames.Contains(name)
            || System.Text.RegularExpressions.Regex.IsMatch(name, "(_Line[0-9]+(_[0-9]+)?|__L[0-9]+)$");
    }

    private readonly HashSet<string> usedNames;
    private readonly Dictionary<string, int> labelCounts = new();
    private readonly Dictionary<string, int> stateCounts = new();
    private GraphIndex? flowGraph;
    private bool flowGraphMade;

    public LoweringContext(SemanticModel model, IMethodSymbol template, IParameterSymbol yielder, ITypeSymbol yieldType, ITypeSymbol sendType, ITypeSymbol? returnType, List<FieldModel> fields, CancellationToken cancellationToken)
    {
        Model = model;
        Template = template;
        Yielder = yielder;
        YieldType = yieldType;
        SendType = sendType;
        ReturnType = returnType;
        Fields = fields;
        CancellationToken = cancellationToken;
        usedNames = new HashSet<string>(ReservedNames.Concat(fields.Select(f => f.Name)));
        // The parameter fields are in the order of the template's parameters, without the Yielder.
        List<FieldModel> parameterFields = fields.Where(f => f.Kind == FieldKind.Parameter).ToList();
        int next = 0;
        foreach (IParameterSymbol p in template.Parameters)
        {
            if (!SymbolEqualityComparer.Default.Equals(p, yielder))
            {
                FieldOf[p] = parameterFields[next++].Name;
            }
        }

        foreach (ITypeParameterSymbol t in template.TypeParameters)
        {
            usedNames.Add(t.Name);
        }

        // A member cannot have its class's name: a local named like the generated class gets a suffixed field.
        usedNames.Add(Parsing.TemplateParser.GeneratedClassName(template));
    }

    public SemanticModel Model { get; }

    /// <summary>
    /// Local functions declared in a block the lowering flattens, whose name another declaration of the template also
    /// has: in Resume's one scope the two would clash (CS0128, CS0136), so these get a name of their own, "{name}__L{line}".
    /// </summary>
    public Dictionary<ISymbol, string> RenamedLocalFunctions { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Names a local function of a flattened block "{name}__L{line}" (made unique among the generated names).</summary>
    public string RenameLocalFunction(ISymbol function, int line)
    {
        string name = UniqueName($"{function.Name}__L{line}");
        RenamedLocalFunctions[function] = name;
        return name;
    }

    /// <summary>The template's body.</summary>
    public SyntaxNode? Root { get; set; }

    private Dictionary<string, List<IdentifierNameSyntax>>? identifiersByName;

    /// <summary>The identifiers of the body spelled <paramref name="name"/> (lambdas included): the body is read once, not once per local.</summary>
    public IReadOnlyList<IdentifierNameSyntax> IdentifiersNamed(string name)
    {
        if (identifiersByName is null)
        {
            identifiersByName = new Dictionary<string, List<IdentifierNameSyntax>>(System.StringComparer.Ordinal);
            foreach (IdentifierNameSyntax identifier in Root?.DescendantNodes().OfType<IdentifierNameSyntax>() ?? Enumerable.Empty<IdentifierNameSyntax>())
            {
                string text = identifier.Identifier.ValueText;
                if (!identifiersByName.TryGetValue(text, out List<IdentifierNameSyntax>? list))
                {
                    identifiersByName[text] = list = new List<IdentifierNameSyntax>();
                }

                list.Add(identifier);
            }
        }

        return identifiersByName.TryGetValue(name, out List<IdentifierNameSyntax>? found) ? found : System.Array.Empty<IdentifierNameSyntax>();
    }

    /// <summary>Roslyn's control flow graph of the template's body, indexed, made on first use; null if it cannot be made.</summary>
    public GraphIndex? FlowGraph
    {
        get
        {
            if (!flowGraphMade)
            {
                flowGraphMade = true;
                flowGraph = Root?.Parent is { } method && Model.GetOperation(method, CancellationToken) is IMethodBodyOperation { Parent: null } body
                    ? new GraphIndex(ControlFlowGraph.Create(body, CancellationToken))
                    : null;
            }

            return flowGraph;
        }
    }

    public IMethodSymbol Template { get; }

    public IParameterSymbol Yielder { get; }

    public ITypeSymbol YieldType { get; }

    public ITypeSymbol SendType { get; }

    /// <summary>The template's result type; null for a template returning Coroutine.</summary>
    public ITypeSymbol? ReturnType { get; }

    public CancellationToken CancellationToken { get; }

    public List<FieldModel> Fields { get; }

    /// <summary>
    /// True once the body names <c>co</c> other than in its own <c>await co.Yield(...)</c>: passed to a helper method, it needs
    /// a real Yielder, which the generated class keeps in a field of its own.
    /// </summary>
    public bool UsesChannel { get; set; }

    public List<StateModel> States { get; } = new();

    public List<BodyLine> Body { get; } = new();

    /// <summary>
    /// Proxies the generated class calls for <c>base.M(...)</c> and <c>base.P</c>, and for the containing type's primary
    /// constructor parameters (a nested class can reach neither): the proxy's name for each member, and its summary and
    /// declaration (one line each), added to the containing type.
    /// </summary>
    public Dictionary<string, string> Proxies { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Local functions that capture per-iteration (boxed) locals, and those locals, in parameter order.</summary>
    public Dictionary<ISymbol, List<ISymbol>> BoxedLocalFunctions { get; } = new(SymbolEqualityComparer.Default);

    public List<DiagnosticInfo> Diagnostics { get; } = new();

    /// <summary>The field that holds each parameter and hoisted local.</summary>
    public Dictionary<ISymbol, string> FieldOf { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Hoisted locals declared once per iteration of a lowered loop (a closure over one would share it).</summary>
    public HashSet<ISymbol> PerIterationLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The template's gotos with the labeled statements they jump to (HoistingPass, found once).</summary>
    public List<(int GotoStart, Microsoft.CodeAnalysis.Text.TextSpan Target)>? GotoTargets { get; set; }

    /// <summary>The await expressions that are the template's own suspension points (not those of nested lambdas).</summary>
    public List<AwaitExpressionSyntax> Suspensions { get; } = new();

    /// <summary>
    /// The template's own <c>await foreach</c> and <c>await using</c> statements (and <c>await using</c> declarations), in a
    /// template whose yield type awaits tasks: each suspends where it moves its enumerator or disposes its resources, with
    /// no await expression in the source to mark the place. Statements that contain one are lowered, never copied.
    /// </summary>
    public List<StatementSyntax> AsyncStatements { get; } = new();

    /// <summary>Where break and continue go, innermost lowered loop last.</summary>
    public Stack<JumpTargets> Jumps { get; } = new();

    /// <summary>The states made inside each open try region (innermost last), to build its dispatch switch.</summary>
    public Stack<List<(string State, string Target)>> DispatchFrames { get; } = new();

    /// <summary>How many try/using/foreach regions with cleanup enclose the code being lowered.</summary>
    public int CleanupDepth { get; set; }

    /// <summary>
    /// How many of those regions need Close's exit raised as an exception: a try with a catch that names
    /// CoroutineExitException, or a try whose finally suspends (it runs as flattened code, which a return would skip).
    /// Close leaves an await that none encloses by returning from it.
    /// </summary>
    public int ExitHandlerDepth { get; set; }

    /// <summary>
    /// The try/using/foreach regions enclosing the code being lowered, innermost last: whether each has a finally (or a
    /// disposal) and whether it has catch clauses.
    /// </summary>
    public List<(bool Cleanup, bool Catches)> Regions { get; } = new();

    /// <summary>
    /// True when a catch clause encloses a finally (or a disposal) that encloses the code being lowered: if Close left
    /// from here by returning, that cleanup could throw, the catch could handle it and the body go on (and suspend) where
    /// it would have gone on with the exit raised as an exception too; Close must raise it then.
    /// </summary>
    private bool CatchAroundCleanup()
    {
        bool cleanupInside = false;
        for (int i = Regions.Count - 1; i >= 0; i--)
        {
            // A try's own catch clauses do not see what its finally throws: test the catches before counting the cleanup.
            if (cleanupInside && Regions[i].Catches)
            {
                return true;
            }

            cleanupInside |= Regions[i].Cleanup;
        }

        return false;
    }

    public string YieldTypeText => YieldType.ToDisplayString(SymbolFormats.FullyQualified);

    public string SendTypeText => SendType.ToDisplayString(SymbolFormats.FullyQualified);

    public bool ContainsSuspension(SyntaxNode node)
    {
        foreach (AwaitExpressionSyntax a in Suspensions)
        {
            if (node.Span.Contains(a.Span))
            {
                return true;
            }
        }

        foreach (StatementSyntax s in AsyncStatements)
        {
            if (node.Span.Contains(s.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Set when a template was left to the compiler's own error (<see cref="DeferToCompiler"/>): it gets its placeholder.</summary>
    public bool DeferredToCompiler { get; private set; }

    /// <summary>
    /// Whether the compiler reports an error inside <paramref name="node"/> that the build will report too. A type CoroGen
    /// could not resolve there is then that error's consequence, not a limit of CoroGen's: the template gets its placeholder
    /// and no diagnostic of CoroGen's, so that the build shows the compiler's error alone, as it does for broken syntax.
    /// Only in a template whose body binds here as it will in the build (<see cref="BindsAsInTheBuild"/>).
    /// </summary>
    public bool DeferToCompiler(SyntaxNode node)
    {
        bindsAsInTheBuild ??= BindsAsInTheBuild();
        if (bindsAsInTheBuild == false
            || !Model.GetDiagnostics(node.Span, CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error && node.FullSpan.Contains(d.Location.SourceSpan)))
        {
            return false;
        }

        DeferredToCompiler = true;
        return true;
    }

    private bool? bindsAsInTheBuild;

    /// <summary>
    /// Whether the template's file has a compiler error anywhere (a broken signature of a template it calls, say), in a
    /// template that binds here as it will in the build (<see cref="BindsAsInTheBuild"/>: one naming factories or generated
    /// classes sees errors the build will not have): a type CoroGen could not resolve is then likely that error's
    /// consequence, and the template gets its placeholder. Binds the whole file, once per template, and only for what
    /// CoroGen cannot explain otherwise.
    /// </summary>
    public bool DeferToCompilerErrorsInFile()
    {
        bindsAsInTheBuild ??= BindsAsInTheBuild();
        fileHasErrors ??= bindsAsInTheBuild == true && Model.GetDiagnostics(cancellationToken: CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error);
        if (fileHasErrors == false)
        {
            return false;
        }

        DeferredToCompiler = true;
        return true;
    }

    // Whether the template's file has a compiler error, for a template that binds as in the build; computed at most once.
    private bool? fileHasErrors;

    /// <summary>
    /// Leaves the template to a diagnostic reported elsewhere: it delegates to a template that gets no factory (a mistake in
    /// that template's signature, a clash), so its generated code could only add an error of its own; it gets its placeholder.
    /// </summary>
    public void DeferToTheCalledTemplatesDiagnostic(IMethodSymbol called) =>
        DeferToAnotherDiagnostic($"the error reported on the template '{called.Name}' it delegates to");

    /// <summary>
    /// Leaves the template to a diagnostic the analyzer reports (COROGEN022 on a delegation that passes another Yielder):
    /// its generated code could only repeat that mistake as a worse compiler error; it gets its placeholder naming <paramref name="reason"/>.
    /// </summary>
    public void DeferToAnotherDiagnostic(string reason)
    {
        DeferredToCompiler = true;
        DeferralReason ??= reason;
    }

    /// <summary>What the placeholder of a template left to another error names: null for a compiler error in it.</summary>
    public string? DeferralReason { get; private set; }

    // Whether the template binds while the generator runs as it will in the build: it names no factory (they are the
    // generator's own output: here a factory call binds to its template, or to nothing, and the code using its value may
    // get errors that the build will not have) and no generated class. A template called with the Yielder, as an argument
    // or as the receiver of an extension template, is no factory call.
    private bool BindsAsInTheBuild()
    {
        if (Template.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(CancellationToken) is not { } declaration)
        {
            return false;
        }

        foreach (SimpleNameSyntax name in declaration.DescendantNodes().OfType<SimpleNameSyntax>())
        {
            SymbolInfo info = Model.GetSymbolInfo(name, CancellationToken);
            if (info.Symbol is null && name.Identifier.ValueText.Contains("Coroutine"))
            {
                return false; // perhaps a generated class
            }

            IEnumerable<ISymbol> symbols = info.Symbol is { } bound ? new[] { bound } : info.CandidateSymbols;

            // A symbol declared with a generated class's name (a field `SubCoroutine? F`, a method returning one, declared
            // anywhere): its type is an error here, not in the build.
            if (symbols.Any(s => TypesOf(s).Any(GeneratedClasses.MaybeNamesOne)))
            {
                return false;
            }

            // A template's name, other than called with the Yielder: a factory call, or a method group holding a factory.
            if (symbols.OfType<IMethodSymbol>().Any(m => TemplateSignature.IsTemplate((m.ReducedFrom ?? m).OriginalDefinition))
                && !((name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access.Parent : name.Parent) is InvocationExpressionSyntax call
                    && (call.Expression == name || call.Expression == name.Parent) && PassesYielder(call)))
            {
                return false;
            }
        }

        return true;
    }

    // The types a symbol's declaration names: a variable's, a property's or event's, a method's return and parameter types.
    private static IEnumerable<ITypeSymbol> TypesOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => new[] { local.Type },
        IParameterSymbol parameter => new[] { parameter.Type },
        IFieldSymbol field => new[] { field.Type },
        IPropertySymbol property => property.Parameters.Select(p => p.Type).Prepend(property.Type),
        IEventSymbol @event => new[] { @event.Type },
        IMethodSymbol method => method.Parameters.Select(p => p.Type).Prepend(method.ReturnType),
        _ => Enumerable.Empty<ITypeSymbol>(),
    };

    private bool PassesYielder(InvocationExpressionSyntax call) =>
        call.ArgumentList.Arguments.Select(a => a.Expression).Concat(call.Expression is MemberAccessExpressionSyntax access ? new[] { access.Expression } : Enumerable.Empty<ExpressionSyntax>())
            .Any(e => SymbolEqualityComparer.Default.Equals(Model.GetSymbolInfo(e, CancellationToken).Symbol, Yielder));

    public void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(descriptor, node, arguments));

    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="node"/> unless it was reported there already (for checks that run each time a node is resolved).</summary>
    public void ReportOnce(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments)
    {
        if (reportedOnce.Add((descriptor.Id, node.Span)))
        {
            Report(descriptor, node, arguments);
        }
    }

    private readonly HashSet<(string, Microsoft.CodeAnalysis.Text.TextSpan)> reportedOnce = new();

    /// <summary>What each call that does not bind while generating resolved to, as a factory call (FactoryCalls.Resolve), or null.</summary>
    public Dictionary<InvocationExpressionSyntax, FactoryCall?> ResolvedCalls { get; } = new();

    /// <summary>Whether an error was reported inside <paramref name="node"/> already (an unresolvable factory call in a local's initializer, say).</summary>
    public bool ReportedWithin(SyntaxNode node) => Diagnostics.Any(d => d.FilePath == node.SyntaxTree.FilePath && node.Span.Contains(d.Span));

    public void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>Adds a field named after <paramref name="preferred"/>, made unique; returns its name.</summary>
    public string AddField(string preferred, string type, FieldKind kind, string origin, string? constant = null)
    {
        string name = kind == FieldKind.StepLocal ? ResumeLocalName(preferred) : UniqueName(preferred);
        Fields.Add(new FieldModel(name, type, kind, origin, constant));
        return name;
    }

    /// <summary>
    /// <paramref name="preferred"/>, or it with the first free suffix "_2", "_3", ...: a name of the generated class (a field, a
    /// local of Resume, a renamed local function) that no other generated or reserved name has; it is taken from now on.
    /// </summary>
    public string UniqueName(string preferred)
    {
        // A member named `_` would capture every discard in Resume (`_ = F();` would assign it, `out _` pass it): a local or
        // parameter named `_` gets a field with another name.
        if (preferred == "_")
        {
            preferred = "underscore";
        }

        string name = preferred;
        for (int n = 2; !usedNames.Add(name); n++)
        {
            name = preferred + "_" + n;
        }

        return name;
    }

    /// <summary>
    /// A name for a local of Resume (`x__L12`): unique as <see cref="UniqueName"/> makes it, and spelled like no identifier of
    /// the template: statements copied whole keep their own locals' names in Resume (CS0136 otherwise), and their other
    /// names (a member `x__L12`) must not be hidden by the local.
    /// </summary>
    public string ResumeLocalName(string preferred)
    {
        string name = UniqueName(preferred);
        while (TemplateIdentifiers.Contains(name))
        {
            name = UniqueName(preferred + "_");
        }

        return name;
    }

    /// <summary>A label name from a readable prefix, unique within the method.</summary>
    public string Label(string prefix)
    {
        labelCounts.TryGetValue(prefix, out int count);
        labelCounts[prefix] = count + 1;
        return count == 0 ? prefix : prefix + "_" + (count + 1);
    }

    /// <summary>Registers a suspension point; it joins the innermost dispatch frame with its resume label.</summary>
    public StateModel AddState(string kind, int line, string waitsFor, out string resumeLabel)
    {
        // The state is a constant of the generated class: it must not take the name of a field (a parameter or local the
        // template happens to call Yield_Line12), a type parameter or an inherited member, and fields made later avoid it.
        string baseName = kind + "_Line" + line;
        string name;
        do
        {
            stateCounts.TryGetValue(baseName, out int count);
            stateCounts[baseName] = count + 1;
            name = count == 0 ? baseName : baseName + "_" + (count + 1);
        }
        while (!usedNames.Add(name));

        var state = new StateModel(name, States.Count + 1, waitsFor, line, CleanupDepth > 0, CleanupDepth > 0 && ExitHandlerDepth == 0 && !CatchAroundCleanup());
        States.Add(state);
        resumeLabel = "Resume_" + name;
        DispatchFrames.Peek().Add((name, resumeLabel));
        return state;
    }
}

/// <summary>
/// The labels a break and a continue jump to inside a lowered loop (or switch: no continue of its own), and how many
/// moved-out finally blocks enclose each label (a jump from deeper goes through those finally blocks first).
/// </summary>
internal sealed record JumpTargets(string Break, string? Continue, int BreakDepth = 0, int ContinueDepth = 0);
