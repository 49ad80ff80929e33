#!/usr/bin/env bash
# The CPU a node cut off from the majority burns while it waits: node 1 of a three-node cluster
# started alone (the others never start, so its start-up writes wait for a leader), its
# utime+stime read over WINDOW seconds after a 15 s start, in CPU seconds per second.
# Usage: bench/replication/lone-node-cpu.sh base=/path/a.jar new=/path/b.jar  (REPS, WINDOW, PORT)
# The builds alternate within each repetition; everything binds 127.0.0.1.
set -u
WINDOW="${WINDOW:-30}"
REPS="${REPS:-2}"
PORT="${PORT:-49000}"   # kafka PORT+92, amqp +672, sqs +324, admin +80, raft +190..+192
N="1@127.0.0.1:$((PORT + 190)),2@127.0.0.1:$((PORT + 191)),3@127.0.0.1:$((PORT + 192))"
cpu() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
for rep in $(seq 1 "$REPS"); do
  for spec in "$@"; do
    name="${spec%%=*}" jar="${spec#*=}" dir=$(mktemp -d)
    java -Xms256m -Xmx512m -jar "$jar" serve --data-dir "$dir/data" --kafka-port $((PORT + 92)) \
      --amqp-port $((PORT + 672)) --sqs-port $((PORT + 324)) --admin-port $((PORT + 80)) \
      --set cluster.nodes="$N" --set node.id=1 > "$dir/out.log" 2>&1 &
    pid=$!
    sleep 15
    if ! a=$(cpu "$pid" 2>/dev/null); then
      echo "$name rep$rep did not start (a port taken?); its log: $dir/out.log"; continue
    fi
    sleep "$WINDOW"
    b=$(cpu "$pid")
    # a lone node does not finish starting, so it is not stopped gently
    kill -9 "$pid"; wait "$pid" 2>/dev/null
    echo -e "$name\trep$rep\t$(echo "scale=3; ($b - $a) / 100 / $WINDOW" | bc)\tload $(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$dir"; sleep 5
  done
done
