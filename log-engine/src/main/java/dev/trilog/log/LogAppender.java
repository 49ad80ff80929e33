package dev.trilog.log;

import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.TxnMarker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The one path by which anything writes to a partition: producers' batches, records the engine
 * and the queues build, transaction markers. On one node the {@link LocalLogAppender} writes to
 * the local log; a replicated implementation (Apache Ratis) will commit through consensus
 * first, and no caller changes. {@link PartitionLog}'s own append methods are not visible
 * outside the engine's package; a layering test keeps it so.
 *
 * <p>Every method completes with where the records landed once the append is as durable as the
 * topic's policy requires, or fails with {@link dev.trilog.log.record.InvalidBatchException} for
 * refused records, {@link UnknownTopicException} for a partition that does not exist, or an
 * {@link java.io.IOException} when the disk failed. Appends to one partition made one after the
 * other from one thread land in that order.
 */
public interface LogAppender {

    /**
     * Whether an append is written on the caller's thread and returns without waiting on another
     * one (this node's own log: a page-cache write; the flush policy's fsync, if any, is waited
     * for by the returned future, not here). A replicated appender says no: its appends go
     * through consensus. Writers that may write from an event loop ask this first.
     */
    default boolean writesOnCallerThread() {
        return false;
    }

    /** Validates a producer's batches (every record, as Kafka does) and appends them to {@code partition}. */
    CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records);

    /**
     * Appends {@code records}, built here into one uncompressed batch (all or nothing): queue
     * publishes and the engine's internal logs. Trusted, so not re-read after building.
     */
    CompletableFuture<AppendResult> appendRecords(TopicPartition partition, List<RecordData> records);

    /**
     * {@link #appendRecords} for state only the node serving the queues writes (share cursors,
     * queue topology, deduplication ids): in a cluster the write is refused — on every replica
     * alike — once another node has taken the queues over since this node did
     * ({@link Cluster#serveQueues}), so a node that lost the lead cannot overwrite its successor's
     * state with its own older view. On one node there is nobody to fence.
     */
    default CompletableFuture<AppendResult> appendRecordsIfServing(TopicPartition partition, List<RecordData> records) {
        return appendRecords(partition, records);
    }

    /**
     * Writes the COMMIT or ABORT marker that ends {@code producerId}'s transaction on
     * {@code partition}; refused with INVALID_PRODUCER_EPOCH when the partition already knows a
     * newer epoch of that producer.
     */
    CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId, short epoch,
            TxnMarker marker, int coordinatorEpoch);
}
