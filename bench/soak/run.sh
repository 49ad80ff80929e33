#!/usr/bin/env bash
# The crash-loop soak across protocols, long: CYCLES kill -9 cycles (default 100) of one
# `trilog serve` under Kafka, SQS and AMQP 0-9-1 load, then every promise checked
# (compat-tests' CrashLoopSoakTest; `verify` runs it with 3 cycles). Takes ~10 s a cycle.
#
#   bench/soak/run.sh                 100 cycles, a random seed
#   CYCLES=20 SEED=123 bench/soak/run.sh
#
# Prints the summary table; the test's whole output is kept under bench/results/<date>/soak/, the
# broker's (every incarnation, and a thread dump if one does not come up) under compat-tests/target/soak/.
set -euo pipefail
cd "$(dirname "$0")/../.."
cycles=${CYCLES:-100}
seed_flag=()
[[ -n ${SEED:-} ]] && seed_flag=("-Dtrilog.soak.seed=$SEED")
out=bench/results/$(date -u +%Y-%m-%d)/soak
mkdir -p "$out"
set +e
./mvnw -B -q verify -pl compat-tests -am -Dtest=CrashLoopSoakTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtrilog.soak.cycles="$cycles" "${seed_flag[@]}"
status=$?
set -e
run=$out/run-$(date -u +%Y%m%dT%H%M%SZ)-$(git rev-parse --short HEAD)-${cycles}cycles.txt
cp compat-tests/target/surefire-reports/dev.trilog.compat.soak.CrashLoopSoakTest-output.txt "$run"
grep -E '^soak: [0-9]+ (cycles|kill)|^\|' "$run" || true
echo "whole output: $run"
exit $status
