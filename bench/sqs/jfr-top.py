#!/usr/bin/env python3
"""Reads `jfr print --json --events jdk.ExecutionSample` on stdin and prints, as shares of all
samples: the top frames (where the CPU was), and per sample the first frame outside the JDK
(java., jdk., sun.), and the threads the samples were taken on — which of Trilog's or a library's methods the time was spent under."""
import json
import sys
from collections import Counter

events = json.load(sys.stdin)["recording"]["events"]
top, first_own, packages, threads = Counter(), Counter(), Counter(), Counter()
JDK = ("java.", "jdk.", "sun.", "com.sun.")


def name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    if not frames:
        continue
    top[name(frames[0])] += 1
    thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
    threads[thread.rstrip("0123456789- ")] += 1
    own = next((name(f) for f in frames if not name(f).startswith(JDK)), "(JDK only)")
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
show("first frame outside the JDK", first_own, 25)
show("by package of that frame", packages, 15)
show("by thread (numbers dropped)", threads, 10)
