package dev.trilog.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.trilog.log.cleaner.LogCleaner;
import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.meta.DurableFiles;
import dev.trilog.log.meta.InternalLog;
import dev.trilog.log.meta.ShareStateStore;
import dev.trilog.log.meta.TopicRegistry;
import dev.trilog.log.producer.ProducerIdAllocator;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log engine of one node: every topic's partitions, the topic metadata, committed group
 * offsets, and the background work (retention, segment rolls by age, compaction, group-commit
 * fsyncs).
 *
 * <p>Data directory layout:
 * <pre>
 * .lock                      held while a process has the directory open
 * meta.properties            the cluster ID, made when the directory is
 * .clean_shutdown            written by {@link #close()}; its presence lets the next start skip recovery
 * __trilog_metadata-0/       topics, their IDs and configs (internal compacted log)
 * __trilog_group_offsets-0/  committed offsets of consumer groups (internal compacted log)
 * __trilog_share_state-0/    share cursors' delivery state (internal compacted log)
 * __trilog_transactions-0/   the transaction coordinator's state (internal compacted log)
 * &lt;topic&gt;-&lt;partition&gt;/     one directory per partition, see {@link PartitionLog}
 * </pre>
 */
public final class LogEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogEngine.class);

    static final String CLEAN_SHUTDOWN_MARKER = ".clean_shutdown";
    static final String METADATA_LOG = "__trilog_metadata";
    static final String GROUP_OFFSETS_LOG = "__trilog_group_offsets";
    static final String SHARE_STATE_LOG = "__trilog_share_state";
    static final String TRANSACTIONS_LOG = "__trilog_transactions";
    /** Names the engine keeps for itself; no user topic may start with it. */
    public static final String RESERVED_PREFIX = "__trilog";

    private final EngineSettings settings;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean cleanStart;
    private final GroupCommitFlusher flusher = new GroupCommitFlusher();
    private final UnreadableBatches unreadableBatches = new UnreadableBatches();
    private final ExecutorService sealer = Executors.newSingleThreadExecutor(daemon("trilog-segment-sealer"));
    private final ScheduledExecutorService maintenance =
            Executors.newSingleThreadScheduledExecutor(daemon("trilog-log-maintenance"));
    private final LogCleaner cleaner = new LogCleaner();
    private final Map<TopicPartition, PartitionLog> partitions = new ConcurrentHashMap<>();
    private final LogAppender appender = new LocalLogAppender(this::partitionOrInternal);
    private final Object topicChanges = new Object();
    /** The internal logs' partitions, which the append seam writes too but clients never see. */
    private final Map<TopicPartition, PartitionLog> internalPartitions = new ConcurrentHashMap<>();
    private InternalLog metadataLog;
    private InternalLog offsetsLog;
    private InternalLog shareStateLog;
    private ShareStateStore shareStates;
    private InternalLog transactionsLog;
    private DurableMap transactionStates;
    private final Map<String, ShareCursor> shareCursors = new ConcurrentHashMap<>();
    private TopicRegistry topics;
    private ProducerIdAllocator producerIds;
    private final Map<String, DurableMap> durableMaps = new java.util.HashMap<>();
    private GroupOffsetStore groupOffsets;
    private volatile boolean closed;
    private String clusterId;

    private LogEngine(EngineSettings settings, FileChannel lockChannel, FileLock lock, boolean cleanStart) {
        this.settings = settings;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.cleanStart = cleanStart;
    }

    /**
     * Opens (or creates) the data directory, recovers it if the last run did not shut down
     * cleanly, loads topics and offsets, and starts the background tasks.
     *
     * @throws IOException when the directory cannot be created or written, or another process holds it
     */
    public static LogEngine open(EngineSettings settings) throws IOException {
        Path dataDir = settings.dataDir();
        boolean fresh = isEmptyOrMissing(dataDir);
        Files.createDirectories(dataDir);
        FileChannel lockChannel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("data directory " + dataDir.toAbsolutePath() + " is in use by another process");
        }
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        boolean clean = fresh || Files.exists(marker);
        Files.deleteIfExists(marker);
        LogEngine engine = new LogEngine(settings, lockChannel, lock, clean);
        try {
            engine.load();
        } catch (IOException | RuntimeException e) {
            engine.closeQuietly();
            throw e;
        }
        return engine;
    }

    private void load() throws IOException {
        long started = System.nanoTime();
        clusterId = loadOrCreateClusterId();
        metadataLog = openInternal(METADATA_LOG, true);
        topics = new TopicRegistry(metadataLog);
        producerIds = new ProducerIdAllocator(metadataLog);
        for (Topic topic : topics.all()) {
            LogConfig config = settings.topicDefaults().withOverrides(topic.configOverrides());
            for (int p = 0; p < topic.partitions(); p++) {
                openPartition(new TopicPartition(topic.name(), p), config);
            }
        }
        offsetsLog = openInternal(GROUP_OFFSETS_LOG, false);
        groupOffsets = new GroupOffsetStore(offsetsLog);
        shareStateLog = openInternal(SHARE_STATE_LOG, false);
        shareStates = new ShareStateStore(shareStateLog);
        // as durable as the data and the committed offsets it governs (the page cache by default;
        // the same fsync settings apply), not fsynced per write: Kafka does not either
        transactionsLog = openInternal(TRANSACTIONS_LOG, false);
        transactionStates = new DurableMap("txn", transactionsLog);
        maintenance.scheduleWithFixedDelay(this::runRetention, settings.retentionCheckIntervalMs(),
                settings.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::runCleaner, settings.cleanerBackoffMs(),
                settings.cleanerBackoffMs(), TimeUnit.MILLISECONDS);
        log.info("Log engine opened {} ({} start): {} topics, {} partitions in {} ms",
                settings.dataDir().toAbsolutePath(), cleanStart ? "clean" : "recovering", topics.all().size(),
                partitions.size(), (System.nanoTime() - started) / 1_000_000);
    }

    private InternalLog openInternal(String name, boolean fsyncEachWrite) throws IOException {
        TopicPartition tp = new TopicPartition(name, 0);
        LogConfig config = settings.topicDefaults().withOverrides(InternalLog.settings(fsyncEachWrite));
        PartitionLog log = PartitionLog.open(tp, partitionDir(tp), config, settings.clock(), sealer, flusher,
                cleanStart, unreadableBatches);
        internalPartitions.put(tp, log);
        return new InternalLog(log, appender, settings.clock());
    }

    private PartitionLog openPartition(TopicPartition tp, LogConfig config) throws IOException {
        PartitionLog partition = PartitionLog.open(tp, partitionDir(tp), config, settings.clock(), sealer, flusher,
                cleanStart, unreadableBatches);
        partitions.put(tp, partition);
        return partition;
    }

    private Path partitionDir(TopicPartition tp) {
        return settings.dataDir().resolve(tp.topic() + "-" + tp.partition());
    }

    /** Batches on disk that record readers had to skip (see {@link UnreadableBatches}). */
    public UnreadableBatches unreadableBatches() {
        return unreadableBatches;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** This data directory's cluster ID, created with it and kept in {@code meta.properties} as Kafka does. */
    public String clusterId() {
        return clusterId;
    }

    private String loadOrCreateClusterId() throws IOException {
        Path meta = settings.dataDir().resolve("meta.properties");
        java.util.Properties properties = new java.util.Properties();
        if (Files.exists(meta)) {
            try (var in = Files.newBufferedReader(meta)) {
                properties.load(in);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
        }
        String id = Uuid.randomUuid().toString();
        DurableFiles.writeAtomically(meta, "version=1\ncluster.id=" + id + "\n");
        return id;
    }

    /** True when the last run shut down cleanly and recovery was skipped. */
    public boolean startedClean() {
        return cleanStart;
    }

    // ---------------------------------------------------------------- topics

    /**
     * Creates a topic with a fresh ID; the metadata is durable before this returns.
     *
     * @throws InvalidTopicException for an illegal or reserved name
     * @throws ConfigException       for an unknown config name or invalid value
     */
    public Topic createTopic(String name, int partitionCount, Map<String, String> configOverrides)
            throws TopicExistsException, IOException {
        validateNewTopic(name, partitionCount, configOverrides);
        synchronized (topicChanges) {
            if (topics.get(name).isPresent()) {
                throw new TopicExistsException(name);
            }
            LogConfig config = settings.topicDefaults().withOverrides(configOverrides);
            Topic topic = new Topic(name, Uuid.randomUuid(), partitionCount, configOverrides);
            topics.put(topic);
            for (int p = 0; p < partitionCount; p++) {
                openPartition(new TopicPartition(name, p), config);
            }
            log.info("Created topic {} ({} partitions, id {})", name, partitionCount, topic.id());
            return topic;
        }
    }

    /** Checks a CreateTopics request without creating anything (validate-only). */
    public void validateNewTopic(String name, int partitionCount, Map<String, String> configOverrides) {
        org.apache.kafka.common.internals.Topic.validate(name);
        if (name.startsWith(RESERVED_PREFIX)) {
            throw new InvalidTopicException("topic names starting with " + RESERVED_PREFIX + " are reserved");
        }
        if (partitionCount < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition, not " + partitionCount);
        }
        settings.topicDefaults().withOverrides(configOverrides);
    }

    /** Deletes the topic and its data; readers holding a slice finish reading it first. */
    public void deleteTopic(String name) throws UnknownTopicException, IOException {
        synchronized (topicChanges) {
            Topic topic = topics.get(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
            topics.remove(name);
            // a topic created later under the same name must not inherit these cursors' positions
            shareCursors.values().removeIf(cursor -> cursor.log().topicPartition().topic().equals(name));
            shareStates.removeTopic(name);
            for (int p = 0; p < topic.partitions(); p++) {
                PartitionLog partition = partitions.remove(new TopicPartition(name, p));
                if (partition != null) {
                    cleaner.forget(partition.cleanable());
                    partition.deleteAll();
                }
            }
            log.info("Deleted topic {}", name);
        }
    }

    /** CreatePartitions: grows the topic to {@code newCount} partitions. */
    public Topic createPartitions(String name, int newCount) throws UnknownTopicException, IOException {
        synchronized (topicChanges) {
            Topic topic = topics.get(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
            if (newCount <= topic.partitions()) {
                throw new IllegalArgumentException("topic " + name + " has " + topic.partitions()
                        + " partitions; the new count must be larger, not " + newCount);
            }
            Topic grown = topic.withPartitions(newCount);
            topics.put(grown);
            LogConfig config = settings.topicDefaults().withOverrides(topic.configOverrides());
            for (int p = topic.partitions(); p < newCount; p++) {
                openPartition(new TopicPartition(name, p), config);
            }
            return grown;
        }
    }

    /** Replaces the topic's config overrides (AlterConfigs semantics); takes effect at once. */
    public Topic alterTopicConfig(String name, Map<String, String> overrides) throws UnknownTopicException, IOException {
        synchronized (topicChanges) {
            Topic topic = topics.get(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
            LogConfig config = settings.topicDefaults().withOverrides(overrides);
            Topic altered = topic.withConfigOverrides(overrides);
            topics.put(altered);
            for (int p = 0; p < topic.partitions(); p++) {
                PartitionLog partition = partitions.get(new TopicPartition(name, p));
                if (partition != null) {
                    partition.updateConfig(config);
                }
            }
            return altered;
        }
    }

    public Optional<Topic> topic(String name) {
        return topics.get(name);
    }

    /** The topic with this ID (Kafka's Fetch v13+, Produce v13, Metadata v10+ name topics by ID). */
    public Optional<Topic> topicById(Uuid id) {
        return topics.byId(id);
    }

    public Collection<Topic> topics() {
        return List.copyOf(topics.all());
    }

    /** The effective configuration of a topic (broker defaults plus its overrides). */
    public Optional<LogConfig> topicConfig(String name) {
        return topics.get(name).map(t -> settings.topicDefaults().withOverrides(t.configOverrides()));
    }

    /** The partition's log, or null when there is no such partition. */
    public PartitionLog partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    private PartitionLog partitionOrInternal(TopicPartition tp) {
        PartitionLog log = partitions.get(tp);
        return log != null ? log : internalPartitions.get(tp);
    }

    public LogAppender appender() {
        return appender;
    }

    public GroupOffsetStore groupOffsets() {
        return groupOffsets;
    }

    /**
     * The transaction coordinator's durable state, one entry per transactional id, in its own
     * internal compacted log; a write returns once it is as durable as the broker-wide flush
     * settings ask (the page cache by default, as for committed offsets: a process crash loses nothing).
     */
    public DurableMap transactionStates() {
        return transactionStates;
    }

    /**
     * The durable map of {@code namespace} in the metadata log (one instance per namespace), for
     * metadata the layers above own.
     */
    public DurableMap durableMap(String namespace) throws IOException {
        synchronized (durableMaps) {
            DurableMap map = durableMaps.get(namespace);
            if (map == null) {
                map = new DurableMap(namespace, metadataLog);
                durableMaps.put(namespace, map);
            }
            return map;
        }
    }

    /**
     * The share cursor of {@code group} over {@code tp}, opened (with its durable state) on first
     * use; later calls return the same cursor and ignore the other arguments.
     *
     * @throws UnknownTopicException when there is no such partition
     */
    public ShareCursor shareCursor(TopicPartition tp, String group, ShareGroupSettings settings, DeliveryPolicy policy,
            ArchiveListener onArchive) throws UnknownTopicException {
        PartitionLog partition = partitions.get(tp);
        if (partition == null) {
            throw new UnknownTopicException("unknown partition " + tp);
        }
        String key = ShareStateStore.key(group, tp);
        return shareCursors.computeIfAbsent(key, k -> ShareCursor.open(partition, group, k, settings, policy,
                this.settings.clock(), shareStates, onArchive));
    }

    /** Forgets the cursor and its durable state (the queue was deleted). */
    public void deleteShareCursor(TopicPartition tp, String group) {
        String key = ShareStateStore.key(group, tp);
        shareCursors.remove(key);
        shareStates.remove(key);
    }

    /** A producer ID never handed out before on this data directory (InitProducerId). */
    public long allocateProducerId() throws IOException {
        return producerIds.allocate();
    }

    // ---------------------------------------------------------------- background work

    /** One retention pass over every partition (also run on a schedule). */
    public void runRetention() {
        for (PartitionLog partition : allPartitions()) {
            try {
                partition.rollIfAged();
                partition.enforceRetention();
            } catch (IOException | RuntimeException e) {
                log.error("Retention of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /** One compaction pass over every compacted partition (also run on a schedule). */
    public void runCleaner() {
        for (PartitionLog partition : allPartitions()) {
            try {
                cleaner.clean(partition.cleanable());
            } catch (IOException | RuntimeException e) {
                log.error("Compaction of {} failed", partition.topicPartition(), e);
            }
        }
    }

    private List<PartitionLog> allPartitions() {
        List<PartitionLog> all = new ArrayList<>(partitions.values());
        if (metadataLog != null) {
            all.add(metadataLog.partition());
        }
        if (offsetsLog != null) {
            all.add(offsetsLog.partition());
        }
        if (shareStateLog != null) {
            all.add(shareStateLog.partition());
        }
        if (transactionsLog != null) {
            all.add(transactionsLog.partition());
        }
        return all;
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Stops background work, flushes and closes every log, and writes the clean-shutdown marker
     * so the next start skips recovery.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        stopBackground();
        try {
            shareStates.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        for (PartitionLog partition : allPartitions()) {
            try {
                partition.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        partitions.clear();
        try {
            flusher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure == null) {
            DurableFiles.writeAtomically(settings.dataDir().resolve(CLEAN_SHUTDOWN_MARKER), "clean\n");
            log.info("Log engine closed cleanly");
        }
        lock.release();
        lockChannel.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void stopBackground() {
        // not shutdownNow(): an interrupt closes any FileChannel the task is using
        maintenance.shutdown();
        sealer.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
            sealer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        stopBackground();
        try {
            flusher.close();
            lock.release();
            lockChannel.close();
        } catch (IOException | InterruptedException e) {
            log.debug("ignored while abandoning start-up", e);
        }
    }

    private static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
