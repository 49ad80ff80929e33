package dev.trilog.kafka;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.ServerTls;
import dev.trilog.kafka.group.ConsumerGroupSettings;
import dev.trilog.kafka.group.ConsumerGroupSettings.GroupBounds;
import dev.trilog.kafka.group.GroupSettings;
import dev.trilog.kafka.security.AclSettings;
import dev.trilog.kafka.security.SaslSettings;
import dev.trilog.kafka.security.TlsPrincipals;
import dev.trilog.kafka.share.ShareSettings;
import dev.trilog.kafka.txn.TransactionSettings;
import java.util.List;
import java.util.stream.Stream;

/**
 * The configuration keys the Kafka frontend owns, with Kafka's broker-level names and defaults
 * where Kafka has them, and how their values become {@link KafkaServerSettings}.
 */
public final class KafkaFrontendConfig {

    public static final String PORT = "kafka.port";
    /** What Kafka clients are told to connect to, when it is not the bound address (NAT, port forwarding, proxies). */
    public static final String ADVERTISED_HOST = "kafka.advertised.host";
    public static final String ADVERTISED_PORT = "kafka.advertised.port";
    /** The Kafka listener's Netty transport: auto (epoll where available), epoll or nio. */
    public static final String TRANSPORT = "kafka.transport";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String CONSUMER_MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String CONSUMER_MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String CONSUMER_MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String CONSUMER_MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String CONSUMER_ASSIGNORS = "group.consumer.assignors";
    public static final String CONSUMER_MIGRATION_POLICY = "group.consumer.migration.policy";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTION_ABORT_CHECK_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String SHARE_RECORD_LOCK_DURATION_MS = "group.share.record.lock.duration.ms";
    public static final String SHARE_DELIVERY_COUNT_LIMIT = "group.share.delivery.count.limit";
    public static final String SHARE_SESSION_TIMEOUT_MS = "group.share.session.timeout.ms";
    public static final String SHARE_HEARTBEAT_INTERVAL_MS = "group.share.heartbeat.interval.ms";
    /** The SASL mechanisms the Kafka port offers; set, the listener is SASL_PLAINTEXT (SASL_SSL with kafka.tls.*). */
    public static final String SASL_MECHANISMS = "kafka.sasl.mechanisms";
    public static final String CONNECTIONS_MAX_REAUTH_MS = "connections.max.reauth.ms";
    public static final String CONNECTION_FAILED_AUTHENTICATION_DELAY_MS = "connection.failed.authentication.delay.ms";
    /** {@code acl} turns Kafka's authorization on: every request checked against the ACLs (CreateAcls, kafka-acls.sh). */
    public static final String AUTHORIZER = "kafka.authorizer";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    /** {@code kafka.tls.certificate}, {@code kafka.tls.private-key}, {@code kafka.tls.client-ca}: see {@link ServerTls}. */
    static final String TLS_PREFIX = "kafka";
    /** The TLS engine: auto (BoringSSL where it loads, else the JDK's), openssl or jdk. */
    public static final String TLS_PROVIDER = "kafka.tls.provider";
    /** Kafka's ssl.principal.mapping.rules: a client certificate's subject → the principal's name. */
    public static final String TLS_PRINCIPAL_MAPPING_RULES = "kafka.tls.principal-mapping-rules";

    public static final List<ConfigKey> KEYS = Stream.of(Stream.of(
            ConfigKey.of(PORT, "9092", "Kafka port (0 = any free port)."),
            ConfigKey.of(ADVERTISED_HOST, "",
                    "The host Kafka clients are told to connect to; empty = the bound one."),
            ConfigKey.of(ADVERTISED_PORT, "0",
                    "The port Kafka clients are told to connect to; 0 = the bound one."),
            ConfigKey.of(TRANSPORT, "auto",
                    "The Kafka listener's Netty transport: auto (epoll where available, else nio), epoll or nio."),
            ConfigKey.of(AUTO_CREATE_TOPICS_ENABLE, "true",
                    "Whether producing to or fetching from an unknown topic creates it."),
            ConfigKey.of(NUM_PARTITIONS, "1", "How many partitions an auto-created topic gets."),
            ConfigKey.of(GROUP_INITIAL_REBALANCE_DELAY_MS, Integer.toString(GroupSettings.DEFAULT_INITIAL_REBALANCE_DELAY_MS),
                    "How long the first rebalance of an empty consumer group waits for more members."),
            ConfigKey.of(GROUP_MIN_SESSION_TIMEOUT_MS, Integer.toString(GroupSettings.DEFAULT_MIN_SESSION_TIMEOUT_MS),
                    "The smallest session timeout a consumer-group member may ask for."),
            ConfigKey.of(GROUP_MAX_SESSION_TIMEOUT_MS, Integer.toString(GroupSettings.DEFAULT_MAX_SESSION_TIMEOUT_MS),
                    "The largest session timeout a consumer-group member may ask for."),
            ConfigKey.of(CONSUMER_SESSION_TIMEOUT_MS, Integer.toString(ConsumerGroupSettings.DEFAULTS.sessionTimeoutMs()),
                    "A KIP-848 consumer-group member not heard from for this long is removed; its partitions move on."),
            ConfigKey.of(CONSUMER_HEARTBEAT_INTERVAL_MS,
                    Integer.toString(ConsumerGroupSettings.DEFAULTS.heartbeatIntervalMs()),
                    "How often KIP-848 consumer-group members are told to heartbeat."),
            ConfigKey.of(CONSUMER_MIN_SESSION_TIMEOUT_MS, Integer.toString(GroupBounds.KAFKA_DEFAULTS.minSessionTimeoutMs()),
                    "The smallest consumer.session.timeout.ms a consumer group may be given (its GROUP config)."),
            ConfigKey.of(CONSUMER_MAX_SESSION_TIMEOUT_MS, Integer.toString(GroupBounds.KAFKA_DEFAULTS.maxSessionTimeoutMs()),
                    "The largest consumer.session.timeout.ms a consumer group may be given (its GROUP config)."),
            ConfigKey.of(CONSUMER_MIN_HEARTBEAT_INTERVAL_MS,
                    Integer.toString(GroupBounds.KAFKA_DEFAULTS.minHeartbeatIntervalMs()),
                    "The smallest consumer.heartbeat.interval.ms a consumer group may be given (its GROUP config)."),
            ConfigKey.of(CONSUMER_MAX_HEARTBEAT_INTERVAL_MS,
                    Integer.toString(GroupBounds.KAFKA_DEFAULTS.maxHeartbeatIntervalMs()),
                    "The largest consumer.heartbeat.interval.ms a consumer group may be given (its GROUP config)."),
            ConfigKey.of(CONSUMER_MAX_SIZE, Integer.toString(ConsumerGroupSettings.DEFAULTS.maxSize()),
                    "How many members a KIP-848 consumer group may have (GROUP_MAX_SIZE_REACHED beyond)."),
            ConfigKey.of(CONSUMER_ASSIGNORS, String.join(",", ConsumerGroupSettings.DEFAULTS.assignors()),
                    "The server-side assignors of KIP-848 consumer groups (uniform, range), the first the default."),
            ConfigKey.of(CONSUMER_MIGRATION_POLICY, "bidirectional",
                    "Whether a group with members changes protocol online: upgrade (a classic group becomes a consumer"
                            + " group when a consumer-protocol member joins), downgrade (back when the last"
                            + " consumer-protocol member leaves), bidirectional (both) or disabled."),
            ConfigKey.of(TRANSACTION_MAX_TIMEOUT_MS, Integer.toString(TransactionSettings.DEFAULT_MAX_TIMEOUT_MS),
                    "The largest transaction.timeout.ms a transactional producer may ask for."),
            ConfigKey.of(TRANSACTION_ABORT_CHECK_INTERVAL_MS,
                    Integer.toString(TransactionSettings.DEFAULT_ABORT_CHECK_INTERVAL_MS),
                    "How often transactions open longer than their timeout are aborted."),
            ConfigKey.of(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS,
                    Integer.toString(KafkaServerSettings.DEFAULT_FETCH_SESSION_CACHE_SLOTS),
                    "How many incremental fetch sessions (KIP-227) are kept; 0 = none, every fetch is full."),
            ConfigKey.of(SHARE_RECORD_LOCK_DURATION_MS, Integer.toString(ShareSettings.DEFAULTS.recordLockDurationMs()),
                    "How long a record a share consumer acquired stays locked to it before it is available again."),
            ConfigKey.of(SHARE_DELIVERY_COUNT_LIMIT, Integer.toString(ShareSettings.DEFAULTS.deliveryCountLimit()),
                    "Deliveries of a record to a share group before it is archived (a queue's own group: the queue's"
                            + " x-delivery-limit)."),
            ConfigKey.of(SHARE_SESSION_TIMEOUT_MS, Integer.toString(ShareSettings.DEFAULTS.sessionTimeoutMs()),
                    "A share-group member not heard from for this long leaves its group; what it held goes back."),
            ConfigKey.of(SHARE_HEARTBEAT_INTERVAL_MS, Integer.toString(ShareSettings.DEFAULTS.heartbeatIntervalMs()),
                    "How often share-group members are told to heartbeat."),
            ConfigKey.of(SASL_MECHANISMS, "",
                    "SASL mechanisms the Kafka port requires, comma-separated: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"
                            + " (the users of `trilog users`); empty = no SASL."),
            ConfigKey.of(CONNECTIONS_MAX_REAUTH_MS, "0",
                    "A SASL session's lifetime, after which the client must log in again on its connection (KIP-368);"
                            + " 0 = never."),
            ConfigKey.of(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS,
                    Integer.toString(SaslSettings.DEFAULT_FAILED_AUTHENTICATION_DELAY_MS),
                    "How long a refused SASL login waits for its answer before the connection closes."),
            ConfigKey.of(AUTHORIZER, "none",
                    "Kafka authorization: none (every client may do everything) or acl (Kafka's ACLs, managed with"
                            + " kafka-acls.sh or Admin.createAcls, decide every request)."),
            ConfigKey.of(SUPER_USERS, "",
                    "Principals allowed everything when kafka.authorizer=acl, semicolon-separated: User:admin;User:ops."),
            ConfigKey.of(ALLOW_EVERYONE_IF_NO_ACL_FOUND, "false",
                    "With kafka.authorizer=acl: whether a resource no ACL names is open to every client.")),
            ConnectionLimits.keys("Kafka", CONNECTIONS_MAX_IDLE_MS, KafkaServerSettings.DEFAULT_CONNECTIONS_MAX_IDLE_MS,
                    "A Kafka connection with nothing sent or received for this long, and no request being answered,"
                            + " is closed (0 = never).", MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP).stream(),
            ServerTls.keys(TLS_PREFIX).stream(),
            Stream.of(ConfigKey.of(TLS_PROVIDER, "auto", "The Kafka listener's TLS engine: auto (BoringSSL from"
                    + " netty-tcnative where it loads, else the JDK's), openssl (BoringSSL or refuse to start) or jdk."),
                    ConfigKey.of(TLS_PRINCIPAL_MAPPING_RULES, TlsPrincipals.DEFAULT_RULES, "Kafka's"
                            + " ssl.principal.mapping.rules: how a client certificate's subject (CN=alice,OU=ops) becomes"
                            + " the principal the ACLs name on a TLS listener without SASL; DEFAULT keeps it whole"
                            + " (User:CN=alice,OU=ops).")))
            .flatMap(keys -> keys).toList();

    private KafkaFrontendConfig() {
    }

    /**
     * The Kafka listener's settings from the effective configuration.
     *
     * @throws dev.trilog.frontend.InvalidConfigException naming the first bad key, its value and source
     */
    public static KafkaServerSettings read(FrontendConfig config) {
        int port = config.port(PORT);
        boolean autoCreateTopics = config.bool(AUTO_CREATE_TOPICS_ENABLE);
        int numPartitions = config.intAtLeast(NUM_PARTITIONS, 1);
        int advertisedPort = config.port(ADVERTISED_PORT);
        KafkaTransport transport = transport(config);
        GroupSettings groups = new GroupSettings(config.intAtLeast(GROUP_INITIAL_REBALANCE_DELAY_MS, 0),
                config.intAtLeast(GROUP_MIN_SESSION_TIMEOUT_MS, 1), maxSessionTimeout(config), consumerGroups(config));
        TransactionSettings transactions = new TransactionSettings(config.intAtLeast(TRANSACTION_MAX_TIMEOUT_MS, 1),
                config.intAtLeast(TRANSACTION_ABORT_CHECK_INTERVAL_MS, 1));
        ConnectionLimits connections = ConnectionLimits.read(config, CONNECTIONS_MAX_IDLE_MS, MAX_CONNECTIONS,
                MAX_CONNECTIONS_PER_IP);
        return new KafkaServerSettings(config.listenHost(), port, 0, KafkaServerSettings.DEFAULT_MAX_REQUEST_BYTES,
                autoCreateTopics, numPartitions, config.string(ADVERTISED_HOST), advertisedPort, groups, transactions,
                transport, config.intAtLeast(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, 0), connections,
                ServerTls.fromConfig(config, TLS_PREFIX).orElse(null), tlsProvider(config), tlsPrincipals(config),
                new ShareSettings(config.intAtLeast(SHARE_RECORD_LOCK_DURATION_MS, 1),
                        config.intAtLeast(SHARE_DELIVERY_COUNT_LIMIT, 2), config.intAtLeast(SHARE_SESSION_TIMEOUT_MS, 1),
                        config.intAtLeast(SHARE_HEARTBEAT_INTERVAL_MS, 1)), sasl(config), acls(config));
    }

    private static AclSettings acls(FrontendConfig config) {
        String authorizer = config.string(AUTHORIZER).trim();
        if (!authorizer.equals("none") && !authorizer.equals("acl")) {
            throw config.invalid(AUTHORIZER, "expected none or acl");
        }
        java.util.Set<String> superUsers = new java.util.LinkedHashSet<>();
        for (String principal : config.string(SUPER_USERS).split(";")) {
            String trimmed = principal.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw config.invalid(SUPER_USERS, "principals as Type:name, semicolon-separated (not " + trimmed + ")");
            }
            superUsers.add(trimmed);
        }
        return new AclSettings(authorizer.equals("acl"), superUsers, config.bool(ALLOW_EVERYONE_IF_NO_ACL_FOUND));
    }

    private static SaslSettings sasl(FrontendConfig config) {
        List<String> mechanisms = java.util.Arrays.stream(config.string(SASL_MECHANISMS).split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
        for (String mechanism : mechanisms) {
            if (!SaslSettings.SUPPORTED.contains(mechanism)) {
                throw config.invalid(SASL_MECHANISMS, "mechanisms among " + String.join(", ", SaslSettings.SUPPORTED)
                        + " (not " + mechanism + ")");
            }
        }
        return new SaslSettings(mechanisms, config.intAtLeast(CONNECTIONS_MAX_REAUTH_MS, 0),
                config.intAtLeast(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS, 0));
    }

    private static KafkaTransport transport(FrontendConfig config) {
        KafkaTransport transport = KafkaTransport.parse(config.string(TRANSPORT));
        if (transport == null) {
            throw config.invalid(TRANSPORT, "expected auto, epoll or nio");
        }
        return transport;
    }

    private static ConsumerGroupSettings consumerGroups(FrontendConfig config) {
        List<String> assignors = Stream.of(config.string(CONSUMER_ASSIGNORS).split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).toList();
        try {
            GroupBounds bounds = new GroupBounds(config.intAtLeast(CONSUMER_MIN_SESSION_TIMEOUT_MS, 1),
                    config.intAtLeast(CONSUMER_MAX_SESSION_TIMEOUT_MS, 1),
                    config.intAtLeast(CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, 1),
                    config.intAtLeast(CONSUMER_MAX_HEARTBEAT_INTERVAL_MS, 1));
            return new ConsumerGroupSettings(config.intAtLeast(CONSUMER_SESSION_TIMEOUT_MS, 1),
                    config.intAtLeast(CONSUMER_HEARTBEAT_INTERVAL_MS, 1), config.intAtLeast(CONSUMER_MAX_SIZE, 1),
                    assignors, migrationPolicy(config), bounds);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().contains("assignor") ? CONSUMER_ASSIGNORS
                    : e.getMessage().startsWith("group.consumer.min.session") ? CONSUMER_MIN_SESSION_TIMEOUT_MS
                    : e.getMessage().startsWith("group.consumer.min.heartbeat") ? CONSUMER_MIN_HEARTBEAT_INTERVAL_MS
                    : CONSUMER_HEARTBEAT_INTERVAL_MS;
            throw config.invalid(key, e.getMessage());
        }
    }

    private static ConsumerGroupSettings.MigrationPolicy migrationPolicy(FrontendConfig config) {
        ConsumerGroupSettings.MigrationPolicy policy = ConsumerGroupSettings.MigrationPolicy.parse(
                config.string(CONSUMER_MIGRATION_POLICY));
        if (policy == null) {
            throw config.invalid(CONSUMER_MIGRATION_POLICY, "expected disabled, upgrade, downgrade or bidirectional");
        }
        return policy;
    }

    private static TlsProvider tlsProvider(FrontendConfig config) {
        TlsProvider provider = TlsProvider.parse(config.string(TLS_PROVIDER));
        if (provider == null) {
            throw config.invalid(TLS_PROVIDER, "expected auto, openssl or jdk");
        }
        if (provider == TlsProvider.OPENSSL && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
            throw config.invalid(TLS_PROVIDER, "auto or jdk: BoringSSL (netty-tcnative) does not load here ("
                    + io.netty.handler.ssl.OpenSsl.unavailabilityCause() + ")");
        }
        return provider;
    }

    private static TlsPrincipals tlsPrincipals(FrontendConfig config) {
        try {
            return TlsPrincipals.fromRules(config.string(TLS_PRINCIPAL_MAPPING_RULES));
        } catch (IllegalArgumentException e) {
            throw config.invalid(TLS_PRINCIPAL_MAPPING_RULES, "rules as Kafka's ssl.principal.mapping.rules"
                    + " (RULE:pattern/replacement/[LU], comma-separated, or DEFAULT): " + e.getMessage());
        }
    }

    private static int maxSessionTimeout(FrontendConfig config) {
        int min = config.intAtLeast(GROUP_MIN_SESSION_TIMEOUT_MS, 1);
        int max = config.intAtLeast(GROUP_MAX_SESSION_TIMEOUT_MS, 1);
        if (max < min) {
            throw config.invalid(GROUP_MAX_SESSION_TIMEOUT_MS,
                    "must be at least " + GROUP_MIN_SESSION_TIMEOUT_MS + " (" + min + ")");
        }
        return max;
    }
}
