using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CoroGen.Benchmarks;

/// <summary>
/// Full run (docs/performance.md):  dotnet run -c Release --project tests/CoroGen.Benchmarks
/// CI smoke run (every benchmark once, in process, about a minute):  dotnet run -c Release --project tests/CoroGen.Benchmarks -- --smoke
/// Any other BenchmarkDotNet argument passes through, e.g. --filter '*Delegation*'.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool smoke = args.Contains("--smoke");
        var rest = args.Where(a => a != "--smoke").ToList();
        if (!rest.Any(a => a == "--filter" || a.StartsWith("--filter=", StringComparison.Ordinal)))
        {
            rest.Add("--filter");
            rest.Add("*");
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), CreateConfig(smoke));
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    public static IConfig CreateConfig(bool smoke)
    {
        Job job = smoke
            // Every benchmark once, in this process (no per-run project build): proves they run, measures nothing.
            ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Smoke")
            // A moderate job for a 2-core machine: one process per benchmark, 3 warmups, 20 measured iterations of ~200 ms.
            : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(20)
                .WithIterationTime(TimeInterval.FromMilliseconds(200)).WithId("Moderate");

        return DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median)
            .AddExporter(JsonExporter.Full)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared))
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond))
            .WithOption(ConfigOptions.JoinSummary, true);
    }
}
