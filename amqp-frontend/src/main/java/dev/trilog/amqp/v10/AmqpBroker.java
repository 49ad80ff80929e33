package dev.trilog.amqp.v10;

import dev.trilog.amqp.AmqpMetrics;
import dev.trilog.amqp.AmqpSettings;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.concurrent.Executor;

/**
 * What every AMQP 1.0 connection shares: the settings, the queue facade and topology, the meters,
 * and the one thread that declares queues (a durable topology write, never done on an event loop).
 */
public record AmqpBroker(AmqpSettings settings, Queues queues, Topology topology, AmqpMetrics metrics,
        Executor declarer) {

    AddressResolver resolver() {
        return new AddressResolver(topology, declarer);
    }
}
