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
     * Appends to this node's internal logs, through {@code local} and in their order, the entries
     * of another node's copies of them in {@code copies} (a checkpoint's {@code <log>-0/}
     * directories), but not what each node derives for itself (its topic registry, its
     * producer-id blocks): the stores following these logs read them as they are appended, as
     * they read entries replication applies. Their offsets here are this node's own — nothing
     * addresses an internal log's entries by offset — and entries appended twice (an install
     * interrupted and run again) leave every store as once, each entry overwriting its key.
     */
    void appendCopies(java.nio.file.Path copies, PartitionLogs partitions, LogAppender local, EngineSettings settings)
            throws IOException {
        for (InternalLog log : List.of(metadata, offsets, shareState, transactions)) {
            TopicPartition tp = log.partition().topicPartition();
            java.nio.file.Path copy = copies.resolve(tp.topic() + "-" + tp.partition());
            if (!java.nio.file.Files.isDirectory(copy)) {
                continue;
            }
            PartitionLog from = partitions.openDetached(tp, copy, log.partition().config());
            try {
                appendEntries(from, tp, local);
            } finally {
                from.close();
            }
        }
    }

    private static void appendEntries(PartitionLog from, TopicPartition into, LogAppender local) throws IOException {
        long offset = from.logStartOffset();
        while (offset < from.logEndOffset()) {
            List<dev.trilog.log.record.LogRecord> records;
            try {
                records = from.readRecords(offset, 1 << 20);
            } catch (OffsetOutOfRangeException e) {
                throw new IOException("the copy of " + into + " changed while it was read", e);
            }
            if (records.isEmpty()) {
                break;
            }
            List<dev.trilog.log.record.RecordData> shared = new java.util.ArrayList<>();
            for (dev.trilog.log.record.LogRecord r : records) {
                String key = r.key() == null ? "" : java.nio.charset.StandardCharsets.UTF_8.decode(r.key().duplicate())
                        .toString();
                if (!TopicRegistry.ownsKey(key) && !ProducerIdAllocator.ownsKey(key)) {
                    shared.add(dev.trilog.log.record.RecordData.of(r.timestamp(), bytes(r.key()), bytes(r.value())));
                }
            }
            if (!shared.isEmpty()) {
                local.appendRecords(into, shared).join();
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
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
