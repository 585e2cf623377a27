#!/usr/bin/env python3
"""CPython side of the CoroGen benchmarks.

Runs the seed document's own Python examples (the fibonacci generator, the maximum() send loop, the round-robin
scheduler over many trivial coroutines) plus the throw/close/construction/yield-from workloads of the BenchmarkDotNet
project, on the same workloads, timed with time.perf_counter_ns (median of several repeats, ns per operation).
Then reads CoroGen's numbers from BenchmarkDotNet's JSON export (BenchmarkDotNet.Artifacts/results/*-report-full.json)
or from --corogen NAME=NS arguments, and prints "N x CPython" for each workload.

    python3 tests/CoroGen.Benchmarks/python/compare.py                      # looks for ./BenchmarkDotNet.Artifacts/results
    python3 tests/CoroGen.Benchmarks/python/compare.py --results DIR
    python3 tests/CoroGen.Benchmarks/python/compare.py --results RUN1 --results RUN2 --results RUN3   # median over runs
    python3 tests/CoroGen.Benchmarks/python/compare.py --corogen send=4.2 --corogen fibonacci=1.9
    python3 tests/CoroGen.Benchmarks/python/compare.py --table              # also print BenchmarkDotNet's rows as markdown
    python3 tests/CoroGen.Benchmarks/python/compare.py --quick              # fewer repeats (CI smoke)
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import statistics
import sys
import time
from collections import deque

# ---------------------------------------------------------------------------------------------------------------
# The seed's examples, as written there (printing replaced by a counter so that the loop measures the coroutines).
# ---------------------------------------------------------------------------------------------------------------


def fibonacci_generator(n):
    a, b = 1, 1
    for _ in range(n):
        yield a
        a, b = b, a + b


def maximum():
    maxi = None
    while True:
        n = yield maxi
        maxi = n if maxi is None or n > maxi else maxi


WORK = [0]


def coro1():
    WORK[0] += 1  # print("coro1 doing some work")
    yield
    WORK[0] += 1
    yield


def scheduler(coros):
    ready = deque(coros)
    resumes = 0
    while ready:
        try:
            # take next coroutine that is ready to run
            coro = ready.popleft()
            resumes += 1
            # run it until the next "yield"
            coro.send(None)
            # schedule it for another execution
            ready.append(coro)
        except StopIteration:
            pass
    return resumes


# The other BenchmarkDotNet workloads, in the seed's style.


def catcher():
    caught = 0
    while True:
        try:
            yield caught
        except ValueError:
            caught += 1


CLEANUPS = [0]


def guarded():
    try:
        yield 1
        yield 2
    finally:
        CLEANUPS[0] += 1


def chain(depth, count):
    if depth == 0:
        for i in range(count):
            yield i
        return count
    return (yield from chain(depth - 1, count))


# ---------------------------------------------------------------------------------------------------------------
# Workloads: each returns (elapsed ns, operations). Same shapes as tests/CoroGen.Benchmarks/Benchmarks.cs.
# ---------------------------------------------------------------------------------------------------------------


def wl_fibonacci(ops=200_000):
    # One op = one next() on a live generator. Python ints are unbounded, so instead of one endless generator (whose
    # numbers would grow to thousands of digits, unlike C#'s wrapping long) it drains generators of 90 steps, the
    # largest n whose values fit in 64 bits; creating one per 90 steps adds about 1% to a step.
    chunk = 90
    rounds = ops // chunk
    t0 = time.perf_counter_ns()
    s = 0
    for _ in range(rounds):
        for x in fibonacci_generator(chunk):  # the for loop calls __next__ (the seed's "next(c)")
            s += x
    return time.perf_counter_ns() - t0, rounds * chunk


def wl_send(ops=200_000):
    m = maximum()
    m.send(None)
    send = m.send
    t0 = time.perf_counter_ns()
    s = 0
    for i in range(ops):
        s += send(i & 1023)
    return time.perf_counter_ns() - t0, ops


def wl_throw(ops=50_000):
    c = catcher()
    next(c)
    throw = c.throw
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        throw(ValueError())
    return time.perf_counter_ns() - t0, ops


def wl_close(ops=100_000):
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        g = guarded()
        next(g)
        g.close()
    return time.perf_counter_ns() - t0, ops


def wl_construct(ops=100_000):
    keep = [None] * 1024
    t0 = time.perf_counter_ns()
    for i in range(ops):
        m = maximum()
        m.send(None)
        keep[i & 1023] = m
    return time.perf_counter_ns() - t0, ops


def wl_round_robin(workers=1000, rounds=20):
    # One op = one send(None) by the scheduler: 3 per coroutine (the third raises StopIteration).
    t0 = time.perf_counter_ns()
    resumes = 0
    for _ in range(rounds):
        resumes += scheduler([coro1() for _ in range(workers)])
    return time.perf_counter_ns() - t0, resumes


def wl_chain(depth, count):
    def run():
        # One op = one value out of a yield-from chain of `depth` levels (chain creation amortized, as in C#).
        t0 = time.perf_counter_ns()
        s = 0
        for x in chain(depth, count):
            s += x
        return time.perf_counter_ns() - t0, count
    return run


# name -> (description, runner, (BenchmarkDotNet Type, Method, Parameters)); names are what --corogen takes.
WORKLOADS = [
    ("fibonacci", "Fibonacci step (next() on fibonacci_generator)", wl_fibonacci, ("FibonacciStep", "CoroGen", "")),
    ("send", "Send round trip (maximum().send(n))", wl_send, ("SendRoundTrip", "CoroGen", "")),
    ("throw", "Throw round trip (caught, yields again)", wl_throw, ("ThrowRoundTrip", "CoroGen", "")),
    ("close", "create, next, close in try/finally", wl_close, ("CloseInFinally", "CoroGen", "")),
    ("construct", "create maximum() + first step", wl_construct, ("Construction", "CoroGen", "")),
    ("round-robin", "seed's round-robin scheduler, 1,000 coroutines (per resume)", wl_round_robin, ("RoundRobin", "CoroGen", "")),
    ("chain-1", "yield from chain, depth 1 (per value)", wl_chain(1, 20_000), ("Delegation", "CoroGen", "Depth=1")),
    ("chain-10", "yield from chain, depth 10 (per value)", wl_chain(10, 20_000), ("Delegation", "CoroGen", "Depth=10")),
    ("chain-100", "yield from chain, depth 100 (per value)", wl_chain(100, 5_000), ("Delegation", "CoroGen", "Depth=100")),
    ("chain-1000", "yield from chain, depth 1000 (per value)", wl_chain(1000, 1_000), ("Delegation", "CoroGen", "Depth=1000")),
]

# The baseline row of each BenchmarkDotNet group (for --table's ratio column).
BASELINES = {
    "FibonacciStep": "CSharpIterator",
    "SendRoundTrip": "AsyncBuilder",
    "ThrowRoundTrip": "PlainThrowCatch",
    "CloseInFinally": "CSharpIterator",
    "Construction": "CSharpIterator",
    "Delegation": "CSharpIterators",
    "RoundRobin": "CSharpIterators",
}


def measure(runner, repeats):
    runner()  # warm up
    per_op = []
    for _ in range(repeats):
        ns, ops = runner()
        per_op.append(ns / ops)
    return statistics.median(per_op)


def find_results(explicit):
    if explicit:
        for c in (explicit, os.path.join(explicit, "results")):  # a results directory, or an --artifacts directory
            if glob.glob(os.path.join(c, "*-report-full.json")):
                return os.path.normpath(c)
        return None
    candidates = []
    here = os.path.dirname(os.path.abspath(__file__))
    candidates += [
        os.path.join(os.getcwd(), "BenchmarkDotNet.Artifacts", "results"),
        os.path.join(here, "..", "..", "..", "BenchmarkDotNet.Artifacts", "results"),
        os.path.join(here, "..", "BenchmarkDotNet.Artifacts", "results"),
    ]
    for c in candidates:
        if c and glob.glob(os.path.join(c, "*-report-full.json")):
            return os.path.normpath(c)
    return None


def load_benchmarks(results_dir):
    rows = []
    warned = set()
    for path in sorted(glob.glob(os.path.join(results_dir, "*-report-full.json"))):
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
        for b in data.get("Benchmarks", []):
            stats = b.get("Statistics") or {}
            memory = b.get("Memory") or {}
            if ": Smoke" in (b.get("DisplayInfo") or "") and path not in warned:
                warned.add(path)
                print(f"# note: {os.path.basename(path)} comes from a --smoke run (one unmeasured invocation): "
                      "its numbers are not measurements", file=sys.stderr)
            rows.append({
                "type": b.get("Type", ""),
                "method": b.get("Method", ""),
                "title": (b.get("MethodTitle") or b.get("Method", "")).strip("'"),
                "params": b.get("Parameters", "") or "",
                "median": stats.get("Median"),
                "bytes": memory.get("BytesAllocatedPerOperation"),
            })
    return rows


def aggregate(runs):
    """One row per (type, method, params): the median over runs of each run's median; bytes from the last run."""
    merged = {}
    for rows in runs:
        for r in rows:
            key = (r["type"], r["method"], r["params"])
            m = merged.setdefault(key, dict(r, medians=[]))
            if r["median"] is not None:
                m["medians"].append(r["median"])
            m["bytes"] = r["bytes"]
    out = []
    for m in merged.values():
        m["median"] = statistics.median(m["medians"]) if m["medians"] else None
        out.append(m)
    return out


def fmt_ns(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


GROUP_ORDER = ["FibonacciStep", "SendRoundTrip", "ThrowRoundTrip", "CloseInFinally", "Construction", "Delegation", "RoundRobin"]


def print_table(rows):
    def order(r):
        t = r["type"].rsplit(".", 1)[-1]
        depth = int(r["params"].split("=")[-1]) if r["params"].split("=")[-1].isdigit() else 0
        return (GROUP_ORDER.index(t) if t in GROUP_ORDER else len(GROUP_ORDER), t, depth)
    rows = sorted(rows, key=order)  # stable: declaration order within a group
    print("| Group | Row | Median ns/op | Allocated B/op | Ratio to baseline |")
    print("|---|---|--:|--:|--:|")
    for r in rows:
        base = next((b for b in rows if b["type"] == r["type"] and b["params"] == r["params"]
                     and b["method"] == BASELINES.get(r["type"])), None)
        ratio = ""
        if base and base["median"] and r["median"] is not None:
            x = r["median"] / base["median"]
            ratio = f"{x:.2f}" if x >= 0.1 else f"{x:.3f}"
        if base is r:
            ratio = "1.00 (baseline)"
        group = r["type"] + (f" ({r['params']})" if r["params"] else "")
        b = r["bytes"]
        print(f"| {group} | {r['title']} | {fmt_ns(r['median'])} | {'-' if b is None else f'{b:,}'} | {ratio} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", action="append", default=[],
                    help="BenchmarkDotNet results directory; repeat it to use the median over several runs "
                         "(default: find BenchmarkDotNet.Artifacts/results)")
    ap.add_argument("--corogen", action="append", default=[], metavar="NAME=NS",
                    help="CoroGen ns/op for a workload, overriding the JSON: " + ", ".join(w[0] for w in WORKLOADS))
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these workloads")
    ap.add_argument("--repeats", type=int, default=7, help="timed repeats per workload; the median is reported (default 7)")
    ap.add_argument("--quick", action="store_true", help="3 repeats (CI smoke)")
    ap.add_argument("--table", action="store_true", help="also print every BenchmarkDotNet row as a markdown table")
    ap.add_argument("--table-only", action="store_true", help="print only that table (no CPython runs)")
    args = ap.parse_args()
    repeats = 3 if args.quick else args.repeats

    sys.setrecursionlimit(10_000)  # the depth-1000 yield-from chain

    corogen = {}
    dirs = [find_results(d) for d in args.results] if args.results else [find_results(None)]
    missing = [d for d, found in zip(args.results, dirs) if not found]
    if missing:
        ap.error("no *-report-full.json in: " + ", ".join(missing))
    dirs = [d for d in dirs if d]
    rows = aggregate([load_benchmarks(d) for d in dirs])
    results_dir = ", ".join(dirs)
    for name, _, _, (typ, method, params) in WORKLOADS:
        hit = next((r for r in rows if r["type"].endswith(typ) and r["method"] == method and r["params"] == params), None)
        if hit and hit["median"] is not None and hit["medians"]:
            corogen[name] = hit["median"]
    for item in args.corogen:
        k, _, v = item.partition("=")
        corogen[k.strip()] = float(v)

    if args.table_only:
        print_table(rows)
        return 0

    print(f"# CPython {platform.python_version()} ({platform.python_implementation()}) on {platform.machine()}, "
          f"{os.cpu_count()} CPUs; median of {repeats} repeats, ns per op")
    if len(dirs) > 1:
        print(f"# CoroGen ns/op: median over {len(dirs)} BenchmarkDotNet runs of each run's median")
    print(f"# CoroGen numbers: {results_dir or 'none found'}" + (" + --corogen" if args.corogen else ""))
    print()
    print("| Workload | CPython ns/op | CoroGen ns/op | N× CPython (CPython time / CoroGen time) |")
    print("|---|--:|--:|--:|")
    for name, desc, runner, _ in WORKLOADS:
        if args.only and name not in args.only:
            continue
        py = measure(runner, repeats)
        cg = corogen.get(name)
        ratio = "n/a" if not cg else f"{py / cg:,.1f}×" if py >= cg else f"{py / cg:.2g}× (CoroGen slower)"
        print(f"| {desc} [{name}] | {fmt_ns(py)} | {fmt_ns(cg)} | {ratio} |", flush=True)

    if args.table:
        print()
        if rows:
            print_table(rows)
        else:
            print("(no BenchmarkDotNet results found: run the benchmarks first)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
