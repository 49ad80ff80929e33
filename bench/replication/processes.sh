# The brokers a replication script started (PIDS), and how it stops them all: SIGTERM, up to 30 s
# for each to exit, then SIGKILL. Sourced by run.sh and latency.sh, which add their pids to PIDS.
PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
  PIDS=()
}
trap stop_all EXIT
