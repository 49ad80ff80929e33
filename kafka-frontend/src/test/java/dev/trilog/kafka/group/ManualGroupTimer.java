package dev.trilog.kafka.group;

import java.util.PriorityQueue;

/** A clock that moves only when told to, running what falls due on the caller's thread. */
final class ManualGroupTimer implements GroupTimer {

    private record Task(long dueMs, long sequence, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.dueMs != b.dueMs
            ? Long.compare(a.dueMs, b.dueMs) : Long.compare(a.sequence, b.sequence));
    private long now = 1_000_000;
    private long sequence;

    @Override
    public synchronized long nowMs() {
        return now;
    }

    @Override
    public synchronized Runnable schedule(long delayMs, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayMs), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves time forward, running every task that falls due (including ones scheduled meanwhile). */
    void advance(long ms) {
        long target;
        synchronized (this) {
            target = now + ms;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueMs > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.dueMs;
            }
            if (!next.cancelled[0]) {
                next.action.run();
            }
        }
    }
}
