package dev.trilog.gateway;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.ListenAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few log lines that tell a user what just started: version, where the data lives (absolute),
 * each listener with the address it really bound (the real port when 0 was asked), and which
 * configured ports nothing listens on yet (a frontend whose server is still to be written). Tests read the bound ports from these lines, so the
 * {@code <name> listening on <host>:<port>} shape is kept stable.
 */
final class StartupBanner {

    private static final Logger LOG = LoggerFactory.getLogger(StartupBanner.class);

    private StartupBanner() {
    }

    /** @param idle the listen addresses of frontends that do not listen yet */
    static void log(RunningGateway gateway, List<ListenAddress> idle, long startMillis) {
        LOG.info("Trilog {} started in {} ms (pid {})", TrilogVersion.current(), startMillis, ProcessHandle.current().pid());
        LOG.info("data directory: {}", gateway.config().dataDir());
        for (Listener listener : gateway.listeners()) {
            LOG.info("{} listening on {}", listener.name(), hostAndPort(listener.boundAddress()));
        }
        Listener admin = gateway.listener("admin");
        String base = "http://" + hostAndPort(admin.boundAddress());
        LOG.info("admin endpoints: {}/health {}/metrics", base, base);
        if (!idle.isEmpty()) {
            LOG.info("not listening yet, no frontend built for: {}", idle.stream()
                    .map(address -> address.portKey() + " " + address.port()).collect(Collectors.joining(", ")));
        }
    }

    /** Logs each value the user set, with where it came from, before anything starts. */
    static void logExplicitSettings(GatewayConfig config) {
        for (ConfigValue value : config.explicitSettings()) {
            // secrets stay out of the log
            String shown = config.keys().isSecret(value.key()) ? "(secret)" : value.value();
            LOG.info("config {}={} (from {})", value.key(), shown, value.source());
        }
    }

    /** {@code 127.0.0.1:9092}, or {@code [::1]:9092} for IPv6. */
    static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
