package dev.trilog.routing.address;

import dev.trilog.routing.message.HeaderValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An exchange: routes each published message to the queues (and exchanges) bound to it, by its
 * {@link ExchangeType}.
 *
 * @param durable    survives a restart; a transient exchange is deleted when the topology is next opened
 * @param autoDelete deleted once its last binding (as the source) is removed
 * @param internal   clients may not publish to it directly, only other exchanges route into it
 *                   (the publishing frontend refuses; routing itself does not check)
 */
public record ExchangeSpec(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
        Map<String, HeaderValue> arguments) {

    /** Where messages go that this exchange routes nowhere (string; RabbitMQ's alternate exchange). */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

    public ExchangeSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        requireShortString(name, "exchange name");
        arguments = Arguments.copyOf(arguments);
        Arguments.requireType(arguments, ALTERNATE_EXCHANGE, "exchange '" + name + "'", Arguments.Kind.STRING);
    }

    /** A durable exchange with no arguments. */
    public static ExchangeSpec durable(String name, ExchangeType type) {
        return new ExchangeSpec(name, type, true, false, false, Map.of());
    }

    public ExchangeSpec withArguments(Map<String, HeaderValue> newArguments) {
        return new ExchangeSpec(name, type, durable, autoDelete, internal, newArguments);
    }

    public Optional<String> alternateExchange() {
        return Arguments.string(arguments, ALTERNATE_EXCHANGE);
    }

    /** AMQP names are short strings: at most 255 bytes of UTF-8. */
    static void requireShortString(String name, String what) {
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(what + " is longer than 255 bytes: " + name);
        }
    }
}
