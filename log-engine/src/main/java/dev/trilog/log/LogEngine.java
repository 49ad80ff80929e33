package dev.trilog.log;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.meta.DataDirectory;
import dev.trilog.log.meta.ShareCursors;
import dev.trilog.log.meta.TopicRegistry;
import dev.trilog.log.producer.ProducerIdBlocks;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.log.share.StateJournal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log engine of one node: every topic's partitions, the topic metadata, committed group
 * offsets, and the background work (retention, segment rolls by age, compaction, group-commit
 * fsyncs). A facade: the work is done by the parts it assembles — {@link DataDirectory} (lock,
 * cluster ID, clean shutdown), {@link PartitionLogs} (every partition log and the passes over
 * them), {@link InternalLogs} (the engine's own logs and the stores in them),
 * {@link TopicLifecycle}, {@link ShareCursors}, {@link BackgroundTasks} and the
 * {@link GroupCommitFlusher}.
 *
 * <p>Data directory layout:
 * <pre>
 * .lock                      held while a process has the directory open
 * meta.properties            the cluster ID, made when the directory is
 * .clean_shutdown            written by {@link #close()} unless a write failed ({@link StorageFailures}); its
 *                            presence lets the next start skip recovery
 * __trilog_metadata-0/       topics, their IDs and configs (internal compacted log)
 * __trilog_group_offsets-0/  committed offsets of consumer groups (internal compacted log)
 * __trilog_share_state-0/    share cursors' delivery state (internal compacted log)
 * __trilog_transactions-0/   the transaction coordinator's state (internal compacted log)
 * &lt;topic&gt;-&lt;partition&gt;/     one directory per partition, see {@link PartitionLog}
 * </pre>
 */
public final class LogEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogEngine.class);

    static final String CLEAN_SHUTDOWN_MARKER = DataDirectory.CLEAN_SHUTDOWN_MARKER;
    /** Names the engine keeps for itself; no user topic may start with it. */
    public static final String RESERVED_PREFIX = "__trilog";

    private final EngineSettings settings;
    private final DataDirectory dataDir;
    private final GroupCommitFlusher flusher = new GroupCommitFlusher();
    private final UnreadableBatches unreadableBatches = new UnreadableBatches();
    private final StorageFailures storageFailures = new StorageFailures();
    private final BackgroundTasks background = new BackgroundTasks();
    private final PartitionLogs partitions;
    /** Writes to this node's logs; the internal logs always use it. */
    private final LogAppender local;
    /** What writers get from {@link #appender()}: the local one, or what replaced it. */
    private volatile LogAppender appender;
    /** A cluster node's producer ids ({@link #takeProducerIdsFrom}); null: this data directory's own blocks. */
    private volatile ProducerIdBlocks producerIdBlocks;
    private volatile Cluster cluster;
    private final List<Function<String, Optional<String>>> deletionGuards = new CopyOnWriteArrayList<>();
    private InternalLogs internal;
    private TopicRegistry topicRegistry;
    private TopicLifecycle topics;
    private ShareCursors shareCursors;
    private volatile boolean closed;

    private LogEngine(EngineSettings settings, DataDirectory dataDir) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.partitions = new PartitionLogs(settings, dataDir, background.sealer(), flusher, unreadableBatches,
                storageFailures);
        this.local = new LocalLogAppender(partitions::getIncludingInternal);
        this.appender = local;
    }

    /**
     * Opens (or creates) the data directory, recovers it if the last run did not shut down
     * cleanly, loads topics and offsets, and starts the background tasks.
     *
     * @throws IOException when the directory cannot be created or written, or another process holds it
     */
    public static LogEngine open(EngineSettings settings) throws IOException {
        LogEngine engine = new LogEngine(settings, DataDirectory.open(settings.dataDir()));
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
        internal = InternalLogs.open(partitions, local, settings);
        topicRegistry = internal.topics();
        shareCursors = new ShareCursors(partitions::get, internal.shareStates(), settings.clock());
        topics = new TopicLifecycle(settings, topicRegistry, partitions, shareCursors);
        topics.openAll();
        background.every(settings.retentionCheckIntervalMs(), partitions::runRetention);
        background.every(settings.cleanerBackoffMs(), partitions::runCleaner);
        log.info("Log engine opened {} ({} start): {} topics, {} partitions in {} ms",
                settings.dataDir().toAbsolutePath(), dataDir.cleanStart() ? "clean" : "recovering",
                topicRegistry.all().size(), partitions.count(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Tells {@code observer} of every group-commit fsync from now on (see {@link FlushObserver}). */
    public void observeFlushes(FlushObserver observer) {
        flusher.observe(observer);
    }

    /** Batches on disk that record readers had to skip (see {@link UnreadableBatches}). */
    public UnreadableBatches unreadableBatches() {
        return unreadableBatches;
    }

    /** Partitions whose disk is failing them, and whether any was since the engine opened. */
    public StorageFailures storageFailures() {
        return storageFailures;
    }

    public EngineSettings settings() {
        return settings;
    }

    /**
     * The cluster ID clients are told: in a cluster, the one every node derives alike
     * ({@link Cluster#clusterId}); on one node, this data directory's, created with it and kept in
     * {@code meta.properties} as Kafka does.
     */
    public String clusterId() {
        Cluster joined = cluster;
        return joined != null ? joined.clusterId() : dataDir.clusterId();
    }

    /** True when the last run shut down cleanly and recovery was skipped. */
    public boolean startedClean() {
        return dataDir.cleanStart();
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
        return createTopic(name, partitionCount, configOverrides, Topic.EVERY_NODE);
    }

    /**
     * As {@link #createTopic(String, int, Map)}, each partition held by {@code replicationFactor}
     * nodes of the cluster ({@link Topic#EVERY_NODE}: all of them; ignored on one node): the
     * cluster places them ({@link Cluster#createTopic}).
     */
    public Topic createTopic(String name, int partitionCount, Map<String, String> configOverrides,
            int replicationFactor) throws TopicExistsException, IOException {
        Cluster joined = cluster;
        Topic topic = new Topic(name, Uuid.randomUuid(), partitionCount, configOverrides,
                joined == null ? Topic.EVERY_NODE : replicationFactor);
        if (joined == null) {
            return topics.create(topic, TopicLifecycle.Bound.CHECKED);
        }
        topics.validateNew(name, partitionCount, configOverrides);
        if (topicRegistry.get(name).isPresent()) {
            throw new TopicExistsException(name);
        }
        topics.checkRoomFor(partitionCount);
        return joined.createTopic(topic);
    }

    /** Checks a CreateTopics request without creating anything (validate-only). */
    public void validateNewTopic(String name, int partitionCount, Map<String, String> configOverrides) {
        topics.validateNew(name, partitionCount, configOverrides);
        topics.checkRoomFor(partitionCount);
    }

    /**
     * Has {@link #deleteTopic} ask {@code guard} first: the reason a topic may not be deleted
     * (a layer above holds it — a queue's messages), or empty. A refused deletion throws
     * {@link TopicInUseException} with that reason.
     */
    public void guardTopicDeletion(Function<String, Optional<String>> guard) {
        deletionGuards.add(guard);
    }

    /**
     * Deletes the topic and its data; readers holding a slice finish reading it first. In a
     * cluster on every node: its share cursors' state is removed first (a topic created later
     * under the name starts from nothing everywhere), then the deletion is committed.
     */
    public void deleteTopic(String name) throws UnknownTopicException, IOException {
        for (Function<String, Optional<String>> guard : deletionGuards) {
            Optional<String> refusal = guard.apply(name);
            if (refusal.isPresent()) {
                throw new TopicInUseException(refusal.get());
            }
        }
        Cluster joined = cluster;
        if (joined == null) {
            topics.delete(name, true);
            return;
        }
        Topic topic = existingTopic(name);
        internal.shareStates().removeTopic(name);
        joined.deleteTopic(topic);
    }

    /** CreatePartitions: grows the topic to {@code newCount} partitions (on every node of a cluster). */
    public Topic createPartitions(String name, int newCount) throws UnknownTopicException, IOException {
        Cluster joined = cluster;
        if (joined == null) {
            return topics.createPartitions(name, newCount, TopicLifecycle.Bound.CHECKED);
        }
        Topic topic = existingTopic(name);
        TopicLifecycle.checkGrowth(topic, newCount);
        topics.checkRoomFor(newCount - topic.partitions());
        return joined.createPartitions(topic, newCount);
    }

    /** Replaces the topic's config overrides (AlterConfigs semantics); takes effect at once (on every node). */
    public Topic alterTopicConfig(String name, Map<String, String> overrides) throws UnknownTopicException, IOException {
        Cluster joined = cluster;
        if (joined == null) {
            return topics.alterConfig(name, overrides);
        }
        Topic topic = existingTopic(name);
        settings.topicDefaults().withOverrides(overrides); // refused here, with Kafka's ConfigException
        return joined.alterTopicConfig(topic, overrides);
    }

    /**
     * DeleteRecords: moves the partition's log start offset to {@code offset} (on every node of a
     * cluster); returns the new log start offset.
     *
     * @throws UnknownTopicException when there is no such partition
     */
    public long deleteRecordsBefore(TopicPartition tp, long offset)
            throws UnknownTopicException, OffsetOutOfRangeException, IOException {
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            throw new UnknownTopicException("unknown partition " + tp);
        }
        Cluster joined = cluster;
        if (joined == null) {
            return log.deleteRecordsBefore(offset);
        }
        if (offset > log.highWatermark() || offset < 0) {
            throw new OffsetOutOfRangeException(offset, log.logStartOffset(), log.highWatermark());
        }
        return joined.deleteRecordsBefore(tp, offset);
    }

    /**
     * How a replica applies a topic change its cluster committed ({@link Cluster#createTopic},
     * {@link Cluster#deleteTopic}, …) on this node only. Everyone else calls the engine's own
     * {@link #createTopic}, {@link #deleteTopic}, …, which go through the cluster.
     */
    public final class Replica {

        private Replica() {
        }

        /** Creates {@code topic} with the ID it carries. */
        public Topic createTopic(Topic topic) throws TopicExistsException, IOException {
            return topics.create(topic, TopicLifecycle.Bound.COMMITTED);
        }

        /** Deletes the topic if it is still the one with this ID; its share state was removed by the deleting node. */
        public void deleteTopic(String name, Uuid id) throws UnknownTopicException, IOException {
            sameTopic(name, id);
            topics.delete(name, false);
        }

        public Topic createPartitions(String name, Uuid id, int newCount) throws UnknownTopicException, IOException {
            sameTopic(name, id);
            return topics.createPartitions(name, newCount, TopicLifecycle.Bound.COMMITTED);
        }

        public Topic alterTopicConfig(String name, Uuid id, Map<String, String> overrides)
                throws UnknownTopicException, IOException {
            sameTopic(name, id);
            return topics.alterConfig(name, overrides);
        }

        /** Every replica has applied every write before this one, so the offset is in range on each alike. */
        public long deleteRecordsBefore(TopicPartition tp, long offset)
                throws UnknownTopicException, OffsetOutOfRangeException, IOException {
            PartitionLog log = partitions.get(tp);
            if (log == null) {
                throw new UnknownTopicException("unknown partition " + tp);
            }
            return log.deleteRecordsBefore(offset);
        }

        /**
         * Makes this engine hold the state {@code checkpoint} describes, whose files are in
         * {@code files} (laid out as {@link LogEngine#checkpoint} made them, each at its
         * recorded length) — onto an empty engine (a node that lost its data directory) or over
         * what this engine holds, which must be an earlier state of the same history (a node
         * that applied less of its cluster's log than the checkpoint holds):
         * <ul>
         * <li>a topic here that the checkpoint lacks was deleted since, and one here whose name
         * the checkpoint gives another id was deleted and created again: each is deleted here
         * (its share state goes with the internal logs' entries, below);
         * <li>a topic in both under the same id stays, its partitions untouched (in a cluster
         * they are their own Raft groups' state, not this checkpoint's); it takes the
         * checkpoint's partition count and config overrides, which it may have changed since;
         * <li>a topic only in the checkpoint is created with its id, over its partition
         * directories there if the checkpoint has them (moved in whole, a rename on one file
         * system: its batches are the checkpoint's byte for byte at the same offsets);
         * <li>the entries the internal logs share (committed offsets, share-cursor state,
         * transactions, the layers above's maps) end as the checkpoint's: see
         * {@link InternalLogs#takeSharedEntriesOf}.
         * </ul>
         * Run again after an interruption, it finishes the work and changes nothing it did
         * already: every step compares this engine with the checkpoint.
         *
         * @throws NotAnEarlierStateException, with nothing changed, when this engine's state cannot
         *                                     be an earlier one of the checkpoint's
         */
        public void install(EngineCheckpoint checkpoint, java.nio.file.Path files) throws TopicExistsException, IOException {
            Map<String, Topic> installed = new java.util.HashMap<>();
            checkpoint.topics().forEach(t -> installed.put(t.name(), t));
            List<Topic> here = List.copyOf(topicRegistry.all());
            for (Topic topic : here) {
                Topic there = installed.get(topic.name());
                if (there != null && there.id().equals(topic.id()) && (there.partitions() < topic.partitions()
                        || there.replicationFactor() != topic.replicationFactor())) {
                    throw new NotAnEarlierStateException("this node holds topic " + topic.name() + " (id " + topic.id()
                            + ") with " + topic.partitions() + " partitions and replication factor "
                            + topic.replicationFactor() + ", the checkpoint with " + there.partitions() + " and "
                            + there.replicationFactor() + ": this node's state is not an earlier one of the checkpoint's");
                }
            }
            try {
                for (Topic topic : here) {
                    Topic there = installed.get(topic.name());
                    if (there == null || !there.id().equals(topic.id())) {
                        topics.delete(topic.name(), false);
                    } else {
                        catchUp(topic, there);
                    }
                }
            } catch (UnknownTopicException e) {
                throw new IllegalStateException("a topic of this engine went while a checkpoint was installed", e);
            }
            for (Topic topic : checkpoint.topics()) {
                if (topicRegistry.get(topic.name()).isPresent()) {
                    continue; // here already, or installed before an interruption
                }
                for (int p = 0; p < topic.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(topic.name(), p);
                    java.nio.file.Path copy = files.resolve(topic.name() + "-" + p);
                    java.nio.file.Path target = partitions.dirOf(tp);
                    DurableFiles.deleteTree(target); // a directory no registered topic owns (one deleted here)
                    if (java.nio.file.Files.isDirectory(copy)) {
                        java.nio.file.Files.move(copy, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                topics.create(topic, TopicLifecycle.Bound.COMMITTED);
            }
            internal.takeSharedEntriesOf(files, partitions, local, settings);
            flush();
            log.info("Installed a checkpoint: {} topics, {} bytes", checkpoint.topics().size(), checkpoint.bytes());
        }

        /** {@code topic} as the checkpoint has it, {@code there}: grown, reconfigured since. */
        private void catchUp(Topic topic, Topic there) throws UnknownTopicException, IOException {
            if (there.partitions() > topic.partitions()) {
                topics.createPartitions(topic.name(), there.partitions(), TopicLifecycle.Bound.COMMITTED);
            }
            if (!there.configOverrides().equals(topic.configOverrides())) {
                topics.alterConfig(topic.name(), there.configOverrides());
            }
        }

        /**
         * Makes this node's copy of {@code tp} the one under {@code files} (a checkpoint's files,
         * laid out as {@link LogEngine#checkpoint} linked them on another replica, each at its
         * recorded length): its batches, producer state and log start are then that replica's, byte for
         * byte at the same offsets. For a partition whose own Raft group has applied nothing here
         * (a node that lost its data directory catching up from the group's snapshot): whatever
         * this node held of it is dropped.
         */
        public void installPartition(TopicPartition tp, Uuid topicId, java.nio.file.Path files)
                throws UnknownTopicException, IOException {
            sameTopic(tp.topic(), topicId);
            java.nio.file.Path copy = files.resolve(partitions.dirOf(tp).getFileName().toString());
            Topic topic = existingTopic(tp.topic());
            if (tp.partition() >= topic.partitions()) {
                throw new UnknownTopicException("unknown partition " + tp);
            }
            if (!java.nio.file.Files.isDirectory(copy)) {
                java.nio.file.Files.createDirectories(copy); // the partition held no file at the checkpoint
            }
            partitions.replace(tp, copy, settings.topicDefaults().withOverrides(topic.configOverrides()));
            log.info("Installed {} from a checkpoint of its Raft group", tp);
        }

        private void sameTopic(String name, Uuid id) throws UnknownTopicException {
            if (!topicRegistry.get(name).map(t -> t.id().equals(id)).orElse(false)) {
                throw new UnknownTopicException("unknown topic " + name + " (id " + id + ")");
            }
        }
    }

    /** Applies the changes its cluster committed to this node only (the replication layer's entry). */
    public Replica replica() {
        return new Replica();
    }

    private Topic existingTopic(String name) throws UnknownTopicException {
        return topicRegistry.get(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
    }

    public Optional<Topic> topic(String name) {
        return topicRegistry.get(name);
    }

    /** The topic with this ID (Kafka's Fetch v13+, Produce v13, Metadata v10+ name topics by ID). */
    public Optional<Topic> topicById(Uuid id) {
        return topicRegistry.byId(id);
    }

    public Collection<Topic> topics() {
        return List.copyOf(topicRegistry.all());
    }

    /** The effective configuration of a topic (broker defaults plus its overrides). */
    public Optional<LogConfig> topicConfig(String name) {
        return topicRegistry.get(name).map(t -> settings.topicDefaults().withOverrides(t.configOverrides()));
    }

    /** The partition's log, or null when there is no such partition. */
    public PartitionLog partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** The one write path of every writer: the local appender, or the replicated one that replaced it. */
    public LogAppender appender() {
        return appender;
    }

    /**
     * Replaces what {@link #appender()} gives writers (replication: an appender that commits
     * through consensus first). {@code replacement} is handed this node's local appender, to apply
     * committed writes with. The state the internal logs share (committed offsets, the durable
     * maps, share-cursor state) is written through the replacement from now on, and entries other
     * nodes write there reach this node's stores as they are applied; what each node derives
     * itself (its topic registry, producer-id blocks) stays local. Call it before any writer has
     * asked for the appender and before replicated writes are applied here.
     */
    public synchronized void replaceAppender(Function<LogAppender, LogAppender> replacement) {
        if (appender != local) {
            throw new IllegalStateException("the appender was replaced already");
        }
        appender = java.util.Objects.requireNonNull(replacement.apply(local), "replacement appender");
        internal.follow(appender);
    }

    /** This node's cluster once it {@linkplain #joinCluster joined one}; empty on a single node. */
    public Optional<Cluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** From now on topics are created through {@code cluster}, and the frontends route clients by it. */
    public void joinCluster(Cluster cluster) {
        this.cluster = java.util.Objects.requireNonNull(cluster, "cluster");
    }

    // ---------------------------------------------------------------- stores in the internal logs

    public GroupOffsetStore groupOffsets() {
        return internal.groupOffsets();
    }

    /**
     * The transaction coordinator's durable state, one entry per transactional id, in its own
     * internal compacted log; a write returns once it is as durable as the broker-wide flush
     * settings ask (the page cache by default, as for committed offsets: a process crash loses nothing).
     */
    public DurableMap transactionStates() {
        return internal.transactionStates();
    }

    /**
     * The durable map of {@code namespace} in the metadata log (one instance per namespace), for
     * metadata the layers above own.
     */
    public DurableMap durableMap(String namespace) throws IOException {
        return internal.durableMap(namespace, false);
    }

    /**
     * {@link #durableMap} for state only the node serving the queues writes (queues, exchanges,
     * bindings, deduplication ids): in a cluster a write from a node that has lost the queues to
     * another is refused ({@link Cluster#serveQueues}), as share cursors' state is.
     */
    public DurableMap queueStateMap(String namespace) throws IOException {
        return internal.durableMap(namespace, true);
    }

    /**
     * The share cursor of {@code group} over {@code tp}, opened (with its durable state) on first
     * use; later calls return the same cursor and ignore the other arguments.
     *
     * @throws UnknownTopicException when there is no such partition
     */
    public ShareCursor shareCursor(TopicPartition tp, String group, ShareGroupSettings settings, DeliveryPolicy policy,
            ArchiveListener onArchive) throws UnknownTopicException {
        return shareCursors.open(tp, group, settings, policy, onArchive);
    }

    /**
     * Until the returned scope closes, the share-cursor state writes this thread causes are held
     * back, then written as one batch: a request that changes cursors several times (a share
     * fetch's acknowledgements, then its acquisitions) waits for one write. Nothing inside may
     * wait for such a write.
     */
    public StateJournal.Batch batchShareStateWrites() {
        return shareCursors.batchWrites();
    }

    /**
     * Forgets every open share cursor, not their durable state: the next {@link #shareCursor}
     * opens each again from the state store, which other nodes of a cluster may have written
     * (this node takes over the queues).
     */
    public void reopenShareCursors() {
        shareCursors.forgetAll();
    }

    /** The topics {@code group} has durable share-cursor state on (Kafka's DeleteGroups of a share group). */
    public java.util.SortedSet<String> shareCursorTopics(String group) {
        return shareCursors.topicsOf(group);
    }

    /** Forgets the cursor and its durable state (the queue was deleted, a share group's offsets deleted). */
    public void deleteShareCursor(TopicPartition tp, String group) {
        shareCursors.delete(tp, group);
    }

    /**
     * A producer ID never handed out before (InitProducerId): on this data directory, or in a
     * cluster ({@link #takeProducerIdsFrom}) by any node, even one whose data directory was lost
     * since. Waits for the cluster's grant of a block when this node has none left, at most
     * {@link #PRODUCER_ID_WAIT_SECONDS}; {@link #producerId} for callers that need not wait.
     *
     * @throws IOException when the id could not be reserved (retriable: the grant did not come in time)
     */
    public long allocateProducerId() throws IOException {
        try {
            return producerId().get(PRODUCER_ID_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a block of producer ids");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof IOException io ? io : new IOException("no producer id: " + cause, cause);
        }
    }

    /** How long {@link #allocateProducerId} waits for a block of producer ids. */
    public static final int PRODUCER_ID_WAIT_SECONDS = 10;

    /** {@link #allocateProducerId}, completing when the id is there (at once, unless a block must be granted first). */
    public CompletableFuture<Long> producerId() {
        ProducerIdBlocks blocks = producerIdBlocks;
        if (blocks != null) {
            return blocks.allocate();
        }
        try {
            return CompletableFuture.completedFuture(internal.producerIds().allocate());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * In a cluster every node writes to the same partitions, whose producer state is keyed by
     * producer id: from now on this node hands out only ids of blocks {@code grants} grants it
     * (the cluster's replicated counter), no longer from its own local blocks.
     */
    public void takeProducerIdsFrom(ProducerIdBlocks.Grants grants) {
        producerIdBlocks = new ProducerIdBlocks(grants);
    }

    /**
     * Above every producer id this data directory's own blocks could have handed out, as an
     * earlier build did too (in a cluster, spread over nodes as {@code id * 16 + node}):
     * the least first id a cluster's grants may give this node, for clusters that ran that build.
     */
    public long producerIdsOwnBlocksEnd() {
        return internal.producerIds().reservedEnd() * EARLIER_PRODUCER_ID_NODES;
    }

    /** Over how many nodes an earlier build spread a cluster node's own producer-id blocks ({@code id * 16 + node}). */
    private static final int EARLIER_PRODUCER_ID_NODES = 16;

    // ---------------------------------------------------------------- background work

    /** One retention pass over every partition (also run on a schedule). */
    public void runRetention() {
        partitions.runRetention();
    }

    /** One compaction pass over every compacted partition (also run on a schedule). */
    public void runCleaner() {
        partitions.runCleaner();
    }

    /**
     * fsync of everything written so far, to every log (the topics' and the engine's own): once it
     * returns, a crash loses nothing appended before it was called, whatever the topics' flush
     * settings. A replicated node calls it before it records a snapshot, so that the Raft entries
     * it lets go of are all on disk here.
     */
    public void flush() throws IOException {
        partitions.flushAll();
    }

    /**
     * Hard-links every file of the engine's logs (the topics' and its own) into {@code target}
     * and says which bytes of each are the state now: a consistent copy at this instant, made
     * without copying a byte, that stays valid while appends, rolls, compaction and retention go
     * on (see {@link PartitionLog#linkInto}). Call it where no topic is created, changed or
     * deleted at the same time (a replicated node: on its apply thread, at a snapshot); the
     * links keep segments that retention or compaction drop since alive until {@code target} is
     * deleted. {@code target} must be on the data directory's file system.
     */
    public EngineCheckpoint checkpoint(java.nio.file.Path target) throws IOException {
        return checkpoint(target, tp -> true);
    }

    /**
     * As {@link #checkpoint(java.nio.file.Path)}, linking only the partitions {@code include}
     * accepts (every topic is still listed): a replicated node whose partitions have Raft groups
     * of their own keeps their state apart from the engine's metadata.
     */
    public EngineCheckpoint checkpoint(java.nio.file.Path target, java.util.function.Predicate<TopicPartition> include)
            throws IOException {
        java.nio.file.Files.createDirectories(target);
        return new EngineCheckpoint(List.copyOf(topicRegistry.all()), partitions.linkAllInto(target, include));
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Stops background work, flushes and closes every log, and writes the clean-shutdown marker
     * so the next start skips recovery — unless a close failed or a write or fsync failed since
     * the engine opened: whatever such a write may have left is then for recovery to find.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        background.stop();
        try {
            internal.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = partitions.closeAll();
        try {
            flusher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure == null && !storageFailures.occurred()) {
            dataDir.markCleanShutdown();
            log.info("Log engine closed cleanly");
        } else if (failure == null) {
            log.warn("Log engine closed; not marked clean because writes to disk failed while it ran:"
                    + " the next start checks the logs");
        }
        dataDir.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void closeQuietly() {
        background.stop();
        try {
            flusher.close();
            dataDir.close();
        } catch (IOException | InterruptedException e) {
            log.debug("ignored while abandoning start-up", e);
        }
    }
}
