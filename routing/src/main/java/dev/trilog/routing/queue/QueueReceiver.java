package dev.trilog.routing.queue;

import dev.trilog.log.share.Delivery;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The receive side of {@link Queues}: acquires from the partitions in turn and delivers what may
 * be delivered; a message past its expiry or its delivery limit is dead-lettered instead.
 *
 * <p>{@link #take} does the work without waiting on the disk (the push rounds and the
 * asynchronous receive use it on the delivery thread); {@link #receive} is take, then waits.
 */
final class QueueReceiver {

    /**
     * What {@link #take} acquired.
     *
     * @param deliveries   the messages to hand out, once {@code durable} completed
     * @param exhausted    every partition had nothing more to give when take stopped (false when
     *                     it stopped because it had {@code maxMessages})
     * @param durable      completes once the deliveries' new counts are written
     * @param deadLettered completes once the messages take dead-lettered instead are dead letters
     */
    record Taken(List<QueueDelivery> deliveries, boolean exhausted, CompletableFuture<Void> durable,
            CompletableFuture<Void> deadLettered) {
    }

    private final QueueRuntimes runtimes;
    private final DeadLetterPublisher deadLetterPublisher;
    private final QueuesSettings settings;
    private final InstantSource clock;

    QueueReceiver(QueueRuntimes runtimes, DeadLetterPublisher deadLetterPublisher, QueuesSettings settings, InstantSource clock) {
        this.runtimes = runtimes;
        this.deadLetterPublisher = deadLetterPublisher;
        this.settings = settings;
        this.clock = clock;
    }

    /** Takes and waits until the counts are durable and the dead letters written (see {@link Queues#receive}). */
    List<QueueDelivery> receive(String queue, String consumer, int maxMessages, long lockMs) {
        check(maxMessages, lockMs);
        Taken taken = take(runtimes.get(queue), consumer, maxMessages, lockMs);
        taken.durable().join();
        taken.deadLettered().join();
        return taken.deliveries();
    }

    static void check(int maxMessages, long lockMs) {
        if (maxMessages < 1 || lockMs < 0) {
            throw new IllegalArgumentException("maxMessages must be positive and lockMs not negative");
        }
    }

    /**
     * Acquires up to {@code maxMessages} deliverable messages for {@code owner}, locked for
     * {@code lockMs} ({@link ShareCursor#NO_DEADLINE}: until settled), without waiting for the
     * disk. Messages past their expiry or delivery limit are dead-lettered on the way and do not
     * count.
     */
    Taken take(QueueRuntime q, String owner, int maxMessages, long lockMs) {
        List<QueueDelivery> out = new ArrayList<>(Math.min(maxMessages, 64));
        List<CompletableFuture<Void>> writes = new ArrayList<>(2);
        List<CompletableFuture<?>> deadLetters = new ArrayList<>(0);
        int first = q.firstReceivePartition();
        for (int i = 0; i < q.partitions() && out.size() < maxMessages; i++) {
            takeFrom(q, (first + i) % q.partitions(), owner, maxMessages, lockMs, out, writes, deadLetters);
        }
        return new Taken(out.isEmpty() ? Collections.emptyList() : out, out.size() < maxMessages, allOf(writes),
                allOf(deadLetters));
    }

    private void takeFrom(QueueRuntime q, int partition, String owner, int maxMessages, long lockMs,
            List<QueueDelivery> out, List<CompletableFuture<Void>> writes, List<CompletableFuture<?>> deadLetters) {
        ShareCursor cursor = q.cursors[partition];
        long limit = q.spec.maxDeliveryCount();
        while (out.size() < maxMessages) {
            ShareCursor.Acquisition taken = cursor.acquireAsync(owner, maxMessages - out.size(),
                    settings.receiveMaxBytes(), lockMs);
            if (taken.deliveries().isEmpty()) {
                return;
            }
            writes.add(taken.durable());
            long now = clock.millis();
            for (Delivery delivery : taken.deliveries()) {
                Message message = MessageMapping.fromRecord(delivery.record());
                DeliveryTag tag = new DeliveryTag(q.spec.name(), partition, delivery.offset(), delivery.acquisitions());
                if (limit >= 0 && delivery.acquisitions() > limit) {
                    deadLetters.add(deadLetterPublisher.deadLetterAndArchive(q, tag, message,
                            DeadLetterHeaders.Reason.DELIVERY_LIMIT));
                } else if (expired(q.spec, message, now)) {
                    deadLetters.add(deadLetterPublisher.deadLetterAndArchive(q, tag, message,
                            DeadLetterHeaders.Reason.EXPIRED));
                } else {
                    Long firstTime = q.firstAcquired[partition].putIfAbsent(delivery.offset(), now);
                    out.add(new QueueDelivery(tag, message, delivery.acquisitions(), delivery.failedDeliveries(),
                            delivery.lockDeadline(), delivery.record().timestamp(),
                            firstTime == null ? now : firstTime));
                }
            }
        }
    }

    private static CompletableFuture<Void> allOf(List<? extends CompletableFuture<?>> futures) {
        if (futures.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (futures.size() == 1) {
            return futures.get(0).thenApply(v -> null);
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    }

    static boolean expired(QueueSpec spec, Message message, long now) {
        Long own = message.properties().expiryTime();
        if (own != null && own <= now) {
            return true;
        }
        var ttl = spec.messageTtlMs();
        return ttl.isPresent() && message.timestamp() != Message.NO_TIMESTAMP
                && message.timestamp() + ttl.getAsLong() <= now;
    }
}
