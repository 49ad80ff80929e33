#!/usr/bin/env bash
# Sourced by the AMQP bench scripts. RabbitMQ runs as one node for a whole bench run, and its
# Erlang schedulers busy-wait on the machine's cores even while it is idle: in the three-broker
# amqp10 run of 2026-12-06 every other broker ran a quarter slower with the node resident. So the
# resident node is frozen (SIGSTOP) while another broker is measured and thawed (SIGCONT) for its
# own turn; each broker then has the machine to itself, as Trilog and Artemis (fresh per run) do.
# The node holds no client connection between turns, so a frozen node misses nothing.
# FREEZE_RESIDENT=0 keeps it running, as before.
FREEZE_RESIDENT="${FREEZE_RESIDENT:-1}"
freeze_resident() { # $1 the resident node's pid (may be empty)
  [[ -n ${1:-} && $FREEZE_RESIDENT == 1 ]] && kill -STOP "$1" 2>/dev/null
  return 0
}
thaw_resident() { # $1 the resident node's pid (may be empty); before its turn and before stopping it
  [[ -n ${1:-} ]] || return 0
  kill -CONT "$1" 2>/dev/null
  [[ $FREEZE_RESIDENT == 1 ]] && sleep 1 # its timers catch up before a client connects
  return 0
}
