package dev.trilog.log;

import dev.trilog.log.meta.InternalLog;
import dev.trilog.log.meta.ShareStateStore;
import dev.trilog.log.meta.TopicRegistry;
import dev.trilog.log.producer.ProducerIdAllocator;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The engine's own compacted logs, one partition each, and the stores kept in them, each loaded
 * by replaying its log at start:
 *
 * <pre>
 * __trilog_metadata-0/       topics (TopicRegistry), producer-ID blocks (ProducerIdAllocator) and the
 *                            layers above's namespaces ({@link DurableMap}); fsynced before a write returns
 * __trilog_group_offsets-0/  committed offsets of consumer groups ({@link GroupOffsetStore})
 * __trilog_share_state-0/    share cursors' delivery state (ShareStateStore)
 * __trilog_transactions-0/   the transaction coordinator's state (a {@link DurableMap})
 * </pre>
 *
 * <p>In the root package because it builds {@link DurableMap} and {@link GroupOffsetStore}, whose
 * constructors the API keeps to the engine.
 */
final class InternalLogs implements AutoCloseable {

    static final String METADATA_LOG = "__trilog_metadata";
    static final String GROUP_OFFSETS_LOG = "__trilog_group_offsets";
    static final String SHARE_STATE_LOG = "__trilog_share_state";
    static final String TRANSACTIONS_LOG = "__trilog_transactions";

    private final InternalLog metadata;
    private final InternalLog offsets;
    private final InternalLog shareState;
    private final InternalLog transactions;
    private final TopicRegistry topics;
    private final ProducerIdAllocator producerIds;
    private final GroupOffsetStore groupOffsets;
    private final ShareStateStore shareStates;
    private final DurableMap transactionStates;
    private final Map<String, DurableMap> durableMaps = new HashMap<>();

    private InternalLogs(InternalLog metadata, InternalLog offsets, InternalLog shareState, InternalLog transactions)
            throws IOException {
        this.metadata = metadata;
        this.offsets = offsets;
        this.shareState = shareState;
        this.transactions = transactions;
        this.topics = new TopicRegistry(metadata);
        this.producerIds = new ProducerIdAllocator(metadata);
        this.groupOffsets = new GroupOffsetStore(offsets);
        this.shareStates = new ShareStateStore(shareState);
        this.transactionStates = new DurableMap("txn", transactions, false);
    }

    /** Opens the four logs through {@code partitions} and loads the stores from them. */
    static InternalLogs open(PartitionLogs partitions, LogAppender appender, EngineSettings settings)
            throws IOException {
        InternalLog metadata = open(partitions, appender, settings, METADATA_LOG, true);
        InternalLog offsets = open(partitions, appender, settings, GROUP_OFFSETS_LOG, false);
        InternalLog shareState = open(partitions, appender, settings, SHARE_STATE_LOG, false);
        // as durable as the data and the committed offsets it governs (the page cache by default;
        // the same fsync settings apply), not fsynced per write: Kafka does not either
        InternalLog transactions = open(partitions, appender, settings, TRANSACTIONS_LOG, false);
        return new InternalLogs(metadata, offsets, shareState, transactions);
    }

    private static InternalLog open(PartitionLogs partitions, LogAppender appender, EngineSettings settings,
            String name, boolean fsyncEachWrite) throws IOException {
        LogConfig config = settings.topicDefaults().withOverrides(InternalLog.settings(fsyncEachWrite));
        PartitionLog log = partitions.openInternal(new TopicPartition(name, 0), config);
        return new InternalLog(log, appender, settings.clock());
    }

    TopicRegistry topics() {
        return topics;
    }

    ProducerIdAllocator producerIds() {
        return producerIds;
    }

    GroupOffsetStore groupOffsets() {
        return groupOffsets;
    }

    ShareStateStore shareStates() {
        return shareStates;
    }

    DurableMap transactionStates() {
        return transactionStates;
    }

    /**
     * The durable map of {@code namespace} in the metadata log, one instance per namespace; of
     * queue state (written only by the node serving the queues) or not, as first asked.
     */
    DurableMap durableMap(String namespace, boolean queueState) throws IOException {
        synchronized (durableMaps) {
            DurableMap map = durableMaps.get(namespace);
            if (map == null) {
                map = new DurableMap(namespace, metadata, queueState);
                durableMaps.put(namespace, map);
            } else if (map.queueState() != queueState) {
                throw new IllegalArgumentException("durable map " + namespace + " is " + (queueState ? "not " : "")
                        + "a map of queue state");
            }
            return map;
        }
    }

    /**
     * Replication joined: the shared stores' writes go through {@code shared}, and what other nodes
     * write to these logs reaches them (see {@link InternalLog}).
     */
    void follow(LogAppender shared) {
        for (InternalLog log : List.of(metadata, offsets, shareState, transactions)) {
            log.follow(shared);
        }
    }

    /**
     * Makes the entries this node's internal logs share with the cluster (all but what each node
     * derives for itself: its topic registry, its producer-id blocks) hold what another node's
     * copies of them in {@code copies} (a checkpoint's {@code <log>-0/} directories) hold, key by
     * key: appended through {@code local}, in each log after this node's own entries, are a
     * tombstone for every key this node holds that the copy does not (removed since: a deleted
     * topic's share-cursor state, a queue deleted, an offset deleted — whether the copy still
     * holds its tombstone or compaction dropped it), and every entry of the copy whose value here
     * differs or is missing. Each store following these logs reads them as they are appended, as
     * it reads the entries replication applies, and ends as the copy's (every store is a map of
     * key to newest value); entries alike on both sides are not written again. Their offsets here
     * are this node's own: nothing addresses an internal log's entries by offset. Run again (an
     * install interrupted), it appends only what is still missing.
     */
    void takeSharedEntriesOf(java.nio.file.Path copies, PartitionLogs partitions, LogAppender local,
            EngineSettings settings) throws IOException {
        for (InternalLog log : List.of(metadata, offsets, shareState, transactions)) {
            TopicPartition tp = log.partition().topicPartition();
            java.nio.file.Path copy = copies.resolve(tp.topic() + "-" + tp.partition());
            Map<String, dev.trilog.log.record.RecordData> theirs = new java.util.LinkedHashMap<>();
            if (java.nio.file.Files.isDirectory(copy)) { // none: that node's copy held no entry
                PartitionLog from = partitions.openDetached(tp, copy, log.partition().config());
                try {
                    readSharedEntries(from, tp, theirs);
                } finally {
                    from.close();
                }
            }
            Map<String, byte[]> ours = new HashMap<>();
            log.replay((key, value) -> {
                if (!key.isEmpty() && shared(key)) {
                    if (value == null) {
                        ours.remove(key);
                    } else {
                        ours.put(key, value);
                    }
                }
            });
            List<dev.trilog.log.record.RecordData> changes = new java.util.ArrayList<>();
            long now = settings.clock().millis();
            for (String key : ours.keySet()) {
                if (!theirs.containsKey(key)) {
                    changes.add(dev.trilog.log.record.RecordData.of(now, utf8(key), null));
                }
            }
            theirs.forEach((key, entry) -> {
                if (!java.util.Arrays.equals(ours.get(key), entry.value())) {
                    changes.add(entry);
                }
            });
            append(changes, tp, local);
        }
    }

    /** Whether an entry with {@code key} is state the cluster shares, not one each node derives itself. */
    private static boolean shared(String key) {
        return !TopicRegistry.ownsKey(key) && !ProducerIdAllocator.ownsKey(key);
    }

    /** The newest entry of every shared key {@code from} holds (a tombstone removes its key). */
    private static void readSharedEntries(PartitionLog from, TopicPartition tp,
            Map<String, dev.trilog.log.record.RecordData> into) throws IOException {
        long offset = from.logStartOffset();
        while (offset < from.logEndOffset()) {
            List<dev.trilog.log.record.LogRecord> records;
            try {
                records = from.readRecords(offset, 1 << 20);
            } catch (OffsetOutOfRangeException e) {
                throw new IOException("the copy of " + tp + " changed while it was read", e);
            }
            if (records.isEmpty()) {
                break;
            }
            for (dev.trilog.log.record.LogRecord r : records) {
                if (r.key() == null) {
                    continue; // no store reads an entry without a key
                }
                String key = java.nio.charset.StandardCharsets.UTF_8.decode(r.key().duplicate()).toString();
                if (!shared(key)) {
                    continue;
                }
                into.remove(key); // re-inserted last: the copy's order of last writes is kept
                if (r.value() != null) {
                    into.put(key, dev.trilog.log.record.RecordData.of(r.timestamp(), bytes(r.key()), bytes(r.value())));
                }
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
    }

    /** Appends {@code records} to {@code into} through {@code local}, in batches of about 1 MiB. */
    private static void append(List<dev.trilog.log.record.RecordData> records, TopicPartition into, LogAppender local) {
        List<dev.trilog.log.record.RecordData> batch = new java.util.ArrayList<>();
        long bytes = 0;
        for (dev.trilog.log.record.RecordData r : records) {
            batch.add(r);
            bytes += r.key().length + (r.value() == null ? 0 : r.value().length);
            if (bytes >= 1 << 20) {
                local.appendRecords(into, batch).join();
                batch = new java.util.ArrayList<>();
                bytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            local.appendRecords(into, batch).join();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Writes the share cursors' pending state and stops its writer; the logs themselves close with the partitions. */
    @Override
    public void close() throws InterruptedException {
        shareStates.close();
    }
}
