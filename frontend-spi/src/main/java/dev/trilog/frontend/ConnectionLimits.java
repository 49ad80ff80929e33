package dev.trilog.frontend;

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
}
