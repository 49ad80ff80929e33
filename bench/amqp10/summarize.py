#!/usr/bin/env python3
"""Medians per broker from bench/amqp10/run.sh's results.tsv, and Trilog ÷ each peer, as markdown.
Usage: summarize.py results.tsv"""
import csv
import statistics
import sys

KEYS = ("sent_per_sec", "received_per_sec", "p50_us", "p99_us", "cpu_s_per_M", "client_cpu_s")


def median(rows, key):
    values = [float(r[key]) for r in rows if r[key] not in ("", "-")]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    return "—" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b in (None, 0) else f"{a / b:.2f}"


rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
brokers = list(dict.fromkeys(r["broker"] for r in rows))  # in the order they ran first
m = {b: {k: median([r for r in rows if r["broker"] == b], k) for k in KEYS} for b in brokers}
runs = {b: sum(1 for r in rows if r["broker"] == b) for b in brokers}
print("| broker | runs | sent msg/s | received msg/s | latency p50 / p99 ms | broker CPU s per M msgs | client CPU s per run |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for b in brokers:
    p50, p99 = m[b]["p50_us"], m[b]["p99_us"]
    print(f"| {b} | {runs[b]} | {fmt(m[b]['sent_per_sec'])} | {fmt(m[b]['received_per_sec'])} | "
          f"{fmt(p50 and p50 / 1000, 1)} / {fmt(p99 and p99 / 1000, 1)} | {fmt(m[b]['cpu_s_per_M'], 1)} | "
          f"{fmt(m[b]['client_cpu_s'], 1)} |")
# Trilog builds (trilog, trilog-<name>: bench/amqp10/run.sh's BUILDS) against each peer, and
# against the first of them when there are several (an A/B of a change)
trilogs = [b for b in brokers if b.startswith("trilog")]
peers = [b for b in brokers if not b.startswith("trilog")]
pairs = [(t, b) for t in trilogs for b in peers] + [(t, trilogs[0]) for t in trilogs[1:]]
if pairs:
    print()
    print("| ratio | received msg/s | p99 | CPU per message |")
    print("| --- | ---: | ---: | ---: |")
    for a, b in pairs:
        print(f"| {a} ÷ {b} | {ratio(m[a]['received_per_sec'], m[b]['received_per_sec'])} | "
              f"{ratio(m[a]['p99_us'], m[b]['p99_us'])} | "
              f"{ratio(m[a]['cpu_s_per_M'], m[b]['cpu_s_per_M'])} |")
