#!/usr/bin/env bash
# Replication (issue 14): a three-node Trilog cluster (one Raft group) against Apache Kafka 4.4.0
# with three brokers (KRaft, each broker+controller, replication factor 3, min.insync.replicas 2),
# and a single Trilog node for what replication costs -- on this one machine, same harness, same run.
#
# For each repetition and each configuration (the order rotates every repetition), fresh
# processes with fresh data directories, bootstrap = every node:
#   warm-up produce (untimed) -> ProducerPerformance acks=all, 1 KiB, 6 partitions -> EndToEndLatency acks=all
#   -> (clusters) failover: FailoverProbe sends one record at a time (idempotent, acks=all) for
#      FAILOVER_SECONDS; after 5 s the leader of its partition is killed with SIGKILL; the longest wait
#      between two acknowledgements is the failover window (each broker with its default settings)
# Broker CPU = utime+stime of every broker process (all three), read before and after each phase.
# Results: bench/kafka/target/runs/<stamp>-replication/results.tsv, one row per phase; summary.md
# (medians per configuration); both kept in bench/results/<date>/replication/. Needs bench/kafka's
# dependencies (fetched on first use). Everything binds 127.0.0.1. Usage: bench/replication/run.sh
set -uo pipefail

REPS="${REPS:-3}"
NUM_RECORDS="${NUM_RECORDS:-1000000}"
WARMUP_RECORDS="${WARMUP_RECORDS:-200000}"
E2E_RECORDS="${E2E_RECORDS:-5000}"
FAILOVER_SECONDS="${FAILOVER_SECONDS:-30}"
THROUGHPUT="${THROUGHPUT:--1}"   # records/s the measured produce aims at; -1 = as fast as it goes
FAILOVER="${FAILOVER:-1}"   # 0: no failover phase (e.g. to keep every node's JFR recording)
RECORD_SIZE=1024
P=6
# JARS="base=/path/a.jar new=/path/b.jar": configs trilog3-base, trilog3-new run three nodes of those
# builds (copied under neutral names, as common.sh does), for same-run ratios between builds
JARS="${JARS:-}"
# SETS="new:cluster.transport=netty ...": a setting (--set) for the nodes of config trilog3-<name> only
SETS="${SETS:-}"
JAR_CONFIGS=""
for spec in $JARS; do JAR_CONFIGS+=" trilog3-${spec%%=*}"; done
CONFIGS="${CONFIGS:-trilog3 kafka3 trilog1$JAR_CONFIGS}"
RUN_SUFFIX=-replication
# shellcheck source=../kafka/common.sh
source "$(dirname "$0")/../kafka/common.sh"
RESULTS="$RUN/results.tsv"
mkdir -p "$T/classes-replication"
javac -d "$T/classes-replication" -cp "$TOOLS_CP" "$(dirname "$0")/FailoverProbe.java" || exit 1
declare -A JAR_OF
for spec in $JARS; do
  JAR_OF[${spec%%=*}]="$T/bench-broker-r-${spec%%=*}.jar"
  cp "${spec#*=}" "${JAR_OF[${spec%%=*}]}" || exit 1
done
BASE_PORT="${BASE_PORT:-24000}"   # below the ephemeral range; node n: kafka BASE+n, controller/raft BASE+10+n, admin BASE+20+n

# shellcheck source=processes.sh
source "$(dirname "$0")/processes.sh"

cpu_all() { # utime+stime of every broker process, in clock ticks
  local sum=0 t
  for pid in "${PIDS[@]}"; do
    t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}'); sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}

start_kafka3() { # $1 tag
  local voters="" n uuid cp="$T/lib-kafka/*"
  for n in 1 2 3; do voters+="${voters:+,}$n@127.0.0.1:$((BASE_PORT + 10 + n))"; done
  uuid="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  for n in 1 2 3; do
    local dir="$DATA/kafka-$n"; rm -rf "$dir"; mkdir -p "$dir"
    port_free $((BASE_PORT + n)) && port_free $((BASE_PORT + 10 + n)) || return 1
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$((BASE_PORT + n)),CONTROLLER://127.0.0.1:$((BASE_PORT + 10 + n))
advertised.listeners=PLAINTEXT://127.0.0.1:$((BASE_PORT + n))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
num.partitions=$P
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
PROPS
    cat >"$dir/log4j2.properties" <<PROPS
appender.f.type=File
appender.f.name=f
appender.f.fileName=$RUN/logs/kafka-$1-$n.log
appender.f.layout.type=PatternLayout
appender.f.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.f.ref=f
PROPS
    java -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
        -t "$uuid" -c "$dir/server.properties" >"$RUN/logs/kafka-$1-$n.format" 2>&1 \
      || { log "kafka storage format failed"; cat "$RUN/logs/kafka-$1-$n.format" >&2; return 1; }
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
        kafka.Kafka "$dir/server.properties" >"$RUN/logs/kafka-$1-$n.stdout" 2>&1 &
    PIDS+=($!)
  done
  for n in 1 2 3; do wait_port $((BASE_PORT + n)) "${PIDS[$((n - 1))]}" "$RUN/logs/kafka-$1-$n.log" || return 1; done
}

start_trilog() { # $1 tag, $2 nodes (1 or 3), $3 jar (default: this build), $4 the name whose SETS apply
  local cluster="" n jar="${3:-$TRILOG_JAR}" sets=() spec
  for spec in $SETS; do [[ ${spec%%:*} == "${4:-}" ]] && sets+=(--set "${spec#*:}"); done
  if [[ $2 -gt 1 ]]; then
    for n in $(seq 1 "$2"); do cluster+="${cluster:+,}$n@127.0.0.1:$((BASE_PORT + 10 + n))"; done
  fi
  for n in $(seq 1 "$2"); do
    local dir="$DATA/trilog-$n"; rm -rf "$dir"; mkdir -p "$dir"
    port_free $((BASE_PORT + n)) || return 1
    # shellcheck disable=SC2086
    java $BROKER_JVM_OPTS -jar "$jar" serve --data-dir "$dir/data" --kafka-port $((BASE_PORT + n)) \
        --admin-port $((BASE_PORT + 20 + n)) --amqp-port 0 --sqs-port 0 --set "num.partitions=$P" \
        ${cluster:+--set cluster.nodes=$cluster --set node.id=$n} "${sets[@]}" >"$RUN/logs/trilog-$1-$n.log" 2>&1 &
    PIDS+=($!)
  done
  for n in $(seq 1 "$2"); do wait_port $((BASE_PORT + 20 + n)) "${PIDS[$((n - 1))]}" "$RUN/logs/trilog-$1-$n.log" || return 1; done
}

row() { # phase records rec/s mb/s p50 p99 cpu_s note
  local per_m
  per_m=$(awk -v c="$7" -v n="$2" 'BEGIN{ if (n>0) printf "%.2f", c/(n/1e6) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$REP" "$CONFIG" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$per_m" "$8" >>"$RESULTS"
  log "$CONFIG $1: $3 rec/s ($4 MB/s) p50/p99 $5/$6 ms, brokers' cpu ${7}s (${per_m} s/M) $8"
}

measured() { # phase command... ; sets OUT and CPU_S
  local c0 c1; OUT="$RUN/logs/$TAG-$1.out"; shift
  c0=$(cpu_all); "$@" >"$OUT" 2>&1; c1=$(cpu_all)
  CPU_S=$(awk -v a="$c0" -v b="$c1" -v t="$TICK" 'BEGIN{printf "%.2f", (b-a)/t}')
}

producer_perf() { # records [throughput]
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic bench --num-records "$1" \
    --record-size "$RECORD_SIZE" --throughput "${2:--1}" \
    --producer-props bootstrap.servers="$BOOT" acks=all $PRODUCER_PROPS_COMMON
}

failover() { # sets nothing; writes a row with the window as p99 (ms)
  local out="$RUN/logs/$TAG-failover.out" probe leader
  java -cp "$T/classes-replication:$TOOLS_CP" FailoverProbe "$BOOT" failover "$FAILOVER_SECONDS" >"$out" 2>&1 &
  probe=$!
  for _ in $(seq 1 120); do grep -q '^LEADER ' "$out" && break; sleep 0.5; done
  leader=$(awk '/^LEADER /{print $2}' "$out")
  if [[ -z $leader ]]; then kill "$probe"; wait "$probe"; row failover 0 "" "" "" "" 0 "FAILED: no leader"; return; fi
  sleep 5
  kill -9 "${PIDS[$((leader - 1))]}"
  log "$CONFIG: killed node $leader (the partition's leader) with SIGKILL"
  wait "$probe"
  local gap; gap=$(sed -nE 's/^MAXGAP ([0-9]+) ms.*/\1/p' "$out")
  row failover 1 "" "" "" "${gap:-}" 0 "longest wait between two acks across the leader's SIGKILL: $(grep '^MAXGAP' "$out")"
}

one_config() {
  TAG="r$REP-$CONFIG"
  log "=== rep $REP: $CONFIG"
  sync
  local nodes=3
  [[ $CONFIG == trilog1 ]] && nodes=1
  BOOT=""; for n in $(seq 1 $nodes); do BOOT+="${BOOT:+,}127.0.0.1:$((BASE_PORT + n))"; done
  case $CONFIG in
    kafka3) start_kafka3 "$TAG" || return 1 ;;
    trilog3-*) start_trilog "$TAG" 3 "${JAR_OF[${CONFIG#trilog3-}]}" "${CONFIG#trilog3-}" || return 1 ;;
    trilog*) start_trilog "$TAG" $nodes || return 1 ;;
  esac
  java -cp "$TOOLS_CP" BenchTool create "$BOOT" bench $P >"$RUN/logs/$TAG-create.out" 2>&1
  producer_perf "$WARMUP_RECORDS" >"$RUN/logs/$TAG-warmup.out" 2>&1
  measured produce producer_perf "$NUM_RECORDS" "$THROUGHPUT"
  local line; line=$(grep -E '^[0-9]+ records sent,.*50th' "$OUT" | tail -1)
  if [[ -z $line ]]; then row produce 0 "" "" "" "" "$CPU_S" FAILED
  else
    read -r n rps mbps p50 p99 < <(sed -E 's/^([0-9]+) records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), [0-9.]+ ms avg latency, [0-9.]+ ms max latency, ([0-9]+) ms 50th, [0-9]+ ms 95th, ([0-9]+) ms 99th.*/\1 \2 \3 \4 \5/' <<<"$line")
    row produce "$n" "$rps" "$mbps" "$p50" "$p99" "$CPU_S" "ProducerPerformance acks=all (send latency)"
  fi
  measured e2e java -cp "$TOOLS_CP" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOT" \
    --topic bench-e2e --num-records "$E2E_RECORDS" --producer-acks all --record-size "$RECORD_SIZE"
  local pct; pct=$(grep -E '^Percentiles' "$OUT")
  if [[ -z $pct ]]; then row e2e 0 "" "" "" "" "$CPU_S" FAILED
  else
    row e2e "$E2E_RECORDS" "" "" "$(sed -E 's/.*50th = ([0-9]+).*/\1/' <<<"$pct")" \
      "$(sed -E 's/.*, 99th = ([0-9]+).*/\1/' <<<"$pct")" "$CPU_S" "EndToEndLatency acks=all (whole ms)"
  fi
  [[ $nodes -gt 1 && $FAILOVER == 1 ]] && failover
  stop_all
}

{
  echo "# started $STAMP; REPS=$REPS NUM_RECORDS=$NUM_RECORDS WARMUP_RECORDS=$WARMUP_RECORDS E2E_RECORDS=$E2E_RECORDS partitions=$P"
  echo "# broker JVM: $BROKER_JVM_OPTS; $(java -version 2>&1 | head -1); nproc=$(nproc); trilog $(git -C "$REPO" rev-parse --short HEAD)"
  [[ -n $JARS ]] && echo "# builds: $JARS"
  [[ -n $SETS ]] && echo "# settings: $SETS"
} >"$RUN/env.txt"
printf 'rep\tconfig\tphase\trecords\trec_per_sec\tmb_per_sec\tlat_p50_ms\tlat_p99_ms\tcpu_secs\tcpu_s_per_M\tnote\n' >"$RESULTS"
read -r -a order <<<"$CONFIGS"
for REP in $(seq 1 "$REPS"); do
  for i in "${!order[@]}"; do
    CONFIG="${order[$(((i + REP - 1) % ${#order[@]}))]}"
    one_config || { log "$CONFIG failed to start; see $RUN/logs"; stop_all; }
  done
done
python3 "$(dirname "$0")/summarize.py" "$RESULTS" | tee "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh"
keep_results replication "$RUN"
log "results: $RUN"
