#!/usr/bin/env bash
# Sourced by the bench scripts: keep_results WORKLOAD RUN_DIR copies a finished run's small files
# (results.tsv, env.txt, summary.md; not logs or data) into the one dated results folder,
# bench/results/<YYYY-MM-DD>/<workload>/run-<stamp>-<commit>/, where RESULTS.md files point.
keep_results() {
  local workload=$1 run_dir=$2 repo commit dest
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  dest="$repo/bench/results/$(date -u +%F)/$workload/run-$(basename "$run_dir")-$commit"
  mkdir -p "$dest"
  local f
  for f in results.tsv env.txt summary.md; do
    [[ -f "$run_dir/$f" ]] && cp "$run_dir/$f" "$dest/"
  done
  echo "kept in ${dest#"$repo"/}" >&2
}
