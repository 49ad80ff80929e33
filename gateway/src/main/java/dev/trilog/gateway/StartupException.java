package dev.trilog.gateway;

import dev.trilog.gateway.config.ListenAddress;
import java.io.IOException;
import java.net.BindException;

/**
 * The broker could not start for a reason outside the configuration's syntax: a port is taken,
 * the data directory cannot be written, the log cannot be opened. The message is one sentence
 * for the user and is printed without a stack trace.
 */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A listener could not bind: names the config key to change. */
    static StartupException cannotListen(ListenAddress address, IOException failure) {
        if (addressInUse(failure)) {
            return new StartupException(address.portKey() + " " + address.port() + " is already in use on "
                    + address.host(), failure);
        }
        BindException bind = bindExceptionIn(failure);
        String reason = bind != null ? bind.getMessage() : failure.getMessage();
        return new StartupException("cannot listen on " + address.host() + " port " + address.port() + " ("
                + address.portKey() + "): " + reason, failure);
    }

    /**
     * The JDK says so with a {@link BindException}; Netty's native transports (the Kafka listener's
     * epoll) with an IOException carrying the C library's text, {@code bind(..) failed with
     * error(-98): Address already in use}.
     */
    private static boolean addressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof BindException && message.contains("in use") || message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static BindException bindExceptionIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }
}
