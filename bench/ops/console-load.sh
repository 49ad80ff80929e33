#!/usr/bin/env bash
# Does watching Trilog cost the message path anything? Kafka produce (kafka-tools'
# ProducerPerformance, as bench/kafka) and SQS send (SqsBench's "send" phase, as bench/sqs) against
# one Trilog gateway, in three modes side by side in every repetition:
#   quiet    nobody watches;
#   console  a "browser" refreshes the console every second: the overview, the topic's page (its
#            last 20 records browsed), and /api/v1/traffic as the overview's live charts poll it;
#   metrics  Prometheus scrapes /metrics every second.
# Each (repetition, mode) starts a fresh broker with a fresh data directory; the mode order
# alternates every repetition. Results: target/runs/<stamp>/results.tsv (a row per run, with the
# 1-minute load average at its start) and summary.md (medians per mode).
# Needs: network once for the client jars (Maven Central). Binds 127.0.0.1 on ports 27392-27395 only.
# Usage: bench/ops/console-load.sh   (env: REPS, NUM_RECORDS, RECORD_SIZE, SQS_SECONDS, SQS_THREADS)
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
REPS="${REPS:-3}"
NUM_RECORDS="${NUM_RECORDS:-500000}"
RECORD_SIZE="${RECORD_SIZE:-1024}"
SQS_SECONDS="${SQS_SECONDS:-8}"
SQS_THREADS="${SQS_THREADS:-8}"
MODES="${MODES:-quiet console metrics}"
BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"
# below the ephemeral port range (32768+), where any outgoing connection could hold one of them
KAFKA_PORT=27392 AMQP_PORT=27393 SQS_PORT=27394 ADMIN_PORT=27395
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/runs/$STAMP"
mkdir -p "$RUN/logs"
BROKER_PID="" WATCHER_PID=""

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

stop_watcher() {
  if [[ -n "$WATCHER_PID" ]]; then kill "$WATCHER_PID" 2>/dev/null; wait "$WATCHER_PID" 2>/dev/null; fi
  WATCHER_PID=""
}
stop_broker() {
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$BROKER_PID" 2>/dev/null && kill -9 "$BROKER_PID" 2>/dev/null
    wait "$BROKER_PID" 2>/dev/null
  fi
  BROKER_PID=""
}
trap 'stop_watcher; stop_broker' EXIT
trap 'exit 130' INT TERM

# ---- prerequisites: the clients, and the broker jar under a name of its own
DEP_PLUGIN_VERSION=3.9.0
# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"
AWSSDK_VERSION="$(sed -n 's:.*<awssdk.version>\(.*\)</awssdk.version>.*:\1:p' "$REPO/pom.xml")"
HDR_VERSION="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$REPO/pom.xml")"
JACKSON_VERSION="$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' "$REPO/pom.xml")"
[[ -d "$T/lib-tools" ]] || make_pom lib-tools "$T/lib-tools" "org.apache.kafka:kafka-tools:4.3.1" || exit 1
[[ -d "$T/lib-client" ]] || make_pom lib-client "$T/lib-client" "software.amazon.awssdk:sqs:$AWSSDK_VERSION" \
  "software.amazon.awssdk:apache-client:$AWSSDK_VERSION" "org.hdrhistogram:HdrHistogram:$HDR_VERSION" \
  "com.fasterxml.jackson.core:jackson-databind:$JACKSON_VERSION" || exit 1
(cd "$REPO" && ./mvnw -B -q -DskipTests package -pl gateway -am) || exit 1
# other sessions on this machine stop their Trilogs by command-line pattern: a neutral name
JAR="$T/bench-broker-o.jar"
cp "$REPO/gateway/target/trilog.jar" "$JAR"

start_broker() {
  local data="$T/data"
  rm -rf "$data"; mkdir -p "$data"
  # shellcheck disable=SC2086
  java $BROKER_JVM_OPTS -jar "$JAR" serve --data-dir "$data" --kafka-port $KAFKA_PORT --amqp-port $AMQP_PORT \
    --sqs-port $SQS_PORT --admin-port $ADMIN_PORT --set group.initial.rebalance.delay.ms=0 \
    >"$RUN/logs/$TAG-broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$ADMIN_PORT/health/ready" >/dev/null && return 0
    kill -0 "$BROKER_PID" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

start_watcher() { # $1 = mode
  local admin="http://127.0.0.1:$ADMIN_PORT"
  case $1 in
    quiet) return ;;
    console) ( while :; do
        curl -s -o /dev/null "$admin/"; curl -s -o /dev/null "$admin/console/topics/bench"
        curl -s -o /dev/null "$admin/api/v1/traffic"; sleep 1; done ) & ;;
    metrics) ( while :; do curl -s -o /dev/null "$admin/metrics"; sleep 1; done ) & ;;
  esac
  WATCHER_PID=$!
}

printf 'rep\tmode\tkafka_rec_per_s\tkafka_p99_ms\tsqs_send_per_s\tsqs_p99_ms\tload1\n' >"$RUN/results.tsv"
for rep in $(seq 1 "$REPS"); do
  if (( rep % 2 == 1 )); then order="$MODES"; else order="$(echo "$MODES" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for mode in $order; do
    TAG="r$rep-$mode"
    load1=$(cut -d' ' -f1 /proc/loadavg)
    start_broker || { log "broker did not start ($TAG); see $RUN/logs/$TAG-broker.log"; stop_broker; continue; }
    start_watcher "$mode"
    java -cp "$T/lib-tools/*" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$NUM_RECORDS" \
      --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers=127.0.0.1:$KAFKA_PORT acks=1 \
      batch.size=65536 linger.ms=5 >"$RUN/logs/$TAG-kafka.out" 2>&1
    kline=$(grep -E '^[0-9]+ records sent,.*50th' "$RUN/logs/$TAG-kafka.out" | tail -1)
    krps=$(sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/' <<<"$kline")
    kp99=$(sed -E 's/.* ([0-9]+) ms 99th.*/\1/' <<<"$kline")
    java -Xms512m -Xmx512m -cp "$T/lib-client/*" "$REPO/bench/sqs/SqsBench.java" "http://127.0.0.1:$SQS_PORT" \
      "$BROKER_PID" "$SQS_THREADS" "$RECORD_SIZE" "$SQS_SECONDS" 200 "b$rep" "$(getconf CLK_TCK)" \
      >"$RUN/logs/$TAG-sqs.out" 2>"$RUN/logs/$TAG-sqs.err"
    sline=$(awk -F'\t' '$1 == "send"' "$RUN/logs/$TAG-sqs.out")
    srps=$(cut -f4 <<<"$sline"); sp99=$(cut -f6 <<<"$sline")
    stop_watcher
    stop_broker
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$mode" "${krps:-FAILED}" "${kp99:-}" "${srps:-FAILED}" "${sp99:-}" \
      "$load1" >>"$RUN/results.tsv"
    log "$TAG: kafka ${krps:-FAILED} rec/s (p99 ${kp99:-?} ms), sqs send ${srps:-FAILED} msg/s (p99 ${sp99:-?} ms), load $load1"
  done
done
# What one look costs the broker, in CPU time (less at the mercy of a busy machine than a rate):
# a fresh broker holding NUM_RECORDS records, its CPU ticks (/proc/PID/stat) around 30 console
# refreshes and around 30 scrapes, one after the other.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$BROKER_PID/stat"; }
TAG="cost"
if start_broker; then
  java -cp "$T/lib-tools/*" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$NUM_RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 --producer-props bootstrap.servers=127.0.0.1:$KAFKA_PORT acks=1 \
    >"$RUN/logs/cost-kafka.out" 2>&1
  sleep 2
  admin="http://127.0.0.1:$ADMIN_PORT"
  for what in console metrics; do
    for warm in 1 2 3 4 5; do curl -s -o /dev/null "$admin/"; curl -s -o /dev/null "$admin/metrics"; done
    before=$(cpu_ticks)
    for _ in $(seq 1 30); do
      if [[ $what == console ]]; then
        curl -s -o /dev/null "$admin/"; curl -s -o /dev/null "$admin/console/topics/bench"
        curl -s -o /dev/null "$admin/api/v1/traffic"
      else
        curl -s -o /dev/null "$admin/metrics"
      fi
    done
    after=$(cpu_ticks)
    awk -v b="$before" -v a="$after" -v t="$(getconf CLK_TCK)" -v w="$what" \
      'BEGIN { printf "broker CPU per %s: %.1f ms\n", (w == "console" ? "console refresh (3 requests)" : "scrape"), (a - b) * 1000 / t / 30 }' \
      | tee -a "$RUN/cost.txt"
  done
  stop_broker
fi

python3 - "$RUN/results.tsv" >"$RUN/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
print('| mode | runs | Kafka produce rec/s (median) | Kafka p99 ms | SQS send msg/s (median) | SQS send p99 ms | load avg at start (median) |')
print('| --- | --- | --- | --- | --- | --- | --- |')
for mode in dict.fromkeys(r['mode'] for r in rows):
    rs = [r for r in rows if r['mode'] == mode and r['kafka_rec_per_s'] != 'FAILED' and r['sqs_send_per_s'] != 'FAILED']
    med = lambda k: statistics.median(float(r[k]) for r in rs) if rs else float('nan')
    spread = lambda k: f"{min(float(r[k]) for r in rs):,.0f}–{max(float(r[k]) for r in rs):,.0f}" if rs else ''
    print(f"| {mode} | {len(rs)} | {med('kafka_rec_per_s'):,.0f} ({spread('kafka_rec_per_s')}) | {med('kafka_p99_ms'):.0f} "
          f"| {med('sqs_send_per_s'):,.0f} ({spread('sqs_send_per_s')}) | {med('sqs_p99_ms'):.2f} | {med('load1'):.2f} |")
PY
[[ -f "$RUN/cost.txt" ]] && { echo; sed 's/^/- /' "$RUN/cost.txt"; echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"; } >>"$RUN/summary.md"
cat "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh" && keep_results ops-console "$RUN"
log "done: $RUN"
