#!/usr/bin/env bash
# Resolves what bench/amqp10 runs from Maven Central, through the repo's Maven wrapper, into
# bench/amqp10/target: lib-client (Qpid JMS, the one AMQP 1.0 client every broker is driven with;
# HdrHistogram; the RabbitMQ Java client, to declare the queue over 0-9-1) and lib-artemis
# (ActiveMQ Artemis, embedded by ArtemisBroker.java). Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
QPID_JMS_VERSION="${QPID_JMS_VERSION:-2.10.0}"
ARTEMIS_VERSION="${ARTEMIS_VERSION:-2.40.0}"
mkdir -p "$T/poms"
# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"
make_pom lib-client "$T/lib-client" "org.apache.qpid:qpid-jms-client:$QPID_JMS_VERSION" \
  "org.hdrhistogram:HdrHistogram:2.2.2" "com.rabbitmq:amqp-client:5.37.1" "org.slf4j:slf4j-nop:2.0.17"
make_pom lib-artemis "$T/lib-artemis" "org.apache.activemq:artemis-server:$ARTEMIS_VERSION" \
  "org.apache.activemq:artemis-amqp-protocol:$ARTEMIS_VERSION" "org.slf4j:slf4j-nop:2.0.17"
mkdir -p "$T/classes"
javac -d "$T/classes" -cp "$T/lib-client/*" "$HERE/Amqp10Load.java" "$HERE/Amqp10ProtonLoad.java"
javac -d "$T/classes" -cp "$T/lib-artemis/*" "$HERE/ArtemisBroker.java"
echo "lib-client: $(ls "$T/lib-client" | wc -l) jars; lib-artemis: $(ls "$T/lib-artemis" | wc -l) jars (Artemis $ARTEMIS_VERSION)"
