package dev.trilog.kafka.share;

import java.util.Map;
import java.util.TreeMap;

/**
 * The records one member holds of one partition, kept as runs of consecutive offsets given with
 * one delivery count and one lock deadline. A fetch acquires whole ranges and an acknowledgement
 * settles them mostly from a run's first offset on, so holding, looking up and forgetting cost a
 * look-up among a few runs — not a boxed map entry per record, which with a sweep of every entry
 * per fetch for expired locks was about a third of a share fetch's broker CPU (bench/kafka/RESULTS.md,
 * 2026-12-06, 20:15). Not thread-safe: {@link ShareSession} guards it.
 */
final class HeldRecords {

    /** Offsets {@code first..last}, each given with {@code deliveryCount}, locked until {@code deadlineMs}. */
    private static final class Run {
        long first;
        long last;
        final int deliveryCount;
        final long deadlineMs;

        Run(long first, long last, int deliveryCount, long deadlineMs) {
            this.first = first;
            this.last = last;
            this.deliveryCount = deliveryCount;
            this.deadlineMs = deadlineMs;
        }
    }

    /** The runs by their last offset: trimming a run from its start, the common case, keeps its key. */
    private final TreeMap<Long, Run> byLast = new TreeMap<>();

    /** Holds {@code first..last} as given now, replacing what was held of those offsets (an earlier delivery). */
    void hold(long first, long last, int deliveryCount, long deadlineMs) {
        drop(first, last);
        byLast.put(last, new Run(first, last, deliveryCount, deadlineMs));
    }

    /** The delivery count the record was given with, or -1 when it is not held. */
    int deliveryCount(long offset) {
        Run run = runOf(offset);
        return run == null ? -1 : run.deliveryCount;
    }

    /** Forgets the record if it is held with that delivery count (a later delivery of it stays). */
    void forget(long offset, int deliveryCount) {
        Run run = runOf(offset);
        if (run != null && run.deliveryCount == deliveryCount) {
            drop(offset, offset);
        }
    }

    /** The record, held with that delivery count, is locked until {@code deadlineMs} now. */
    void renew(long offset, int deliveryCount, long deadlineMs) {
        Run run = runOf(offset);
        if (run != null && run.deliveryCount == deliveryCount) {
            hold(offset, offset, deliveryCount, deadlineMs);
        }
    }

    /** Forgets the records whose lock ran out. */
    void forgetExpired(long nowMs) {
        byLast.values().removeIf(run -> run.deadlineMs <= nowMs);
    }

    boolean isEmpty() {
        return byLast.isEmpty();
    }

    private Run runOf(long offset) {
        Map.Entry<Long, Run> entry = byLast.ceilingEntry(offset);
        return entry != null && entry.getValue().first <= offset ? entry.getValue() : null;
    }

    /** Removes {@code first..last} from every run: a run is trimmed, split in two, or dropped. */
    private void drop(long first, long last) {
        Map.Entry<Long, Run> entry = byLast.ceilingEntry(first);
        while (entry != null && entry.getValue().first <= last) {
            Run run = entry.getValue();
            if (run.first < first && run.last > last) {
                // the middle goes: the part before it becomes a run of its own
                byLast.put(first - 1, new Run(run.first, first - 1, run.deliveryCount, run.deadlineMs));
                run.first = last + 1;
                return;
            }
            if (run.last > last) {
                run.first = last + 1; // its start goes; its key (last offset) stays
                return;
            }
            byLast.remove(run.last);
            if (run.first < first) {
                run.last = first - 1; // its end goes (a later run may overlap too)
                byLast.put(run.last, run);
            }
            entry = byLast.ceilingEntry(first);
        }
    }
}
