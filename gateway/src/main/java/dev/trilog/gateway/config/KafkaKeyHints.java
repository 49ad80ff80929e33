package dev.trilog.gateway.config;

import java.util.Map;
import java.util.Optional;

/**
 * Kafka users type Kafka's broker keys. Where Trilog has an equivalent under another name (or
 * none on purpose), the unknown-key error says so instead of leaving them to search.
 */
final class KafkaKeyHints {

    private static final String RETENTION = "log.retention.ms (broker-wide; per topic, set retention.ms with"
            + " kafka-configs as with Kafka)";

    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("log.dirs", "data.dir (--data-dir)"),
            Map.entry("log.dir", "data.dir (--data-dir)"),
            Map.entry("listeners", "listen.host and kafka.port (--host, --kafka-port)"),
            Map.entry("advertised.listeners", "kafka.advertised.host and kafka.advertised.port"),
            Map.entry("host.name", "listen.host (--host)"),
            Map.entry("port", "kafka.port (--kafka-port)"),
            Map.entry("retention.ms", RETENTION),
            Map.entry("log.retention.hours", RETENTION),
            Map.entry("log.retention.minutes", RETENTION),
            Map.entry("broker.id", "node.id (in a cluster)"),
            Map.entry("controller.quorum.voters", "cluster.nodes"),
            Map.entry("sasl.enabled.mechanisms", "kafka.sasl.mechanisms"),
            Map.entry("ssl.principal.mapping.rules", "kafka.tls.principal-mapping-rules"),
            Map.entry("ssl.client.auth", "kafka.tls.client-ca (set, every client must present a certificate it"
                    + " signed)"),
            Map.entry("listener.security.protocol.map", "kafka.sasl.mechanisms and kafka.tls.* (SASL_PLAINTEXT,"
                    + " SSL, SASL_SSL follow from them)"),
            Map.entry("socket.request.max.bytes", "none: a request is limited to 100 MiB, not configurable yet"));

    private KafkaKeyHints() {
    }

    /** What Trilog calls the Kafka broker key {@code key}, if it is one. */
    static Optional<String> forKey(String key) {
        return Optional.ofNullable(HINTS.get(key));
    }
}
