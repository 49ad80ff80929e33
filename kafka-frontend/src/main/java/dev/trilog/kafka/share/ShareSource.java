package dev.trilog.kafka.share;

import dev.trilog.log.PartitionLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a share group's records of one topic come from: the share cursors of (topic, group). Two
 * kinds, so that the queue semantics stay in one place: {@link QueueShareSource} for a queue's own
 * group (the topic is a queue and the group its name: through {@code Queues}, with the queue's
 * delivery limit, expiry and dead-lettering), {@link CursorShareSource} for any other (topic, group).
 */
interface ShareSource {

    /** One acquired record: its partition, offset and delivery count (this delivery included). */
    record Acquired(int partition, long offset, int deliveryCount) {
    }

    /** One record to settle, as the member was given it. */
    record Held(int partition, long offset, int deliveryCount) {
    }

    /**
     * Acquires what is deliverable now for {@code member}, at most {@code maxRecords} (and about
     * {@code maxBytes}), locked for {@code lockMs}; completes once the delivery counts are durable.
     * With {@code wholeBatches} (ShareFetch's batch-optimized mode) a source may go past
     * {@code maxRecords} to the end of the log batch it stopped in. Never waits for records to arrive.
     */
    CompletableFuture<List<Acquired>> acquire(String member, List<Integer> partitions, int maxRecords, int maxBytes,
            long lockMs, boolean wholeBatches);

    /**
     * Settles records the way {@code type} says; completes, once durable where it must be, with
     * whether each (at its index) was still the member's to settle.
     */
    CompletableFuture<List<Boolean>> settle(List<Held> records, ShareAcknowledgement type, long lockMs);

    /** Everything {@code member} holds goes back, delivery counts kept (its session ended). */
    void releaseAll(String member);

    /** The partition's log, for wake-ups on append and for reading the acquired batches; null when gone. */
    PartitionLog log(int partition);

    /** Everything below this offset of the partition is done with (the share-partition start offset). */
    long startOffset(int partition);

    /** The partition's records from the start offset to its end not yet acknowledged or archived (KIP-932's lag). */
    long lag(int partition);
}
