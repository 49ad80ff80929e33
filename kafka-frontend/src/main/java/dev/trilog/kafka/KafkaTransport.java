package dev.trilog.kafka;

import java.util.Locale;

/**
 * Which Netty transport the Kafka listener runs on ({@code kafka.transport}).
 *
 * <p>Both send fetched records with {@code sendfile}; epoll does it natively for each file
 * region and also needs fewer system calls and less garbage per wake-up than the JDK selector.
 */
public enum KafkaTransport {
    /** epoll where Netty's native library loads (Linux x86_64 and aarch64), NIO elsewhere. */
    AUTO,
    /** epoll or refuse to start: for operators who want to know they got it. */
    EPOLL,
    /** The JDK's portable selector. */
    NIO;

    /** Parses a configured name, case-insensitively; null for an unknown name. */
    public static KafkaTransport parse(String name) {
        for (KafkaTransport transport : values()) {
            if (transport.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                return transport;
            }
        }
        return null;
    }
}
