using System;
using System.IO;
using CoroGen;

namespace Samples;

public static partial class Regions
{
    [Coroutine]
    public static async Coroutine Guarded(TextWriter log, Yielder<int> co)
    {
        try
        {
            await co.Yield(1);
            using (var reader = new StringReader("a\nb"))
            {
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    await co.Yield(line.Length);
                }
            }
        }
        catch (InvalidOperationException e) when (e.Message.Length > 0)
        {
            log.WriteLine("caught " + e.Message);
        }
        catch (Exception e)
        {
            log.WriteLine("any " + e.GetType().Name);
            throw;
        }
        finally
        {
            log.WriteLine("finally");
        }

        using var last = new StringWriter();
        await co.Yield(2);
        last.Write("done");
    }
}
