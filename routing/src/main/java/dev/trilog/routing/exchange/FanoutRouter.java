package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.message.HeaderValue;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** Fanout exchange: every bound destination, whatever the key. */
final class FanoutRouter implements ExchangeRouter {

    private final Destination[] all;

    FanoutRouter(Collection<Binding> bindings) {
        this.all = bindings.stream().map(Binding::destination).distinct().toArray(Destination[]::new);
    }

    @Override
    public void route(String routingKey, Map<String, HeaderValue> headers, Consumer<Destination> out) {
        for (Destination d : all) {
            out.accept(d);
        }
    }
}
