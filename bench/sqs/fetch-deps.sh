#!/usr/bin/env bash
# Resolve ElasticMQ 1.7.1 (the SQS emulator to compare against) and the bench client's classpath
# (aws-sdk-java-v2's SQS client with its Apache HTTP client, HdrHistogram) into
# bench/sqs/target/lib-elasticmq and .../lib-client. Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
ELASTICMQ_VERSION="${ELASTICMQ_VERSION:-1.7.1}"
AWS_SDK_VERSION="${AWS_SDK_VERSION:-2.54.14}"
HDR_VERSION=2.2.2
# shellcheck source=../common/resolve-deps.sh
source "$REPO/bench/common/resolve-deps.sh"

make_pom lib-elasticmq "$T/lib-elasticmq" "org.elasticmq:elasticmq-server_2.13:$ELASTICMQ_VERSION"
make_pom lib-sqs-client "$T/lib-client" "software.amazon.awssdk:sqs:$AWS_SDK_VERSION" \
  "software.amazon.awssdk:apache-client:$AWS_SDK_VERSION" "org.hdrhistogram:HdrHistogram:$HDR_VERSION"

echo "lib-elasticmq: $(ls "$T/lib-elasticmq" | wc -l) jars; lib-client: $(ls "$T/lib-client" | wc -l) jars"
