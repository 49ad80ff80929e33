package dev.trilog.amqp;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * AMQP as the gateway runs it: {@code amqp.port} and the keys of {@link AmqpFrontendConfig},
 * served by an {@link AmqpServer} over the engine's shared {@code Queues} and {@code Topology}.
 * AMQP 1.0 today; 0-9-1 clients get the 1.0 header until their protocol lands. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class AmqpFrontend implements Frontend {

    private AmqpServer server;

    @Override
    public String name() {
        return "amqp";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return AmqpFrontendConfig.KEYS;
    }

    @Override
    public String portKey() {
        return AmqpFrontendConfig.PORT;
    }

    @Override
    public void validate(FrontendConfig config) {
        AmqpFrontendConfig.read(config);
    }

    @Override
    public void initialize(FrontendContext context) {
        server = new AmqpServer(AmqpFrontendConfig.read(context.config()), context.engine(), context.queues(),
                context.topology(), new AmqpMetrics(context.meters()));
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
            server = null;
        }
    }
}
