package dev.trilog.routing.queue;

import dev.trilog.log.share.ShareGroupSettings;

/**
 * Limits of a {@link Queues}.
 *
 * @param maxBatchRecords      most publishes one append carries (group commit)
 * @param maxBatchBytes        most body and key bytes one append carries (at least one message always goes)
 * @param deduplicationWindowMs how long a deduplication id is remembered (SQS: 5 minutes)
 * @param longPollTickMs       how often waiting long polls and subscriptions look again for lock
 *                             and delay expiry and deleted queues (an append wakes them at once)
 * @param receiveMaxBytes      bytes one receive asks of one partition (at least one message always comes)
 * @param maxInFlight          in-flight window per partition (see {@link ShareGroupSettings#maxInFlight})
 * @param backlogHighWaterBytes publish bytes accepted and not yet durable at which
 *                             {@link PublishBacklog} blocks
 * @param backlogLowWaterBytes the bytes it unblocks at again (below the high-water mark)
 * @param paceBacklogMessages  consumer-paced publishing: publishers to a queue whose consumers are
 *                             taking messages wait while more than this many wait for them —
 *                             reached by none of them yet, or delivered to a push consumer that is
 *                             settling and not yet settled ({@link Queues#paced}); 0 = never
 * @param paceActiveMs         how recently a queue must have handed a message out (and a push
 *                             consumer settled one) to count as taking, for the pace
 */
public record QueuesSettings(int maxBatchRecords, int maxBatchBytes, long deduplicationWindowMs,
        long longPollTickMs, int receiveMaxBytes, int maxInFlight, long backlogHighWaterBytes,
        long backlogLowWaterBytes, long paceBacklogMessages, long paceActiveMs) {

    public QueuesSettings {
        if (maxBatchRecords < 1 || maxBatchBytes < 1 || deduplicationWindowMs < 0 || longPollTickMs < 1
                || receiveMaxBytes < 1 || maxInFlight < 1 || backlogLowWaterBytes < 0
                || backlogHighWaterBytes <= backlogLowWaterBytes || paceBacklogMessages < 0 || paceActiveMs < 1) {
            throw new IllegalArgumentException("queue settings must be positive (backlog low < high): " + this);
        }
    }

    public static final long DEFAULT_PACE_BACKLOG = 64;
    /** Consumers that handed out or settled nothing for this long stopped taking (as far as the pace goes). */
    public static final long DEFAULT_PACE_ACTIVE_MS = 200;

    /**
     * 64 MiB of publishes not yet durable block, 32 MiB unblock: far above what a healthy disk
     * leaves pending. Publishers are paced once {@value #DEFAULT_PACE_BACKLOG} messages wait for
     * busy consumers, in the queue or unsettled in their prefetch: at tens of thousands of
     * deliveries a second, a few milliseconds of queueing (in the AMQP 0-9-1 benchmark, counting
     * the queue alone, 1,000 gave the same throughput as 250 with a 4× longer p99, and 64 the same
     * as 250 with a p99 a third lower; counting the prefetch too bounds what a client that keeps
     * its prefetch full adds on top: bench/amqp091/RESULTS.md, 2026-12-06).
     */
    public static QueuesSettings defaults() {
        return new QueuesSettings(4096, 1 << 20, 5 * 60_000L, 100, 1 << 20, ShareGroupSettings.DEFAULT_MAX_IN_FLIGHT,
                64L << 20, 32L << 20, DEFAULT_PACE_BACKLOG, DEFAULT_PACE_ACTIVE_MS);
    }

    public QueuesSettings withLongPollTickMs(long value) {
        return new QueuesSettings(maxBatchRecords, maxBatchBytes, deduplicationWindowMs, value, receiveMaxBytes,
                maxInFlight, backlogHighWaterBytes, backlogLowWaterBytes, paceBacklogMessages, paceActiveMs);
    }

    public QueuesSettings withDeduplicationWindowMs(long value) {
        return new QueuesSettings(maxBatchRecords, maxBatchBytes, value, longPollTickMs, receiveMaxBytes,
                maxInFlight, backlogHighWaterBytes, backlogLowWaterBytes, paceBacklogMessages, paceActiveMs);
    }

    public QueuesSettings withBacklogWaterMarks(long highBytes, long lowBytes) {
        return new QueuesSettings(maxBatchRecords, maxBatchBytes, deduplicationWindowMs, longPollTickMs,
                receiveMaxBytes, maxInFlight, highBytes, lowBytes, paceBacklogMessages, paceActiveMs);
    }

    public QueuesSettings withPaceBacklogMessages(long value) {
        return new QueuesSettings(maxBatchRecords, maxBatchBytes, deduplicationWindowMs, longPollTickMs,
                receiveMaxBytes, maxInFlight, backlogHighWaterBytes, backlogLowWaterBytes, value, paceActiveMs);
    }

    /** Tests on a loaded machine lengthen it: handing out and settling are then slow, not stopped. */
    public QueuesSettings withPaceActiveMs(long value) {
        return new QueuesSettings(maxBatchRecords, maxBatchBytes, deduplicationWindowMs, longPollTickMs,
                receiveMaxBytes, maxInFlight, backlogHighWaterBytes, backlogLowWaterBytes, paceBacklogMessages, value);
    }
}
