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
 */
public record ConsumerGroupSettings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
        MigrationPolicy migrationPolicy) {

    public static final ConsumerGroupSettings DEFAULTS = new ConsumerGroupSettings(45_000, 5_000, Integer.MAX_VALUE,
            List.of(UniformAssignor.NAME, RangeAssignor.NAME), MigrationPolicy.BIDIRECTIONAL);

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
