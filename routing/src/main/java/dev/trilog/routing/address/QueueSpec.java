package dev.trilog.routing.address;

import dev.trilog.log.LogEngine;
import dev.trilog.routing.message.HeaderValue;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A queue: a topic plus a share group, both named as the queue, so a Kafka consumer group can
 * read and replay what the queue holds while AMQP and SQS consumers take messages one at a time.
 *
 * <p>Arguments are kept generically (AMQP's {@code x-…} names where RabbitMQ has one); the typed
 * accessors read the ones the queue policies need. SQS maps onto the same names: a redrive
 * policy is {@link #DEAD_LETTER_EXCHANGE} {@code ""} (the default exchange) plus
 * {@link #DEAD_LETTER_ROUTING_KEY} = the dead-letter queue's name plus {@link #DELIVERY_LIMIT} =
 * maxReceiveCount; DelaySeconds is {@link #DELIVERY_DELAY}; FifoQueue is {@link #FIFO}.
 *
 * <p>The name must be a legal Kafka topic name — 1 to 249 of {@code [a-zA-Z0-9._-]}, not
 * {@code .} or {@code ..}, not starting with {@code __trilog} — because it is one. SQS names and
 * AMQP server-named queues ({@code amq.gen-…}) always are; an AMQP client choosing another name
 * is refused.
 *
 * @param durable    survives a restart; a transient queue is deleted when the topology is next opened
 * @param exclusive  owned by one connection (the frontend tracks the owner); gone after a restart too
 * @param autoDelete deleted by the frontend when its last consumer leaves
 */
public record QueueSpec(String name, boolean durable, boolean exclusive, boolean autoDelete,
        Map<String, HeaderValue> arguments) {

    /** Dead-letter exchange (string; {@code ""} is the default exchange). */
    public static final String DEAD_LETTER_EXCHANGE = "x-dead-letter-exchange";
    /** Routing key for dead-lettered messages (string; the message's own key when absent). */
    public static final String DEAD_LETTER_ROUTING_KEY = "x-dead-letter-routing-key";
    /** Time a message may stay in the queue, ms (integer ≥ 0). */
    public static final String MESSAGE_TTL = "x-message-ttl";
    /** Deliveries before a message is dead-lettered (integer; negative = no limit, as RabbitMQ 4's -1). */
    public static final String DELIVERY_LIMIT = "x-delivery-limit";
    /** Default delay before a new message can be delivered, ms (integer ≥ 0; SQS DelaySeconds). */
    public static final String DELIVERY_DELAY = "x-trilog-delivery-delay";
    /** FIFO per message group (boolean; SQS FifoQueue). */
    public static final String FIFO = "x-trilog-fifo";
    /** Deduplicate by the SHA-256 of the body when a publish names no id (boolean; SQS ContentBasedDeduplication). */
    public static final String CONTENT_BASED_DEDUPLICATION = "x-trilog-content-based-deduplication";
    /** Partitions of the queue's topic (integer ≥ 1), fixed when the queue is created. */
    public static final String PARTITIONS = "x-trilog-partitions";
    /** Most ready messages the queue holds (integer ≥ 0; RabbitMQ's queue length limit). */
    public static final String MAX_LENGTH = "x-max-length";
    /** Most body bytes of ready messages the queue holds (integer ≥ 0). */
    public static final String MAX_LENGTH_BYTES = "x-max-length-bytes";
    /** What a full queue does: {@link Overflow}'s names; {@code drop-head} by default. */
    public static final String OVERFLOW = "x-overflow";
    /** Delete the queue once unused for this long, ms (integer ≥ 1; RabbitMQ's queue TTL). */
    public static final String EXPIRES = "x-expires";
    /** One consumer at a time receives (boolean; RabbitMQ's single active consumer). */
    public static final String SINGLE_ACTIVE_CONSUMER = "x-single-active-consumer";

    /** What a queue at its length limit does with one more message (RabbitMQ's {@code x-overflow}). */
    public enum Overflow {
        /** The oldest ready messages are dropped (dead-lettered, reason {@code maxlen}) to make room. */
        DROP_HEAD("drop-head"),
        /** The new message is refused (0-9-1: nacked; AMQP 1.0: rejected). */
        REJECT_PUBLISH("reject-publish"),
        /** The new message is refused and dead-lettered. */
        REJECT_PUBLISH_DLX("reject-publish-dlx");

        private final String text;

        Overflow(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        static Optional<Overflow> of(String text) {
            for (Overflow o : values()) {
                if (o.text.equals(text)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * RabbitMQ queue arguments Trilog does not honour yet: refused at declare (AMQP 0-9-1's 406,
     * the management node's 400) rather than silently ignored.
     */
    public static final java.util.Set<String> NOT_YET_SUPPORTED = java.util.Set.of("x-max-priority",
            "x-max-age", "x-stream-max-segment-size-bytes", "x-stream-filter-size-bytes", "x-initial-cluster-size");

    /** RabbitMQ quorum queues' default delivery limit (4.0+). */
    public static final int DEFAULT_DELIVERY_LIMIT = 20;

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public QueueSpec {
        Objects.requireNonNull(name, "name");
        if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")
                || name.startsWith(LogEngine.RESERVED_PREFIX)) {
            throw new IllegalArgumentException("queue name '" + name + "' is not usable as a topic name: 1 to 249 of"
                    + " a-z A-Z 0-9 . _ -, not '.' or '..', not starting with " + LogEngine.RESERVED_PREFIX);
        }
        arguments = Arguments.copyOf(arguments);
        String owner = "queue '" + name + "'";
        for (String argument : arguments.keySet()) {
            if (NOT_YET_SUPPORTED.contains(argument)) {
                throw new IllegalArgumentException("queue argument '" + argument
                        + "' is not supported by Trilog yet (docs/amqp091.md)");
            }
        }
        Arguments.requireType(arguments, DEAD_LETTER_EXCHANGE, owner, Arguments.Kind.STRING);
        Arguments.requireType(arguments, DEAD_LETTER_ROUTING_KEY, owner, Arguments.Kind.STRING);
        Arguments.requireType(arguments, MESSAGE_TTL, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, DELIVERY_LIMIT, owner, Arguments.Kind.INTEGER);
        Arguments.requireType(arguments, DELIVERY_DELAY, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, FIFO, owner, Arguments.Kind.BOOLEAN);
        Arguments.requireType(arguments, CONTENT_BASED_DEDUPLICATION, owner, Arguments.Kind.BOOLEAN);
        Arguments.requireType(arguments, PARTITIONS, owner, Arguments.Kind.POSITIVE_INTEGER);
        Arguments.requireType(arguments, MAX_LENGTH, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, MAX_LENGTH_BYTES, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, OVERFLOW, owner, Arguments.Kind.STRING);
        Arguments.requireType(arguments, SINGLE_ACTIVE_CONSUMER, owner, Arguments.Kind.BOOLEAN);
        Arguments.requireType(arguments, EXPIRES, owner, Arguments.Kind.POSITIVE_INTEGER);
        Optional<String> overflow = Arguments.string(arguments, OVERFLOW);
        if (overflow.isPresent() && Overflow.of(overflow.get()).isEmpty()) {
            throw new IllegalArgumentException("invalid argument '" + OVERFLOW + "' for " + owner + ": '"
                    + overflow.get() + "' is not drop-head, reject-publish or reject-publish-dlx");
        }
        if (arguments.containsKey(PARTITIONS) && !arguments.get(PARTITIONS).isNull()
                && arguments.get(PARTITIONS).asLong() > 10_000) {
            throw new IllegalArgumentException("invalid argument '" + PARTITIONS + "' for " + owner
                    + ": at most 10000 partitions");
        }
    }

    /** A durable, shared queue with no arguments. */
    public static QueueSpec durable(String name) {
        return new QueueSpec(name, true, false, false, Map.of());
    }

    /** This spec with other arguments. */
    public QueueSpec withArguments(Map<String, HeaderValue> newArguments) {
        return new QueueSpec(name, durable, exclusive, autoDelete, newArguments);
    }

    /** The topic holding the queue's messages: the queue's name. */
    public String topic() {
        return name;
    }

    /** The share group whose cursor delivers the queue: the queue's name. */
    public String shareGroup() {
        return name;
    }

    public Optional<String> deadLetterExchange() {
        return Arguments.string(arguments, DEAD_LETTER_EXCHANGE);
    }

    public Optional<String> deadLetterRoutingKey() {
        return Arguments.string(arguments, DEAD_LETTER_ROUTING_KEY);
    }

    public OptionalLong messageTtlMs() {
        return Arguments.integer(arguments, MESSAGE_TTL);
    }

    /** Deliveries before dead-lettering: {@link #DELIVERY_LIMIT}, 20 by default, negative for no limit. */
    public long maxDeliveryCount() {
        return Arguments.integer(arguments, DELIVERY_LIMIT).orElse(DEFAULT_DELIVERY_LIMIT);
    }

    /** The default delivery delay of new messages, ms; 0 by default. */
    public long deliveryDelayMs() {
        return Arguments.integer(arguments, DELIVERY_DELAY).orElse(0);
    }

    public boolean fifo() {
        return Arguments.bool(arguments, FIFO);
    }

    public boolean contentBasedDeduplication() {
        return Arguments.bool(arguments, CONTENT_BASED_DEDUPLICATION);
    }

    /** {@link #MAX_LENGTH}, if set. */
    public OptionalLong maxLength() {
        return Arguments.integer(arguments, MAX_LENGTH);
    }

    /** {@link #MAX_LENGTH_BYTES}, if set. */
    public OptionalLong maxLengthBytes() {
        return Arguments.integer(arguments, MAX_LENGTH_BYTES);
    }

    /** Whether either length limit is set. */
    public boolean lengthLimited() {
        return maxLength().isPresent() || maxLengthBytes().isPresent();
    }

    /** {@link #OVERFLOW}; {@link Overflow#DROP_HEAD} when absent. */
    public Overflow overflow() {
        return Arguments.string(arguments, OVERFLOW).flatMap(Overflow::of).orElse(Overflow.DROP_HEAD);
    }

    /** {@link #EXPIRES}, if set. */
    public OptionalLong expiresMs() {
        return Arguments.integer(arguments, EXPIRES);
    }

    /** {@link #SINGLE_ACTIVE_CONSUMER}: false by default. */
    public boolean singleActiveConsumer() {
        return Arguments.bool(arguments, SINGLE_ACTIVE_CONSUMER);
    }

    /** The partition count asked for, if any; see {@code Topology} for the default. */
    public OptionalInt partitions() {
        OptionalLong p = Arguments.integer(arguments, PARTITIONS);
        return p.isPresent() ? OptionalInt.of((int) p.getAsLong()) : OptionalInt.empty();
    }
}
