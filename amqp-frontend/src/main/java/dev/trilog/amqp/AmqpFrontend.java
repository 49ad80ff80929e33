package dev.trilog.amqp;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The AMQP frontend's place in the gateway while its server is still to be written: it reserves
 * {@code amqp.port} (so {@code --amqp-port}, {@code TRILOG_AMQP_PORT} and the documented default
 * work today) and listens on nothing ({@link #listens()} is false), which the startup banner says.
 *
 * <p>The AMQP server replaces {@link #initialize} and {@link #start} and drops the
 * {@code listens()} override; the gateway needs no change.
 */
public final class AmqpFrontend implements Frontend {

    public static final String PORT = "amqp.port";

    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(PORT, "5672", "AMQP 1.0 and 0-9-1 port (0 = any free port); not listening yet."));

    @Override
    public String name() {
        return "amqp";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public String portKey() {
        return PORT;
    }

    @Override
    public void validate(FrontendConfig config) {
        config.port(PORT);
    }

    @Override
    public boolean listens() {
        return false;
    }

    @Override
    public void initialize(FrontendContext context) {
        throw new UnsupportedOperationException("the AMQP frontend is not written yet");
    }

    @Override
    public InetSocketAddress start() {
        throw new UnsupportedOperationException("the AMQP frontend is not written yet");
    }

    @Override
    public void close() {
        // nothing was started
    }
}
