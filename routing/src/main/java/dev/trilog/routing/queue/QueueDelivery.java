package dev.trilog.routing.queue;

import dev.trilog.routing.message.Message;

/**
 * One message handed to a consumer by {@link Queues#receive} or pushed to a {@link DeliverySink}.
 *
 * @param tag                settles this delivery (acknowledge, release, reject, extendLock)
 * @param message            the message as stored
 * @param acquisitions       deliveries so far, this one included (SQS ApproximateReceiveCount;
 *                           {@code > 1} = redelivered)
 * @param failedDeliveries   failed deliveries before this one (AMQP 1.0 header delivery-count)
 * @param lockDeadlineMs     when the lock ends and the message becomes available again (epoch ms);
 *                           {@link Long#MAX_VALUE} for a {@link Subscription}'s delivery, held until
 *                           settled
 * @param publishTimestampMs the record's timestamp (SQS SentTimestamp)
 * @param firstAcquiredMs    when it was first delivered (SQS ApproximateFirstReceiveTimestamp); after a
 *                           restart, the first delivery this process made
 */
public record QueueDelivery(DeliveryTag tag, Message message, int acquisitions, int failedDeliveries,
        long lockDeadlineMs, long publishTimestampMs, long firstAcquiredMs) {
}
