#!/usr/bin/env bash
# Where Trilog's SQS endpoint spends its CPU: runs the SqsBench phases (send, batch, receive, e2e)
# once against one Trilog jar started with Java Flight Recorder, then prints the hottest methods
# (top frames of the execution samples, all threads) and the hottest frames of Trilog's own code
# and of the libraries it calls (the first frame outside the JDK), from jfr-top.py.
# Usage: bench/sqs/profile.sh [path/to/trilog.jar]   (PHASE_SECONDS, THREADS as in run.sh)
# Output: bench/sqs/target/profiles/<stamp>/{trilog.jfr,top.txt}
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$REPO/gateway/target/trilog.jar}"
PHASE_SECONDS="${PHASE_SECONDS:-8}"
THREADS="${THREADS:-8}"
PORT="${PORT:-47325}"
OUT="$HERE/target/profiles/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/data"
java -Xms1g -Xmx1g -XX:StartFlightRecording=filename="$OUT/trilog.jfr",settings=profile,dumponexit=true \
  -jar "$JAR" serve --data-dir "$OUT/data" --sqs-port "$PORT" --kafka-port 0 --amqp-port 0 --admin-port 0 \
  >"$OUT/broker.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.5; done
java -Xms512m -Xmx512m -cp "$HERE/target/lib-client/*" "$HERE/SqsBench.java" "http://127.0.0.1:$PORT" "$PID" \
  "$THREADS" 1024 "$PHASE_SECONDS" 200 prof "$(getconf CLK_TCK)" | tee "$OUT/bench.tsv"
kill "$PID"; wait "$PID" 2>/dev/null || true
trap - EXIT
jfr print --json --events jdk.ExecutionSample "$OUT/trilog.jfr" | python3 "$HERE/jfr-top.py" | tee "$OUT/top.txt"
echo "profile: $OUT" >&2
