package dev.trilog.routing.exchange;

import static dev.trilog.routing.exchange.Routes.bind;
import static dev.trilog.routing.exchange.Routes.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectAndFanoutRouterTest {

    /** RabbitMQ tutorial 4 ("Routing"): severities. */
    @Test
    void directMatchesTheWholeKeyExactly() {
        DirectRouter router = new DirectRouter(List.of(bind("error", "disk"), bind("info", "console"),
                bind("warning", "console"), bind("error", "console"), bind("", "empty")));
        assertThat(route(router, "error")).containsExactlyInAnyOrder("disk", "console");
        assertThat(route(router, "info")).containsExactly("console");
        assertThat(route(router, "debug")).isEmpty();
        assertThat(route(router, "Error")).isEmpty();
        assertThat(route(router, "error.x")).isEmpty();
        assertThat(route(router, "*")).isEmpty();
        assertThat(route(router, "")).containsExactly("empty");
    }

    @Test
    void fanoutIgnoresTheKey() {
        FanoutRouter router = new FanoutRouter(List.of(bind("a", "q1"), bind("", "q2"), bind("b", "q1")));
        assertThat(route(router, "anything")).containsExactlyInAnyOrder("q1", "q2");
        assertThat(route(router, "")).containsExactlyInAnyOrder("q1", "q2");
    }

    @Test
    void aDestinationBoundTwiceIsGivenOnce() {
        List<Destination> seen = new ArrayList<>();
        new DirectRouter(List.of(bind("k", "q"), bind("k", "q").withArguments(Map.of(
                "x", dev.trilog.routing.message.HeaderValue.ofLong(1))))).route("k", Map.of(), seen::add);
        new FanoutRouter(List.of(bind("a", "q"), bind("b", "q"))).route("", Map.of(), seen::add);
        assertThat(seen).containsExactly(Destination.queue("q"), Destination.queue("q"));
    }

    @Test
    void exchangesAreDestinationsToo() {
        List<Destination> seen = new ArrayList<>();
        new DirectRouter(List.of(Binding.toExchange("x", "y", "k"))).route("k", Map.of(), seen::add);
        assertThat(seen).containsExactly(Destination.exchange("y"));
    }
}
