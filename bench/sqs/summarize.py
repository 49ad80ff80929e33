"""Medians per (phase, broker) of bench/sqs/run.sh's results.tsv, with Trilog ÷ ElasticMQ."""
import csv
import statistics
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cells = defaultdict(list)
for row in rows:
    cells[(row["phase"], row["broker"])].append(row)


def median(phase, broker, key):
    values = [float(r[key]) for r in cells.get((phase, broker), [])]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b in (None, 0) else f"{a / b:.2f}"


print("| phase | Trilog msgs/s | ElasticMQ msgs/s | T÷E | Trilog CPU µs/msg | ElasticMQ CPU µs/msg | CPU T÷E"
      " | Trilog p50 / p99 ms | ElasticMQ p50 / p99 ms | runs T / E |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
for phase in ["send", "sendbatch", "receive", "e2e"]:
    t, e = "trilog", "elasticmq"
    print(f"| {phase} | {fmt(median(phase, t, 'msgs_per_sec'))} | {fmt(median(phase, e, 'msgs_per_sec'))}"
          f" | {ratio(median(phase, t, 'msgs_per_sec'), median(phase, e, 'msgs_per_sec'))}"
          f" | {fmt(median(phase, t, 'cpu_us_per_msg'))} | {fmt(median(phase, e, 'cpu_us_per_msg'))}"
          f" | {ratio(median(phase, t, 'cpu_us_per_msg'), median(phase, e, 'cpu_us_per_msg'))}"
          f" | {fmt(median(phase, t, 'p50_ms'), 2)} / {fmt(median(phase, t, 'p99_ms'), 2)}"
          f" | {fmt(median(phase, e, 'p50_ms'), 2)} / {fmt(median(phase, e, 'p99_ms'), 2)}"
          f" | {len(cells.get((phase, t), []))} / {len(cells.get((phase, e), []))} |")
print()
print("Every run (msgs/s):")
print()
for (phase, broker), runs in sorted(cells.items()):
    print(f"- {phase} {broker}: " + ", ".join(r["msgs_per_sec"] for r in runs)
          + f" (load1 {', '.join(r['load1'] for r in runs)})")
