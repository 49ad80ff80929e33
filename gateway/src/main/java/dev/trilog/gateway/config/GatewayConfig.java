package dev.trilog.gateway.config;

import dev.trilog.kafka.KafkaTransport;
import dev.trilog.log.EngineSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the trilog process is configured with, validated and typed. Built only by
 * {@link GatewayConfigLoader}, which also records where each value came from.
 *
 * @param engine           how the log engine is opened; its {@code dataDir} is the absolute data directory
 * @param kafka            where the Kafka frontend listens
 * @param amqp             where the AMQP frontend (1.0 and 0-9-1) listens
 * @param sqs              where the SQS frontend listens
 * @param admin            where the admin HTTP endpoint (health, metrics) listens
 * @param autoCreateTopics whether producing to or fetching from an unknown topic creates it
 * @param numPartitions    how many partitions an auto-created topic gets
 * @param kafkaAdvertised  host and port Kafka clients are told to connect to; an empty host or port 0 means
 *                         the bound one
 * @param kafkaTransport   the Kafka listener's Netty transport (epoll where available by default)
 * @param groupInitialRebalanceDelayMs how long the first rebalance of an empty consumer group waits for more members
 * @param groupMinSessionTimeoutMs     the smallest session timeout a consumer-group member may ask for
 * @param groupMaxSessionTimeoutMs     the largest session timeout a consumer-group member may ask for
 * @param transactionMaxTimeoutMs      the largest transaction timeout a transactional producer may ask for
 * @param transactionAbortCheckIntervalMs how often transactions open longer than their timeout are aborted
 * @param sqsApi           what SQS queue URLs and ARNs name, and the access keys SQS requests are verified with
 * @param settings         every effective value with its source, defaults included, sorted by key
 */
public record GatewayConfig(
        EngineSettings engine,
        ListenAddress kafka,
        ListenAddress amqp,
        ListenAddress sqs,
        ListenAddress admin,
        boolean autoCreateTopics,
        int numPartitions,
        ListenAddress kafkaAdvertised,
        KafkaTransport kafkaTransport,
        int groupInitialRebalanceDelayMs,
        int groupMinSessionTimeoutMs,
        int groupMaxSessionTimeoutMs,
        int transactionMaxTimeoutMs,
        int transactionAbortCheckIntervalMs,
        SqsApi sqsApi,
        List<ConfigValue> settings) {

    /**
     * The SQS frontend's own settings.
     *
     * @param host       host[:port] queue URLs name, or empty to follow each request's Host header
     * @param accountId  12 digits
     * @param region     the region in ARNs
     * @param accessKeys secret keys by access key id; empty accepts any (or no) signature
     */
    public record SqsApi(String host, String accountId, String region, Map<String, String> accessKeys) {
        public SqsApi {
            accessKeys = Map.copyOf(accessKeys);
        }
    }

    public GatewayConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(amqp, "amqp");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(kafkaAdvertised, "kafkaAdvertised");
        Objects.requireNonNull(kafkaTransport, "kafkaTransport");
        Objects.requireNonNull(sqsApi, "sqsApi");
        settings = List.copyOf(settings);
    }

    /** The absolute directory that holds every log. */
    public Path dataDir() {
        return engine.dataDir();
    }

    /** The listeners of the three protocol frontends, in the order they start. */
    public List<ListenAddress> protocolListeners() {
        return List.of(kafka, amqp, sqs);
    }

    /** The values set by a file, a variable or a flag rather than taken from the defaults: what the user chose. */
    public List<ConfigValue> explicitSettings() {
        return settings.stream().filter(value -> !value.isDefault()).toList();
    }
}
