package dev.trilog.log;

/**
 * Told of each group-commit fsync, on the flusher thread, right after it: how long the fsync took
 * and how many appends it completed. The gateway turns these into the fsync-latency and
 * group-commit-size histograms of {@code /metrics}; the engine itself keeps no statistics.
 */
@FunctionalInterface
public interface FlushObserver {

    FlushObserver NONE = (nanos, appends) -> { };

    /** Must return quickly: the next fsync waits for it. */
    void flushed(long nanos, int appendsCompleted);
}
