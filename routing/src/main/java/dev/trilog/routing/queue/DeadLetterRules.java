package dev.trilog.routing.queue;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.util.Optional;

/**
 * Where a queue's given-up messages go and how they look there, as RabbitMQ does it: published
 * to the queue's {@code x-dead-letter-exchange} (the default exchange {@code ""} with the routing
 * key naming a queue targets that queue: SQS redrive), with {@code x-dead-letter-routing-key}
 * or else the message's own routing key; the per-message expiry and not-before time are dropped
 * (so it does not expire or wait again), and the {@link DeadLetterHeaders} say why.
 */
final class DeadLetterRules {

    /** Where to publish: an exchange and a routing key. */
    record Target(String exchange, String routingKey) {
    }

    private DeadLetterRules() {
    }

    /** The target of {@code spec}'s dead letters, or empty when it has none (they are dropped). */
    static Optional<Target> target(QueueSpec spec, Message message) {
        return spec.deadLetterExchange().map(exchange -> new Target(exchange, spec.deadLetterRoutingKey()
                .orElse(message.properties().routingKey() == null ? "" : message.properties().routingKey())));
    }

    /** The message as it is dead-lettered from {@code queue}. */
    static Message deadLettered(Message message, String queue, DeadLetterHeaders.Reason reason, Target target,
            long now) {
        HeaderValue previous = message.unknownProperties().get(DeadLetterHeaders.COUNT);
        long count = 1;
        if (previous != null) {
            try {
                count = previous.asLong() + 1;
            } catch (RuntimeException e) {
                count = 1; // a hand-made header that is not a number
            }
        }
        MessageProperties properties = message.properties().toBuilder()
                .expiryTime(null)
                .notBefore(null)
                .exchange(target.exchange())
                .routingKey(target.routingKey())
                .build();
        return message.toBuilder()
                .properties(properties)
                .unknownProperty(DeadLetterHeaders.REASON, HeaderValue.ofString(reason.text()))
                .unknownProperty(DeadLetterHeaders.QUEUE, HeaderValue.ofString(queue))
                .unknownProperty(DeadLetterHeaders.COUNT, HeaderValue.ofLong(count))
                .unknownProperty(DeadLetterHeaders.TIME, HeaderValue.ofTimestamp(now))
                .build();
    }
}
