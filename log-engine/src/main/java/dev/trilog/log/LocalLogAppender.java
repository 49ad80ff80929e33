package dev.trilog.log;

import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.TxnMarker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/** Appends straight to this node's partition logs, on the caller's thread. */
final class LocalLogAppender implements LogAppender {

    private final Function<TopicPartition, PartitionLog> partitions;

    LocalLogAppender(Function<TopicPartition, PartitionLog> partitions) {
        this.partitions = partitions;
    }

    @Override
    public boolean writesOnCallerThread() {
        return true;
    }

    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
        return write(partition, log -> log.append(records, true));
    }

    @Override
    public CompletableFuture<AppendResult> appendRecords(TopicPartition partition, List<RecordData> records) {
        return write(partition, log -> log.appendRecords(records, "none"));
    }

    @Override
    public CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId,
            short epoch, TxnMarker marker, int coordinatorEpoch) {
        return write(partition, log -> log.appendTransactionMarker(producerId, epoch, marker, coordinatorEpoch));
    }

    /** One kind of write to the local log of {@code partition}. */
    @FunctionalInterface
    private interface Write {
        AppendResult to(PartitionLog log) throws IOException;
    }

    private CompletableFuture<AppendResult> write(TopicPartition partition, Write write) {
        PartitionLog log = partitions.apply(partition);
        if (log == null) {
            return CompletableFuture.failedFuture(new UnknownTopicException("unknown partition " + partition));
        }
        try {
            AppendResult result = write.to(log);
            return result.durable().thenApply(ignored -> result);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
