package dev.trilog.log.record;

/**
 * What an append must satisfy, taken from the topic's configuration at the moment of the
 * append.
 *
 * @param maxBatchBytes         max.message.bytes: the largest batch accepted
 * @param requireKeys           compacted topics refuse records without a key
 * @param logAppendTime         message.timestamp.type=LogAppendTime: the broker stamps batches
 * @param timestampBeforeMaxMs  how far in the past a CreateTime timestamp may lie
 * @param timestampAfterMaxMs   how far in the future a CreateTime timestamp may lie
 * @param fromClient            client batches may not be control batches
 */
public record AppendRules(
        int maxBatchBytes,
        boolean requireKeys,
        boolean logAppendTime,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        boolean fromClient) {

    /** No limits beyond the format itself: for the engine's own internal logs and tests. */
    public static AppendRules permissive(int maxBatchBytes) {
        return new AppendRules(maxBatchBytes, false, false, Long.MAX_VALUE, Long.MAX_VALUE, false);
    }
}
