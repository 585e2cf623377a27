#nullable disable
// Ref locals and ref struct locals whose scope contains a suspension point but that are dead at every one (C# 13 accepts
// them in async methods, so the oracle runs these templates as they are): CoroGen keeps them as locals of Resume. Files
// named *.CSharp13.cs stay out of GeneratedCodeCompatibilityTests' C# 10-12 corpus, where such templates are errors.
using System;
using System.Collections.Generic;
using CoroGen;

namespace CoroGen.Tests;

public static partial class ConstructTemplates
{
    // A span per iteration, used only before the loop body's yield; the sent value goes to the array behind it.
    [Coroutine]
    public static async Coroutine<string> SpanPerIterationBeforeYield(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 1, 2, 3, 4 };
        int total = 0;
        foreach (int chunk in new[] { 0, 1 })
        {
            Span<int> part = data.AsSpan(chunk * 2, 2);
            total += part[0] + part[1];
            int got = await co.Yield(total);
            data[chunk * 2] += got;
            log.Add("got:" + got);
        }

        return total + ";" + string.Join(",", data);
    }

    // stackalloc, scoped, ref readonly, foreach by ref, a nested block and a yield operand that reads the span; after the
    // yield the span is assigned again before it is read, so it is dead there.
    [Coroutine]
    public static async Coroutine<string> StackallocScopedAndRefReadonly(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 5, 6, 7 };
        Span<int> buf = stackalloc int[3];
        data.CopyTo(buf);
        scoped ReadOnlySpan<int> view = buf.Slice(1);
        ref readonly int first = ref data[0];
        foreach (ref int x in buf)
        {
            x += first;
        }

        {
            int inner = view[0] + buf[2];
            log.Add("inner:" + inner);
        }

        int got = await co.Yield(buf[0] + view.Length);
        buf = stackalloc int[2];
        buf[0] = got;
        buf[1] = got * 2;
        int sum = buf[0] + buf[1];
        view = data;
        sum += view[2];
        await co.Yield(sum);
        return sum + ";" + string.Join(",", data);
    }

    // A span assigned at the top of each iteration of a while loop with two yields, one in a nested if, and a ref local
    // used before the first.
    [Coroutine]
    public static async Coroutine<string> SpanReassignedInLoopWithTwoYields(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 1, 2, 3, 4, 5, 6 };
        int i = 0;
        int total = 0;
        while (i < 3)
        {
            ReadOnlySpan<int> pair = data.AsSpan(i * 2, 2);
            ref int slot = ref data[i * 2];
            slot += 100;
            total += pair[0] * 10 + pair[1];
            int last = pair[1];
            if (total % 2 == 0)
            {
                total += await co.Yield(last);
            }

            int sent = await co.Yield(total);
            pair = data.AsSpan(0, 1);
            total += pair[0] + sent;
            i++;
        }

        return total + ";" + string.Join(",", data);
    }

    // Sibling blocks and switch sections declaring spans of the same name, each used before its block's yield.
    [Coroutine]
    public static async Coroutine<string> SameNamedSpansInFlattenedBlocks(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 3, 4, 5 };
        int total = 0;
        {
            Span<int> s = data.AsSpan(0, 2);
            total += s[0] * s[1];
            total += await co.Yield(total);
        }

        {
            Span<int> s = data.AsSpan(1);
            total += s.Length;
            total += await co.Yield(total);
        }

        switch (total % 3)
        {
            case 0:
                Span<char> t = stackalloc char[2];
                t[0] = 'a';
                t[1] = 'b';
                log.Add(t.ToString());
                total += await co.Yield(0);
                break;
            default:
                ReadOnlySpan<char> u = "xyz";
                log.Add(u.Slice(1).ToString());
                total += await co.Yield(1);
                break;
        }

        return total.ToString();
    }

    // Spans in a try body, a catch block and a finally block that suspend (moved out of the handlers by the lowering), in a
    // switch section reached by goto case, and one assigned again on both branches of an if after a yield.
    [Coroutine]
    public static async Coroutine<string> SpanLocalsInHandlersAndSwitches(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 2, 4, 6, 8 };
        int total = 0;
        try
        {
            Span<int> head = data.AsSpan(0, 2);
            total += head[0] + head[1];
            int got = await co.Yield(total);
            if (got > 1)
            {
                head = data.AsSpan(2);
            }
            else
            {
                head = data.AsSpan(1, 1);
            }

            total += head[0];
            if (got == 3)
            {
                throw new InvalidOperationException("three");
            }
        }
        catch (InvalidOperationException e)
        {
            ReadOnlySpan<char> message = e.Message;
            log.Add("caught:" + message.Slice(0, 2).ToString());
            total += await co.Yield(message.Length);
        }
        finally
        {
            Span<int> tail = data.AsSpan(2);
            tail[0] += total;
            log.Add("finally:" + (tail[0] + tail[1]));
            await co.Yield(tail[1]);
        }

        switch (total % 2)
        {
            case 0:
                Span<int> even = data.AsSpan(0, 1);
                total += even[0];
                total += await co.Yield(even[0]);
                goto case 1;
            case 1:
                ReadOnlySpan<int> odd = data;
                total += odd.Length;
                await co.Yield(odd[3]);
                break;
        }

        return total + ";" + string.Join(",", data);
    }

    // A span used inside an if that suspends, dead at its yield; then assigned on both branches of an if before it is read
    // in a while loop, at the top of a for loop whose yield sits in nested blocks, and by a do-while's condition.
    [Coroutine]
    public static async Coroutine<string> SpanInNestedStatementsThatSuspend(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 1, 2, 3, 4 };
        int total = 0;
        Span<int> buf = stackalloc int[4];
        if (data[0] == 1)
        {
            buf.Fill(3);
            total = buf[0] + buf[3];
            log.Add("sent:" + await co.Yield(total));
        }
        else
        {
            buf[0] = 9;
            total = buf[0];
        }

        int k = 0;
        while (k < 3)
        {
            if (k % 2 == 0)
            {
                buf = data.AsSpan(k, 2);
            }
            else
            {
                buf = data.AsSpan(0, 1);
            }

            buf[0] += k;
            total += await co.Yield(buf[0]);
            k++;
        }

        for (int i = 0; i < 2; i++)
        {
            buf = data.AsSpan(i);
            {
                {
                    total += buf.Length;
                    await co.Yield(buf[0]);
                }
            }
        }

        buf = data.AsSpan(2);
        do
        {
            buf[0]++;
            log.Add("do:" + buf[0]);
            await co.Yield(buf[0]);
        }
        while (++k < 5 && (buf = data.AsSpan(k - 3)).Length > 0);

        return total + ";" + string.Join(",", data);
    }

    // Spans in switch sections that suspend (a section reached by goto case assigns before it reads), in a try with a
    // finally and in a using (assigned in the block before it is read there), across a goto back to a label that assigns
    // it, and a ref local declared in a loop and used in a nested if only before its yield.
    [Coroutine]
    public static async Coroutine<string> SpanInSwitchTryUsingAndGoto(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 2, 4, 6, 8 };
        int total = 0;
        Span<int> s = data.AsSpan(1);
        total += s[0];
        switch (total % 3)
        {
            case 0:
                s = data.AsSpan(0, 1);
                total += s[0];
                await co.Yield(s[0]);
                break;
            case 1:
                s[1] += 1;
                total += await co.Yield(s[1]);
                goto case 0;
        }

        try
        {
            s = data.AsSpan(2);
            s[0] += total;
            await co.Yield(s[1]);
        }
        finally
        {
            log.Add("finally:" + data[2]);
        }

        using (var reader = new System.IO.StringReader("ab"))
        {
            s = data;
            log.Add("read:" + (char)reader.Read());
            await co.Yield(s[3]);
        }

        int n = 0;
    again:
        s = data.AsSpan(n);
        s[0] += 1;
        if (n < 2)
        {
            total += await co.Yield(s[0]);
            n++;
            goto again;
        }

        for (int i = 0; i < 3; i++)
        {
            ref int slot = ref data[i];
            slot += 10;
            if (slot % 2 == 0)
            {
                slot *= 2;
                await co.Yield(slot);
            }
        }

        return total + ";" + string.Join(",", data);
    }

    // Found by the span fuzzer: ref locals and spans that first refer to a local the generated class keeps as a field (x,
    // live across the yields), then to stack memory, in the statements lowered around the yields and in a block copied as it
    // is. In the template their initializers give them x's narrow safe context; the generated declarations must keep it
    // (scoped), or giving them stack memory does not compile.
    [Coroutine]
    public static async Coroutine<string> RefAndSpanToAHoistedLocalThenToStackMemory(List<string> log, Yielder<int, int> co)
    {
        int x = await co.Yield(1);
        Span<int> buf = stackalloc int[] { 7, 8 };
        ref int r = ref x;
        r += 10;
        r = ref buf[1];
        r += x;
        Span<int> view = new Span<int>(ref x);
        view[0] += buf[1];
        view = buf;
        log.Add("view:" + view[0] + "," + view[1]);
        {
            // A block with no suspension point, copied as it is.
            Span<int> one = new Span<int>(ref x);
            one[0] += 100;
            one = stackalloc int[] { 3 };
            ref int q = ref x;
            q += one[0];
            q = ref one[0];
            q += 1;
            log.Add("one:" + one[0]);
        }

        x += await co.Yield(x);
        return x.ToString();
    }

    // A ref local ref reassigned after each suspension point before any other use: dead at each of them, so a local of
    // Resume (a loop's next iteration reassigns it first, too).
    [Coroutine]
    public static async Coroutine<string> RefLocalReboundAfterEachYield(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 1, 2, 3 };
        ref int r = ref data[0];
        r += 10;
        int sent = await co.Yield(r);
        r = ref data[1 + (sent & 1)];
        r *= 5;
        for (int i = 0; i < 2; i++)
        {
            r = ref data[i];
            r++;
            log.Add("r:" + r);
            await co.Yield(r);
        }

        return string.Join(",", data);
    }

    // Spans declared by an out argument (OutWindow(data, 0, out Span<int> s)), dead at each yield: locals of Resume,
    // declared by the copied call; in the loop, each iteration's call declares its span again.
    [Coroutine]
    public static async Coroutine<string> SpanDeclaredByAnOutArgument(List<string> log, Yielder<int, int> co)
    {
        int[] data = { 1, 2, 3 };
        OutWindow(data, 0, out Span<int> s);
        s[0] += 10;
        await co.Yield(s[0]);
        for (int i = 1; i < 3; i++)
        {
            OutWindow(data, i, out var w);
            w[0] *= 2;
            log.Add("w:" + w[0]);
            await co.Yield(w[0]);
        }

        return string.Join(",", data);
    }

    private static void OutWindow(int[] data, int at, out Span<int> span) => span = data.AsSpan(at);

    // A local of a type parameter that allows ref struct (a span here), dead at every suspension point: a local of Resume,
    // as a ref struct local is (live across one, it is COROGEN007: GeneratorOnCSharp13Tests).
    [Coroutine]
    public static async Coroutine<string> AllowsRefStructLocalDeadAtYields<TValue>(List<string> log, Func<int, TValue> make, Func<TValue, int> measure, Yielder<int, int> co)
        where TValue : allows ref struct
    {
        int total = 0;
        for (int i = 1; i <= 2; i++)
        {
            TValue value = make(i);
            total += measure(value);
            int got = await co.Yield(total);
            log.Add("got:" + got);
            value = make(got);
            total += measure(value);
        }

        return total.ToString();
    }
}
