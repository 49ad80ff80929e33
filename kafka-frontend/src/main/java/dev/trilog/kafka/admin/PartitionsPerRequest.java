package dev.trilog.kafka.admin;

/**
 * Kafka's controller cap on the partitions one CreateTopics or CreatePartitions request may
 * make ({@code MAX_PARTITIONS_PER_BATCH}): over it, every topic of the request is refused with
 * {@code POLICY_VIOLATION} and this message, and nothing is created. The broker-wide bound is the
 * engine's ({@code log.max.partitions}).
 */
final class PartitionsPerRequest {

    static final int MAX = 10_000;
    static final String MESSAGE = "Excessively large number of partitions per request.";

    private PartitionsPerRequest() {
    }

    static boolean exceeded(long partitions) {
        return partitions > MAX;
    }
}
