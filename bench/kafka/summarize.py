#!/usr/bin/env python3
"""Medians per (phase, partitions, broker) from bench/kafka/run.sh's results.tsv, as Markdown.

Usage: summarize.py results.tsv [more results.tsv ...]   (rows of several runs are pooled)
Ratios are Trilog / Kafka of the medians: above 1 is better for throughput, below 1 is better
for CPU per record and latency.
"""
import csv
import statistics
import sys
from collections import defaultdict

QUIET = 0.25  # cores: a phase during which the rest of the machine used less than this is "quiet"

rows = []
for path in sys.argv[1:]:
    with open(path) as f:
        rows += [r for r in csv.DictReader((l for l in f if not l.startswith('#')), delimiter='\t')]

vals = defaultdict(lambda: defaultdict(list))  # (phase, p, broker) -> column -> [floats]
quiet = defaultdict(lambda: defaultdict(list))  # the same, only phases with other_cores < QUIET
notes = defaultdict(set)
failed = defaultdict(int)
for r in rows:
    key = (r['phase'], r['partitions'], r['broker'])
    if r['records'] in ('', '0'):
        failed[key] += 1
        notes[key].add(r['note'])
        continue
    for col in ('mb_per_sec', 'rec_per_sec', 'cpu_s_per_M', 'lat_avg_ms', 'lat_p50_ms', 'lat_p99_ms', 'lat_p999_ms',
                'cpu_secs', 'client_cpu_secs', 'wall_secs', 'other_cores'):
        if r.get(col) not in ('', None):
            vals[key][col].append(float(r[col]))
            if r.get('other_cores') not in ('', None) and float(r['other_cores']) < QUIET:
                quiet[key][col].append(float(r[col]))
    notes[key].add(r['note'].split(' (')[0])


def med(phase, p, broker, col):
    v = vals[(phase, p, broker)][col]
    return statistics.median(v) if v else None


def fmt(x, nd=1):
    return '—' if x is None else f'{x:.{nd}f}'


def ratio(a, b, nd=2):
    return '—' if a is None or b is None or b == 0 else f'{a / b:.{nd}f}'


def n(phase, p, broker):
    k = (phase, p, broker)
    ok = len(vals[k]['mb_per_sec'] or vals[k]['lat_avg_ms'])
    return f'{ok}' + (f' (+{failed[k]} failed)' if failed[k] else '')


parts = sorted({r['partitions'] for r in rows}, key=int)
titles = {
    'produce_acks1': 'Produce, acks=1 (ProducerPerformance)',
    'produce_acksall': 'Produce, acks=all (ProducerPerformance)',
    'consume': 'Consume (BenchTool consume: assign(), no group; same for both brokers)',
    'consume_perf': 'Consume (ConsumerPerformance, consumer group; MB.sec, which includes joining the group)',
    'consume_perf_fetch': 'Consume (ConsumerPerformance fetch.MB.sec: the same runs without the group join time)',
    'produce_txn': 'Transactional produce (ProducerPerformance --transactional-id, --transaction-duration-ms; PHASES=txn)',
    'consume_read_uncommitted': 'Consume the transactional topic, isolation.level=read_uncommitted (BenchTool consume; PHASES=txn)',
    'consume_read_committed': 'Consume the transactional topic, isolation.level=read_committed (BenchTool consume; PHASES=txn)',
    'share_consume': 'Share consumers (KIP-932 share group; PHASES=share; SHARE_ACK=implicit: ShareConsumerPerformance, explicit: BenchTool share-explicit — see env.txt)',
}
for phase, title in titles.items():
    if not any(k[0] == phase for k in vals):
        continue  # a phase this run did not have (PHASES=standard, txn or share)
    print(f'### {title}\n')
    print('| partitions | Trilog MB/s | Kafka MB/s | throughput T÷K | Trilog CPU-s / M rec | Kafka CPU-s / M rec | CPU T÷K | runs T / K |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    for p in parts:
        tm, km = med(phase, p, 'trilog', 'mb_per_sec'), med(phase, p, 'kafka', 'mb_per_sec')
        tc, kc = med(phase, p, 'trilog', 'cpu_s_per_M'), med(phase, p, 'kafka', 'cpu_s_per_M')
        print(f'| {p} | {fmt(tm)} | {fmt(km)} | {ratio(tm, km)} | {fmt(tc, 2)} | {fmt(kc, 2)} | {ratio(tc, kc)} | {n(phase, p, "trilog")} / {n(phase, p, "kafka")} |')
    if phase.startswith('produce'):
        print('\nProducer-side latency (ms, median over runs of ProducerPerformance\'s avg / p50 / p99):\n')
        print('| partitions | Trilog avg / p50 / p99 | Kafka avg / p50 / p99 |')
        print('| --- | --- | --- |')
        for p in parts:
            cell = lambda b: ' / '.join(fmt(med(phase, p, b, c), 0) for c in ('lat_avg_ms', 'lat_p50_ms', 'lat_p99_ms'))
            print(f'| {p} | {cell("trilog")} | {cell("kafka")} |')
    fails = {k: v for k, v in notes.items() if k[0] == phase and failed[k]}
    for k, v in sorted(fails.items()):
        print(f'\n{k[2]}, {k[1]} partition(s): failed {failed[k]}x — {"; ".join(sorted(v))}')
    print()

TLS_BROKERS = ('trilog', 'trilog-tls', 'trilog-tls-jdk', 'kafka', 'kafka-tls')
PLAINTEXT_OF = {'trilog-tls': 'trilog', 'trilog-tls-jdk': 'trilog', 'kafka-tls': 'kafka'}
if any(k[2] in PLAINTEXT_OF for k in vals):
    print('### TLS (PHASES=tls): each broker over TLS against itself in plaintext and against Kafka over TLS\n')
    print('trilog-tls: BoringSSL (netty-tcnative, kafka.tls.provider=openssl); trilog-tls-jdk: the JDK\'s engine;'
          ' kafka-tls: Kafka 4.4\'s SSL listener (the JDK\'s engine). Medians over runs.\n')
    for phase in ('produce_acks1', 'consume'):
        if not any(k[0] == phase and k[2] in PLAINTEXT_OF for k in vals):
            continue
        print(f'{titles.get(phase, phase)}:\n')
        print('| broker | MB/s | rec/s | CPU-s / M rec | ÷ own plaintext (MB/s) | CPU ÷ own plaintext | ÷ kafka-tls (MB/s) | CPU ÷ kafka-tls | runs |')
        print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
        for p in parts:
            for b in TLS_BROKERS:
                if not vals[(phase, p, b)]['mb_per_sec']:
                    continue
                mb, rps, cpu = (med(phase, p, b, c) for c in ('mb_per_sec', 'rec_per_sec', 'cpu_s_per_M'))
                plain = PLAINTEXT_OF.get(b)
                own = (ratio(mb, med(phase, p, plain, 'mb_per_sec')), ratio(cpu, med(phase, p, plain, 'cpu_s_per_M'))) \
                    if plain else ('—', '—')
                vs_k = (ratio(mb, med(phase, p, 'kafka-tls', 'mb_per_sec')), ratio(cpu, med(phase, p, 'kafka-tls', 'cpu_s_per_M')))
                print(f'| {b} (p={p}) | {fmt(mb)} | {fmt(rps, 0)} | {fmt(cpu, 2)} | {own[0]} | {own[1]} | {vs_k[0]} | {vs_k[1]} | {n(phase, p, b)} |')
        print()

for phase, title in (('e2e_EndToEndLatency', 'End-to-end latency, EndToEndLatency (acks=1, 1 partition; whole-millisecond percentiles)'),
                     ('e2e_BenchTool', 'End-to-end latency, BenchTool e2e (same loop, microsecond resolution)')):
    if not any(k[0] == phase for k in vals):
        continue
    print(f'### {title}\n')
    print('| statistic (ms) | Trilog | Kafka | T÷K | runs T / K |')
    print('| --- | ---: | ---: | ---: | --- |')
    for col, label in (('lat_avg_ms', 'avg'), ('lat_p50_ms', 'p50'), ('lat_p99_ms', 'p99'), ('lat_p999_ms', 'p99.9')):
        t, k = med(phase, '1', 'trilog', col), med(phase, '1', 'kafka', col)
        print(f'| {label} | {fmt(t, 3)} | {fmt(k, 3)} | {ratio(t, k)} | {n(phase, "1", "trilog")} / {n(phase, "1", "kafka")} |')
    tc, kc = med(phase, '1', 'trilog', 'cpu_s_per_M'), med(phase, '1', 'kafka', 'cpu_s_per_M')
    print(f'| broker CPU-s per M messages | {fmt(tc, 1)} | {fmt(kc, 1)} | {ratio(tc, kc)} | |')
    print()

if any(vals[k]['client_cpu_secs'] for k in vals):
    print('### Where the CPU went (medians: seconds of the phase; 2 cores = 2 CPU-s per wall second)\n')
    print('"other" is CPU used meanwhile by the rest of the shared machine (other sessions), in cores.\n')
    print('| phase | partitions | broker | wall s | broker CPU s | client CPU s | other, cores |')
    print('| --- | --- | --- | ---: | ---: | ---: | ---: |')
    for (phase, p, b) in sorted(vals):
        if phase.startswith(('produce', 'consume')) and vals[(phase, p, b)]['client_cpu_secs']:
            print(f'| {phase} | {p} | {b} | {fmt(med(phase, p, b, "wall_secs"))} | {fmt(med(phase, p, b, "cpu_secs"), 2)} '
                  f'| {fmt(med(phase, p, b, "client_cpu_secs"), 2)} | {fmt(med(phase, p, b, "other_cores"), 2)} |')
    print()

if quiet:
    print(f'### Quiet phases only (the rest of the machine used < {QUIET} cores meanwhile)\n')
    print('The same medians, over only the phases that other sessions on the shared machine left alone.\n')
    print('| phase | partitions | Trilog MB/s | Kafka MB/s | T÷K | Trilog CPU-s/M | Kafka CPU-s/M | CPU T÷K | quiet runs T / K |')
    print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    qm = lambda ph, p, b, c: statistics.median(quiet[(ph, p, b)][c]) if quiet[(ph, p, b)][c] else None
    for phase in titles:
        for p in parts:
            tm, km = qm(phase, p, 'trilog', 'mb_per_sec'), qm(phase, p, 'kafka', 'mb_per_sec')
            tc, kc = qm(phase, p, 'trilog', 'cpu_s_per_M'), qm(phase, p, 'kafka', 'cpu_s_per_M')
            if tm is None and km is None:
                continue
            print(f'| {phase} | {p} | {fmt(tm)} | {fmt(km)} | {ratio(tm, km)} | {fmt(tc, 2)} | {fmt(kc, 2)} | {ratio(tc, kc)} '
                  f'| {len(quiet[(phase, p, "trilog")]["mb_per_sec"])} / {len(quiet[(phase, p, "kafka")]["mb_per_sec"])} |')
    for phase in ('e2e_EndToEndLatency', 'e2e_BenchTool'):
        t = [qm(phase, '1', 'trilog', c) for c in ('lat_avg_ms', 'lat_p50_ms', 'lat_p99_ms')]
        k = [qm(phase, '1', 'kafka', c) for c in ('lat_avg_ms', 'lat_p50_ms', 'lat_p99_ms')]
        if any(x is not None for x in t + k):
            print(f'\n{phase}, quiet runs (T / K: {len(quiet[(phase, "1", "trilog")]["lat_avg_ms"])} / '
                  f'{len(quiet[(phase, "1", "kafka")]["lat_avg_ms"])}): avg / p50 / p99 ms — Trilog '
                  f'{" / ".join(fmt(x, 3) for x in t)}, Kafka {" / ".join(fmt(x, 3) for x in k)}')
    print()

print('### Every run (MB/s, CPU-s per M records)\n')
print('| phase | partitions | broker | MB/s per rep | CPU-s/M per rep |')
print('| --- | --- | --- | --- | --- |')
for (phase, p, b), c in sorted(vals.items()):
    if c['mb_per_sec']:
        print(f'| {phase} | {p} | {b} | {", ".join(fmt(x) for x in c["mb_per_sec"])} | {", ".join(fmt(x, 2) for x in c["cpu_s_per_M"])} |')

if any(k[2] == 'trilog-base' for k in vals):
    print('\n### This build against the baseline build (BASELINE_JAR), medians\n')
    print('| phase | partitions | after MB/s | before MB/s | throughput after÷before | after CPU-s/M | before CPU-s/M | CPU after÷before | runs after / before |')
    print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    for phase in titles:
        for p in parts:
            am, bm = med(phase, p, 'trilog', 'mb_per_sec'), med(phase, p, 'trilog-base', 'mb_per_sec')
            ac, bc = med(phase, p, 'trilog', 'cpu_s_per_M'), med(phase, p, 'trilog-base', 'cpu_s_per_M')
            if am is None or bm is None:
                continue
            print(f'| {phase} | {p} | {fmt(am)} | {fmt(bm)} | {ratio(am, bm)} | {fmt(ac, 2)} | {fmt(bc, 2)} | {ratio(ac, bc)} '
                  f'| {n(phase, p, "trilog")} / {n(phase, p, "trilog-base")} |')
