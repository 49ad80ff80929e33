#!/usr/bin/env bash
# Sourced by run.sh and profile.sh: issue 12's PerfTest workloads, the one place their arguments
# are written. args_for WORKLOAD SUFFIX prints PerfTest's arguments, with queue names made
# unique by SUFFIX (every run uses its own queues).
#   (a) 1 producer, 1 consumer, 1 KiB persistent, confirms (-c 100), manual acks, prefetch 100,
#       durable queue; (b) the same with autoack and no confirms; (c) 10 producers and 10
#       consumers on 10 queues, as (a).
# PERFTEST_ARGS, when set, is appended to every workload's arguments: e.g. "-r 8000" (8,000 msg/s
# per producer) compares builds' CPU per message at one fixed rate, which a busy machine moves
# less than it moves the highest rate.
args_for() {
  case $1 in
    a) echo "-x 1 -y 1 -s 1024 -f persistent -c 100 -q 100 -u perf-a-$2 -ad false ${PERFTEST_ARGS:-}" ;;
    b) echo "-x 1 -y 1 -s 1024 -f persistent -a -u perf-b-$2 -ad false ${PERFTEST_ARGS:-}" ;;
    c) echo "-x 10 -y 10 -s 1024 -f persistent -c 100 -q 100 -qp perf-c-$2-%d -qpf 1 -qpt 10 -ad false ${PERFTEST_ARGS:-}" ;;
    *) return 1 ;;
  esac
}
