#!/usr/bin/env bash
# Where a broker's CPU goes during a produce run (and then a consume): starts the broker (fresh, 1 partition, the same
# settings as run.sh; P partitions, default 1), warms it up, then runs ProducerPerformance (acks=1) while JFR samples the
# broker: first plainly, with user and kernel CPU time per thread from /proc (names from jcmd
# Thread.print), then again under JFR (profile settings with Java stacks every 1 ms).
# Output: target/runs/<stamp>-profile/profile-<broker>.txt (+ the .jfr).
# WORKLOAD=share profiles share consumers (KIP-932) instead: NUM_RECORDS produced, then consumed
# PLAIN_RUNS times by ShareConsumerPerformance (common.sh's share_perf, a fresh group each time,
# CPU per thread, and on Trilog the ShareFetch count and mean time from its admin /metrics), then
# once more under JFR. Output: profile-<broker>-p<P>-share.txt.
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
PERF_RUN="${PERF_RUN:-}"   # e.g. 2: record that plain run with perf (cpu-clock, call graphs)
BROKERS="${*:-trilog kafka}"
WORKLOAD="${WORKLOAD:-produce}"   # produce | share
ADMIN_PORT="${ADMIN_PORT:-47181}"

thread_ticks() { # "tid<TAB>name<TAB>utime<TAB>stime<TAB>minor faults" per live thread; full names from jcmd Thread.print (nid = tid)
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
    print(f"{tid}\t{names.get(tid, comm)}\t{rest[11]}\t{rest[12]}\t{rest[7]}")
' "$BROKER_PID"
}

produce_run() { # acks label -> $RUN/producer-$label.out
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic t --num-records "$NUM_RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers="$BOOT" acks="$1" \
    $PRODUCER_PROPS_COMMON 2>&1 | grep -E 'records sent.*50th' >"$RUN/producer-$2.out"
}

share_fetches() { # "count sum_seconds" of Trilog's ShareFetch requests so far (admin /metrics); "0 0" on Kafka
  curl -s "127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null | awk '
    /^trilog_kafka_requests_seconds_count\{.*api="ShareFetch"/ { n = $NF }
    /^trilog_kafka_requests_seconds_sum\{.*api="ShareFetch"/ { s = $NF }
    END { printf "%d %.3f\n", n, s }'
}

profile_share() { # the share workload on the running broker -> $OUT
  produce_run "$ACKS" "$BROKER-p$P-share" # the records to share (untimed)
  local i f0 f1
  for i in $(seq 1 "$PLAIN_RUNS"); do
    share_earliest "$BOOT" "share-$i" >/dev/null 2>&1
    thread_ticks >"$RUN/threads-before-$BROKER-p$P-share-$i.tsv"
    f0=$(share_fetches); c0[$i]=$(cpu_ticks)
    log "$BROKER: share consume $i of $NUM_RECORDS records, CPU per thread"
    share_perf "$BOOT" t "$NUM_RECORDS" "share-$i" >"$RUN/share-$BROKER-p$P-$i.out" 2>&1
    c1[$i]=$(cpu_ticks); f1=$(share_fetches)
    thread_ticks >"$RUN/threads-after-$BROKER-p$P-share-$i.tsv"
    fetches[$i]=$(awk -v a="$f0" -v b="$f1" -v n="$NUM_RECORDS" 'BEGIN{ split(a, x, " "); split(b, y, " "); f = y[1] - x[1];
      if (f > 0) printf "%d ShareFetches, %.0f records per ShareFetch, %.2f ms mean in the broker", f, n / f, (y[2] - x[2]) * 1000 / f }')
  done
  share_earliest "$BOOT" share-jfr >/dev/null 2>&1
  jcmd "$BROKER_PID" JFR.start name=bench settings="$JFC" filename="$RUN/$BROKER-p$P-share.jfr" >/dev/null
  log "$BROKER: share consume under JFR"
  share_perf "$BOOT" t "$NUM_RECORDS" share-jfr >"$RUN/share-$BROKER-p$P-jfr.out" 2>&1
  jcmd "$BROKER_PID" JFR.stop name=bench >/dev/null
  stop_broker
  rm -rf "$DATA/$BROKER"
  {
    echo "== $BROKER: ShareConsumerPerformance, $SHARE_CONSUMERS share consumers, $P partition(s), $NUM_RECORDS x $RECORD_SIZE B"
    for i in $(seq 1 "$PLAIN_RUNS"); do
      echo "-- share consume $i of $PLAIN_RUNS (a fresh group), no profiler:"
      grep -E '^[0-9]{4}-' "$RUN/share-$BROKER-p$P-$i.out"
      awk -v a="${c0[$i]}" -v b="${c1[$i]}" -v t="$TICK" -v n="$NUM_RECORDS" \
        'BEGIN{printf "broker CPU: %.1f s = %.2f CPU-s per million records\n", (b-a)/t, (b-a)/t/(n/1e6)}'
      echo "${fetches[$i]}"
      python3 "$HERE/thread_cpu.py" "$RUN/threads-before-$BROKER-p$P-share-$i.tsv" "$RUN/threads-after-$BROKER-p$P-share-$i.tsv" "$TICK"
      echo
    done
    echo "-- one more, under JFR:"
    grep -E '^[0-9]{4}-' "$RUN/share-$BROKER-p$P-jfr.out"
    python3 "$HERE/jfr_top.py" "$RUN/$BROKER-p$P-share.jfr" 30
  } >"$RUN/profile-$BROKER-p$P-share.txt" 2>&1
  log "$BROKER: profile in $RUN/profile-$BROKER-p$P-share.txt"
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
  else BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" "" "" "$ADMIN_PORT" || exit 1; fi
  java -cp "$TOOLS_CP" BenchTool create "$BOOT" t "$P" >/dev/null 2>&1 || { log "create failed"; exit 1; }
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic t --num-records "$WARMUP_RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers="$BOOT" acks="$ACKS" \
    $PRODUCER_PROPS_COMMON >/dev/null 2>&1
  if [[ $WORKLOAD == share ]]; then profile_share; continue; fi
  # 1) no profiler, PLAIN_RUNS times: CPU per thread, user and kernel time apart (the later runs
  #    show how much of the first one was still the JIT compiling)
  for i in $(seq 1 "$PLAIN_RUNS"); do
    thread_ticks >"$RUN/threads-before-$BROKER-p$P-$i.tsv"
    c0[$i]=$(cpu_ticks)
    log "$BROKER: producing $NUM_RECORDS records (acks=$ACKS), CPU per thread, run $i"
    if [[ $i == "$PERF_RUN" ]]; then  # kernel + native stacks of this run (perf; Java frames stay unnamed)
      perf record -q -F 499 -e cpu-clock -g -p "$BROKER_PID" -o "$RUN/perf-$BROKER-p$P.data" >/dev/null 2>&1 &
      PERF_PID=$!
    fi
    produce_run "$ACKS" "$BROKER-p$P-plain-$i"
    if [[ $i == "$PERF_RUN" ]]; then kill -INT "$PERF_PID"; wait "$PERF_PID"; fi
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
  # 3) a consume of NUM_RECORDS from the start of the topic (BenchTool, assign()): per thread, then under JFR
  thread_ticks >"$RUN/threads-before-$BROKER-p$P-consume.tsv"
  c4=$(cpu_ticks)
  log "$BROKER: consuming $NUM_RECORDS records, CPU per thread"
  java -cp "$TOOLS_CP" BenchTool consume "$BOOT" t "$NUM_RECORDS" >"$RUN/consume-$BROKER-p$P-plain.out" 2>&1
  c5=$(cpu_ticks)
  thread_ticks >"$RUN/threads-after-$BROKER-p$P-consume.tsv"
  jcmd "$BROKER_PID" JFR.start name=bench settings="$JFC" filename="$RUN/$BROKER-p$P-consume.jfr" >/dev/null
  log "$BROKER: consuming $NUM_RECORDS records under JFR"
  java -cp "$TOOLS_CP" BenchTool consume "$BOOT" t "$NUM_RECORDS" >"$RUN/consume-$BROKER-p$P-jfr.out" 2>&1
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
      python3 "$HERE/thread_cpu.py" "$RUN/threads-before-$BROKER-p$P-$i.tsv" "$RUN/threads-after-$BROKER-p$P-$i.tsv" "$TICK"
      if [[ $i == "$PERF_RUN" ]]; then
        echo
        echo "perf (cpu-clock, 499 Hz) of this run, top symbols by self time (kernel symbols named; [unknown] = JIT-compiled Java):"
        perf report -i "$RUN/perf-$BROKER-p$P.data" --no-children --sort comm,dso,sym --stdio 2>/dev/null \
          | grep -E '^ +[0-9]' | head -40
        echo
        echo "perf, kernel call chains of the top kernel symbols (caller side):"
        perf report -i "$RUN/perf-$BROKER-p$P.data" --no-children --sort sym --stdio -G --percent-limit 3 2>/dev/null \
          | grep -vE '^$|^#' | head -120
      fi
      echo
    done
    echo
    echo "-- one more run, under JFR (profile settings, Java stacks sampled every 1 ms):"
    cat "$RUN/producer-$BROKER-p$P-jfr.out"
    awk -v a="$c2" -v b="$c3" -v t="$TICK" -v n="$NUM_RECORDS" \
      'BEGIN{printf "broker CPU: %.1f s = %.2f CPU-s per million records (JFR included)\n\n", (b-a)/t, (b-a)/t/(n/1e6)}'
    python3 "$HERE/jfr_top.py" "$RUN/$BROKER-p$P.jfr" 30
    echo
    echo "-- consume of $NUM_RECORDS records from the start (BenchTool consume, assign()), no profiler:"
    grep '^CONSUME' "$RUN/consume-$BROKER-p$P-plain.out"
    awk -v a="$c4" -v b="$c5" -v t="$TICK" -v n="$NUM_RECORDS" \
      'BEGIN{printf "broker CPU: %.1f s = %.2f CPU-s per million records\n\n", (b-a)/t, (b-a)/t/(n/1e6)}'
    python3 "$HERE/thread_cpu.py" "$RUN/threads-before-$BROKER-p$P-consume.tsv" "$RUN/threads-after-$BROKER-p$P-consume.tsv" "$TICK"
    echo
    echo "-- the same consume under JFR:"
    grep '^CONSUME' "$RUN/consume-$BROKER-p$P-jfr.out"
    python3 "$HERE/jfr_top.py" "$RUN/$BROKER-p$P-consume.jfr" 20
  } >"$OUT" 2>&1
  log "$BROKER: profile in $OUT"
done
ln -sfn "runs/$(basename "$RUN")" "$T/latest-profile"
