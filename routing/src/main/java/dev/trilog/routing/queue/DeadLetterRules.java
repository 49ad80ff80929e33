package dev.trilog.routing.queue;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.util.List;
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
        return deadLettered(message, history(message, queue, reason, now), target);
    }

    /** The message as it is dead-lettered, {@code deaths} being its {@link #history} with this death. */
    static Message deadLettered(Message message, DeathHistory deaths, Target target) {
        DeathHistory.Death death = deaths.last();
        MessageProperties properties = message.properties().toBuilder()
                .expiryTime(null)
                .notBefore(null)
                .exchange(target.exchange())
                .routingKey(target.routingKey())
                .build();
        return message.toBuilder()
                .properties(properties)
                .unknownProperty(DeadLetterHeaders.REASON, HeaderValue.ofString(death.reason()))
                .unknownProperty(DeadLetterHeaders.QUEUE, HeaderValue.ofString(death.queue()))
                .unknownProperty(DeadLetterHeaders.COUNT, HeaderValue.ofLong(deaths.total()))
                .unknownProperty(DeadLetterHeaders.TIME, HeaderValue.ofTimestamp(death.timeMs()))
                .unknownProperty(DeadLetterHeaders.DEATHS, deaths.toHeader())
                .build();
    }

    /**
     * {@code message}'s death history with this death added: where it was published to before
     * (exchange, routing key) and the per-message expiry dead-lettering removes, as RabbitMQ
     * records them.
     */
    static DeathHistory history(Message message, String queue, DeadLetterHeaders.Reason reason, long now) {
        MessageProperties p = message.properties();
        String expiration = p.expiryTime() == null || message.timestamp() == Message.NO_TIMESTAMP ? null
                : Long.toString(Math.max(0, p.expiryTime() - message.timestamp()));
        return DeathHistory.of(message).after(new DeathHistory.Death(queue, reason.text(), 1, now, p.exchange(),
                p.routingKey() == null ? List.of() : List.of(p.routingKey()), expiration));
    }
}
