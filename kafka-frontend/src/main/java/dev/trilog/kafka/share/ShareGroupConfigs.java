package dev.trilog.kafka.share;

import dev.trilog.kafka.admin.GroupConfigResources;
import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PropertiesBytes;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Share groups' own settings, Kafka's GROUP config resources: {@code share.auto.offset.reset},
 * {@code share.record.lock.duration.ms}, {@code share.delivery.count.limit} and
 * {@code share.isolation.level}, each defaulting to the broker's setting. Kept in a durable map
 * of the engine's metadata log, so they survive a restart and a cluster replicates them as it
 * does the other durable maps.
 *
 * <p>A queue's own group (its name is a queue's) keeps the queue's settings — its delivery limit
 * and dead-lettering are the queue's attributes, shared with its SQS and AMQP consumers — so
 * altering it is refused with {@code INVALID_REQUEST}.
 */
public final class ShareGroupConfigs implements GroupConfigResources {

    public static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    public static final String RECORD_LOCK_DURATION_MS = "share.record.lock.duration.ms";
    public static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
    public static final String ISOLATION_LEVEL = "share.isolation.level";

    /** Kafka's default bounds of a group's lock duration and delivery limit (group.share.min/max.*). */
    static final int MIN_LOCK_MS = 15_000;
    static final int MAX_LOCK_MS = 60_000;
    static final int MIN_DELIVERY_COUNT_LIMIT = 2;
    static final int MAX_DELIVERY_COUNT_LIMIT = 10;

    private static final String NAMESPACE = "kafka-group-configs";

    private final DurableMap store;
    private final ShareSettings broker;
    private final Topology topology;
    private final ConfigDef definitions;
    /** Parsed overrides by group, with the stored bytes they came from (another node may have written new ones). */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(byte[] stored, ShareGroupConfig config) {
    }

    ShareGroupConfigs(DurableMap store, ShareSettings broker, Topology topology) {
        this.store = store;
        this.broker = broker;
        this.topology = topology;
        this.definitions = new ConfigDef()
                .define(AUTO_OFFSET_RESET, ConfigDef.Type.STRING, ShareGroupConfig.DEFAULT_AUTO_OFFSET_RESET,
                        new ConfigDef.NonNullValidator(), ConfigDef.Importance.MEDIUM,
                        "Where a share partition starts when the group first reads it: earliest, latest, or"
                                + " by_duration:<ISO-8601 duration> (the first record that recent).")
                .define(RECORD_LOCK_DURATION_MS, ConfigDef.Type.INT, broker.recordLockDurationMs(),
                        boundsWith(MIN_LOCK_MS, MAX_LOCK_MS, broker.recordLockDurationMs()), ConfigDef.Importance.MEDIUM,
                        "How long an acquired record stays with its consumer before it is available again.")
                .define(DELIVERY_COUNT_LIMIT, ConfigDef.Type.INT, broker.deliveryCountLimit(),
                        boundsWith(MIN_DELIVERY_COUNT_LIMIT, MAX_DELIVERY_COUNT_LIMIT, broker.deliveryCountLimit()),
                        ConfigDef.Importance.MEDIUM, "Deliveries of a record before it is archived.")
                .define(ISOLATION_LEVEL, ConfigDef.Type.STRING, "read_uncommitted",
                        ConfigDef.ValidString.in("read_committed", "read_uncommitted"), ConfigDef.Importance.MEDIUM,
                        "read_committed: only records of committed transactions are delivered, none past the"
                                + " last stable offset.");
    }

    /**
     * Kafka's bounds, widened to take in the broker's own setting: Kafka requires its broker
     * default to lie within its group bounds, and a group may always be set to the broker's value.
     */
    private static ConfigDef.Range boundsWith(int min, int max, int brokerValue) {
        return ConfigDef.Range.between(Math.min(min, brokerValue), Math.max(max, brokerValue));
    }

    /** The group configs over the engine's durable map. */
    static ShareGroupConfigs open(LogEngine engine, ShareSettings broker, Topology topology) {
        try {
            return new ShareGroupConfigs(engine.durableMap(NAMESPACE), broker, topology);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The group's effective settings: its overrides over the broker's. */
    ShareGroupConfig of(String group) {
        byte[] stored = store.get(group).orElse(null);
        Parsed known = parsed.get(group);
        if (known != null && Arrays.equals(known.stored, stored)) {
            return known.config;
        }
        ShareGroupConfig config = parse(stored == null ? Map.of() : PropertiesBytes.decode(stored));
        parsed.put(group, new Parsed(stored, config));
        return config;
    }

    @Override
    public ConfigDef definitions() {
        return definitions;
    }

    @Override
    public Map<String, String> brokerNames() {
        return Map.of(RECORD_LOCK_DURATION_MS, "group.share.record.lock.duration.ms",
                DELIVERY_COUNT_LIMIT, "group.share.delivery.count.limit");
    }

    @Override
    public Map<String, String> overrides(String group) {
        return store.get(group).map(PropertiesBytes::decode).orElse(Map.of());
    }

    @Override
    public void alter(String group, Map<String, String> overrides, boolean validateOnly) throws IOException {
        if (group.isEmpty()) {
            throw new InvalidRequestException("Group name must not be empty");
        }
        if (topology.queue(group).isPresent()) {
            throw new InvalidRequestException("Share group " + group + " is queue " + group + "'s own: it keeps the"
                    + " queue's settings (its delivery limit, dead-lettering and visibility); change the queue's"
                    + " attributes instead");
        }
        parse(overrides);
        if (validateOnly) {
            return;
        }
        if (overrides.isEmpty()) {
            store.remove(group);
        } else {
            store.put(group, PropertiesBytes.encode(overrides));
        }
    }

    /**
     * Forgets the group's overrides: a deleted share group's settings go with it, so a group of
     * the same name made later starts from the broker's settings.
     */
    void forget(String group) throws IOException {
        if (store.get(group).isPresent()) {
            store.remove(group);
        }
    }

    /** Validates overrides as Kafka does: known names only, each value within its bounds. */
    private ShareGroupConfig parse(Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!definitions.names().contains(name)) {
                throw new ConfigException("Unknown group config name: " + name
                        + " (Trilog's group configs: " + String.join(", ", definitions.names()) + ")");
            }
        }
        Map<String, Object> values = definitions.parse(overrides);
        return new ShareGroupConfig(ShareAutoOffsetReset.parse((String) values.get(AUTO_OFFSET_RESET)),
                (Integer) values.get(RECORD_LOCK_DURATION_MS), (Integer) values.get(DELIVERY_COUNT_LIMIT),
                "read_committed".equals(values.get(ISOLATION_LEVEL)));
    }
}
