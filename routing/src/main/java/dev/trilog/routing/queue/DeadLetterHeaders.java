package dev.trilog.routing.queue;

/**
 * The reserved headers a dead-lettered message carries (docs/message-mapping.md): the last
 * death in flat form, and RabbitMQ's whole {@code x-death} / {@code x-first-death-*} information
 * in {@link #DEATHS}.
 */
public final class DeadLetterHeaders {

    /** Why: {@code rejected}, {@code expired} or {@code delivery_limit} (RabbitMQ's reason names). */
    public static final String REASON = "trilog.death-reason";
    /** The queue it was dead-lettered from (the last one, when it happened more than once). */
    public static final String QUEUE = "trilog.death-queue";
    /** How many times it has been dead-lettered (long). */
    public static final String COUNT = "trilog.death-count";
    /** When it was dead-lettered the last time (timestamp, ms). */
    public static final String TIME = "trilog.death-time";
    /**
     * Every death, one entry per (queue, reason) with its count, and the first death: the
     * {@link DeathHistory} as JSON (text), what AMQP 0-9-1 presents as {@code x-death}.
     */
    public static final String DEATHS = "trilog.deaths";

    /** Why a message was dead-lettered. */
    public enum Reason {
        REJECTED("rejected"), EXPIRED("expired"), DELIVERY_LIMIT("delivery_limit"), MAXLEN("maxlen");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** The value of {@link #REASON}. */
        public String text() {
            return text;
        }
    }

    private DeadLetterHeaders() {
    }
}
