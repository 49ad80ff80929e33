package dev.trilog.routing.queue;

import java.util.List;

/**
 * Where a {@link Subscription}'s messages are pushed: the frontend's side of
 * {@link Queues#subscribe}.
 *
 * <p><b>Threading.</b> Every method is called on the facade's one delivery thread
 * ({@code trilog-queue-delivery}), never on the frontend's own threads, and one subscription's
 * calls come one at a time, in order. That thread serves every queue: an implementation hands
 * the work to its own event loop (e.g. {@code channel.eventLoop().execute(…)}) and returns; it
 * must not block or throw. It may call back into the subscription or the facade (settle,
 * addCredit, cancel) from here.
 */
@FunctionalInterface
public interface DeliverySink {

    /**
     * Messages for the subscription's consumer, in queue order, each already counted against the
     * credit and held for it (no lock deadline) until it is settled through
     * {@link Subscription#settle} or the subscription is cancelled. Their delivery counts are
     * durable before this is called.
     */
    void deliver(Subscription subscription, List<QueueDelivery> deliveries);

    /**
     * The drain the consumer asked for ({@link Subscription#drain}) is done: what was available
     * has been delivered (before this call), and the credit left, {@code creditDropped}, is gone
     * (AMQP 1.0: advance the delivery-count by it and send the flow with credit 0).
     */
    default void drained(Subscription subscription, int creditDropped) {
    }

    /**
     * The subscription ended without its consumer asking: nothing more will be delivered. What it
     * held is released by the facade (when the queue still exists).
     */
    default void ended(Subscription subscription, Subscription.End why) {
    }
}
