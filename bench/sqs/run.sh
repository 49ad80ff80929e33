#!/usr/bin/env bash
# Trilog's SQS frontend vs ElasticMQ 1.7.1, side by side, with aws-sdk-java-v2 (SqsBench.java):
# SendMessage, SendMessageBatch(10), ReceiveMessage(10)+DeleteMessageBatch, and end-to-end latency
# with long polling, 8 concurrent callers, 1 KiB bodies. Each repetition starts each broker fresh
# (the order alternates), runs every phase, stops it. Results: target/runs/<stamp>/results.tsv and
# summary.md (medians, Trilog ÷ ElasticMQ). Everything binds 127.0.0.1.
# Usage: bench/sqs/run.sh   (env: REPS=3 MESSAGES=40000 E2E_MESSAGES=2000 CALLERS=8 BROKERS="trilog elasticmq")
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
REPS="${REPS:-3}"
MESSAGES="${MESSAGES:-40000}"
E2E_MESSAGES="${E2E_MESSAGES:-2000}"
CALLERS="${CALLERS:-8}"
BROKERS="${BROKERS:-trilog elasticmq}"
BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"   # the same for both brokers
PORT="${PORT:-49324}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/runs/$STAMP"
mkdir -p "$RUN/logs"
BROKER_PID=""

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }
stop_broker() {
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID"; for _ in $(seq 1 60); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$BROKER_PID" 2>/dev/null; wait "$BROKER_PID" 2>/dev/null
  fi
  BROKER_PID=""
}
trap 'stop_broker' EXIT
trap 'exit 130' INT TERM
wait_port() { # $1 log
  for _ in $(seq 1 120); do
    kill -0 "$BROKER_PID" 2>/dev/null || { log "broker died during start-up; see $1"; tail -20 "$1" >&2; return 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    sleep 0.5
  done
  log "port $PORT not open after 60 s"; return 1
}

[[ -d "$T/lib-elasticmq" && -d "$T/lib-client" ]] || "$HERE/fetch-deps.sh" || exit 1
log "building Trilog"
(cd "$REPO" && ./mvnw -B -q -DskipTests package -pl gateway -am) || exit 1
cp "$REPO/gateway/target/trilog.jar" "$T/bench-broker-t.jar"   # a neutral name: other sessions sweep "trilog" processes
mkdir -p "$T/classes"
javac -d "$T/classes" -cp "$T/lib-client/*" "$HERE/SqsBench.java" || exit 1
cat >"$T/elasticmq.conf" <<CONF
include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = $PORT, context-path = "" }
rest-sqs { enabled = true, bind-port = $PORT, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
CONF

start_broker() { # $1 broker, $2 tag
  local out="$RUN/logs/$2.log"
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then log "port $PORT is already in use"; return 1; fi
  if [[ $1 == elasticmq ]]; then
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -Dconfig.file="$T/elasticmq.conf" -cp "$T/lib-elasticmq/*" org.elasticmq.server.Main >"$out" 2>&1 &
  else
    rm -rf "$T/data"
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -jar "$T/bench-broker-t.jar" serve --data-dir "$T/data" --sqs-port "$PORT" \
        --kafka-port 0 --amqp-port 0 --admin-port 0 >"$out" 2>&1 &
  fi
  BROKER_PID=$!
  wait_port "$out"
}

printf 'rep\tbroker\tphase\tmsgs\tsecs\tmsgs_per_sec\tbroker_cpu_s\tcpu_us_per_msg\tp50_ms\tp99_ms\tp999_ms\tload1\n' >"$RUN/results.tsv"
for rep in $(seq 1 "$REPS"); do
  order="$BROKERS"; (( rep % 2 == 0 )) && order="$(echo "$BROKERS" | awk '{for (i = NF; i > 0; i--) printf "%s ", $i}')"
  for broker in $order; do
    tag="$broker-rep$rep"
    log "=== rep $rep: $broker"
    start_broker "$broker" "$tag" || exit 1
    load="$(cut -d' ' -f1 /proc/loadavg)"
    java -cp "$T/classes:$T/lib-client/*" SqsBench "http://127.0.0.1:$PORT" "$BROKER_PID" "$MESSAGES" \
        "$E2E_MESSAGES" "$CALLERS" >"$RUN/logs/$tag.bench" 2>&1 || log "bench failed on $broker; see $RUN/logs/$tag.bench"
    grep '^PHASE\|^WARN' "$RUN/logs/$tag.bench" | sed "s/^/[$broker] /" >&2
    grep '^PHASE' "$RUN/logs/$tag.bench" | awk -v rep="$rep" -v b="$broker" -v load="$load" '{
      printf "%s\t%s\t%s", rep, b, $2
      for (i = 3; i <= NF; i++) { split($i, kv, "="); printf "\t%s", kv[2] }
      printf "\t%s\n", load }' >>"$RUN/results.tsv"
    stop_broker
  done
done
python3 "$HERE/summarize.py" "$RUN/results.tsv" >"$RUN/summary.md"
cat "$RUN/summary.md"
