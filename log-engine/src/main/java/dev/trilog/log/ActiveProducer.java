package dev.trilog.log;

/**
 * What a partition knows of one producer, as Kafka's DescribeProducers reports it.
 *
 * @param lastSequence          the last sequence number written, -1 when none in this epoch
 * @param lastTimestamp         when the producer was last heard of (batch or marker), -1 when unknown
 * @param currentTxnStartOffset the first offset of its open transaction here, -1 when none is open
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp,
        long currentTxnStartOffset) {
}
