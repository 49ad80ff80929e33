#!/usr/bin/env bash
# Resolves RabbitMQ PerfTest (com.rabbitmq:perf-test, with its runtime dependencies) from Maven
# Central into bench/amqp091/target/lib-perftest, through the repo's Maven wrapper. Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
PERFTEST_VERSION="${PERFTEST_VERSION:-2.22.1}"
mkdir -p "$T/poms"
# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"
make_pom lib-perftest "$T/lib-perftest" "com.rabbitmq:perf-test:$PERFTEST_VERSION"
echo "lib-perftest: $(ls "$T/lib-perftest" | wc -l) jars"
