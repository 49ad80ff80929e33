package dev.trilog.routing.queue;

/**
 * A queue's approximate counts over all its partitions (SQS ApproximateNumberOfMessages…,
 * AMQP queue.declare-ok message count, metrics).
 *
 * @param available            deliverable now
 * @param inFlight             locked by a consumer
 * @param delayed              waiting for their not-before time
 * @param archived             given up (rejected, expired, over the delivery limit) since the queue was opened
 * @param oldestAvailableAgeMs age of the oldest deliverable message, 0 when none
 */
public record QueueCounts(long available, long inFlight, long delayed, long archived, long oldestAvailableAgeMs) {
}
