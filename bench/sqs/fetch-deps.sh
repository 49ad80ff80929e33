#!/usr/bin/env bash
# Resolve ElasticMQ (the server, 1.7.1) and the bench client (aws-sdk-java-v2 SQS, the version
# the root pom pins, with its Apache HTTP client, plus HdrHistogram, and Jackson for the raw client) from Maven Central into
# bench/sqs/target/lib-elasticmq and .../lib-client, using the repo's Maven wrapper and a
# throwaway pom per classpath (so the two never share dependency mediation); async-profiler into
# .../lib-profiler for profile.sh. Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
T="$HERE/target"
ELASTICMQ_VERSION="${ELASTICMQ_VERSION:-1.7.1}"
AWSSDK_VERSION="$(sed -n 's:.*<awssdk.version>\(.*\)</awssdk.version>.*:\1:p' "$REPO/pom.xml")"
HDR_VERSION="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$REPO/pom.xml")"
JACKSON_VERSION="$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' "$REPO/pom.xml")"
DEP_PLUGIN_VERSION=3.9.0
mkdir -p "$T/poms"

# shellcheck source=../common/make-pom.sh
source "$REPO/bench/common/make-pom.sh"

make_pom lib-elasticmq "$T/lib-elasticmq" "org.elasticmq:elasticmq-server_2.13:$ELASTICMQ_VERSION"
make_pom lib-client "$T/lib-client" "software.amazon.awssdk:sqs:$AWSSDK_VERSION" \
  "software.amazon.awssdk:apache-client:$AWSSDK_VERSION" "org.hdrhistogram:HdrHistogram:$HDR_VERSION" \
  "com.fasterxml.jackson.core:jackson-databind:$JACKSON_VERSION"
# async-profiler for profile.sh's PROFILER=async (CPU samples with the kernel's and native frames)
make_pom lib-profiler "$T/lib-profiler" "tools.profiler:async-profiler:3.0"
(cd "$T/lib-profiler" && unzip -o -q async-profiler-3.0.jar "linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')/libasyncProfiler.so")
echo "lib-elasticmq: $(ls "$T/lib-elasticmq" | wc -l) jars; lib-client: $(ls "$T/lib-client" | wc -l) jars"
