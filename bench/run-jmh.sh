#!/usr/bin/env bash
# Runs the JMH benchmarks of the bench module (dev.trilog.bench.log: append, read, validate,
# share cursor; dev.trilog.bench.routing: publish), built with the root pom's `bench` profile.
#
#   bench/run-jmh.sh [--smoke] [--no-build] [JMH options...] [benchmark regexp...]
#
#   --smoke     one fork, one 100 ms warmup and one 100 ms measurement iteration: seconds per
#               benchmark, to check that everything runs (numbers are meaningless)
#   --no-build  reuse the snapshot of the previous build (classes are copied out of target/, so a
#               concurrent build or clean in this tree does not touch a running benchmark)
#
# Everything else goes to org.openjdk.jmh.Main, e.g.
#   bench/run-jmh.sh -f 1 -wi 2 -i 5 -w 2s -r 2s AppendBenchmark
#   bench/run-jmh.sh -lp            # list benchmarks and their parameters
#   bench/run-jmh.sh -p durability=page-cache -prof gc AppendBenchmark
#   bench/run-jmh.sh --smoke PublishBenchmark
# Benchmarks write to java.io.tmpdir; to move them, pass (it replaces the @Fork flags)
#   -jvmArgsAppend "-Xms1g -Xmx1g -Dtrilog.bench.dir=DIR"
# The classes are those of this work tree, uncommitted edits included; bench/log-engine/measure.sh
# builds a commit. The plain mains (ValidateCost, CpuPublish) run on the same class path:
#   bench/run-jmh.sh --classpath   prints it.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(cd "$bench_dir/.." && pwd)"
# The classes are run from a snapshot outside target/: a build or `mvn clean` in the same tree
# while benchmarks run (another shell, the IDE) must not swap or delete them mid-run.
snapshot="${TMPDIR:-/tmp}/trilog-jmh-$(printf '%s' "$bench_dir" | cksum | cut -d' ' -f1)"

build=1
print_classpath=0
args=()
for arg in "$@"; do
  case "$arg" in
    --smoke) args+=(-f 1 -wi 1 -i 1 -w 100ms -r 100ms) ;;
    --no-build) build=0 ;;
    --classpath) print_classpath=1 ;;
    *) args+=("$arg") ;;
  esac
done

if [[ $build == 1 || ! -s $snapshot/classpath ]]; then
  # compile runs JMH's annotation processor (configured in bench/pom.xml); build-classpath writes
  # the module's runtime class path (-am builds the modules it depends on first)
  (cd "$root_dir" && ./mvnw -B -q -Pbench -pl bench -am compile dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$bench_dir/target/jmh.classpath")
  if [[ ! -f $bench_dir/target/classes/META-INF/BenchmarkList ]]; then
    echo "no JMH BenchmarkList in $bench_dir/target/classes: did the annotation processor run?" >&2
    exit 1
  fi
  rm -rf "$snapshot"
  mkdir -p "$snapshot"
  cp -r "$bench_dir/target/classes" "$snapshot/"
  cp "$bench_dir/target/jmh.classpath" "$snapshot/classpath"
fi

classpath="$snapshot/classes:$(cat "$snapshot/classpath")"
if [[ $print_classpath == 1 ]]; then
  echo "$classpath"
  exit 0
fi
exec java -cp "$classpath" org.openjdk.jmh.Main ${args[@]+"${args[@]}"}
