package dev.trilog.routing.queue;

/**
 * How a consumer settles a delivery ({@link Queues#settle}, {@link Subscription#settle}): the
 * four outcomes every dialect maps onto (docs/queues.md, "Push: subscriptions").
 *
 * <p>A delivery carries two counts ({@link QueueDelivery}): {@code acquisitions}, raised by every
 * delivery (RabbitMQ 4.3's {@code x-acquired-count}, SQS ApproximateReceiveCount, what
 * {@code x-delivery-limit} counts), and {@code failedDeliveries}, raised only by
 * {@link #RELEASE_FAILED} (AMQP 1.0's header {@code delivery-count}, RabbitMQ's
 * {@code x-delivery-count}).
 */
public enum Settlement {
    /**
     * Done with the message; settled once that is durable. AMQP 1.0 {@code accepted}, 0-9-1
     * {@code basic.ack}, SQS DeleteMessage.
     */
    ACCEPT,
    /**
     * Back to the queue, failed-delivery count unchanged. AMQP 1.0 {@code released}, 0-9-1
     * {@code basic.nack requeue=true}.
     */
    RELEASE,
    /**
     * Back to the queue with one more failed delivery. AMQP 1.0
     * {@code modified{delivery-failed=true}}, 0-9-1 {@code basic.reject requeue=true} (as RabbitMQ
     * 4.3 counts it), and what a closed link, channel or connection does to what it held.
     */
    RELEASE_FAILED,
    /**
     * Given up: dead-lettered by the queue's policy (dropped when it has none), then archived;
     * settled once both are durable. AMQP 1.0 {@code rejected}, 0-9-1 {@code basic.reject} /
     * {@code basic.nack} with {@code requeue=false}.
     */
    REJECT
}
