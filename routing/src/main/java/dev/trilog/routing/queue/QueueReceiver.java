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

/**
 * The receive side of {@link Queues}: acquires from the partitions in turn and delivers what may
 * be delivered; a message past its expiry or its delivery limit is dead-lettered instead.
 */
final class QueueReceiver {

    private final QueueRuntimes runtimes;
    private final DeadLettering deadLettering;
    private final QueuesSettings settings;
    private final InstantSource clock;

    QueueReceiver(QueueRuntimes runtimes, DeadLettering deadLettering, QueuesSettings settings, InstantSource clock) {
        this.runtimes = runtimes;
        this.deadLettering = deadLettering;
        this.settings = settings;
        this.clock = clock;
    }

    List<QueueDelivery> receive(String queue, String consumer, int maxMessages, long lockMs) {
        if (maxMessages < 1 || lockMs < 0) {
            throw new IllegalArgumentException("maxMessages must be positive and lockMs not negative");
        }
        QueueRuntime q = runtimes.get(queue);
        List<QueueDelivery> out = new ArrayList<>(Math.min(maxMessages, 64));
        int first = q.firstReceivePartition();
        for (int i = 0; i < q.partitions() && out.size() < maxMessages; i++) {
            receiveFrom(q, (first + i) % q.partitions(), consumer, maxMessages, lockMs, out);
        }
        return out.isEmpty() ? Collections.emptyList() : out;
    }

    private void receiveFrom(QueueRuntime q, int partition, String consumer, int maxMessages, long lockMs,
            List<QueueDelivery> out) {
        ShareCursor cursor = q.cursors[partition];
        long limit = q.spec.maxDeliveryCount();
        while (out.size() < maxMessages) {
            List<Delivery> taken = cursor.acquire(consumer, maxMessages - out.size(), settings.receiveMaxBytes(),
                    lockMs);
            if (taken.isEmpty()) {
                return;
            }
            long now = clock.millis();
            for (Delivery delivery : taken) {
                Message message = MessageMapping.fromRecord(delivery.record());
                DeliveryTag tag = new DeliveryTag(q.spec.name(), partition, delivery.offset(), delivery.acquisitions());
                if (limit >= 0 && delivery.acquisitions() > limit) {
                    deadLettering.deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.DELIVERY_LIMIT)
                            .join();
                } else if (expired(q.spec, message, now)) {
                    deadLettering.deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.EXPIRED).join();
                } else {
                    Long firstTime = q.firstAcquired[partition].putIfAbsent(delivery.offset(), now);
                    out.add(new QueueDelivery(tag, message, delivery.acquisitions(), delivery.failedDeliveries(),
                            delivery.lockDeadline(), delivery.record().timestamp(),
                            firstTime == null ? now : firstTime));
                }
            }
        }
    }

    private static boolean expired(QueueSpec spec, Message message, long now) {
        Long own = message.properties().expiryTime();
        if (own != null && own <= now) {
            return true;
        }
        var ttl = spec.messageTtlMs();
        return ttl.isPresent() && message.timestamp() != Message.NO_TIMESTAMP
                && message.timestamp() + ttl.getAsLong() <= now;
    }
}
