package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.message.HeaderValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Test helpers: route through a router and collect the queue names, repeats removed. */
final class Routes {

    private Routes() {
    }

    static Set<String> route(ExchangeRouter router, String key) {
        return route(router, key, Map.of());
    }

    static Set<String> route(ExchangeRouter router, String key, Map<String, HeaderValue> headers) {
        Set<String> queues = new TreeSet<>();
        router.route(key, headers, (Destination d) -> queues.add(d.name()));
        return queues;
    }

    static Binding bind(String key, String queue) {
        return Binding.toQueue("x", queue, key);
    }
}
