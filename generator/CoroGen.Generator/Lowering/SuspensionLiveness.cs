using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CoroGen.Generator.Lowering;

/// <summary>
/// Backward liveness of one local over the template's control flow graph (Roslyn's <see cref="ControlFlowGraph"/>), for
/// <see cref="HoistingPass"/>'s rule on locals kept out of fields (its comment on LiveAtASuspension states the rule). It
/// over-approximates: a use means any reference but a write (for a ref local, any reference but a ref reassignment: a
/// write through it uses the reference it held), a write kills only when the statement that makes it reads nothing of the local and reaches the
/// write unconditionally, and the graph's missing exception edges are added: every block inside a try reaches the entries
/// of its catch, filter and finally regions (C# checks a handler's reads against the state at the start of the try, and
/// Throw or Close can start one at any suspension point), and a finally region continues wherever a branch through it goes.
/// </summary>
internal sealed class SuspensionLiveness
{
    private readonly ControlFlowGraph graph;
    private readonly GraphIndex index;
    private readonly ILocalSymbol local;
    private readonly bool[] liveIn;

    private SuspensionLiveness(ControlFlowGraph graph, GraphIndex index, ILocalSymbol local)
    {
        this.graph = graph;
        this.index = index;
        this.local = local;
        liveIn = new bool[graph.Blocks.Length];
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = graph.Blocks.Length - 1; i >= 0; i--)
            {
                bool live = LiveBefore(graph.Blocks[i], 0) || HandlersLive(i);
                if (live && !liveIn[i])
                {
                    liveIn[i] = changed = true;
                }
            }
        }
    }

    /// <summary>
    /// The analysis of <paramref name="local"/>, or null when the graph cannot be built or a reference to the local in the
    /// body is not in it (inside a lambda, a local function, a query or nameof), so that its uses are not all known.
    /// </summary>
    public static SuspensionLiveness? For(GraphIndex? index, ILocalSymbol local, IEnumerable<SyntaxNode> references)
    {
        if (index is null)
        {
            return null;
        }

        HashSet<SyntaxNode> inGraph = index.ReferencesOf(local);
        return references.All(inGraph.Contains) ? new SuspensionLiveness(index.Graph, index, local) : null;
    }

    /// <summary>
    /// Whether the local may be read (used, for a ref local) after <paramref name="suspension"/> resumes before it is
    /// written: by the code that follows it, by a catch, filter or finally around it, or from the start of a try around it
    /// (in that order of <see cref="Liveness"/>); null when the suspension point is not in the graph.
    /// </summary>
    public Liveness? After(AwaitExpressionSyntax suspension)
    {
        Liveness? result = null;
        foreach ((int ordinal, int at) in index.PositionsAfter(suspension))
        {
            BasicBlock block = graph.Blocks[ordinal];
            Liveness here = LiveBefore(block, at) ? Liveness.Flow
                : HandlersLive(block.Ordinal) ? Liveness.Handler
                : EnclosingTries(block).Any(t => liveIn[t.FirstBlockOrdinal]) ? Liveness.TryEntry
                : Liveness.Dead;
            result = result is null || here < result ? here : result; // an await the graph repeats counts where it is most live
        }

        return result;
    }

    // Resume reaches a suspension point inside a try through the start of the try (C# has no jump into one), so C# checks
    // the local as if the code of every try around it, from its start, could run again after resuming.
    private static IEnumerable<ControlFlowRegion> EnclosingTries(BasicBlock block)
    {
        for (ControlFlowRegion? region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Try)
            {
                yield return region;
            }
        }
    }

    // Live before the operation at `index` of the block (Operations.Length: before its branch value; more: at its end).
    private bool LiveBefore(BasicBlock block, int index)
    {
        bool live = Successor(block, block.FallThroughSuccessor) || Successor(block, block.ConditionalSuccessor);
        if (block.BranchValue is { } branchValue && index <= block.Operations.Length)
        {
            live = Transfer(branchValue, live);
        }

        for (int i = block.Operations.Length - 1; i >= index; i--)
        {
            live = Transfer(block.Operations[i], live);
        }

        return live;
    }

    private bool Successor(BasicBlock from, ControlFlowBranch? branch)
    {
        if (branch is null)
        {
            return false;
        }

        if (branch.Destination is null)
        {
            // The end of a finally region goes on where the branches that ran it go (an exception or a filter's end
            // reaches the handlers around it, which HandlersLive counts).
            ControlFlowRegion? finallyRegion = from.EnclosingRegion;
            while (finallyRegion is not null && finallyRegion.Kind != ControlFlowRegionKind.Finally)
            {
                finallyRegion = finallyRegion.EnclosingRegion;
            }

            return finallyRegion is not null && index.BranchesThroughFinally.TryGetValue(finallyRegion, out List<ControlFlowBranch>? through)
                && through.Any(b => (b.Destination is { } d && liveIn[d.Ordinal]) || b.FinallyRegions.Any(f => liveIn[f.FirstBlockOrdinal]));
        }

        return liveIn[branch.Destination.Ordinal] || branch.FinallyRegions.Any(f => liveIn[f.FirstBlockOrdinal]);
    }

    private bool HandlersLive(int ordinal) => index.Handlers[ordinal].Any(h => liveIn[h]);

    // Live before `operation`, given live after it: a use makes it live, a write it surely makes (and no use) dead.
    private bool Transfer(IOperation operation, bool liveAfter)
    {
        bool kills = false;
        foreach (ILocalReferenceOperation reference in index.LocalReferencesIn(operation))
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            if (!IsWrite(reference))
            {
                return true;
            }

            kills |= IsUnconditional(reference, operation);
        }

        return liveAfter && !kills;
    }

    // A write of the local's value: its declaration's initializer; for a ref local, a ref reassignment; for any other
    // local, an assignment to it, an out argument, or a deconstruction into it.
    private bool IsWrite(ILocalReferenceOperation reference)
    {
        if (reference.IsDeclaration)
        {
            return true;
        }

        if (local.IsRef)
        {
            // Only a ref reassignment (`r = ref x;`) replaces what it refers to without using it; any other use, a write
            // through it included, uses the reference it held.
            return reference.Parent is ISimpleAssignmentOperation { IsRef: true } rebinding && rebinding.Target == reference;
        }

        return reference.Parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == reference,
            IArgumentOperation argument => argument.Parameter?.RefKind == RefKind.Out,
            ITupleOperation tuple => InDeconstructionTarget(tuple),
            _ => false,
        };
    }

    private static bool InDeconstructionTarget(IOperation tuple)
    {
        while (tuple.Parent is ITupleOperation parent)
        {
            tuple = parent;
        }

        return tuple.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == tuple;
    }

    // The write happens whenever the statement completes: nothing between it and the statement is conditional (the graph
    // already splits ?:, ??, &&, || and ?. into blocks; a switch expression or a lambda, say, would not count).
    private static bool IsUnconditional(IOperation reference, IOperation statement)
    {
        for (IOperation? node = reference.Parent; node is not null && node != statement.Parent; node = node.Parent)
        {
            if (node is not (IExpressionStatementOperation or ISimpleAssignmentOperation or IDeconstructionAssignmentOperation or ITupleOperation or IDeclarationExpressionOperation
                or IArgumentOperation or IInvocationOperation or IObjectCreationOperation or IConversionOperation or IFlowCaptureOperation
                or IPropertyReferenceOperation or IFieldReferenceOperation or IArrayElementReferenceOperation or IUnaryOperation
                or IBinaryOperation { OperatorKind: not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr) }))
            {
                return false;
            }
        }

        return true;
    }

    // The first blocks of the catch, filter and finally regions that an exception (or Close) in the block can run: those of
    // every try region around it, and for a filter, the other handlers of its try.
    internal static List<int> HandlerEntries(BasicBlock block)
    {
        var entries = new List<int>();
        for (ControlFlowRegion? region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            ControlFlowRegion? handled = region.Kind switch
            {
                ControlFlowRegionKind.Try => region,
                ControlFlowRegionKind.Filter => region.EnclosingRegion, // its FilterAndHandler, a handler of the try around
                _ => null,
            };
            if (handled?.EnclosingRegion is not { } tryRegion)
            {
                continue;
            }

            entries.AddRange(tryRegion.NestedRegions.Where(r => r.Kind != ControlFlowRegionKind.Try && r != handled).Select(r => r.FirstBlockOrdinal));
        }

        return entries;
    }
}

/// <summary>
/// A template's control flow graph and the parts of it that <see cref="SuspensionLiveness"/> reads for every local, found
/// once per template (LoweringContext.FlowGraph): walking the whole graph for each local, and again for each suspension
/// point, made a template with hundreds of locals and suspension points take minutes to generate.
/// </summary>
internal sealed class GraphIndex
{
    private static readonly ILocalReferenceOperation[] None = new ILocalReferenceOperation[0];

    // The local references inside each operation of a block (and each branch value), in order.
    private readonly Dictionary<IOperation, ILocalReferenceOperation[]> localReferences = new();

    // Where each await is: the block, and the index of the operation after the one holding it (Operations.Length + 1:
    // after the branch value). The graph may repeat an await (a finally copied on several paths).
    private readonly Dictionary<SyntaxNode, List<(int Block, int At)>> awaits = new();

    private readonly Dictionary<ILocalSymbol, HashSet<SyntaxNode>> referencesByLocal = new(SymbolEqualityComparer.Default);

    public GraphIndex(ControlFlowGraph graph)
    {
        Graph = graph;
        foreach (BasicBlock block in graph.Blocks)
        {
            for (int i = 0; i <= block.Operations.Length; i++)
            {
                IOperation? operation = i < block.Operations.Length ? block.Operations[i] : block.BranchValue;
                if (operation is null)
                {
                    continue;
                }

                var references = new List<ILocalReferenceOperation>();
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is ILocalReferenceOperation reference)
                    {
                        references.Add(reference);
                        if (!referencesByLocal.TryGetValue(reference.Local, out HashSet<SyntaxNode>? syntax))
                        {
                            referencesByLocal[reference.Local] = syntax = new HashSet<SyntaxNode>();
                        }

                        syntax.Add(reference.Syntax);
                    }
                    else if (node is IAwaitOperation awaited)
                    {
                        if (!awaits.TryGetValue(awaited.Syntax, out List<(int, int)>? at))
                        {
                            awaits[awaited.Syntax] = at = new List<(int, int)>();
                        }

                        (int, int) position = (block.Ordinal, i + 1);
                        if (!at.Contains(position))
                        {
                            at.Add(position);
                        }
                    }
                }

                localReferences[operation] = references.Count == 0 ? None : references.ToArray();
            }

            foreach (ControlFlowBranch? branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                foreach (ControlFlowRegion region in branch?.FinallyRegions ?? Enumerable.Empty<ControlFlowRegion>())
                {
                    if (!BranchesThroughFinally.TryGetValue(region, out List<ControlFlowBranch>? list))
                    {
                        BranchesThroughFinally[region] = list = new List<ControlFlowBranch>();
                    }

                    list.Add(branch!);
                }
            }
        }

        Handlers = graph.Blocks.Select(SuspensionLiveness.HandlerEntries).ToArray();
    }

    public ControlFlowGraph Graph { get; }

    /// <summary>For each block, the first blocks of the handlers an exception in it can run.</summary>
    public List<int>[] Handlers { get; }

    /// <summary>The branches that run each finally region.</summary>
    public Dictionary<ControlFlowRegion, List<ControlFlowBranch>> BranchesThroughFinally { get; } = new();

    public IReadOnlyList<ILocalReferenceOperation> LocalReferencesIn(IOperation operation) =>
        localReferences.TryGetValue(operation, out ILocalReferenceOperation[]? found) ? found : None;

    public IEnumerable<(int Block, int At)> PositionsAfter(SyntaxNode awaitSyntax) =>
        awaits.TryGetValue(awaitSyntax, out List<(int, int)>? found) ? found : Enumerable.Empty<(int, int)>();

    public HashSet<SyntaxNode> ReferencesOf(ILocalSymbol local) =>
        referencesByLocal.TryGetValue(local, out HashSet<SyntaxNode>? found) ? found : new HashSet<SyntaxNode>();
}

/// <summary>How a local is live after a suspension point (ordered from most live).</summary>
internal enum Liveness
{
    /// <summary>Read after it by the code that follows.</summary>
    Flow,

    /// <summary>Read only by a catch, filter or finally around it, which Throw or Close can run from there.</summary>
    Handler,

    /// <summary>
    /// Read in a try around it before being assigned there: Resume reaches the suspension point through the start of that
    /// try, from which C#'s definite assignment sees that code as able to run again.
    /// </summary>
    TryEntry,

    /// <summary>Dead.</summary>
    Dead,
}
