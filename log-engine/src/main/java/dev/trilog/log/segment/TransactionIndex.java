package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The aborted transactions whose ABORT marker lies in one segment, Kafka's {@code .txnindex}.
 *
 * <p>File format ({@code <baseOffset>.txnindex}): 34-byte big-endian entries, as Kafka writes
 * them: version int16 (0), producer id int64, first offset int64, last offset int64, last stable
 * offset int64. The file is created with the first entry (most segments have none) and kept in
 * memory whole, which is small: one entry per aborted transaction. Like the other indexes it is
 * derived data: recovery drops the entries it replays and writes them again.
 *
 * <p>Threading: the partition's writer appends and truncates; readers take the in-memory list.
 */
public final class TransactionIndex {

    private static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private final Path file;
    private final List<AbortedTransaction> entries = new CopyOnWriteArrayList<>();
    private FileChannel channel;

    TransactionIndex(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            while (bytes.remaining() >= ENTRY_SIZE && bytes.getShort(bytes.position()) == VERSION) {
                bytes.getShort();
                entries.add(new AbortedTransaction(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong()));
            }
            if (bytes.hasRemaining()) {
                rewrite(); // a torn last entry from a crash: keep only the whole ones
            }
        }
    }

    Path file() {
        return file;
    }

    List<AbortedTransaction> entries() {
        return entries;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    void append(AbortedTransaction aborted) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE).putShort(VERSION).putLong(aborted.producerId())
                .putLong(aborted.firstOffset()).putLong(aborted.lastOffset()).putLong(aborted.lastStableOffset());
        entry.flip();
        FileChannel out = channel();
        long position = out.size();
        while (entry.hasRemaining()) {
            position += out.write(entry, position);
        }
        entries.add(aborted);
    }

    /** Drops the entries whose marker is at or after {@code offset} (recovery replays them). */
    void truncateFrom(long offset) throws IOException {
        if (entries.removeIf(e -> e.lastOffset() >= offset)) {
            rewrite();
        }
    }

    private void rewrite() throws IOException {
        List<AbortedTransaction> kept = new ArrayList<>(entries);
        entries.clear();
        channel().truncate(0);
        for (AbortedTransaction aborted : kept) {
            append(aborted);
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }

    void flush() throws IOException {
        if (channel != null) {
            channel.force(false);
        }
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
