package dev.trilog.log.segment;

/**
 * One aborted transaction on a partition, as Kafka's {@code .txnindex} records it: the
 * producer, the offset of its first record in the transaction and the offset of its ABORT
 * marker. A read_committed consumer drops that producer's records from {@code firstOffset}
 * until it reaches the marker.
 *
 * @param lastStableOffset the partition's last stable offset right after the marker was written
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
