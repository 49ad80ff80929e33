package dev.trilog.kafka.group;

import java.util.List;

/**
 * How KIP-848 consumer groups behave, with Kafka's broker setting names and defaults.
 *
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms}: a member not heard from for this long is removed
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: how often members are told to heartbeat
 * @param maxSize             {@code group.consumer.max.size}: members a group may have
 * @param assignors           {@code group.consumer.assignors}: the server-side assignors offered, the first the default
 */
public record ConsumerGroupSettings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors) {

    public static final ConsumerGroupSettings DEFAULTS = new ConsumerGroupSettings(45_000, 5_000, Integer.MAX_VALUE,
            List.of(UniformAssignor.NAME, RangeAssignor.NAME));

    public ConsumerGroupSettings {
        if (sessionTimeoutMs <= 0 || heartbeatIntervalMs <= 0 || heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException("group.consumer.heartbeat.interval.ms must be positive and below"
                    + " group.consumer.session.timeout.ms");
        }
        if (maxSize <= 0) {
            throw new IllegalArgumentException("group.consumer.max.size must be positive");
        }
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
