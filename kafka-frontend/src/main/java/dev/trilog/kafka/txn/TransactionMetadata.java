package dev.trilog.kafka.txn;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the coordinator knows of one transactional id: its producer id and epoch, the open
 * transaction's partitions and groups, and its state. Mutable; every access holds the
 * instance's monitor. The previous producer id and epoch let a retried InitProducerId (KIP-360)
 * get the answer it missed instead of being fenced.
 */
final class TransactionMetadata {

    final String transactionalId;
    long producerId;
    short epoch;
    long lastProducerId = -1;
    short lastEpoch = -1;
    int timeoutMs;
    TxnState state = TxnState.EMPTY;
    /** When the open transaction began (its first AddPartitions/AddOffsets), -1 when none is open. */
    long startTimeMs = -1;
    long lastUpdateMs;
    final Set<TopicPartition> partitions = new LinkedHashSet<>();
    final Set<String> groups = new LinkedHashSet<>();

    TransactionMetadata(String transactionalId, long producerId, short epoch, int timeoutMs, long now) {
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.epoch = epoch;
        this.timeoutMs = timeoutMs;
        this.lastUpdateMs = now;
    }

    boolean timedOut(long now) {
        return state == TxnState.ONGOING && startTimeMs >= 0 && now - startTimeMs > timeoutMs;
    }
}
