#!/usr/bin/env bash
# Trilog vs Apache Kafka 4.4.0 (KRaft combined mode), side by side, with Kafka's own perf tools.
#
# For each repetition, each partition count (1, 6) and each broker (the order alternates every
# repetition: T,K then K,T ...), a fresh broker with a fresh data directory:
#   warm-up produce, acks=1 and acks=all (untimed) -> produce acks=1 -> consume that topic -> produce acks=all
#   -> ConsumerPerformance (needs consumer groups; recorded as unsupported when the broker has none)
#   -> (1 partition only) EndToEndLatency and BenchTool e2e (same loop, microsecond resolution)
# The broker's CPU time (utime+stime from /proc/PID/stat) is read before and after every phase;
# so are the client tool's (bash `times`) and the rest of the machine's (/proc/stat: other sessions).
# Results: target/runs/<stamp>/results.tsv (kept in bench/results/<date>/kafka/) (one row per phase) and summary.md (medians), made by
# summarize.py. Everything binds 127.0.0.1. Usage: bench/kafka/run.sh  (env knobs below).
#
# PHASES=share runs the share-group phases instead (KIP-932): NUM_RECORDS produced (acks=1), then
# consumed by ShareConsumerPerformance with SHARE_CONSUMERS share consumers in one group
# (implicit acknowledgement: every record accepted on the next poll), twice per broker. The group
# reads from the earliest offset (set through a group config on Kafka; Trilog's groups start there).
# SHARE_ACK=explicit: each record acknowledged ACCEPT by BenchTool's share consumers instead.
# With SHARE_WARMUP=1 (the default) an untimed share consume of WARMUP_RECORDS comes first, as the
# warm-up produce does for the produce path; SHARE_WARMUP=0 measures the share path cold.
# PHASES=rebalance times group rebalances instead (no records): REBALANCE_MEMBERS consumers of one
# group on a topic of P partitions, then REBALANCE_ROUNDS times a consumer joins and leaves again
# (BenchTool rebalance), with the classic protocol and with the KIP-848 consumer protocol, client
# and broker defaults otherwise (heartbeats every 3 s classic, 5 s consumer). Rows: lat_p50_ms =
# median time until the join is balanced, lat_p99_ms = the slowest; the leave in the note.
# PHASES=txn runs the transaction phases instead: a transactional warm-up, then a transactional
# ProducerPerformance (--transactional-id, --transaction-duration-ms $TXN_DURATION_MS, acks=all), then
# that topic consumed with read_uncommitted, read_committed, read_uncommitted, read_committed.
# PHASES=tls measures what TLS costs: the brokers trilog (plaintext), trilog-tls (TLS by BoringSSL,
# kafka.tls.provider=openssl), trilog-tls-jdk (TLS by the JDK's engine), kafka (plaintext) and
# kafka-tls (Kafka's SSL listener, the JDK's engine), one partition, NUM_RECORDS (default 1M)
# produced with acks=1 then consumed twice (BenchTool consume). The TLS clients trust the
# test-only CA of test-support.
# PHASES=auth measures what SASL and ACL checks cost per request: the brokers trilog (plaintext, no
# authorizer) and trilog-auth (SASL_PLAINTEXT with PLAIN, kafka.authorizer=acl; the client logs in
# as a user that is not a super user, allowed by a LITERAL `*` ACL among AUTH_OTHER_ACLS ACLs for
# other users), one partition, NUM_RECORDS (default 1M) produced with acks=1 then consumed twice.
# PHASES=sessions measures incremental fetch sessions (KIP-227) on a topic of SESSIONS_PARTITIONS
# (1000) partitions: the brokers trilog and kafka, and trilog-nosess and kafka-nosess with
# max.incremental.fetch.session.cache.slots=0 (every fetch a full one). One consumer assigned every
# partition polls (fetch.max.wait.ms=100) for SESSIONS_SECONDS, idle (nothing produced), then with a
# trickle (one 100-byte record every 20 ms, the partitions in turn): BenchTool sessions. Rows:
# records = fetches, cpu_s_per_M = broker CPU-s per million fetches; request and response bytes
# per fetch (the consumer's own metrics) in the note.
set -uo pipefail

REPS="${REPS:-3}"
NUM_RECORDS="${NUM_RECORDS:-2000000}"
RECORD_SIZE="${RECORD_SIZE:-1024}"
WARMUP_RECORDS="${WARMUP_RECORDS:-500000}"   # per acks setting
E2E_RECORDS="${E2E_RECORDS:-10000}"          # EndToEndLatency
E2E_US_RECORDS="${E2E_US_RECORDS:-5000}"      # BenchTool e2e (the same loop; fewer, to keep the run short)
PARTITIONS="${PARTITIONS:-1 6}"
MAX_MINUTES="${MAX_MINUTES:-30}"   # no new repetition starts when it would likely end past this
PHASES="${PHASES:-standard}"       # standard | txn | share | rebalance | tls | auth | sessions
REBALANCE_MEMBERS="${REBALANCE_MEMBERS:-3}"
SESSIONS_SECONDS="${SESSIONS_SECONDS:-30}"
if [[ $PHASES == sessions ]]; then
  PARTITIONS="${SESSIONS_PARTITIONS:-1000}"; BROKERS="${BROKERS:-trilog trilog-nosess kafka kafka-nosess}"
fi
REBALANCE_ROUNDS="${REBALANCE_ROUNDS:-5}"
if [[ $PHASES == tls ]]; then
  NUM_RECORDS="${NUM_RECORDS_TLS:-1000000}"; WARMUP_RECORDS="${WARMUP_RECORDS_TLS:-200000}"
  PARTITIONS="${PARTITIONS_TLS:-1}"; BROKERS="${BROKERS:-trilog trilog-tls trilog-tls-jdk kafka kafka-tls}"
fi
if [[ $PHASES == auth ]]; then
  NUM_RECORDS="${NUM_RECORDS_AUTH:-1000000}"; WARMUP_RECORDS="${WARMUP_RECORDS_AUTH:-200000}"
  PARTITIONS="${PARTITIONS_AUTH:-1}"; BROKERS="${BROKERS:-trilog trilog-auth}"
fi
AUTH_OTHER_ACLS="${AUTH_OTHER_ACLS:-100}"
TRILOG_ADMIN_PORT="${TRILOG_ADMIN_PORT:-23180}"
TXN_DURATION_MS="${TXN_DURATION_MS:-100}"
SHARE_WARMUP="${SHARE_WARMUP:-1}"
SHARE_TOPIC=""; [[ $PHASES == share ]] && SHARE_TOPIC=share
[[ $PHASES == rebalance ]] && SHARE_TOPIC=rebalance
BROKERS="${BROKERS:-trilog kafka${BASELINE_JAR:+ trilog-base}}"
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
RESULTS="$RUN/results.tsv"

{
  echo "# started $STAMP; PHASES=$PHASES TXN_DURATION_MS=$TXN_DURATION_MS SHARE_CONSUMERS=$SHARE_CONSUMERS SHARE_WARMUP=$SHARE_WARMUP SHARE_ACK=$SHARE_ACK REPS=$REPS NUM_RECORDS=$NUM_RECORDS RECORD_SIZE=$RECORD_SIZE E2E_RECORDS=$E2E_RECORDS E2E_US_RECORDS=$E2E_US_RECORDS"
  echo "# broker JVM: $BROKER_JVM_OPTS; $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "# jar sha256: $(sha256sum "$REPO/gateway/target/trilog.jar" "$TRILOG_JAR" | awk '{printf "%s ", substr($1,1,16)}')"
  echo "# nproc=$(nproc); $(free -g | awk '/Mem:/{print "mem_total_gb="$2}'); trilog commit $(git -C "$REPO" rev-parse --short HEAD)"
} >"$RUN/env.txt"
printf 'rep\tbroker\tpartitions\tphase\trecords\tmb_per_sec\trec_per_sec\tcpu_secs\tcpu_s_per_M\tlat_avg_ms\tlat_p50_ms\tlat_p99_ms\tlat_p999_ms\tload1\tclient_cpu_secs\twall_secs\tother_cores\tnote\n' >"$RESULTS"


# ---- phases ---------------------------------------------------------------------------------
# run_phase NAME command...   (stdout+stderr to a log; sets PHASE_OUT, PHASE_CPU, PHASE_LOAD)
children_cpu() { # sets CHILD_CPU: user+sys seconds of every finished child of this shell (bash's
  # `times`, 2nd line). Not in $(...): a command substitution's subshell has children of its own.
  times >"$RUN/times.tmp"
  CHILD_CPU=$(tail -1 "$RUN/times.tmp" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.2f", t }')
}
machine_ticks() { # busy and total CPU ticks of the whole machine (/proc/stat), for the noise
  awk '/^cpu /{ busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

run_phase() {
  local name=$1; shift
  local out="$RUN/logs/$TAG-$name.out" c0 c1 k0 k1 m0 m1 w0 w1
  PHASE_LOAD="$(cut -d' ' -f1 /proc/loadavg)"
  c0=$(cpu_ticks); m0=$(machine_ticks); w0=$(date +%s.%N); children_cpu; k0=$CHILD_CPU
  "$@" >"$out" 2>&1
  PHASE_RC=$?
  if ! kill -0 "$BROKER_PID" 2>/dev/null; then
    log "broker $BROKER_PID died during $name (killed from outside?)"; BROKER_DIED=1; PHASE_CPU=0; PHASE_OUT="$out"; return
  fi
  children_cpu; k1=$CHILD_CPU; c1=$(cpu_ticks); m1=$(machine_ticks); w1=$(date +%s.%N)
  PHASE_CPU=$(awk -v a="$c0" -v b="$c1" -v t="$TICK" 'BEGIN{printf "%.2f", (b-a)/t}')
  PHASE_CLIENT_CPU=$(awk -v a="$k0" -v b="$k1" 'BEGIN{printf "%.2f", b-a}')
  PHASE_WALL=$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.2f", b-a}')
  # CPU used on the machine during the phase by anything but this broker and this client (other
  # sessions on the shared machine), in cores
  PHASE_OTHER=$(awk -v m0="$m0" -v m1="$m1" -v c="$PHASE_CPU" -v k="$PHASE_CLIENT_CPU" -v w="$PHASE_WALL" -v t="$TICK" \
    'BEGIN{ split(m0, a, " "); split(m1, b, " "); o = (b[1] - a[1]) / t - c - k; if (o < 0) o = 0; printf "%.2f", o / w }')
  PHASE_OUT="$out"
}

row() { # phase records mb/s rec/s lat_avg p50 p99 p999 note
  [[ ${BROKER_DIED:-0} -eq 1 ]] && return
  local per_m
  per_m=$(awk -v c="$PHASE_CPU" -v n="$2" 'BEGIN{ if (n>0) printf "%.2f", c/(n/1e6); else print "" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$REP" "$BROKER" "$P" "$1" "$2" "$3" "$4" \
    "$PHASE_CPU" "$per_m" "$5" "$6" "$7" "$8" "$PHASE_LOAD" "$PHASE_CLIENT_CPU" "$PHASE_WALL" "$PHASE_OTHER" "$9" >>"$RESULTS"
  log "$BROKER p=$P $1: ${3} MB/s ${4} rec/s cpu=${PHASE_CPU}s (${per_m} s/M) client-cpu=${PHASE_CLIENT_CPU}s other=${PHASE_OTHER} cores lat avg/p50/p99=${5}/${6}/${7} ${9}"
}

producer_perf() { # topic records acks [more ProducerPerformance options]
  local topic=$1 records=$2 acks=$3; shift 3
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$records" \
    --record-size "$RECORD_SIZE" --throughput -1 "$@" \
    --producer-props bootstrap.servers="$BOOT" acks="$acks" $PRODUCER_PROPS_COMMON ${CLIENT_CONF:+--producer.config "$CLIENT_CONF"}
}

produce() { # phase topic acks [more ProducerPerformance options]
  run_phase "$1" producer_perf "$2" "$NUM_RECORDS" "$3" "${@:4}"
  # last line: N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, a ms 50th, b ms 95th, c ms 99th, d ms 99.9th.
  local line
  line=$(grep -E '^[0-9]+ records sent,.*50th' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  echo "$line" | sed -E 's/^([0-9]+) records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), ([0-9.]+) ms avg latency, [0-9.]+ ms max latency, ([0-9]+) ms 50th, [0-9]+ ms 95th, ([0-9]+) ms 99th, ([0-9]+) ms 99.9th.*/\1 \2 \3 \4 \5 \6 \7/' | {
    read -r n rps mbps avg p50 p99 p999
    row "$1" "$n" "$mbps" "$rps" "$avg" "$p50" "$p99" "$p999" "ProducerPerformance"
  }
}

consume_assign() { # phase topic [isolation level]
  run_phase "$1" java -cp "$TOOLS_CP" BenchTool consume "$BOOT" "$2" "$NUM_RECORDS" "${3:-read_uncommitted}"
  local line; line=$(grep '^CONSUME ' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  local n mbps rps
  n=$(sed -E 's/.*records=([0-9]+).*/\1/' <<<"$line"); mbps=$(sed -E 's/.*mb_per_sec=([0-9.]+).*/\1/' <<<"$line")
  rps=$(sed -E 's/.*rec_per_sec=([0-9.]+).*/\1/' <<<"$line")
  row "$1" "$n" "$mbps" "$rps" "" "" "" "" "BenchTool consume (assign, no group, ${3:-read_uncommitted})"
}

consume_perf() { # phase topic group
  run_phase "$1" java -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
    --topic "$2" --num-records "$NUM_RECORDS" --group "$3"
  # header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  local line; line=$(grep -E '^[0-9]{4}-' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then
    local why; why=$(grep -m1 -oE 'does not support [A-Z_]+' "$PHASE_OUT")
    row "$1" 0 "" "" "" "" "" "" "ConsumerPerformance FAILED rc=$PHASE_RC ${why}"; return
  fi
  IFS=', ' read -r -a f <<<"$(sed 's/, /,/g' <<<"$line" | tr ',' ' ')"
  # fields (after splitting date+time into two tokens each): 0-1 start, 2-3 end, 4 MB, 5 MB/s, 6 nMsg, 7 nMsg/s, 8 rebalance ms, 9 fetch ms, 10 fetch MB/s, 11 fetch nMsg/s
  row "$1" "${f[6]}" "${f[5]}" "${f[7]}" "" "" "" "" "ConsumerPerformance (group; fetch.MB.sec=${f[10]}, rebalance.ms=${f[8]})"
  # the same run without the group's join time (fetch.MB.sec), as its own row
  row "$1_fetch" "${f[6]}" "${f[10]}" "${f[11]}" "" "" "" "" "ConsumerPerformance fetch.MB.sec (rebalance time excluded)"
}

consume_share() { # phase topic group
  share_earliest "$BOOT" "$3" >>"$RUN/logs/$TAG-share-config.out" 2>&1
  run_phase "$1" share_perf "$BOOT" "$2" "$NUM_RECORDS" "$3"
  # header: start.time, end.time, data.consumed.in.MB, MB.sec, nMsg.sec, data.consumed.in.nMsg, fetch.time.ms
  local line; line=$(grep -E '^[0-9]{4}-' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]] || grep -q 'Exiting before consuming' "$PHASE_OUT"; then
    row "$1" 0 "" "" "" "" "" "" "ShareConsumerPerformance FAILED rc=$PHASE_RC"; return
  fi
  IFS=', ' read -r -a f <<<"$(sed 's/, /,/g' <<<"$line" | tr ',' ' ')"
  # fields (after splitting date+time into two tokens each): 0-1 start, 2-3 end, 4 MB, 5 MB/s, 6 nMsg/s, 7 nMsg
  row "$1" "${f[7]}" "${f[5]}" "${f[6]}" "" "" "" "" "share consumers ($SHARE_CONSUMERS, $SHARE_ACK acknowledgement)"
}

sessions_phase() { # phase topic mode
  run_phase "$1" java -cp "$TOOLS_CP" BenchTool sessions "$BOOT" "$2" "$SESSIONS_SECONDS" "$3"
  local line; line=$(grep '^SESSIONS ' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  local fetches; fetches=$(sed -E 's/.*fetches=([0-9]+).*/\1/' <<<"$line")
  row "$1" "$fetches" "" "" "" "" "" "" "BenchTool sessions $3: records=fetches, cpu_s_per_M per M fetches; ${line#SESSIONS }"
}

rebalance() { # phase topic protocol
  run_phase "$1" java -cp "$TOOLS_CP" BenchTool rebalance "$BOOT" "$2" "$3" "$REBALANCE_MEMBERS" "$REBALANCE_ROUNDS"
  local line; line=$(grep '^REBALANCE ' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  local jp50 jmax lp50 lmax
  jp50=$(sed -E 's/.*join_p50_ms=([0-9]+).*/\1/' <<<"$line"); jmax=$(sed -E 's/.*join_max_ms=([0-9]+).*/\1/' <<<"$line")
  lp50=$(sed -E 's/.*leave_p50_ms=([0-9]+).*/\1/' <<<"$line"); lmax=$(sed -E 's/.*leave_max_ms=([0-9]+).*/\1/' <<<"$line")
  row "$1" 0 "" "" "" "$jp50" "$jmax" "" "BenchTool rebalance ($3 protocol, $REBALANCE_MEMBERS+1 members, $REBALANCE_ROUNDS rounds; leave p50=${lp50} ms max=${lmax} ms)"
}

e2e_tool() { # phase topic
  run_phase "$1" java -cp "$TOOLS_CP" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOT" \
    --topic "$2" --num-records "$E2E_RECORDS" --producer-acks 1 --record-size "$RECORD_SIZE"
  # prints "Avg latency: X ms" and "Percentiles: 50th = a, 99th = b, 99.9th = c" (whole ms), then
  # commitSync()s, which fails on a broker without groups -- after the numbers, so it is noted, not fatal.
  local avg pct p50 p99 p999 note="EndToEndLatency (whole-ms percentiles)"
  avg=$(grep -oE 'Avg latency: [0-9.]+' "$PHASE_OUT" | awk '{print $3}')
  pct=$(grep -E '^Percentiles' "$PHASE_OUT")
  if [[ -z "$avg" || -z "$pct" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  p50=$(sed -E 's/.*50th = ([0-9]+).*/\1/' <<<"$pct"); p99=$(sed -E 's/.*, 99th = ([0-9]+).*/\1/' <<<"$pct")
  p999=$(sed -E 's/.*99.9th = ([0-9]+).*/\1/' <<<"$pct")
  [[ $PHASE_RC -ne 0 ]] && note="$note; exit $PHASE_RC after results: $(grep -m1 -oE 'does not support [A-Z_]+' "$PHASE_OUT")"
  row "$1" "$E2E_RECORDS" "" "" "$avg" "$p50" "$p99" "$p999" "$note"
}

e2e_bench() { # phase topic
  run_phase "$1" java -cp "$TOOLS_CP" BenchTool e2e "$BOOT" "$2" "$E2E_US_RECORDS" 1 "$RECORD_SIZE"
  local line; line=$(grep '^E2E ' "$PHASE_OUT" | tail -1)
  if [[ $PHASE_RC -ne 0 || -z "$line" ]]; then row "$1" 0 "" "" "" "" "" "" "FAILED rc=$PHASE_RC"; return; fi
  local ms
  ms() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$line" | awk '{printf "%.3f", $1/1000}'; }
  row "$1" "$E2E_US_RECORDS" "" "" "$(ms avg_us)" "$(ms p50_us)" "$(ms p99_us)" "$(ms p999_us)" "BenchTool e2e (us resolution)"
}

sasl_conf() { # $1 the user, whose password is $1-secret
  printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="%s" password="%s-secret";\n' "$1" "$1"
}

start_trilog_auth() { # $1 partitions, $2 tag: SASL PLAIN and ACLs; users admin (super user) and bench, bench's ACLs
  start_trilog "$1" "$2" "$TRILOG_JAR" "" "$TRILOG_ADMIN_PORT" --set kafka.sasl.mechanisms=PLAIN \
    --set kafka.authorizer=acl --set super.users=User:admin || return 1
  wait_port "$TRILOG_ADMIN_PORT" "$BROKER_PID" "$RUN/logs/trilog-$2.log" || return 1
  local user
  for user in admin bench; do
    java -jar "$TRILOG_JAR" users add "$user" --password "$user-secret" --admin "127.0.0.1:$TRILOG_ADMIN_PORT" \
      >>"$RUN/logs/$2-users.out" 2>&1 || { log "adding $user failed"; return 1; }
  done
  sasl_conf admin >"$RUN/admin-sasl.properties"
  BENCH_CLIENT_CONFIG="$RUN/admin-sasl.properties" java -cp "$TOOLS_CP" BenchTool acls "$BOOT" User:bench \
    "$AUTH_OTHER_ACLS" >>"$RUN/logs/$2-acls.out" 2>&1 || { log "creating the ACLs failed"; return 1; }
}

create_topic() { java -cp "$TOOLS_CP" BenchTool create "$BOOT" "$1" "$2" >>"$RUN/logs/$TAG-create.out" 2>&1; }

one_broker() {
  TAG="r$REP-$BROKER-p$P"
  log "=== rep $REP: $BROKER, $P partition(s); df: $(df -h "$T" | awk 'NR==2{print $4" free"}')"
  sync
  CLIENT_CONF=""
  if [[ $BROKER == *-tls* ]]; then
    CLIENT_CONF="$RUN/client-ssl.properties"
    printf 'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$TLS_DIR/ca.crt" >"$CLIENT_CONF"
  fi
  if [[ $BROKER == trilog-auth ]]; then
    CLIENT_CONF="$RUN/client-sasl.properties"
    sasl_conf bench >"$CLIENT_CONF"
  fi
  export BENCH_CLIENT_CONFIG="$CLIENT_CONF"   # BenchTool's clients read it too
  case $BROKER in
    kafka) BOOT="127.0.0.1:$KAFKA_PORT"; start_kafka "$P" "$TAG" || return 1 ;;
    kafka-tls) BOOT="127.0.0.1:$KAFKA_PORT"; start_kafka "$P" "$TAG" tls || return 1 ;;
    kafka-nosess) BOOT="127.0.0.1:$KAFKA_PORT"
      KAFKA_EXTRA_PROPS="max.incremental.fetch.session.cache.slots=0" start_kafka "$P" "$TAG" || return 1 ;;
    trilog-nosess) BOOT="127.0.0.1:$TRILOG_PORT"
      start_trilog "$P" "$TAG" "$TRILOG_JAR" "" 0 --set max.incremental.fetch.session.cache.slots=0 || return 1 ;;
    trilog-base) BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" "$TRILOG_BASE_JAR" || return 1 ;;
    trilog-tls) BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" "$TRILOG_JAR" openssl || return 1 ;;
    trilog-tls-jdk) BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" "$TRILOG_JAR" jdk || return 1 ;;
    trilog-auth) BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog_auth "$P" "$TAG" || return 1 ;;
    *) BOOT="127.0.0.1:$TRILOG_PORT"; start_trilog "$P" "$TAG" || return 1 ;;
  esac
  # the same topic set-up on both: auto-creation with num.partitions=P through a producer's Metadata request
  local topics="warmup acks1 acksall e2e txn ${SHARE_TOPIC:-}"
  [[ $PHASES == sessions ]] && topics=sessions
  for t in $topics; do create_topic "$t" "$P" || {
    log "creating $t failed"; kill -0 "$BROKER_PID" 2>/dev/null || BROKER_DIED=1; stop_broker; return 1; }; done
  # untimed warm-up through both produce paths (acks=1; acks=all, which turns idempotence on), so
  # that most of the JIT's compiling -- broker CPU too -- is done before the measured phases
  local acks
  for acks in 1 all; do
    [[ $PHASES == rebalance || $PHASES == sessions ]] && break # no records (a trickle): nothing to warm up
    producer_perf warmup "$WARMUP_RECORDS" "$acks" >>"$RUN/logs/$TAG-warmup.out" 2>&1
  done
  local ph phases
  if [[ $PHASES == txn ]]; then
    producer_perf warmup "$WARMUP_RECORDS" all --transactional-id "warmup-$TAG" \
      --transaction-duration-ms "$TXN_DURATION_MS" >>"$RUN/logs/$TAG-warmup.out" 2>&1
    java -cp "$TOOLS_CP" BenchTool consume "$BOOT" warmup "$WARMUP_RECORDS" read_committed >>"$RUN/logs/$TAG-warmup.out" 2>&1
    phases=("produce produce_txn txn all --transactional-id txn-$TAG --transaction-duration-ms $TXN_DURATION_MS"
            "consume_assign consume_read_uncommitted txn read_uncommitted"
            "consume_assign consume_read_committed txn read_committed"
            "consume_assign consume_read_uncommitted txn read_uncommitted"
            "consume_assign consume_read_committed txn read_committed")
  elif [[ $PHASES == rebalance ]]; then
    phases=("rebalance rebalance_classic rebalance classic" "rebalance rebalance_consumer rebalance consumer")
  elif [[ $PHASES == tls || $PHASES == auth ]]; then
    phases=("produce produce_acks1 acks1 1" "consume_assign consume acks1" "consume_assign consume acks1")
  elif [[ $PHASES == sessions ]]; then
    phases=("sessions_phase sessions_idle sessions idle" "sessions_phase sessions_trickle sessions trickle")
  elif [[ $PHASES == share ]]; then
    if [[ $SHARE_WARMUP == 1 ]]; then
      # the share path warmed up too (untimed, WARMUP_RECORDS of the warm-up topic): without it the
      # first measured consume was the JIT's, C2 compiling the share path for seconds of CPU
      share_earliest "$BOOT" "share-warmup-$TAG" >>"$RUN/logs/$TAG-share-config.out" 2>&1
      share_perf "$BOOT" warmup "$WARMUP_RECORDS" "share-warmup-$TAG" >>"$RUN/logs/$TAG-warmup.out" 2>&1
    fi
    phases=("produce produce_acks1 share 1" "consume_share share_consume share share-a-$TAG"
            "consume_share share_consume share share-b-$TAG")
  else
    phases=("produce produce_acks1 acks1 1" "consume_assign consume acks1" "produce produce_acksall acksall all"
            "consume_perf consume_perf acks1 perf-$TAG")
  fi
  for ph in "${phases[@]}"; do
    $ph
    [[ $BROKER_DIED -eq 0 ]] || break
  done
  if [[ $P -eq 1 && $BROKER_DIED -eq 0 && $PHASES == standard ]]; then
    e2e_tool e2e_EndToEndLatency e2e
    [[ $BROKER_DIED -eq 0 ]] && e2e_bench e2e_BenchTool e2e
  fi
  stop_broker
  rm -rf "$DATA/$BROKER" "$DATA/trilog" "$DATA/kafka"
  [[ $BROKER_DIED -eq 0 ]]
}

ln -sfn "runs/$STAMP" "$T/latest"
log "run $STAMP: results in $RESULTS"
T_START=$(date +%s)
for REP in $(seq 1 "$REPS"); do
  T_REP=$(date +%s)
  # BROKERS picks and orders the brokers (trilog, kafka, trilog-base with BASELINE_JAR); the
  # order reverses every repetition so drift in the machine's load evens out
  if (( REP % 2 == 1 )); then ORDER="$BROKERS"; else ORDER="$(echo "$BROKERS" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for P in $PARTITIONS; do
    for BROKER in $ORDER; do
      BROKER_DIED=0
      one_broker || log "rep $REP $BROKER p=$P FAILED"
      if [[ $BROKER_DIED -eq 1 ]]; then
        log "retrying rep $REP $BROKER p=$P once, from the start (its rows so far are dropped)"
        grep -v -P "^$REP\t$BROKER\t$P\t" "$RESULTS" >"$RESULTS.tmp"; mv "$RESULTS.tmp" "$RESULTS"
        stop_broker; BROKER_DIED=0; one_broker || log "rep $REP $BROKER p=$P FAILED again"
      fi
    done
  done
  NOW=$(date +%s)
  if (( REP < REPS && NOW + (NOW - T_REP) > T_START + MAX_MINUTES * 60 )); then
    log "stopping after $REP of $REPS repetitions: another would end past MAX_MINUTES=$MAX_MINUTES"
    break
  fi
done
stop_broker
python3 "$HERE/summarize.py" "$RESULTS" >"$RUN/summary.md" && cat "$RUN/summary.md"
# shellcheck source=../common/keep-results.sh
source "$REPO/bench/common/keep-results.sh" && keep_results kafka "$RUN"
log "done; bench brokers left running: $(pgrep -f "kafka.Kafka $DATA|$TRILOG_JAR" || echo none)"
