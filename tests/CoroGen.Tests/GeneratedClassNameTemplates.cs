using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

// Templates that name generated classes (API.md section 2): as a field's, parameter's, local's or method's type, in a
// generic argument, qualified by another type, generic. Each must generate, build cleanly and delegate.
public static partial class GeneratedClassNameTemplates
{
    [Coroutine]
    public static async Coroutine<int> Adder(Yielder<string, int> co)
    {
        int a = await co.Yield("first");
        int b = await co.Yield("second");
        return a + b;
    }

    [Coroutine]
    public static async Coroutine<T> Echo<T>(T value, Yielder<string, int> co)
    {
        int n = await co.Yield("echo " + value);
        return n == 0 ? value : default!;
    }

    public static AdderCoroutine? Field;

    public static AdderCoroutine Make() => Adder();

    [Coroutine]
    public static async Coroutine FromField(List<string> log, Yielder<string, int> co)
    {
        int r = await Field!;
        log.Add("field " + r);
        await co.Yield("done " + r);
    }

    [Coroutine]
    public static async Coroutine FromParameter(AdderCoroutine sub, List<string> log, Yielder<string, int> co)
    {
        int r = await sub;
        log.Add("parameter " + r);
        await co.Yield("done " + r);
    }

    [Coroutine]
    public static async Coroutine FromLocal(List<string> log, Yielder<string, int> co)
    {
        AdderCoroutine sub = Adder();
        int r = await sub;
        log.Add("local " + r + " " + sub.Result);
        await co.Yield("done " + r);
    }

    [Coroutine]
    public static async Coroutine FromMethod(List<string> log, Yielder<string, int> co)
    {
        int r = await Make();
        log.Add("method " + r);
        await co.Yield("done " + r);
    }

    [Coroutine]
    public static async Coroutine FromList(List<string> log, Yielder<string, int> co)
    {
        List<AdderCoroutine> subs = new() { Adder(), Adder() };
        int total = 0;
        foreach (AdderCoroutine sub in subs)
        {
            total += await sub;
        }

        log.Add("list " + total);
        await co.Yield("done " + total);
    }

    [Coroutine]
    public static async Coroutine FromOtherType(List<string> log, Yielder<string, int> co)
    {
        GeneratedClassNameOther.TwiceCoroutine sub = GeneratedClassNameOther.Twice();
        int r = await sub;
        log.Add("other " + r);
        await co.Yield("done " + r);
    }

    [Coroutine]
    public static async Coroutine FromGeneric(List<string> log, Yielder<string, int> co)
    {
        EchoCoroutine<string> sub = Echo("x");
        string r = await sub;
        log.Add("generic " + r);
        await co.Yield("done " + r);
    }
}

public static partial class GeneratedClassNameOther
{
    [Coroutine]
    public static async Coroutine<int> Twice(Yielder<string, int> co) => 2 * await co.Yield("twice");
}
