package dev.trilog.amqp.v10;

import dev.trilog.amqp.AmqpMetrics;
import dev.trilog.amqp.AmqpSettings;
import dev.trilog.frontend.auth.PasswordLogins;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.concurrent.Executor;

/**
 * What every AMQP 1.0 connection shares: the settings, the log (stream reads), the queue facade
 * and topology, the meters, the one thread that declares queues (a durable topology write, never
 * done on an event loop), the one that reads streams from the log, how many links consume
 * each queue, and how SASL PLAIN logins are checked.
 */
public record AmqpBroker(AmqpSettings settings, LogEngine engine, Queues queues, Topology topology,
        AmqpMetrics metrics, Executor declarer, Executor streamReader, ConsumerCounts consumers,
        PasswordLogins logins) {

    AddressResolver resolver() {
        return new AddressResolver(topology, declarer);
    }
}
