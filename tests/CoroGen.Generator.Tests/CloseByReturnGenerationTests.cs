using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace CoroGen.Generator.Tests;

/// <summary>
/// Which resume points Close may leave by returning (CanCloseByReturn, and IsLeavingForClose at the resume point): plain
/// awaits inside finally/using/foreach regions that no catch of the exit, no suspending finally and no catch clause around
/// one of those regions (it could handle what their cleanup throws) encloses.
/// </summary>
public sealed class CloseByReturnGenerationTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using CoroGen;

        public static partial class T
        {
            [Coroutine]
            public static async Coroutine Mixed(IEnumerable<int> items, Coroutine<int, Unit, int> sub, Yielder<int> co)
            {
                await co.Yield(0);                                  // Yield_Line10: no region, Close runs nothing
                try
                {
                    await co.Yield(1);                              // Yield_Line13: finally only
                    foreach (int item in items)
                        await co.Yield(item);                       // Yield_Line15: the catch below encloses the disposal
                    await sub;                                      // Delegate_Line16: the chain closes its sub first
                    try
                    {
                        await co.Yield(2);                          // Yield_Line19: a catch of the exit encloses it
                    }
                    catch (CoroutineExitException)
                    {
                    }
                }
                catch (Exception)
                {
                }
                finally
                {
                    Console.WriteLine("cleanup");
                }

                try
                {
                    await co.Yield(3);                              // Yield_Line35: its finally suspends
                }
                finally
                {
                    await co.Yield(4);                              // Yield_Line39: no region around the moved finally
                }
            }
        }
        """;

    [Fact]
    public void OnlyAwaitsThatNoExitHandlerEnclosesCloseByReturn()
    {
        string generated = GeneratorHarness.GenerateOne(Source);

        Assert.Contains("protected override bool IsSuspendedInCleanupRegion => this.state is Yield_Line13 or Yield_Line15 or Delegate_Line16 or Yield_Line19 or Yield_Line35;", generated);
        // Not Yield_Line15: what the enumerator's Dispose throws while the exit unwinds, catch (Exception) could handle, and
        // the body would go on (and maybe suspend) after the try; Close must raise the exit there as an exception.
        Assert.Contains("protected override bool CanCloseByReturn => this.state is Yield_Line13 or Delegate_Line16;", generated);
        Assert.Equal(new[] { "Yield_Line13", "Delegate_Line16" }, ResumePointsLeavingForClose(generated));
    }

    [Fact]
    public void ATemplateWithoutSuchAwaitsKeepsTheBaseDefault()
    {
        string generated = GeneratorHarness.GenerateOne(Source.Replace("await co.Yield(1);", "Console.WriteLine(1);").Replace("await co.Yield(item);", "Console.WriteLine(item);").Replace("await sub;", "sub.MoveNext();"));

        Assert.DoesNotContain("CanCloseByReturn", generated);
        Assert.DoesNotContain("IsLeavingForClose", generated);
    }

    // The resume labels whose first statement is the Close check.
    private static string[] ResumePointsLeavingForClose(string generated) =>
        Regex.Matches(generated, @"Resume_(\w+):\s*(?:#line[^\n]*\n\s*)?if \(this\.IsLeavingForClose\(\)\) return false;")
            .Select(m => m.Groups[1].Value)
            .ToArray();
}
