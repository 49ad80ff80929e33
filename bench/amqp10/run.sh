#!/usr/bin/env bash
# Trilog vs RabbitMQ (Debian's rabbitmq-server with rabbitmq_amqp1_0, a private node) vs ActiveMQ
# Artemis (embedded, from Maven Central) over AMQP 1.0, all driven by one client (Qpid JMS, see
# Amqp10Load.java), one broker after another, the order rotating each repetition (A B C, B C A, ...).
#
# Workload (issue 11): 1 sender with up to 100 unsettled durable 1 KiB messages, 1 receiver with
# credit 100 accepting each, DURATION s after a WARMUP. Trilog and Artemis start fresh per run
# with a fresh data directory; RabbitMQ runs as one private node for the whole script
# (compare/peers.sh; never the system service), frozen outside its turns (FREEZE_RESIDENT,
# bench/common/resident.sh), and each run uses its own queue. Broker CPU is
# utime+stime from /proc/PID/stat around the run. Results: target/runs/<stamp>/results.tsv and
# summary.md, kept in bench/results/<date>/amqp10/. Everything binds 127.0.0.1.
#
#   bench/amqp10/fetch-deps.sh; bench/amqp10/run.sh      (REPS=3 DURATION=30 WARMUP=5 BROKERS="trilog rabbitmq artemis")
#
# Two Trilog builds side by side (an A/B of a change, interleaved on the same machine): name each
# jar in BUILDS (not TRILOG_*: the broker reads those as its settings) and put the names in
# BROKERS; a name starts with "trilog", e.g.
#   BUILDS="trilog-before=/tmp/before.jar trilog-after=gateway/target/trilog.jar" \
#   BROKERS="trilog-before trilog-after" bench/amqp10/run.sh
# A build may also get its own JVM options, after BROKER_JVM_OPTS (an A/B of a JVM setting: the
# same jar under two names), e.g. BUILD_JVM_OPTS="trilog-par=-XX:+UseParallelGC" (';' between
# builds; bench/common/builds.sh).
#
# CLIENT=proton drives the same workload with Amqp10ProtonLoad.java (proton-j's engine on one
# thread) instead of Qpid JMS: about a quarter of the client CPU per message, so on a small
# machine more of it is left to the broker.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
REPS="${REPS:-3}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
BROKERS="${BROKERS:-trilog rabbitmq artemis}"
INFLIGHT="${INFLIGHT:-100}" CREDIT="${CREDIT:-100}" SIZE="${SIZE:-1024}"
CLIENT="${CLIENT:-jms}"
case $CLIENT in
  jms) LOAD_CLASS=Amqp10Load ;;
  proton) LOAD_CLASS=Amqp10ProtonLoad ;;
  *) echo "CLIENT is jms or proton, not $CLIENT" >&2; exit 2 ;;
esac
BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"
TRILOG_PORT="${TRILOG_PORT:-25772}"
ARTEMIS_PORT="${ARTEMIS_PORT:-25773}"
export RABBIT_PORT="${RABBIT_PORT:-25783}" RABBIT_DIST_PORT="${RABBIT_DIST_PORT:-25784}" \
  RABBIT_NODE="${RABBIT_NODE:-trilogbench10@localhost}" PEERS_DIR="$T/peers"
TRILOG_JAR="$REPO/gateway/target/trilog.jar"
BUILDS="${BUILDS:-}"
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
[[ -d $T/lib-client && -d $T/lib-artemis ]] || "$HERE/fetch-deps.sh" || exit 1
javac -d "$T/classes" -cp "$T/lib-client/*" "$HERE/Amqp10Load.java" "$HERE/Amqp10ProtonLoad.java" || exit 1
javac -d "$T/classes" -cp "$T/lib-artemis/*" "$HERE/ArtemisBroker.java" || exit 1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_port() { # $1 port, $2 pid
  for _ in $(seq 1 120); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}
stop_pid() {
  [[ -n ${1:-} ]] || return 0
  kill "$1" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null
}

FRESH_PID=""
start_fresh() { # $1 broker, $2 run label
  local data="$T/data/$1"
  rm -rf "$data"; mkdir -p "$data"
  if [[ $1 == trilog* ]]; then
    # shellcheck disable=SC2086
    java $(trilog_jvm_opts "$1") -jar "$(trilog_jar "$1")" serve --data-dir "$data" --amqp-port "$TRILOG_PORT" --kafka-port 0 \
      --sqs-port 0 --admin-port 0 >"$RUN/logs/$1-$2.log" 2>&1 &
    FRESH_PID=$!; wait_port "$TRILOG_PORT" "$FRESH_PID"
  else
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -cp "$T/classes:$T/lib-artemis/*" ArtemisBroker "$ARTEMIS_PORT" "$data" "bench-$2" \
      >"$RUN/logs/artemis-$2.log" 2>&1 &
    FRESH_PID=$!; wait_port "$ARTEMIS_PORT" "$FRESH_PID"
  fi
}
RABBIT_STARTED=""
cleanup() { stop_pid "$FRESH_PID"; [[ -n $RABBIT_STARTED ]] && { thaw_resident "$RABBIT_PID"; "$REPO/compare/peers.sh" stop; }; }
trap cleanup EXIT

if [[ " $BROKERS " == *" rabbitmq "* ]]; then
  log "starting the private RabbitMQ node"
  "$REPO/compare/peers.sh" start rabbitmq >"$RUN/logs/rabbitmq-start.log" || { log "RabbitMQ did not start"; exit 1; }
  RABBIT_STARTED=1
  RABBIT_PID="$(cat "$PEERS_DIR/rabbitmq/pid")"
  freeze_resident "$RABBIT_PID"
fi
{
  echo "# started $STAMP; REPS=$REPS DURATION=$DURATION WARMUP=$WARMUP INFLIGHT=$INFLIGHT CREDIT=$CREDIT SIZE=$SIZE CLIENT=$CLIENT ($LOAD_CLASS); trilog commit $(git -C "$REPO" rev-parse --short HEAD)"
  echo "# $(dpkg-query -W rabbitmq-server 2>/dev/null); artemis $(ls "$T/lib-artemis" | grep -o 'artemis-server-[0-9.]*' | head -1); client $(ls "$T/lib-client" | grep -o 'qpid-jms-client-[0-9.]*')"
  echo "# FREEZE_RESIDENT=$FREEZE_RESIDENT; broker JVM: $BROKER_JVM_OPTS; $(java -version 2>&1 | head -1); nproc=$(nproc)"
  for broker in $BROKERS; do
    [[ $broker == trilog* ]] && describe_build "$broker"
  done
} >"$RUN/env.txt"
printf 'rep\tbroker\tsent_per_sec\treceived_per_sec\tp50_us\tp99_us\terrors\tbroker_cpu_s\tcpu_s_per_M\tclient_cpu_s\tload1\n' >"$RUN/results.tsv"

read -r -a order <<<"$BROKERS"
for rep in $(seq 1 "$REPS"); do
  for broker in "${order[@]}"; do
    label="$rep-$broker"
    queue="bench-$label"
    declare_args=()
    case $broker in
      trilog*)
        start_fresh "$broker" "$label" || { log "$broker did not start"; continue; }
        pid=$FRESH_PID uri="amqp://127.0.0.1:$TRILOG_PORT" address="/amq/queue/$queue"
        declare_args=("amqp://guest:guest@127.0.0.1:$TRILOG_PORT" "$queue") ;;
      rabbitmq)
        thaw_resident "$RABBIT_PID"
        pid=$RABBIT_PID uri="amqp://127.0.0.1:$RABBIT_PORT" address="/amq/queue/$queue"
        declare_args=("amqp://guest:guest@127.0.0.1:$RABBIT_PORT" "$queue") ;;
      artemis)
        start_fresh artemis "$label" || { log "artemis did not start"; continue; }
        pid=$FRESH_PID uri="amqp://127.0.0.1:$ARTEMIS_PORT" address="$queue" ;;
    esac
    out="$RUN/logs/$broker-$rep.out"
    before=$(cpu_ticks "$pid")
    timeout $((DURATION + WARMUP + 60)) java -Xmx512m -cp "$T/classes:$T/lib-client/*" "$LOAD_CLASS" "$uri" "$address" \
      "$DURATION" "$WARMUP" "$INFLIGHT" "$CREDIT" "$SIZE" "${declare_args[@]}" >"$out" 2>&1
    after=$(cpu_ticks "$pid")
    if [[ $broker == rabbitmq ]]; then freeze_resident "$RABBIT_PID"; else stop_pid "$FRESH_PID"; FRESH_PID=""; fi
    line=$(grep '^RESULT' "$out" | tail -1)
    val() { grep -o "$1=[0-9]*" <<<"$line" | cut -d= -f2; }
    sent=$(val sent_per_sec) received=$(val received_per_sec) p50=$(val p50_us) p99=$(val p99_us) errors=$(val errors)
    client_cpu=$(awk -v ms="$(val client_cpu_ms)" 'BEGIN{ if (ms != "") printf "%.2f", ms / 1000; else print "-" }')
    cpu=$(awk -v t=$((after - before)) -v hz="$TICK" 'BEGIN{printf "%.2f", t / hz}')
    # CPU over warm-up and measurement, per message received in the measurement (scaled to both)
    per_m=$(awk -v c="$cpu" -v r="${received:-0}" -v d="$DURATION" -v w="$WARMUP" \
      'BEGIN{ if (r > 0) printf "%.1f", c / (r * (d + w)) * 1e6; else print "-" }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$broker" "${sent:-0}" "${received:-0}" "${p50:-0}" \
      "${p99:-0}" "${errors:--}" "$cpu" "$per_m" "$client_cpu" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RUN/results.tsv"
    log "rep $rep $broker: sent ${sent:-0}/s received ${received:-0}/s p50 ${p50:-?} µs p99 ${p99:-?} µs errors ${errors:-?} cpu ${cpu}s (${per_m} s/M) client cpu ${client_cpu}s"
  done
  order=("${order[@]:1}" "${order[0]}")
done
python3 "$HERE/summarize.py" "$RUN/results.tsv" >"$RUN/summary.md" && cat "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh" && keep_results amqp10 "$RUN"
