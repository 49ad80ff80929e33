package dev.trilog.amqp.v091;

import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.routing.address.VhostNames;
import java.util.HashMap;
import java.util.Map;

/**
 * What RabbitMQ tracks per queue across connections and Trilog's topology does not: which
 * connection owns an exclusive queue, how many consumers a queue has (declare-ok's consumer
 * count, delete's if-unused, auto-delete when the last one leaves) and whether one of them is
 * exclusive. In memory: exclusive queues and consumers end with the process anyway.
 *
 * <p>Thread-safe (one lock); called from event loops and the topology thread.
 */
final class QueueOwners {

    private final Map<String, Long> exclusiveOwner = new HashMap<>();
    private final Map<String, Integer> consumers = new HashMap<>();
    private final Map<String, Boolean> exclusiveConsumer = new HashMap<>();

    /** Refuses a connection that is not the owner of an exclusive queue (405). */
    synchronized void checkAccess(String queue, boolean exclusive, long connection) throws AmqpException {
        if (!exclusive) {
            return;
        }
        Long owner = exclusiveOwner.get(queue);
        if (owner != null && owner != connection) {
            throw AmqpException.of(ReplyCode.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue "
                    + VhostNames.describe(queue) + ". It could be originally declared on another connection or the exclusive"
                    + " property value does not match that of the original declaration.");
        }
    }

    synchronized void claim(String queue, long connection) {
        exclusiveOwner.putIfAbsent(queue, connection);
    }

    /** The queue is gone: forget everything about it. */
    synchronized void forget(String queue) {
        exclusiveOwner.remove(queue);
        consumers.remove(queue);
        exclusiveConsumer.remove(queue);
    }

    synchronized int consumers(String queue) {
        return consumers.getOrDefault(queue, 0);
    }

    /**
     * Counts a new consumer; refuses it (403) when an exclusive consumer holds the queue, or when
     * it wants to be exclusive and the queue has consumers.
     */
    synchronized void addConsumer(String queue, boolean exclusive) throws AmqpException {
        int now = consumers.getOrDefault(queue, 0);
        if (exclusiveConsumer.getOrDefault(queue, false) || exclusive && now > 0) {
            throw AmqpException.of(ReplyCode.ACCESS_REFUSED, "queue " + VhostNames.describe(queue) + " in exclusive use");
        }
        consumers.put(queue, now + 1);
        if (exclusive) {
            exclusiveConsumer.put(queue, true);
        }
    }

    /** A consumer left; true when it was the queue's last. */
    synchronized boolean removeConsumer(String queue, boolean exclusive) {
        int now = consumers.getOrDefault(queue, 0) - 1;
        if (exclusive) {
            exclusiveConsumer.remove(queue);
        }
        if (now <= 0) {
            consumers.remove(queue);
            return true;
        }
        consumers.put(queue, now);
        return false;
    }
}
