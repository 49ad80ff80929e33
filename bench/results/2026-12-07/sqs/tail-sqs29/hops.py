#!/usr/bin/env python3
"""Joins the bench's e2e client trace with the broker's per-hop stamps (HopTrace) and the broker's
JIT log (-Xlog:jit+compilation=debug with timenanos), and says where the slowest 1 % of messages spent their time.
usage: hops.py CLIENT_E2E_TSV HOPS_TSV [JIT_LOG]"""
import sys, re, bisect
from collections import defaultdict
NAMES = ['SEND_IN', 'SEND_DONE', 'HAND', 'ANSWER', 'WRITTEN', 'POLL_IN']
client = []
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    if len(f) >= 2:
        client.append((int(f[0]), int(f[1]), f[2] if len(f) > 2 else '', int(f[3]) if len(f) > 3 else 0))
hops = defaultdict(dict)
for line in open(sys.argv[2]):
    k, h, t, th = line.rstrip('\n').split('\t')
    hops[int(k)].setdefault(int(h), (int(t), th))
jit = []
if len(sys.argv) > 3:
    for line in open(sys.argv[3]):
        m = re.match(r'\[(\d+)ns\]\s+(\d+)\s+(%?)\s*[sbn!]*\s*(\d)\s+(\S+)', line)
        if m and m.group(4) == '4':
            jit.append((int(m.group(1)), m.group(5)))
    jit.sort()
jt = [j[0] for j in jit]
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')
client.sort()
t0 = client[0][0]
e2e = [(r - s) / 1e3 for s, r, _, _ in client]
p99 = q(e2e, 0.99)
print(f'{len(client)} messages; e2e p50 {q(e2e,.5):.0f} p90 {q(e2e,.9):.0f} p99 {p99:.0f} p99.9 {q(e2e,.999):.0f} us; C2 compiles logged: {len(jit)}')
segs = defaultdict(list)
rows = []
for s, r, th, n in client:
    h = hops.get(s, {})
    def t(x):
        return h[x][0] if x in h else None
    si, hd, an, wr, pi = t(0), t(2), t(3), t(4), t(5)
    same = None
    if hd is not None and an is not None:
        same = h[2][1] == h[3][1]
    row = dict(key=s, e2e=(r - s) / 1e3, at=(s - t0) / 1e9, same=same,
               inbound=(si - s) / 1e3 if si else None,
               to_hand=(hd - si) / 1e3 if hd and si else None,
               hand_answer=(an - hd) / 1e3 if an and hd else None,
               in_answer=(an - si) / 1e3 if an and si else None,
               answer_written=(wr - an) / 1e3 if wr and an else None,
               outbound=(r - wr) / 1e3 if wr else None,
               poll_waited=(si - pi) / 1e3 if pi and si else None,
               handed=hd is not None)
    lo, hi = bisect.bisect_left(jt, s - 2_000_000), bisect.bisect_right(jt, r)
    row['c2'] = hi - lo
    rows.append(row)
    for k in ('inbound', 'to_hand', 'hand_answer', 'answer_written', 'outbound'):
        if row[k] is not None:
            segs[k].append(row[k])
print('hop              n     p50     p90     p99     max  (us)')
for k in ('inbound', 'to_hand', 'hand_answer', 'answer_written', 'outbound'):
    v = segs[k]
    print(f'{k:14s} {len(v):5d} {q(v,.5):7.0f} {q(v,.9):7.0f} {q(v,.99):7.0f} {max(v) if v else 0:7.0f}')
for label, pick in (('same thread', True), ('cross thread', False)):
    v = [x for x in rows if x['same'] is pick]
    ha = [x['hand_answer'] for x in v]
    ee = [x['e2e'] for x in v]
    print(f'{label}: {len(v)} msgs; hand->answer p50 {q(ha,.5):.0f} p99 {q(ha,.99):.0f}; e2e p50 {q(ee,.5):.0f} p99 {q(ee,.99):.0f}')
nh = [x for x in rows if not x['handed']]
print(f'not handed to a waiting poll (taken by a poll\'s first look): {len(nh)}; e2e p50 {q([x["e2e"] for x in nh],.5):.0f} p99 {q([x["e2e"] for x in nh],.99):.0f}')
slow = [x for x in rows if x['e2e'] >= p99]
print(f'\nslow (>= p99 {p99:.0f} us): {len(slow)}; in the first second: {sum(1 for x in slow if x["at"] < 1)}; '
      f'with a C2 compile started in [send-2ms, recv]: {sum(1 for x in slow if x["c2"])} (all msgs: {sum(1 for x in rows if x["c2"])}/{len(rows)})')
big = defaultdict(int)
for x in sorted(slow, key=lambda x: x['at']):
    parts = {k: x[k] for k in ('inbound', 'to_hand', 'hand_answer', 'in_answer', 'answer_written', 'outbound') if x[k] is not None}
    main = max((k for k in parts if k != 'in_answer'), key=lambda k: parts[k], default='?')
    big[main] += 1
    print(f"  t={x['at']:6.3f}s e2e={x['e2e']:7.0f} " + ' '.join(f'{k}={v:.0f}' for k, v in parts.items())
          + f" same={x['same']} handed={x['handed']} c2={x['c2']}")
print('largest hop of the slow ones:', dict(big))
if len(sys.argv) > 4:
    sp = []
    for line in open(sys.argv[4]):
        m = re.match(r'\[(\d+)ns\] Safepoint "(\w+)".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns', line)
        if m:
            end = int(m.group(1)); tot = int(m.group(4))
            sp.append((end - tot, end, m.group(2), int(m.group(3)), tot))
    c0, c1 = client[0][0], max(r for _, r, _, _ in client)
    inphase = [x for x in sp if x[1] >= c0 and x[0] <= c1]
    print(f'\nsafepoints in the e2e phase: {len(inphase)}')
    for x in inphase:
        print(f'  t={(x[0]-c0)/1e9:6.3f}s {x[2]} reaching {x[3]/1e3:.0f} us total {x[4]/1e3:.0f} us')
    n_sp = sum(1 for x in slow if any(a <= x['key'] + x['e2e'] * 1e3 and b >= x['key'] for a, b, *_ in inphase))
    print(f'slow messages overlapping a safepoint: {n_sp}/{len(slow)}; all: '
          f'{sum(1 for x in rows if any(a <= x["key"] + x["e2e"] * 1e3 and b >= x["key"] for a, b, *_ in inphase))}/{len(rows)}')
    ph = [j for j in jt if c0 <= j <= c1]
    print(f'C2 compiles started in the e2e phase: {len(ph)}; per second: ' +
          ' '.join(str(sum(1 for j in ph if c0 + i * 1e9 <= j < c0 + (i + 1) * 1e9)) for i in range(int((c1 - c0) / 1e9) + 1)))
