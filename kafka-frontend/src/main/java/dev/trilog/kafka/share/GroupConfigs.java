package dev.trilog.kafka.share;

import dev.trilog.kafka.admin.GroupConfigResources;
import dev.trilog.kafka.group.ConsumerGroupConfig;
import dev.trilog.kafka.group.ConsumerGroupSettings;
import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PropertiesBytes;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Groups' own settings, Kafka's GROUP config resources, one store for every kind of group as in
 * Kafka: share groups' {@code share.auto.offset.reset}, {@code share.record.lock.duration.ms},
 * {@code share.delivery.count.limit} and {@code share.isolation.level}, and consumer groups'
 * {@code consumer.session.timeout.ms} and {@code consumer.heartbeat.interval.ms}
 * ({@link ConsumerGroupConfig}), each defaulting to the broker's setting. Kept in a durable map
 * of the engine's metadata log, so they survive a restart and a cluster replicates them as it
 * does the other durable maps.
 *
 * <p>A queue's own share group (its name is a queue's) keeps the queue's settings — its delivery
 * limit and dead-lettering are the queue's attributes, shared with its SQS and AMQP consumers — so
 * changing a {@code share.*} setting of it is refused with {@code INVALID_REQUEST}.
 */
public final class GroupConfigs implements GroupConfigResources, ConsumerGroupConfig.Lookup {

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
    private final ConsumerGroupSettings consumerBroker;
    private final Topology topology;
    private final ConfigDef definitions;
    /** Parsed overrides by group, with the stored bytes they came from (another node may have written new ones). */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(byte[] stored, ShareGroupConfig config, ConsumerGroupConfig consumer) {
    }

    GroupConfigs(DurableMap store, ShareSettings broker, ConsumerGroupSettings consumerBroker, Topology topology) {
        this.store = store;
        this.broker = broker;
        this.consumerBroker = consumerBroker;
        this.topology = topology;
        this.definitions = ConsumerGroupConfig.define(new ConfigDef(), consumerBroker)
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
    static GroupConfigs open(LogEngine engine, ShareSettings broker, ConsumerGroupSettings consumerBroker,
            Topology topology) {
        try {
            return new GroupConfigs(engine.durableMap(NAMESPACE), broker, consumerBroker, topology);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The share group's effective settings: its overrides over the broker's. */
    ShareGroupConfig of(String group) {
        return parsed(group).config;
    }

    /** The consumer group's effective settings: its overrides over the broker's. */
    @Override
    public ConsumerGroupConfig consumerGroup(String groupId) {
        return parsed(groupId).consumer;
    }

    private Parsed parsed(String group) {
        byte[] stored = store.get(group).orElse(null);
        Parsed known = parsed.get(group);
        if (known != null && Arrays.equals(known.stored, stored)) {
            return known;
        }
        Map<String, Object> values = parse(stored == null ? Map.of() : PropertiesBytes.decode(stored));
        Parsed fresh = new Parsed(stored, shareConfig(values), ConsumerGroupConfig.stored(values));
        parsed.put(group, fresh);
        return fresh;
    }

    @Override
    public ConfigDef definitions() {
        return definitions;
    }

    @Override
    public Map<String, String> brokerNames() {
        Map<String, String> names = new HashMap<>(ConsumerGroupConfig.BROKER_NAMES);
        names.put(RECORD_LOCK_DURATION_MS, "group.share.record.lock.duration.ms");
        names.put(DELIVERY_COUNT_LIMIT, "group.share.delivery.count.limit");
        return names;
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
        if (topology.queue(group).isPresent() && changesShareSettings(overrides(group), overrides)) {
            throw new InvalidRequestException("Share group " + group + " is queue " + group + "'s own: it keeps the"
                    + " queue's settings (its delivery limit, dead-lettering and visibility); change the queue's"
                    + " attributes instead");
        }
        Map<String, Object> values = parse(overrides);
        shareConfig(values);
        ConsumerGroupConfig.of(values, consumerBroker);
        if (validateOnly) {
            return;
        }
        if (overrides.isEmpty()) {
            store.remove(group);
        } else {
            store.put(group, PropertiesBytes.encode(overrides));
        }
    }

    private static boolean changesShareSettings(Map<String, String> before, Map<String, String> after) {
        for (String name : java.util.stream.Stream.concat(before.keySet().stream(), after.keySet().stream()).toList()) {
            if (name.startsWith("share.") && !Objects.equals(before.get(name), after.get(name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets the group's share-group overrides: a deleted share group's settings go with it, so a
     * share group of the same name made later starts from the broker's settings. Consumer-group
     * settings of the name stay (they are another group's, deleted on their own).
     */
    void forget(String group) throws IOException {
        Map<String, String> kept = new HashMap<>(overrides(group));
        if (kept.keySet().removeIf(name -> name.startsWith("share."))) {
            if (kept.isEmpty()) {
                store.remove(group);
            } else {
                store.put(group, PropertiesBytes.encode(kept));
            }
        }
    }

    /** Validates overrides as Kafka does: known names only, each value of the right type (bounds: the kinds' own checks). */
    private Map<String, Object> parse(Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!definitions.names().contains(name)) {
                throw new ConfigException("Unknown group config name: " + name
                        + " (Trilog's group configs: " + String.join(", ", definitions.names()) + ")");
            }
        }
        return definitions.parse(overrides);
    }

    private static ShareGroupConfig shareConfig(Map<String, Object> values) {
        return new ShareGroupConfig(ShareAutoOffsetReset.parse((String) values.get(AUTO_OFFSET_RESET)),
                (Integer) values.get(RECORD_LOCK_DURATION_MS), (Integer) values.get(DELIVERY_COUNT_LIMIT),
                "read_committed".equals(values.get(ISOLATION_LEVEL)));
    }
}
