package dev.trilog.compat;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontends;
import dev.trilog.gateway.Gateway;
import dev.trilog.gateway.RunningGateway;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.GatewayConfigLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-process gateway for real-client tests: a temp data directory, every port ephemeral on
 * 127.0.0.1, consumer groups that form without Kafka's initial rebalance delay, and a restart
 * that keeps the data directory (and, so clients can reconnect, the Kafka, SQS and AMQP ports).
 */
public final class TrilogHarness implements AutoCloseable {

    private final Path dataDir;
    private final String[] settings;
    private RunningGateway gateway;
    private int kafkaPort;
    private int sqsPort;
    private int amqpPort;

    private TrilogHarness(Path dataDir, String... settings) {
        this.dataDir = dataDir;
        this.settings = settings;
    }

    /** Starts a gateway over {@code dataDir} with extra {@code key, value} settings. */
    public static TrilogHarness start(Path dataDir, String... settings) {
        TrilogHarness harness = new TrilogHarness(dataDir, settings);
        harness.startGateway();
        return harness;
    }

    private void startGateway() {
        List<ConfigValue> values = new ArrayList<>(List.of(
                new ConfigValue("data.dir", dataDir.toString(), "test"),
                new ConfigValue("kafka.port", Integer.toString(kafkaPort), "test"),
                new ConfigValue("amqp.port", Integer.toString(amqpPort), "test"),
                new ConfigValue("sqs.port", Integer.toString(sqsPort), "test"),
                new ConfigValue("admin.port", "0", "test"),
                // Kafka's 3 s would delay every group's first assignment; tests may set it back.
                new ConfigValue("group.initial.rebalance.delay.ms", "0", "test")));
        for (int i = 0; i < settings.length; i += 2) {
            values.add(new ConfigValue(settings[i], settings[i + 1], "test"));
        }
        GatewayConfig config = new GatewayConfigLoader(Map.of()).load(Optional.empty(), values);
        gateway = Gateway.start(config, Frontends.installed());
        kafkaPort = gateway.listener("kafka").boundAddress().getPort();
        sqsPort = gateway.listener("sqs").boundAddress().getPort();
        amqpPort = gateway.listener("amqp").boundAddress().getPort();
    }

    /** The AMQP port (1.0 and 0-9-1, told apart by the protocol header) on 127.0.0.1. */
    public int amqpPort() {
        return gateway.listener("amqp").boundAddress().getPort();
    }

    /** A Qpid JMS connection URI for the AMQP port ({@code amqp://127.0.0.1:<port>}), with {@code options} appended. */
    public String amqpUri(String... options) {
        return "amqp://127.0.0.1:" + amqpPort() + (options.length == 0 ? "" : "?" + String.join("&", options));
    }

    /** The SQS endpoint ({@code http://127.0.0.1:<port>}) for AWS SDK clients. */
    public URI sqsEndpoint() {
        return URI.create("http://127.0.0.1:" + gateway.listener("sqs").boundAddress().getPort());
    }

    /** {@code bootstrap.servers} for Kafka clients. */
    public String kafkaBootstrap() {
        InetSocketAddress address = gateway.listener("kafka").boundAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    public RunningGateway gateway() {
        return gateway;
    }

    /** Stops the gateway cleanly and starts it again on the same data directory, Kafka, SQS and AMQP ports. */
    public void restart() {
        gateway.close();
        startGateway();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
