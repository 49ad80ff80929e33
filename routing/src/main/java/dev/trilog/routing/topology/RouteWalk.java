package dev.trilog.routing.topology;

import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.exchange.ExchangeRouter;
import dev.trilog.routing.message.HeaderValue;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One message's way through the exchanges, as RabbitMQ walks it: from the exchange published
 * to, through exchange-to-exchange bindings (each exchange visited once, so cycles end), to a
 * set of queues, each once. An exchange that routes the message nowhere hands it to its
 * alternate exchange, if it has one. The default exchange ({@code ""}) routes to the queue
 * named by the routing key, and each vhost's default exchange to that queue of its vhost ({@link VhostNames}).
 */
final class RouteWalk implements Consumer<Destination> {

    private final Set<String> queues = new LinkedHashSet<>();
    private final Set<String> visited = new HashSet<>();
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private boolean matched;

    /**
     * @param routers           each exchange's router, or null for an exchange with no bindings
     * @param alternates        each exchange's alternate exchange, or null
     * @param queueExists       for the default exchange
     */
    static Set<String> walk(String exchange, String routingKey, Map<String, HeaderValue> headers,
            Function<String, ExchangeRouter> routers, Function<String, String> alternates,
            Predicate<String> queueExists) {
        RouteWalk walk = new RouteWalk();
        walk.enqueue(exchange);
        while (!walk.pending.isEmpty()) {
            String current = walk.pending.poll();
            walk.matched = false;
            if (current.isEmpty()) {
                if (queueExists.test(routingKey)) {
                    walk.accept(Destination.queue(routingKey));
                }
            } else {
                ExchangeRouter router = routers.apply(current);
                if (router != null) {
                    router.route(routingKey, headers, walk);
                } else if (VhostNames.isVhostDefaultExchange(current)) {
                    String queue = VhostNames.sibling(current, routingKey); // another vhost's: only there a string is built
                    if (queueExists.test(queue)) {
                        walk.accept(Destination.queue(queue));
                    }
                }
            }
            if (!walk.matched) {
                String alternate = alternates.apply(current);
                if (alternate != null) {
                    walk.enqueue(alternate);
                }
            }
        }
        return Collections.unmodifiableSet(walk.queues);
    }

    private void enqueue(String exchange) {
        if (visited.add(exchange)) {
            pending.add(exchange);
        }
    }

    @Override
    public void accept(Destination destination) {
        matched = true;
        if (destination.isQueue()) {
            queues.add(destination.name());
        } else {
            enqueue(destination.name());
        }
    }
}
