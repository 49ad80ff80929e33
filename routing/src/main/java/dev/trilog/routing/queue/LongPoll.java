package dev.trilog.routing.queue;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A receive waiting for messages ({@link Queues#receive} with a wait, {@link Queues#receiveAsync}):
 * a one-time turn in its queue's {@link QueueDispatcher} ring. The first round that gives it
 * anything answers it with everything that round gave it (up to {@code max}), locked for its own
 * {@code lockMs}; its wait running out answers it empty.
 */
final class LongPoll extends QueueDispatcher.Recipient {

    final String queue;
    final String consumer;
    final int max;
    final long lockMs;
    final CompletableFuture<List<QueueDelivery>> future;
    /** When, on the engine's clock, its wait runs out. */
    final long deadlineMs;
    private final InstantSource clock;
    /** Given this round, and whether a round has given it anything (guarded by the dispatcher). */
    private int assigned;
    private boolean claimed;

    LongPoll(String queue, String consumer, int max, long lockMs, long waitMs,
            CompletableFuture<List<QueueDelivery>> future, InstantSource clock) {
        this.deadlineMs = clock.millis() + waitMs;
        this.queue = queue;
        this.consumer = consumer;
        this.max = max;
        this.lockMs = lockMs;
        this.future = future;
        this.clock = clock;
    }

    @Override
    int demand() {
        return claimed || future.isDone() ? 0 : max - assigned;
    }

    @Override
    boolean gone() {
        return claimed || future.isDone();
    }

    @Override
    void assign(QueueDelivery delivery) {
        assigned++;
    }

    @Override
    void roundOver() {
        claimed = true;
    }

    /** The round took them without a deadline: the poll's own lock time starts now. */
    @Override
    List<QueueDelivery> relock(QueueRuntime q, List<QueueDelivery> given) {
        long deadline = clock.millis() + lockMs;
        List<QueueDelivery> out = new ArrayList<>(given.size());
        for (QueueDelivery d : given) {
            DeliveryTag tag = d.tag();
            q.cursors[tag.partition()].extendLock(tag.offset(), tag.acquisitions(), deadline);
            out.add(new QueueDelivery(tag, d.message(), d.acquisitions(), d.failedDeliveries(), deadline,
                    d.publishTimestampMs(), d.firstAcquiredMs()));
        }
        return out;
    }

    @Override
    void hand(QueueRuntime q, List<QueueDelivery> given) {
        if (!future.complete(given)) {
            given.forEach(d -> QueueDispatcher.release(q, d)); // the caller gave up meanwhile: hand them back
        }
    }

    @Override
    void failed(List<QueueDelivery> given, Throwable failure) {
        future.completeExceptionally(failure);
    }

    @Override
    void end(Subscription.End why) {
        if (why == Subscription.End.QUEUE_DELETED) {
            future.completeExceptionally(new UnknownQueueException(queue));
        } else {
            future.complete(List.of());
        }
    }
}
