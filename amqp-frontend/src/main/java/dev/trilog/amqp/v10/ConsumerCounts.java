package dev.trilog.amqp.v10;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many AMQP 1.0 receiving links consume each queue, over every connection: the
 * {@code consumer_count} the {@code /management} node reports, and when an auto-delete queue lost
 * its last consumer, and which connection owns each exclusive queue. Stream readers are not consumers.
 */
public final class ConsumerCounts {

    private final Map<String, AtomicInteger> byQueue = new ConcurrentHashMap<>();
    /** Exclusive queues declared through /management, by the connection that owns them. */
    private final Map<String, Object> exclusiveOwners = new ConcurrentHashMap<>();

    void ownExclusive(String queue, Object connection) {
        exclusiveOwners.put(queue, connection);
    }

    void disownExclusive(String queue, Object connection) {
        exclusiveOwners.remove(queue, connection);
    }

    /** True when {@code queue} is exclusive to another connection than {@code connection}. */
    boolean lockedAgainst(String queue, Object connection) {
        Object owner = exclusiveOwners.get(queue);
        return owner != null && owner != connection;
    }

    void added(String queue) {
        byQueue.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
    }

    /** @return true when that was the queue's last consumer */
    boolean removed(String queue) {
        boolean[] last = {false};
        byQueue.computeIfPresent(queue, (q, count) -> {
            if (count.decrementAndGet() <= 0) {
                last[0] = true;
                return null;
            }
            return count;
        });
        return last[0];
    }

    int of(String queue) {
        AtomicInteger count = byQueue.get(queue);
        return count == null ? 0 : count.get();
    }
}
