#!/usr/bin/env bash
# The measurement behind bench/RESULTS.md: JMH runs interleaved with raw dd baselines on the
# same disk, in rounds, because a shared 2-core VM is noisy; summarize.py takes the medians.
#
#   bench/log-engine/measure.sh [OUT_DIR] [ROUNDS] [COMMIT]   (default /tmp/trilog-bench, 3, HEAD)
#   PHASES="main paired fsync-paired" (default) picks the phases; PAIRED_ROUNDS (default 10).
#
# main: every benchmark, dd before and after each JMH run, ROUNDS times, then the sustained run.
# paired: many short rounds of dd and page-cache append + baselineWrite (direct buffers), close
#   together in time, so that each round's ratios see the same load on a shared machine; the
#   summary gives the median of the per-round ratios.
# fsync-paired: the same for durability=fsync against dd oflag=dsync.
#
# It measures a commit, not the work tree: the commit is exported (git archive) to a temporary
# directory and built there, so edits in progress in this tree change nothing mid-measurement.
#
# Disk use: dd files are 1 GiB and deleted at once; JMH state is deleted per iteration/trial.
# The sustained append run (2 s iterations, segments roll and are fsynced by the engine when
# sealed) writes tens of GB to the disk, so it runs once, not per round.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-/tmp/trilog-bench}"
rounds="${2:-3}"
commit="$(git -C "$bench_dir" rev-parse "${3:-HEAD}")"
dd_file="${DD_DIR:-/tmp}/trilog-dd-$$.tmp"
src="$(mktemp -d "${TMPDIR:-/tmp}/trilog-bench-src-XXXXXX")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
snapshot="${TMPDIR:-/tmp}/trilog-jmh-$(printf '%s' "$src/bench" | cksum | cut -d' ' -f1)"  # run-jmh.sh's
trap 'rm -f "$dd_file"; rm -rf "$src" "$snapshot"' EXIT
git -C "$(git -C "$bench_dir" rev-parse --show-toplevel)" archive "$commit" | tar -x -C "$src"
jmh="$src/bench/run-jmh.sh"

{ echo "commit: $commit"; echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; java -version 2>&1 | head -2;
  uname -srm; grep -m1 'model name' /proc/cpuinfo; df -h "${DD_DIR:-/tmp}" | tail -1; } > "$out/machine.txt"

# one dd run, appended to dd.txt as: <label> <round> <bytes> <seconds>
dd_run() {
  local label=$1 round=$2
  shift 2
  local line
  line=$(dd if=/dev/zero of="$dd_file" "$@" 2>&1 | tail -1)
  rm -f "$dd_file"
  echo "$label $round $(awk '{print $1, $(NF-3)}' <<<"$line")" >> "$out/dd.txt"
}

# The benchmark's batches are 16589 and 66173 bytes (16 or 64 records of 1 KiB + record and
# batch overhead; the JMH "bytes" / ops ratio shows it). Writes that are not whole pages cost
# the kernel noticeably more per byte than page-multiple ones, so dd runs at both sizes.
BATCH16=16589
BATCH64=66173

dd_page_cache() {
  dd_run warmup "$1" bs=1M count=1024   # discarded, as JMH discards its warmup
  dd_run page-cache-1M "$1" bs=1M count=1024
  dd_run page-cache-16k "$1" bs=16k count=65536
  dd_run page-cache-64k "$1" bs=64k count=16384
  dd_run page-cache-batch16 "$1" bs=$BATCH16 count=$(( (1 << 30) / BATCH16 ))
  dd_run page-cache-batch64 "$1" bs=$BATCH64 count=$(( (1 << 30) / BATCH64 ))
}

dd_synced() {
  dd_run fdatasync-1M "$1" bs=1M count=1024 conv=fdatasync
  dd_run dsync-16k "$1" bs=16k count=2000 oflag=dsync
  dd_run dsync-64k "$1" bs=64k count=2000 oflag=dsync
  dd_run dsync-batch16 "$1" bs=$BATCH16 count=2000 oflag=dsync
  dd_run dsync-batch64 "$1" bs=$BATCH64 count=2000 oflag=dsync
}

"$jmh" -l > /dev/null   # build once; every run below uses --no-build

# JMH allows one instance per machine (/tmp/jmh.lock); another user's run makes ours exit at
# once, so wait for it (up to 20 minutes) instead of losing the round.
jmh_run() {
  local log=$1
  shift
  for _ in $(seq 1 120); do
    if "$jmh" --no-build "$@" > "$log" 2>&1; then
      return 0
    fi
    grep -q 'Unable to acquire the JMH lock' "$log" || { echo "JMH failed, see $log" >&2; return 1; }
    sleep 10
  done
  echo "JMH lock still held after 20 minutes, see $log" >&2
  return 1
}

phases="${PHASES:-main paired fsync-paired}"

if [[ " $phases " == *" main "* ]]; then
for round in $(seq 1 "$rounds"); do
  echo "round $round start: $(uptime)" >> "$out/load.txt"   # the machine is shared: keep its load
  echo "round $round: dd page cache" >&2
  dd_page_cache "$round"
  echo "round $round: append into one segment (300 ms iterations)" >&2
  jmh_run "$out/append-page-cache-r$round.log" -f 1 -wi 10 -i 10 -w 300ms -r 300ms -p durability=page-cache \
      -rf json -rff "$out/append-page-cache-r$round.json" AppendBenchmark
  echo "round $round: dd page cache" >&2
  dd_page_cache "$round"
  echo "round $round: dd synced" >&2
  dd_synced "$round"
  echo "round $round: append with fsync" >&2
  jmh_run "$out/append-fsync-r$round.log" -f 1 -wi 2 -i 5 -w 2s -r 2s -p durability=fsync -p buffer=direct \
      -rf json -rff "$out/append-fsync-r$round.json" AppendBenchmark
  echo "round $round: dd synced" >&2
  dd_synced "$round"
  echo "round $round: read" >&2
  jmh_run "$out/read-r$round.log" -f 1 -wi 2 -i 5 -w 2s -r 2s \
      -rf json -rff "$out/read-r$round.json" ReadBenchmark
done

echo "sustained append (2 s iterations, rolls included)" >&2
jmh_run "$out/append-sustained.log" -f 1 -wi 2 -i 5 -w 2s -r 2s -p durability=page-cache -p buffer=direct \
    -rf json -rff "$out/append-sustained.json" 'AppendBenchmark.append$'
dd_page_cache sustained
fi

if [[ " $phases " == *" paired "* ]]; then
for round in $(seq 1 "${PAIRED_ROUNDS:-10}"); do
  echo "paired round $round start: $(uptime)" >> "$out/load.txt"
  echo "paired round $round" >&2
  dd_run warmup "p$round" bs=1M count=1024
  dd_run page-cache-1M "p$round" bs=1M count=1024
  dd_run page-cache-batch16 "p$round" bs=$BATCH16 count=$(( (1 << 30) / BATCH16 ))
  dd_run page-cache-batch64 "p$round" bs=$BATCH64 count=$(( (1 << 30) / BATCH64 ))
  jmh_run "$out/append-paired-r$round.log" -f 1 -wi 5 -i 5 -w 300ms -r 300ms -p durability=page-cache -p buffer=direct \
      -rf json -rff "$out/append-paired-r$round.json" AppendBenchmark
done
fi

if [[ " $phases " == *" fsync-paired "* ]]; then
for round in $(seq 1 "${PAIRED_ROUNDS:-10}"); do
  echo "fsync paired round $round start: $(uptime)" >> "$out/load.txt"
  echo "fsync paired round $round" >&2
  dd_run dsync-batch16 "f$round" bs=$BATCH16 count=2000 oflag=dsync
  dd_run dsync-batch64 "f$round" bs=$BATCH64 count=2000 oflag=dsync
  jmh_run "$out/append-fsync-paired-r$round.log" -f 1 -wi 1 -i 3 -w 1s -r 1s -p durability=fsync -p buffer=direct \
      -rf json -rff "$out/append-fsync-paired-r$round.json" AppendBenchmark
done
fi
echo "end: $(uptime)" >> "$out/load.txt"

python3 "$bench_dir/summarize.py" "$out"
