#!/usr/bin/env bash
# Starts private peers for `trilog compare --peer`: Apache Kafka 4.4 (KRaft, one node), RabbitMQ
# (Debian's rabbitmq-server, with the AMQP 1.0 plugin) and ElasticMQ, each on a spare port, with
# its data in a temporary directory, bound to 127.0.0.1; never the system's RabbitMQ service.
#
#   compare/peers.sh start [kafka] [rabbitmq] [elasticmq]   (default: all three) prints the
#                                                           --peer/--peer-pid flags to pass
#   compare/peers.sh stop                                   stops what start started
#
# Kafka and ElasticMQ come from Maven Central through bench/kafka/fetch-deps.sh and
# bench/sqs/fetch-deps.sh (run here when missing); RabbitMQ from `apt-get install rabbitmq-server`.
# JVM peers run with PEER_JVM_OPTS (default -Xms1g -Xmx1g, as compare's own broker).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
state="${PEERS_DIR:-${TMPDIR:-/tmp}/trilog-compare-peers}"
jvm_opts="${PEER_JVM_OPTS:--Xms1g -Xmx1g}"
KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
RABBIT_PORT="${RABBIT_PORT:-15673}" RABBIT_DIST_PORT="${RABBIT_DIST_PORT:-25673}" RABBIT_NODE="${RABBIT_NODE:-trilogpeer@localhost}"
ELASTICMQ_PORT="${ELASTICMQ_PORT:-19325}"

port_free() { # $@ ports: fails, naming the first that something already listens on
  local port
  for port in "$@"; do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is already in use on 127.0.0.1 (set the *_PORT variables to spare ones)" >&2
      return 1
    fi
  done
}

wait_port() { # $1 port, $2 pid, $3 log
  for _ in $(seq 1 120); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "peer exited; see $3" >&2; return 1; }
    sleep 0.5
  done
  echo "port $1 not open after 60 s; see $3" >&2
  return 1
}

start_kafka() {
  [[ -d $repo/bench/kafka/target/lib-kafka ]] || "$repo/bench/kafka/fetch-deps.sh"
  local dir="$state/kafka" cp="$repo/bench/kafka/target/lib-kafka/*"
  port_free "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" || return 1
  rm -rf "$dir"; mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  java -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid | tail -1)" \
      -c "$dir/server.properties" --standalone >"$dir/format.log" 2>&1
  # shellcheck disable=SC2086
  nohup java $jvm_opts -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! >"$dir/pid"
  wait_port "$KAFKA_PORT" "$(cat "$dir/pid")" "$dir/kafka.log"
  echo "--peer kafka=127.0.0.1:$KAFKA_PORT --peer-pid kafka=$(cat "$dir/pid")"
}

start_rabbitmq() {
  command -v rabbitmq-server >/dev/null || { echo "install rabbitmq-server (apt-get install rabbitmq-server)" >&2; return 1; }
  local dir="$state/rabbitmq"
  port_free "$RABBIT_PORT" "$RABBIT_DIST_PORT" || return 1
  rm -rf "$dir"; mkdir -p "$dir"
  printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users = none\n' "$RABBIT_PORT" >"$dir/rabbitmq.conf"
  echo "[rabbitmq_amqp1_0]." >"$dir/enabled_plugins"
  # its own node name, ports, data, logs and Erlang cookie; epmd and distribution on loopback
  (export ERL_EPMD_ADDRESS=127.0.0.1 HOME="$dir" RABBITMQ_NODENAME="$RABBIT_NODE" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBIT_PORT" RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
      RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/pid"
   nohup /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/server.log" 2>&1 &)
  for _ in $(seq 1 60); do [[ -s $dir/pid ]] && break; sleep 0.5; done
  wait_port "$RABBIT_PORT" "$(cat "$dir/pid")" "$dir/server.log"
  echo "--peer rabbitmq=127.0.0.1:$RABBIT_PORT --peer-pid rabbitmq=$(cat "$dir/pid")"
}

start_elasticmq() {
  [[ -d $repo/bench/sqs/target/lib-elasticmq ]] || "$repo/bench/sqs/fetch-deps.sh"
  local dir="$state/elasticmq"
  port_free "$ELASTICMQ_PORT" || return 1
  rm -rf "$dir"; mkdir -p "$dir"
  sed "s/@PORT@/$ELASTICMQ_PORT/g" "$repo/bench/sqs/elasticmq.conf.template" >"$dir/elasticmq.conf"
  # shellcheck disable=SC2086
  nohup java $jvm_opts -Dconfig.file="$dir/elasticmq.conf" -cp "$repo/bench/sqs/target/lib-elasticmq/*" \
      org.elasticmq.server.Main >"$dir/elasticmq.log" 2>&1 &
  echo $! >"$dir/pid"
  wait_port "$ELASTICMQ_PORT" "$(cat "$dir/pid")" "$dir/elasticmq.log"
  echo "--peer sqs=http://127.0.0.1:$ELASTICMQ_PORT --peer-pid sqs=$(cat "$dir/pid")"
}

stop_all() {
  local pid
  if [[ -s $state/rabbitmq/pid ]]; then
    HOME="$state/rabbitmq" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" stop >/dev/null 2>&1 \
      || kill "$(cat "$state/rabbitmq/pid")" 2>/dev/null || true
  fi
  for peer in kafka elasticmq; do
    if [[ -s $state/$peer/pid ]]; then
      pid="$(cat "$state/$peer/pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$state"
}

case "${1:-}" in
  start)
    shift
    peers=("$@")
    [[ ${#peers[@]} -gt 0 ]] || peers=(kafka rabbitmq elasticmq)
    mkdir -p "$state"
    flags=()
    for peer in "${peers[@]}"; do
      flag="$("start_$peer")" || { echo "$peer did not start" >&2; exit 1; }
      flags+=("$flag")
    done
    echo "${flags[*]}"
    ;;
  stop) stop_all ;;
  *) echo "usage: $0 start [kafka] [rabbitmq] [elasticmq] | stop" >&2; exit 2 ;;
esac
