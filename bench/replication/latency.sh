#!/usr/bin/env bash
# Low-rate single-request latency of the writes that wait for the local apply on the node they came
# through (LatencyProbe.java), on three nodes of each jar in turn, one cluster at a time.
#
#   JARS="base=/path/a.jar new=/path/b.jar" COUNT=200 bench/replication/latency.sh
#
# Needs bench/kafka/target/lib-tools (bench/kafka/fetch-deps.sh) and amqp-client in ~/.m2.
# Ports: node n kafka BASE+n, amqp BASE+10+n, sqs BASE+20+n, admin BASE+30+n, raft BASE+40+n.
# Run it under the bench lock (flock /tmp/lead/bench.lock ...): it is a measurement.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
JARS="${JARS:?JARS=\"name=jar ...\"}"
COUNT="${COUNT:-200}"
BASE_PORT="${BASE_PORT:-29400}"
PATHS="${PATHS:-sqs amqp txn createtopic}"
OUT="${OUT:-bench/results/$(date -u +%Y-%m-%d)/replication/latency-$(date -u +%Y%m%dT%H%M%SZ)}"
T=bench/kafka/target
AMQP_JAR=$(ls ~/.m2/repository/com/rabbitmq/amqp-client/5.23.0/amqp-client-5.23.0.jar)
CP="$T/classes-latency:$T/lib-tools/*:$AMQP_JAR"
mkdir -p "$T/classes-latency" "$OUT"
javac -d "$T/classes-latency" -cp "$CP" bench/replication/LatencyProbe.java || exit 1

# shellcheck source=processes.sh
source bench/replication/processes.sh

wait_port() { # port pid
  for _ in $(seq 1 240); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

echo "# $(date -u) uptime: $(uptime)" | tee "$OUT/summary.txt"
for spec in $JARS; do
  name=${spec%%=*} jar=${spec#*=}
  cluster="" kafka="" admin=""
  for n in 1 2 3; do
    cluster+="${cluster:+,}$n@127.0.0.1:$((BASE_PORT + 40 + n))"
    kafka+="${kafka:+,}$((BASE_PORT + n))"; admin+="${admin:+,}$((BASE_PORT + 30 + n))"
  done
  data=$(mktemp -d /tmp/raft9-lat.XXXXXX)
  for n in 1 2 3; do
    java -Xmx1g -jar "$jar" serve --data-dir "$data/node-$n" --kafka-port $((BASE_PORT + n)) \
        --amqp-port $((BASE_PORT + 10 + n)) --sqs-port $((BASE_PORT + 20 + n)) --admin-port $((BASE_PORT + 30 + n)) \
        --set cluster.nodes=$cluster --set node.id=$n >"$data/node-$n.log" 2>&1 &
    PIDS+=($!)
  done
  for n in 1 2 3; do wait_port $((BASE_PORT + 30 + n)) "${PIDS[$((n - 1))]}" || { echo "node $n did not start"; exit 1; }; done
  sleep 5
  echo "## $name ($jar)" | tee -a "$OUT/summary.txt"
  # shellcheck disable=SC2086
  java -cp "$CP" LatencyProbe "$kafka" $((BASE_PORT + 11)) $((BASE_PORT + 21)) "$admin" "$COUNT" $PATHS 2>"$OUT/$name-probe.err" \
      | tee -a "$OUT/summary.txt"
  stop_all
  for n in 1 2 3; do tail -200 "$data/node-$n.log" >"$OUT/$name-node-$n.log"; done # whole logs run to 100 MB
  rm -rf "$data"
done
echo "results: $OUT"
