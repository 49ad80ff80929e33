package dev.trilog.kafka.security;

import java.util.List;

/**
 * The Kafka listener's SASL settings.
 *
 * @param mechanisms                  the mechanisms offered ({@code kafka.sasl.mechanisms}); empty = no SASL
 * @param maxReauthMs                 Kafka's {@code connections.max.reauth.ms}: the session lifetime told
 *                                    to clients, after which they re-authenticate (KIP-368); 0 = never
 * @param failedAuthenticationDelayMs Kafka's {@code connection.failed.authentication.delay.ms}: how long a
 *                                    refused login waits for its answer, to slow a guesser down
 */
public record SaslSettings(List<String> mechanisms, long maxReauthMs, int failedAuthenticationDelayMs) {

    /** The mechanisms Trilog can offer, in Kafka's names. */
    public static final List<String> SUPPORTED = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    /** Kafka's default for {@code connection.failed.authentication.delay.ms}. */
    public static final int DEFAULT_FAILED_AUTHENTICATION_DELAY_MS = 100;
    public static final SaslSettings OFF = new SaslSettings(List.of(), 0, DEFAULT_FAILED_AUTHENTICATION_DELAY_MS);

    public SaslSettings {
        mechanisms = List.copyOf(mechanisms);
        if (!SUPPORTED.containsAll(mechanisms)) {
            throw new IllegalArgumentException("supported mechanisms: " + SUPPORTED + ", not " + mechanisms);
        }
        if (maxReauthMs < 0 || failedAuthenticationDelayMs < 0) {
            throw new IllegalArgumentException("maxReauthMs and failedAuthenticationDelayMs must not be negative");
        }
    }

    public boolean enabled() {
        return !mechanisms.isEmpty();
    }
}
