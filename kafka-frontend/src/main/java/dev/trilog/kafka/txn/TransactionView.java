package dev.trilog.kafka.txn;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * A consistent copy of one transactional id's state, for DescribeTransactions and ListTransactions.
 *
 * @param state       Kafka's name of the state (Empty, Ongoing, PrepareCommit, ...)
 * @param startTimeMs when the open transaction began, -1 when none is open
 */
public record TransactionView(String transactionalId, String state, long producerId, short epoch, int timeoutMs,
        long startTimeMs, List<TopicPartition> partitions) {
}
