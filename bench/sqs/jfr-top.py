#!/usr/bin/env python3
"""Reads `jfr print --json --events jdk.ExecutionSample` on stdin and prints, as shares of all
samples: the top frames (where the CPU was), and per sample the first frame outside the JDK
(java., jdk., sun.) and outside native code, the threads the samples were taken on, and what kind
of code the sample was in (Java, the JVM's own C++ such as the JIT compilers, the kernel, other
native code) — which of Trilog's or a library's methods the time was spent under.
A recording of async-profiler (profile.sh's PROFILER=async) has the kernel's and native frames too;
one of JFR has Java frames only. With two arguments START_MS END_MS (epoch milliseconds) only the
samples taken in that window count (profile.sh cuts the recording by the bench's phases so)."""
import json
import sys
from collections import Counter
from datetime import datetime

events = json.load(sys.stdin)["recording"]["events"]
if len(sys.argv) == 3:
    start_ms, end_ms = int(sys.argv[1]), int(sys.argv[2])

    def epoch_ms(text):
        # "2026-12-06T08:23:12.123456789Z": Python parses at most microseconds
        head, _, frac = text.rstrip("Z").partition(".")
        stamp = datetime.fromisoformat(head + "+00:00").timestamp()
        return int(stamp * 1000) + int((frac + "000")[:3])

    events = [e for e in events if start_ms <= epoch_ms(e["values"]["startTime"]) <= end_ms]

top, first_own, packages, threads, kinds, thread_kinds = (Counter() for _ in range(6))
JDK = ("java.", "jdk.", "sun.", "com.sun.")
NOT_JAVA = ("Kernel", "Native", "C++")
KIND = {"Kernel": "kernel", "C++": "JVM (C++)", "Native": "native"}


def name(frame):
    m = frame["method"]
    owner = (m["type"]["name"] or "").replace("/", ".")
    return owner + "." + m["name"] if owner else m["name"]


for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    if not frames:
        continue
    top[name(frames[0])] += 1
    thread = e["values"].get("sampledThread") or {}
    thread = (thread.get("javaName") or thread.get("osName") or "?").rstrip("0123456789- ")
    threads[thread] += 1
    kind = KIND.get(frames[0].get("type"), "Java")
    kinds[kind] += 1
    thread_kinds[f"{thread}: {kind}"] += 1
    java = [f for f in frames if f.get("type") not in NOT_JAVA]
    own = next((name(f) for f in java if not name(f).startswith(JDK)),
               "(JDK only)" if java else "(no Java frame)")
    first_own[own] += 1
    # the package group the sample is charged to: the first non-JDK frame's top three name parts
    packages[".".join(own.split(".")[:3])] += 1

total = sum(top.values()) or 1


def show(title, counter, n):
    print(f"## {title} ({total} samples)")
    for k, v in counter.most_common(n):
        print(f"{100 * v / total:5.1f}%  {k}")
    print()


show("top frames", top, 25)
show("first Java frame outside the JDK", first_own, 25)
show("by package of that frame", packages, 15)
show("by thread (numbers dropped)", threads, 10)
show("by kind of code at the top", kinds, 5)
show("by thread and kind", thread_kinds, 15)
