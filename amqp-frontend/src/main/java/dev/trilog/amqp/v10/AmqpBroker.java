package dev.trilog.amqp.v10;

import dev.trilog.amqp.AmqpMetrics;
import dev.trilog.amqp.AmqpSettings;
import dev.trilog.frontend.auth.PasswordLogins;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What every AMQP 1.0 connection shares: the settings, the log (stream reads), the queue facade
 * and topology, the meters, the one thread that declares queues (a durable topology write, never
 * done on an event loop), the one that reads streams from the log, how many links consume
 * each queue, how SASL PLAIN logins are checked, which vhosts an open frame may name, and the
 * connections open (closed when their vhost is deleted).
 */
public record AmqpBroker(AmqpSettings settings, LogEngine engine, Queues queues, Topology topology,
        AmqpMetrics metrics, Executor declarer, Executor streamReader, ConsumerCounts consumers,
        PasswordLogins logins, VhostStore vhosts, Set<ProtonConnection> connections) {

    public AmqpBroker(AmqpSettings settings, LogEngine engine, Queues queues, Topology topology,
            AmqpMetrics metrics, Executor declarer, Executor streamReader, ConsumerCounts consumers,
            PasswordLogins logins, VhostStore vhosts) {
        this(settings, engine, queues, topology, metrics, declarer, streamReader, consumers, logins, vhosts,
                ConcurrentHashMap.newKeySet());
    }

    /** Closes the connections open in {@code vhost}, which was deleted ({@code amqp:connection:forced}, as RabbitMQ). */
    public void closeVhost(String vhost) {
        connections.stream().filter(c -> c.vhost().equals(vhost)).forEach(ProtonConnection::vhostDeleted);
    }

    AddressResolver resolver() {
        return new AddressResolver(topology, declarer);
    }
}
