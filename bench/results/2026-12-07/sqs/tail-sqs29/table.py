import sys, csv, statistics as st
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
order = sys.argv[2].split(',') if len(sys.argv) > 2 else ['trilog', 'trilog-base', 'elasticmq']
by = {}
for r in rows:
    by.setdefault((r['phase'], r['broker']), []).append(r)
med = lambda xs: st.median(xs)
print('| phase | broker | msgs/s | CPU µs/msg | p50 ms | p99 ms | p99.9 ms |')
print('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
M = {}
for ph in ('send', 'batch', 'receive', 'e2e'):
    for mode in ('', '+hog'):
        for b in order:
            rs = by.get((ph, b + mode))
            if not rs:
                continue
            rate = med([float(r['msgs_per_sec']) for r in rs])
            cpu = med([float(r['broker_cpu_s']) / int(r['messages']) * 1e6 for r in rs])
            p50 = med([float(r['p50_ms']) for r in rs]); p99 = med([float(r['p99_ms']) for r in rs]); p999 = med([float(r['p999_ms']) for r in rs])
            M[(ph, b + mode)] = (rate, cpu, p99, p999)
            print(f'| {ph} | {b}{mode} | {rate:,.0f} | {cpu:.1f} | {p50:.2f} | {p99:.2f} | {p999:.2f} |')
print()
print('| phase | mode | rate T÷E (main÷E) | CPU/msg T÷E (main÷E) | p99 T÷E (main÷E) | T÷main: rate, CPU/msg, p99 |')
print('| --- | --- | ---: | ---: | ---: | ---: |')
for ph in ('send', 'batch', 'receive', 'e2e'):
    for mode in ('', '+hog'):
        t, b, e = M.get((ph, 'trilog' + mode)), M.get((ph, 'trilog-base' + mode)), M.get((ph, 'elasticmq' + mode))
        if not (t and b and e):
            continue
        print(f'| {ph} | {"hog" if mode else "quiet"} | **{t[0]/e[0]:.2f}** ({b[0]/e[0]:.2f}) | **{t[1]/e[1]:.2f}** ({b[1]/e[1]:.2f}) | **{t[2]/e[2]:.2f}** ({b[2]/e[2]:.2f}) | {t[0]/b[0]:.2f}, {t[1]/b[1]:.2f}, {t[2]/b[2]:.2f} |')
