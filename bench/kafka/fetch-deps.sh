#!/usr/bin/env bash
# Resolve the Apache Kafka broker (4.4.0) and Kafka's perf tools (kafka-tools 4.3.1; 4.4.0 is
# not on Maven Central) into bench/kafka/target/lib-kafka and .../lib-tools, using the repo's
# Maven wrapper and a throwaway pom per classpath (so the two never share dependency mediation).
# Idempotent: re-running only re-copies jars that are missing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
TOOLS_VERSION="${TOOLS_VERSION:-4.3.1}"
LOG4J_VERSION=2.25.5   # the log4j-core that kafka_2.13 4.4.0 brings
mkdir -p "$T/poms"

# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"

# log4j-slf4j-impl: the broker logs through slf4j 1.x; without a binding its log (and any
# start-up error) is silently dropped. The Kafka distribution ships the same binding in libs/.
make_pom lib-kafka "$T/lib-kafka" "org.apache.kafka:kafka_2.13:$KAFKA_VERSION" \
  "org.apache.logging.log4j:log4j-slf4j-impl:$LOG4J_VERSION"
make_pom lib-tools "$T/lib-tools" "org.apache.kafka:kafka-tools:$TOOLS_VERSION"

echo "lib-kafka: $(ls "$T/lib-kafka" | wc -l) jars; lib-tools: $(ls "$T/lib-tools" | wc -l) jars"
ls "$T/lib-kafka" | grep -E '^kafka' || true
ls "$T/lib-tools" | grep -E '^kafka' || true
