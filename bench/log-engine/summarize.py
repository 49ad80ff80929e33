#!/usr/bin/env python3
"""Medians of the runs measure.sh left in OUT_DIR: JMH JSON (every measurement iteration of
every round) and dd.txt. Prints markdown tables for RESULTS.md.

    python3 bench/log-engine/summarize.py /tmp/trilog-bench
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


dd = defaultdict(list)            # main phase (and sustained)
dd_paired = defaultdict(dict)     # paired phase: round -> label -> B/s
dd_fsync_paired = defaultdict(dict)
if os.path.exists(os.path.join(out, "dd.txt")):
    with open(os.path.join(out, "dd.txt")) as f:
        for line in f:
            label, rnd, nbytes, seconds = line.split()
            rate = int(nbytes) / float(seconds)
            if rnd.startswith("p"):
                dd_paired[rnd[1:]][label] = rate
            elif rnd.startswith("f"):
                dd_fsync_paired[rnd[1:]][label] = rate
            else:
                dd[label].append(rate)

print("## dd baselines (MB/s, median of n; range)\n")
print("| dd | n | median MB/s | range |")
print("| --- | --- | --- | --- |")
for label in ("page-cache-1M", "page-cache-16k", "page-cache-64k", "page-cache-batch16", "page-cache-batch64",
              "fdatasync-1M", "dsync-16k", "dsync-64k", "dsync-batch16", "dsync-batch64", "warmup"):
    if dd[label]:
        print(f"| {label} | {len(dd[label])} | {med(dd[label]) / MB:.0f} | {spread(dd[label], MB)} |")


def table(title, runs, refs=()):
    """refs: functions recordsPerBatch -> dd label, one "vs" column each."""
    print(f"\n## {title}\n")
    print("| benchmark | params | n | median ops/s | bytes/op | median MB/s | MB/s range |"
          + "".join(" vs dd |" for _ in refs))
    print("| --- | --- | --- | --- | --- | --- | --- |" + " --- |" * len(refs))
    for (method, params), m in sorted(runs.items()):
        p = ", ".join(f"{k}={v}" for k, v in params)
        mbs = med(m["bytes"]) / MB if m["bytes"] else float("nan")
        per_op = f"{med(m['bytes']) / med(m['ops']):,.0f}" if m["bytes"] else ""
        cells = ""
        for ref in refs:
            label = ref(dict(params).get("recordsPerBatch"))
            cells += f" {mbs / (med(dd[label]) / MB):.0%} of {label} |" if label and dd[label] else " |"
        print(f"| {method} | {p} | {len(m['ops'])} | {med(m['ops']):,.0f} | {per_op} | "
              f"{'' if mbs != mbs else f'{mbs:,.0f}'} | {spread(m['bytes'], MB)} |{cells}")
    return runs


PAGE_CACHE_REFS = (lambda n: "page-cache-1M", lambda n: f"page-cache-{n}k", lambda n: f"page-cache-batch{n}")
pc = table("append, page cache, one segment per iteration (300 ms iterations)", load("append-page-cache-r*.json"),
           PAGE_CACHE_REFS)
print("\nappend / baselineWrite (same params, medians):\n")
for (method, params), m in sorted(pc.items()):
    if method.endswith(".append"):
        base = pc.get((method.replace(".append", ".baselineWrite"), params))
        if base:
            print(f"- {', '.join(f'{k}={v}' for k, v in params)}: "
                  f"{med(m['ops']) / med(base['ops']):.0%}")
table("append, fsync per append (flush.messages=1)", load("append-fsync-r*.json"),
      (lambda n: f"dsync-{n}k", lambda n: f"dsync-batch{n}"))
table("append, sustained (2 s iterations, rolls and seal fsyncs included)", load("append-sustained.json"),
      PAGE_CACHE_REFS)
reads = table("read (128 MiB prefilled, 1 MiB per read)", load("read-r*.json"))
for (method, params), m in sorted(reads.items()):
    if m["records"] and any(m["records"]):
        print(f"\n{method}: median {med(m['records']):,.0f} records/s")



def paired_section(pattern, dd_rounds, title, ref_labels):
    rounds = {}
    for path in sorted(glob.glob(os.path.join(out, pattern))):
        rnd = path.rsplit("-r", 1)[1].split(".")[0]
        with open(path) as f:
            for r in json.load(f):
                n = r["params"]["recordsPerBatch"]
                method = r["benchmark"].rsplit(".", 1)[-1]
                rounds.setdefault(rnd, {})[(method, n)] = statistics.median(
                    flat(r["secondaryMetrics"]["bytes"]["rawData"]))
    if not rounds:
        return
    print(f"\n## {title} (median over rounds of per-round values; range)\n")
    print("| batch | rounds | append MB/s | baselineWrite MB/s | " + " | ".join(f"{l('N')} MB/s" for l in ref_labels)
          + " | append/baselineWrite | " + " | ".join(f"append/{l('N')}" for l in ref_labels) + " |")
    print("|" + " --- |" * (5 + 2 * len(ref_labels)))
    for n in ("16", "64"):
        rows = []
        for rnd, m in rounds.items():
            a, b = m.get(("append", n)), m.get(("baselineWrite", n))
            refs = [dd_rounds.get(rnd, {}).get(l(n)) for l in ref_labels]
            if a and b and all(refs):
                rows.append([a, b] + refs)
        if not rows:
            continue
        col = lambda i: [r[i] for r in rows]
        ratio = lambda i, j: [r[i] / r[j] for r in rows]
        fr = lambda v: f"{med(v):.0%} ({min(v):.0%}–{max(v):.0%})"
        cells = [f"{med(col(i)) / MB:,.0f}" for i in range(len(rows[0]))]
        ratios = [fr(ratio(0, i)) for i in range(1, len(rows[0]))]
        print(f"| {n} x 1 KiB | {len(rows)} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


paired_section("append-paired-r*.json", dd_paired, "paired rounds: page-cache append, direct buffers",
               (lambda n: "page-cache-1M", lambda n: f"page-cache-batch{n}"))
paired_section("append-fsync-paired-r*.json", dd_fsync_paired, "paired rounds: fsync per append, direct buffers",
               (lambda n: f"dsync-batch{n}",))
