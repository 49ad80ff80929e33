package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.message.HeaderValue;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** Headers exchange: each binding's {@link HeadersMatch} against the message's headers; the key is ignored. */
final class HeadersRouter implements ExchangeRouter {

    private final HeadersMatch[] matches;
    private final Destination[] destinations;

    HeadersRouter(Collection<Binding> bindings) {
        this.matches = bindings.stream().map(b -> HeadersMatch.of(b.arguments())).toArray(HeadersMatch[]::new);
        this.destinations = bindings.stream().map(Binding::destination).toArray(Destination[]::new);
    }

    @Override
    public void route(String routingKey, Map<String, HeaderValue> headers, Consumer<Destination> out) {
        for (int i = 0; i < matches.length; i++) {
            if (matches[i].matches(headers)) {
                out.accept(destinations[i]);
            }
        }
    }
}
