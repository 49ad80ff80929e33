package dev.trilog.compare.measure;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which (producer, sequence) pairs one reader has seen: the second sighting of a pair is a
 * duplicate (a redelivery), and pairs that were acknowledged to a producer but never seen are
 * missing once the run has drained.
 */
public final class SequenceTracker {

    private final Map<Integer, BitSet> seen = new HashMap<>();
    private long duplicates;
    private long distinct;

    /** Notes a delivery; returns false when it was seen before. */
    public synchronized boolean see(int producer, long sequence) {
        if (sequence < 0 || sequence > Integer.MAX_VALUE) {
            return true;
        }
        BitSet bits = seen.computeIfAbsent(producer, p -> new BitSet());
        if (bits.get((int) sequence)) {
            duplicates++;
            return false;
        }
        bits.set((int) sequence);
        distinct++;
        return true;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long distinct() {
        return distinct;
    }

    /**
     * How many of {@code acknowledged} (sequence numbers per producer that the broker confirmed) were
     * never seen. Each bit set is read while holding its own monitor, which is how writers update it.
     */
    public synchronized long missing(Map<Integer, BitSet> acknowledged) {
        long missing = 0;
        for (Map.Entry<Integer, BitSet> entry : acknowledged.entrySet()) {
            BitSet notSeen;
            synchronized (entry.getValue()) {
                notSeen = (BitSet) entry.getValue().clone();
            }
            BitSet got = seen.get(entry.getKey());
            if (got != null) {
                notSeen.andNot(got);
            }
            missing += notSeen.cardinality();
        }
        return missing;
    }
}
