#!/usr/bin/env bash
# What an idle cluster costs: three nodes of each build on this machine, one topic of PARTITIONS
# partitions (replication factor 3) created through the Kafka API, no client afterwards; the three
# processes' utime+stime read over WINDOW seconds after SETTLE seconds, in CPU-seconds a minute
# between the three. The builds alternate within each repetition.
#
#   flock /tmp/lead/bench.lock env JARS="base=/path/a.jar new=/path/b.jar" bench/replication/idle-cpu.sh
#
# A build may carry settings: JARS="grpc=/path/b.jar@cluster.transport=grpc".
# Needs bench/kafka/target/lib-tools (bench/kafka/fetch-deps.sh). Ports: node n kafka BASE+n,
# amqp BASE+10+n, sqs BASE+20+n, admin BASE+30+n, raft BASE+40+n; everything binds 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
JARS="${JARS:?JARS=\"name=jar ...\"}"
REPS="${REPS:-2}"
WINDOW="${WINDOW:-60}"
SETTLE="${SETTLE:-20}"
PARTITIONS="${PARTITIONS:-6}"
BASE_PORT="${BASE_PORT:-30200}"
T=bench/kafka/target
mkdir -p "$T/classes-idle"
cat >"$T/classes-idle/IdleTopic.java" <<'EOF'
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

public class IdleTopic {
    public static void main(String[] a) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", a[0]))) {
            admin.createTopics(List.of(new NewTopic("idle", Integer.parseInt(a[1]), (short) 3))).all().get();
        }
    }
}
EOF
javac -d "$T/classes-idle" -cp "$T/lib-tools/*" "$T/classes-idle/IdleTopic.java" || exit 1

# shellcheck source=processes.sh
source bench/replication/processes.sh
cpu_ticks() { local sum=0; for pid in "$@"; do sum=$((sum + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'))); done; echo $sum; }
wait_port() { for _ in $(seq 1 240); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.5; done; return 1; }

echo "# $(date -u) $PARTITIONS partitions, ${WINDOW}s after ${SETTLE}s; uptime: $(uptime)"
for rep in $(seq 1 "$REPS"); do
  for spec in $JARS; do
    name=${spec%%=*} rest=${spec#*=}
    jar=${rest%%@*} extra=()
    [[ $rest == *@* ]] && extra=(--set "${rest#*@}")
    cluster="" kafka=""
    for n in 1 2 3; do
      cluster+="${cluster:+,}$n@127.0.0.1:$((BASE_PORT + 40 + n))"; kafka+="${kafka:+,}127.0.0.1:$((BASE_PORT + n))"
    done
    data=$(mktemp -d /tmp/idle-cpu.XXXXXX)
    for n in 1 2 3; do
      java -Xmx1g -jar "$jar" serve --data-dir "$data/node-$n" --kafka-port $((BASE_PORT + n)) \
          --amqp-port $((BASE_PORT + 10 + n)) --sqs-port $((BASE_PORT + 20 + n)) --admin-port $((BASE_PORT + 30 + n)) \
          --set cluster.nodes=$cluster --set node.id=$n "${extra[@]}" >"$data/node-$n.log" 2>&1 &
      PIDS+=($!)
    done
    for n in 1 2 3; do wait_port $((BASE_PORT + 30 + n)) || { echo "$name: node $n did not start ($data)"; exit 1; }; done
    java -cp "$T/classes-idle:$T/lib-tools/*" IdleTopic "$kafka" "$PARTITIONS" 2>"$data/create.err" \
        || { echo "$name: topic not created ($data/create.err)"; exit 1; }
    sleep "$SETTLE"
    a=$(cpu_ticks "${PIDS[@]}")
    sleep "$WINDOW"
    b=$(cpu_ticks "${PIDS[@]}")
    echo -e "$name\trep$rep\t$(echo "scale=2; ($b - $a) / 100 * 60 / $WINDOW" | bc) CPU-s/min\tload $(cut -d' ' -f1 /proc/loadavg)"
    stop_all
    rm -rf "$data"
  done
done
