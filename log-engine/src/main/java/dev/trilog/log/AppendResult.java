package dev.trilog.log;

import java.util.concurrent.CompletableFuture;

/**
 * Where an append landed.
 *
 * @param firstOffset    offset of the first record written
 * @param lastOffset     offset of the last record written
 * @param logAppendTime  the broker's timestamp when the topic uses LogAppendTime, else -1
 * @param logStartOffset the partition's log start offset after the append
 * @param recordCount    records written
 * @param durable        completes when the append is as durable as the topic's flush policy
 *                       asks: at once when the page cache is trusted (the default), after the
 *                       fsync that covers it when {@code flush.messages}/{@code flush.ms} are set
 */
public record AppendResult(
        long firstOffset,
        long lastOffset,
        long logAppendTime,
        long logStartOffset,
        int recordCount,
        CompletableFuture<Void> durable) {
}
