package dev.trilog.kafka.data;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * KIP-890 part 1: a transactional batch is appended only to a partition its producer added to
 * its open transaction. Without the check, a late or stray write after the transaction ended
 * would open a transaction no coordinator knows of and hold the partition's last stable offset
 * (and every read_committed consumer) back forever: Kafka's "hanging transaction".
 */
@FunctionalInterface
public interface TransactionVerifier {

    /** {@code NONE} when the partition is in the producer's open transaction, else the error to answer. */
    Errors verify(String transactionalId, long producerId, short epoch, TopicPartition partition);
}
