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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-partition compacted log of key → value entries that the engine keeps for itself
 * (topic metadata, committed offsets). State lives in memory; the log is what survives a
 * restart: {@link #subscribe} feeds every entry, oldest first, to the owner's loader, and the
 * cleaner keeps only the latest entry per key. A null value is a tombstone.
 *
 * <p><b>Two kinds of write.</b> {@link #write} is for state the whole cluster shares (committed
 * offsets, the layers above's durable maps): it goes through the engine's append seam, replicated
 * once the engine {@linkplain #follow joins a cluster}. {@link #writeLocal} is for state every
 * node derives for itself (its topic registry, its producer-id blocks) and never leaves the node.
 *
 * <p><b>Following.</b> On one node every write comes from this process, so owners update their
 * memory as they write. In a cluster, entries also arrive from other nodes' writes, applied to
 * this partition by replication; once {@link #follow} is called, every entry appended — from
 * anywhere — is fed to every subscriber, in log order, on the appending thread. (Not before: a
 * single node pays nothing for it.)
 */
public final class InternalLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InternalLog.class);
    private static final int READ_CHUNK = 1024 * 1024;

    private final PartitionLog log;
    private final LogAppender local;
    private final InstantSource clock;
    private final List<BiConsumer<String, byte[]>> subscribers = new CopyOnWriteArrayList<>();
    private volatile LogAppender shared;
    /** The next offset to feed subscribers; -1 until {@link #follow}. Guarded by this. */
    private long followedTo = -1;

    public InternalLog(PartitionLog log, LogAppender local, InstantSource clock) {
        this.log = log;
        this.local = local;
        this.shared = local;
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

    /**
     * Appends the entries as one batch (all or nothing) through the engine's append seam and
     * waits until they are durable (in a cluster: committed, and applied on this node).
     */
    public void write(List<Map.Entry<String, byte[]>> entries) throws IOException {
        write(shared, false, entries);
    }

    /**
     * As {@link #write}, for state only the node serving the queues writes: refused in a cluster
     * once another node took the queues over ({@link LogAppender#appendRecordsIfServing}).
     */
    public void writeIfServing(List<Map.Entry<String, byte[]>> entries) throws IOException {
        write(shared, true, entries);
    }

    /**
     * Whether a {@link #write} is done as soon as its batch is in the page cache: this node's own
     * log (not yet following a replicated one) with no fsync policy. Such a write is quick enough
     * to make on the thread that asks for it.
     */
    public boolean writesAtOnce() {
        return shared == local && !log.config().fsyncBeforeAck();
    }

    /** As {@link #write}, on this node only: for state each node derives itself. */
    public void writeLocal(List<Map.Entry<String, byte[]>> entries) throws IOException {
        write(local, false, entries);
    }

    private void write(LogAppender appender, boolean ifServing, List<Map.Entry<String, byte[]>> entries)
            throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<RecordData> records = new ArrayList<>(entries.size());
        for (Map.Entry<String, byte[]> entry : entries) {
            records.add(RecordData.of(now, entry.getKey().getBytes(StandardCharsets.UTF_8), entry.getValue()));
        }
        try {
            (ifServing ? appender.appendRecordsIfServing(log.topicPartition(), records)
                    : appender.appendRecords(log.topicPartition(), records)).join();
        } catch (RuntimeException e) {
            throw new IOException("internal log " + log.topicPartition() + " could not be made durable", e);
        }
    }

    /**
     * Feeds every entry so far, oldest first, to {@code loader} (value null for a tombstone): for
     * state a node derives itself, loaded once at start.
     */
    public synchronized void replay(BiConsumer<String, byte[]> loader) throws IOException {
        feed(log.logStartOffset(), log.logEndOffset(), List.of(loader));
    }

    /**
     * Feeds every entry so far, oldest first, to {@code loader} (value null for a tombstone), and
     * — once this log is followed — every entry appended later.
     */
    public synchronized void subscribe(BiConsumer<String, byte[]> loader) throws IOException {
        feed(log.logStartOffset(), followedTo < 0 ? log.logEndOffset() : followedTo, List.of(loader));
        subscribers.add(loader);
    }

    /**
     * From now on {@link #write} goes through {@code shared} (the replicated seam), and every entry
     * appended to this partition reaches the subscribers.
     */
    public synchronized void follow(LogAppender shared) {
        if (followedTo >= 0) {
            throw new IllegalStateException("internal log " + log.topicPartition() + " is followed already");
        }
        this.shared = shared;
        followedTo = log.logEndOffset();
        log.addAppendListener(this::catchUp);
    }

    private synchronized void catchUp() {
        long end = log.logEndOffset();
        if (end <= followedTo) {
            return;
        }
        try {
            followedTo = feed(followedTo, end, subscribers);
        } catch (IOException | RuntimeException e) {
            // the append itself succeeded; the next one retries from the same offset
            LOG.error("Following internal log {} from offset {} failed", log.topicPartition(), followedTo, e);
        }
    }

    /** Feeds the entries in [from, to) to the loaders; returns where it stopped (to, or the end of what could be read). */
    private long feed(long from, long to, List<BiConsumer<String, byte[]>> loaders) throws IOException {
        long offset = from;
        while (offset < to) {
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
                if (record.offset() >= to) {
                    return to;
                }
                String key = text(record.key());
                byte[] value = bytes(record.value());
                for (BiConsumer<String, byte[]> loader : loaders) {
                    loader.accept(key, value);
                }
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
        return Math.max(offset, from);
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
