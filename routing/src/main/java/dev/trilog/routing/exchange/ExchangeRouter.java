package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.message.HeaderValue;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The bindings of one exchange, compiled for routing. Immutable once built, so publishers route
 * without locks while the topology builds a new router for every change of the exchange's
 * bindings (bindings change rarely; routing happens for every message).
 */
public interface ExchangeRouter {

    /**
     * Gives {@code out} every destination a message with this routing key and these headers goes
     * to. A destination may be given more than once; the caller removes repeats.
     */
    void route(String routingKey, Map<String, HeaderValue> headers, Consumer<Destination> out);

    /** A router of {@code type} over {@code bindings}, which must all have been {@link #validate validated}. */
    static ExchangeRouter of(ExchangeType type, Collection<Binding> bindings) {
        return switch (type) {
            case DIRECT -> new DirectRouter(bindings);
            case FANOUT -> new FanoutRouter(bindings);
            case TOPIC -> new TopicRouter(bindings);
            case HEADERS -> new HeadersRouter(bindings);
        };
    }

    /**
     * Checks that an exchange of {@code type} can route by {@code binding}.
     *
     * @throws IllegalArgumentException why not (a headers binding with an invalid {@code x-match})
     */
    static void validate(ExchangeType type, Binding binding) {
        if (type == ExchangeType.HEADERS) {
            HeadersMatch.of(binding.arguments());
        }
    }
}
