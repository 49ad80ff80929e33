package dev.trilog.routing.address;

import java.util.Locale;
import java.util.Optional;

/** The four AMQP exchange types, as RabbitMQ routes them. */
public enum ExchangeType {
    /** Routes to bindings whose key equals the routing key. */
    DIRECT,
    /** Routes by dot-separated words: {@code *} is one word, {@code #} zero or more. */
    TOPIC,
    /** Routes to every binding; the key is ignored. */
    FANOUT,
    /** Routes by the message's headers against binding arguments ({@code x-match}). */
    HEADERS;

    /** The name AMQP uses: direct, topic, fanout, headers. */
    public String amqpName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of that AMQP name, or empty for an unknown (plugin) type. */
    public static Optional<ExchangeType> forAmqpName(String name) {
        for (ExchangeType type : values()) {
            if (type.amqpName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
