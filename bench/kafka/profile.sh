#!/usr/bin/env bash
# Where a broker's CPU goes during a produce run: starts the broker (fresh, 1 partition, the same
# settings as run.sh; P partitions, default 1), warms it up, then runs ProducerPerformance (acks=1) while JFR samples the
# broker: first plainly, with user and kernel CPU time per thread from /proc (names from jcmd
# Thread.print), then again under JFR (profile settings with Java stacks every 1 ms).
# Output: target/runs/<stamp>-profile/profile-<broker>.txt (+ the .jfr).
# Usage: bench/kafka/profile.sh [trilog|kafka ...]   (default: trilog kafka)
RUN_SUFFIX=-profile
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
NUM_RECORDS="${NUM_RECORDS:-2000000}"
RECORD_SIZE="${RECORD_SIZE:-1024}"
WARMUP_RECORDS="${WARMUP_RECORDS:-500000}"
P="${P:-1}"   # partitions
ACKS="${ACKS:-1}"
PLAIN_RUNS="${PLAIN_RUNS:-2}"
BROKERS="${*:-trilog kafka}"

thread_ticks() { # "tid<TAB>name<TAB>utime<TAB>stime" per live thread; full names from jcmd Thread.print (nid = tid)
  jcmd "$BROKER_PID" Thread.print 2>/dev/null | python3 -c '
import glob, re, sys
names = {int(m.group(2), 16): m.group(1) for m in re.finditer(r"^\"(.*)\" .* nid=(0x[0-9a-f]+) ", sys.stdin.read(), re.M)}
for f in glob.glob("/proc/" + sys.argv[1] + "/task/*/stat"):
    try:
        st = open(f).read()
    except OSError:
        continue
    tid = int(st.split(" ", 1)[0]); comm = st[st.index("(") + 1:st.rindex(")")]
    rest = st[st.rindex(")") + 2:].split()
    print(f"{tid}\t{names.get(tid, comm)}\t{rest[11]}\t{rest[12]}")
' "$BROKER_PID"
}

produce_run() { # acks label -> $RUN/producer-$label.out
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic t --num-records "$NUM_RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers="$BOOT" acks="$1" \
    $PRODUCER_PROPS_COMMON 2>&1 | grep -E 'records sent.*50th' >"$RUN/producer-$2.out"
}

# JFR's "profile" settings, but Java stacks every 1 ms instead of 10 (and native every 10 ms, not
# 20): a 2M-record run lasts ~15 s and the broker threads spend half of it in the kernel, so at
# 10 ms there are too few samples to rank frames.
JAVA_HOME_REAL="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
JFC="$RUN/sample-1ms.jfc"
sed -E 's#(control="method-sampling-java-interval">)[^<]*<#\11 ms<#; s#(control="method-sampling-native-interval">)[^<]*<#\110 ms<#' \
  "$JAVA_HOME_REAL/lib/jfr/profile.jfc" >"$JFC"

for BROKER in $BROKERS; do
  TAG="profile-$BROKER-p$P"
  OUT="$RUN/profile-$BROKER-p$P.txt"
  sync
  if [[ $BROKER == kafka ]]; then BOOT="127.0.0.1:$KAFKA_PORT"; start_kafka "$P" "$TAG" || exit 1
  else BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" || exit 1; fi
  java -cp "$TOOLS_CP" BenchTool create "$BOOT" t "$P" >/dev/null 2>&1 || { log "create failed"; exit 1; }
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic t --num-records "$WARMUP_RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers="$BOOT" acks="$ACKS" \
    $PRODUCER_PROPS_COMMON >/dev/null 2>&1
  # 1) no profiler, PLAIN_RUNS times: CPU per thread, user and kernel time apart (the later runs
  #    show how much of the first one was still the JIT compiling)
  for i in $(seq 1 "$PLAIN_RUNS"); do
    thread_ticks >"$RUN/threads-before-$BROKER-p$P-$i.tsv"
    c0[$i]=$(cpu_ticks)
    log "$BROKER: producing $NUM_RECORDS records (acks=$ACKS), CPU per thread, run $i"
    produce_run "$ACKS" "$BROKER-p$P-plain-$i"
    c1[$i]=$(cpu_ticks)
    thread_ticks >"$RUN/threads-after-$BROKER-p$P-$i.tsv"
  done
  # 2) the same again under JFR, for the stacks
  jcmd "$BROKER_PID" JFR.start name=bench settings="$JFC" filename="$RUN/$BROKER-p$P.jfr" >/dev/null
  log "$BROKER: producing $NUM_RECORDS records (acks=$ACKS) under JFR"
  c2=$(cpu_ticks)
  produce_run "$ACKS" "$BROKER-p$P-jfr"
  c3=$(cpu_ticks)
  jcmd "$BROKER_PID" JFR.stop name=bench >/dev/null
  stop_broker
  rm -rf "$DATA/$BROKER"
  {
    echo "== $BROKER: ProducerPerformance acks=$ACKS, $P partition(s), $NUM_RECORDS x $RECORD_SIZE B"
    for i in $(seq 1 "$PLAIN_RUNS"); do
      echo "-- plain run $i of $PLAIN_RUNS, no profiler:"
      cat "$RUN/producer-$BROKER-p$P-plain-$i.out"
      awk -v a="${c0[$i]}" -v b="${c1[$i]}" -v t="$TICK" -v n="$NUM_RECORDS" \
        'BEGIN{printf "broker CPU: %.1f s = %.2f CPU-s per million records\n\n", (b-a)/t, (b-a)/t/(n/1e6)}'
      echo "CPU seconds by thread (user = Java + JVM code, sys = kernel: socket and file syscalls, page faults):"
      python3 - "$RUN/threads-before-$BROKER-p$P-$i.tsv" "$RUN/threads-after-$BROKER-p$P-$i.tsv" "$TICK" <<'PY'
import collections, re, sys
def load(p):
    d = {}
    for l in open(p):
        tid, name, u, s = l.rstrip('\n').split('\t')
        d[tid] = (name, int(u), int(s))
    return d
b, a, tick = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
groups = collections.defaultdict(lambda: [0.0, 0.0, 0])
for tid, (name, u, s) in a.items():
    _, u0, s0 = b.get(tid, (name, 0, 0))
    g = groups[re.sub(r'\d+', '#', name)]
    g[0] += (u - u0) / tick; g[1] += (s - s0) / tick; g[2] += 1
total = sum(g[0] + g[1] for g in groups.values()) or 1
print(f'  {"user s":>7} {"sys s":>7} {"share":>6}  threads  name (digits folded to #)')
for k, (u, s, n) in sorted(groups.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:15]:
    if u + s > 0:
        print(f'  {u:7.2f} {s:7.2f} {100 * (u + s) / total:5.1f}%  {n:7d}  {k}')
print(f'  {sum(g[0] for g in groups.values()):7.2f} {sum(g[1] for g in groups.values()):7.2f}  total (threads alive at both ends)')
PY
      echo
    done
    echo
    echo "-- one more run, under JFR (profile settings, Java stacks sampled every 1 ms):"
    cat "$RUN/producer-$BROKER-p$P-jfr.out"
    awk -v a="$c2" -v b="$c3" -v t="$TICK" -v n="$NUM_RECORDS" \
      'BEGIN{printf "broker CPU: %.1f s = %.2f CPU-s per million records (JFR included)\n\n", (b-a)/t, (b-a)/t/(n/1e6)}'
    python3 "$HERE/jfr_top.py" "$RUN/$BROKER-p$P.jfr" 30
  } >"$OUT" 2>&1
  log "$BROKER: profile in $OUT"
done
ln -sfn "runs/$(basename "$RUN")" "$T/latest-profile"
