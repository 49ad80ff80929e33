package dev.trilog.frontend;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * How long a listener keeps a silent connection and how many it holds at once: the settings of a
 * {@link ConnectionGate}, read from each frontend's own keys (Kafka's {@code connections.max.idle.ms},
 * {@code max.connections}, {@code max.connections.per.ip}; {@code sqs.*} for SQS).
 *
 * @param idleTimeoutMs       a connection silent for this long is closed; 0 = never
 * @param maxConnections      connections the listener holds at once; one more is closed as soon as it is accepted
 * @param maxConnectionsPerIp connections from one address at once; one more is closed as soon as it is accepted
 */
public record ConnectionLimits(int idleTimeoutMs, int maxConnections, int maxConnectionsPerIp) {

    /** No limit: Kafka's default for {@code max.connections} and {@code max.connections.per.ip}. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public ConnectionLimits {
        if (idleTimeoutMs < 0 || maxConnections < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("invalid connection limits: " + idleTimeoutMs + " ms idle, "
                    + maxConnections + " connections, " + maxConnectionsPerIp + " per address");
        }
    }

    /** A time-out and no limit on how many. */
    public static ConnectionLimits idleTimeout(int idleTimeoutMs) {
        return new ConnectionLimits(idleTimeoutMs, UNLIMITED, UNLIMITED);
    }

    /**
     * A listener's three keys: the idle time-out (with its default and help sentence), then the
     * two limits, unlimited by default.
     *
     * @param listener the listener's name in the limits' help ({@code Kafka}, {@code SQS})
     */
    public static List<ConfigKey> keys(String listener, String idleKey, int idleDefaultMs, String idleDoc,
            String maxKey, String perIpKey) {
        return List.of(ConfigKey.of(idleKey, Integer.toString(idleDefaultMs), idleDoc),
                ConfigKey.of(maxKey, Integer.toString(UNLIMITED),
                        listener + " connections held at once; one more is closed as soon as it is accepted."),
                ConfigKey.of(perIpKey, Integer.toString(UNLIMITED),
                        listener + " connections from one address at once; one more is closed as soon as it is accepted."));
    }

    /**
     * The limits the three keys of {@link #keys} set: a time-out of 0 or more (0 = never), limits of 1 or more.
     * A frontend whose connections are {@link FrontendConfig#relayed() relayed} to it sees them
     * all come from loopback, so it gets no per-address limit (one WARN line says so when one was
     * set): applied there, it would count every client as one.
     *
     * @throws InvalidConfigException naming the first bad key, its value and source
     */
    public static ConnectionLimits read(FrontendConfig config, String idleKey, String maxKey, String perIpKey) {
        int idleTimeoutMs = config.intAtLeast(idleKey, 0);
        int maxConnections = config.intAtLeast(maxKey, 1);
        int maxConnectionsPerIp = config.intAtLeast(perIpKey, 1);
        if (config.relayed() && maxConnectionsPerIp != UNLIMITED) {
            LoggerFactory.getLogger(ConnectionLimits.class).warn("{}={} is not applied on this clustered node: its"
                    + " connections are relayed to the frontend from loopback, so every client would count as one"
                    + " address", perIpKey, maxConnectionsPerIp);
            maxConnectionsPerIp = UNLIMITED;
        }
        return new ConnectionLimits(idleTimeoutMs, maxConnections, maxConnectionsPerIp);
    }
}
