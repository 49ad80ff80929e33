package dev.trilog.log.share;

/**
 * The per-group limits of a share cursor, bounded by each frontend (SQS visibility timeouts up
 * to 12 h and maxReceiveCount up to 1000; RabbitMQ's default delivery limit 20; KIP-932 locks up
 * to 1 h).
 *
 * @param maxDeliveries how many deliveries a record gets before it is archived (given up)
 * @param limitCounts   what counts toward that limit: every acquisition (SQS receive count,
 *                      KIP-932 delivery count) or only failed deliveries (AMQP 1.0
 *                      {@code modified{delivery-failed}}, where {@code released} is free)
 * @param maxInFlight   the most records between the cursor's start and its fetch position; a
 *                      consumer that would go past it is told "none now" instead of growing memory
 * @param readCommitted whether only records of committed transactions are delivered, none at or past
 *                      the last stable offset (a Kafka share group's {@code share.isolation.level})
 */
public record ShareGroupSettings(int maxDeliveries, LimitCounts limitCounts, int maxInFlight, boolean readCommitted) {

    /** Settings that deliver every record, transactional or not (read_uncommitted). */
    public ShareGroupSettings(int maxDeliveries, LimitCounts limitCounts, int maxInFlight) {
        this(maxDeliveries, limitCounts, maxInFlight, false);
    }

    /** What counts toward {@link #maxDeliveries}. */
    public enum LimitCounts { ACQUISITIONS, FAILED_DELIVERIES }

    public static final int DEFAULT_MAX_IN_FLIGHT = 100_000;

    public ShareGroupSettings {
        if (maxDeliveries < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxDeliveries and maxInFlight must be positive");
        }
    }

    /** Kafka share groups' defaults: 5 deliveries counted by acquisition. */
    public static ShareGroupSettings kafkaDefaults() {
        return new ShareGroupSettings(5, LimitCounts.ACQUISITIONS, DEFAULT_MAX_IN_FLIGHT);
    }
}
