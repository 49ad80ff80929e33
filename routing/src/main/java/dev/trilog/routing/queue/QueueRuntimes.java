package dev.trilog.routing.queue;

import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.topology.Topology;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@link QueueRuntime} of each queue in use, built on first use from the topology and the
 * engine, and rebuilt when the queue or its topic changed (re-declared, topic re-created,
 * partitions added).
 */
final class QueueRuntimes {

    /** Told when a cursor archives a record by itself (see {@link ArchiveListener}). */
    @FunctionalInterface
    interface CursorArchive {
        void archived(String queue, int partition, long offset, ArchiveListener.Reason reason);
    }

    private final LogEngine engine;
    private final Topology topology;
    private final QueuesSettings settings;
    private final Executor appender;
    private final PublishBacklog backlog;
    /** The append listener of a queue's logs, by queue name (wakes its long polls). */
    private final Function<String, Runnable> appendListeners;
    private final CursorArchive cursorArchive;
    private final Map<String, QueueRuntime> runtimes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    QueueRuntimes(LogEngine engine, Topology topology, QueuesSettings settings, Executor appender,
            PublishBacklog backlog, Function<String, Runnable> appendListeners, CursorArchive cursorArchive) {
        this.engine = engine;
        this.topology = topology;
        this.settings = settings;
        this.appender = appender;
        this.backlog = backlog;
        this.appendListeners = appendListeners;
        this.cursorArchive = cursorArchive;
    }

    /** The queue's runtime. @throws UnknownQueueException when there is no such queue */
    QueueRuntime get(String queue) {
        return find(queue).orElseThrow(() -> new UnknownQueueException(queue));
    }

    /** The queue's runtime as last built, or null: no topology lookup, for hot-path estimates. */
    QueueRuntime peek(String queue) {
        return runtimes.get(queue);
    }

    /** The runtime of the tag's queue when the queue exists and has the tag's partition, else null. */
    QueueRuntime forTag(DeliveryTag tag) {
        Optional<QueueRuntime> q = find(tag.queue());
        return q.isPresent() && tag.partition() >= 0 && tag.partition() < q.get().partitions() ? q.get() : null;
    }

    /**
     * The queue's runtime, built on first use and rebuilt when the queue or its topic changed.
     *
     * @throws IllegalStateException when closed
     */
    Optional<QueueRuntime> find(String queue) {
        if (closed) {
            throw new IllegalStateException("queues are closed");
        }
        Optional<QueueSpec> spec = topology.queue(queue);
        Optional<Topic> topic = spec.isPresent() ? engine.topic(spec.get().topic()) : Optional.empty();
        if (topic.isEmpty()) {
            QueueRuntime gone = runtimes.remove(queue);
            if (gone != null) {
                gone.detach();
            }
            return Optional.empty();
        }
        QueueRuntime current = runtimes.get(queue);
        if (current != null && current.serves(spec.get(), topic.get())) {
            return Optional.of(current);
        }
        synchronized (runtimes) {
            current = runtimes.get(queue);
            if (current != null && current.serves(spec.get(), topic.get())) {
                return Optional.of(current);
            }
            QueueRuntime built = build(spec.get(), topic.get());
            if (built == null) {
                return Optional.empty();
            }
            QueueRuntime old = runtimes.put(queue, built);
            if (old != null) {
                old.detach();
            }
            return Optional.of(built);
        }
    }

    private QueueRuntime build(QueueSpec spec, Topic topic) {
        int n = topic.partitions();
        PartitionLog[] logs = new PartitionLog[n];
        ShareCursor[] cursors = new ShareCursor[n];
        PublishAccumulator[] accumulators = new PublishAccumulator[n];
        long limit = spec.maxDeliveryCount();
        // one above the queue's limit: receive dead-letters at limit + 1 acquisitions, before archiving
        int cursorLimit = limit < 0 || limit >= Integer.MAX_VALUE - 1 ? Integer.MAX_VALUE : (int) limit + 1;
        ShareGroupSettings group = new ShareGroupSettings(cursorLimit, ShareGroupSettings.LimitCounts.ACQUISITIONS,
                settings.maxInFlight());
        QueueDeliveryPolicy policy = new QueueDeliveryPolicy(spec);
        try {
            for (int p = 0; p < n; p++) {
                TopicPartition tp = new TopicPartition(spec.topic(), p);
                logs[p] = engine.partition(tp);
                if (logs[p] == null) {
                    return null;
                }
                int partition = p;
                cursors[p] = engine.shareCursor(tp, spec.shareGroup(), group, policy,
                        (g, offset, reason) -> cursorArchive.archived(spec.name(), partition, offset, reason));
                accumulators[p] = new PublishAccumulator(engine.appender(), tp, settings.maxBatchRecords(),
                        settings.maxBatchBytes(), appender, backlog);
            }
        } catch (UnknownTopicException e) {
            return null; // deleted meanwhile
        }
        return new QueueRuntime(spec, topic.id(), logs, cursors, accumulators, appendListeners.apply(spec.name()));
    }

    /** Forgets the first delivery times of records below each cursor's start (done with). */
    void forgetSettled() {
        for (QueueRuntime q : runtimes.values()) {
            q.forgetSettled();
        }
    }

    boolean closed() {
        return closed;
    }

    /** From now on every lookup fails: the facade is closing. */
    void markClosed() {
        closed = true;
    }

    /** Stops listening to every log and forgets the runtimes. */
    void detachAll() {
        runtimes.values().forEach(QueueRuntime::detach);
        runtimes.clear();
    }
}
