package dev.trilog.kafka.share;

/**
 * The broker's share-group settings, named as Kafka's broker configs.
 *
 * @param recordLockDurationMs {@code group.share.record.lock.duration.ms}: how long an acquired record stays
 *                             with its consumer before it is available again
 * @param deliveryCountLimit   {@code group.share.delivery.count.limit}: deliveries of a record before it is
 *                             archived (a queue's own {@code x-delivery-limit} applies to a queue's group instead)
 * @param sessionTimeoutMs     {@code group.share.session.timeout.ms}: a member not heard from for this long leaves
 * @param heartbeatIntervalMs  {@code group.share.heartbeat.interval.ms}: how often members are told to heartbeat
 */
public record ShareSettings(int recordLockDurationMs, int deliveryCountLimit, int sessionTimeoutMs,
        int heartbeatIntervalMs) {

    /** Kafka's defaults. */
    public static final ShareSettings DEFAULTS = new ShareSettings(30_000, 5, 45_000, 5_000);

    public ShareSettings {
        if (recordLockDurationMs < 1 || sessionTimeoutMs < 1 || heartbeatIntervalMs < 1) {
            throw new IllegalArgumentException("share-group times must be positive");
        }
        if (deliveryCountLimit < 2) {
            throw new IllegalArgumentException("the delivery count limit must be at least 2, as in Kafka");
        }
    }
}
