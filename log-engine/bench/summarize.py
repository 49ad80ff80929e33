#!/usr/bin/env python3
"""Medians of the runs measure.sh left in OUT_DIR: JMH JSON (every measurement iteration of
every round) and dd.txt. Prints markdown tables for RESULTS.md.

    python3 log-engine/bench/summarize.py /tmp/trilog-bench
"""
import glob
import json
import os
import statistics
import sys
from collections import defaultdict

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/trilog-bench"
MB = 1e6


def flat(raw):
    return [v for fork in raw for v in fork]


def load(pattern):
    """{(method, params tuple): {"ops": [...], "bytes": [...], "records": [...]}}"""
    runs = defaultdict(lambda: defaultdict(list))
    for path in sorted(glob.glob(os.path.join(out, pattern))):
        with open(path) as f:
            for r in json.load(f):
                method = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
                key = (method, tuple(sorted(r.get("params", {}).items())))
                runs[key]["ops"] += flat(r["primaryMetric"]["rawData"])
                for name in ("bytes", "records"):
                    if name in r.get("secondaryMetrics", {}):
                        runs[key][name] += flat(r["secondaryMetrics"][name]["rawData"])
    return runs


def med(values):
    return statistics.median(values) if values else float("nan")


def spread(values, scale=1.0, fmt="{:.0f}"):
    if not values:
        return "–"
    return f"{fmt.format(min(values) / scale)}–{fmt.format(max(values) / scale)}"


dd = defaultdict(list)
if os.path.exists(os.path.join(out, "dd.txt")):
    with open(os.path.join(out, "dd.txt")) as f:
        for line in f:
            label, _round, nbytes, seconds = line.split()
            dd[label].append(int(nbytes) / float(seconds))

print("## dd baselines (MB/s, median of n; range)\n")
print("| dd | n | median MB/s | range |")
print("| --- | --- | --- | --- |")
for label in ("page-cache-1M", "page-cache-16k", "page-cache-64k", "fdatasync-1M", "dsync-16k", "dsync-64k",
              "warmup"):
    if dd[label]:
        print(f"| {label} | {len(dd[label])} | {med(dd[label]) / MB:.0f} | {spread(dd[label], MB)} |")


def table(title, runs, with_dd=None):
    print(f"\n## {title}\n")
    print("| benchmark | params | n | median ops/s | median MB/s | MB/s range | vs dd |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (method, params), m in sorted(runs.items()):
        p = ", ".join(f"{k}={v}" for k, v in params)
        mbs = med(m["bytes"]) / MB if m["bytes"] else float("nan")
        ratio = ""
        if with_dd:
            size = dict(params).get("recordsPerBatch")
            ref = with_dd.get(size)
            if ref and dd[ref]:
                ratio = f"{mbs / (med(dd[ref]) / MB):.0%} of {ref}"
        print(f"| {method} | {p} | {len(m['ops'])} | {med(m['ops']):,.0f} | "
              f"{'' if mbs != mbs else f'{mbs:,.0f}'} | {spread(m['bytes'], MB)} | {ratio} |")
    return runs


pc = table("append, page cache, one segment per iteration (300 ms iterations)", load("append-page-cache-r*.json"),
           {"16": "page-cache-16k", "64": "page-cache-64k"})
print("\nappend / baselineWrite (same params, medians):\n")
for (method, params), m in sorted(pc.items()):
    if method.endswith(".append"):
        base = pc.get((method.replace(".append", ".baselineWrite"), params))
        if base:
            print(f"- {', '.join(f'{k}={v}' for k, v in params)}: "
                  f"{med(m['ops']) / med(base['ops']):.0%}")
table("append, fsync per append (flush.messages=1)", load("append-fsync-r*.json"),
      {"16": "dsync-16k", "64": "dsync-64k"})
table("append, sustained (2 s iterations, rolls and seal fsyncs included)", load("append-sustained.json"),
      {"16": "page-cache-16k", "64": "page-cache-64k"})
reads = table("read (128 MiB prefilled, 1 MiB per read)", load("read-r*.json"))
for (method, params), m in sorted(reads.items()):
    if m["records"] and any(m["records"]):
        print(f"\n{method}: median {med(m['records']):,.0f} records/s")
