#!/usr/bin/env python3
"""Medians per workload and broker from bench/amqp091/run.sh's results.tsv, and Trilog / RabbitMQ
ratios, as a markdown table.  Usage: summarize.py results.tsv"""
import csv
import statistics
import sys

WORKLOADS = {
    "a": "(a) 1 producer, 1 consumer, confirms -c 100, manual ack, prefetch 100",
    "b": "(b) 1 producer, 1 consumer, autoack, no confirms",
    "c": "(c) 10 producers, 10 consumers, 10 queues, confirms, manual ack",
}


def median(rows, key):
    values = [float(r[key]) for r in rows if r.get(key) not in (None, "", "-")]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    return "—" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b in (None, 0) else f"{a / b:.2f}"


rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
brokers = list(dict.fromkeys(r["broker"] for r in rows))  # in order of first appearance
trilogs = [b for b in brokers if b.startswith("trilog")]
print("| workload | broker | runs | sent msg/s | received msg/s | consumer latency p50 / p99 ms | broker CPU s per M msgs "
      "| client CPU s per M msgs |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for w, title in WORKLOADS.items():
    by = {b: [r for r in rows if r["workload"] == w and r["broker"] == b] for b in brokers}
    if not any(by.values()):
        continue
    m = {}
    for b, rs in by.items():
        # client_s_per_M: runs from 2026-12-06 on (the PerfTest client's CPU; it shares the cores)
        m[b] = {k: median(rs, k) for k in ("sent_per_sec", "received_per_sec", "p50_us", "p99_us", "cpu_s_per_M",
                                           "client_s_per_M")}
        p50 = m[b]["p50_us"]
        p99 = m[b]["p99_us"]
        print(f"| {title} | {b} | {len(rs)} | {fmt(m[b]['sent_per_sec'])} | {fmt(m[b]['received_per_sec'])} | "
              f"{fmt(p50 and p50 / 1000, 1)} / {fmt(p99 and p99 / 1000, 1)} | {fmt(m[b]['cpu_s_per_M'], 1)} | "
              f"{fmt(m[b]['client_s_per_M'], 1)} |")
    pairs = [(t, "rabbitmq") for t in trilogs if "rabbitmq" in m]
    # a change against its baseline: every build against trilog-base (BASELINE_JAR), or the second against the first
    base = "trilog-base" if "trilog-base" in trilogs else (trilogs[0] if len(trilogs) == 2 else None)
    pairs += [(t, base) for t in trilogs if base is not None and t != base]
    for a, b in pairs:
        ratios.append((title, f"{a} ÷ {b}", ratio(m[a]["received_per_sec"], m[b]["received_per_sec"]),
                       ratio(m[a]["p99_us"], m[b]["p99_us"]), ratio(m[a]["cpu_s_per_M"], m[b]["cpu_s_per_M"])))
print()
print("| workload | ratio | received msg/s | consumer p99 | CPU per message |")
print("| --- | --- | ---: | ---: | ---: |")
for title, which, r, p, c in ratios:
    print(f"| {title} | {which} | {r} | {p} | {c} |")
