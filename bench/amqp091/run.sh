#!/usr/bin/env bash
# Trilog vs RabbitMQ (Debian's rabbitmq-server, a private node) over AMQP 0-9-1, with RabbitMQ's
# own PerfTest, A B A B: for each repetition and workload, each broker in turn (the order
# alternates every repetition). Trilog starts fresh per run with a fresh data directory; RabbitMQ
# runs as one private node for the whole script (compare/peers.sh: its own node name, ports, data,
# cookie; never the system service), frozen outside its turns (FREEZE_RESIDENT,
# bench/common/resident.sh), and each run uses its own queues.
#
# Workloads (issue 12): (a) 1 producer, 1 consumer, 1 KiB persistent, confirms (-c 100), manual
# acks, prefetch 100, durable queue; (b) the same with autoack and no confirms; (c) 10 producers
# and 10 consumers on 10 queues, as (a). Broker CPU is utime+stime from /proc/PID/stat around
# each run; the PerfTest client's (it shares the 2 cores) is this script's waited-for children's
# CPU (cutime+cstime of /proc/$$/stat) across the measured PerfTest run, its JVM's start and JIT
# included. Results: target/runs/<stamp>/results.tsv and summary.md, kept in
# bench/results/<date>/amqp091/. Everything binds 127.0.0.1.
#
#   bench/amqp091/fetch-deps.sh; bench/amqp091/run.sh      (REPS=3 DURATION=30 WARMUP=60 WORKLOADS="a b c")
#
# WARMUP=S first runs the same workload for S seconds on other queues against the same broker
# process, unmeasured, so the measured run sees a warmed-up broker (Trilog starts fresh per run,
# and its JIT compilation otherwise falls into the measured seconds; RabbitMQ runs one node for
# the whole script). Default 60: Trilog's hottest AMQP methods reach C2 code only 21-42 s after the
# load starts (amqp7's compile log, RESULTS.md 2026-12-07), so a shorter warm-up measures the JIT
# and the rate keeps climbing through the measured seconds. WARMUP=0 repeats the runs before
# 2026-12-07 (cold broker; WARMUP=20 the ones of 2026-12-06/07).
#
# Two Trilog builds side by side (an A/B of a change, interleaved on the same machine): name each
# jar in BUILDS and put the names in BROKERS (a name starts with "trilog"); the broker order
# rotates every repetition (A B C, B C A, ...), e.g.
#   BUILDS="trilog-before=/tmp/before.jar trilog-after=gateway/target/trilog.jar" \
#   BROKERS="trilog-before trilog-after rabbitmq" WARMUP=10 bench/amqp091/run.sh
# BASELINE_JAR=path/to/older/trilog.jar is the short form for the usual A/B of a change (as
# bench/sqs/run.sh has it): that jar is measured as "trilog-base" beside "trilog" (this checkout's
# gateway/target/trilog.jar), interleaved, and summary.md adds trilog ÷ trilog-base, e.g.
#   git stash; ./mvnw -B -q -pl gateway -am package -DskipTests; cp gateway/target/trilog.jar /tmp/base.jar
#   git stash pop; ./mvnw -B -q -pl gateway -am package -DskipTests
#   BASELINE_JAR=/tmp/base.jar WORKLOADS="a c" REPS=3 WARMUP=10 bench/amqp091/run.sh
# It combines with BUILDS (more named jars; list them in BROKERS then).
# PERFTEST_ARGS="-r 8000" runs every workload at a fixed rate (workloads.sh): on a busy machine the
# CPU per message of two builds at the same rate says more than their highest rates do.
# A build may also get its own JVM options, after BROKER_JVM_OPTS (an A/B of a JVM setting: the
# same jar under two names), e.g. BUILD_JVM_OPTS="trilog-par=-XX:+UseParallelGC" (';' between
# builds; bench/common/builds.sh).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
REPS="${REPS:-3}"
DURATION="${DURATION:-30}"
WORKLOADS="${WORKLOADS:-a b c}"
WORKLOADS="${WORKLOADS//,/ }" # "a,c" or "a c"
WARMUP="${WARMUP:-60}"
BASELINE_JAR="${BASELINE_JAR:-}"
BUILDS="${BUILDS:-}${BASELINE_JAR:+ trilog-base=$BASELINE_JAR}"
BROKERS="${BROKERS:-trilog${BASELINE_JAR:+ trilog-base} rabbitmq}"
BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"
TRILOG_PORT="${TRILOG_PORT:-25682}" # not 25672: a system RabbitMQ's distribution port
export RABBIT_PORT="${RABBIT_PORT:-25683}" RABBIT_DIST_PORT="${RABBIT_DIST_PORT:-25684}" \
  RABBIT_NODE="${RABBIT_NODE:-trilogbench@localhost}" PEERS_DIR="$T/peers"
TRILOG_JAR="$REPO/gateway/target/trilog.jar"
# shellcheck source=../common/builds.sh
source "$REPO/bench/common/builds.sh"
# shellcheck source=../common/resident.sh
source "$REPO/bench/common/resident.sh"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/runs/$STAMP"
TICK="$(getconf CLK_TCK)"
mkdir -p "$RUN/logs"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

for broker in $BROKERS; do
  [[ $broker != trilog* || -f $(trilog_jar "$broker") ]] || {
    echo "no jar for $broker ($(trilog_jar "$broker")); build the gateway first: ./mvnw -B -q -pl gateway -am package -DskipTests" >&2
    exit 2
  }
done
[[ -d $T/lib-perftest ]] || "$HERE/fetch-deps.sh" || exit 1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
children_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; } # the waited-for PerfTest runs, so far

TRILOG_PID=""
start_trilog() { # $1 run label, $2 broker name (its jar)
  local data="$T/data/trilog"
  rm -rf "$data"; mkdir -p "$data"
  # shellcheck disable=SC2086
  env -u TRILOG_PORT java $(trilog_jvm_opts "$2") -jar "$(trilog_jar "$2")" serve --data-dir "$data" --amqp-port "$TRILOG_PORT" --kafka-port 0 \
    --sqs-port 0 --admin-port 0 >"$RUN/logs/$2-$1.log" 2>&1 &
  TRILOG_PID=$!
  for _ in $(seq 1 120); do
    (echo >"/dev/tcp/127.0.0.1/$TRILOG_PORT") 2>/dev/null && return 0
    kill -0 "$TRILOG_PID" 2>/dev/null || { log "$2 exited; see $RUN/logs/$2-$1.log"; return 1; }
    sleep 0.5
  done
  return 1
}
stop_trilog() {
  [[ -n $TRILOG_PID ]] || return 0
  kill "$TRILOG_PID" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$TRILOG_PID" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$TRILOG_PID" 2>/dev/null; wait "$TRILOG_PID" 2>/dev/null
  TRILOG_PID=""
}
trap 'stop_trilog; [[ -n $RABBIT_PID ]] && { thaw_resident "$RABBIT_PID"; "$REPO/compare/peers.sh" stop; }' EXIT

RABBIT_PID=""
if [[ " $BROKERS " == *" rabbitmq "* ]]; then
  log "starting the private RabbitMQ node"
  "$REPO/compare/peers.sh" start rabbitmq >"$RUN/logs/rabbitmq-start.log" || { log "RabbitMQ did not start"; exit 1; }
  RABBIT_PID="$(cat "$PEERS_DIR/rabbitmq/pid")"
  freeze_resident "$RABBIT_PID"
fi
{
  echo "# started $STAMP; REPS=$REPS DURATION=$DURATION WARMUP=$WARMUP WORKLOADS=$WORKLOADS BROKERS=$BROKERS${PERFTEST_ARGS:+ PERFTEST_ARGS=$PERFTEST_ARGS}; trilog commit $(git -C "$REPO" rev-parse --short HEAD)${BASELINE_JAR:+; BASELINE_JAR=$BASELINE_JAR}"
  echo "# $(dpkg-query -W rabbitmq-server 2>/dev/null); perf-test $(ls "$T/lib-perftest" | grep -o 'perf-test-[0-9.]*')"
  echo "# FREEZE_RESIDENT=$FREEZE_RESIDENT; broker JVM: $BROKER_JVM_OPTS; $(java -version 2>&1 | head -1); nproc=$(nproc)"
  for broker in $BROKERS; do
    [[ $broker == trilog* ]] && describe_build "$broker"
  done
} >"$RUN/env.txt"
printf 'rep\tbroker\tworkload\tsent_per_sec\treceived_per_sec\tp50_us\tp99_us\tconfirm_p99_us\tbroker_cpu_s\tcpu_s_per_M\tclient_cpu_s\tclient_s_per_M\tload1\n' >"$RUN/results.tsv"

# shellcheck source=workloads.sh
source "$HERE/workloads.sh" # args_for WORKLOAD SUFFIX

read -r -a order <<<"$BROKERS"
for rep in $(seq 1 "$REPS"); do
  for workload in $WORKLOADS; do
    for broker in "${order[@]}"; do
      if [[ $broker == trilog* ]]; then
        start_trilog "$rep-$workload" "$broker" || continue
        pid=$TRILOG_PID port=$TRILOG_PORT
      else
        thaw_resident "$RABBIT_PID"
        pid=$RABBIT_PID port=$RABBIT_PORT
      fi
      out="$RUN/logs/$broker-$rep-$workload.out"
      if (( WARMUP > 0 )); then
        # shellcheck disable=SC2046
        timeout $((WARMUP + 60)) java -Xmx512m -cp "$T/lib-perftest/*" com.rabbitmq.perf.PerfTest \
          -h "amqp://guest:guest@127.0.0.1:$port" $(args_for "$workload" "$rep-$broker-warmup") -z "$WARMUP" \
          >"$RUN/logs/$broker-$rep-$workload.warmup.out" 2>&1
      fi
      before=$(cpu_ticks "$pid") client_before=$(children_ticks)
      # shellcheck disable=SC2046
      timeout $((DURATION + 60)) java -Xmx512m -cp "$T/lib-perftest/*" com.rabbitmq.perf.PerfTest \
        -h "amqp://guest:guest@127.0.0.1:$port" $(args_for "$workload" "$rep-$broker") -z "$DURATION" >"$out" 2>&1
      after=$(cpu_ticks "$pid") client_after=$(children_ticks)
      if [[ $broker == trilog* ]]; then stop_trilog; else freeze_resident "$RABBIT_PID"; fi
      sent=$(grep -o 'sending rate avg: [0-9]*' "$out" | grep -o '[0-9]*$' || echo 0)
      received=$(grep -o 'receiving rate avg: [0-9]*' "$out" | grep -o '[0-9]*$' || echo 0)
      lat=$(grep 'consumer latency min/median' "$out" | tail -1 | grep -o '[0-9/]* µs' | tr -d ' µs')
      conf=$(grep 'confirm latency min/median' "$out" | tail -1 | grep -o '[0-9/]* µs' | tr -d ' µs')
      p50=$(cut -d/ -f2 <<<"${lat:-0/0/0/0/0}") p99=$(cut -d/ -f5 <<<"${lat:-0/0/0/0/0}")
      cp99=$(cut -d/ -f5 <<<"${conf:-0/0/0/0/-}")
      cpu=$(awk -v t=$((after - before)) -v hz="$TICK" 'BEGIN{printf "%.2f", t / hz}')
      per_m=$(awk -v c="$cpu" -v r="${received:-0}" -v d="$DURATION" 'BEGIN{ if (r > 0) printf "%.1f", c / (r * d) * 1e6; else print "-" }')
      client_cpu=$(awk -v t=$((client_after - client_before)) -v hz="$TICK" 'BEGIN{printf "%.2f", t / hz}')
      client_per_m=$(awk -v c="$client_cpu" -v r="${received:-0}" -v d="$DURATION" 'BEGIN{ if (r > 0) printf "%.1f", c / (r * d) * 1e6; else print "-" }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$broker" "$workload" "${sent:-0}" \
        "${received:-0}" "$p50" "$p99" "$cp99" "$cpu" "$per_m" "$client_cpu" "$client_per_m" "$(cut -d' ' -f1 /proc/loadavg)" \
        >>"$RUN/results.tsv"
      log "rep $rep $broker ($workload): sent ${sent:-0}/s received ${received:-0}/s p50 ${p50} µs p99 ${p99} µs cpu ${cpu}s (${per_m} s/M), client ${client_cpu}s (${client_per_m} s/M)"
    done
  done
  order=("${order[@]:1}" "${order[0]}")
done
python3 "$HERE/summarize.py" "$RUN/results.tsv" >"$RUN/summary.md" && cat "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh" && keep_results amqp091 "$RUN"
