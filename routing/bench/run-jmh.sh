#!/usr/bin/env bash
# Runs the routing JMH benchmarks (dev.trilog.routing.bench, in src/test) through
# log-engine/bench/run-jmh.sh, which documents the options, e.g.
#   routing/bench/run-jmh.sh --smoke PublishBenchmark
#   routing/bench/run-jmh.sh -f 1 -wi 3 -i 8 PublishBenchmark
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRILOG_JMH_MODULE_DIR="$here" exec "$here/../log-engine/bench/run-jmh.sh" "$@"
