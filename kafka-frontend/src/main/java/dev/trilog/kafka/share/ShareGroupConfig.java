package dev.trilog.kafka.share;

/**
 * One share group's effective settings ({@link GroupConfigs}).
 *
 * @param autoOffsetReset      where a share partition the group has no state on starts
 * @param recordLockDurationMs how long an acquired record stays with its consumer
 * @param deliveryCountLimit   deliveries of a record before it is archived
 * @param readCommitted        whether only committed transactions' records are delivered
 */
record ShareGroupConfig(ShareAutoOffsetReset autoOffsetReset, int recordLockDurationMs, int deliveryCountLimit,
        boolean readCommitted) {

    /**
     * Trilog's default, unlike Kafka's {@code latest}: a share group starts at the earliest offset,
     * as a queue does, so what was published before the first consumer came is not skipped.
     */
    static final String DEFAULT_AUTO_OFFSET_RESET = "earliest";
}
