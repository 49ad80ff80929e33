package dev.trilog.kafka.group;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A KIP-848 consumer group's own settings, Kafka's GROUP config resources
 * {@code consumer.session.timeout.ms} and {@code consumer.heartbeat.interval.ms}: each defaults to
 * the broker's {@code group.consumer.*} setting and, set for a group, must lie within the broker's
 * bounds ({@link ConsumerGroupSettings.GroupBounds}), the session above the heartbeat interval —
 * Kafka's {@code GroupConfig} rules and messages. They are stored with the other group configs
 * (share groups' too) in one durable store; the coordinator reads them through {@link Lookup}.
 *
 * @param sessionTimeoutMs    a member not heard from for this long is removed
 * @param heartbeatIntervalMs how often members are told to heartbeat
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs) {

    public static final String SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "consumer.heartbeat.interval.ms";

    /** Each group's effective settings, read on every heartbeat (so a change applies from the next one). */
    @FunctionalInterface
    public interface Lookup {
        ConsumerGroupConfig consumerGroup(String groupId);

        /** The broker's settings for every group: for a coordinator without a group config store. */
        static Lookup brokerSettings(ConsumerGroupSettings broker) {
            ConsumerGroupConfig config = new ConsumerGroupConfig(broker.sessionTimeoutMs(), broker.heartbeatIntervalMs());
            return groupId -> config;
        }
    }

    /** The broker setting each group setting defaults to, by group setting name. */
    public static final Map<String, String> BROKER_NAMES = Map.of(SESSION_TIMEOUT_MS, "group.consumer.session.timeout.ms",
            HEARTBEAT_INTERVAL_MS, "group.consumer.heartbeat.interval.ms");

    /** Adds the two settings to {@code definitions}, the broker's values their defaults. */
    public static ConfigDef define(ConfigDef definitions, ConsumerGroupSettings broker) {
        return definitions
                .define(SESSION_TIMEOUT_MS, ConfigDef.Type.INT, broker.sessionTimeoutMs(), ConfigDef.Range.atLeast(1),
                        ConfigDef.Importance.MEDIUM, "A member of the consumer group not heard from for this long is"
                                + " removed and its partitions move on.")
                .define(HEARTBEAT_INTERVAL_MS, ConfigDef.Type.INT, broker.heartbeatIntervalMs(),
                        ConfigDef.Range.atLeast(1), ConfigDef.Importance.MEDIUM,
                        "How often the consumer group's members are told to heartbeat.");
    }

    /**
     * The settings of stored values parsed by {@link #define}'s definitions, unchecked: as in
     * Kafka, a value accepted when it was set applies even if the broker's bounds changed since
     * (refusing it now would fail every heartbeat of the group).
     */
    public static ConsumerGroupConfig stored(Map<String, Object> values) {
        return new ConsumerGroupConfig((Integer) values.get(SESSION_TIMEOUT_MS), (Integer) values.get(HEARTBEAT_INTERVAL_MS));
    }

    /**
     * The settings of values parsed by {@link #define}'s definitions, checked as Kafka's
     * {@code GroupConfig.validate} does: within the bounds — widened to take in the broker's own
     * setting, which a group may always be set to (Kafka refuses to start with a default outside
     * them) — and the session longer than the heartbeat interval.
     *
     * @throws ConfigException what Kafka answers INVALID_CONFIG
     */
    public static ConsumerGroupConfig of(Map<String, Object> values, ConsumerGroupSettings broker) {
        int session = (Integer) values.get(SESSION_TIMEOUT_MS);
        int heartbeat = (Integer) values.get(HEARTBEAT_INTERVAL_MS);
        ConsumerGroupSettings.GroupBounds bounds = broker.groupBounds();
        checkWithin(HEARTBEAT_INTERVAL_MS, heartbeat, bounds.minHeartbeatIntervalMs(), bounds.maxHeartbeatIntervalMs(),
                broker.heartbeatIntervalMs(), "group.consumer.min.heartbeat.interval.ms",
                "group.consumer.max.heartbeat.interval.ms");
        checkWithin(SESSION_TIMEOUT_MS, session, bounds.minSessionTimeoutMs(), bounds.maxSessionTimeoutMs(),
                broker.sessionTimeoutMs(), "group.consumer.min.session.timeout.ms",
                "group.consumer.max.session.timeout.ms");
        if (session <= heartbeat) {
            throw new ConfigException(SESSION_TIMEOUT_MS + " must be greater than " + HEARTBEAT_INTERVAL_MS);
        }
        return new ConsumerGroupConfig(session, heartbeat);
    }

    /** {@code value} within {@code [min, max]} widened to take in the broker's own value, in Kafka's words. */
    private static void checkWithin(String name, int value, int min, int max, int brokerValue, String minKey,
            String maxKey) {
        if (value < Math.min(min, brokerValue)) {
            throw new ConfigException(name + " must be greater than or equal to " + minKey);
        }
        if (value > Math.max(max, brokerValue)) {
            throw new ConfigException(name + " must be less than or equal to " + maxKey);
        }
    }
}
