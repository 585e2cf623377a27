using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CoroGen.Generator.Diagnostics;
using CoroGen.Generator.Helpers;
using CoroGen.Generator.Lowering;
using CoroGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace CoroGen.Generator.Parsing;

/// <summary>
/// Turns one <c>[Coroutine]</c> method into a <see cref="TemplateResult"/>: checks the signature, gathers names and types,
/// and runs the lowering passes. Failures become diagnostics; nothing throws out of <see cref="Parse"/>.
/// </summary>
internal static class TemplateParser
{
    public static TemplateResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax method || context.TargetSymbol is not IMethodSymbol symbol
            || symbol.ContainingType is null || symbol.ContainingType.IsImplicitlyDeclared || symbol.ContainingType.IsScriptClass)
        {
            // Not a method of a type the user declared (for example a half-typed method outside any type): nothing to generate.
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        try
        {
            return ParseTemplate(method, symbol, context.SemanticModel, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // The safety net: a bug in CoroGen becomes a diagnostic on the template, never a crashed build. The template
            // keeps its factory and a placeholder class, as a refused one does, so that its callers compile and the build's
            // one error is this one.
            DiagnosticInfo error = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, method.Identifier.GetLocation(), symbol.Name, e.GetType().Name + ": " + e.Message);
            return InternalErrorResult(method, symbol, error, cancellationToken);
        }
    }

    // COROGEN099 with the placeholder, when the template would have been generated at all (the same checks as
    // ParseTemplate's, none of which lowers anything); the diagnostic alone if building even the placeholder fails.
    private static TemplateResult InternalErrorResult(MethodDeclarationSyntax method, IMethodSymbol symbol, DiagnosticInfo error, CancellationToken cancellationToken)
    {
        try
        {
            if (Skip(method, symbol) is not null)
            {
                return Fail(error);
            }

            var diagnostics = new List<DiagnosticInfo> { error };
            Shell shell = ShellOf(symbol, cancellationToken);
            return new TemplateResult(Model(method, symbol, shell, null, diagnostics), diagnostics.ToEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            return Fail(error);
        }
    }

    private static TemplateResult ParseTemplate(MethodDeclarationSyntax method, IMethodSymbol symbol, SemanticModel model, CancellationToken ct)
    {
        if (Skip(method, symbol) is { } skipped)
        {
            return skipped;
        }

        Shell shell = ShellOf(symbol, ct);
        if (!symbol.IsStatic && symbol.ContainingType.IsRefLikeType)
        {
            // The generated class would keep the template's 'this' in a field, and a class cannot have a field of a ref struct.
            var refused = new List<DiagnosticInfo>
            {
                DiagnosticInfo.Create(DiagnosticDescriptors.UnhoistableLocal, method.Identifier.GetLocation(), "this", symbol.ContainingType.ToDisplayString(), "the template is an instance method of a ref struct",
                    "make the template static and pass it what it needs from the struct as parameters"),
            };
            return new TemplateResult(Model(method, symbol, shell, null, refused), refused.ToEquatableArray());
        }

        var context = new LoweringContext(model, symbol, shell.Yielder, shell.YieldType, shell.SendType, shell.ReturnType, shell.Fields, ct);
        if (FaultInjection.ThrowWhileLowering?.Invoke(symbol.Name) == true)
        {
            throw new InvalidOperationException("a fault injected by a test");
        }

        if (WritesItsYielder(method, shell.Yielder, model, ct) is { } write)
        {
            context.DeferToAnotherDiagnostic($"COROGEN022 on line {write.GetLocation().GetLineSpan().StartLinePosition.Line + 1}, which writes its Yielder parameter");
        }
        else
        {
            BodyLowerer.Lower(method, context);
        }

        var diagnostics = new List<DiagnosticInfo>(context.Diagnostics);
        return new TemplateResult(Model(method, symbol, shell, diagnostics.Count == 0 && !context.DeferredToCompiler ? context : null, diagnostics, context.DeferralReason), diagnostics.ToEquatableArray());
    }

    // The result of a template that gets no generated code (null when it does): broken syntax, a signature the analyzer
    // reports, a language version below C# 10, a clash with another member.
    private static TemplateResult? Skip(MethodDeclarationSyntax method, IMethodSymbol symbol)
    {
        Location at = method.Identifier.GetLocation();

        // Broken syntax in the template or in what the generated file copies from around it (using directives, namespace
        // names, the names of the types around it), as while the user types: the compiler reports it; generating from it
        // would only add noise, or a generated file that does not parse.
        if (HasSyntaxErrors(method) || CopiedSyntaxAround(method).Any(HasSyntaxErrors))
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // `Coroutine<>` or `Yielder<>` half typed (an editor closes the '<' at once): the compiler reports CS7003, and the
        // types' own type parameters (TReturn, TYield) would stand in the generated code.
        if (method.ReturnType.DescendantNodesAndSelf().Concat(method.ParameterList.DescendantNodes()).OfType<OmittedTypeArgumentSyntax>().Any())
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // An async template whose return type C# refuses (CS1983: 'async IEnumerable<int>', 'async Coroutine<int, Unit, Unit>'):
        // a command-line build stops at that declaration error before any analyzer runs, so COROGEN004 is the generator's here.
        if (TemplateSignature.ReturnTypeRefusedByCSharp(symbol))
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.WrongReturnType, method.ReturnType.GetLocation(), symbol.Name,
                symbol.ReturnType.ToDisplayString(), TemplateSignature.WrongReturnTypeAdvice(symbol)));
        }

        // Signature mistakes (COROGEN001-004: not partial, not async, wrong return type, not one Yielder) are reported by
        // TemplateSignatureAnalyzer while the user types; the generator skips such templates silently, so no one sees a
        // diagnostic twice.
        if (!TemplateSignature.IsValid(symbol, method) || method.Body is null && method.ExpressionBody is null)
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // An instance template of a static class (a forgotten 'static'): the compiler reports CS0708 on it; an instance factory
        // and a class keeping the static type's 'this' would only repeat it in generated code (CS0708, CS0721, CS0723).
        if (!symbol.IsStatic && symbol.ContainingType.IsStatic)
        {
            return new TemplateResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // An explicit interface implementation ('async Coroutine<int> IRunner.Run(Yielder<int> co)'): its name is the interface
        // member's, which a factory without the Yielder could not implement, and the generated class and factory would be
        // named after 'IRunner.Run' (CS0538, CS0106 and more in generated code). Nothing calls a factory it would have.
        if (method.ExplicitInterfaceSpecifier is { } specifier)
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.ExplicitInterfaceTemplate, at, specifier.Name + "." + method.Identifier.ValueText, method.Identifier.ValueText));
        }

        // The generated code uses C# 9 patterns ('is A or B', 'is not null') and #nullable directives, and is verified with C# 10
        // (GeneratedCodeCompatibilityTests): below that it would only fail with a wall of errors in generated code.
        if (method.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp10 and var version })
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, at, symbol.Name, version.ToDisplayString()));
        }

        string className = GeneratedClassName(symbol);
        if (FactoryClash(symbol, className) is ({ } clash, { } fix))
        {
            // Generating would only add a compile error in generated code (or two outputs with one name): say why instead.
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.FactoryClash, at, FactorySignature(symbol), className, clash, fix));
        }

        // The template's type parameters become the generated class's, and a class cannot declare a member named like one
        // of its type parameters (or be named like one): those members are the base class's overrides, the class's own
        // private fields, and the class itself.
        if (symbol.TypeParameters.FirstOrDefault(t => t.Name == className || LoweringContext.IsDeclaredName(t.Name)) is { } typeParameter)
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.FactoryClash, at, FactorySignature(symbol), className,
                $"its type parameter '{typeParameter.Name}', which {(typeParameter.Name == className ? "is the generated class's name" : "is also the name of a member of the generated class")}",
                $"rename the type parameter '{typeParameter.Name}'"));
        }

        // A type parameter named like one of a containing type's (CS0693 on the template): in the generated class, nested in
        // that type, the name means the class's own type parameter, so the containing type's cannot be named there (the
        // type of the template's 'this', of a local typed by a field of that type parameter), and the factory and the
        // class would repeat the template's warning.
        if (symbol.TypeParameters.FirstOrDefault(t => OuterTypeParameter(symbol.ContainingType, t.Name) is not null) is { } shadowing)
        {
            INamedTypeSymbol outer = OuterTypeParameter(symbol.ContainingType, shadowing.Name)!;
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.FactoryClash, at, FactorySignature(symbol), className,
                $"the type parameter '{shadowing.Name}' of '{outer.ToDisplayString()}' (CS0693), which its type parameter '{shadowing.Name}' hides in the generated class nested there",
                $"rename the template's type parameter '{shadowing.Name}'"));
        }

        return null;
    }

    // The innermost type around a template (itself included) that declares a type parameter named <paramref name="name"/>.
    private static INamedTypeSymbol? OuterTypeParameter(INamedTypeSymbol? type, string name)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (type.TypeParameters.Any(t => t.Name == name))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether another template, which this one calls, gets its factory and class: false when it is skipped for a mistake
    /// already reported on it (its signature, a clash). A template compiled in another assembly has them.
    /// </summary>
    internal static bool GetsAFactory(IMethodSymbol template, CancellationToken cancellationToken) =>
        template.OriginalDefinition.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration
        || Skip(declaration, template.OriginalDefinition) is null;

    private static bool HasSyntaxErrors(SyntaxNode node) =>
        node.ContainsDiagnostics && node.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);

    // The syntax outside the template that the generated file repeats: the file's and the enclosing namespaces' using
    // directives and extern aliases, the namespaces' names, and the headers of the types around the template.
    private static IEnumerable<SyntaxNode> CopiedSyntaxAround(MethodDeclarationSyntax method)
    {
        if (method.SyntaxTree.GetRoot() is CompilationUnitSyntax unit)
        {
            foreach (SyntaxNode node in unit.Externs.Cast<SyntaxNode>().Concat(unit.Usings))
            {
                yield return node;
            }
        }

        foreach (SyntaxNode ancestor in method.Ancestors())
        {
            switch (ancestor)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    yield return ns.Name;
                    foreach (SyntaxNode node in ns.Externs.Cast<SyntaxNode>().Concat(ns.Usings))
                    {
                        yield return node;
                    }

                    break;
                case TypeDeclarationSyntax type:
                    if (type.Identifier.IsMissing)
                    {
                        yield return type; // an unnamed type: its whole declaration has the error
                    }

                    if (type.TypeParameterList is not null)
                    {
                        yield return type.TypeParameterList;
                    }

                    break;
            }
        }
    }

    // What the generated class has whatever its body: its types, the Yielder, and the fields of 'this' and the parameters.
    private sealed record Shell(IParameterSymbol Yielder, ITypeSymbol YieldType, ITypeSymbol SendType, ITypeSymbol? ReturnType, List<IParameterSymbol> Parameters, List<FieldModel> Fields);

    private static Shell ShellOf(IMethodSymbol symbol, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ITypeSymbol? returnType = CoroutineTypes.TemplateResultType(symbol.ReturnType, out _);
        IParameterSymbol yielder = symbol.Parameters.First(p => CoroutineTypes.IsYielder(p.Type));
        CoroutineTypes.YielderTypes(yielder.Type, out ITypeSymbol yieldType, out ITypeSymbol sendType);

        var fields = new List<FieldModel>();
        if (!symbol.IsStatic && !symbol.ContainingType.IsRefLikeType) // a ref struct's template is refused: its placeholder keeps no 'this'
        {
            fields.Add(new FieldModel("this", symbol.ContainingType.ToDisplayString(SymbolFormats.FullyQualified), FieldKind.This, "the template's 'this'", null));
        }

        List<IParameterSymbol> parameters = symbol.Parameters.Where(p => !SymbolEqualityComparer.Default.Equals(p, yielder)).ToList();
        List<string> parameterFields = LoweringContext.ParameterFieldNames(parameters.Select(p => p.Name), GeneratedClassName(symbol));
        for (int i = 0; i < parameters.Count; i++)
        {
            IParameterSymbol p = parameters[i];
            string origin = parameterFields[i] == p.Name ? "parameter" : $"parameter '{p.Name}'";
            // A parameter typed with a generated class by name (`SubCoroutine s`) is an error type here: its field names the class.
            string typeText = Lowering.GeneratedClasses.TypeText(p.Type, new[] { symbol.ContainingType }) ?? p.Type.ToDisplayString(SymbolFormats.FullyQualified);
            fields.Add(new FieldModel(parameterFields[i], typeText, FieldKind.Parameter, origin, null, DynamicallyAccessedMembers(p)));
        }

        return new Shell(yielder, yieldType, sendType, returnType, parameters, fields);
    }

    // The physical line of the template body's opening brace (or of '=>'); 0 when it has neither.
    private static int BodyOpenLine(MethodDeclarationSyntax method)
    {
        SyntaxToken open = method.Body?.OpenBraceToken ?? method.ExpressionBody?.ArrowToken ?? default;
        return open.RawKind == 0 ? 0 : open.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
    }

    // The model of the generated class: the lowered body when <paramref name="lowered"/> is given, else the placeholder
    // naming the diagnostics.
    private static TemplateModel Model(MethodDeclarationSyntax method, IMethodSymbol symbol, Shell shell, LoweringContext? lowered, List<DiagnosticInfo> diagnostics, string? deferralReason = null)
    {
        string className = GeneratedClassName(symbol);
        SyntaxTree tree = method.SyntaxTree;
        string yieldText = shell.YieldType.ToDisplayString(SymbolFormats.FullyQualified);
        string sendText = shell.SendType.ToDisplayString(SymbolFormats.FullyQualified);
        string returnText = shell.ReturnType?.ToDisplayString(SymbolFormats.FullyQualified) ?? "global::CoroGen.Unit";
        INamespaceSymbol ns = symbol.ContainingType.ContainingNamespace;

        return new TemplateModel(
            HintName: HintName(symbol, className),
            TemplateId: symbol.GetDocumentationCommentId() ?? symbol.ToDisplayString(),
            TemplateDocumented: method.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
                && symbol.GetDocumentationCommentId() is not null,
            FilePath: tree.FilePath,
            Namespace: ns.IsGlobalNamespace ? null : ns.ToDisplayString(),
            FileUsings: FileUsings(method).ToEquatableArray(),
            NamespaceUsings: NamespaceUsings(method).ToEquatableArray(),
            ContainingTypes: ContainingTypeDeclarations(symbol).ToEquatableArray(),
            TemplateName: symbol.Name,
            TemplateDisplay: symbol.ToDisplayString(SymbolFormats.Signature),
            TemplateLine: method.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
            // The body's opening brace (or '=>'): Resume's first instruction maps there when a finally can throw (CoroutineEmitter).
            BodyOpenLine: BodyOpenLine(method),
            ClassName: className,
            TypeParameters: symbol.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", symbol.TypeParameters.Select(t => SymbolFormats.Identifier(t.Name))) + ">",
            TypeParameterDeclarations: TypeParameterDeclarations(method, symbol),
            ConstraintClauses: method.ConstraintClauses.Select(c => c.ToString()).ToEquatableArray(),
            Accessibility: AccessibilityText(symbol.DeclaredAccessibility),
            IsStatic: symbol.IsStatic,
            FactoryHides: FactoryHidesInherited(symbol),
            ContainingTypeName: symbol.ContainingType.ToDisplayString(SymbolFormats.FullyQualified),
            YieldType: yieldText,
            SendType: sendText,
            ReturnType: returnText,
            FactoryArguments: string.Join(", ", (shell.Fields.Any(f => f.Kind == FieldKind.This) ? new[] { "this" } : Enumerable.Empty<string>()).Concat(shell.Parameters.Select(p => "@" + p.Name))),
            FactoryParameters: string.Join(", ", shell.Parameters.Select(p => ParameterText(method, p))),
            // A placeholder keeps only 'this' and the parameters: the lowering that stopped may have added hoisted locals and
            // locals of Resume to the shell's list, which the throwing body would leave unused (CS0219 under warnings as errors).
            Fields: lowered is not null ? lowered.Fields.ToEquatableArray() : shell.Fields.Where(f => f.Kind is FieldKind.This or FieldKind.Parameter).ToEquatableArray(),
            States: lowered is not null ? lowered.States.ToEquatableArray() : EquatableArray<StateModel>.Empty,
            Body: lowered is not null ? lowered.Body.ToEquatableArray() : PlaceholderBody(symbol.ToDisplayString(SymbolFormats.Signature), diagnostics.Select(d => d.DescriptorId), deferralReason),
            ContainingTypeMembers: lowered is not null ? lowered.Proxies.Values.OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray() : EquatableArray<string>.Empty,
            ChannelType: lowered is not null && lowered.UsesChannel ? lowered.Yielder.Type.ToDisplayString(SymbolFormats.FullyQualified) : null,
            ObliviousParameters: symbol.Parameters.Any(p => !CoroutineTypes.IsYielder(p.Type) && IsOblivious(p.Type)),
            FactoryAttributes: ObsoleteAttribute(symbol),
            SuppressedWarnings: SuppressedWarnings(method).ToEquatableArray(),
            LineMap: LineMap(method).ToEquatableArray(),
            // The template stands in an unsafe context (an unsafe method, or in a type declared unsafe): the generated class,
            // in another partial declaration that does not repeat the modifier, is unsafe too, so that the template's pointer
            // code copied into Resume compiles there as it does in the template (CS0214 otherwise).
            Unsafe: method.Modifiers.Any(SyntaxKind.UnsafeKeyword) || method.Ancestors().OfType<TypeDeclarationSyntax>().Any(t => t.Modifiers.Any(SyntaxKind.UnsafeKeyword)));
    }

    // Where the template file's own #line directives (written by a tool that generates the template, as T4 or Razor do) map
    // the template's lines: the generated #line directives name the mapped file and line, where the compiler would put the
    // same code's sequence points, so stack traces and breakpoints agree with an ordinary method of that file (a
    // '#line hidden' region stays hidden, '#line default' maps back to the file itself). Everything else keeps the
    // physical line (BodyLine.Line, state names such as Yield_Line19, the state map and the comments): names stay stable
    // when only a directive changes, and the comments point into the file the template is written in.
    private static List<LineRun> LineMap(MethodDeclarationSyntax method)
    {
        var runs = new List<LineRun>();
        SyntaxTree tree = method.SyntaxTree;
        SyntaxNode root = tree.GetRoot();
        if (!root.ContainsDirectives || !HasLineDirectiveBefore(root, method.Span.End))
        {
            return runs;
        }

        SourceText text = tree.GetText();
        int first = text.Lines.GetLineFromPosition(method.SpanStart).LineNumber;
        int last = text.Lines.GetLineFromPosition(method.Span.End).LineNumber;
        LineRun? run = null;
        for (int line = first; line <= last; line++)
        {
            int position = text.Lines[line].Start;
            string? file = null;
            int mapped = 0;
            if (tree.GetLineVisibility(position) != LineVisibility.Hidden)
            {
                FileLinePositionSpan span = tree.GetMappedLineSpan(new TextSpan(position, 0));
                file = span.HasMappedPath ? ResolvePath(span.Path, tree.FilePath) : tree.FilePath;
                mapped = span.StartLinePosition.Line + 1;
            }

            bool continues = run is not null && run.File == file
                && (file is null || run.MappedLine + (line + 1 - run.Line) == mapped);
            if (!continues)
            {
                run = new LineRun(line + 1, mapped, file);
                runs.Add(run);
            }
        }

        return runs;
    }

    private static bool HasLineDirectiveBefore(SyntaxNode root, int end)
    {
        for (DirectiveTriviaSyntax? d = root.GetFirstDirective(); d is not null && d.SpanStart < end; d = d.GetNextDirective())
        {
            if (d.IsKind(SyntaxKind.LineDirectiveTrivia) || d.IsKind(SyntaxKind.LineSpanDirectiveTrivia))
            {
                return true;
            }
        }

        return false;
    }

    // A relative path in '#line N "file"' names a file next to the template's file, as the compiler resolves it for the PDB.
    private static string ResolvePath(string path, string templatePath)
    {
        bool rooted = path.StartsWith("/", System.StringComparison.Ordinal) || path.StartsWith("\\", System.StringComparison.Ordinal)
            || (path.Length >= 2 && path[1] == ':');
        int slash = templatePath.LastIndexOfAny(new[] { '/', '\\' });
        if (rooted || slash < 0)
        {
            return path;
        }

        char separator = templatePath[slash];
        var parts = new List<string>(templatePath.Substring(0, slash).Split('/', '\\'));
        foreach (string part in path.Split('/', '\\'))
        {
            if (part == "..")
            {
                if (parts.Count > 1)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join(separator.ToString(), parts);
    }

    /// <summary>
    /// The warnings the template's file disables (<c>#pragma warning disable</c>) where the template stands: disabled at its
    /// start, or by a directive inside it. Generated code disables them too, so that a warning the user suppressed on the
    /// template (an [Experimental] type, an obsolete API with its own diagnostic ID) is not reported again from its copy.
    /// "*" when a directive disables every warning.
    /// </summary>
    private static IEnumerable<string> SuppressedWarnings(MethodDeclarationSyntax method)
    {
        var atStart = new HashSet<string>(StringComparer.Ordinal);
        var within = new HashSet<string>(StringComparer.Ordinal);
        for (DirectiveTriviaSyntax? d = method.SyntaxTree.GetRoot().GetFirstDirective(); d is not null && d.SpanStart < method.Span.End; d = d.GetNextDirective())
        {
            if (d is not PragmaWarningDirectiveTriviaSyntax pragma || !pragma.IsActive)
            {
                continue;
            }

            List<string> ids = pragma.ErrorCodes.Count == 0
                ? new List<string> { "*" }
                : pragma.ErrorCodes.Select(code => code is LiteralExpressionSyntax number ? "CS" + number.Token.ValueText.PadLeft(4, '0') : code.ToString().Trim()).ToList();
            bool disable = pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword);
            if (d.SpanStart >= method.SpanStart)
            {
                if (disable)
                {
                    within.UnionWith(ids);
                }
            }
            else if (disable)
            {
                atStart.UnionWith(ids);
            }
            else if (pragma.ErrorCodes.Count == 0)
            {
                atStart.Clear();
            }
            else
            {
                atStart.ExceptWith(ids);
            }
        }

        return atStart.Concat(within).Distinct().OrderBy(id => id, StringComparer.Ordinal);
    }

    // A parameter type declared where nullable annotations are disabled (`#nullable disable`, or a project without them):
    // the generated file enables annotations, so the factory declares its parameters in the template's context instead,
    // or callers passing null would be warned where calls of the template are not.
    private static bool IsOblivious(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => type.NullableAnnotation == NullableAnnotation.None || IsOblivious(array.ElementType),
        INamedTypeSymbol named => (named.IsReferenceType && named.NullableAnnotation == NullableAnnotation.None) || named.TypeArguments.Any(IsOblivious),
        ITypeParameterSymbol parameter => !parameter.HasValueTypeConstraint && parameter.NullableAnnotation == NullableAnnotation.None,
        _ => false,
    };

    // The template's [Obsolete], repeated on its factory: callers of the factory get the warning (or error) that callers of
    // the template would.
    private static string? ObsoleteAttribute(IMethodSymbol symbol)
    {
        AttributeData? obsolete = symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute");
        if (obsolete is null)
        {
            return null;
        }

        IEnumerable<string> arguments = obsolete.ConstructorArguments.Select(a => a.ToCSharpString())
            .Concat(obsolete.NamedArguments.Select(a => a.Key + " = " + a.Value.ToCSharpString()));
        return "[global::System.Obsolete(" + string.Join(", ", arguments) + ")]";
    }

    // A template the lowering refused (COROGEN005-012), or whose lowering failed (COROGEN099), still gets its class and
    // factory, with a body that only throws: the build fails with the diagnostic at its cause, and the code that calls the
    // factory compiles instead of adding an error at every call ("no argument given for the parameter 'co'") that would
    // send the user looking in the wrong place. The body never runs unless the user silenced the error, and then it says so.

    /// <summary>The placeholder of a template whose lowered class could not be emitted: the same shell, the throwing body.</summary>
    internal static TemplateModel Placeholder(TemplateModel lowered, string diagnosticId) => lowered with
    {
        Fields = lowered.Fields.Where(f => f.Kind is FieldKind.This or FieldKind.Parameter).ToEquatableArray(),
        States = EquatableArray<StateModel>.Empty,
        Body = PlaceholderBody(lowered.TemplateDisplay, new[] { diagnosticId }),
        ContainingTypeMembers = EquatableArray<string>.Empty,
        ChannelType = null,
    };

    internal static EquatableArray<BodyLine> PlaceholderBody(string templateDisplay, IEnumerable<string> diagnosticIds, string? deferralReason = null)
    {
        string ids = string.Join(", ", diagnosticIds.Distinct().OrderBy(id => id, StringComparer.Ordinal));
        if (ids.Length == 0)
        {
            ids = deferralReason ?? "a compiler error in it"; // LoweringContext.DeferToCompiler
        }

        string message = $"The [Coroutine] template {templateDisplay} was not generated because of {ids}: fix the template as the build's error says.";
        return new[]
        {
            new BodyLine(BodyLineKind.Comment, $"Not generated ({ids}): the build reports why. This placeholder keeps the factory's callers compiling.", 0),
            new BodyLine(BodyLineKind.Code, $"throw new global::System.NotSupportedException({SymbolDisplay.FormatLiteral(message, quote: true)});", 0),
        }.ToEquatableArray();
    }

    // A write to the template's Yielder parameter (`co = other;`), which the analyzer reports (COROGEN022): the generated
    // class reads the Yielder from a property, so its copy of the statement could only add a compiler error.
    private static SyntaxNode? WritesItsYielder(MethodDeclarationSyntax method, IParameterSymbol yielder, SemanticModel model, CancellationToken ct) =>
        method.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == yielder.Name)
            .FirstOrDefault(n => model.GetOperation(n, ct) is IParameterReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Parameter, yielder) && TemplateSignature.Write(reference) is not null);

    private static TemplateResult Fail(params DiagnosticInfo[] diagnostics) => new(null, diagnostics.ToEquatableArray());

    // "{Method}Coroutine"; overloaded templates add their parameter types so that each class name is stable and distinct.
    internal static string GeneratedClassName(IMethodSymbol symbol)
    {
        if (!IsOverloaded(symbol))
        {
            return symbol.Name + "Coroutine";
        }

        // Named after the parameter types as written (`F_int_stringCoroutine`); where two overloads' types read the same
        // (`N1.Foo` and `N2.Foo`, or a type named `int_string` beside `int, string`), after their full names, and failing
        // that after their position among the overloads.
        List<IMethodSymbol> overloads = Templates(symbol.ContainingType.GetMembers(symbol.Name)).ToList();
        SymbolDisplayFormat full = SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);
        string Named(IMethodSymbol overload)
        {
            string minimal = OverloadName(overload, SymbolFormats.Minimal);
            return overloads.Count(o => OverloadName(o, SymbolFormats.Minimal) == minimal) == 1 ? minimal : OverloadName(overload, full);
        }

        string name = Named(symbol);
        if (overloads.Count(o => Named(o) == name) > 1)
        {
            name += "_" + (overloads.FindIndex(o => SymbolEqualityComparer.Default.Equals(o, symbol)) + 1);
        }

        return name + "Coroutine";
    }

    private static string OverloadName(IMethodSymbol symbol, SymbolDisplayFormat format)
    {
        string suffix = string.Join("_", symbol.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)).Select(p => Identifier(p.Type.ToDisplayString(format))));
        return symbol.Name + (suffix.Length == 0 ? string.Empty : "_" + suffix);
    }

    private static IEnumerable<IMethodSymbol> Templates(IEnumerable<ISymbol> members) =>
        members.OfType<IMethodSymbol>().Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "CoroGen.CoroutineAttribute"));

    // Another member of the containing type that the factory (same name, same parameters once the Yielder is dropped, same
    // number of type parameters) or the generated class (same name) would clash with: a method, or another template whose
    // factory would be the same. Null when there is none.
    // The clash and what fixes it: a factory clash goes away with another name or other parameters, a class clash (the class
    // is named after the template alone) only with another name for the template or for the member.
    private static (string? Clash, string? Fix) FactoryClash(IMethodSymbol template, string className)
    {
        string factory = FactoryKey(template);
        foreach (ISymbol member in template.ContainingType.GetMembers(template.Name))
        {
            if (member is IMethodSymbol other && !SymbolEqualityComparer.Default.Equals(other, template) && FactoryKey(other) == factory)
            {
                bool otherIsTemplate = other.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "CoroGen.CoroutineAttribute");
                return (otherIsTemplate
                    ? $"the factory of the template '{other.ToDisplayString(SymbolFormats.Signature)}', which takes the same parameters apart from the Yielder"
                    : $"the method '{other.ToDisplayString(SymbolFormats.Signature)}'",
                    "rename the template, or change its other parameters so that its factory's signature differs");
            }
        }

        ISymbol? sameName = template.ContainingType.GetMembers(className).FirstOrDefault(m => !m.IsImplicitlyDeclared);
        return sameName is null
            ? (null, null)
            : ($"the member '{sameName.ToDisplayString(SymbolFormats.Signature)}'", $"rename the template or the member '{sameName.Name}' (the class is named after the template, whatever its parameters)");
    }

    // Whether the factory hides a member of a base type: a method taking the same parameters (`ToString()`, a base's `Run()`)
    // or a property, field, event or type of its name. It is declared `new` then, as the template's author means it to be
    // called by that name (CS0108, CS0114 otherwise, errors with TreatWarningsAsErrors).
    private static bool FactoryHidesInherited(IMethodSymbol template)
    {
        string factory = FactoryKey(template);
        for (INamedTypeSymbol? type = template.ContainingType.BaseType; type is not null; type = type.BaseType)
        {
            foreach (ISymbol member in type.GetMembers(template.Name))
            {
                if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.Private
                    && (member is not IMethodSymbol method || FactoryKey(method) == factory))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // What makes two methods of a type clash: type parameter count, and each parameter's type (method type parameters by
    // position, tuples without names, nullability ignored) and whether it is passed by reference. Templates count without
    // their Yielder parameter, as their factories will be.
    private static string FactoryKey(IMethodSymbol method)
    {
        bool isTemplate = method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "CoroGen.CoroutineAttribute");
        IEnumerable<IParameterSymbol> parameters = isTemplate ? method.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)) : method.Parameters;
        return method.Arity + "(" + string.Join(",", parameters.Select(p => (p.RefKind == RefKind.None ? string.Empty : "&") + TypeKey(p.Type))) + ")";
    }

    private static string TypeKey(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } p => "!!" + p.Ordinal,
        IArrayTypeSymbol a => TypeKey(a.ElementType) + "[" + new string(',', a.Rank - 1) + "]",
        IPointerTypeSymbol p => TypeKey(p.PointedAtType) + "*",
        INamedTypeSymbol { IsGenericType: true } n => (n.ContainingType is { } outer ? TypeKey(outer) + "+" : n.ContainingNamespace?.ToDisplayString() + ".")
            + n.MetadataName + "<" + string.Join(",", n.TypeArguments.Select(TypeKey)) + ">",
        _ => type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(SymbolFormats.FullyQualified),
    };

    private static string FactorySignature(IMethodSymbol template) =>
        template.Name + (template.Arity == 0 ? string.Empty : "<" + string.Join(", ", template.TypeParameters.Select(t => t.Name)) + ">")
        + "(" + string.Join(", ", template.Parameters.Where(p => !CoroutineTypes.IsYielder(p.Type)).Select(p => p.Type.ToDisplayString(SymbolFormats.Minimal))) + ")";

    // True when the containing type has another template with the same name.
    private static bool IsOverloaded(IMethodSymbol symbol) => Templates(symbol.ContainingType.GetMembers(symbol.Name)).Count() > 1;

    private static string Identifier(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static string HintName(IMethodSymbol symbol, string className)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? t = symbol.ContainingType; t is not null; t = t.ContainingType)
        {
            parts.Insert(0, t.Name + (t.Arity > 0 ? "`" + t.Arity : string.Empty));
        }

        INamespaceSymbol ns = symbol.ContainingType.ContainingNamespace;
        string prefix = ns.IsGlobalNamespace ? string.Empty : ns.ToDisplayString() + ".";
        string name = prefix + string.Join(".", parts) + "." + className.Substring(0, className.Length - "Coroutine".Length);
        if (symbol.Arity > 0 && IsOverloaded(symbol))
        {
            name += "`" + symbol.Arity; // F() and F<T>() are distinct classes (FCoroutine, FCoroutine<T>) but need distinct files
        }

        // Hint names allow letters, digits and a few separators only.
        return new string(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '`' ? c : '_').ToArray()) + ".g.cs";
    }

    private static IEnumerable<string> FileUsings(SyntaxNode node) =>
        node.SyntaxTree.GetRoot() is CompilationUnitSyntax unit
            ? unit.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)).Select(u => u.WithoutTrivia().ToString())
            : Enumerable.Empty<string>();

    private static IEnumerable<string> NamespaceUsings(SyntaxNode node) =>
        node.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(n => n.Usings).Select(u => u.WithoutTrivia().ToString());

    private static IEnumerable<string> ContainingTypeDeclarations(IMethodSymbol symbol)
    {
        var declarations = new List<string>();
        for (INamedTypeSymbol? t = symbol.ContainingType; t is not null; t = t.ContainingType)
        {
            string kind = t.TypeKind switch
            {
                TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => t.IsRecord ? "record" : "class",
            };
            string typeParameters = t.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", t.TypeParameters.Select(p => SymbolFormats.Identifier(p.Name))) + ">";
            declarations.Insert(0, $"partial {kind} {SymbolFormats.Identifier(t.Name)}{typeParameters}");
        }

        return declarations;
    }

    // The type parameter list the factory and the generated class declare: the template's names, each with the attributes
    // the template gives it (as written, as the factory's parameters keep theirs), so that a '[DynamicallyAccessedMembers]'
    // reaches the trimmer through the factory and the class as through the template.
    private static string TypeParameterDeclarations(MethodDeclarationSyntax method, IMethodSymbol symbol)
    {
        if (symbol.TypeParameters.Length == 0)
        {
            return string.Empty;
        }

        return "<" + string.Join(", ", symbol.TypeParameters.Select(t =>
        {
            TypeParameterSyntax? syntax = method.TypeParameterList?.Parameters.FirstOrDefault(s => s.Identifier.ValueText == t.Name);
            string attributes = syntax is null ? string.Empty : string.Concat(syntax.AttributeLists.Select(a => a.WithoutTrivia().ToString() + " "));
            return attributes + SymbolFormats.Identifier(t.Name);
        })) + ">";
    }

    // A parameter's '[DynamicallyAccessedMembers]', for the field that keeps it (and the constructor's parameter that sets
    // it): the trimmer reads the field's annotation where the generated code uses the value; null without one.
    private static string? DynamicallyAccessedMembers(IParameterSymbol p)
    {
        AttributeData? attribute = p.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembersAttribute" && a.ConstructorArguments.Length == 1);
        if (attribute?.ConstructorArguments[0] is not { Type: INamedTypeSymbol memberTypes, Value: { } value })
        {
            return null;
        }

        string enumType = memberTypes.ToDisplayString(SymbolFormats.FullyQualified);
        string? name = memberTypes.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value))?.Name;
        string argument = name is not null ? enumType + "." + name : $"({enumType}){value}";
        return $"[global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers({argument})]";
    }

    private static string ParameterText(MethodDeclarationSyntax method, IParameterSymbol p)
    {
        // Keep the template's own text (attributes, params, defaults) so the factory reads like the template.
        ParameterSyntax? syntax = method.ParameterList.Parameters.FirstOrDefault(s => s.Identifier.ValueText == p.Name);
        return syntax is not null ? syntax.WithoutTrivia().ToString() : p.Type.ToDisplayString(SymbolFormats.FullyQualified) + " @" + p.Name;
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
