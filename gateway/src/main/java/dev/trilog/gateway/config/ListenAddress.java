package dev.trilog.gateway.config;

import java.util.Objects;

/**
 * Where one listener is asked to bind, and the key that asked for it, so that a bind failure can
 * name the setting to change ({@code admin.port 8080 is already in use on 127.0.0.1}).
 *
 * @param portKey the key that set the port ({@code kafka.port})
 * @param host    the host name or address to bind
 * @param port    the port; 0 lets the operating system pick a free one
 */
public record ListenAddress(String portKey, String host, int port) {

    public ListenAddress {
        Objects.requireNonNull(portKey, "portKey");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(portKey + " out of range: " + port);
        }
    }

    /** The protocol or listener name the key belongs to: {@code kafka.port} → {@code kafka}. */
    public String listenerName() {
        int dot = portKey.indexOf('.');
        return dot < 0 ? portKey : portKey.substring(0, dot);
    }
}
