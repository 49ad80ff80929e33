package dev.trilog.routing.queue;

/**
 * No queue of that name (or its topic is gone): SQS {@code QueueDoesNotExist}, AMQP 404
 * {@code NOT_FOUND} / {@code amqp:not-found}.
 */
public final class UnknownQueueException extends RuntimeException {

    private final String queue;

    public UnknownQueueException(String queue) {
        super("no queue '" + queue + "'");
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }
}
