#!/usr/bin/env bash
# The abuse suite, long: compat-tests' AbuseTest with CONNECTIONS idle connections per port
# (default 10000; the open-files limit must allow twice that in all, test and broker each hold one
# end) and SECONDS of each abuse (default 30). `verify` runs it with 500 connections and 5 s.
#
#   bench/abuse/run.sh
#   CONNECTIONS=2000 SECONDS_EACH=10 bench/abuse/run.sh
#
# Prints the figures table (live heap, peak RSS, the ordinary clients' p99 quiet and under abuse);
# the whole output is kept under bench/results/<date>/abuse/, the broker's under compat-tests/target/abuse/.
# Copy the table into bench/abuse/RESULTS.md with the machine and the commit.
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${CONNECTIONS:-10000}
seconds=${SECONDS_EACH:-30}
out=bench/results/$(date -u +%Y-%m-%d)/abuse
mkdir -p "$out"
set +e
nice -n 10 ./mvnw -B -q verify -pl compat-tests -am -Dtest=AbuseTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtrilog.abuse.connections="$connections" -Dtrilog.abuse.seconds="$seconds"
status=$?
set -e
run=$out/run-$(date -u +%Y%m%dT%H%M%SZ)-$(git rev-parse --short HEAD)-${connections}conns.txt
cp compat-tests/target/surefire-reports/dev.trilog.compat.abuse.AbuseTest-output.txt "$run"
grep -E '^abuse:|^\|' "$run" || true
echo "whole output: $run"
exit $status
