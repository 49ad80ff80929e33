package dev.trilog.routing.address;

import dev.trilog.routing.message.HeaderValue;
import java.util.Map;
import java.util.Objects;

/**
 * A binding from an exchange to a queue or another exchange. As in RabbitMQ, all four parts
 * make its identity: binding twice with the same parts is one binding, and a different key or
 * different arguments make another.
 *
 * @param source      the exchange
 * @param destination the queue or exchange messages are routed to
 * @param key         the binding key (direct: equal to the routing key; topic: a pattern; fanout and
 *                    headers ignore it); may be empty
 * @param arguments   binding arguments; the headers exchange matches on them ({@code x-match})
 */
public record Binding(String source, Destination destination, String key, Map<String, HeaderValue> arguments) {

    public Binding {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(key, "key");
        ExchangeSpec.requireShortString(key, "binding key");
        arguments = Arguments.copyOf(arguments);
    }

    public static Binding toQueue(String exchange, String queue, String key) {
        return new Binding(exchange, Destination.queue(queue), key, Map.of());
    }

    public static Binding toExchange(String exchange, String destinationExchange, String key) {
        return new Binding(exchange, Destination.exchange(destinationExchange), key, Map.of());
    }

    public Binding withArguments(Map<String, HeaderValue> newArguments) {
        return new Binding(source, destination, key, newArguments);
    }
}
