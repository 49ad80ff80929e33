package dev.trilog.frontend;

import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What the gateway hands a frontend once the log is open ({@link Frontend#initialize}): the
 * settings, the open log, the broker's users, the engine's one topology and queue facade (one per engine, shared by
 * every protocol that serves queues), and the one meter registry that {@code /metrics} serves.
 *
 * <p>The frontend uses these but does not own them: the gateway closes the queues and the log
 * after every frontend has closed.
 *
 * @param config   every effective setting, with its source
 * @param engine   the open log
 * @param topology queues, exchanges and bindings, durable in the engine
 * @param queues   the queue facade over the topology: publish, receive, settle
 * @param meters   where a frontend records its meters
 * @param users    the broker's users, one store for every protocol that authenticates clients
 * @param vhosts   the AMQP virtual hosts, one store whose deletions the AMQP frontend hears of
 */
public record FrontendContext(FrontendConfig config, LogEngine engine, Topology topology, Queues queues,
                              MeterRegistry meters, UserStore users, VhostStore vhosts) {

    public FrontendContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(queues, "queues");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(vhosts, "vhosts");
    }
}
