using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;

// Hand-written coroutines in the style the generator emits: a `pc` field (0 = not started, -1 = running,
// -2 = finished, n > 0 = suspended at resume point n), a dispatch switch at the top of the body and at the top of
// every try that contains a resume point, finallys guarded with `if (pc < 0)`, `OnResume()` first at every resume
// point, `return Yielded(x)` / `return DelegateTo(sub)` to suspend, `return false` / `return Complete(x)` to finish.
// Each class starts with the template (Python-ish) it stands for.
namespace CoroGen.Runtime.Tests;

/// <summary>
/// <code>
/// async Coroutine&lt;int&gt; CountUp(int n, Yielder&lt;int, int&gt; co) {
///     log("start");
///     for (int i = 0; i &lt; n; i++) { int x = await co.Yield(i); log("got " + x); }
///     log("end"); return n;
/// }
/// </code>
/// No suspension point is inside a cleanup region, so Close need not resume it (unless <c>claimCleanup</c>).
/// </summary>
public sealed class CountUp : Coroutine<int, int, int>
{
    private readonly int n;
    private readonly bool claimCleanup;
    private int pc;
    private int i;

    public CountUp(int n, bool claimCleanup = false)
    {
        this.n = n;
        this.claimCleanup = claimCleanup;
    }

    public List<string> Log { get; } = new();

    protected override bool IsSuspendedInCleanupRegion => claimCleanup;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(CountUp), pc);

    Start:
        pc = -1;
        Log.Add("start");
        i = 0;
    Loop:
        if (i >= n) goto End;
        pc = 1;
        return Yielded(i);
    Resume1:
        pc = -1;
        int x = OnResume();
        Log.Add("got " + x);
        i++;
        goto Loop;
    End:
        pc = -2;
        Log.Add("end");
        return Complete(n);
    }
}

/// <summary>
/// <code>
/// async Coroutine Echo(Yielder&lt;string?, string?&gt; co) { string? x = "first"; while (true) x = await co.Yield(x); }
/// </code>
/// </summary>
public sealed class Echo : Coroutine<string?, string?, Unit>
{
    private int pc;
    private string? x;

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(Echo), pc);

    Start:
        pc = -1;
        x = "first";
    Loop:
        pc = 1;
        return Yielded(x);
    Resume1:
        pc = -1;
        x = OnResume();
        goto Loop;
    }
}

/// <summary>
/// <code>
/// async Coroutine&lt;string&gt; TryFinally(Yielder&lt;string&gt; co) {
///     log("start");
///     try { await co.Yield("a"); log("after a"); await co.Yield("b"); log("after b"); }
///     finally { log("finally"); finallyAction?.Invoke(); }
///     log("end"); return "done";
/// }
/// </code>
/// </summary>
public sealed class TryFinally : Coroutine<string, Unit, string>
{
    private int pc;

    public List<string> Log { get; } = new();

    public Action? FinallyAction { get; set; }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1:
            case 2: goto Try1;
        }

        throw new BadResumeException(nameof(TryFinally), pc);

    Start:
        pc = -1;
        Log.Add("start");
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
                case 2: goto Resume2;
            }

            pc = 1;
            return Yielded("a");
        Resume1:
            pc = -1;
            OnResume();
            Log.Add("after a");
            pc = 2;
            return Yielded("b");
        Resume2:
            pc = -1;
            OnResume();
            Log.Add("after b");
        }
        finally
        {
            if (pc < 0)
            {
                Log.Add("finally");
                FinallyAction?.Invoke();
            }
        }

        pc = -2;
        Log.Add("end");
        return Complete("done");
    }
}

/// <summary>What <see cref="ExitHandler"/> does when it catches <see cref="CoroutineExitException"/>.</summary>
public enum ExitMode
{
    /// <summary><c>return 5;</c></summary>
    Return,

    /// <summary><c>await co.Yield(99); return 6;</c> (ignores the exit).</summary>
    Yield,

    /// <summary><c>throw new TestException("during close");</c></summary>
    ThrowOther,
}

/// <summary>
/// <code>
/// async Coroutine&lt;int&gt; ExitHandler(Yielder&lt;int, int&gt; co) {
///     try { await co.Yield(1); log("resumed"); }
///     catch (CoroutineExitException e) { log("caught exit"); /* mode: return 5 | await co.Yield(99); return 6 | throw other */ }
///     return 0;
/// }
/// </code>
/// </summary>
public sealed class ExitHandler : Coroutine<int, int, int>
{
    private readonly ExitMode mode;
    private int pc;

    public ExitHandler(ExitMode mode) => this.mode = mode;

    public List<string> Log { get; } = new();

    public CoroutineExitException? CaughtExit { get; private set; }

    public TestException OtherException { get; } = new("during close");

    protected override bool IsSuspendedInCleanupRegion => pc == 1;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Try1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(ExitHandler), pc);

    Start:
        pc = -1;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
            }

            pc = 1;
            return Yielded(1);
        Resume1:
            pc = -1;
            OnResume();
            Log.Add("resumed");
        }
        catch (CoroutineExitException e)
        {
            CaughtExit = e;
        }

        if (CaughtExit is null) goto AfterCatch;
        Log.Add("caught exit");
        if (mode == ExitMode.Return)
        {
            pc = -2;
            return Complete(5);
        }

        if (mode == ExitMode.ThrowOther)
        {
            pc = -2;
            Boom.RaiseFromBody(OtherException);
        }

        pc = 2;
        return Yielded(99);
    Resume2:
        pc = -1;
        OnResume();
        Log.Add("after 99");
        pc = -2;
        return Complete(6);
    AfterCatch:
        pc = -2;
        return Complete(0);
    }
}

/// <summary>
/// A finally that yields twice, lowered the way the generator lowers suspension inside finally: a catch-all pends the
/// exception, the finally body runs as ordinary code, then the pending exception is rethrown with its stack trace.
/// <code>
/// async Coroutine&lt;int&gt; YieldingFinally(Yielder&lt;int, int&gt; co) {
///     try { await co.Yield(1); log("body resumed"); }
///     finally { log("finally start"); await co.Yield(50); log("finally middle"); await co.Yield(51); log("finally end"); }
///     return 7;
/// }
/// </code>
/// </summary>
public sealed class YieldingFinally : Coroutine<int, int, int>
{
    private int pc;
    private Exception? pending;

    public List<string> Log { get; } = new();

    public Exception? PendedException { get; private set; }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2 or 3;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Try1;
            case 2: goto Resume2;
            case 3: goto Resume3;
        }

        throw new BadResumeException(nameof(YieldingFinally), pc);

    Start:
        pc = -1;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
            }

            pc = 1;
            return Yielded(1);
        Resume1:
            pc = -1;
            OnResume();
            Log.Add("body resumed");
        }
        catch (Exception e)
        {
            pending = e;
            PendedException = e;
        }

        Log.Add("finally start");
        pc = 2;
        return Yielded(50);
    Resume2:
        pc = -1;
        OnResume();
        Log.Add("finally middle");
        pc = 3;
        return Yielded(51);
    Resume3:
        pc = -1;
        OnResume();
        Log.Add("finally end");
        if (pending is not null)
        {
            Exception p = pending;
            pending = null;
            pc = -2;
            ExceptionDispatchInfo.Throw(p);
        }

        pc = -2;
        return Complete(7);
    }
}

/// <summary>
/// <code>
/// async Coroutine&lt;int&gt; Catcher(Yielder&lt;int, int&gt; co) {
///     try { await co.Yield(1); log("resumed"); }
///     catch (TestException e) { log("caught " + e.Message); if (returnAfterCatch) return 42; await co.Yield(2); return 43; }
///     return 0;
/// }
/// </code>
/// </summary>
public sealed class Catcher : Coroutine<int, int, int>
{
    private readonly bool returnAfterCatch;
    private int pc;

    public Catcher(bool returnAfterCatch) => this.returnAfterCatch = returnAfterCatch;

    public List<string> Log { get; } = new();

    public TestException? Caught { get; private set; }

    protected override bool IsSuspendedInCleanupRegion => pc == 1;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Try1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(Catcher), pc);

    Start:
        pc = -1;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
            }

            pc = 1;
            return Yielded(1);
        Resume1:
            pc = -1;
            OnResume();
            Log.Add("resumed");
        }
        catch (TestException e)
        {
            Caught = e;
        }

        if (Caught is null) goto NoCatch;
        Log.Add("caught " + Caught.Message);
        if (returnAfterCatch)
        {
            pc = -2;
            return Complete(42);
        }

        pc = 2;
        return Yielded(2);
    Resume2:
        pc = -1;
        OnResume();
        pc = -2;
        return Complete(43);
    NoCatch:
        pc = -2;
        return Complete(0);
    }
}

/// <summary>
/// <code>
/// async Coroutine&lt;int&gt; Failing(int failAt, Yielder&lt;int, int&gt; co) {
///     log("start"); if (failAt == 0) throw toThrow;
///     await co.Yield(1); log("resumed"); if (failAt == 1) throw toThrow;
///     await co.Yield(2); return 3;
/// }
/// </code>
/// </summary>
public sealed class Failing : Coroutine<int, int, int>
{
    private readonly int failAt;
    private int pc;

    public Failing(int failAt, string message = "boom")
    {
        this.failAt = failAt;
        ToThrow = new TestException(message);
    }

    public List<string> Log { get; } = new();

    public TestException ToThrow { get; }

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(Failing), pc);

    Start:
        pc = -1;
        Log.Add("start");
        if (failAt == 0)
        {
            pc = -2;
            Boom.RaiseFromBody(ToThrow);
        }

        pc = 1;
        return Yielded(1);
    Resume1:
        pc = -1;
        OnResume();
        Log.Add("resumed");
        if (failAt == 1)
        {
            pc = -2;
            Boom.RaiseFromBody(ToThrow);
        }

        pc = 2;
        return Yielded(2);
    Resume2:
        pc = -1;
        OnResume();
        pc = -2;
        return Complete(3);
    }
}

/// <summary>
/// Runs <see cref="Operations"/> against some coroutine (usually itself) from inside its body and records what each one threw.
/// <code>
/// async Coroutine&lt;int&gt; ReEntrant(Yielder&lt;int, int&gt; co) {
///     if (onStart) RunOperations();
///     int x = await co.Yield(1);
///     if (!onStart) RunOperations();
///     await co.Yield(2); return x;
/// }
/// </code>
/// </summary>
public sealed class ReEntrant : Coroutine<int, int, int>
{
    private readonly bool onStart;
    private int pc;
    private int x;

    public ReEntrant(bool onStart) => this.onStart = onStart;

    public List<Action> Operations { get; } = new();

    public List<Exception?> Outcomes { get; } = new();

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(ReEntrant), pc);

    Start:
        pc = -1;
        if (onStart) RunOperations(Operations, Outcomes);
        pc = 1;
        return Yielded(1);
    Resume1:
        pc = -1;
        x = OnResume();
        if (!onStart) RunOperations(Operations, Outcomes);
        pc = 2;
        return Yielded(2);
    Resume2:
        pc = -1;
        OnResume();
        pc = -2;
        return Complete(x);
    }

    public static void RunOperations(List<Action> operations, List<Exception?> outcomes)
    {
        foreach (Action operation in operations)
        {
            try
            {
                operation();
                outcomes.Add(null);
            }
            catch (Exception e)
            {
                outcomes.Add(e);
            }
        }
    }
}

/// <summary>
/// A sub-coroutine for delegation tests.
/// <code>
/// async Coroutine&lt;int&gt; Inner(string name, int count, Yielder&lt;int, int&gt; co) {
///     log(name + " start"); int total = 0;
///     try {
///         for (int i = 0; i &lt; count; i++) {
///             int x;
///             try { x = await co.Yield(i + 1); }
///             catch (TestException e) when (catchTest) { log(name + " caught " + e.Message); x = await co.Yield(77); }
///             log(name + " got " + x); total += x;
///             onStep?.Invoke();
///         }
///         log(name + " done");
///     } finally { log(name + " finally"); finallyAction?.Invoke(); }
///     return total;
/// }
/// </code>
/// </summary>
public sealed class Inner : Coroutine<int, int, int>
{
    private readonly string name;
    private readonly List<string> log;
    private readonly int count;
    private readonly bool catchTest;
    private int pc;
    private int i;
    private int x;
    private int total;
    private TestException? caught;

    public Inner(string name, List<string> log, int count, bool catchTest = false)
    {
        this.name = name;
        this.log = log;
        this.count = count;
        this.catchTest = catchTest;
    }

    public Action? FinallyAction { get; set; }

    public Action? OnStep { get; set; }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1:
            case 2: goto Try1;
        }

        throw new BadResumeException(name, pc);

    Start:
        pc = -1;
        log.Add(name + " start");
        total = 0;
        i = 0;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
                case 2: goto Resume2;
            }

        Loop:
            if (i >= count) goto LoopEnd;
            pc = 1;
            return Yielded(i + 1);
        Resume1:
            pc = -1;
            try
            {
                x = OnResume();
            }
            catch (TestException e) when (catchTest)
            {
                caught = e;
            }

            if (caught is null) goto Got;
            log.Add(name + " caught " + caught.Message);
            caught = null;
            pc = 2;
            return Yielded(77);
        Resume2:
            pc = -1;
            x = OnResume();
        Got:
            log.Add(name + " got " + x);
            total += x;
            OnStep?.Invoke();
            i++;
            goto Loop;
        LoopEnd:
            log.Add(name + " done");
        }
        finally
        {
            if (pc < 0)
            {
                log.Add(name + " finally");
                FinallyAction?.Invoke();
            }
        }

        pc = -2;
        return Complete(total);
    }
}

/// <summary>
/// A delegating coroutine (PEP 380).
/// <code>
/// async Coroutine&lt;int&gt; Delegator(string name, Func&lt;Coroutine&lt;int&gt;&gt; makeSub, Yielder&lt;int, int&gt; co) {
///     log(name + " start"); int r = 0;
///     try {
///         try { r = await makeSub(); }
///         catch (Exception e) when (catchAtAwait) { log(name + " caught " + e.Message); await co.Yield(-100); r = -1; goto after; }
///         log(name + " got " + r);
///         await co.Yield(r + 1000);
///         after: ;
///     } finally { log(name + " finally"); }
///     log(name + " end"); return r;
/// }
/// </code>
/// </summary>
public sealed class Delegator : Coroutine<int, int, int>
{
    private readonly string name;
    private readonly List<string> log;
    private readonly Func<Coroutine> makeSub;
    private readonly bool catchAtAwait;
    private int pc;
    private int r;
    private Exception? caught;

    public Delegator(string name, List<string> log, Func<Coroutine> makeSub, bool catchAtAwait = false)
    {
        this.name = name;
        this.log = log;
        this.makeSub = makeSub;
        this.catchAtAwait = catchAtAwait;
    }

    public Coroutine? Sub { get; private set; }

    public Exception? Caught { get; private set; }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2 or 3;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1:
            case 2:
            case 3: goto Try1;
        }

        throw new BadResumeException(name, pc);

    Start:
        pc = -1;
        log.Add(name + " start");
        r = 0;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
                case 2: goto Resume2;
                case 3: goto Resume3;
            }

            Sub = makeSub();
            pc = 1;
            return DelegateTo(Sub);
        Resume1:
            pc = -1;
            try
            {
                OnResume();
                r = DelegationResult<int>();
            }
            catch (Exception e) when (catchAtAwait && e is not CoroutineExitException)
            {
                caught = e;
                Caught = e;
            }

            if (caught is null) goto Got;
            log.Add(name + " caught " + caught.Message);
            caught = null;
            pc = 2;
            return Yielded(-100);
        Resume2:
            pc = -1;
            OnResume();
            r = -1;
            goto After;
        Got:
            log.Add(name + " got " + r);
            pc = 3;
            return Yielded(r + 1000);
        Resume3:
            pc = -1;
            OnResume();
        After:
            ;
        }
        finally
        {
            if (pc < 0)
            {
                log.Add(name + " finally");
            }
        }

        pc = -2;
        log.Add(name + " end");
        return Complete(r);
    }
}

/// <summary>
/// Recursive delegation, <c>depth</c> levels deep.
/// <code>
/// async Coroutine&lt;int&gt; Recursive(int depth, Yielder&lt;int, int&gt; co) {
///     try {
///         if (depth == 0) { int a = await co.Yield(-1); int b = await co.Yield(-2); return a + b; }
///         return await Recursive(depth - 1, co) + 1;
///     } finally { unwound.Add(depth); }
/// }
/// </code>
/// </summary>
public sealed class Recursive : Coroutine<int, int, int>
{
    private readonly int depth;
    private readonly List<int> unwound;
    private int pc;
    private int a;
    private int result;

    private readonly List<Recursive>? all;

    public Recursive(int depth, List<int> unwound, List<Recursive>? all = null)
    {
        this.depth = depth;
        this.unwound = unwound;
        this.all = all;
        all?.Add(this);
    }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2 or 3;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1:
            case 2:
            case 3: goto Try1;
        }

        throw new BadResumeException(nameof(Recursive), pc);

    Start:
        pc = -1;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
                case 2: goto Resume2;
                case 3: goto Resume3;
            }

            if (depth > 0) goto Delegate;
            pc = 1;
            return Yielded(-1);
        Resume1:
            pc = -1;
            a = OnResume();
            pc = 2;
            return Yielded(-2);
        Resume2:
            pc = -1;
            result = a + OnResume();
            goto Exit;
        Delegate:
            pc = 3;
            return DelegateTo(new Recursive(depth - 1, unwound, all));
        Resume3:
            pc = -1;
            OnResume();
            result = DelegationResult<int>() + 1;
        Exit:
            ;
        }
        finally
        {
            if (pc < 0)
            {
                unwound.Add(depth);
            }
        }

        pc = -2;
        return Complete(result);
    }
}

/// <summary>
/// <code>
/// async Coroutine YieldAllUser(IEnumerable&lt;int&gt; items, Yielder&lt;int, string&gt; co) {
///     log("start");
///     try { await co.YieldAll(items); log("after all"); }
///     catch (TestException e) { log("caught " + e.Message); }
///     finally { log("finally"); }
///     await co.Yield(99);
/// }
/// </code>
/// </summary>
public sealed class YieldAllUser : Coroutine<int, string, Unit>
{
    private readonly IEnumerable<int> items;
    private int pc;
    private TestException? caught;

    public YieldAllUser(IEnumerable<int> items) => this.items = items;

    public List<string> Log { get; } = new();

    public TestException? Caught { get; private set; }

    protected override bool IsSuspendedInCleanupRegion => pc == 1;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Try1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(YieldAllUser), pc);

    Start:
        pc = -1;
        Log.Add("start");
    Try1:
        try
        {
            try
            {
                switch (pc)
                {
                    case 1: goto Resume1;
                }

                pc = 1;
                return DelegateTo(new YieldAllCoroutine<int, string>(items));
            Resume1:
                pc = -1;
                OnResume();
                EndDelegation();
                Log.Add("after all");
            }
            catch (TestException e)
            {
                caught = e;
                Caught = e;
            }

            if (caught is not null)
            {
                Log.Add("caught " + caught.Message);
            }
        }
        finally
        {
            if (pc < 0)
            {
                Log.Add("finally");
            }
        }

        pc = 2;
        return Yielded(99);
    Resume2:
        pc = -1;
        OnResume();
        pc = -2;
        return false;
    }
}

/// <summary>
/// <code>
/// async Coroutine Fibonacci(Yielder&lt;long&gt; co) { long a = 0, b = 1; while (true) { await co.Yield(a); (a, b) = (b, a + b); } }
/// </code>
/// </summary>
public sealed class Fibonacci : Coroutine<long, Unit, Unit>
{
    private int pc;
    private long a;
    private long b;

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(Fibonacci), pc);

    Start:
        pc = -1;
        a = 0;
        b = 1;
    Loop:
        pc = 1;
        return Yielded(a);
    Resume1:
        pc = -1;
        OnResume();
        (a, b) = (b, a + b);
        goto Loop;
    }
}

/// <summary>
/// <code>
/// async Coroutine&lt;long&gt; DelegatingFibonacci(Yielder&lt;long&gt; co) { return await Fibonacci(co); } // never returns
/// </code>
/// </summary>
public sealed class DelegatingFibonacci : Coroutine<long, Unit, long>
{
    private int pc;

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(DelegatingFibonacci), pc);

    Start:
        pc = -1;
        pc = 1;
        return DelegateTo(new Fibonacci());
    Resume1:
        pc = -1;
        OnResume();
        EndDelegation();
        pc = -2;
        return Complete(-1);
    }
}

/// <summary>A sub that yields strings and accepts objects: it can serve a chain that yields objects and sends strings (variance).</summary>
public sealed class StringSub : Coroutine<string, object?, int>
{
    private int pc;

    public List<object?> Received { get; } = new();

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(StringSub), pc);

    Start:
        pc = -1;
        pc = 1;
        return Yielded("from sub");
    Resume1:
        pc = -1;
        Received.Add(OnResume());
        pc = -2;
        return Complete(Received.Count);
    }
}

/// <summary><c>async Coroutine&lt;int&gt; ObjectRoot(Coroutine sub, Yielder&lt;object?, string&gt; co) { int r = await sub; await co.Yield(r); return r; }</c></summary>
public sealed class ObjectRoot : Coroutine<object?, string, int>
{
    private readonly Coroutine sub;
    private int pc;
    private int r;

    public ObjectRoot(Coroutine sub) => this.sub = sub;

    protected override bool IsSuspendedInCleanupRegion => false;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(nameof(ObjectRoot), pc);

    Start:
        pc = -1;
        pc = 1;
        return DelegateTo(sub);
    Resume1:
        pc = -1;
        OnResume();
        r = DelegationResult<int>();
        pc = 2;
        return Yielded(r);
    Resume2:
        pc = -1;
        OnResume();
        pc = -2;
        return Complete(r);
    }
}

/// <summary>
/// <code>
/// async Coroutine NestedFinally(Yielder&lt;int&gt; co) {
///     try { try { await co.Yield(1); log("resumed"); } finally { log("inner finally"); } await co.Yield(2); }
///     finally { log("outer finally"); }
/// }
/// </code>
/// </summary>
public sealed class NestedFinally : Coroutine<int, Unit, Unit>
{
    private int pc;

    public List<string> Log { get; } = new();

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1:
            case 2: goto Try1;
        }

        throw new BadResumeException(nameof(NestedFinally), pc);

    Start:
        pc = -1;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Try2;
                case 2: goto Resume2;
            }

        Try2:
            try
            {
                switch (pc)
                {
                    case 1: goto Resume1;
                }

                pc = 1;
                return Yielded(1);
            Resume1:
                pc = -1;
                OnResume();
                Log.Add("resumed");
            }
            finally
            {
                if (pc < 0)
                {
                    Log.Add("inner finally");
                }
            }

            pc = 2;
            return Yielded(2);
        Resume2:
            pc = -1;
            OnResume();
        }
        finally
        {
            if (pc < 0)
            {
                Log.Add("outer finally");
            }
        }

        pc = -2;
        return false;
    }
}

/// <summary><c>async Coroutine&lt;int&gt; ExitRaiser(Yielder&lt;int, int&gt; co) { await co.Yield(1); throw exit; }</c></summary>
public sealed class ExitRaiser : Coroutine<int, int, int>
{
    private readonly CoroutineExitException exit;
    private readonly Exception? instead;
    private int pc;

    public ExitRaiser(CoroutineExitException exit, Exception? instead = null)
    {
        this.exit = exit;
        this.instead = instead;
    }

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Resume1;
        }

        throw new BadResumeException(nameof(ExitRaiser), pc);

    Start:
        pc = -1;
        pc = 1;
        return Yielded(1);
    Resume1:
        pc = -1;
        OnResume();
        pc = -2;
        throw instead ?? exit;
    }
}

/// <summary>
/// A finally that delegates (to a cleanup coroutine), lowered like <see cref="YieldingFinally"/>.
/// <code>
/// async Coroutine&lt;int&gt; CleanupInFinally(string name, Func&lt;Coroutine&lt;int&gt;&gt; makeSub, Func&lt;Coroutine&lt;int&gt;&gt; makeCleanup, Yielder&lt;int, int&gt; co) {
///     int r = 0;
///     try { r = await makeSub(); log(name + " got " + r); }
///     finally { log(name + " finally start"); int c = await makeCleanup(); log(name + " cleanup returned " + c); log(name + " finally end"); }
///     return r;
/// }
/// </code>
/// </summary>
public sealed class CleanupInFinally : Coroutine<int, int, int>
{
    private readonly string name;
    private readonly List<string> log;
    private readonly Func<Coroutine> makeSub;
    private readonly Func<Coroutine> makeCleanup;
    private int pc;
    private int r;
    private Exception? pending;

    public CleanupInFinally(string name, List<string> log, Func<Coroutine> makeSub, Func<Coroutine> makeCleanup)
    {
        this.name = name;
        this.log = log;
        this.makeSub = makeSub;
        this.makeCleanup = makeCleanup;
    }

    protected override bool IsSuspendedInCleanupRegion => pc is 1 or 2;

    protected override bool Resume()
    {
        switch (pc)
        {
            case 0: goto Start;
            case 1: goto Try1;
            case 2: goto Resume2;
        }

        throw new BadResumeException(name, pc);

    Start:
        pc = -1;
        r = 0;
    Try1:
        try
        {
            switch (pc)
            {
                case 1: goto Resume1;
            }

            pc = 1;
            return DelegateTo(makeSub());
        Resume1:
            pc = -1;
            OnResume();
            r = DelegationResult<int>();
            log.Add(name + " got " + r);
        }
        catch (Exception e)
        {
            pending = e;
        }

        log.Add(name + " finally start");
        pc = 2;
        return DelegateTo(makeCleanup());
    Resume2:
        pc = -1;
        OnResume();
        log.Add(name + " cleanup returned " + DelegationResult<int>());
        log.Add(name + " finally end");
        if (pending is not null)
        {
            Exception p = pending;
            pending = null;
            pc = -2;
            ExceptionDispatchInfo.Throw(p);
        }

        pc = -2;
        return Complete(r);
    }
}

/// <summary>Catches an exit raised at its yield, yields 2, and rethrows the exit when resumed.</summary>
public sealed class ExitCatcherThatRethrows : Coroutine<int, Unit, Unit>
{
    private CoroutineExitException? caught;

    protected override bool Resume()
    {
        switch (state)
        {
            case 1: goto Resume1;
            case 2: goto Resume2;
        }

        state = 1;
        return Yielded(1);
    Resume1:
        try
        {
            OnResume();
        }
        catch (CoroutineExitException e)
        {
            caught = e;
        }

        state = 2;
        return Yielded(2);
    Resume2:
        OnResume();
        throw caught!;
    }
}

/// <summary>
/// A subclass that keeps its resume point in a field of its own and, on its second step, throws before it calls
/// <c>OnResume</c> (a check of its own arguments, say). Nothing marked the body running, yet the exception must leave the
/// coroutine Faulted, through MoveNext and through Send.
/// <code>
/// async Coroutine&lt;int&gt; FailsBeforeOnResume(Yielder&lt;int, int&gt; co) { await co.Yield(1); throw new TestException(...); }
/// </code>
/// </summary>
public sealed class FailsBeforeOnResume : Coroutine<int, int, int>
{
    private int pc;

    protected override bool Resume()
    {
        if (pc == 1)
        {
            throw new TestException("failed before OnResume");
        }

        pc = 1;
        return Yielded(1);
    }
}
