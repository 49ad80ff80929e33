package dev.trilog.log;

import dev.trilog.log.cleaner.LogCleaner;
import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.meta.DataDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every partition log this node hosts, the topics' and the engine's internal logs': the one place
 * where they are opened, reconfigured, deleted and closed, and the passes retention and the
 * cleaner make over all of them. Clients see only the topics' partitions; the append seam writes
 * to both.
 *
 * <p>In the root package, beside {@link PartitionLog}, because those are PartitionLog's
 * engine-only methods.
 */
final class PartitionLogs {

    private static final Logger log = LoggerFactory.getLogger(PartitionLogs.class);

    private final EngineSettings settings;
    private final DataDirectory dataDir;
    private final Executor sealer;
    private final GroupCommitFlusher flusher;
    private final UnreadableBatches unreadableBatches;
    private final StorageFailures storageFailures;
    private final LogCleaner cleaner = new LogCleaner();
    private final Map<TopicPartition, PartitionLog> topics = new ConcurrentHashMap<>();
    private final Map<TopicPartition, PartitionLog> internal = new ConcurrentHashMap<>();
    /** The internal logs in the order they were opened (they are passed over and closed in it). */
    private final List<PartitionLog> internalInOrder = new CopyOnWriteArrayList<>();

    PartitionLogs(EngineSettings settings, DataDirectory dataDir, Executor sealer, GroupCommitFlusher flusher,
            UnreadableBatches unreadableBatches, StorageFailures storageFailures) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.sealer = sealer;
        this.flusher = flusher;
        this.unreadableBatches = unreadableBatches;
        this.storageFailures = storageFailures;
    }

    /** Opens (creating if new) a partition of a topic. */
    PartitionLog open(TopicPartition tp, LogConfig config) throws IOException {
        PartitionLog partition = openLog(tp, config);
        topics.put(tp, partition);
        return partition;
    }

    /** Opens (creating if new) the partition of an internal log, which clients never see. */
    PartitionLog openInternal(TopicPartition tp, LogConfig config) throws IOException {
        PartitionLog partition = openLog(tp, config);
        internal.put(tp, partition);
        internalInOrder.add(partition);
        return partition;
    }

    private PartitionLog openLog(TopicPartition tp, LogConfig config) throws IOException {
        return PartitionLog.open(tp, dataDir.partitionDir(tp), config, settings.clock(), sealer, flusher,
                dataDir.cleanStart(), unreadableBatches, storageFailures);
    }

    /** A topic's partition, or null when there is no such partition. */
    PartitionLog get(TopicPartition tp) {
        return topics.get(tp);
    }

    /** A topic's or an internal log's partition (for the append seam), or null. */
    PartitionLog getIncludingInternal(TopicPartition tp) {
        PartitionLog partition = topics.get(tp);
        return partition != null ? partition : internal.get(tp);
    }

    /** The topics' partitions. */
    int count() {
        return topics.size();
    }

    /** The topic's new settings take effect at once. */
    void reconfigure(TopicPartition tp, LogConfig config) {
        PartitionLog partition = topics.get(tp);
        if (partition != null) {
            partition.updateConfig(config);
        }
    }

    /** Closes and deletes a topic's partition; readers holding a slice finish reading it first. */
    void delete(TopicPartition tp) throws IOException {
        PartitionLog partition = topics.remove(tp);
        if (partition != null) {
            cleaner.forget(partition.cleanable());
            partition.deleteAll();
        }
    }

    /**
     * Makes {@code copy} (a partition directory as a checkpoint holds it) this topic partition's
     * files and opens it again: the partition open now is closed, not deleted (a reader still
     * holding one of its segments keeps reading that file; deleting would remove by name the
     * copy's files of the same names), its directory removed, the copy moved in (a rename).
     */
    PartitionLog replace(TopicPartition tp, java.nio.file.Path copy, LogConfig config) throws IOException {
        PartitionLog current = topics.remove(tp);
        if (current != null) {
            cleaner.forget(current.cleanable());
            current.close();
        }
        java.nio.file.Path dir = dirOf(tp);
        DurableFiles.deleteTree(dir);
        java.nio.file.Files.move(copy, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return open(tp, config);
    }

    /** One retention pass over every partition: segment-age rolls, then retention.ms and retention.bytes. */
    void runRetention() {
        for (PartitionLog partition : all()) {
            try {
                partition.rollIfAged();
                partition.enforceRetention();
            } catch (IOException | RuntimeException e) {
                log.error("Retention of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /** One compaction pass over every compacted partition. */
    void runCleaner() {
        for (PartitionLog partition : all()) {
            try {
                cleaner.clean(partition.cleanable());
            } catch (IOException | RuntimeException e) {
                log.error("Compaction of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /**
     * Closes every partition (the topics', then the internal logs'), each flushed first.
     *
     * @return the last failure, or null when every partition closed cleanly
     */
    IOException closeAll() {
        IOException failure = null;
        for (PartitionLog partition : all()) {
            try {
                partition.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        topics.clear();
        return failure;
    }

    /** fsync of everything written so far to every partition, the topics' and the internal logs'. */
    void flushAll() throws IOException {
        for (PartitionLog partition : all()) {
            partition.flush();
        }
    }

    /**
     * Hard-links every partition's files, the topics' and the internal logs', into
     * {@code target/<topic>-<partition>/} ({@link PartitionLog#linkInto}).
     */
    List<EngineCheckpoint.File> linkAllInto(java.nio.file.Path target,
            java.util.function.Predicate<TopicPartition> include) throws IOException {
        List<EngineCheckpoint.File> files = new ArrayList<>();
        for (PartitionLog partition : all()) {
            if (!include.test(partition.topicPartition())) {
                continue;
            }
            String name = dataDir.partitionDir(partition.topicPartition()).getFileName().toString();
            files.addAll(partition.linkInto(target.resolve(name), name));
        }
        return files;
    }

    /** Opens a partition log in {@code dir} that this node does not host (a checkpoint's copy, to read it). */
    PartitionLog openDetached(TopicPartition tp, java.nio.file.Path dir, LogConfig config) throws IOException {
        return PartitionLog.open(tp, dir, config, settings.clock(), sealer, flusher, false, unreadableBatches,
                storageFailures);
    }

    /** Where the partition's directory is (or would be) in the data directory. */
    java.nio.file.Path dirOf(TopicPartition tp) {
        return dataDir.partitionDir(tp);
    }

    private List<PartitionLog> all() {
        List<PartitionLog> all = new ArrayList<>(topics.values());
        all.addAll(internalInOrder);
        return all;
    }
}
