# Shared by run.sh and profile.sh (sourced, not run): settings, building, and starting /
# stopping one broker at a time -- Apache Kafka 4.4.0 in KRaft combined mode, or Trilog -- with
# the same JVM options, a fresh data directory each time, on 127.0.0.1.
# Sets: HERE REPO T RUN DATA TICK TOOLS_CP TRILOG_JAR; BROKER_PID of the running broker.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"

BROKER_JVM_OPTS="${BROKER_JVM_OPTS:--Xms1g -Xmx1g}"   # the same for both brokers
TRILOG_ARGS="${TRILOG_ARGS:-}"   # extra `trilog serve` flags, e.g. "--set kafka.transport=nio" for an A/B run
# Not 19092/29092: on this shared machine other sessions start their own brokers on those.
KAFKA_PORT="${KAFKA_PORT:-23092}"   # below Linux's ephemeral range (32768-60999), where a client socket may hold a port
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-23093}"
TRILOG_PORT="${TRILOG_PORT:-23192}"
export -n TRILOG_PORT   # a TRILOG_* variable is Trilog configuration: the broker would refuse this one
PRODUCER_PROPS_COMMON="batch.size=65536 linger.ms=5"
# TLS brokers (PHASES=tls) use the test-only certificates of test-support (CN localhost, SAN
# 127.0.0.1), and their clients CLIENT_CONF: the SSL protocol with the test CA as a PEM truststore.
TLS_DIR="$REPO/test-support/src/main/resources/tls"
CLIENT_CONF=""   # set per broker by one_broker: empty = plaintext clients

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/runs/$STAMP${RUN_SUFFIX:-}"
DATA="$T/data"
mkdir -p "$RUN/logs"
TICK="$(getconf CLK_TCK)"
BROKER_PID=""

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

stop_broker() {
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$BROKER_PID" 2>/dev/null; then
      log "broker $BROKER_PID did not stop on SIGTERM in 30 s; SIGKILL"
      kill -9 "$BROKER_PID" 2>/dev/null
    fi
    wait "$BROKER_PID" 2>/dev/null
  fi
  BROKER_PID=""
}
trap 'stop_broker' EXIT
trap 'exit 130' INT TERM

# ---- prerequisites --------------------------------------------------------------------------
[[ -d "$T/lib-kafka" && -d "$T/lib-tools" ]] || "$HERE/fetch-deps.sh" || exit 1
log "building Trilog"
(cd "$REPO" && ./mvnw -B -q -DskipTests package -pl gateway -am) || exit 1
# A byte-identical copy of gateway/target/trilog.jar under a neutral name: other sessions on this
# machine stop their own Trilogs by command-line pattern, and one such sweep killed a bench broker.
TRILOG_JAR="$T/bench-broker-t.jar"
cp "$REPO/gateway/target/trilog.jar" "$TRILOG_JAR"
# BASELINE_JAR=path/to/older/trilog.jar: broker "trilog-base" runs that build (copied the same way),
# for a before/after comparison of two Trilog builds in one run
BASELINE_JAR="${BASELINE_JAR:-}"
if [[ -n $BASELINE_JAR ]]; then
  TRILOG_BASE_JAR="$T/bench-broker-b.jar"
  cp "$BASELINE_JAR" "$TRILOG_BASE_JAR" || exit 1
fi
mkdir -p "$T/classes"
javac -d "$T/classes" -cp "$T/lib-tools/*" "$HERE/BenchTool.java" || exit 1
TOOLS_CP="$T/classes:$T/lib-tools/*"

# ---- brokers --------------------------------------------------------------------------------
port_free() { # $1 port; fails (and says who) when something already listens there
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    log "port $1 is already in use: $(ss -ltnp 2>/dev/null | grep ":$1 " | grep -oE 'pid=[0-9]+' | head -1)"; return 1
  fi
}

wait_port() { # $1 port, $2 pid, $3 log
  for _ in $(seq 1 120); do
    if ! kill -0 "$2" 2>/dev/null; then log "broker died during start-up; see $3"; tail -20 "$3" >&2; return 1; fi
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  log "port $1 not open after 60 s"; return 1
}

start_kafka() { # $1 partitions, $2 tag, $3 "tls" for an SSL listener (the controller's stays plaintext)
  local dir="$DATA/kafka" cp="$T/lib-kafka/*" listener=PLAINTEXT
  rm -rf "$dir"; mkdir -p "$dir"
  [[ ${3:-} == tls ]] && listener=SSL
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=$listener://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=$listener://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$listener
listener.security.protocol.map=$listener:$listener,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
num.partitions=$1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  # KAFKA_EXTRA_PROPS: more broker settings, space-separated key=value (a broker variant of run.sh)
  [[ -n ${KAFKA_EXTRA_PROPS:-} ]] && printf '%s\n' $KAFKA_EXTRA_PROPS >>"$dir/server.properties"
  if [[ $listener == SSL ]]; then
    # Kafka reads a PEM keystore file holding the key and the chain (KIP-651); the broker's own
    # clients (inter-broker) trust the test CA
    cat "$TLS_DIR/server.key" "$TLS_DIR/server.crt" >"$dir/server-keystore.pem"
    cat >>"$dir/server.properties" <<EOF
ssl.keystore.type=PEM
ssl.keystore.location=$dir/server-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
EOF
  fi
  cat >"$dir/log4j2.properties" <<EOF
appender.f.type=File
appender.f.name=f
appender.f.fileName=$RUN/logs/kafka-$2.log
appender.f.layout.type=PatternLayout
appender.f.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.f.ref=f
EOF
  port_free "$KAFKA_PORT" && port_free "$KAFKA_CONTROLLER_PORT" || return 1
  local uuid
  uuid="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
      -t "$uuid" -c "$dir/server.properties" --standalone >"$RUN/logs/kafka-$2.format" 2>&1 \
    || { log "kafka storage format failed"; cat "$RUN/logs/kafka-$2.format" >&2; return 1; }
  # shellcheck disable=SC2086
  java $BROKER_JVM_OPTS -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
      kafka.Kafka "$dir/server.properties" >"$RUN/logs/kafka-$2.stdout" 2>&1 &
  BROKER_PID=$!
  wait_port "$KAFKA_PORT" "$BROKER_PID" "$RUN/logs/kafka-$2.log"
}

start_trilog() { # $1 partitions, $2 tag, $3 the jar (default: this build), $4 a TLS engine (openssl, jdk) for TLS,
                 # $5 the admin port (default 0: any), then more `trilog serve` flags
  local dir="$DATA/trilog" jar="${3:-$TRILOG_JAR}" tls=() admin_port="${5:-0}" more=("${@:6}")
  rm -rf "$dir"; mkdir -p "$dir"
  port_free "$TRILOG_PORT" || return 1
  [[ -n ${4:-} ]] && tls=(--set "kafka.tls.certificate=$TLS_DIR/server.crt" --set "kafka.tls.private-key=$TLS_DIR/server.key"
                          --set "kafka.tls.provider=$4")
  # shellcheck disable=SC2086
  java $BROKER_JVM_OPTS -jar "$jar" serve --data-dir "$dir/data" \
      --kafka-port "$TRILOG_PORT" --admin-port "$admin_port" --amqp-port 0 --sqs-port 0 \
      --set "num.partitions=$1" --set group.initial.rebalance.delay.ms=0 "${tls[@]}" "${more[@]}" $TRILOG_ARGS >"$RUN/logs/trilog-$2.log" 2>&1 &
  BROKER_PID=$!
  wait_port "$TRILOG_PORT" "$BROKER_PID" "$RUN/logs/trilog-$2.log"
}

# Share consumers (KIP-932), as run.sh's PHASES=share and profile.sh's WORKLOAD=share run them.
SHARE_CONSUMERS="${SHARE_CONSUMERS:-2}"
share_earliest() { # bootstrap group: the group reads from the earliest offset (a group config on
  # Kafka, whose groups start at the latest; Trilog's start at the earliest and take no group configs)
  java -cp "$TOOLS_CP" BenchTool share-earliest "$1" "$2"
}
SHARE_ACK="${SHARE_ACK:-implicit}" # implicit: ShareConsumerPerformance; explicit: BenchTool share-explicit
share_perf() { # bootstrap topic records group: SHARE_CONSUMERS share consumers in one group; implicit
  # acknowledgement (every record accepted on the next poll) or explicit (each record acknowledged
  # ACCEPT by the consumer, as issue 15's target names; ShareConsumerPerformance has no such mode)
  if [[ $SHARE_ACK == explicit ]]; then
    java -cp "$TOOLS_CP" BenchTool share-explicit "$1" "$2" "$3" "$4" "$SHARE_CONSUMERS"
  else
    java -cp "$TOOLS_CP" org.apache.kafka.tools.ShareConsumerPerformance --bootstrap-server "$1" \
      --topic "$2" --num-records "$3" --group "$4" --threads "$SHARE_CONSUMERS" --timeout 120000
  fi
}

cpu_ticks() { # utime+stime of the broker, in clock ticks (fields 14, 15 after the "(comm)")
  sed 's/^.*) //' "/proc/$BROKER_PID/stat" | awk '{print $12 + $13}'
}

