#!/usr/bin/env bash
# Sourced by the AMQP bench scripts: the Trilog builds of an A/B run, each with its own jar and,
# optionally, its own extra JVM options (to measure a JVM setting the same way as a code change).
#   BUILDS="trilog-before=/tmp/before.jar trilog-after=gateway/target/trilog.jar"
#   BUILD_JVM_OPTS="trilog-par=-XX:+UseParallelGC;trilog-z=-XX:+UseZGC -Xss512k"   (';' between builds)
# A build's options come after BROKER_JVM_OPTS (so they win). Needs TRILOG_JAR (the default jar).
declare -A JAR_OF=() JVM_OPTS_OF=()
for pair in ${BUILDS:-}; do JAR_OF[${pair%%=*}]=${pair#*=}; done
IFS=';' read -r -a _build_opts <<<"${BUILD_JVM_OPTS:-}"
for pair in "${_build_opts[@]}"; do
  [[ -n $pair ]] && JVM_OPTS_OF[${pair%%=*}]=${pair#*=}
done
unset _build_opts
trilog_jar() { echo "${JAR_OF[$1]:-$TRILOG_JAR}"; }
trilog_jvm_opts() { echo "$BROKER_JVM_OPTS ${JVM_OPTS_OF[$1]:-}"; }
# One env.txt line per build: its jar (size, build time) and its JVM options.
describe_build() {
  echo "# $1: $(trilog_jar "$1") ($(stat -c '%s bytes, built %y' "$(trilog_jar "$1")")); JVM: $(trilog_jvm_opts "$1")"
}
