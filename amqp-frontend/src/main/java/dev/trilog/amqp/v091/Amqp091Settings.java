package dev.trilog.amqp.v091;

/**
 * Limits and timings of the AMQP 0-9-1 frontend.
 *
 * @param frameMax           the largest frame the server proposes in connection.tune (RabbitMQ: 131072)
 * @param channelMax         the most channels per connection it proposes (RabbitMQ: 2047)
 * @param heartbeatSeconds   the heartbeat it proposes (RabbitMQ: 60; 0 = none); the client's tune-ok decides
 * @param handshakeTimeoutMs a connection not open by then is dropped (RabbitMQ: 10 s)
 * @param closeTimeoutMs     after the server sent connection.close, how long it waits for close-ok
 * @param maxMessageBytes    the largest body a publish may carry (RabbitMQ 4: 16 MiB), refused with 406
 * @param getLockMs          how long a basic.get message is held for the channel before it becomes
 *                           available again if neither acked nor the channel closed (RabbitMQ's
 *                           consumer timeout: 30 min)
 * @param writeWindow        deliveries a consumer without a prefetch limit (no-ack, or prefetch 0) may have
 *                           written and not yet flushed to the socket
 */
public record Amqp091Settings(int frameMax, int channelMax, int heartbeatSeconds, long handshakeTimeoutMs,
        long closeTimeoutMs, int maxMessageBytes, long getLockMs, int writeWindow) {

    public Amqp091Settings {
        if (frameMax != 0 && frameMax < 4096 || channelMax < 1 || channelMax > 65535 || heartbeatSeconds < 0
                || heartbeatSeconds > 65535 || handshakeTimeoutMs < 1 || closeTimeoutMs < 1 || maxMessageBytes < 1
                || getLockMs < 1 || writeWindow < 1) {
            throw new IllegalArgumentException("invalid AMQP 0-9-1 settings: " + this);
        }
    }

    /** RabbitMQ's defaults. */
    public static Amqp091Settings defaults() {
        return new Amqp091Settings(131_072, 2047, 60, 10_000, 3_000, 16 << 20, 30 * 60_000L, 1000);
    }

    public Amqp091Settings withHeartbeatSeconds(int value) {
        return new Amqp091Settings(frameMax, channelMax, value, handshakeTimeoutMs, closeTimeoutMs, maxMessageBytes,
                getLockMs, writeWindow);
    }

    public Amqp091Settings withFrameMax(int value) {
        return new Amqp091Settings(value, channelMax, heartbeatSeconds, handshakeTimeoutMs, closeTimeoutMs,
                maxMessageBytes, getLockMs, writeWindow);
    }

    public Amqp091Settings withHandshakeTimeoutMs(long value) {
        return new Amqp091Settings(frameMax, channelMax, heartbeatSeconds, value, closeTimeoutMs, maxMessageBytes,
                getLockMs, writeWindow);
    }

    public Amqp091Settings withMaxMessageBytes(int value) {
        return new Amqp091Settings(frameMax, channelMax, heartbeatSeconds, handshakeTimeoutMs, closeTimeoutMs, value,
                getLockMs, writeWindow);
    }
}
