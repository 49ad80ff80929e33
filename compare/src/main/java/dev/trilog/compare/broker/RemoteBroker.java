package dev.trilog.compare.broker;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A gateway that is already running ({@code --target}). Its CPU and disk writes are read only when
 * its pid is given ({@code --target-pid}) and it runs on this machine; compare does not pin it.
 */
public final class RemoteBroker implements Broker {

    private final String host;
    private final int kafkaPort;
    private final int sqsPort;
    private final int amqpPort;
    private final ProcessStats stats;

    public RemoteBroker(String host, int kafkaPort, int sqsPort, int amqpPort, long pid) {
        this.host = host;
        this.kafkaPort = kafkaPort;
        this.sqsPort = sqsPort;
        this.amqpPort = amqpPort;
        this.stats = pid > 0 ? new ProcessStats(pid) : null;
    }

    @Override
    public String kafkaBootstrap() {
        return host + ":" + kafkaPort;
    }

    @Override
    public URI sqsEndpoint() {
        return URI.create("http://" + host + ":" + sqsPort);
    }

    @Override
    public String amqpAddress() {
        return host + ":" + amqpPort;
    }

    @Override
    public Optional<ProcessStats> process() {
        return stats != null && stats.available() ? Optional.of(stats) : Optional.empty();
    }

    @Override
    public BrokerInfo info() {
        long pid = stats != null ? stats.pid() : -1;
        String self = CpuSet.allowedFor(ProcessHandle.current().pid()).toString();
        return new BrokerInfo("target", "already running at " + host, pid, 0,
                pid > 0 ? CpuSet.allowedFor(pid).toString() : "unknown", self, 0,
                "not pinned by compare (--target); broker CPU and disk figures "
                        + (process().isPresent() ? "from /proc/" + pid : "unknown without --target-pid"),
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
