package dev.trilog.routing.queue;

import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.share.ShareCounts;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    /** Guards the admitted-not-yet-appended counts of a length-limited queue ({@link QueueLengthLimit}). */
    final Object lengthLock = new Object();
    long admittedMessages;
    long admittedBytes;
    /** The admitted appends not yet complete, each done once its counts are taken back. */
    final Set<CompletableFuture<?>> admittedAppends = new HashSet<>();
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

    /** Writes the acknowledgements {@link Queues#acknowledgeAllWithNextWrite} left unwritten, if any. */
    void writeDeferred() {
        for (ShareCursor cursor : cursors) {
            cursor.writeDeferred();
        }
    }

    int partitions() {
        return logs.length;
    }

    /** How long a sample of the undelivered backlog stands before the next one tells whether it grew. */
    static final long GROWTH_WINDOW_NANOS = 10_000_000;
    private volatile long growthSample;
    private volatile long growthSampledAt;
    private volatile boolean growing;

    /**
     * Whether the undelivered backlog ({@code undelivered} now) grew over the last sampling window
     * of {@value #GROWTH_WINDOW_NANOS} ns: publishers are outrunning the consumers. Lock-free; the
     * samples of racing callers may interleave, which only shifts a window.
     */
    boolean backlogGrowing(long undelivered) {
        long now = System.nanoTime();
        if (now - growthSampledAt >= GROWTH_WINDOW_NANOS) {
            growing = undelivered > growthSample;
            growthSample = undelivered;
            growthSampledAt = now;
        }
        return growing;
    }

    /** Messages appended that no receive has reached yet, over all partitions (lock-free, approximate). */
    long undeliveredEstimate() {
        long n = 0;
        for (ShareCursor cursor : cursors) {
            n += cursor.undeliveredEstimate();
        }
        return n;
    }

    /** Whether this runtime is still the one for {@code current} over {@code topic}. */
    boolean serves(QueueSpec current, Topic topic) {
        return spec == current && topicId.equals(topic.id()) && partitions() == topic.partitions();
    }

    /** The record at {@code offset} of {@code partition}, or null when it is gone from the log. */
    LogRecord record(int partition, long offset) {
        try {
            for (LogRecord record : logs[partition].readRecords(offset, 1)) {
                if (record.offset() == offset) {
                    return record;
                }
                if (record.offset() > offset) {
                    break;
                }
            }
        } catch (OffsetOutOfRangeException | IOException e) {
            // gone from the log
        }
        return null;
    }

    /** Ready (deliverable now) messages and their value and key bytes, over all partitions. */
    record Ready(long messages, long bytes) {
    }

    Ready ready() {
        long messages = 0;
        long bytes = 0;
        for (ShareCursor cursor : cursors) {
            ShareCounts c = cursor.counts();
            messages += c.available();
            bytes += c.availableBytes();
        }
        return new Ready(messages, bytes);
    }

    /** Counts over all partitions; the oldest available message's age against {@code now}. */
    QueueCounts counts(long now) {
        long available = 0;
        long inFlight = 0;
        long delayed = 0;
        long archived = 0;
        long oldest = Long.MAX_VALUE;
        for (ShareCursor cursor : cursors) {
            ShareCounts c = cursor.counts();
            available += c.available();
            inFlight += c.acquired();
            delayed += c.delayed();
            archived += c.archived();
            if (c.oldestAvailableAt() >= 0) {
                oldest = Math.min(oldest, c.oldestAvailableAt());
            }
        }
        long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest);
        return new QueueCounts(available, inFlight, delayed, archived, age);
    }

    /** Purges every partition's cursor; completes when all are durable. */
    CompletableFuture<Void> purge(boolean includingInFlight) {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (ShareCursor cursor : cursors) {
            all.add(cursor.purge(includingInFlight));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Forgets the first delivery times of records below each cursor's start offset (done with). */
    void forgetSettled() {
        for (int p = 0; p < partitions(); p++) {
            long start = cursors[p].startOffset();
            firstAcquired[p].keySet().removeIf(offset -> offset < start);
        }
    }

    /**
     * A FIFO queue's keyed record goes where Kafka's default partitioner would put it (murmur2 of
     * the key), so a group stays in one partition whoever writes it; anything else round-robin.
     */
    int partitionFor(RecordData record) {
        if (logs.length == 1) {
            return 0; // no shared counter to bump
        }
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
