package dev.trilog.gateway;

import dev.trilog.gateway.cluster.QueueLeadership;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;

/**
 * The engine's one {@link Topology} and {@link Queues}: opened once the log is open, shared by
 * every frontend that serves queues (SQS, AMQP), closed after them and before the log. On a
 * clustered node the queues follow the leader ({@link QueueLeadership}; null on one node).
 */
public record QueueLayer(Topology topology, Queues queues, QueueLeadership leadership) implements AutoCloseable {

    static QueueLayer open(LogEngine engine) throws IOException {
        if (engine.cluster().isEmpty()) {
            Topology topology = Topology.open(engine);
            return new QueueLayer(topology, Queues.open(engine, topology, QueuesSettings.defaults()), null);
        }
        // read as stored, not repaired: the leader repairs when it takes the queues over
        Topology topology = Topology.open(engine, 1, false);
        Queues queues = Queues.open(engine, topology, QueuesSettings.defaults());
        try {
            return new QueueLayer(topology, queues, QueueLeadership.start(engine.cluster().get(), queues));
        } catch (RuntimeException e) {
            queues.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (leadership != null) {
            leadership.close();
        }
        queues.close();
    }
}
