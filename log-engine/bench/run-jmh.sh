#!/usr/bin/env bash
# Runs the log-engine JMH benchmarks (dev.trilog.log.bench, in src/test so they are not shipped).
#
#   log-engine/bench/run-jmh.sh [--smoke] [--no-build] [JMH options...] [benchmark regexp...]
#
#   --smoke     one fork, one 100 ms warmup and one 100 ms measurement iteration: seconds per
#               benchmark, to check that everything runs (numbers are meaningless)
#   --no-build  reuse the classes and class path of the previous build
#
# Everything else goes to org.openjdk.jmh.Main, e.g.
#   log-engine/bench/run-jmh.sh -f 1 -wi 2 -i 5 -w 2s -r 2s AppendBenchmark
#   log-engine/bench/run-jmh.sh -lp            # list benchmarks and their parameters
#   log-engine/bench/run-jmh.sh -p durability=page-cache -prof gc AppendBenchmark
# Benchmarks write to java.io.tmpdir; pass -jvmArgsAppend -Dtrilog.bench.dir=DIR to move them.
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root_dir="$(cd "$module_dir/.." && pwd)"
cp_file="$module_dir/target/jmh.classpath"

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --smoke) args+=(-f 1 -wi 1 -i 1 -w 100ms -r 100ms) ;;
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

if [[ $build == 1 || ! -s $cp_file ]]; then
  # test-compile runs JMH's annotation processor (configured in log-engine/pom.xml);
  # build-classpath writes the test-scope class path of log-engine (jmh-core included)
  (cd "$root_dir" && ./mvnw -B -q -pl log-engine test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file")
fi

if [[ ! -f $module_dir/target/test-classes/META-INF/BenchmarkList ]]; then
  echo "no JMH BenchmarkList in $module_dir/target/test-classes: did the annotation processor run?" >&2
  exit 1
fi

exec java -cp "$module_dir/target/test-classes:$module_dir/target/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main "${args[@]}"
