package dev.trilog.log.partition;

import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one partition ordered by base offset, as Kafka's {@code LogSegments}: the last
 * one, the active segment, takes the appends; the others are sealed. Compaction may leave gaps
 * between segments, and retention removes them from the front.
 *
 * Which segments leave from the front is {@link Retention}'s rule.
 *
 * <p>Threading: changes are made under the partition's write lock; lookups take no lock. A
 * segment a lookup returns may be removed (retention, compaction, DeleteRecords) right after:
 * readers {@link Segment#tryRetain() retain} it before reading and look again when that fails.
 */
public final class LogSegments {

    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile Segment active;

    /** The segments as loaded, at least one; the one with the largest base offset is the active segment. */
    public LogSegments(Collection<Segment> loaded) {
        for (Segment segment : loaded) {
            segments.put(segment.baseOffset(), segment);
        }
        active = segments.lastEntry().getValue();
    }

    public Segment active() {
        return active;
    }

    /** Makes {@code next}, which starts at the log end offset, the active segment. */
    public void roll(Segment next) {
        segments.put(next.baseOffset(), next);
        active = next;
    }

    // ---------------------------------------------------------------- lookups, without a lock

    /** The segment that holds {@code offset} if any is: the one with the largest base offset at most it; else null. */
    public Segment floor(long offset) {
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    public long firstBaseOffset() {
        return segments.firstKey();
    }

    /** The base offset of the segment after the one starting at {@code baseOffset}, or -1 when that is the last. */
    public long nextBaseOffset(long baseOffset) {
        Long next = segments.higherKey(baseOffset);
        return next == null ? -1 : next;
    }

    /** Every segment, oldest first (a live view). */
    public Collection<Segment> all() {
        return segments.values();
    }

    /** The segments from the one holding {@code offset} on (from the first when {@code offset} is below it). */
    public Collection<Segment> from(long offset) {
        Long first = segments.floorKey(offset);
        return segments.tailMap(first == null ? segments.firstKey() : first).values();
    }

    /** The sealed segments (never the active one), oldest first. */
    public List<Segment> sealed() {
        return new ArrayList<>(segments.headMap(active.baseOffset()).values());
    }

    /** Bytes of all segments. */
    public long sizeInBytes() {
        long total = 0;
        for (Segment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    public int count() {
        return segments.size();
    }

    /** Every segment's base offset, oldest first. */
    public List<Long> baseOffsets() {
        return new ArrayList<>(new TreeMap<>(segments).keySet());
    }

    /**
     * The aborted transactions a read_committed consumer needs for records from {@code from} up
     * to {@code upTo}: those whose ABORT marker is at or after {@code from} and whose first record
     * is below {@code upTo}. Markers lie after their transaction's records, so the segments from
     * the one holding {@code from} on hold every such entry.
     */
    public List<AbortedTransaction> abortedTransactions(long from, long upTo) {
        List<AbortedTransaction> found = new ArrayList<>();
        for (Segment segment : from(from)) {
            for (AbortedTransaction aborted : segment.abortedTransactions()) {
                if (aborted.lastOffset() >= from && aborted.firstOffset() < upTo) {
                    found.add(aborted);
                }
            }
        }
        return found;
    }

    /**
     * fsyncs the log file of every segment holding offsets from {@code from} up to {@code to};
     * indexes are not fsynced, they are rebuilt from the log after an unclean stop.
     */
    public void flushLogs(long from, long to) throws IOException {
        for (Segment segment : from(from)) {
            if (segment.baseOffset() >= to) {
                break;
            }
            if (segment.tryRetain()) {
                try {
                    segment.flushLog();
                } finally {
                    segment.release();
                }
            }
        }
    }

    // ---------------------------------------------------------------- changes, under the partition's write lock

    /** Takes {@code segment} out of the list (retention, DeleteRecords); the caller retires it. */
    public void remove(Segment segment) {
        segments.remove(segment.baseOffset());
    }

    /**
     * Puts {@code cleaned} (same base offset) in place of {@code original}, whose readers keep it
     * until they release it. When {@code original} is no longer in the list (retention removed
     * it meanwhile), {@code cleaned} is deleted instead.
     */
    public void replace(Segment original, Segment cleaned) {
        if (segments.get(original.baseOffset()) != original) {
            cleaned.retire(true);
            return;
        }
        segments.put(cleaned.baseOffset(), cleaned);
        original.retire(false);
    }

    /** Removes and deletes a sealed segment compaction emptied; its offsets stay a gap, as in Kafka. */
    public void drop(Segment original) {
        if (segments.get(original.baseOffset()) == original && original != active) {
            segments.remove(original.baseOffset());
            original.retire(true);
        }
    }

    /** Seals the active segment (its indexes trimmed for a clean start) and closes every segment. */
    public void close() throws IOException {
        active.seal();
        for (Segment segment : segments.values()) {
            segment.close();
        }
        segments.clear();
    }

    /** Closes and deletes every segment (topic deletion). */
    public void deleteAll() {
        for (Segment segment : segments.values()) {
            segment.retire(true);
        }
        segments.clear();
    }
}
