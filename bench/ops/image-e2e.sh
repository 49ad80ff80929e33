#!/usr/bin/env bash
# The container image end to end, with podman and no registry: builds a base image from Debian's
# packages (mmdebstrap: Debian bookworm's essential set + openjdk-17-jre-headless, imported with
# `podman import`), builds the Trilog image on it with Jib (`-Pimage`, `jib:buildTar` with a
# `tar://` base: no daemon, no pull), loads it with `podman load`, runs it with a named volume
# and published ports, and from the host checks:
#   /health and /health/ready on the admin port;
#   a Kafka produce and consume (kafka-tools' console producer and consumer, Kafka 4.3.1);
#   an SQS send and receive (SQS's JSON protocol over curl);
#   a restart of the container (`podman restart`, the same volume) keeping the Kafka records and
#   the SQS message left unreceived;
#   the image's size.
# Not a CI test: it needs podman, runc and mmdebstrap (root, `apt-get install -y podman runc
# mmdebstrap`) and takes minutes. The base image is kept in target/ between runs (BASE_REBUILD=1 rebuilds it).
# Leaves no container, volume or podman process behind (the exit trap removes them).
# Ports on the host: 19092 (Kafka), 15672 (AMQP), 19324 (SQS), 18080 (admin).
# Usage: bench/ops/image-e2e.sh   (results: bench/ops/target/image-e2e/<stamp>/run.log)
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$T/image-e2e/$STAMP"
mkdir -p "$RUN"
BASE_TAR="$T/image-base/bookworm-jre17-rootfs.tar"
BASE_IMAGE="localhost/trilog-base:bookworm-jre17"
NAME="trilog-e2e-$STAMP"
VOLUME="trilog-e2e-data-$STAMP"
KAFKA=19092 AMQP=15672 SQS=19324 ADMIN=18080
# What `podman run` needs on this VM (docs/container.md): runc, as crun refuses its hybrid cgroup
# layout (cgroup v1 controllers plus a cgroup2 mount with a controller: "cgroups in hybrid mode not
# supported"); limits within the VM's own hard limits (nofile 20000, nproc 96367), as root here has
# no CAP_SYS_RESOURCE and podman's defaults for root (nofile 1048576) are refused by setrlimit.
PODMAN_RUN_OPTS="${PODMAN_RUN_OPTS:---runtime runc --ulimit nofile=16384:16384 --ulimit nproc=8192:8192}"

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }
fail() { log "FAILED: $*"; exit 1; }
# every command that matters is logged as run, so the log is the recipe
run() { log "\$ $*"; "$@" >>"$RUN/run.log" 2>&1; }

cleanup() {
  podman rm -f -t 5 "$NAME" >/dev/null 2>&1
  podman volume rm -f "$VOLUME" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v podman >/dev/null || fail "no podman (apt-get install -y podman)"
command -v mmdebstrap >/dev/null || fail "no mmdebstrap (apt-get install -y mmdebstrap)"
[[ "$PODMAN_RUN_OPTS" != *runc* ]] || command -v runc >/dev/null || fail "no runc (apt-get install -y runc)"
log "podman $(podman --version | awk '{print $3}'), $(podman info --format '{{.Host.OCIRuntime.Name}} on cgroups {{.Host.CgroupsVersion}}, storage {{.Store.GraphDriverName}}')"

# ---- 1. the base image: a Debian root filesystem with a JRE, no registry involved
if [[ ! -s "$BASE_TAR" || -n "${BASE_REBUILD:-}" ]]; then
  mkdir -p "$(dirname "$BASE_TAR")"
  # man pages left out, but the directory kept: the JRE's postinst registers java.1.gz there
  run mmdebstrap --variant=essential --include=openjdk-17-jre-headless \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    bookworm "$BASE_TAR" http://deb.debian.org/debian || fail "mmdebstrap"
fi
# `podman import` makes an image of the root filesystem; the PATH and JAVA_HOME a JRE base image has
run podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' "$BASE_TAR" "$BASE_IMAGE" || fail "podman import"
# Jib reads a base image from a tarball in `docker save` format (which podman will not overwrite)
rm -f "$T/image-base/base-image.tar"
run podman save --format docker-archive -o "$T/image-base/base-image.tar" "$BASE_IMAGE" || fail "podman save"

# ---- 2. the Trilog image, built by Jib on that base
(cd "$REPO" && run ./mvnw -B -q -o -Pimage -pl gateway -am package -DskipTests \
  "-Dtrilog.image.base=tar://$T/image-base/base-image.tar") || fail "Jib build"
TARBALL="$REPO/gateway/target/jib-image.tar"
log "Jib tarball: $(du -h "$TARBALL" | cut -f1)"
IMAGE="$(podman load -i "$TARBALL" 2>>"$RUN/run.log" | sed -n 's/^Loaded image[^:]*: //p' | tail -1)"
[[ -n "$IMAGE" ]] || fail "podman load"
log "\$ podman load -i gateway/target/jib-image.tar  → $IMAGE"
log "image size: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'),"\
" base: $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
podman image inspect --format 'user={{.Config.User}} ports={{.Config.ExposedPorts}} volumes={{.Config.Volumes}} entrypoint={{.Config.Entrypoint}}' \
  "$IMAGE" | tee -a "$RUN/run.log"

# ---- 3. run it: published ports, a named volume; Kafka clients come back to localhost:19092
run podman volume create "$VOLUME" || fail "volume"
# shellcheck disable=SC2086 # the options are words
run podman run -d $PODMAN_RUN_OPTS --name "$NAME" -p $KAFKA:9092 -p $AMQP:5672 -p $SQS:9324 -p $ADMIN:8080 \
  -v "$VOLUME:/data" -e TRILOG_KAFKA_ADVERTISED_PORT=$KAFKA "$IMAGE" || fail "podman run"

wait_ready() {
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$ADMIN/health/ready" >/dev/null 2>&1; then
      log "/health: $(curl -s "http://127.0.0.1:$ADMIN/health"), /health/ready: $(curl -s "http://127.0.0.1:$ADMIN/health/ready")"
      return 0
    fi
    sleep 1
  done
  podman logs "$NAME" >>"$RUN/run.log" 2>&1
  fail "not ready within 120 s (container log appended to run.log)"
}
wait_ready

# ---- 4. Kafka from the host
DEP_PLUGIN_VERSION=3.9.0
# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"
[[ -d "$T/lib-tools" ]] || make_pom lib-tools "$T/lib-tools" "org.apache.kafka:kafka-tools:4.3.1" || fail "kafka-tools"
BOOT="localhost:$KAFKA"
printf 'k1:first\nk2:second\nk3:third\n' | java -cp "$T/lib-tools/*" org.apache.kafka.tools.ConsoleProducer \
  --bootstrap-server "$BOOT" --topic e2e --property parse.key=true --property key.separator=: \
  --producer-property acks=all >>"$RUN/run.log" 2>&1 || fail "Kafka produce"
log "\$ kafka-console-producer --bootstrap-server $BOOT --topic e2e (3 records, acks=all): done"
consume() {
  java -cp "$T/lib-tools/*" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOT" \
    --topic e2e --from-beginning --max-messages 3 --timeout-ms 60000 --formatter-property print.key=true \
    --formatter-property key.separator=: 2>>"$RUN/run.log"
}
got="$(consume | tr '\n' ' ')"
log "\$ kafka-console-consumer --from-beginning --max-messages 3: $got"
[[ "$got" == "k1:first k2:second k3:third " ]] || fail "Kafka consume gave '$got'"

# ---- 5. SQS from the host (the JSON protocol; unsigned requests are accepted by default); a queue
# of its own name, as a queue named after the topic would be that topic (docs/queues.md)
sqs() {
  curl -sf "http://127.0.0.1:$SQS/" -H 'Content-Type: application/x-amz-json-1.0' \
    -H "X-Amz-Target: AmazonSQS.$1" -d "$2"
}
URL="$(sqs CreateQueue '{"QueueName":"e2e-sqs"}' | sed -n 's/.*"QueueUrl" *: *"\([^"]*\)".*/\1/p')"
[[ -n "$URL" ]] || fail "SQS CreateQueue"
sqs SendMessage "{\"QueueUrl\":\"$URL\",\"MessageBody\":\"received before the restart\"}" >/dev/null || fail "SQS send"
sqs SendMessage "{\"QueueUrl\":\"$URL\",\"MessageBody\":\"kept across the restart\"}" >/dev/null || fail "SQS send"
first="$(sqs ReceiveMessage "{\"QueueUrl\":\"$URL\",\"WaitTimeSeconds\":5}")"
echo "$first" | grep -q 'received before the restart' || fail "SQS receive gave $first"
handle="$(echo "$first" | sed -n 's/.*"ReceiptHandle" *: *"\([^"]*\)".*/\1/p')"
sqs DeleteMessage "{\"QueueUrl\":\"$URL\",\"ReceiptHandle\":\"$handle\"}" >/dev/null || fail "SQS delete"
log "SQS at $URL: CreateQueue, 2 × SendMessage, ReceiveMessage → 'received before the restart', DeleteMessage"
log "traffic before the restart: $(curl -s "http://127.0.0.1:$ADMIN/api/v1/traffic" | tr -d ' \n')"

# ---- 6. restart: the same container and volume
run podman restart -t 30 "$NAME" || fail "podman restart"
wait_ready
got="$(consume | tr '\n' ' ')"
log "after the restart, kafka-console-consumer --from-beginning: $got"
[[ "$got" == "k1:first k2:second k3:third " ]] || fail "Kafka records after the restart: '$got'"
second="$(sqs ReceiveMessage "{\"QueueUrl\":\"$URL\",\"WaitTimeSeconds\":5,\"MaxNumberOfMessages\":10}")"
echo "$second" | grep -q 'kept across the restart' || fail "SQS after the restart gave $second"
# the message deleted before the restart stays deleted
echo "$second" | grep -q 'received before the restart' && fail "a deleted SQS message came back: $second"
log "after the restart, SQS ReceiveMessage (up to 10) → only 'kept across the restart'"
log "data in the volume: $(podman exec "$NAME" du -sh /data 2>/dev/null | cut -f1), run as $(podman exec "$NAME" id -u 2>/dev/null)"
log "PASSED: image $IMAGE ran end to end (log: $RUN/run.log)"
