package dev.trilog.routing.topology;

/**
 * A topology operation refused, with the reason a frontend turns into its protocol's error:
 * AMQP 0-9-1 reply codes 404 / 406 / 403, AMQP 1.0 {@code amqp:not-found} /
 * {@code amqp:precondition-failed} / {@code amqp:unauthorized-access}, SQS
 * {@code QueueDoesNotExist} / {@code QueueNameExists} / {@code InvalidParameterValue} / {@code OverLimit}.
 */
public final class TopologyException extends Exception {

    public enum Reason {
        /** A queue or exchange that does not exist (404 NOT_FOUND). */
        NOT_FOUND,
        /** A re-declaration that differs from what exists, an exchange still in use, an invalid binding (406). */
        PRECONDITION_FAILED,
        /** An operation on the default exchange or a reserved {@code amq.} name (403 ACCESS_REFUSED). */
        ACCESS_REFUSED,
        /**
         * A queue the broker has no room for: its topic would pass {@code log.max.partitions}
         * (406 as RabbitMQ's vhost queue limit, SQS {@code OverLimit}).
         */
        LIMIT_REACHED
    }

    private final Reason reason;

    public TopologyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
