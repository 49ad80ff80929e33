package dev.trilog.log.meta;

import dev.trilog.log.LogAppender;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A single-partition compacted log of key → value entries that the engine keeps for itself
 * (topic metadata, committed offsets). State lives in memory; the log is what survives a
 * restart: {@link #replay} feeds every entry, oldest first, to the owner's loader, and the
 * cleaner keeps only the latest entry per key. A null value is a tombstone.
 */
public final class InternalLog implements AutoCloseable {

    private static final int READ_CHUNK = 1024 * 1024;

    private final PartitionLog log;
    private final LogAppender appender;
    private final InstantSource clock;

    public InternalLog(PartitionLog log, LogAppender appender, InstantSource clock) {
        this.log = log;
        this.appender = appender;
        this.clock = clock;
    }

    /** Topic-level settings of an internal log: compacted, and fsynced before acknowledging if asked. */
    public static Map<String, String> settings(boolean fsyncEachWrite) {
        return fsyncEachWrite
                ? Map.of("cleanup.policy", "compact", "flush.messages", "1", "segment.bytes", Integer.toString(64 << 20))
                : Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(64 << 20));
    }

    public PartitionLog partition() {
        return log;
    }

    /** Appends the entries as one batch (all or nothing) and waits until they are durable. */
    public void write(List<Map.Entry<String, byte[]>> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<RecordData> records = new ArrayList<>(entries.size());
        for (Map.Entry<String, byte[]> entry : entries) {
            records.add(RecordData.of(now, entry.getKey().getBytes(StandardCharsets.UTF_8), entry.getValue()));
        }
        try {
            appender.appendRecords(log.topicPartition(), records).join();
        } catch (RuntimeException e) {
            throw new IOException("internal log " + log.topicPartition() + " could not be made durable", e);
        }
    }

    /** Feeds every entry, oldest first, to {@code loader} (value null for a tombstone). */
    public void replay(BiConsumer<String, byte[]> loader) throws IOException {
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<LogRecord> records;
            try {
                records = log.readRecords(offset, READ_CHUNK);
            } catch (OffsetOutOfRangeException e) {
                throw new IOException("internal log " + log.topicPartition() + " changed while replaying", e);
            }
            if (records.isEmpty()) {
                break;
            }
            for (LogRecord record : records) {
                loader.accept(text(record.key()), bytes(record.value()));
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
    }

    private static String text(ByteBuffer buffer) {
        return buffer == null ? "" : new String(bytes(buffer), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
