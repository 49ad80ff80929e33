package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.message.HeaderValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Direct exchange: a binding matches when its key equals the routing key exactly. */
final class DirectRouter implements ExchangeRouter {

    private final Map<String, Destination[]> byKey;

    DirectRouter(Collection<Binding> bindings) {
        Map<String, List<Destination>> grouped = new HashMap<>();
        for (Binding b : bindings) {
            List<Destination> list = grouped.computeIfAbsent(b.key(), k -> new ArrayList<>());
            if (!list.contains(b.destination())) {
                list.add(b.destination());
            }
        }
        Map<String, Destination[]> compiled = new HashMap<>();
        grouped.forEach((key, list) -> compiled.put(key, list.toArray(Destination[]::new)));
        this.byKey = compiled;
    }

    @Override
    public void route(String routingKey, Map<String, HeaderValue> headers, Consumer<Destination> out) {
        Destination[] matched = byKey.get(routingKey);
        if (matched != null) {
            for (Destination d : matched) {
                out.accept(d);
            }
        }
    }
}
