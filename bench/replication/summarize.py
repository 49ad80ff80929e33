#!/usr/bin/env python3
"""Medians per configuration and phase from bench/replication/run.sh's results.tsv, and ratios."""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))


def med(config, phase, field):
    values = [float(r[field]) for r in rows
              if r["config"] == config and r["phase"] == phase and r[field] not in ("", None) and r["records"] != "0"]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    return "" if v is None else f"{v:,.{digits}f}"


present = list(dict.fromkeys(r["config"] for r in rows))
builds = sorted(c for c in present if c.startswith("trilog3-"))  # JARS: other builds, same run
configs = [c for c in ("trilog3", *builds, "kafka3", "trilog1") if c in present]
print("| config | produce rec/s | send p50 / p99 ms | broker CPU s per M | e2e p50 / p99 ms | failover window ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for c in configs:
    print(f"| {c} | {fmt(med(c, 'produce', 'rec_per_sec'))} | {fmt(med(c, 'produce', 'lat_p50_ms'))} / "
          f"{fmt(med(c, 'produce', 'lat_p99_ms'))} | {fmt(med(c, 'produce', 'cpu_s_per_M'), 1)} | "
          f"{fmt(med(c, 'e2e', 'lat_p50_ms'))} / {fmt(med(c, 'e2e', 'lat_p99_ms'))} | "
          f"{fmt(med(c, 'failover', 'lat_p99_ms'))} |")
reps = len({r["rep"] for r in rows})
print(f"\nMedians of {reps} repetition(s).")
t, k = med("trilog3", "produce", "rec_per_sec"), med("kafka3", "produce", "rec_per_sec")
tc, kc = med("trilog3", "produce", "cpu_s_per_M"), med("kafka3", "produce", "cpu_s_per_M")
if t and k:
    print(f"trilog3 / kafka3: throughput {t / k:.2f}x" + (f", CPU per message {tc / kc:.2f}x" if tc and kc else ""))
for c in builds:
    b, bc = med(c, "produce", "rec_per_sec"), med(c, "produce", "cpu_s_per_M")
    if b and k:
        print(f"{c} / kafka3: throughput {b / k:.2f}x" + (f", CPU per message {bc / kc:.2f}x" if bc and kc else ""))
s = med("trilog1", "produce", "rec_per_sec")
if t and s:
    print(f"trilog3 / trilog1 (what replication costs): throughput {t / s:.2f}x")
