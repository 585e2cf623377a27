using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CoroGen;
using CoroGen.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace CoroGen.Scheduler.Tests;

public enum ChaosOpKind
{
    Sleep,
    Reschedule,
    Spawn,
    Join,
    Cancel,
    CancelSelf,
    SetEvent,
    ClearEvent,
    WaitEvent,
    Send,
    Receive,
    MoveOnAfter,
    FailAfter,
    Gather,
    Throw,
}

/// <summary>One operation of a random plan.</summary>
public sealed class ChaosOp
{
    public ChaosOpKind Kind;
    public int Ms;               // sleep length, or the scope's deadline (WaitEvent/Send/Receive/MoveOnAfter/FailAfter)
    public int Index;            // which child (Join/Cancel): Index % children spawned so far
    public bool Catch;           // swallow a ChaosException raised by this op (Join/MoveOnAfter/FailAfter/Gather)
    public ChaosPlan? Sub;       // Spawn/MoveOnAfter/FailAfter
    public List<ChaosPlan>? Subs; // Gather

    public override string ToString() => Kind switch
    {
        ChaosOpKind.Sleep => $"Sleep({Ms})",
        ChaosOpKind.Spawn => $"Spawn(p{Sub!.Id})",
        ChaosOpKind.Join => $"Join(#{Index}{(Catch ? ", catch" : "")})",
        ChaosOpKind.Cancel => $"Cancel(#{Index})",
        ChaosOpKind.WaitEvent or ChaosOpKind.Send or ChaosOpKind.Receive => $"{Kind}(<= {Ms})",
        ChaosOpKind.MoveOnAfter or ChaosOpKind.FailAfter => $"{Kind}({Ms}, p{Sub!.Id}{(Catch ? ", catch" : "")})",
        ChaosOpKind.Gather => $"Gather({string.Join(", ", Subs!.Select(s => "p" + s.Id))}{(Catch ? ", catch" : "")})",
        _ => Kind.ToString(),
    };
}

/// <summary>A random list of operations; <see cref="Value"/> is what the interpreter returns when it runs them all.</summary>
public sealed class ChaosPlan
{
    public int Id;
    public int Value;
    public int CleanupMs; // > 0: when cancelled, the task (a spawned one) catches it, sleeps this long, then raises it again
    public List<ChaosOp> Ops = new();

    public void Print(StringBuilder sb, HashSet<ChaosPlan> done)
    {
        if (!done.Add(this))
        {
            return;
        }

        sb.AppendLine($"  p{Id} (returns {Value}{(CleanupMs > 0 ? $", cleanup {CleanupMs} ms" : "")}): {string.Join("; ", Ops)}");
        foreach (ChaosOp op in Ops)
        {
            op.Sub?.Print(sb, done);
            op.Subs?.ForEach(s => s.Print(sb, done));
        }
    }
}

public sealed class ChaosException : Exception
{
    public ChaosException(int id, int frame, int task)
        : base($"chaos #{id} thrown by frame f{frame} of task t{task}") => Id = id;

    public int Id { get; }
}

/// <summary>
/// What the interpreter records while a program runs, and the invariants checked against it. Violations found while running are
/// collected (never thrown into the program, which would change what it does).
/// </summary>
public sealed class ChaosWorld
{
    public sealed class TaskInfo
    {
        public LoopTask Handle = null!;
        public ChaosPlan Plan = null!;
        public bool Started;
        public bool Returned;
        public Exception? Escaped;
        public bool CancelledWhileLive;   // Cancel() by another task while this one had not finished
        public bool CancelledBeforeStart;
        public bool Observed;             // its failure was raised at a join or by a Gather
        public int Group = -1;            // the Gather it belongs to
    }

    public readonly LoopEvent Event = new();
    public readonly LoopChannel<int> Channel;
    public readonly List<string> Violations = new();
    public readonly List<string> Trace = new();
    public readonly List<int> Sent = new();
    public readonly List<int> Received = new();
    public readonly Dictionary<int, TaskInfo> Tasks = new();
    public readonly List<TaskInfo> EscapeOrder = new();
    public readonly List<ChaosException> Thrown = new();
    public readonly Dictionary<Exception, int> Swallowed = new(ReferenceEqualityComparer.Instance);
    public readonly Dictionary<int, int> FrameEntered = new();
    public readonly Dictionary<int, int> FrameFinally = new();
    private readonly Dictionary<LoopTask, List<TimeSpan>> scopes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ChaosPlan, int> planGroup = new(ReferenceEqualityComparer.Instance);
    private int nextFrame;
    private int nextValue;
    private int nextGroup;
    private int nextFailure;

    public ChaosWorld(int capacity) => Channel = new LoopChannel<int>(capacity);

    public EventLoop Loop = null!;

    public TimeSpan Now => Loop.Elapsed;

    public void Log(string s) => Trace.Add($"[{Now.TotalMilliseconds}ms] {s}");

    public void Violation(string s)
    {
        Log("VIOLATION " + s);
        Violations.Add(s);
    }

    public int NextValue() => ++nextValue;

    public int NextGroup() => ++nextGroup;

    public ChaosPlan ForGroup(ChaosPlan plan, int group)
    {
        planGroup[plan] = group;
        return plan;
    }

    private TaskInfo Info(LoopTask t)
    {
        if (!Tasks.TryGetValue(t.Id, out TaskInfo? info))
        {
            Tasks[t.Id] = info = new TaskInfo { Handle = t };
        }

        return info;
    }

    public int EnterFrame(ChaosPlan plan, bool root, LoopTask me)
    {
        int frame = ++nextFrame;
        FrameEntered[frame] = FrameEntered.GetValueOrDefault(frame) + 1;
        Log($"f{frame} enters p{plan.Id} in t{me.Id}{(root ? " (root)" : "")}");
        if (root)
        {
            TaskInfo info = Info(me);
            info.Plan = plan;
            if (planGroup.TryGetValue(plan, out int g))
            {
                info.Group = g;
            }

            if (info.Started)
            {
                Violation($"t{me.Id} started twice");
            }

            if (info.CancelledBeforeStart)
            {
                Violation($"t{me.Id} was cancelled before it started, yet it runs");
            }

            info.Started = true;
        }

        return frame;
    }

    public void Finally(int frame)
    {
        Log($"f{frame} finally");
        FrameFinally[frame] = FrameFinally.GetValueOrDefault(frame) + 1;
    }

    public void Spawned(LoopTask<int> child, ChaosPlan plan, LoopTask parent)
    {
        TaskInfo info = Info(child);
        info.Plan = plan;
        Log($"t{parent.Id} spawned t{child.Id} running p{plan.Id}");
    }

    public void CheckSlept(int frame, TimeSpan start, int ms)
    {
        TimeSpan expected = start + TimeSpan.FromMilliseconds(ms);
        if (Now != expected)
        {
            Violation($"f{frame}: a sleep of {ms} ms from {start.TotalMilliseconds} ms resumed at {Now.TotalMilliseconds} ms");
        }
    }

    public void PushScope(LoopTask t, TimeSpan deadline)
    {
        if (!scopes.TryGetValue(t, out List<TimeSpan>? s))
        {
            scopes[t] = s = new List<TimeSpan>();
        }

        s.Add(deadline);
    }

    public void PopScope(LoopTask t) => scopes[t].RemoveAt(scopes[t].Count - 1);

    private void CheckExpiry(int frame, LoopTask me, TimeSpan start, int ms, string what)
    {
        TimeSpan deadline = start + TimeSpan.FromMilliseconds(ms);
        if (Now != deadline)
        {
            Violation($"f{frame} t{me.Id}: {what} with deadline {deadline.TotalMilliseconds} ms expired at {Now.TotalMilliseconds} ms");
        }

        List<TimeSpan> s = scopes[me];
        for (int i = 0; i < s.Count - 1; i++)
        {
            if (s[i] <= Now)
            {
                Violation($"f{frame} t{me.Id}: {what} (deadline {deadline.TotalMilliseconds} ms) reported its timeout at {Now.TotalMilliseconds} ms although an enclosing scope's deadline {s[i].TotalMilliseconds} ms had passed (the outer one must win)");
            }
        }
    }

    public void ScopeEnded(int frame, LoopTask me, TimeSpan start, int ms, bool timedOut)
    {
        TimeSpan deadline = start + TimeSpan.FromMilliseconds(ms);
        Log($"f{frame}: scope {start.TotalMilliseconds}+{ms} ended, timedOut={timedOut}");
        if (timedOut)
        {
            CheckExpiry(frame, me, start, ms, "MoveOnAfter");
        }
        else if (Now > deadline)
        {
            Violation($"f{frame} t{me.Id}: a scope with deadline {deadline.TotalMilliseconds} ms completed normally at {Now.TotalMilliseconds} ms");
        }
    }

    public void FailAfterTimedOut(int frame, LoopTask me, TimeSpan start, int ms, TimeoutException e)
    {
        Log($"f{frame}: FailAfter {start.TotalMilliseconds}+{ms} raised TimeoutException");
        if (e.InnerException is not CoroutineCancelledException)
        {
            Violation($"f{frame}: FailAfter's TimeoutException has inner {e.InnerException?.GetType().Name ?? "null"}");
        }

        CheckExpiry(frame, me, start, ms, "FailAfter");
    }

    public void CheckValue(int frame, string what, ChaosPlan plan, int value)
    {
        if (value != plan.Value)
        {
            Violation($"f{frame}: {what} p{plan.Id} returned {value}, expected {plan.Value}");
        }
    }

    public bool MarkJoined(LoopTask<int> child)
    {
        TaskInfo info = Info(child);
        if (info.Group == -2)
        {
            return false;
        }

        info.Group = -2; // joined once already (a second join would raise its failure a second time, as documented)
        return true;
    }

    public void JoinReturned(int frame, LoopTask<int> child, int r)
    {
        Log($"f{frame}: join t{child.Id} returned {r}");
        TaskInfo info = Info(child);
        if (!child.IsFinished || child.State != LoopTaskStatus.Completed)
        {
            Violation($"f{frame}: join of t{child.Id} returned while it is {child.State}");
        }

        if (!info.Returned)
        {
            Violation($"f{frame}: join of t{child.Id} returned {r}, but its interpreter never returned");
        }

        CheckValue(frame, $"join of t{child.Id}", info.Plan, r);
    }

    public void WaitReturned(int frame, LoopTask<int> child)
    {
        Log($"f{frame}: wait t{child.Id} returned ({child.State})");
        if (!child.IsFinished)
        {
            Violation($"f{frame}: Wait() on t{child.Id} returned while it is {child.State}");
        }
    }

    /// <summary>An exception at a join: true to swallow it.</summary>
    public bool JoinRaised(int frame, LoopTask<int> child, Exception e, bool catchIt)
    {
        Log($"f{frame}: join t{child.Id} raised {e.GetType().Name}: {e.Message} (child {child.State})");
        TaskInfo info = Info(child);
        if (e is ChaosException)
        {
            if (!child.IsFaulted || !ReferenceEquals(child.Exception, e) || !ReferenceEquals(info.Escaped, e))
            {
                Violation($"f{frame}: join of t{child.Id} ({child.State}) raised {e.Message}, which is not the child's failure");
            }

            info.Observed = true;
            return Swallow(frame, e, catchIt);
        }

        if (e is CoroutineCancelledException && e.InnerException is not null && child.IsCancelled && ReferenceEquals(e.InnerException, child.Exception))
        {
            return true; // the documented report of a cancelled child: handled here
        }

        if (e is CoroutineCancelledException)
        {
            if (child.IsCancelled)
            {
                // Either the joiner's own cancellation or a malformed report; the joiner's own is a fresh exception with no inner.
                if (e.InnerException is not null)
                {
                    Violation($"f{frame}: join of cancelled t{child.Id} raised a cancellation whose inner exception is not the child's");
                }
            }

            return false; // the joiner's own cancellation (or timeout): let it propagate
        }

        Violation($"f{frame}: join of t{child.Id} ({child.State}) raised an unexpected {e.GetType().Name}: {e.Message}");
        return false;
    }

    public bool Caught(int frame, string where, Exception e, bool catchIt)
    {
        Log($"f{frame}: {where} raised {e.GetType().Name}: {e.Message}");
        if (e is ChaosException)
        {
            return Swallow(frame, e, catchIt);
        }

        if (e is not CoroutineCancelledException)
        {
            Violation($"f{frame}: {where} raised an unexpected {e.GetType().Name}: {e.Message}");
        }

        return false;
    }

    private bool Swallow(int frame, Exception e, bool catchIt)
    {
        if (catchIt)
        {
            Log($"f{frame}: swallows {e.Message}");
            Swallowed[e] = Swallowed.GetValueOrDefault(e) + 1;
        }

        return catchIt;
    }

    private IEnumerable<TaskInfo> GroupMembers(int group) => Tasks.Values.Where(t => t.Group == group);

    public void GatherReturned(int frame, int group, List<ChaosPlan> subs, int[] results)
    {
        Log($"f{frame}: gather g{group} returned [{string.Join(", ", results)}]");
        if (results.Length != subs.Count)
        {
            Violation($"f{frame}: gather returned {results.Length} results for {subs.Count} coroutines");
            return;
        }

        for (int j = 0; j < subs.Count; j++)
        {
            CheckValue(frame, $"gather g{group}[{j}]", subs[j], results[j]);
        }

        CheckGroupFinished(frame, group);
    }

    public void GatherRaised(int frame, int group, Exception e)
    {
        CheckGroupFinished(frame, group);
        if (e is ChaosException)
        {
            TaskInfo? failed = GroupMembers(group).FirstOrDefault(t => t.Handle.IsFaulted && ReferenceEquals(t.Handle.Exception, e));
            if (failed is null)
            {
                Violation($"f{frame}: gather g{group} raised {e.Message}, which is no child's failure");
            }
            else
            {
                failed.Observed = true;
            }
        }
    }

    private void CheckGroupFinished(int frame, int group)
    {
        foreach (TaskInfo t in GroupMembers(group))
        {
            if (!t.Handle.IsFinished)
            {
                Violation($"f{frame}: gather g{group} ended while its child t{t.Handle.Id} is {t.Handle.State}");
            }
        }
    }

    public void CancelIssued(int frame, LoopTask target, bool self)
    {
        TaskInfo info = Info(target);
        Log($"f{frame}: cancels t{target.Id} ({target.State}, started={info.Started}){(self ? " (itself)" : "")}");
        if (!target.IsFinished)
        {
            info.CancelledWhileLive = true;
            if (!info.Started)
            {
                info.CancelledBeforeStart = true;
            }
        }
    }

    public ChaosException NewFailure(int frame, LoopTask me)
    {
        var e = new ChaosException(++nextFailure, frame, me.Id);
        Thrown.Add(e);
        Log($"f{frame}: throws {e.Message}");
        return e;
    }

    public void Returning(int frame, ChaosPlan plan, LoopTask me, bool root)
    {
        Log($"f{frame}: returns {plan.Value}");
        if (root)
        {
            Info(me).Returned = true;
        }
    }

    public void Escaping(int frame, LoopTask me, bool root, Exception e)
    {
        Log($"f{frame}: {e.GetType().Name} escapes: {e.Message}");
        if (root)
        {
            TaskInfo info = Info(me);
            info.Escaped = e;
            EscapeOrder.Add(info);
        }
    }

    /// <summary>Keys counting what happened (for the test's output: how much the random programs exercise).</summary>
    public IEnumerable<string> Stats()
    {
        foreach (string line in Trace)
        {
            int sp = line.IndexOf("] ", StringComparison.Ordinal);
            string s = line[(sp + 2)..];
            if (s.Contains(" op") && s.StartsWith("f", StringComparison.Ordinal))
            {
                string op = s[(s.IndexOf(" op", StringComparison.Ordinal) + 3)..];
                op = op[(op.IndexOf(' ') + 1)..];
                int paren = op.IndexOf('(');
                yield return "op:" + (paren < 0 ? op : op[..paren]);
            }
            else if (s.Contains("timedOut=True")) yield return "scope timed out";
            else if (s.Contains("timedOut=False")) yield return "scope completed";
            else if (s.Contains("raised TimeoutException")) yield return "FailAfter timed out";
            else if (s.Contains(" swallows ")) yield return "swallowed";
            else if (s.Contains("join") && s.Contains("returned")) yield return "join returned";
            else if (s.Contains("join") && s.Contains("raised")) yield return "join raised";
            else if (s.Contains("gather") && s.Contains("returned")) yield return "gather returned";
            else if (s.Contains("Gather raised")) yield return "gather raised";
            else if (s.Contains("CoroutineCancelledException escapes")) yield return "cancellation escapes a frame";
            else if (s.StartsWith("Run threw AggregateException", StringComparison.Ordinal)) yield return "Run threw aggregate";
            else if (s.StartsWith("Run threw", StringComparison.Ordinal)) yield return "Run threw main's";
            else if (s.StartsWith("Run returned", StringComparison.Ordinal)) yield return "Run returned";
        }

        yield return "sent:" + Math.Min(Sent.Count, 3);
    }

    /// <summary>The checks made once Run has returned or thrown.</summary>
    public void CheckAfterRun(LoopTask main, Exception? runException)
    {
        // Every finally entered runs exactly once.
        foreach ((int frame, int n) in FrameEntered)
        {
            int f = FrameFinally.GetValueOrDefault(frame);
            if (f != 1)
            {
                Violation($"frame f{frame}: entered {n} time(s), its finally ran {f} time(s)");
            }
        }

        foreach (int frame in FrameFinally.Keys.Where(k => !FrameEntered.ContainsKey(k)))
        {
            Violation($"frame f{frame}: finally ran without the frame being entered");
        }

        if (Loop.TaskCount != 0)
        {
            Violation($"Run ended with TaskCount = {Loop.TaskCount}");
        }

        // Every task ended, and its state agrees with what its interpreter did.
        foreach (TaskInfo t in Tasks.Values)
        {
            LoopTask h = t.Handle;
            string name = $"t{h.Id} (p{t.Plan?.Id})";
            if (!h.IsFinished)
            {
                Violation($"{name} is still {h.State} after Run");
                continue;
            }

            if (!t.Started)
            {
                if (!h.IsCancelled)
                {
                    Violation($"{name} never ran, yet it ended {h.State}");
                }

                continue;
            }

            switch (h.State)
            {
                case LoopTaskStatus.Completed:
                    if (!t.Returned || t.Escaped is not null)
                    {
                        Violation($"{name} is Completed but its interpreter {(t.Escaped is null ? "never returned" : "raised " + t.Escaped.GetType().Name)}");
                    }
                    else if (((LoopTask<int>)h).Result != t.Plan!.Value)
                    {
                        Violation($"{name}: Result {((LoopTask<int>)h).Result} != {t.Plan.Value}");
                    }

                    break;
                case LoopTaskStatus.Faulted:
                    if (!ReferenceEquals(t.Escaped, h.Exception) || h.Exception is CoroutineCancelledException)
                    {
                        Violation($"{name} is Faulted with {h.Exception?.GetType().Name}, its interpreter raised {t.Escaped?.GetType().Name}");
                    }

                    break;
                case LoopTaskStatus.Cancelled:
                    // A cancelled task sees CoroutineCancelledException at its suspension point: its catch and finally ran.
                    if (t.Escaped is not CoroutineCancelledException || !ReferenceEquals(t.Escaped, h.Exception))
                    {
                        Violation($"{name} is Cancelled, but its interpreter saw {t.Escaped?.GetType().Name ?? "no exception"} (task exception {h.Exception?.GetType().Name})");
                    }

                    break;
            }

            if (t.CancelledWhileLive && !h.IsCancelled)
            {
                Violation($"{name} was cancelled while it ran (not finished), yet it ended {h.State}{(h.Exception is null ? "" : " with " + h.Exception.Message)}");
            }
        }

        // No lost exceptions: Run reports main's failure first, then every unobserved failure in the order the tasks failed.
        var expected = new List<Exception>();
        if (main.IsFaulted || main.IsCancelled)
        {
            expected.Add(main.Exception!);
        }

        foreach (TaskInfo t in EscapeOrder)
        {
            if (t.Handle != main && t.Handle.IsFaulted && !t.Observed)
            {
                expected.Add(t.Handle.Exception!);
            }
        }

        List<Exception> actual;
        if (runException is null)
        {
            actual = new List<Exception>();
        }
        else if (runException is AggregateException agg && !(expected.Count == 1 && ReferenceEquals(expected[0], main.Exception)))
        {
            actual = agg.InnerExceptions.ToList();
        }
        else
        {
            actual = new List<Exception> { runException };
            if (!(expected.Count == 1 && ReferenceEquals(expected[0], main.Exception)))
            {
                Violation($"Run threw {runException.GetType().Name} ({runException.Message}) as is; expected an AggregateException of {expected.Count}");
            }
        }

        string Show(IEnumerable<Exception> es) => "[" + string.Join(", ", es.Select(e => e.GetType().Name + ": " + e.Message)) + "]";
        if (actual.Count != expected.Count || actual.Zip(expected).Any(p => !ReferenceEquals(p.First, p.Second)))
        {
            Violation($"Run reported {Show(actual)}; expected {Show(expected)}");
        }

        // Every exception a task threw is observed exactly once: swallowed at a join/scope/gather, or reported by Run.
        foreach (ChaosException e in Thrown)
        {
            int n = Swallowed.GetValueOrDefault(e) + actual.Count(a => ReferenceEquals(a, e));
            if (n != 1)
            {
                Violation($"{e.Message} was observed {n} times (swallowed {Swallowed.GetValueOrDefault(e)}, in Run's report {actual.Count(a => ReferenceEquals(a, e))})");
            }
        }

        foreach (Exception e in actual.Where(a => a is not ChaosException && !ReferenceEquals(a, main.Exception)))
        {
            Violation($"Run reported a {e.GetType().Name} that no task threw on purpose: {e.Message}");
        }

        // The channel is FIFO and loses nothing: what was received is a prefix of what was sent, the rest is still in it.
        var left = new List<int>();
        while (Channel.TryReceive(out int item))
        {
            left.Add(item);
        }

        if (!Received.Concat(left).SequenceEqual(Sent))
        {
            Violation($"channel: sent [{string.Join(",", Sent)}], received [{string.Join(",", Received)}], left [{string.Join(",", left)}]");
        }
    }
}

public class ChaosTests
{
    private readonly ITestOutputHelper output;

    public ChaosTests(ITestOutputHelper output) => this.output = output;

    private sealed class Generator
    {
        private readonly Random r;
        private int plans;
        private const int MaxPlans = 20;

        public Generator(int seed) => r = new Random(seed);

        // For narrowing a failure down: CHAOS_NO_GATHER=1 generates no Gather.
        private static readonly bool NoGather = Environment.GetEnvironmentVariable("CHAOS_NO_GATHER") == "1";

        public ChaosPlan Plan(int depth, int minOps, int maxOps)
        {
            var p = new ChaosPlan { Id = ++plans, Value = r.Next(1, 1000) };
            int n = r.Next(minOps, maxOps + 1);
            for (int i = 0; i < n; i++)
            {
                p.Ops.Add(Op(depth));
            }

            return p;
        }

        private int Ms(int steps) => 5 * r.Next(0, steps + 1); // multiples of 5 ms: many equal deadlines

        private ChaosOp Op(int depth)
        {
            bool canNest = depth < 3 && plans < MaxPlans;
            while (true)
            {
                int k = r.Next(100);
                var op = new ChaosOp { Catch = r.Next(2) == 0, Index = r.Next(8) };
                switch (k)
                {
                    case < 20:
                        op.Kind = ChaosOpKind.Sleep;
                        op.Ms = Ms(8);
                        return op;
                    case < 26:
                        op.Kind = ChaosOpKind.Reschedule;
                        return op;
                    case < 38:
                        if (!canNest) continue;
                        op.Kind = ChaosOpKind.Spawn;
                        op.Sub = Plan(depth + 1, 0, 5);
                        if (r.Next(3) == 0)
                        {
                            // Only spawned tasks clean up slowly: a Gather waits for its children's cleanup, which would move
                            // the moment a timeout around it ends away from the deadline (documented, but not checked here).
                            op.Sub.CleanupMs = Ms(6);
                        }
                        return op;
                    case < 48:
                        op.Kind = ChaosOpKind.Join;
                        return op;
                    case < 54:
                        op.Kind = ChaosOpKind.Cancel;
                        return op;
                    case < 56:
                        op.Kind = ChaosOpKind.CancelSelf;
                        return op;
                    case < 60:
                        op.Kind = ChaosOpKind.SetEvent;
                        return op;
                    case < 62:
                        op.Kind = ChaosOpKind.ClearEvent;
                        return op;
                    case < 67:
                        op.Kind = ChaosOpKind.WaitEvent;
                        op.Ms = Ms(10);
                        return op;
                    case < 72:
                        op.Kind = ChaosOpKind.Send;
                        op.Ms = Ms(10);
                        return op;
                    case < 77:
                        op.Kind = ChaosOpKind.Receive;
                        op.Ms = Ms(10);
                        return op;
                    case < 84:
                        if (!canNest) continue;
                        op.Kind = ChaosOpKind.MoveOnAfter;
                        op.Ms = Ms(12);
                        op.Sub = Plan(depth + 1, 0, 5);
                        return op;
                    case < 90:
                        if (!canNest) continue;
                        op.Kind = ChaosOpKind.FailAfter;
                        op.Ms = Ms(12);
                        op.Sub = Plan(depth + 1, 0, 5);
                        return op;
                    case < 94:
                        if (!canNest || NoGather) continue;
                        op.Kind = ChaosOpKind.Gather;
                        op.Subs = new List<ChaosPlan>();
                        int m = r.Next(1, 4);
                        for (int j = 0; j < m; j++)
                        {
                            op.Subs.Add(Plan(depth + 1, 0, 4));
                        }

                        return op;
                    default:
                        if (depth == 0 && r.Next(3) != 0) continue; // main throws less often, so that its children get to run
                        op.Kind = ChaosOpKind.Throw;
                        return op;
                }
            }
        }
    }

    /// <summary>Runs the program made from <paramref name="seed"/>; returns its violations (empty when every invariant held).</summary>
    public static List<string> RunSeed(int seed, out string report, Dictionary<string, int>? stats = null)
    {
        var gen = new Generator(seed);
        ChaosPlan mainPlan = gen.Plan(0, 4, 14);
        var world = new ChaosWorld(capacity: 1 + seed % 3);
        List<string> violations = RunPlan(mainPlan, world);
        var sb = new StringBuilder();
        sb.AppendLine($"seed {seed}, channel capacity {world.Channel.Capacity}:");
        mainPlan.Print(sb, new HashSet<ChaosPlan>(ReferenceEqualityComparer.Instance));
        if (violations.Count > 0 && Environment.GetEnvironmentVariable("CHAOS_TRACE") == "1")
        {
            sb.AppendLine(string.Join(Environment.NewLine, world.Trace));
        }

        report = sb.ToString();
        if (stats is not null)
        {
            foreach (string key in world.Stats())
            {
                stats[key] = stats.GetValueOrDefault(key) + 1;
            }
        }

        return violations;
    }

    public static List<string> RunPlan(ChaosPlan mainPlan, ChaosWorld world)
    {
        var loop = new EventLoop(new VirtualTimeProvider());
        world.Loop = loop;
        Exception? runException = null;
        bool returned = false;
        LoopTask? main = null;

        // Run must return or throw, never hang: run it on a thread of its own and bound the wait.
        var thread = new Thread(() =>
        {
            try
            {
                loop.Run(ChaosTemplates.Interpret(mainPlan, world, true));
                returned = true;
            }
            catch (Exception e)
            {
                runException = e;
            }
        }, 16 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
        {
            world.Violations.Add("Run did not return within 10 s (hang)");
            return world.Violations;
        }

        main = world.Tasks.Values.FirstOrDefault(t => ReferenceEquals(t.Plan, mainPlan))?.Handle;
        if (main is null)
        {
            world.Violations.Add("main never started");
            return world.Violations;
        }

        world.Log($"Run {(returned ? "returned" : "threw " + runException!.GetType().Name + ": " + runException.Message)} at {loop.Elapsed.TotalMilliseconds} ms");
        world.CheckAfterRun(main, runException);
        return world.Violations;
    }

    [Fact]
    public void Chaos_RandomTaskTrees_KeepTheSchedulerInvariants()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var failures = new List<(int Seed, List<string> Violations, string Report)>();
        var stats = new Dictionary<string, int>();
        int seeds = int.TryParse(Environment.GetEnvironmentVariable("CHAOS_SEEDS"), out int n) ? n : 3000;
        int first = int.TryParse(Environment.GetEnvironmentVariable("CHAOS_FIRST_SEED"), out int f0) ? f0 : 1;
        for (int seed = first; seed < first + seeds; seed++)
        {
            List<string> v = RunSeed(seed, out string report, stats);
            if (v.Count > 0)
            {
                failures.Add((seed, v, report));
            }
        }

        output.WriteLine($"{seeds} seeds in {started.Elapsed.TotalSeconds:F1} s; {failures.Count} failed");
        output.WriteLine(string.Join(", ", stats.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        if (failures.Count > 0)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"{failures.Count} of {seeds} seeds broke an invariant (seeds: {string.Join(", ", failures.Select(f => f.Seed))}). First ones:");
            // The kinds of violation (numbers blanked), with how many seeds show each: tells one bug from several.
            foreach (var kind in failures
                .SelectMany(f => f.Violations.Select(v => System.Text.RegularExpressions.Regex.Replace(v, @"\d+", "N")).Distinct().Select(k => (k, f.Seed)))
                .GroupBy(x => x.k).OrderByDescending(g => g.Count()))
            {
                sb.AppendLine($"  {kind.Count()} seed(s), e.g. {kind.First().Seed}: {kind.Key}");
            }

            foreach (var f in failures.Take(4))
            {
                sb.Append(f.Report);
                foreach (string s in f.Violations.Take(5))
                {
                    sb.AppendLine("    " + s);
                }
            }

            Assert.Fail(sb.ToString());
        }
    }

    // ---- Minimal repros of what the chaos test found (see the report of the chaos-tests branch). ----

    // A fix may raise the gathering task's cancellation and leave the child's failure unobserved, so that Run reports it: allowed.
    private static void RunAllowingTheChildFailure(EventLoop loop, Coroutine<LoopRequest, Unit, string> main)
    {
        try
        {
            loop.Run(main);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x.Message == "child failed"))
        {
        }
    }

    /// <summary>
    /// Regression (seed 1148 of Chaos_RandomTaskTrees): a MoveOnAfter's deadline passes while the body waits in a Gather that is
    /// already failing (one child failed, another is still cleaning up). Gather used to raise the child's failure and drop the
    /// scope's timeout, so the body handled the failure and the scope "completed" at 108 ms for a deadline of 8 ms. The timeout
    /// wins (docs/scheduler.md sections 4 and 5); the child's failure goes back to unobserved and Run reports it.
    /// </summary>
    [Fact]
    public void ChaosRepro_TimeoutDuringAFailingGather_IsNotLost()
    {
        var log = new List<string>();
        var loop = new EventLoop(new VirtualTimeProvider());
        RunAllowingTheChildFailure(loop, ChaosTemplates.TimeoutDuringFailingGather(log));
        output.WriteLine(string.Join(" | ", log));
        string r = log.Single(l => l.StartsWith("result: ", StringComparison.Ordinal))["result: ".Length..];
        Assert.StartsWith("TimedOut", r); // it was "Completed(1) at 108 ms"
        Assert.Equal(0, loop.TaskCount);
    }

    /// <summary>
    /// Regression (same cause; seed 2951): Cancel() on a task waiting in a Gather that is already failing was lost: the task received
    /// the child's failure instead, handled it, and completed normally 100 ms later.
    /// </summary>
    [Fact]
    public void ChaosRepro_CancelDuringAFailingGather_IsNotLost()
    {
        var log = new List<string>();
        var loop = new EventLoop(new VirtualTimeProvider());
        RunAllowingTheChildFailure(loop, ChaosTemplates.CancelDuringFailingGather(log));
        output.WriteLine(string.Join(" | ", log));
        string r = log.Single(l => l.StartsWith("result: ", StringComparison.Ordinal))["result: ".Length..];
        Assert.StartsWith("join raised the cancellation", r); // it was "join returned 1 at 108 ms (Completed)"
    }

    /// <summary>
    /// Regression: an unobserved failure followed by a deadlock. The deadlock used to be thrown from inside the loop, which skipped
    /// Run's report of unobserved failures and left them for the loop's next Run. Run now reports both, the deadlock first
    /// (docs/scheduler.md sections 3 and 6).
    /// </summary>
    [Fact]
    public void ChaosRepro_DeadlockAfterAnUnobservedFailure_ThisRunReportsBoth_AndTheNextRunNothing()
    {
        var loop = new EventLoop(new VirtualTimeProvider());
        Exception e = Assert.ThrowsAny<Exception>(() => loop.Run(ChaosTemplates.SpawnFailingChildThenWaitForever(new LoopEvent())));
        output.WriteLine($"first Run: {e.GetType().Name}: {e.Message} (inner: {e.InnerException?.Message ?? "none"})");

        // The deadlock first, then the child's failure that nobody observed (docs/scheduler.md sections 3 and 6).
        var both = Assert.IsType<AggregateException>(e);
        Assert.Equal(2, both.InnerExceptions.Count);
        Assert.Contains("Deadlock", Assert.IsType<InvalidOperationException>(both.InnerExceptions[0]).Message);
        Assert.Equal("unobserved child failure", Assert.IsType<InvalidOperationException>(both.InnerExceptions[1]).Message);
        Exception? second = null;
        try
        {
            loop.Run(SchedulerTemplates.Child(5));
        }
        catch (Exception e2)
        {
            second = e2;
        }

        output.WriteLine($"second Run: {(second is null ? "returned" : second.GetType().Name + ": " + second.Message)}");

        // The second Run ran a task that cannot fail: it must not report anything.
        Assert.Null(second);
    }
}

