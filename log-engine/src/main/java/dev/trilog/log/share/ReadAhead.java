package dev.trilog.log.share;

import dev.trilog.log.record.LogRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

/**
 * A share cursor's records read from the log past its window but not yet in it: a read decodes a
 * whole chunk, an acquire may want fewer, and the next acquire starts here instead of decoding
 * them again.
 *
 * <p>It holds every readable record of the log from {@code from} to its last one (offsets in
 * between hold none: transaction markers, compacted records), so the window may take the first
 * record at or after its end, and mark what lies before it as a gap, only when {@code from} is
 * at or below that end.
 *
 * <p>Decoding is most of an acquire's work, and the cursor's lock is shared by every consumer
 * of the partition (two Kafka share consumers of one partition waited on each other for it:
 * bench/kafka/RESULTS.md, 2026-12-06). So besides the read the cursor does under its lock when
 * nothing is held for its window's end ({@link #positionAt}), {@link #prefetch} reads the next
 * chunk before the lock is taken, on the acquiring thread, and adds it only if nothing changed
 * meanwhile (a clear, or another read that added first). Guarded by this; a read runs outside.
 */
final class ReadAhead {

    private final ArrayDeque<LogRecord> records = new ArrayDeque<>();
    /**
     * Where what is held starts covering the log; with nothing held, where the next read starts
     * ({@code Long.MAX_VALUE}: not known, as before the first {@link #positionAt} and after a clear).
     */
    private long from = Long.MAX_VALUE;
    /** Bumped by every {@link #clear}: a prefetch read before it adds nothing. */
    private long generation;
    private final AtomicBoolean prefetching = new AtomicBoolean();

    /** Forgets what is held (the window restarted, the log lost records, the isolation changed). */
    synchronized void clear() {
        records.clear();
        from = Long.MAX_VALUE;
        generation++;
    }

    /**
     * Makes the first record held the first readable one at or after {@code windowEnd}, reading
     * with {@code read} (from {@code windowEnd}, on this thread) when nothing is held for it.
     * False when the log has nothing there.
     */
    synchronized boolean positionAt(long windowEnd, LongFunction<List<LogRecord>> read) {
        if (from > windowEnd) {
            records.clear(); // read past a position the window has since moved back from
        }
        while (!records.isEmpty() && records.peekFirst().offset() < windowEnd) {
            records.pollFirst();
        }
        if (records.isEmpty()) {
            List<LogRecord> chunk = read.apply(windowEnd);
            from = windowEnd;
            records.addAll(chunk);
        }
        return !records.isEmpty();
    }

    synchronized boolean isEmpty() {
        return records.isEmpty();
    }

    synchronized LogRecord peekFirst() {
        return records.peekFirst();
    }

    /** Takes the first record: what is held now covers the log from just after it. */
    synchronized LogRecord pollFirst() {
        LogRecord first = records.pollFirst();
        from = first.offset() + 1;
        return first;
    }

    /**
     * Reads the chunk after what is held, outside the cursor's lock, when fewer than about
     * {@code wanted} records past {@code windowEnd} (the window's end as the last acquire left it)
     * are held and the log has more below {@code readableEnd}; it is added only if nothing was
     * added or cleared meanwhile. At most one prefetch runs at a time; another caller goes on
     * without waiting. Nothing is read before the first {@link #positionAt} (after a clear, too):
     * until then where the window ends is not known here.
     */
    void prefetch(long windowEnd, long readableEnd, int wanted, LongFunction<List<LogRecord>> read) {
        if (!prefetching.compareAndSet(false, true)) {
            return;
        }
        try {
            long start;
            long seen;
            synchronized (this) {
                start = next();
                if (start >= readableEnd || !records.isEmpty() && records.peekLast().offset() - windowEnd >= wanted) {
                    return;
                }
                seen = generation;
            }
            List<LogRecord> chunk = read.apply(start);
            synchronized (this) {
                if (seen == generation && next() == start) {
                    records.addAll(chunk);
                }
            }
        } finally {
            prefetching.set(false);
        }
    }

    /** Where a read that extends what is held starts. */
    private long next() {
        return records.isEmpty() ? from : records.peekLast().offset() + 1;
    }
}
