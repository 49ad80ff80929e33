package dev.trilog.kafka;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.kafka.network.KafkaMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The Kafka protocol as the gateway runs it: {@code kafka.port} and the keys of
 * {@link KafkaFrontendConfig}, served by a {@link KafkaServer} over the log. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class KafkaFrontend implements Frontend {

    private KafkaServer server;

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KafkaFrontendConfig.KEYS;
    }

    @Override
    public String portKey() {
        return KafkaFrontendConfig.PORT;
    }

    @Override
    public void validate(FrontendConfig config) {
        KafkaFrontendConfig.read(config);
    }

    @Override
    public void initialize(FrontendContext context) {
        server = new KafkaServer(KafkaFrontendConfig.read(context.config()), context.engine(),
                new KafkaMetrics(context.meters()));
    }

    @Override
    public InetSocketAddress start() throws IOException {
        if (server == null) {
            throw new IllegalStateException("not initialized");
        }
        return server.start();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
