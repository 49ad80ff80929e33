package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.MappedByteBuffer;
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
public final class TimeIndex {

    private static final int ENTRY_SIZE = 12;

    private final long baseOffset;
    private final MappedIndexFile index;

    TimeIndex(Path file, long baseOffset, int maxBytes, boolean writable, boolean trustExisting) throws IOException {
        this.baseOffset = baseOffset;
        int existing = trustExisting ? MappedIndexFile.entriesInFile(file, ENTRY_SIZE) : 0;
        this.index = new MappedIndexFile(file, ENTRY_SIZE, maxBytes, writable, existing);
    }

    /** Records that the largest timestamp so far is {@code timestamp}, first seen in the batch ending at {@code offset}. */
    void maybeAppend(long timestamp, long offset) {
        int n = index.entries();
        if (n > 0 && (timestamp <= timestamp(n - 1) || offset - baseOffset <= relativeOffset(n - 1))) {
            return;
        }
        if (index.isFull()) {
            return;
        }
        MappedByteBuffer buf = index.buffer();
        buf.putLong(n * ENTRY_SIZE, timestamp);
        buf.putInt(n * ENTRY_SIZE + 8, Math.toIntExact(offset - baseOffset));
        index.publishAppended();
    }

    /** A timestamp and the last offset of the batch where it was first seen. */
    public record Entry(long timestamp, long offset) {
    }

    /**
     * The offset whose batch a forward scan for the first record at or after {@code target}
     * starts from: that of the last entry with a timestamp at most the target, or the base offset.
     */
    public long lookupStartOffset(long target) {
        int n = index.entries();
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamp(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + relativeOffset(found);
    }

    /** The newest entry, or null when there is none. */
    public Entry lastEntry() {
        int n = index.entries();
        return n == 0 ? null : new Entry(timestamp(n - 1), baseOffset + relativeOffset(n - 1));
    }

    boolean looksValid(long lastOffset) {
        int n = index.entries();
        for (int i = 0; i < n; i++) {
            if (baseOffset + relativeOffset(i) > lastOffset
                    || i > 0 && (timestamp(i) <= timestamp(i - 1) || relativeOffset(i) <= relativeOffset(i - 1))) {
                return false;
            }
        }
        return true;
    }

    void truncateAfterOffset(long lastKept) {
        int n = index.entries();
        while (n > 0 && baseOffset + relativeOffset(n - 1) > lastKept) {
            n--;
        }
        index.truncateToEntries(n);
    }

    boolean isFull() {
        return index.isFull();
    }

    void seal() throws IOException {
        index.trimToEntries();
    }

    void flush() {
        index.flush();
    }

    Path file() {
        return index.file();
    }

    private long timestamp(int n) {
        return index.buffer().getLong(n * ENTRY_SIZE);
    }

    private int relativeOffset(int n) {
        return index.buffer().getInt(n * ENTRY_SIZE + 8);
    }
}
