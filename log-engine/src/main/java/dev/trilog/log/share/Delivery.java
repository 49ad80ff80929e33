package dev.trilog.log.share;

import dev.trilog.log.record.LogRecord;

/**
 * One record handed to a consumer.
 *
 * @param record           the record
 * @param acquisitions     how many times it has been acquired, this time included (SQS
 *                         ApproximateReceiveCount; {@code > 1} means redelivered); a later
 *                         acknowledge or release names it to prove it is not stale
 * @param failedDeliveries deliveries that failed before this one (AMQP 1.0 header delivery-count)
 * @param lockDeadline     when the lock ends and the record becomes available again (epoch ms)
 */
public record Delivery(LogRecord record, int acquisitions, int failedDeliveries, long lockDeadline) {

    public long offset() {
        return record.offset();
    }
}
