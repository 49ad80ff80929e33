package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
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
public final class OffsetIndex extends AbstractIndex {

    private static final int ENTRY_SIZE = 8;

    OffsetIndex(Path file, long baseOffset, int maxBytes, boolean writable, boolean trustExisting) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxBytes, writable, trustExisting);
    }

    /** A position in the log file together with the offset of the batch that starts there. */
    public record Position(long offset, int position) {
    }

    /** Key: the relative offset. */
    @Override
    long readKey(ByteBuffer index, int n) {
        return index.getInt(n * ENTRY_SIZE);
    }

    /** Value: the position in the log file. */
    @Override
    long readValue(ByteBuffer index, int n) {
        return index.getInt(n * ENTRY_SIZE + 4);
    }

    @Override
    void writeEntry(ByteBuffer index, int n, long relativeOffset, long position) {
        index.putInt(n * ENTRY_SIZE, Math.toIntExact(relativeOffset));
        index.putInt(n * ENTRY_SIZE + 4, (int) position);
    }

    /** Adds an entry for the batch starting at {@code position} whose base offset is {@code offset}. */
    void append(long offset, int position) {
        if (!follows(offset - baseOffset, position)) {
            throw new IllegalStateException("index entries must increase: " + offset + "@" + position);
        }
        appendEntry(offset - baseOffset, position);
    }

    /**
     * The entry with the largest offset at most {@code target}, or the segment's start when
     * there is none. Scanning from there finds the batch holding {@code target}.
     */
    public Position lookup(long target) {
        int found = lastSlotAtOrBelow(target - baseOffset);
        return found < 0 ? new Position(baseOffset, 0) : new Position(baseOffset + keyAt(found), (int) valueAt(found));
    }

    /** Checks the invariants after loading a file written by an earlier run. */
    boolean looksValid(int logSize) {
        return entriesIncrease(n -> valueAt(n) < logSize);
    }

    /** Drops entries pointing at or past {@code logSize}, after the log was truncated. */
    void truncateToPosition(int logSize) {
        truncateWhileLast(n -> valueAt(n) >= logSize);
    }
}
