#!/usr/bin/env python3
"""The seed's own schedulers on the scheduler benchmark's workloads (tests/CoroGen.Benchmarks/SchedulerBenchmarks.cs).

  * round robin: 1,000,000 coroutines x 10 yields through the seed's automatic scheduler (a deque: pop, send(None),
    append until StopIteration);
  * sleepers: 100,000 coroutines x 10 sleeps of random length in (0, 1 s] through the seed's sleeping scheduler (a ready
    deque and a heapq of (deadline, coro)), with time.time()/time.sleep() replaced by a virtual clock that jumps to the
    nearest deadline, as CoroGen's VirtualTimeProvider does.

The scheduler functions are the seed's, verbatim except for the lines marked "virtual clock" and a step counter (one
step = one coro.send(None): 11 per coroutine, the 10 yields and the StopIteration). Prints steps per second (best and
median of --repeats runs). With --results DIR (BenchmarkDotNet's results directory: *-report-full.json), also prints
the CoroGen/C# rows of SchedulerRoundRobin and SchedulerSleepers as steps/s and bytes per task, and every ratio.

    python3 tests/CoroGen.Benchmarks/python/scheduler.py
    python3 tests/CoroGen.Benchmarks/python/scheduler.py --results BenchmarkDotNet.Artifacts/results
    python3 tests/CoroGen.Benchmarks/python/scheduler.py --quick      # 100,000 / 10,000 coroutines, one run (CI smoke)
"""
from __future__ import annotations

import argparse
import gc
import glob
import heapq
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import deque

COROUTINES = 1_000_000
YIELDS = 10
SLEEPERS = 100_000
SLEEPS = 10

STEPS = [0]


# ---------------------------------------------------------------------------------------------------------------
# The seed's automatic scheduler ("Automatic scheduler"), verbatim, with a step counter.
# ---------------------------------------------------------------------------------------------------------------

def scheduler(coros):
    steps = 0
    ready = deque(coros)
    while ready:
        try:
            # take next coroutine that is ready to run
            coro = ready.popleft()
            # run it until the next "yield"
            steps += 1
            result = coro.send(None)
            # schedule it for another execution
            ready.append(coro)
        except StopIteration:
            pass
    STEPS[0] = steps


def spinner(yields):
    for _ in range(yields):
        yield


# ---------------------------------------------------------------------------------------------------------------
# The seed's sleeping scheduler ("Asynchronous execution"), verbatim but for the virtual clock and the step counter.
# ---------------------------------------------------------------------------------------------------------------

def sleeping_scheduler(coros):
    steps = 0
    now = 0.0  # virtual clock: was start = time.time()
    ready = deque(coros)
    sleeping = []
    while True:
        if not ready and not sleeping:
            break

        # wait for nearest sleeper,
        # if no coro can be executed immediately right now
        if not ready:
            deadline, coro = heapq.heappop(sleeping)
            if deadline > now:  # virtual clock: was time.time()
                now = deadline  # virtual clock: was time.sleep(deadline - time.time())
            ready.append(coro)

        try:
            coro = ready.popleft()
            steps += 1
            result = coro.send(None)
            # the special case of a coro that wants to be put to sleep
            if len(result) == 2 and result[0] == "sleep":
                deadline = now + result[1]  # virtual clock: was time.time() + result[1]
                heapq.heappush(sleeping, (deadline, coro))
            else:
                print(f"Got: {result}")
                ready.append(coro)
        except StopIteration:
            pass
    STEPS[0] = steps
    return now


def sleeper(delays):
    for delay in delays:
        yield ("sleep", delay)


def random_delays(count, seed=42):
    """Random delays in (0, 1 s] (the C# side draws the same distribution with System.Random(42), in ticks)."""
    rng = random.Random(seed)
    return [1.0 - rng.random() for _ in range(count)]


# ---------------------------------------------------------------------------------------------------------------
# Timing: each run builds every coroutine and runs them all (as the C# benchmarks do); ns per step.
# ---------------------------------------------------------------------------------------------------------------

def run_round_robin(coroutines):
    gc.collect()
    start = time.perf_counter_ns()
    scheduler([spinner(YIELDS) for _ in range(coroutines)])
    ns = time.perf_counter_ns() - start
    assert STEPS[0] == coroutines * (YIELDS + 1), STEPS[0]
    return ns, STEPS[0]


def run_sleepers(sleepers, delays):
    gc.collect()
    start = time.perf_counter_ns()
    sleeping_scheduler([sleeper(delays[s * SLEEPS:(s + 1) * SLEEPS]) for s in range(sleepers)])
    ns = time.perf_counter_ns() - start
    assert STEPS[0] == sleepers * (SLEEPS + 1), STEPS[0]
    return ns, STEPS[0]


def measure(runner, repeats):
    per_step = []
    for _ in range(repeats):
        ns, steps = runner()
        per_step.append(ns / steps)
    return min(per_step), statistics.median(per_step)


# ---------------------------------------------------------------------------------------------------------------
# BenchmarkDotNet results (JsonExporter.Full): SchedulerRoundRobin and SchedulerSleepers rows.
# ---------------------------------------------------------------------------------------------------------------

CSHARP = {
    "SchedulerRoundRobin": ("round robin", YIELDS + 1),
    "SchedulerSleepers": ("sleepers", SLEEPS + 1),
}


def load_results(results_dirs):
    rows = {}
    for d in results_dirs:
        for path in sorted(glob.glob(os.path.join(d, "*-report-full.json"))):
            with open(path, encoding="utf-8-sig") as f:
                data = json.load(f)
            for b in data.get("Benchmarks", []):
                if b.get("Type") not in CSHARP:
                    continue
                stats = b.get("Statistics") or {}
                memory = b.get("Memory") or {}
                key = (b["Type"], b["Method"])
                r = rows.setdefault(key, {"title": (b.get("MethodTitle") or b["Method"]).strip("'"), "medians": [], "bytes": None})
                if stats.get("Median") is not None:
                    r["medians"].append(stats["Median"])
                if memory.get("BytesAllocatedPerOperation") is not None:
                    r["bytes"] = memory["BytesAllocatedPerOperation"]
    return rows


def fmt_rate(ns_per_step):
    return f"{1e9 / ns_per_step / 1e6:,.1f} M"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", action="append", help="BenchmarkDotNet results directory (repeatable: median over runs)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="a tenth of the coroutines, one run (smoke)")
    args = ap.parse_args()

    coroutines, sleepers, repeats = COROUTINES, SLEEPERS, args.repeats
    if args.quick:
        coroutines, sleepers, repeats = COROUTINES // 10, SLEEPERS // 10, 1
    delays = random_delays(sleepers * SLEEPS)

    print(f"CPython {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    rr_best, rr_median = measure(lambda: run_round_robin(coroutines), repeats)
    print(f"seed round robin  ({coroutines:,} coroutines x {YIELDS} yields):  {rr_median:7.1f} ns/step  "
          f"{fmt_rate(rr_median)} steps/s (median of {repeats}; best {fmt_rate(rr_best)})")
    sl_best, sl_median = measure(lambda: run_sleepers(sleepers, delays), repeats)
    print(f"seed sleeping     ({sleepers:,} sleepers x {SLEEPS} sleeps, virtual clock):  {sl_median:7.1f} ns/step  "
          f"{fmt_rate(sl_median)} steps/s (median of {repeats}; best {fmt_rate(sl_best)})")

    if not args.results:
        return 0
    rows = load_results(args.results)
    if not rows:
        print("no SchedulerRoundRobin/SchedulerSleepers rows in " + ", ".join(args.results), file=sys.stderr)
        return 1

    python = {"SchedulerRoundRobin": rr_median, "SchedulerSleepers": sl_median}
    print()
    print("| workload | implementation | ns/step | steps/s | bytes/task | vs C# iterators | CPython / this |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for type_name, (label, steps_per_task) in CSHARP.items():
        baseline = rows.get((type_name, "CSharpIterators"))
        base_ns = statistics.median(baseline["medians"]) if baseline and baseline["medians"] else None
        for (t, method), r in rows.items():
            if t != type_name or not r["medians"]:
                continue
            ns = statistics.median(r["medians"])
            per_task = f"{r['bytes'] * steps_per_task:,.0f}" if r["bytes"] is not None else "?"
            ratio = f"{ns / base_ns:.2f}x" if base_ns else "?"
            print(f"| {label} | {r['title']} | {ns:.1f} | {fmt_rate(ns)} | {per_task} | {ratio} | {python[type_name] / ns:.1f}x |")
        print(f"| {label} | CPython, the seed's scheduler | {python[type_name]:.1f} | {fmt_rate(python[type_name])} | | "
              f"{python[type_name] / base_ns:.2f}x | 1.0x |" if base_ns else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
