package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A sparse map from timestamps to offsets in one segment, for ListOffsets by time.
 *
 * <p>File format ({@code <baseOffset>.timeindex}): 12-byte entries, each an 8-byte timestamp
 * and a 4-byte offset relative to the segment's base offset; both increase strictly. Entry
 * (T, O) says: the largest timestamp so far is T, first seen in the batch ending at O. So every
 * record before that batch is older than T, and a search for time X may start at the batch of
 * the last entry with T &lt;= X. An entry is written next to each offset-index entry (when the
 * largest timestamp has grown) and once more when the segment is sealed. Rebuilt from the log
 * after a crash.
 */
public final class TimeIndex extends AbstractIndex {

    private static final int ENTRY_SIZE = 12;

    TimeIndex(Path file, long baseOffset, int maxBytes, boolean writable, boolean trustExisting) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxBytes, writable, trustExisting);
    }

    /** A timestamp and the last offset of the batch where it was first seen. */
    public record Entry(long timestamp, long offset) {
    }

    /** Key: the timestamp. */
    @Override
    long readKey(ByteBuffer index, int n) {
        return index.getLong(n * ENTRY_SIZE);
    }

    /** Value: the relative offset. */
    @Override
    long readValue(ByteBuffer index, int n) {
        return index.getInt(n * ENTRY_SIZE + 8);
    }

    @Override
    void writeEntry(ByteBuffer index, int n, long timestamp, long relativeOffset) {
        index.putLong(n * ENTRY_SIZE, timestamp);
        index.putInt(n * ENTRY_SIZE + 8, Math.toIntExact(relativeOffset));
    }

    /** Records that the largest timestamp so far is {@code timestamp}, first seen in the batch ending at {@code offset}. */
    void maybeAppend(long timestamp, long offset) {
        if (!follows(timestamp, offset - baseOffset) || isFull()) {
            return;
        }
        appendEntry(timestamp, offset - baseOffset);
    }

    /**
     * The offset whose batch a forward scan for the first record at or after {@code target}
     * starts from: that of the last entry with a timestamp at most the target, or the base offset.
     */
    public long lookupStartOffset(long target) {
        int found = lastSlotAtOrBelow(target);
        return found < 0 ? baseOffset : baseOffset + valueAt(found);
    }

    /** The newest entry, or null when there is none. */
    public Entry lastEntry() {
        int n = entries();
        return n == 0 ? null : new Entry(keyAt(n - 1), baseOffset + valueAt(n - 1));
    }

    /** Checks the invariants after loading a file written by an earlier run. */
    boolean looksValid(long lastOffset) {
        return entriesIncrease(n -> baseOffset + valueAt(n) <= lastOffset);
    }

    /** Drops entries for offsets past {@code lastKept}, after the log was truncated. */
    void truncateAfterOffset(long lastKept) {
        truncateWhileLast(n -> baseOffset + valueAt(n) > lastKept);
    }
}
