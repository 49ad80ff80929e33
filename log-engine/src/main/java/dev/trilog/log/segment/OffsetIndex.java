package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A sparse map from offsets to positions in one segment's log file.
 *
 * <p>File format ({@code <baseOffset>.index}): a sequence of 8-byte entries, each a 4-byte
 * offset relative to the segment's base offset and a 4-byte position in the log file, both
 * strictly increasing. An entry is added every {@code index.interval.bytes} of log, so a
 * lookup lands at most that many bytes before the wanted batch. The file is derived data:
 * after a crash it is rebuilt from the log.
 */
public final class OffsetIndex {

    private static final int ENTRY_SIZE = 8;

    private final long baseOffset;
    private final MappedIndexFile index;

    OffsetIndex(Path file, long baseOffset, int maxBytes, boolean writable, boolean trustExisting) throws IOException {
        this.baseOffset = baseOffset;
        int existing = trustExisting ? MappedIndexFile.entriesInFile(file, ENTRY_SIZE) : 0;
        this.index = new MappedIndexFile(file, ENTRY_SIZE, maxBytes, writable, existing);
    }

    /** A position in the log file together with the offset of the batch that starts there. */
    public record Position(long offset, int position) {
    }

    /** Adds an entry for the batch starting at {@code position} whose base offset is {@code offset}. */
    void append(long offset, int position) {
        int n = index.entries();
        if (n > 0 && (relativeOffset(n - 1) >= offset - baseOffset || position(n - 1) >= position)) {
            throw new IllegalStateException("index entries must increase: " + offset + "@" + position);
        }
        MappedByteBuffer buf = index.buffer();
        buf.putInt(n * ENTRY_SIZE, Math.toIntExact(offset - baseOffset));
        buf.putInt(n * ENTRY_SIZE + 4, position);
        index.publishAppended();
    }

    /**
     * The entry with the largest offset at most {@code target}, or the segment's start when
     * there is none. Scanning from there finds the batch holding {@code target}.
     */
    public Position lookup(long target) {
        int n = index.entries();
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        long relative = target - baseOffset;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (relativeOffset(mid) <= relative) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? new Position(baseOffset, 0) : new Position(baseOffset + relativeOffset(found), position(found));
    }

    /** Checks the invariants after loading a file written by an earlier run. */
    boolean looksValid(int logSize) {
        int n = index.entries();
        for (int i = 0; i < n; i++) {
            if (position(i) >= logSize || i > 0 && (relativeOffset(i) <= relativeOffset(i - 1) || position(i) <= position(i - 1))) {
                return false;
            }
        }
        return true;
    }

    /** Drops entries pointing at or past {@code logSize}, after the log was truncated. */
    void truncateToPosition(int logSize) {
        int n = index.entries();
        while (n > 0 && position(n - 1) >= logSize) {
            n--;
        }
        index.truncateToEntries(n);
    }

    boolean isFull() {
        return index.isFull();
    }

    int entries() {
        return index.entries();
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

    private int relativeOffset(int n) {
        return index.buffer().getInt(n * ENTRY_SIZE);
    }

    private int position(int n) {
        return index.buffer().getInt(n * ENTRY_SIZE + 4);
    }
}
