using System;
using System.Collections;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Templates for ContractConformanceTests: each one exercises a single statement of API.md.
public static partial class ConformanceTemplates
{
    // API.md section 1: `await co.Yield()` yields default(TYield); its value is the value sent.
    [Coroutine]
    public static async Coroutine<int> BareYield(Yielder<string, int> co)
    {
        int first = await co.Yield();
        int second = await co.Yield("after " + first);
        return first + second;
    }

    // API.md section 1: the Yielder may stand at any position; the factory keeps the other parameters in order.
    [Coroutine]
    public static async Coroutine<string> YielderFirst(Yielder<int> co, int a, string b)
    {
        await co.Yield(a);
        return b;
    }

    [Coroutine]
    public static async Coroutine<string> YielderInTheMiddle(int a, Yielder<int> co, string b, long c)
    {
        await co.Yield(a);
        return b + c;
    }

    // API.md section 2: the factory keeps the other parameters as written: default values, `params`, `this`.
    [Coroutine]
    public static async Coroutine<string> WithDefaults(Yielder<int> co, int n = 3, string s = "s", DayOfWeek day = DayOfWeek.Friday, decimal m = 1.5m)
    {
        await co.Yield(n);
        return s + day + m;
    }

    [Coroutine]
    public static async Coroutine WithParams(Yielder<int> co, params int[] values)
    {
        foreach (int v in values)
        {
            await co.Yield(v);
        }
    }

    [Coroutine]
    public static async Coroutine ExtensionOf(this string text, Yielder<int> co) => await co.Yield(text.Length);

    // API.md section 2: overloads get distinct generated classes.
    [Coroutine]
    public static async Coroutine Overloaded(int n, Yielder<int> co) => await co.Yield(n);

    [Coroutine]
    public static async Coroutine Overloaded(string s, Yielder<int> co) => await co.Yield(s.Length);

    // API.md section 2: the factory keeps the template's accessibility, type parameters and constraints.
    [Coroutine]
    internal static async Coroutine<T> Constrained<T, U>(T value, U other, Yielder<U> co)
        where T : class, new()
        where U : struct
    {
        await co.Yield(other);
        return value;
    }

    [Coroutine]
    private static async Coroutine Hidden(Yielder<int> co) => await co.Yield(7);

    internal static Coroutine<int, Unit, Unit> MakeHidden() => Hidden();

    // API.md section 4: re-entering a running coroutine raises InvalidOperationException inside the body, at the call site.
    [Coroutine]
    public static async Coroutine ReEnterWith(Action reEnter, List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            reEnter();
            log.Add("re-entered without an exception");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught in body: " + e.Message);
        }

        await co.Yield(2);
    }

    // API.md section 4: Throw(e) raised at the suspension point; caught and returning gives false and the Result.
    [Coroutine]
    public static async Coroutine<int> CatchAndReturn(Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (InvalidOperationException)
        {
            return 41;
        }

        return 0;
    }

    // API.md sections 3 and 4: a Throw(new CoroutineExitException()) that the body catches and then returns from is a
    // normal finish: Throw returns false and the returned value is in Result.
    [Coroutine]
    public static async Coroutine<int> CatchExitAndReturn(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("caught exit");
            return 42;
        }

        return 0;
    }

    // API.md section 4: a body that catches the exit of Close and returns is Closed, also when its handler first awaits a
    // sub that finishes at once: the body then returns from the resume after that delegation, not from the one that
    // raised the exit.
    [Coroutine]
    public static async Coroutine<int> CatchExitAwaitACleanupAndReturn(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("caught exit");
            int cleaned = await Cleanup(log, co);
            log.Add("cleanup returned " + cleaned);
            return 42;
        }

        return 0;
    }

    [Coroutine]
    public static async Coroutine<int> Cleanup(List<string> log, Yielder<int> co)
    {
        log.Add("cleanup");
        return 7;
    }

    // API.md section 4: a catch clause that does not name CoroutineExitException does not intercept it, wherever the exit
    // comes from; here the body raises it itself, in a try without a suspension point.
    [Coroutine]
    public static async Coroutine CatchExceptionAroundARaisedExit(List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            log.Add("raising");
            throw new CoroutineExitException();
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
        }

        await co.Yield(2);
    }

    [Coroutine]
    public static async Coroutine BareCatchAroundARaisedExit(List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            log.Add("raising");
            throw new CoroutineExitException();
        }
        catch
        {
            log.Add("caught");
        }

        await co.Yield(2);
    }

    // The same rule where the exit comes out of another coroutine's Throw, called from the body.
    [Coroutine]
    public static async Coroutine CatchExceptionAroundAnExitFromAnotherCoroutine(Coroutine<int, Unit, Unit> other, List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            other.Throw(new CoroutineExitException());
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
        }

        await co.Yield(2);
    }

    // API.md section 4: a clause catching a type parameter names the exit only when the type argument is CoroutineExitException;
    // with Exception it is a catch (Exception), which the exit passes. Around a suspension point (Close's exit) and around a
    // raised exit (a try without a suspension point, copied as it is).
    [Coroutine]
    public static async Coroutine CatchOfATypeParameter<TException>(List<string> log, Yielder<int> co)
        where TException : Exception
    {
        try
        {
            await co.Yield(1);
        }
        catch (TException e)
        {
            log.Add("caught " + e.GetType().Name);
        }

        await co.Yield(2);
        try
        {
            throw new CoroutineExitException();
        }
        catch (TException e)
        {
            log.Add("caught raised " + e.GetType().Name);
        }

        await co.Yield(3);
    }

    // API.md section 4: a catch (Exception) with a filter around a suspension point does not see Close's exit either.
    [Coroutine]
    public static async Coroutine FilteredCatchAll(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (Exception e) when (Note(log, "filter saw " + e.GetType().Name))
        {
            log.Add("caught");
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static bool Note(List<string> log, string text)
    {
        log.Add(text);
        return true;
    }

    // API.md section 4: Close on a suspended coroutine runs finally blocks and using disposals once, inner first.
    [Coroutine]
    public static async Coroutine Resources(List<string> log, Yielder<int> co)
    {
        using (new Logged(log, "outer"))
        {
            try
            {
                using (new Logged(log, "inner"))
                {
                    await co.Yield(1);
                }
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    // API.md section 4: MoveNext resumes the await with default(TSend), for reference and value types alike.
    [Coroutine]
    public static async Coroutine<string> SentOrDefault(Yielder<int, string> co)
    {
        string sent = await co.Yield(1);
        return sent ?? "null";
    }

    [Coroutine]
    public static async Coroutine<int> SentPlusOne(Yielder<int, int> co) => await co.Yield(1) + 1;

    // API.md sections 3 and 4: an exception the body raises while handling a Throw, or Close's exit, escapes instead.
    [Coroutine]
    public static async Coroutine RaisesInstead(Exception replacement, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (FormatException)
        {
            throw replacement;
        }
        catch (CoroutineExitException)
        {
            throw replacement;
        }
    }

    // API.md section 4: a body that raises another exception while closing: it escapes Close and the coroutine is Faulted.
    [Coroutine]
    public static async Coroutine FinallyThrows(Exception toThrow, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            throw toThrow;
        }
    }

    // API.md section 4: a finally that yields during Close: Close throws, Current is the value yielded during the close,
    // and the pending exit is re-raised when the finally finishes, leaving the coroutine Closed.
    [Coroutine]
    public static async Coroutine YieldingFinally(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally start");
            await co.Yield(100);
            log.Add("finally end");
        }
    }

    // API.md section 5: delegation, as the delegator sees it.
    [Coroutine]
    public static async Coroutine<int> Sub(List<string> log, Yielder<int, string> co)
    {
        try
        {
            string got = await co.Yield(10);
            log.Add("sub got " + (got ?? "null"));
            got = await co.Yield(20);
            log.Add("sub got " + (got ?? "null"));
            return 5;
        }
        catch (FormatException e)
        {
            log.Add("sub caught " + e.Message);
            await co.Yield(-1);
            return 6;
        }
        finally
        {
            log.Add("sub finally");
        }
    }

    [Coroutine]
    public static async Coroutine<int> Delegator(List<string> log, Yielder<int, string> co)
    {
        try
        {
            int result = await Sub(log, co);
            log.Add("delegator got " + result);
            await co.Yield(result * 100);
            return result;
        }
        catch (ArgumentException e)
        {
            log.Add("delegator caught " + e.GetType().Name + ": " + e.Message);
            return -1;
        }
        catch (CoroutineExitException)
        {
            log.Add("delegator caught exit");
            throw;
        }
        finally
        {
            log.Add("delegator finally");
        }
    }

    // A sub whose close throws.
    [Coroutine]
    public static async Coroutine SubThatThrowsOnClose(Yielder<int, string> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            throw new ArgumentException("from sub finally");
        }
    }

    [Coroutine]
    public static async Coroutine<string> CatchesAtTheAwait(List<string> log, Yielder<int, string> co)
    {
        try
        {
            await SubThatThrowsOnClose(co);
        }
        catch (ArgumentException e)
        {
            log.Add("caught at await: " + e.Message);
            return "handled";
        }

        return "not reached";
    }

    // API.md section 5: `await someCoroutine` on a stored object; already finished subs give their Result at once.
    [Coroutine]
    public static async Coroutine<int> AwaitStored(Coroutine<int, string, int> sub, List<string> log, Yielder<int, string> co)
    {
        int r = await sub;
        log.Add("stored sub returned " + r);
        return r;
    }

    // API.md section 5: inside YieldAll, sent values are discarded; Throw and Close dispose the enumerator and raise at the await.
    [Coroutine]
    public static async Coroutine<string> YieldAllItems(IEnumerable<int> items, List<string> log, Yielder<int, string> co)
    {
        try
        {
            await co.YieldAll(items);
            log.Add("yield all done");
            string after = await co.Yield(99);
            return after;
        }
        catch (FormatException e)
        {
            log.Add("caught at await: " + e.Message);
            return "caught";
        }
        catch (CoroutineExitException)
        {
            log.Add("exit at await");
            throw;
        }
    }

    // API.md section 1: a helper that takes the Yielder and returns what co.Yield returns is a suspension point.
    private static YieldAwaitable<int> Twice(Yielder<int, int> co, int value) => co.Yield(value * 2);

    [Coroutine]
    public static async Coroutine<int> UsesHelper(Yielder<int, int> co)
    {
        int got = await Twice(co, 21);
        return got;
    }

    // API.md section 4: foreach disposes (closes) the coroutine on break.
    [Coroutine]
    public static async Coroutine Counting(List<string> log, Yielder<int> co)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                await co.Yield(i);
            }
        }
        finally
        {
            log.Add("finally");
        }
    }

    // API.md section 4: an exception escaping the body escapes as the same object and leaves the coroutine Faulted.
    [Coroutine]
    public static async Coroutine Raises(Exception e, Yielder<int> co)
    {
        await co.Yield(1);
        throw e;
    }

    // API.md section 4: Throw/Close before the start run nothing.
    [Coroutine]
    public static async Coroutine LogsFromTheStart(List<string> log, Yielder<int> co)
    {
        log.Add("started");
        try
        {
            await co.Yield(1);
        }
        finally
        {
            log.Add("finally");
        }
    }
}

// API.md section 1: instance templates in a generic type, with a protected accessibility.
public partial class ConformanceHost<T>
{
    private readonly T seed;

    public ConformanceHost(T seed) => this.seed = seed;

    [Coroutine]
    protected async Coroutine<T> Echo(int times, Yielder<T, T> co)
    {
        T last = seed;
        for (int i = 0; i < times; i++)
        {
            last = await co.Yield(last);
        }

        return last;
    }

    public Coroutine<T, T, T> MakeEcho(int times) => Echo(times);

    public partial class Inner
    {
        [Coroutine]
        public static async Coroutine<T> Once(T value, Yielder<T> co)
        {
            await co.Yield(value);
            return value;
        }
    }
}

public sealed class Logged : IDisposable
{
    private readonly List<string> log;
    private readonly string name;

    public Logged(List<string> log, string name)
    {
        this.log = log;
        this.name = name;
    }

    public void Dispose() => log.Add("dispose " + name);
}

public sealed class TrackedItems : IEnumerable<int>
{
    private readonly int[] items;

    public TrackedItems(params int[] items) => this.items = items;

    public int Disposed { get; private set; }

    public IEnumerator<int> GetEnumerator()
    {
        try
        {
            foreach (int item in items)
            {
                yield return item;
            }
        }
        finally
        {
            Disposed++;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

// API.md section 5: a sub-coroutine whose TYield2 converts implicitly to TYield and whose TSend2 is assignable from TSend,
// by conversions that are not reference conversions (numeric, nullable, boxing).
// A yield type that an int converts to by a user-defined conversion, which fails for 11.
public readonly struct Meters
{
    public readonly int V;

    public Meters(int v) => V = v;

    public static implicit operator Meters(int x) => x == 11 ? throw new FormatException("no " + x + " m") : new Meters(x);
}

// A send type that converts to int by a user-defined conversion, which fails for 13.
public readonly struct Feet
{
    public readonly int V;

    public Feet(int v) => V = v;

    public static implicit operator int(Feet f) => f.V == 13 ? throw new FormatException("no " + f.V + " ft") : f.V;
}

public static partial class ConvertingTemplates
{
    [Coroutine]
    public static async Coroutine<int> CountsWithFinally(List<string> log, Yielder<int, int> co)
    {
        try
        {
            int a = await co.Yield(10);
            log.Add("sub got " + a);
            await co.Yield(11);
            await co.Yield(12);
        }
        finally
        {
            log.Add("sub finally");
        }

        return 0;
    }

    [Coroutine]
    public static async Coroutine<int> FinallyThrows(List<string> log, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(10);
            await co.Yield(11);
        }
        finally
        {
            if (log.Count >= 0)
            {
                throw new ArgumentException("from sub finally");
            }
        }

        return 0;
    }

    // int values along a chain of Meters: the conversion of 11 fails.
    [Coroutine]
    public static async Coroutine<int> InMeters(Coroutine<int, int, int> sub, List<string> log, Yielder<Meters, int> co)
    {
        try
        {
            await sub;
        }
        catch (FormatException e)
        {
            log.Add("delegator caught " + e.Message);
            await co.Yield(new Meters(99));
        }

        return 0;
    }

    // Feet sent into a sub that takes int: the conversion of 13 fails.
    [Coroutine]
    public static async Coroutine<int> InFeet(Coroutine<int, int, int> sub, List<string> log, Yielder<int, Feet> co)
    {
        try
        {
            await sub;
        }
        catch (FormatException e)
        {
            log.Add("delegator caught " + e.Message);
            await co.Yield(99);
        }

        return 0;
    }

    // A sub that ignores the exit, behind a conversion (int values along a chain of long).
    [Coroutine]
    public static async Coroutine<string> OverStubbornInLongs(List<string> log, Yielder<long> co)
    {
        try
        {
            await ExitIntoDelegationTemplates.StubbornSub(log);
        }
        catch (InvalidOperationException e)
        {
            log.Add("delegator caught InvalidOperationException: " + e.Message);
            return "ioe";
        }

        return "normal";
    }

    [Coroutine]
    public static async Coroutine<int> Ints(List<string> log, Yielder<int, int> co)
    {
        try
        {
            int a = await co.Yield(1);
            log.Add("ints got " + a);
            int b = await co.Yield(2);
            log.Add("ints got " + b);
            return a + b;
        }
        catch (FormatException e)
        {
            log.Add("ints caught " + e.Message);
            await co.Yield(-1);
            return -1;
        }
        finally
        {
            log.Add("ints finally");
        }
    }

    // A sub that takes int? awaited by a delegator that takes int (nullable conversion of sent values).
    [Coroutine]
    public static async Coroutine TakesNullable(List<string> log, Yielder<int, int?> co)
    {
        int? a = await co.Yield(1);
        log.Add("got " + (a?.ToString() ?? "null"));
        int? b = await co.Yield(2);
        log.Add("got " + (b?.ToString() ?? "null"));
    }

    [Coroutine]
    public static async Coroutine SendsInts(List<string> log, Yielder<int, int> co) => await TakesNullable(log);

    // int values along a chain of long, short values sent into a sub that takes int.
    [Coroutine]
    public static async Coroutine<long> Widening(List<string> log, Yielder<long, short> co)
    {
        try
        {
            int r = await Ints(log);
            log.Add("widening got " + r);
            await co.Yield(r * 1000L);
            return r;
        }
        catch (ArgumentException e)
        {
            log.Add("widening caught " + e.Message);
            return -2;
        }
        catch (CoroutineExitException)
        {
            log.Add("widening caught exit");
            throw;
        }
    }

    // A stored coroutine object: int values along a chain of int? (nullable conversion).
    [Coroutine]
    public static async Coroutine<int> IntoNullable(Coroutine<int, int, int> sub, Yielder<int?, int> co)
    {
        int r = await sub;
        await co.Yield(null);
        return r;
    }

    // Boxing: int values along a chain of object.
    [Coroutine]
    public static async Coroutine Boxing(List<string> log, Yielder<object, int> co)
    {
        await Ints(log);
        await co.Yield("done");
    }

    [Coroutine]
    public static async Coroutine SubThatThrowsOnClose(Yielder<int, int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            throw new ArgumentException("from sub finally");
        }
    }

    [Coroutine]
    public static async Coroutine<string> CloseThrowsAtTheAwait(List<string> log, Yielder<long, int> co)
    {
        try
        {
            await SubThatThrowsOnClose();
        }
        catch (ArgumentException e)
        {
            log.Add("caught at await: " + e.Message);
            return "handled";
        }

        return "not reached";
    }
}

// API.md section 3: Coroutine and Coroutine<TReturn> may be awaited inside templates (delegation type-checks through them).
public static partial class BaseTypedAwaitTemplates
{
    [Coroutine]
    public static async Coroutine<string> AwaitPlain(Coroutine sub, Yielder<int> co)
    {
        await sub;
        await co.Yield(-1);
        return "after plain";
    }

    [Coroutine]
    public static async Coroutine<string> AwaitWithResult(Coroutine<int> sub, Yielder<int> co)
    {
        int r = await sub;
        return "result " + r;
    }

    [Coroutine]
    public static async Coroutine<int> Numbers(Yielder<int> co)
    {
        await co.Yield(1);
        await co.Yield(2);
        return 3;
    }

    [Coroutine]
    public static async Coroutine Words(Yielder<string> co) => await co.Yield("w");

    [Coroutine]
    public static async Coroutine<int> Failing(Yielder<int> co)
    {
        await co.Yield(1);
        throw new FormatException("sub failed");
    }

    // README: a sub that ended without a result (Faulted or Closed) raises InvalidOperationException at the await.
    [Coroutine]
    public static async Coroutine<string> AwaitFinished(Coroutine<int, Unit, int> sub, Yielder<int> co)
    {
        try
        {
            return "result " + await sub;
        }
        catch (InvalidOperationException e)
        {
            await co.Yield(-1);
            return "no result: " + e.Message;
        }
    }
}

// API.md section 1: a template may have any other parameters, whatever their names; the generated class's own members
// must not change what they mean.
public static partial class ParameterNameTemplates
{
    [Coroutine]
    public static async Coroutine<int> NamedLikeBaseMembers(int state, int Running, string Current, int returnValue, Yielder<int> co)
    {
        await co.Yield(state);
        await co.Yield(Running);
        await co.Yield(Current.Length);
        return state + Running + returnValue;
    }

    [Coroutine]
    public static async Coroutine<string> NamedLikeMembersAfterTheYielder(Yielder<string> co, string NotStarted, string Result)
    {
        await co.Yield(NotStarted);
        return Result;
    }
}

// API.md section 2: the generated class never behaves differently from the template. Static members of the template's
// type named like members of the generated class mean the same as in the template.
public static partial class StaticNameTemplates
{
    private static int Current = 40;

    private static string State => "state of the type";

    private static int Send(int x) => x + 1;

    private static readonly List<string> Result = new();

    [Coroutine]
    public static async Coroutine<int> UsesStaticsNamedLikeMembers(Yielder<int> co)
    {
        await co.Yield(Current);
        await co.Yield(State.Length);
        Result.Add("added");
        await co.Yield(Send(1));
        return Result.Count;
    }
}

// API.md section 5: Throw(new CoroutineExitException()) into a delegator behaves like Close: the sub is closed first.
public static partial class ExitIntoDelegationTemplates
{
    // A cleanup coroutine that finishes at once.
    [Coroutine]
    public static async Coroutine<int> CleanupAtOnce(List<string> log, Yielder<int, int> co)
    {
        log.Add("cleanup ran");
        return 1;
    }

    // Catches the exit, awaits a cleanup coroutine, then returns.
    [Coroutine]
    public static async Coroutine<int> CleansUpAndReturns(List<string> log, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(10);
        }
        catch (CoroutineExitException)
        {
            log.Add("sub caught exit");
            await CleanupAtOnce(log, co);
            return 8;
        }

        return 0;
    }

    // Catches the exit, awaits a cleanup coroutine, then yields (it ignores the exit).
    [Coroutine]
    public static async Coroutine<int> CleansUpAndYields(List<string> log, Yielder<int, int> co)
    {
        try
        {
            await co.Yield(10);
        }
        catch (CoroutineExitException)
        {
            log.Add("sub caught exit");
            await CleanupAtOnce(log, co);
            await co.Yield(11);
            log.Add("sub resumed after ignoring the exit");
            return 8;
        }

        return 0;
    }

    [Coroutine]
    public static async Coroutine<int> OverStoredSub(Coroutine<int, int, int> sub, List<string> log, Yielder<int, int> co)
    {
        try
        {
            await sub;
        }
        catch (CoroutineExitException)
        {
            log.Add("delegator caught exit");
            return 4;
        }
        catch (InvalidOperationException e)
        {
            log.Add("delegator caught InvalidOperationException: " + e.Message);
            return 6;
        }

        return 0;
    }

    // A sub that ignores the exit: it yields when it catches it.
    [Coroutine]
    public static async Coroutine StubbornSub(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("sub caught exit");
            await co.Yield(2);
            log.Add("sub resumed after ignoring the exit");
        }
    }

    // A sub that catches the exit and returns a value.
    [Coroutine]
    public static async Coroutine<int> ReturningSub(List<string> log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException)
        {
            log.Add("sub caught exit");
            return 7;
        }

        return 0;
    }

    [Coroutine]
    public static async Coroutine<string> OverStubborn(List<string> log, Yielder<int> co)
    {
        try
        {
            await StubbornSub(log, co);
            log.Add("delegator resumed normally");
            await co.Yield(3);
            return "normal";
        }
        catch (InvalidOperationException e)
        {
            log.Add("delegator caught InvalidOperationException: " + e.Message);
            return "ioe";
        }
        catch (CoroutineExitException)
        {
            log.Add("delegator caught exit");
            throw;
        }
    }

    [Coroutine]
    public static async Coroutine<string> OverReturning(List<string> log, Yielder<int> co)
    {
        try
        {
            int r = await ReturningSub(log, co);
            log.Add("delegator got " + r);
            await co.Yield(r);
            return "normal";
        }
        catch (CoroutineExitException)
        {
            log.Add("delegator caught exit");
            throw;
        }
    }

    // Three levels: the exit reaches this one through OverReturning, whose sub ended quietly.
    [Coroutine]
    public static async Coroutine<string> OverOverReturning(List<string> log, Yielder<int> co)
    {
        try
        {
            return await OverReturning(log, co);
        }
        catch (CoroutineExitException)
        {
            log.Add("outer caught exit");
            throw;
        }
        finally
        {
            log.Add("outer finally");
        }
    }
}

public static partial class EnumerationTemplates
{
    [Coroutine]
    public static async Coroutine Three(Yielder<int> co)
    {
        await co.Yield(1);
        await co.Yield(2);
        await co.Yield(3);
    }

    // API.md section 1: co may be passed around; a helper on it is a suspension point, and so is an alias of it.
    [Coroutine]
    public static async Coroutine<int> ThroughAnAlias(Yielder<int, int> co)
    {
        Yielder<int, int> alias = co;
        int a = await alias.Yield(10);
        return a;
    }
}

// API.md section 4: whenever CoroutineExitException escapes the body, the coroutine ends Closed, not Faulted.
public static partial class EscapingExitTemplates
{
    // Yields in a finally: closed at the first yield, it ignores the exit, which stays pending until the finally ends.
    [Coroutine]
    public static async Coroutine<int> YieldsInFinally(Yielder<int, int> co)
    {
        try
        {
            await co.Yield(1);
        }
        finally
        {
            await co.Yield(2);
        }

        return 5;
    }

    // Drives another coroutine by hand from its body: what escapes that coroutine's MoveNext escapes this body.
    [Coroutine]
    public static async Coroutine<int> DrivesByHand(Coroutine<int, int, int> other, Yielder<int, int> co)
    {
        await co.Yield(1);
        other.MoveNext();
        await co.Yield(2);
        return 0;
    }

    // Catches Close's exit and keeps it.
    [Coroutine]
    public static async Coroutine KeepsTheExit(List<CoroutineExitException> kept, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
        }
        catch (CoroutineExitException e)
        {
            kept.Add(e);
        }
    }

    // Throws an exit that another coroutine kept.
    [Coroutine]
    public static async Coroutine ThrowsAKeptExit(List<CoroutineExitException> kept, Yielder<int> co)
    {
        await co.Yield(1);
        throw kept[0];
    }

    // The exit escapes through a finally that throws and catches another exception on its way.
    [Coroutine]
    public static async Coroutine ExitThroughABusyFinally(List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            throw new CoroutineExitException();
        }
        finally
        {
            try
            {
                throw new FormatException("handled inside the finally");
            }
            catch (FormatException e)
            {
                log.Add("finally handled " + e.Message);
            }
        }
    }

    // Another exception escapes through a finally that throws and catches an exit on its way.
    [Coroutine]
    public static async Coroutine FaultThroughAFinallyThatHandlesAnExit(List<string> log, Yielder<int> co)
    {
        await co.Yield(1);
        try
        {
            throw new FormatException("escapes");
        }
        finally
        {
            try
            {
                throw new CoroutineExitException();
            }
            catch (CoroutineExitException)
            {
                log.Add("finally handled an exit");
            }
        }
    }
}
