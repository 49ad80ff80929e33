package dev.trilog.kafka.group;

import java.util.List;

/**
 * How KIP-848 consumer groups behave, with Kafka's broker setting names and defaults.
 *
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms}: a member not heard from for this long is removed
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: how often members are told to heartbeat
 * @param maxSize             {@code group.consumer.max.size}: members a group may have
 * @param assignors           {@code group.consumer.assignors}: the server-side assignors offered, the first the default
 * @param migrationPolicy     {@code group.consumer.migration.policy}: whether a group with members changes protocol
 *                            online ({@link MigrationPolicy})
 * @param groupBounds         what a group's own {@code consumer.session.timeout.ms} and
 *                            {@code consumer.heartbeat.interval.ms} may be ({@link ConsumerGroupConfig})
 */
public record ConsumerGroupSettings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
        MigrationPolicy migrationPolicy, GroupBounds groupBounds) {

    public static final ConsumerGroupSettings DEFAULTS = new ConsumerGroupSettings(45_000, 5_000, Integer.MAX_VALUE,
            List.of(UniformAssignor.NAME, RangeAssignor.NAME), MigrationPolicy.BIDIRECTIONAL);

    /** With Kafka's default bounds of the group configs. */
    public ConsumerGroupSettings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
            MigrationPolicy migrationPolicy) {
        this(sessionTimeoutMs, heartbeatIntervalMs, maxSize, assignors, migrationPolicy, GroupBounds.KAFKA_DEFAULTS);
    }

    /**
     * Kafka's {@code group.consumer.min.session.timeout.ms}, {@code group.consumer.max.session.timeout.ms},
     * {@code group.consumer.min.heartbeat.interval.ms} and {@code group.consumer.max.heartbeat.interval.ms}:
     * the range a group's own setting must lie in (else INVALID_CONFIG).
     */
    public record GroupBounds(int minSessionTimeoutMs, int maxSessionTimeoutMs, int minHeartbeatIntervalMs,
            int maxHeartbeatIntervalMs) {

        public static final GroupBounds KAFKA_DEFAULTS = new GroupBounds(45_000, 60_000, 5_000, 15_000);

        public GroupBounds {
            if (minSessionTimeoutMs <= 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
                throw new IllegalArgumentException("group.consumer.min.session.timeout.ms must be positive and at most"
                        + " group.consumer.max.session.timeout.ms");
            }
            if (minHeartbeatIntervalMs <= 0 || maxHeartbeatIntervalMs < minHeartbeatIntervalMs) {
                throw new IllegalArgumentException("group.consumer.min.heartbeat.interval.ms must be positive and at most"
                        + " group.consumer.max.heartbeat.interval.ms");
            }
        }
    }

    /**
     * Kafka's {@code group.consumer.migration.policy}: a classic group with members becomes a
     * consumer group when a consumer-protocol member joins it (upgrade), and a consumer group
     * whose last consumer-protocol member leaves while classic members remain becomes a classic
     * group again (downgrade). An empty group changes kind whatever the policy.
     */
    public enum MigrationPolicy {
        DISABLED, UPGRADE, DOWNGRADE, BIDIRECTIONAL;

        boolean upgrades() {
            return this == UPGRADE || this == BIDIRECTIONAL;
        }

        boolean downgrades() {
            return this == DOWNGRADE || this == BIDIRECTIONAL;
        }

        /** The policy of a setting's value (case does not matter, as in Kafka), or null. */
        public static MigrationPolicy parse(String value) {
            for (MigrationPolicy policy : values()) {
                if (policy.name().equalsIgnoreCase(value.trim())) {
                    return policy;
                }
            }
            return null;
        }
    }

    public ConsumerGroupSettings {
        if (sessionTimeoutMs <= 0 || heartbeatIntervalMs <= 0 || heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException("group.consumer.heartbeat.interval.ms must be positive and below"
                    + " group.consumer.session.timeout.ms");
        }
        if (maxSize <= 0) {
            throw new IllegalArgumentException("group.consumer.max.size must be positive");
        }
        java.util.Objects.requireNonNull(migrationPolicy, "group.consumer.migration.policy");
        java.util.Objects.requireNonNull(groupBounds, "groupBounds");
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor");
        }
        for (String name : assignors) {
            if (ServerAssignor.named(name) == null) {
                throw new IllegalArgumentException("unknown assignor " + name + " in group.consumer.assignors (known: "
                        + UniformAssignor.NAME + ", " + RangeAssignor.NAME + ")");
            }
        }
    }
}
