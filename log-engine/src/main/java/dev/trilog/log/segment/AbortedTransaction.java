package dev.trilog.log.segment;

import dev.trilog.log.record.RecordFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One aborted transaction on a partition, as Kafka's {@code .txnindex} records it: the
 * producer, the offset of its first record in the transaction and the offset of its ABORT
 * marker. A read_committed consumer drops that producer's records from {@code firstOffset}
 * until it reaches the marker.
 *
 * @param lastStableOffset the partition's last stable offset right after the marker was written
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {

    /** These aborted transactions as a test of a batch's producer id and base offset (the cleaner, read_committed reads). */
    public static RecordFormat.AbortedBatches batchTest(Collection<AbortedTransaction> transactions) {
        Map<Long, List<AbortedTransaction>> byProducer = new HashMap<>();
        for (AbortedTransaction aborted : transactions) {
            byProducer.computeIfAbsent(aborted.producerId(), p -> new ArrayList<>()).add(aborted);
        }
        if (byProducer.isEmpty()) {
            return RecordFormat.AbortedBatches.NONE;
        }
        return (producerId, baseOffset) -> {
            List<AbortedTransaction> aborted = byProducer.get(producerId);
            if (aborted != null) {
                for (AbortedTransaction a : aborted) {
                    if (baseOffset >= a.firstOffset() && baseOffset < a.lastOffset()) {
                        return true;
                    }
                }
            }
            return false;
        };
    }
}
