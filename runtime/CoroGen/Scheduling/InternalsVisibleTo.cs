// The scheduler's tests check its internal structures (the timer heap, the ready ring) directly, beside the loop's
// behaviour; the other test projects are listed in CoroGen.csproj.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("CoroGen.Scheduler.Tests")]
