package dev.trilog.compare.broker;

import java.net.URI;
import java.util.Optional;

/** The gateway under test: where each protocol listens, and (when it is ours) its process counters. */
public interface Broker extends AutoCloseable {

    /** {@code host:port} for Kafka clients. */
    String kafkaBootstrap();

    /** {@code http://host:port} for SQS clients. */
    URI sqsEndpoint();

    /** {@code host:port} for AMQP clients (both dialects share the port). */
    String amqpAddress();

    /** Counters of the broker process, when it runs on this machine and its pid is known. */
    Optional<ProcessStats> process();

    /** How the broker was started and pinned, for the report. */
    BrokerInfo info();

    /** False once a child broker has exited. */
    boolean alive();

    @Override
    void close();
}
