package dev.trilog.routing.queue;

import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

/**
 * One queue as {@link Queues} serves it: per partition of its topic the log, the share cursor
 * and the publish accumulator. Replaced when the queue is re-declared, its topic re-created or
 * given more partitions.
 */
final class QueueRuntime {

    final QueueSpec spec;
    final Uuid topicId;
    final PartitionLog[] logs;
    final ShareCursor[] cursors;
    final PublishAccumulator[] accumulators;
    /** First delivery time per offset, per partition, while the record is in flight or available again. */
    final Map<Long, Long>[] firstAcquired;
    final Runnable onAppend;
    private final AtomicInteger nextPublishPartition = new AtomicInteger();
    private final AtomicInteger nextReceivePartition = new AtomicInteger();

    @SuppressWarnings("unchecked")
    QueueRuntime(QueueSpec spec, Uuid topicId, PartitionLog[] logs, ShareCursor[] cursors,
            PublishAccumulator[] accumulators, Runnable onAppend) {
        this.spec = spec;
        this.topicId = topicId;
        this.logs = logs;
        this.cursors = cursors;
        this.accumulators = accumulators;
        this.onAppend = onAppend;
        this.firstAcquired = new Map[logs.length];
        for (int i = 0; i < logs.length; i++) {
            firstAcquired[i] = new ConcurrentHashMap<>();
            logs[i].addAppendListener(onAppend);
        }
    }

    int partitions() {
        return logs.length;
    }

    /**
     * A FIFO queue's keyed record goes where Kafka's default partitioner would put it (murmur2 of
     * the key), so a group stays in one partition whoever writes it; anything else round-robin.
     */
    int partitionFor(RecordData record) {
        if (spec.fifo() && record.key() != null) {
            return Utils.toPositive(Utils.murmur2(record.key())) % logs.length;
        }
        return Math.floorMod(nextPublishPartition.getAndIncrement(), logs.length);
    }

    /** Where the next receive starts, so partitions are served in turn. */
    int firstReceivePartition() {
        return Math.floorMod(nextReceivePartition.getAndIncrement(), logs.length);
    }

    /** Stops listening to the logs (the runtime was replaced or the facade closed). */
    void detach() {
        for (PartitionLog log : logs) {
            log.removeAppendListener(onAppend);
        }
    }
}
