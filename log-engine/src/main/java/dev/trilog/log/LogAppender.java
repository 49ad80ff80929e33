package dev.trilog.log;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The one path by which callers write to a partition. On one node the {@link LocalLogAppender}
 * writes to the local log; a replicated implementation (Apache Ratis, later) will commit
 * through consensus first, and no caller changes.
 */
public interface LogAppender {

    /**
     * Validates and appends a producer's batches to {@code partition}.
     *
     * @return completes with where they landed once the append is as durable as the topic's
     *         policy requires; fails with {@link dev.trilog.log.record.InvalidBatchException} for a
     *         refused batch, {@link UnknownTopicException} for a partition that does not exist,
     *         or an {@link java.io.IOException} when the disk failed
     */
    CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records);
}
