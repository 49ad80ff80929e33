#!/usr/bin/env python3
"""Where the CPU goes in a JFR recording: top self frames, top inclusive frames, samples by thread.

Usage: jfr_top.py RECORDING.jfr [N]
Reads `jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample` (Java frames
only: time a thread spends inside the kernel shows up as its native frame, e.g. a write0 or
epollWait). Thread names have trailing numbers folded (netty-io-3 -> netty-io-#).
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
proc = subprocess.Popen(['jfr', 'print', '--stack-depth', '64', '--events',
                         'jdk.ExecutionSample,jdk.NativeMethodSample', path],
                        stdout=subprocess.PIPE, text=True, bufsize=1 << 20)

counts = {k: collections.Counter() for k in ('self', 'incl', 'thread', 'native_self', 'pkg_incl')}
totals = collections.Counter()
event = thread = None
frames = []
in_stack = False
line_re = re.compile(r'\s+line: \d+.*$')


def fold(name):
    return re.sub(r'\d+', '#', name)


def pkg(frame):
    m = re.match(r'([a-z0-9_]+(?:\.[a-z0-9_]+){0,2})\.', frame)
    return m.group(1) if m else frame


def flush():
    if event is None or not frames:
        return
    kind = 'native' if event == 'jdk.NativeMethodSample' else 'java'
    totals[kind] += 1
    if kind == 'java':
        counts['self'][frames[0]] += 1
        counts['thread'][fold(thread or '?')] += 1
        for f in set(frames):
            counts['incl'][f] += 1
        for p in set(pkg(f) for f in frames):
            counts['pkg_incl'][p] += 1
    else:
        counts['native_self'][(fold(thread or '?'), frames[0])] += 1


for raw in proc.stdout:
    s = raw.rstrip('\n')
    if s.startswith('jdk.ExecutionSample') or s.startswith('jdk.NativeMethodSample'):
        flush()
        event, thread, frames, in_stack = s.split()[0], None, [], False
    elif s.strip().startswith('sampledThread = '):
        m = re.search(r'"(.*)"', s)
        thread = m.group(1) if m else s
    elif s.strip() == 'stackTrace = [':
        in_stack = True
    elif in_stack:
        if s.strip() in (']', '...'):
            in_stack = s.strip() != ']'
        else:
            frames.append(line_re.sub('', s.strip()))
flush()
proc.wait()

java = totals['java'] or 1
print(f'{totals["java"]} Java execution samples (threads running Java code), {totals["native"]} native-method samples\n')
print(f'Top {top_n} self frames (the method on top of the stack), % of Java samples:')
for f, c in counts['self'].most_common(top_n):
    print(f'  {100 * c / java:5.1f}%  {c:6d}  {f}')
print(f'\nTop {top_n} inclusive frames (on the stack anywhere), % of Java samples:')
for f, c in counts['incl'].most_common(top_n):
    print(f'  {100 * c / java:5.1f}%  {c:6d}  {f}')
print('\nInclusive by package (first three name parts):')
for f, c in counts['pkg_incl'].most_common(20):
    print(f'  {100 * c / java:5.1f}%  {c:6d}  {f}')
print('\nJava samples by thread:')
for f, c in counts['thread'].most_common(15):
    print(f'  {100 * c / java:5.1f}%  {c:6d}  {f}')
print('\nNative-method samples (thread blocked or working in native code / the kernel), top 15:')
for (t, f), c in counts['native_self'].most_common(15):
    print(f'  {c:6d}  {t}  {f}')
