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
        Arguments.requireType(arguments, DEAD_LETTER_EXCHANGE, owner, Arguments.Kind.STRING);
        Arguments.requireType(arguments, DEAD_LETTER_ROUTING_KEY, owner, Arguments.Kind.STRING);
        Arguments.requireType(arguments, MESSAGE_TTL, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, DELIVERY_LIMIT, owner, Arguments.Kind.INTEGER);
        Arguments.requireType(arguments, DELIVERY_DELAY, owner, Arguments.Kind.NON_NEGATIVE_INTEGER);
        Arguments.requireType(arguments, FIFO, owner, Arguments.Kind.BOOLEAN);
        Arguments.requireType(arguments, CONTENT_BASED_DEDUPLICATION, owner, Arguments.Kind.BOOLEAN);
        Arguments.requireType(arguments, PARTITIONS, owner, Arguments.Kind.POSITIVE_INTEGER);
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

    /** The partition count asked for, if any; see {@code Topology} for the default. */
    public OptionalInt partitions() {
        OptionalLong p = Arguments.integer(arguments, PARTITIONS);
        return p.isPresent() ? OptionalInt.of((int) p.getAsLong()) : OptionalInt.empty();
    }
}
