package dev.trilog.log.record;

/** Why a batch was refused; each maps to one Kafka error code in the Kafka frontend. */
public enum BatchError {
    /** CRC mismatch, truncated or unparsable bytes (Kafka CORRUPT_MESSAGE). */
    CORRUPT,
    /** Magic other than 2 (Kafka UNSUPPORTED_FOR_MESSAGE_FORMAT). */
    UNSUPPORTED_MAGIC,
    /** Batch larger than max.message.bytes (Kafka MESSAGE_TOO_LARGE / RECORD_TOO_LARGE). */
    TOO_LARGE,
    /** Inconsistent counts, control batches from clients, keyless records in compacted topics (INVALID_RECORD). */
    INVALID_RECORD,
    /** A timestamp outside message.timestamp.before/after.max.ms (INVALID_TIMESTAMP). */
    INVALID_TIMESTAMP,
    /** An idempotent producer's sequence does not follow its last batch (OUT_OF_ORDER_SEQUENCE_NUMBER). */
    OUT_OF_ORDER_SEQUENCE,
    /** An idempotent producer's epoch is older than the one last seen (INVALID_PRODUCER_EPOCH). */
    INVALID_PRODUCER_EPOCH
}
