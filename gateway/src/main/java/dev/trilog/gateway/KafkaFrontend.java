package dev.trilog.gateway;

import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.ListenAddress;
import dev.trilog.kafka.KafkaServer;
import dev.trilog.kafka.KafkaServerSettings;
import dev.trilog.kafka.group.GroupSettings;
import dev.trilog.kafka.txn.TransactionSettings;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The Kafka protocol frontend as a gateway listener: {@code kafka.port}. */
final class KafkaFrontend implements Frontend {

    private final ListenAddress address;
    private final KafkaServer server;
    private InetSocketAddress bound;

    private KafkaFrontend(ListenAddress address, KafkaServer server) {
        this.address = address;
        this.server = server;
    }

    static Frontend create(FrontendContext context) {
        GatewayConfig config = context.config();
        ListenAddress address = config.kafka();
        ListenAddress advertised = config.kafkaAdvertised();
        GroupSettings groups = new GroupSettings(config.groupInitialRebalanceDelayMs(),
                config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs());
        KafkaServerSettings settings = new KafkaServerSettings(address.host(), address.port(), 0,
                KafkaServerSettings.DEFAULT_MAX_REQUEST_BYTES, config.autoCreateTopics(), config.numPartitions(),
                advertised.host(), advertised.port(), groups,
                new TransactionSettings(config.transactionMaxTimeoutMs(), config.transactionAbortCheckIntervalMs()),
                config.kafkaTransport());
        return new KafkaFrontend(address, new KafkaServer(settings, context.engine()));
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public ListenAddress address() {
        return address;
    }

    @Override
    public void start() throws IOException {
        bound = server.start();
    }

    @Override
    public InetSocketAddress boundAddress() {
        return bound;
    }

    @Override
    public void close() {
        server.close();
    }
}
