package dev.trilog.amqp.v091;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * RabbitMQ's direct reply-to for RPC: a channel consuming the pseudo-queue
 * {@value #QUEUE} (no-ack) gets a name of its own, {@code amq.rabbitmq.reply-to.<token>}; a
 * request it publishes with {@code reply-to = amq.rabbitmq.reply-to} carries that name instead;
 * a reply published to the default exchange with that name as the routing key goes straight to
 * the channel's consumer — no queue, nothing stored, dropped (or returned when mandatory) when
 * the channel is gone, as in RabbitMQ.
 *
 * <p>Broker-wide and thread-safe; the reply itself is written on the target channel's event loop.
 */
final class DirectReplyTo {

    static final String QUEUE = "amq.rabbitmq.reply-to";
    static final String PREFIX = QUEUE + ".";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A channel's reply consumer. */
    record Target(AmqpChannel channel, String consumerTag) {
    }

    private final ConcurrentMap<String, Target> targets = new ConcurrentHashMap<>();

    /** A new name for the channel's reply consumer. */
    String register(AmqpChannel channel, String consumerTag) {
        byte[] token = new byte[18];
        RANDOM.nextBytes(token);
        String name = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        targets.put(name, new Target(channel, consumerTag));
        return name;
    }

    void unregister(String name) {
        targets.remove(name);
    }

    Optional<Target> find(String routingKey) {
        return Optional.ofNullable(targets.get(routingKey));
    }
}
