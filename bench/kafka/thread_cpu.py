#!/usr/bin/env python3
"""CPU seconds per thread between two snapshots written by profile.sh's thread_ticks
(tid, name, utime, stime in clock ticks, minor page faults); threads grouped by name with digits folded to #.

Usage: thread_cpu.py BEFORE.tsv AFTER.tsv CLK_TCK
"""
import collections, re, sys
def load(p):
    d = {}
    for l in open(p):
        f = l.rstrip('\n').split('\t')
        d[f[0]] = (f[1], int(f[2]), int(f[3]), int(f[4]) if len(f) > 4 else 0)
    return d
b, a, tick = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
groups = collections.defaultdict(lambda: [0.0, 0.0, 0, 0])
for tid, (name, u, s, f) in a.items():
    _, u0, s0, f0 = b.get(tid, (name, 0, 0, 0))
    g = groups[re.sub(r'\d+', '#', name)]
    g[0] += (u - u0) / tick; g[1] += (s - s0) / tick; g[2] += 1; g[3] += f - f0
total = sum(g[0] + g[1] for g in groups.values()) or 1
print(f'  {"user s":>7} {"sys s":>7} {"share":>6}  threads  {"minflt":>8}  name (digits folded to #)')
for k, (u, s, n, f) in sorted(groups.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:15]:
    if u + s > 0:
        print(f'  {u:7.2f} {s:7.2f} {100 * (u + s) / total:5.1f}%  {n:7d}  {f:8d}  {k}')
print(f'  {sum(g[0] for g in groups.values()):7.2f} {sum(g[1] for g in groups.values()):7.2f}  total (threads alive at both ends)')
