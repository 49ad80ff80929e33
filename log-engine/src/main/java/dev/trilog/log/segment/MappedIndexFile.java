package dev.trilog.log.segment;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A memory-mapped file of fixed-size entries, the storage shared by {@link OffsetIndex} and
 * {@link TimeIndex}, as in Kafka's {@code AbstractIndex}.
 *
 * <p>Threading: one writer (the partition's appender) and any number of readers. Entries are
 * written with absolute puts before {@link #entries} is published through a volatile write, so a
 * reader that reads {@code entries} first sees every entry below it. A writable index is
 * preallocated to its maximum size; {@link #trimToEntries} shrinks the file to exactly its
 * entries when the segment stops being the active one and at clean shutdown.
 */
final class MappedIndexFile {

    private final Path file;
    private final int entrySize;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens or creates the file. With {@code writable}, the file is grown to {@code maxBytes} and
     * entries can be appended after the ones already present.
     *
     * @param existingEntries how many entries at the start of the file are valid (for a file
     *                        written before a crash the caller passes 0 and rebuilds)
     */
    MappedIndexFile(Path file, int entrySize, int maxBytes, boolean writable, int existingEntries) throws IOException {
        this.file = file;
        this.entrySize = entrySize;
        this.entries = existingEntries;
        map(writable ? Math.max(roundDown(maxBytes), (existingEntries + 1) * entrySize) : existingEntries * entrySize,
                writable);
    }

    /** How many whole entries a file of this size holds. */
    static int entriesInFile(Path file, int entrySize) throws IOException {
        return Files.exists(file) ? (int) (Files.size(file) / entrySize) : 0;
    }

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

    private int roundDown(int bytes) {
        return bytes / entrySize * entrySize;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int entrySize() {
        return entrySize;
    }

    /** The buffer holding entry {@code n} at index {@code n * entrySize}; read with absolute gets only. */
    MappedByteBuffer buffer() {
        return mmap;
    }

    /** Publishes an entry the caller has just written at slot {@link #entries()}. */
    void publishAppended() {
        entries = entries + 1;
    }

    /** Forgets entries from {@code keep} on (after truncating the log behind them). */
    void truncateToEntries(int keep) {
        if (keep < entries) {
            entries = keep;
        }
    }

    /** Shrinks the file to exactly its entries and maps it read-only: the segment is sealed. */
    void trimToEntries() throws IOException {
        mmap.force();
        map(entries * entrySize, false);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((long) entries * entrySize);
        }
    }

    void flush() {
        if (!mmap.isReadOnly()) {
            mmap.force();
        }
    }

    Path file() {
        return file;
    }
}
