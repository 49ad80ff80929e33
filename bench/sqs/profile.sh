#!/usr/bin/env bash
# Where Trilog's SQS endpoint spends its CPU: runs the SqsBench phases (send, batch, receive, e2e)
# once against one Trilog jar started with Java Flight Recorder, then prints the hottest methods
# (top frames of the execution samples, all threads) and the hottest frames of Trilog's own code
# and of the libraries it calls (the first frame outside the JDK), from jfr-top.py: for the whole
# run (top.txt) and for each phase alone (top-<phase>.txt, cut by the phases' start and end).
# PROFILER=async samples with async-profiler (fetch-deps.sh puts it in target/lib-profiler) instead
# of JFR: every CPU millisecond, the kernel's frames included (system calls, thread wake-ups), which
# JFR's sampler does not see — on the SQS path most of the CPU is there.
# WARMUP_SECONDS (10) of single and then batched sends come first, so the JIT is mostly done.
# Usage: bench/sqs/profile.sh [path/to/trilog.jar]   (PHASE_SECONDS, THREADS, CLIENT as in run.sh)
# Output: bench/sqs/target/profiles/<stamp>/{trilog.jfr,top.txt,top-<phase>.txt,bench.tsv}
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$REPO/gateway/target/trilog.jar}"
PHASE_SECONDS="${PHASE_SECONDS:-8}"
THREADS="${THREADS:-8}"
CLIENT="${CLIENT:-sdk}"
PROFILER="${PROFILER:-jfr}"
PORT="${PORT:-47325}"
OUT="$HERE/target/profiles/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/data"
case "$PROFILER" in
  jfr) AGENT="-XX:StartFlightRecording=filename=$OUT/trilog.jfr,settings=profile,dumponexit=true" ;;
  async) AGENT="-agentpath:$(ls "$HERE"/target/lib-profiler/linux-*/libasyncProfiler.so)=start,event=cpu,interval=1ms,file=$OUT/trilog.jfr" ;;
  *) echo "PROFILER must be jfr or async" >&2; exit 2 ;;
esac
java -Xms1g -Xmx1g "$AGENT" -jar "$JAR" serve --data-dir "$OUT/data" --sqs-port "$PORT" --kafka-port 0 --amqp-port 0 --admin-port 0 \
  >"$OUT/broker.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.5; done
java -Xms512m -Xmx512m -Dclient="$CLIENT" -Dwarmup="${WARMUP_SECONDS:-10}" -Dphase.windows="$OUT/phases.tsv" -cp "$HERE/target/lib-client/*" \
  "$HERE/SqsBench.java" "http://127.0.0.1:$PORT" "$PID" "$THREADS" 1024 "$PHASE_SECONDS" 200 prof \
  "$(getconf CLK_TCK)" | tee "$OUT/bench.tsv"
kill "$PID"; wait "$PID" 2>/dev/null || true
trap - EXIT
jfr print --json --stack-depth 96 --events jdk.ExecutionSample "$OUT/trilog.jfr" >"$OUT/samples.json"
python3 "$HERE/jfr-top.py" <"$OUT/samples.json" >"$OUT/top.txt"
while IFS=$'\t' read -r phase start end; do
  python3 "$HERE/jfr-top.py" "$start" "$end" <"$OUT/samples.json" >"$OUT/top-$phase.txt"
done <"$OUT/phases.tsv"
rm "$OUT/samples.json"
head -40 "$OUT/top.txt"
echo "profile: $OUT (top-<phase>.txt per phase)" >&2
