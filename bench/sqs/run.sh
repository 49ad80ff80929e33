#!/usr/bin/env bash
# Trilog vs ElasticMQ 1.7.1 as SQS endpoints, in one run, with the same bench (SqsBench.java:
# aws-sdk-java-v2, THREADS concurrent callers, SIZE-byte bodies): SendMessage, SendMessageBatch(10),
# ReceiveMessage(10)+DeleteMessageBatch, end-to-end latency with long polling. Each repetition
# starts each broker fresh (fresh data directory; the order alternates every repetition), runs
# every phase, reads the broker's CPU time (/proc/PID/stat) around each phase, and stops it.
# Results: target/runs/<stamp>/results.tsv (one row per phase) and summary.md (medians), kept in
# bench/results/<date>/sqs/.
# Needs: bench/sqs/fetch-deps.sh once, and gateway/target/trilog.jar (./trilog builds it).
# HOG=on measures every broker with a CPU hog running (one busy-looping process, bounded by a time
# limit, started before the broker and stopped after the bench), HOG=both each broker quiet and
# then with the hog in every repetition; rows measured with the hog name the broker "<broker>+hog".
# CLIENT=raw sends the same calls as plain unsigned HTTP requests of SQS's JSON protocol instead
# of through the SDK (SqsBench.RawCalls): the SDK costs more CPU per call than either broker, and
# on 2 cores the client then sets the rate; the raw client lets the brokers' own capacity show.
# Usage: bench/sqs/run.sh   (env knobs below). Everything binds 127.0.0.1.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
REPS="${REPS:-3}"
THREADS="${THREADS:-8}"
SIZE="${SIZE:-1024}"
PHASE_SECONDS="${PHASE_SECONDS:-15}"
E2E_RATE="${E2E_RATE:-200}"       # messages per second the e2e sender paces itself to
BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"   # the same for both brokers
CLIENT_JVM_OPTS="${CLIENT_JVM_OPTS:--Xms512m -Xmx512m}"
CLIENT="${CLIENT:-sdk}"           # sdk | raw
# E2E_TRACE=1: the e2e phase's client writes one line per message (send and receive System.nanoTime,
# the receiving thread, the receive's batch size) to logs/<rep>-<broker>-e2e.tsv, so the slow
# messages can be placed in time against the broker's or the machine's own events
E2E_TRACE="${E2E_TRACE:-}"
PORT="${PORT:-29324}"          # below Linux's ephemeral range (32768-60999): a client socket there made the bind fail
# BASELINE_JAR=path/to/older/trilog.jar adds "trilog-base" (that jar) to the brokers, for a
# before/after comparison of two Trilog builds in one run; BROKERS picks and orders them.
BASELINE_JAR="${BASELINE_JAR:-}"
HOG="${HOG:-off}"                 # off | on | both
case "$HOG" in off) HOG_MODES="quiet" ;; on) HOG_MODES="hog" ;; both) HOG_MODES="quiet hog" ;;
  *) echo "HOG must be off, on or both" >&2; exit 2 ;; esac
BROKERS="${BROKERS:-trilog elasticmq${BASELINE_JAR:+ trilog-base}}"              # not 9324: other sessions on this machine may run an SQS endpoint there
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/runs/$STAMP"
TRILOG_JAR="$REPO/gateway/target/trilog.jar"
TICK="$(getconf CLK_TCK)"
mkdir -p "$RUN/logs"
BROKER_PID=""
HOG_PID=""

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

[[ -f "$TRILOG_JAR" ]] || { echo "build the gateway first: ./mvnw -B -q -pl gateway -am package -DskipTests" >&2; exit 2; }
[[ -d "$T/lib-elasticmq" && -d "$T/lib-client" ]] || { echo "run bench/sqs/fetch-deps.sh first" >&2; exit 2; }

stop_broker() {
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$BROKER_PID" 2>/dev/null && kill -9 "$BROKER_PID" 2>/dev/null
    wait "$BROKER_PID" 2>/dev/null
  fi
  BROKER_PID=""
}
# One core kept busy: a shell busy loop, killed after the bench and bounded by a time limit in any
# case, so a run that dies leaves nothing spinning on a shared machine.
start_hog() {
  timeout "$(( 4 * PHASE_SECONDS + 180 ))" bash -c 'while :; do :; done' &
  HOG_PID=$!
}
stop_hog() {
  if [[ -n "$HOG_PID" ]]; then kill "$HOG_PID" 2>/dev/null; wait "$HOG_PID" 2>/dev/null; fi
  HOG_PID=""
}
trap 'stop_broker; stop_hog' EXIT
trap 'exit 130' INT TERM

wait_for_port() {
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    kill -0 "$BROKER_PID" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

start_broker() { # $1 = trilog | trilog-base | elasticmq
  local data="$T/data/$1"
  rm -rf "$data"; mkdir -p "$data"
  if [[ $1 == trilog || $1 == trilog-base ]]; then
    local jar="$TRILOG_JAR"
    [[ $1 == trilog-base ]] && jar="$BASELINE_JAR"
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -jar "$jar" serve --data-dir "$data" --sqs-port "$PORT" --kafka-port 0 \
      --amqp-port 0 --admin-port 0 >"$RUN/logs/$TAG-broker.log" 2>&1 &
  else
    sed "s/@PORT@/$PORT/g" "$HERE/elasticmq.conf.template" >"$data/elasticmq.conf"
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -Dconfig.file="$data/elasticmq.conf" -cp "$T/lib-elasticmq/*" org.elasticmq.server.Main \
      >"$RUN/logs/$TAG-broker.log" 2>&1 &
  fi
  BROKER_PID=$!
  wait_for_port || { log "$1 did not start; see $RUN/logs/$TAG-broker.log"; return 1; }
}

{
  echo "# started $STAMP; REPS=$REPS THREADS=$THREADS SIZE=$SIZE PHASE_SECONDS=$PHASE_SECONDS E2E_RATE=$E2E_RATE HOG=$HOG"
  echo "# CLIENT=$CLIENT; broker JVM: $BROKER_JVM_OPTS; client JVM: $CLIENT_JVM_OPTS; $(java -version 2>&1 | head -1)"
  echo "# nproc=$(nproc); trilog commit $(git -C "$REPO" rev-parse --short HEAD); elasticmq $(ls "$T/lib-elasticmq" | grep elasticmq-server)"
} >"$RUN/env.txt"
printf 'rep\tbroker\tphase\tmessages\tsecs\tmsgs_per_sec\tp50_ms\tp99_ms\tp999_ms\tmax_ms\tbroker_cpu_s\tbench_cpu_s\tload1\n' >"$RUN/results.tsv"

for rep in $(seq 1 "$REPS"); do
  # the order alternates every repetition (A B C, C B A, …), so drift in the machine's load evens out
  if (( rep % 2 == 1 )); then order="$BROKERS"; else order="$(echo "$BROKERS" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for mode in $HOG_MODES; do
  for broker in $order; do
    label="$broker"; [[ $mode == hog ]] && label="$broker+hog"
    TAG="r$rep-$label"
    log "rep $rep: $label"
    [[ $mode == hog ]] && start_hog
    start_broker "$broker" || { stop_broker; stop_hog; continue; }
    # shellcheck disable=SC2086
    java $CLIENT_JVM_OPTS -Dclient="$CLIENT" ${E2E_TRACE:+-De2e.trace="$RUN/logs/$TAG-e2e.tsv"} -cp "$T/lib-client/*" "$HERE/SqsBench.java" "http://127.0.0.1:$PORT" "$BROKER_PID" \
      "$THREADS" "$SIZE" "$PHASE_SECONDS" "$E2E_RATE" "bench$rep" "$TICK" >"$RUN/logs/$TAG-bench.out" \
      2>"$RUN/logs/$TAG-bench.err"
    rc=$?
    stop_broker
    stop_hog
    if (( rc != 0 )); then log "bench failed against $label (rc $rc); see $RUN/logs/$TAG-bench.err"; continue; fi
    tail -n +2 "$RUN/logs/$TAG-bench.out" | sed "s/^/$rep\t$label\t/" >>"$RUN/results.tsv"
    column -t "$RUN/logs/$TAG-bench.out" >&2
  done
  done
done
python3 "$HERE/summarize.py" "$RUN/results.tsv" >"$RUN/summary.md"
cat "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh" && keep_results sqs "$RUN"
log "done: $RUN"
