package dev.trilog.compare.broker;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A peer system compare runs the same workloads against ({@code --peer}): Apache Kafka, RabbitMQ
 * or any SQS endpoint, already running. Only the endpoint its protocols need is set. Its CPU and
 * disk writes are read from {@code /proc} when its pid is given ({@code --peer-pid}).
 */
public final class PeerBroker implements Broker {

    private final String name;
    private final String kafkaBootstrap;
    private final URI sqsEndpoint;
    private final String amqpAddress;
    private final ProcessStats stats;

    private PeerBroker(String name, String kafkaBootstrap, URI sqsEndpoint, String amqpAddress, long pid) {
        this.name = name;
        this.kafkaBootstrap = kafkaBootstrap;
        this.sqsEndpoint = sqsEndpoint;
        this.amqpAddress = amqpAddress;
        this.stats = pid > 0 ? new ProcessStats(pid) : null;
    }

    public static PeerBroker kafka(String bootstrap, long pid) {
        return new PeerBroker("kafka", bootstrap, null, null, pid);
    }

    public static PeerBroker rabbitmq(String amqpAddress, long pid) {
        return new PeerBroker("rabbitmq", null, null, amqpAddress, pid);
    }

    public static PeerBroker sqs(URI endpoint, long pid) {
        return new PeerBroker("sqs", null, endpoint, null, pid);
    }

    public String name() {
        return name;
    }

    @Override
    public String kafkaBootstrap() {
        return require(kafkaBootstrap, "Kafka");
    }

    @Override
    public URI sqsEndpoint() {
        return require(sqsEndpoint, "SQS");
    }

    @Override
    public String amqpAddress() {
        return require(amqpAddress, "AMQP");
    }

    private <T> T require(T endpoint, String protocol) {
        if (endpoint == null) {
            throw new IllegalStateException("the " + name + " peer has no " + protocol + " endpoint");
        }
        return endpoint;
    }

    @Override
    public Optional<ProcessStats> process() {
        return stats != null && stats.available() ? Optional.of(stats) : Optional.empty();
    }

    @Override
    public BrokerInfo info() {
        long pid = stats != null ? stats.pid() : -1;
        return new BrokerInfo("peer", name + " already running", pid, 0,
                pid > 0 ? CpuSet.allowedFor(pid).toString() : "unknown",
                CpuSet.allowedFor(ProcessHandle.current().pid()).toString(), 0,
                "not pinned by compare (--peer); CPU and disk figures "
                        + (process().isPresent() ? "from /proc/" + pid : "unknown without --peer-pid"),
                List.of(), "unknown");
    }

    @Override
    public boolean alive() {
        return true;
    }

    @Override
    public void close() {
    }
}
