package dev.trilog.kafka.group;

/**
 * How the group coordinator behaves, with Kafka's broker setting names and defaults.
 *
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: how long the first
 *                                rebalance of an empty group waits for more members (extended by
 *                                the same delay per newcomer, up to the rebalance timeout)
 * @param minSessionTimeoutMs     {@code group.min.session.timeout.ms}: the smallest session timeout a member may ask for
 * @param maxSessionTimeoutMs     {@code group.max.session.timeout.ms}: the largest session timeout a member may ask for
 * @param consumer                the KIP-848 consumer groups' settings
 */
public record GroupSettings(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
        ConsumerGroupSettings consumer) {

    public static final int DEFAULT_INITIAL_REBALANCE_DELAY_MS = 3_000;
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;

    public static final GroupSettings DEFAULTS = new GroupSettings(DEFAULT_INITIAL_REBALANCE_DELAY_MS,
            DEFAULT_MIN_SESSION_TIMEOUT_MS, DEFAULT_MAX_SESSION_TIMEOUT_MS, ConsumerGroupSettings.DEFAULTS);

    /** Classic-group settings with the consumer groups' defaults. */
    public GroupSettings(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs) {
        this(initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, ConsumerGroupSettings.DEFAULTS);
    }

    public GroupSettings {
        if (initialRebalanceDelayMs < 0) {
            throw new IllegalArgumentException("group.initial.rebalance.delay.ms must not be negative");
        }
        if (minSessionTimeoutMs <= 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException("group.min.session.timeout.ms must be positive and at most group.max.session.timeout.ms");
        }
    }
}
