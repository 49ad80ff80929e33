#!/usr/bin/env python3
"""Medians per broker and phase from bench/sqs/run.sh's results.tsv, as a markdown table, with
broker CPU per message and Trilog ÷ ElasticMQ ratios."""
import csv
import statistics
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cells = defaultdict(list)
for r in rows:
    cells[(r["broker"], r["phase"])].append(r)


def med(rs, key):
    values = [float(r[key]) for r in rs]
    return statistics.median(values) if values else float("nan")


phases = ["send", "batch", "receive", "e2e"]
print("| phase | broker | runs | msgs/s | p50 ms | p99 ms | max ms | broker CPU µs/msg | bench CPU µs/msg | load1 |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for phase in phases:
    for broker in ["trilog", "elasticmq"]:
        rs = cells.get((broker, phase), [])
        if not rs:
            continue
        cpu = statistics.median(float(r["broker_cpu_s"]) / max(1, float(r["messages"])) * 1e6 for r in rs)
        bench = statistics.median(float(r["bench_cpu_s"]) / max(1, float(r["messages"])) * 1e6 for r in rs)
        print(f"| {phase} | {broker} | {len(rs)} | {med(rs, 'msgs_per_sec'):.0f} | {med(rs, 'p50_ms'):.2f} | "
              f"{med(rs, 'p99_ms'):.2f} | {med(rs, 'max_ms'):.1f} | {cpu:.0f} | {bench:.0f} | {med(rs, 'load1'):.2f} |")
print()
print("| phase | throughput T÷E | p99 T÷E | broker CPU/msg T÷E |")
print("| --- | --- | --- | --- |")
for phase in phases:
    t, e = cells.get(("trilog", phase), []), cells.get(("elasticmq", phase), [])
    if not t or not e:
        continue
    cpu_t = statistics.median(float(r["broker_cpu_s"]) / max(1, float(r["messages"])) for r in t)
    cpu_e = statistics.median(float(r["broker_cpu_s"]) / max(1, float(r["messages"])) for r in e)
    print(f"| {phase} | {med(t, 'msgs_per_sec') / med(e, 'msgs_per_sec'):.2f} | "
          f"{med(t, 'p99_ms') / med(e, 'p99_ms'):.2f} | {cpu_t / cpu_e:.2f} |")
