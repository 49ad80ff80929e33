package dev.trilog.log.record;

/** How a transaction ended on a partition: the two kinds of Kafka end-transaction control record. */
public enum TxnMarker {
    COMMIT,
    ABORT
}
