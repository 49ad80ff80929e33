package dev.trilog.amqp;

import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.ServerTls;

/**
 * The AMQP frontend's settings, read from its configuration keys ({@link AmqpFrontendConfig}).
 *
 * @param host            the address to bind
 * @param port            the port to bind (0 = any free port)
 * @param maxFrameSize    the largest AMQP 1.0 frame a peer may send (the {@code open} frame's
 *                        max-frame-size); a bigger one closes the connection with
 *                        {@code amqp:connection:framing-error}
 * @param connections     {@code amqp.idle-timeout-ms}: a connection that sends nothing for this long is
 *                        closed ({@code amqp:resource-limit-exceeded}; half of it is what the peer is
 *                        asked to keep to; 0 = never); {@code amqp.max-connections} and
 *                        {@code amqp.max-connections-per-ip}: connections over either are closed as
 *                        soon as they are accepted
 * @param maxMessageSize  the largest message (all its transfers) a sending link may send; a bigger
 *                        one detaches the link with {@code amqp:link:message-size-exceeded}
 * @param linkCredit      the credit a sending link is given, and topped up to as its messages become
 *                        durable: the most messages one link has in flight
 * @param linkBytesInFlight the most bytes of one sending link's messages that may be waiting to be
 *                        durable before it is given more credit
 * @param tls             the port's TLS identity (both AMQP versions, as RabbitMQ's amqps); null = plain TCP
 */
public record AmqpSettings(String host, int port, int maxFrameSize, ConnectionLimits connections, int maxMessageSize,
        int linkCredit, int linkBytesInFlight, ServerTls tls) {

    /** RabbitMQ's default frame_max (128 KiB). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 131_072;
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 60_000;
    public static final ConnectionLimits DEFAULT_CONNECTIONS = ConnectionLimits.idleTimeout(DEFAULT_IDLE_TIMEOUT_MS);
    /** Kafka's default {@code message.max.bytes}, so every message fits a record batch of a default topic. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1_048_588;
    public static final int DEFAULT_LINK_CREDIT = 128;
    public static final int DEFAULT_LINK_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

    /** Defaults on loopback and an ephemeral port: for tests. */
    public static AmqpSettings defaults() {
        return new AmqpSettings("127.0.0.1", 0, DEFAULT_MAX_FRAME_SIZE, DEFAULT_CONNECTIONS,
                DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_LINK_CREDIT, DEFAULT_LINK_BYTES_IN_FLIGHT, null);
    }

    /** {@code amqp.idle-timeout-ms}: a connection silent this long is closed; 0 = never. */
    public int idleTimeoutMs() {
        return connections.idleTimeoutMs();
    }

    /** The same listener with other connection limits. */
    public AmqpSettings withConnections(ConnectionLimits value) {
        return new AmqpSettings(host, port, maxFrameSize, value, maxMessageSize, linkCredit, linkBytesInFlight, tls);
    }
}
