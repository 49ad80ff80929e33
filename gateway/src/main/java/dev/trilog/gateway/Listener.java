package dev.trilog.gateway;

import dev.trilog.gateway.config.ListenAddress;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A network listener whose life the gateway runs: each protocol frontend (through
 * {@link FrontendListener}) and the admin endpoint. The gateway starts listeners after the log is
 * open and closes them, in reverse order, before the log closes, so no request can reach a closed log.
 */
public interface Listener extends AutoCloseable {

    /** Short name for logs: {@code kafka}, {@code amqp}, {@code sqs}, {@code admin}. */
    String name();

    /** Where this listener was asked to bind, with the config key that asked. */
    ListenAddress address();

    /**
     * Binds and starts accepting. Called once.
     *
     * @throws java.net.BindException (possibly as the cause of another IOException) when the
     *         address is taken or not local; the gateway turns it into one message naming the key
     * @throws IOException for any other failure to listen
     */
    void start() throws IOException;

    /** The address actually bound, with the real port when {@code 0} was asked; only after {@link #start()}. */
    InetSocketAddress boundAddress();

    /**
     * Stops accepting connections, lets in-flight requests finish within a short grace period and
     * fails the rest, then releases threads and sockets. Must not throw for an ordinary stop, and
     * may be called more than once.
     */
    @Override
    void close();
}
