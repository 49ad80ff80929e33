package dev.trilog.gateway.config;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every configuration key the gateway accepts, and the {@code TRILOG_*} environment variable
 * that sets each one.
 *
 * <p>The gateway owns a handful of keys (where data lives, where to listen, topic auto-creation,
 * the Kafka group coordinator's timing, with Kafka's broker-level names);
 * the log engine owns the rest, with Kafka's broker-level names ({@code log.retention.ms}, …).
 * The engine's keys are read from its own tables, so a setting the engine adds is accepted here
 * without touching this class.
 *
 * <p>An environment variable is the key upper-cased with every character other than a letter or
 * digit turned into {@code _} ({@code log.retention.ms} → {@code TRILOG_LOG_RETENTION_MS}).
 * Variables are mapped back by looking them up in that table, never by turning {@code _} back into
 * {@code .}, so a key that itself contains {@code _} or {@code -} still round-trips.
 */
public final class KnownKeys {

    public static final String DATA_DIR = "data.dir";
    public static final String LISTEN_HOST = "listen.host";
    public static final String KAFKA_PORT = "kafka.port";
    public static final String AMQP_PORT = "amqp.port";
    public static final String SQS_PORT = "sqs.port";
    public static final String ADMIN_PORT = "admin.port";
    /** The host[:port] SQS queue URLs name; empty = the client's Host header (so URLs follow the name it used). */
    public static final String SQS_HOST = "sqs.host";
    /** The account id in SQS queue URLs and ARNs. */
    public static final String SQS_ACCOUNT_ID = "sqs.account-id";
    /** The region in SQS ARNs. */
    public static final String SQS_REGION = "sqs.region";
    /** {@code AKID:SECRET,…}; when set, SQS requests must carry a valid Signature V4 by one of these keys. */
    public static final String SQS_ACCESS_KEYS = "sqs.access-keys";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String NUM_PARTITIONS = "num.partitions";
    /** What Kafka clients are told to connect to, when it is not the bound address (NAT, port forwarding, proxies). */
    public static final String KAFKA_ADVERTISED_HOST = "kafka.advertised.host";
    public static final String KAFKA_ADVERTISED_PORT = "kafka.advertised.port";
    /** The Kafka listener's Netty transport: auto (epoll where available), epoll or nio. */
    public static final String KAFKA_TRANSPORT = "kafka.transport";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTION_ABORT_CHECK_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";

    /** The prefix that marks an environment variable as configuration. */
    public static final String ENVIRONMENT_PREFIX = "TRILOG_";

    /**
     * Variables with the prefix that are not configuration: the {@code ./trilog} launcher reads
     * them before the JVM starts, and they are still in the environment the gateway sees.
     */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("TRILOG_JAVA_OPTS");

    private static final Set<String> GATEWAY_KEYS = Set.of(DATA_DIR, LISTEN_HOST, KAFKA_PORT, AMQP_PORT,
            SQS_PORT, ADMIN_PORT, AUTO_CREATE_TOPICS_ENABLE, NUM_PARTITIONS, KAFKA_ADVERTISED_HOST,
            KAFKA_ADVERTISED_PORT, KAFKA_TRANSPORT, GROUP_INITIAL_REBALANCE_DELAY_MS, GROUP_MIN_SESSION_TIMEOUT_MS,
            GROUP_MAX_SESSION_TIMEOUT_MS, TRANSACTION_MAX_TIMEOUT_MS, TRANSACTION_ABORT_CHECK_INTERVAL_MS, SQS_HOST,
            SQS_ACCOUNT_ID, SQS_REGION, SQS_ACCESS_KEYS);

    private static final Set<String> ENGINE_KEYS;
    private static final Set<String> ALL_KEYS;
    private static final Map<String, String> KEY_BY_VARIABLE;

    static {
        Set<String> engine = new TreeSet<>(EngineSettings.KEYS);
        engine.addAll(LogConfig.BROKER_NAMES.values());
        ENGINE_KEYS = Collections.unmodifiableSet(engine);

        Set<String> all = new TreeSet<>(GATEWAY_KEYS);
        all.addAll(ENGINE_KEYS);
        ALL_KEYS = Collections.unmodifiableSet(all);

        Map<String, String> byVariable = new HashMap<>();
        for (String key : ALL_KEYS) {
            String clash = byVariable.put(variableFor(key), key);
            if (clash != null) {
                throw new IllegalStateException("keys " + clash + " and " + key
                        + " would share the environment variable " + variableFor(key));
            }
        }
        KEY_BY_VARIABLE = Map.copyOf(byVariable);
    }

    private KnownKeys() {
    }

    /** Every key, sorted. */
    public static Set<String> all() {
        return ALL_KEYS;
    }

    public static boolean isKnown(String key) {
        return ALL_KEYS.contains(key);
    }

    /** True for the keys the log engine reads ({@link EngineSettings#fromBrokerProperties}). */
    public static boolean isEngineKey(String key) {
        return ENGINE_KEYS.contains(key);
    }

    /** The environment variable that sets {@code key}: {@code kafka.port} → {@code TRILOG_KAFKA_PORT}. */
    public static String variableFor(String key) {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The key a {@code TRILOG_*} variable sets, if it names one. */
    public static Optional<String> keyForVariable(String variable) {
        return Optional.ofNullable(KEY_BY_VARIABLE.get(variable));
    }
}
