package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.ServerTls;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogConfig;
import dev.trilog.replication.RaftTransport;
import dev.trilog.replication.ReplicationTimeouts;
import dev.trilog.replication.SnapshotSettings;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every configuration key the gateway accepts, who owns it, and the {@code TRILOG_*} environment
 * variable that sets each one.
 *
 * <p>Three kinds of owner:
 * <ul>
 *   <li>the gateway itself: where data lives, where to listen, the admin port ({@link #GATEWAY_KEYS});</li>
 *   <li>each protocol frontend: the keys it declares ({@link Frontend#configKeys()}), found with
 *       it on the class path, so a frontend's setting is accepted without touching this class;</li>
 *   <li>the log engine: Kafka's broker-level names ({@code log.retention.ms}, …), read from the
 *       engine's own tables.</li>
 * </ul>
 * A key has one owner: two owners declaring the same key is a build mistake, refused here.
 *
 * <p>An environment variable is the key upper-cased with every character other than a letter or
 * digit turned into {@code _} ({@code log.retention.ms} → {@code TRILOG_LOG_RETENTION_MS}).
 * Variables are mapped back by looking them up in that table, never by turning {@code _} back into
 * {@code .}, so a key that itself contains {@code _} or {@code -} still round-trips.
 */
public final class KnownKeys {

    public static final String DATA_DIR = "data.dir";
    public static final String LISTEN_HOST = "listen.host";
    public static final String ADMIN_PORT = "admin.port";
    public static final String ADMIN_WRITES = "admin.console.writes";
    public static final String ADMIN_COMPARE_REPORTS = "admin.compare.reports";
    /** {@code admin.tls.certificate}, {@code admin.tls.private-key}, {@code admin.tls.client-ca}: HTTPS on the admin port. */
    public static final String ADMIN_TLS_PREFIX = "admin";
    public static final String NODE_ID = "node.id";
    public static final String CLUSTER_NODES = "cluster.nodes";
    public static final String CLUSTER_SNAPSHOT_THRESHOLD = "cluster.snapshot.threshold";
    public static final String CLUSTER_LEADER_PATIENCE_MS = "cluster.leader.patience.ms";
    public static final String CLUSTER_TRANSPORT = "cluster.transport";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String CLUSTER_ELECTION_TIMEOUT_MS = "cluster.election.timeout.ms";
    public static final String DEFINITIONS_FILE = "definitions.file";
    /** Refuse to start when a listener beyond loopback has no client authentication (else one WARN line). */
    public static final String REQUIRE_AUTH_OFF_LOOPBACK = "security.require-auth-off-loopback";

    /** The owner name of the gateway's own keys, as {@code --help} groups them. */
    public static final String GATEWAY = "gateway";

    /** The keys the gateway itself owns: one process, data in ./data, every port on loopback (README, "Configuration"). */
    public static final List<ConfigKey> GATEWAY_KEYS = Stream.concat(Stream.of(
            ConfigKey.of(DATA_DIR, "data", "Where all data lives, relative to the working directory."),
            ConfigKey.of(LISTEN_HOST, "127.0.0.1", "The address every listener binds."),
            ConfigKey.of(ADMIN_PORT, "8080",
                    "Admin HTTP port for /health, /metrics and the JSON API under /api/v1 (0 = any free port)."),
            ConfigKey.of(ADMIN_WRITES, GatewayConfig.WRITES_ON_LOOPBACK, "Whether the admin API may change things"
                    + " (create and delete topics, purge queues): true, false, or loopback = only while it listens"
                    + " on a loopback address."),
            ConfigKey.of(REQUIRE_AUTH_OFF_LOOPBACK, "false", "true = refuse to start when a listener binds beyond"
                    + " loopback with no client authentication (Kafka: mutual TLS; AMQP: mutual TLS; SQS: sqs.access-keys;"
                    + " admin: mutual TLS); false = one WARN line at start naming them."),
            ConfigKey.of(ADMIN_COMPARE_REPORTS, "compare-results", "Where the console finds trilog compare's reports"
                    + " (its --output directory), relative to the working directory."),
            ConfigKey.of(CLUSTER_NODES, "", "Replicated mode (first step, docs/replication.md): every node's id and"
                    + " replication address, 1@host:port,2@host:port,...; empty = one node, nothing replicated."),
            ConfigKey.of(NODE_ID, "0", "This node's id in cluster.nodes (needed when cluster.nodes is set)."),
            ConfigKey.of(CLUSTER_SNAPSHOT_THRESHOLD, String.valueOf(SnapshotSettings.DEFAULT_THRESHOLD),
                    "Replicated mode: Raft entries applied between two snapshots, after which the Raft log is"
                            + " purged of what every node has committed (docs/replication.md)."),
            ConfigKey.of(CLUSTER_TRANSPORT, RaftTransport.DEFAULT.name().toLowerCase(Locale.ROOT),
                    "Replicated mode: what the nodes' Raft servers talk over, grpc or netty (Ratis' transports;"
                            + " every node of a cluster needs the same; docs/replication.md)."),
            ConfigKey.of(CLUSTER_LEADER_PATIENCE_MS, String.valueOf(ReplicationTimeouts.DEFAULTS.leaderPatience().toMillis()),
                    "Replicated mode: how long a write waits for its partition's group to have a leader before it"
                            + " is refused with NOT_LEADER_OR_FOLLOWER (the client asks for the leader again and retries)."),
            ConfigKey.of(CLUSTER_ELECTION_TIMEOUT_MS, String.valueOf(ReplicationTimeouts.DEFAULTS.election().toMillis()),
                    "Replicated mode: how long a follower hears nothing from its group's leader before it may stand"
                            + " for election (Raft's election timeout, drawn between this and twice this); leaders"
                            + " heartbeat every follower of every group at half of it, idle or not: longer is a slower"
                            + " failover and less CPU for an idle cluster (docs/replication.md)."),
            ConfigKey.of(REPLICA_LAG_TIME_MAX_MS, String.valueOf(ReplicationTimeouts.DEFAULTS.replicaLagMax().toMillis()),
                    "Replicated mode, as in Kafka: a follower that has not answered its partition's leader for this long"
                            + " leaves the ISR (acks=all writes then count min.insync.replicas without it)."),
            ConfigKey.of(DEFINITIONS_FILE, "", "A YAML or JSON file of topics, SQS queues, exchanges, queues and"
                    + " bindings declared at start, idempotently (docs/definitions.md); not with cluster.nodes."),
            ConfigKey.of(LoggingLevels.KEY, LoggingLevels.DEFAULT, "Log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF),"
                    + " then logger=LEVEL entries, comma-separated: WARN,dev.trilog.kafka=DEBUG. A whole Logback"
                    + " file instead: TRILOG_JAVA_OPTS=-Dlogback.configurationFile=FILE.")),
            ServerTls.keys(ADMIN_TLS_PREFIX).stream()).toList();

    /** The prefix that marks an environment variable as configuration. */
    public static final String ENVIRONMENT_PREFIX = "TRILOG_";

    /**
     * Variables with the prefix that are not configuration: the {@code ./trilog} launcher reads
     * them before the JVM starts, and they are still in the environment the gateway sees.
     */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("TRILOG_JAVA_OPTS");

    private static final Set<String> ENGINE_KEYS;

    static {
        Set<String> engine = new TreeSet<>(EngineSettings.KEYS);
        engine.addAll(LogConfig.BROKER_NAMES.values());
        ENGINE_KEYS = Collections.unmodifiableSet(engine);
    }

    /** The gateway's and the frontends' keys by owner, gateway first, frontends in the order given. */
    private final Map<String, List<ConfigKey>> declaredByOwner;
    private final Map<String, ConfigKey> declared;
    private final Set<String> all;
    private final Map<String, String> keyByVariable;

    private KnownKeys(Map<String, List<ConfigKey>> declaredByOwner) {
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        Map<String, String> ownerByName = new HashMap<>();
        ENGINE_KEYS.forEach(key -> ownerByName.put(key, "the log engine"));
        declaredByOwner.forEach((owner, keys) -> {
            for (ConfigKey key : keys) {
                String clash = ownerByName.put(key.name(), owner);
                if (clash != null) {
                    throw new IllegalStateException("config key " + key.name() + " is declared by both " + clash
                            + " and " + owner);
                }
                byName.put(key.name(), key);
            }
        });
        this.declaredByOwner = Collections.unmodifiableMap(new LinkedHashMap<>(declaredByOwner));
        this.declared = Collections.unmodifiableMap(byName);

        Set<String> everyKey = new TreeSet<>(byName.keySet());
        everyKey.addAll(ENGINE_KEYS);
        this.all = Collections.unmodifiableSet(everyKey);

        Map<String, String> byVariable = new HashMap<>();
        for (String key : all) {
            String clash = byVariable.put(variableFor(key), key);
            if (clash != null) {
                throw new IllegalStateException("keys " + clash + " and " + key
                        + " would share the environment variable " + variableFor(key));
            }
        }
        this.keyByVariable = Map.copyOf(byVariable);
    }

    /**
     * The gateway's keys, the engine's and those of {@code frontends}.
     *
     * @throws IllegalStateException when two owners declare one key, or a frontend's port key is
     *         not among its keys
     */
    public static KnownKeys of(List<Frontend> frontends) {
        Map<String, List<ConfigKey>> byOwner = new LinkedHashMap<>();
        byOwner.put(GATEWAY, GATEWAY_KEYS);
        for (Frontend frontend : frontends) {
            List<ConfigKey> keys = List.copyOf(frontend.configKeys());
            if (keys.stream().noneMatch(key -> key.name().equals(frontend.portKey()))) {
                throw new IllegalStateException("the " + frontend.name() + " frontend's port key "
                        + frontend.portKey() + " is not among its config keys");
            }
            if (byOwner.put(frontend.name(), keys) != null) {
                throw new IllegalStateException("two owners of config keys are named " + frontend.name());
            }
        }
        return new KnownKeys(byOwner);
    }

    /** Every key, sorted. */
    public Set<String> all() {
        return all;
    }

    public boolean isKnown(String key) {
        return all.contains(key);
    }

    /** True for the keys the log engine reads ({@link EngineSettings#fromBrokerProperties}). */
    public boolean isEngineKey(String key) {
        return ENGINE_KEYS.contains(key);
    }

    /** True for a key whose value must never be logged. */
    public boolean isSecret(String key) {
        ConfigKey declaredKey = declared.get(key);
        return declaredKey != null && declaredKey.secret();
    }

    /** The gateway's and the frontends' keys (not the engine's), with their defaults and docs. */
    public List<ConfigKey> declared() {
        return List.copyOf(declared.values());
    }

    /** {@link #declared()} grouped by owner: {@value #GATEWAY} first, then each frontend by name. */
    public Map<String, List<ConfigKey>> declaredByOwner() {
        return declaredByOwner;
    }

    /** The environment variable that sets {@code key}: {@code kafka.port} → {@code TRILOG_KAFKA_PORT}. */
    public static String variableFor(String key) {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The key a {@code TRILOG_*} variable sets, if it names one. */
    public Optional<String> keyForVariable(String variable) {
        return Optional.ofNullable(keyByVariable.get(variable));
    }
}
