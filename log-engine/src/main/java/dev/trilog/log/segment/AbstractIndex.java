package dev.trilog.log.segment;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;

/**
 * What {@link OffsetIndex} and {@link TimeIndex} share, as in Kafka's {@code AbstractIndex}: a
 * memory-mapped file of fixed-size entries, each a key and a value, both strictly increasing
 * from one entry to the next. Each subclass defines its entry layout (and documents its file
 * format); this class owns the file, the binary search for the last entry whose key is at most a
 * target, the checks of a file written by an earlier run, truncation, sealing and flushing.
 *
 * <p>Threading: one writer (the partition's appender) and any number of readers. Entries are
 * written with absolute puts before the entry count is published through a volatile write, so a
 * reader that reads the count first sees every entry below it. A writable index is preallocated
 * to its maximum size; {@link #seal} shrinks the file to exactly its entries and maps it
 * read-only, when the segment stops being the active one and at clean shutdown.
 *
 * <p>An index is derived data: after an unclean shutdown, or when {@link #entriesIncrease} finds
 * a file damaged, the segment rebuilds it from its log.
 */
abstract sealed class AbstractIndex permits OffsetIndex, TimeIndex {

    /** The offset of the segment's first record; entries hold offsets relative to it. */
    final long baseOffset;
    private volatile Path file;
    private final int entrySize;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens or creates the file. With {@code writable}, the file is grown to {@code maxBytes} and
     * entries can be appended after the ones already present.
     *
     * @param trustExisting keep the whole entries already in the file; without it (a file written
     *                      before a crash) the index starts empty and the caller rebuilds it
     */
    AbstractIndex(Path file, long baseOffset, int entrySize, int maxBytes, boolean writable, boolean trustExisting)
            throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.entries = trustExisting && Files.exists(file) ? (int) (Files.size(file) / entrySize) : 0;
        map(writable ? Math.max(maxBytes / entrySize * entrySize, (entries + 1) * entrySize) : entries * entrySize,
                writable);
    }

    // ---------------------------------------------------------------- the entry layout, per index

    /** The key of entry {@code n} in {@code index}: what lookups search by. */
    abstract long readKey(ByteBuffer index, int n);

    /** The value of entry {@code n} in {@code index}. */
    abstract long readValue(ByteBuffer index, int n);

    /** Writes entry {@code n}, with absolute puts. */
    abstract void writeEntry(ByteBuffer index, int n, long key, long value);

    // ---------------------------------------------------------------- entries

    final int entries() {
        return entries;
    }

    final boolean isFull() {
        return entries >= maxEntries;
    }

    final long keyAt(int n) {
        return readKey(mmap, n);
    }

    final long valueAt(int n) {
        return readValue(mmap, n);
    }

    /** True when an entry ({@code key}, {@code value}) would follow the last one, strictly increasing in both. */
    final boolean follows(long key, long value) {
        int n = entries;
        return n == 0 || key > keyAt(n - 1) && value > valueAt(n - 1);
    }

    /** Writes the entry in the next free slot and publishes it; the caller checked {@link #follows} and room. */
    final void appendEntry(long key, long value) {
        int n = entries;
        writeEntry(mmap, n, key, value);
        entries = n + 1;
    }

    /**
     * The slot of the last entry whose key is at most {@code key}, or -1 when every entry's key is
     * larger (or there is none): a binary search over the entries published so far.
     */
    final int lastSlotAtOrBelow(long key) {
        int n = entries;
        ByteBuffer index = mmap;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (readKey(index, mid) <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Checks a file written by an earlier run: every entry within bounds (as the index defines
     * them) and keys and values strictly increasing.
     */
    final boolean entriesIncrease(IntPredicate withinBounds) {
        int n = entries;
        for (int i = 0; i < n; i++) {
            if (!withinBounds.test(i) || i > 0 && (keyAt(i) <= keyAt(i - 1) || valueAt(i) <= valueAt(i - 1))) {
                return false;
            }
        }
        return true;
    }

    /** Forgets entries from the end while {@code beyond} holds for the last one (after the log was cut). */
    final void truncateWhileLast(IntPredicate beyond) {
        int n = entries;
        while (n > 0 && beyond.test(n - 1)) {
            n--;
        }
        if (n < entries) {
            entries = n;
        }
    }

    // ---------------------------------------------------------------- the file

    private void map(int bytes, boolean writable) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), writable ? "rw" : "r")) {
            if (writable) {
                raf.setLength(bytes);
            }
            int length = (int) Math.min(raf.length(), bytes);
            mmap = raf.getChannel().map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
                    0, length);
            maxEntries = writable ? length / entrySize : entries;
        }
    }

    /** Shrinks the file to exactly its entries and maps it read-only: the segment is sealed. */
    final void seal() throws IOException {
        mmap.force();
        map(entries * entrySize, false);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((long) entries * entrySize);
        }
    }

    final void flush() {
        MappedByteBuffer current = mmap;
        if (!current.isReadOnly()) {
            current.force();
        }
    }

    final Path file() {
        return file;
    }

    /** The file was renamed to {@code to} (a compacted copy's index swapped in); the mapping stays. */
    final void movedTo(Path to) {
        file = to;
    }
}
