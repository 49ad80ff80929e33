#!/usr/bin/env bash
# Where Trilog's AMQP 0-9-1 path spends its CPU under one of run.sh's PerfTest workloads: starts
# one Trilog jar, runs PerfTest for WARMUP + SECONDS_, and records only the last SECONDS_ — with
# Java Flight Recorder (default) or async-profiler (PROFILER=async: every CPU millisecond, the
# kernel's frames included; bench/sqs/fetch-deps.sh's lib-profiler, or AP=path/to/libasyncProfiler.so;
# it records from the start, and jfr-top.py keeps the samples of the last SECONDS_ only).
# Prints bench/sqs/jfr-top.py's tables (top frames, first frame outside the JDK, threads) and,
# over the same window, the CPU and context switches of each of the broker's threads, the CPU
# of the PerfTest client (it shares the machine's cores with the broker), and the broker's CPU and
# context switches per message received (PerfTest's per-second lines inside the window).
# With PROFILER=async, ALLOC=512k also samples allocations (one sample per 512 KiB allocated;
# alloc.txt: the allocating frames and first own frames, as shares of the window's samples, one
# per new TLAB). jfr print gets --stack-depth 96: its default of 5 frames cut every stack short.
# Usage: bench/amqp091/profile.sh [path/to/trilog.jar]   (WORKLOAD=a|b|c, WARMUP=15, SECONDS_=20)
# Output: bench/amqp091/target/profiles/<stamp>/{trilog.jfr,top.txt,threads.txt,perftest.out}
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
JAR="${1:-$REPO/gateway/target/trilog.jar}"
WORKLOAD="${WORKLOAD:-a}"
WARMUP="${WARMUP:-15}"
SECONDS_="${SECONDS_:-20}"
PROFILER="${PROFILER:-jfr}"
PORT="${PORT:-25692}"
OUT="$T/profiles/$(date -u +%Y%m%dT%H%M%SZ)-$WORKLOAD"
mkdir -p "$OUT/data"
[[ -d $T/lib-perftest ]] || "$HERE/fetch-deps.sh"
# shellcheck source=workloads.sh
source "$HERE/workloads.sh"
ARGS="$(args_for "$WORKLOAD" profile)" || { echo "WORKLOAD must be a, b or c" >&2; exit 2; }
case "$PROFILER" in
  jfr) AGENT="-XX:StartFlightRecording=filename=$OUT/trilog.jfr,settings=profile,delay=${WARMUP}s,dumponexit=true" ;;
  async)
    AP="${AP:-$(ls "$REPO"/bench/sqs/target/lib-profiler/linux-*/libasyncProfiler.so 2>/dev/null | head -1)}"
    [[ -f $AP ]] || { echo "no libasyncProfiler.so: run bench/sqs/fetch-deps.sh or set AP" >&2; exit 2; }
    AGENT="-agentpath:$AP=start,event=cpu,interval=1ms${ALLOC:+,alloc=$ALLOC},file=$OUT/trilog.jfr" ;;
  *) echo "PROFILER must be jfr or async" >&2; exit 2 ;;
esac
java -Xms1g -Xmx1g $AGENT -jar "$JAR" serve --data-dir "$OUT/data" --amqp-port "$PORT" --kafka-port 0 --sqs-port 0 \
  --admin-port 0 >"$OUT/broker.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 120); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.5; done
# shellcheck disable=SC2086
java -Xmx512m -cp "$T/lib-perftest/*" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$PORT" $ARGS \
  -z $((WARMUP + SECONDS_ + 3)) >"$OUT/perftest.out" 2>&1 &
CLIENT=$!
# per thread of a process: name, voluntary and involuntary context switches, CPU ticks
threads() {
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "$(cat "$t/comm")" "$(awk '/voluntary_ctxt/ {print $2}' "$t/status" | paste -sd' ')" \
      "$(awk '{print $14 + $15}' "$t/stat")"
  done 2>/dev/null
}
sleep "$WARMUP"
WINDOW=("$(date +%s%3N)")
threads "$PID" >"$OUT/threads0.tsv"; threads "$CLIENT" >"$OUT/client0.tsv"
sleep "$SECONDS_"
threads "$PID" >"$OUT/threads1.tsv"; threads "$CLIENT" >"$OUT/client1.tsv"
WINDOW+=("$(date +%s%3N)")
echo "${WINDOW[*]}" >"$OUT/window.txt" # epoch ms: jfr-top.py START END over the same samples again
wait "$CLIENT" || true
kill "$PID"; wait "$PID" 2>/dev/null || true
trap - EXIT
python3 - "$OUT" "$SECONDS_" "$(getconf CLK_TCK)" >"$OUT/threads.txt" <<'PY'
import collections, sys
out, seconds, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(path):
    d = collections.defaultdict(lambda: [0, 0, 0])
    for line in open(path):
        name, switches, ticks = line.rstrip("\n").split("\t")
        if not ticks:
            continue  # the thread ended while it was read
        v, nv = (switches.split() + ["0", "0"])[:2]
        row = d[name.rstrip("0123456789-# ")]
        row[0] += int(v); row[1] += int(nv); row[2] += int(ticks)
    return d
for who in ("threads", "client"):
    a, b = load(f"{out}/{who}0.tsv"), load(f"{out}/{who}1.tsv")
    rows = {k: [b[k][i] - a.get(k, [0, 0, 0])[i] for i in range(3)] for k in b}
    total = sum(r[2] for r in rows.values()) / hz
    print(f"## {'broker' if who == 'threads' else 'PerfTest client'}: {total:.1f} CPU s in {seconds} s "
          f"({100 * total / seconds:.0f}% of one core)")
    print(f"{'thread':32} {'CPU s':>7} {'voluntary cs/s':>15} {'involuntary cs/s':>17}")
    for k, r in sorted(rows.items(), key=lambda kv: -kv[1][2]):
        if r[2] or r[0] > seconds:
            print(f"{k:32} {r[2] / hz:7.2f} {r[0] / seconds:15.0f} {r[1] / seconds:17.0f}")
    print()
PY
# per message over the window: the broker's CPU and context switches
python3 - "$OUT" "$WARMUP" "$SECONDS_" "$(getconf CLK_TCK)" >>"$OUT/threads.txt" <<'PY'
import re, sys
out, warmup, seconds, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
received = 0.0  # PerfTest's per-second lines whose time falls in the window
for line in open(f"{out}/perftest.out"):
    m = re.search(r"time (\d+\.\d+) s, .*received: (\d+) msg/s", line)
    if m and warmup < float(m.group(1)) <= warmup + seconds:
        received += float(m.group(2))
def totals(path):
    cpu = cs = 0
    for line in open(path):
        name, switches, ticks = line.rstrip("\n").split("\t")
        if ticks:
            cpu += int(ticks); cs += sum(int(x) for x in switches.split())
    return cpu, cs
(c0, s0), (c1, s1) = totals(f"{out}/threads0.tsv"), totals(f"{out}/threads1.tsv")
print(f"## per message ({received:,.0f} received in the window)")
if received:
    print(f"broker CPU µs per message: {(c1 - c0) / hz / received * 1e6:.1f}")
    print(f"broker context switches per message: {(s1 - s0) / received:.3f}")
PY
jfr print --json --stack-depth 96 --events jdk.ExecutionSample "$OUT/trilog.jfr" >"$OUT/samples.json"
python3 "$REPO/bench/sqs/jfr-top.py" "${WINDOW[@]}" <"$OUT/samples.json" >"$OUT/top.txt"
if [[ -n ${ALLOC:-} ]]; then
  jfr print --json --stack-depth 96 --events jdk.ObjectAllocationInNewTLAB "$OUT/trilog.jfr" >"$OUT/alloc.json"
  python3 "$REPO/bench/sqs/jfr-top.py" "${WINDOW[@]}" <"$OUT/alloc.json" >"$OUT/alloc.txt"
  rm "$OUT/alloc.json"
fi
rm "$OUT/samples.json" "$OUT"/threads[01].tsv "$OUT"/client[01].tsv
rm -rf "$OUT/data"
grep -E 'sending rate avg|receiving rate avg|consumer latency min|confirm latency min' "$OUT/perftest.out" | tail -4
cat "$OUT/threads.txt"
head -60 "$OUT/top.txt"
echo "profile: $OUT" >&2
