#!/usr/bin/env bash
# Runs the log-engine JMH benchmarks (dev.trilog.log.bench, in src/test so they are not shipped).
#
#   log-engine/bench/run-jmh.sh [--smoke] [--no-build] [JMH options...] [benchmark regexp...]
#
#   --smoke     one fork, one 100 ms warmup and one 100 ms measurement iteration: seconds per
#               benchmark, to check that everything runs (numbers are meaningless)
#   --no-build  reuse the snapshot of the previous build (classes are copied out of target/, so a
#               concurrent build or clean in this tree does not touch a running benchmark)
#
# Everything else goes to org.openjdk.jmh.Main, e.g.
#   log-engine/bench/run-jmh.sh -f 1 -wi 2 -i 5 -w 2s -r 2s AppendBenchmark
#   log-engine/bench/run-jmh.sh -lp            # list benchmarks and their parameters
#   log-engine/bench/run-jmh.sh -p durability=page-cache -prof gc AppendBenchmark
# Benchmarks write to java.io.tmpdir; to move them, pass (it replaces the @Fork flags)
#   -jvmArgsAppend "-Xms1g -Xmx1g -Dtrilog.bench.dir=DIR"
# The classes are those of this work tree, uncommitted edits included; measure.sh builds a commit.
set -euo pipefail

# Another module's benchmarks run through this script too: its own bench/run-jmh.sh sets
# TRILOG_JMH_MODULE_DIR (routing/bench/run-jmh.sh).
module_dir="${TRILOG_JMH_MODULE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
module="$(basename "$module_dir")"
root_dir="$(cd "$module_dir/.." && pwd)"
# The classes are run from a snapshot outside target/: a build or `mvn clean` in the same tree
# while benchmarks run (another shell, the IDE) must not swap or delete them mid-run.
snapshot="${TMPDIR:-/tmp}/trilog-jmh-$(printf '%s' "$module_dir" | cksum | cut -d' ' -f1)"

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --smoke) args+=(-f 1 -wi 1 -i 1 -w 100ms -r 100ms) ;;
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

if [[ $build == 1 || ! -s $snapshot/classpath ]]; then
  # test-compile runs JMH's annotation processor (configured in the module's pom.xml);
  # build-classpath writes the test-scope class path of the module (jmh-core included; -am builds
  # the modules it depends on, and the module, last in the reactor, writes the file last)
  (cd "$root_dir" && ./mvnw -B -q -pl "$module" -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$module_dir/target/jmh.classpath")
  if [[ ! -f $module_dir/target/test-classes/META-INF/BenchmarkList ]]; then
    echo "no JMH BenchmarkList in $module_dir/target/test-classes: did the annotation processor run?" >&2
    exit 1
  fi
  rm -rf "$snapshot"
  mkdir -p "$snapshot"
  cp -r "$module_dir/target/classes" "$module_dir/target/test-classes" "$snapshot/"
  cp "$module_dir/target/jmh.classpath" "$snapshot/classpath"
fi

exec java -cp "$snapshot/test-classes:$snapshot/classes:$(cat "$snapshot/classpath")" \
  org.openjdk.jmh.Main ${args[@]+"${args[@]}"}
