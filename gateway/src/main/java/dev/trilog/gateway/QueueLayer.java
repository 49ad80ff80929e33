package dev.trilog.gateway;

import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;

/**
 * The engine's one {@link Topology} and {@link Queues}: opened once the log is open, shared by
 * every frontend that serves queues (SQS, AMQP), closed after them and before the log.
 */
public record QueueLayer(Topology topology, Queues queues) implements AutoCloseable {

    static QueueLayer open(LogEngine engine) throws IOException {
        Topology topology = Topology.open(engine);
        return new QueueLayer(topology, Queues.open(engine, topology, QueuesSettings.defaults()));
    }

    @Override
    public void close() {
        queues.close();
    }
}
