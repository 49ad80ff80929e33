package dev.trilog.routing.queue;

import dev.trilog.routing.address.VhostNames;

/**
 * A publish refused because the queue is at its length limit and its {@code x-overflow} is
 * {@code reject-publish} or {@code reject-publish-dlx} (0-9-1 nacks it, AMQP 1.0 rejects it).
 */
public final class QueueFullException extends RuntimeException {

    private final String queue;

    public QueueFullException(String queue) {
        super("queue " + VhostNames.describe(queue)
                + " is full (x-max-length / x-max-length-bytes with x-overflow reject-publish)",
                null, false, false);
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }
}
