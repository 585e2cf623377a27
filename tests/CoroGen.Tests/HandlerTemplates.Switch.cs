using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Switch statements with suspension points, and checked/unchecked blocks.
public static partial class HandlerTemplates
{
    public enum Light
    {
        Red,
        Amber,
        Green,
    }

    public sealed record Shape(string Kind, int Size);

    // 33. goto case, goto default, yields in several sections, a yield in the governing expression.
    [Coroutine]
    public static async Coroutine Case33_SwitchWithGotoCase(List<string> log, Yielder<int, int> co)
    {
        switch (await co.Yield(0))
        {
            case 0:
                log.Add("zero");
                await co.Yield(10);
                goto case 2;
            case 1:
                log.Add("one");
                goto default;
            case 2:
                log.Add("two");
                await co.Yield(20);
                break;
            default:
                log.Add("default");
                await co.Yield(99);
                break;
        }

        log.Add("after");
    }

    [Coroutine]
    public static async Coroutine SwitchOnIntInLoop(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 5; i++)
        {
            switch (i % 3)
            {
                case 0:
                    await co.Yield(i);
                    log.Add("zero " + i);
                    break;
                case 1:
                    if (i > 3) continue;
                    await co.Yield(-i);
                    break;
                default:
                    log.Add("two " + i);
                    if (i == 5) break;
                    await co.Yield(100 + i);
                    break;
            }

            log.Add("after switch " + i);
        }
    }

    [Coroutine]
    public static async Coroutine SwitchOnTypePatterns(List<string> log, Yielder<int> co)
    {
        foreach (object o in new object[] { 3, "four", 5L, new Shape("sq", 2), null! })
        {
            switch (o)
            {
                case int n when n > 2:
                    await co.Yield(n);
                    log.Add("int " + n);
                    break;
                case string s:
                    await co.Yield(s.Length);
                    log.Add("string " + s);
                    break;
                case Shape { Kind: "sq", Size: var size } shape:
                    await co.Yield(size);
                    log.Add("shape " + shape.Kind + size);
                    break;
                case null:
                    log.Add("null");
                    await co.Yield(0);
                    break;
                default:
                    log.Add("other " + o);
                    break;
            }
        }
    }

    [Coroutine]
    public static async Coroutine SwitchOnStrings(List<string> log, Yielder<int> co)
    {
        foreach (string command in new[] { "go", "stop", "wait", "GO" })
        {
            switch (command)
            {
                case "go":
                case "GO":
                    await co.Yield(1);
                    log.Add("going " + command);
                    break;
                case "wait":
                    await co.Yield(2);
                    goto case "go";
                default:
                    log.Add("unknown " + command);
                    break;
            }
        }
    }

    [Coroutine]
    public static async Coroutine SwitchDefaultInTheMiddle(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            switch (i)
            {
                case 0:
                    await co.Yield(0);
                    break;
                default:
                    await co.Yield(50 + i);
                    log.Add("default " + i);
                    break;
                case 2:
                    log.Add("two");
                    goto default;
            }
        }
    }

    [Coroutine]
    public static async Coroutine<int> SwitchReturnsFromSection(List<string> log, Yielder<int> co)
    {
        int total = 0;
        for (int i = 0; ; i++)
        {
            switch (i)
            {
                case < 2:
                    await co.Yield(i);
                    total += i;
                    break;
                case 2:
                    await co.Yield(22);
                    return total;
            }
        }
    }

    [Coroutine]
    public static async Coroutine NestedSwitches(List<string> log, Yielder<int> co)
    {
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                switch (a)
                {
                    case 0:
                        switch (b)
                        {
                            case 0:
                                await co.Yield(0);
                                break;
                            default:
                                log.Add("inner default");
                                break;
                        }

                        log.Add("after inner " + b);
                        break;
                    case 1:
                        await co.Yield(10 + b);
                        break;
                }
            }
        }
    }

    [Coroutine]
    public static async Coroutine SwitchInsideSuspendingFinally(List<string> log, Yielder<int> co)
    {
        for (int i = 0; i < 3; i++)
        {
            try
            {
                switch (i)
                {
                    case 1:
                        await co.Yield(1);
                        break;
                    case 2:
                        log.Add("two leaves the loop");
                        goto Done;
                    default:
                        await co.Yield(-1);
                        continue;
                }

                log.Add("after switch " + i);
            }
            finally
            {
                log.Add("finally " + i);
                await co.Yield(100 + i);
            }
        }

    Done:
        log.Add("done");
    }

    [Coroutine]
    public static async Coroutine SwitchOnEnum(List<string> log, Yielder<int> co)
    {
        foreach (Light light in new[] { Light.Green, Light.Amber, Light.Red })
        {
            switch (light)
            {
                case Light.Red:
                    await co.Yield(0);
                    log.Add("stop");
                    break;
                case Light.Amber:
                    log.Add("careful");
                    goto case Light.Red;
                case Light.Green:
                    await co.Yield(2);
                    break;
            }
        }
    }

    [Coroutine]
    public static async Coroutine SwitchWithoutMatch(List<string> log, Yielder<int> co)
    {
        switch (DateTime.MinValue.Year + 5)
        {
            case 1:
                await co.Yield(1);
                break;
        }

        await co.Yield(2);
        log.Add("end");
    }

    [Coroutine]
    public static async Coroutine SwitchWhenClauses(List<string> log, Yielder<int> co)
    {
        int limit = 2;
        for (int i = 0; i < 4; i++)
        {
            switch (i)
            {
                case var small when small < limit && Note(log, "when " + small):
                    await co.Yield(small);
                    limit++;
                    log.Add("small " + small + " limit " + limit);
                    break;
                case var big:
                    await co.Yield(big * 10);
                    log.Add("big " + big);
                    break;
            }
        }
    }

    [Coroutine]
    public static async Coroutine SwitchSectionLocals(List<string> log, Yielder<int> co)
    {
        switch (log.Count)
        {
            case 0:
                int twice = 2;
                await co.Yield(twice);
                string text = "n=" + twice;
                await co.Yield(text.Length);
                log.Add(text);
                break;
            default:
                break;
        }
    }

    [Coroutine]
    public static async Coroutine SwitchThrowsInSection(List<string> log, Yielder<int> co)
    {
        try
        {
            switch (log.Count)
            {
                case 0:
                    await co.Yield(1);
                    throw new FormatException("from section");
            }
        }
        catch (FormatException e)
        {
            log.Add("caught " + e.Message);
            await co.Yield(2);
        }
    }

    // ---- checked / unchecked ----

    [Coroutine]
    public static async Coroutine CheckedOverflowAfterYield(List<string> log, Yielder<int> co)
    {
        int big = int.MaxValue - 1;
        try
        {
            checked
            {
                big++;
                await co.Yield(1);
                big++;
                log.Add("not reached " + big);
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow at " + big);
        }
    }

    [Coroutine]
    public static async Coroutine UncheckedWraps(List<string> log, Yielder<int> co)
    {
        int big = int.MaxValue;
        unchecked
        {
            await co.Yield(1);
            big += 1;
            log.Add("wrapped " + big);
        }

        await co.Yield(big);
    }

    [Coroutine]
    public static async Coroutine CheckedInsideUnchecked(List<string> log, Yielder<int> co)
    {
        int value = int.MaxValue;
        unchecked
        {
            value++;
            await co.Yield(value);
            checked
            {
                await co.Yield(1);
                try
                {
                    value--;
                    value--;
                    log.Add("no overflow yet " + value);
                    value = int.MinValue;
                    value--;
                }
                catch (OverflowException)
                {
                    log.Add("checked overflow");
                }
            }
        }
    }

    [Coroutine]
    public static async Coroutine CheckedLoopCondition(List<string> log, Yielder<int> co)
    {
        byte b = 250;
        try
        {
            checked
            {
                while (b + 0 >= 0)
                {
                    await co.Yield(b);
                    b++;
                }
            }
        }
        catch (OverflowException)
        {
            log.Add("byte overflow at " + b);
        }
    }

    [Coroutine]
    public static async Coroutine CheckedSwitchSection(List<string> log, Yielder<int> co)
    {
        long l = long.MaxValue;
        checked
        {
            switch (l > 0)
            {
                case true:
                    await co.Yield(1);
                    try
                    {
                        l++;
                    }
                    catch (OverflowException)
                    {
                        log.Add("long overflow");
                    }

                    break;
            }
        }
    }
}
