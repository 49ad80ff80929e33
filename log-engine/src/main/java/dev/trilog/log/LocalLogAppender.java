package dev.trilog.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/** Appends straight to this node's partition logs. */
final class LocalLogAppender implements LogAppender {

    private final LogEngine engine;

    LocalLogAppender(LogEngine engine) {
        this.engine = engine;
    }

    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
        PartitionLog log = engine.partition(partition);
        if (log == null) {
            return CompletableFuture.failedFuture(new UnknownTopicException("unknown partition " + partition));
        }
        try {
            AppendResult result = log.append(records, true);
            return result.durable().thenApply(ignored -> result);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
