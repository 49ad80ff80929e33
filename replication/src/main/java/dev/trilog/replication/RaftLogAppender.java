package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.kafka.common.Uuid;

/**
 * The append seam in replicated mode: each write becomes a {@link LogCommand} that a Raft group
 * commits (a majority has it in its log) before every replica applies it to its engine; an
 * append completes once the leader applied it, durably — Kafka's {@code acks=all} on Raft.
 * A partition's writes go through the partition's own group ({@link PartitionGroups}); topic
 * changes, queue takeovers and the engine's internal logs (committed offsets, the durable maps,
 * share-cursor state) through the metadata group. Records ({@link #appendRecords}) are built into
 * a batch here, so every replica appends the same bytes.
 */
final class RaftLogAppender implements LogAppender {

    private final GroupWriter metadata;
    private final PartitionGroups partitions;
    private final LogEngine engine;
    /**
     * The epoch at which this node last took the queues over ({@link #serveQueues}); 0 until it
     * does, which no other node's takeover leaves valid.
     */
    private volatile long servingEpoch = 0;
    private final GroupWaits waits = new GroupWaits();

    RaftLogAppender(GroupWriter metadata, PartitionGroups partitions, LogEngine engine) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.engine = engine;
    }

    /** A producer's batch, through its partition's group: see {@link GroupWriter#sendBatch}. */
    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
        // encoded (copied) now: the producer's buffer is reused once this returns, and the batch may wait
        ByteString entry = LogCommand.encode(appendCommand(partition, records, LogCommand.ANY_EPOCH));
        return send(partition, w -> w.sendBatch(entry));
    }

    @Override
    public CompletableFuture<AppendResult> appendRecords(TopicPartition partition, List<RecordData> records) {
        return appendBatch(partition, RecordFormat.build(0, "none", records), LogCommand.ANY_EPOCH);
    }

    /** Fenced by the epoch at which this node took the queues over: see {@link LogCommand.ServeQueues}. */
    @Override
    public CompletableFuture<AppendResult> appendRecordsIfServing(TopicPartition partition, List<RecordData> records) {
        return appendBatch(partition, RecordFormat.build(0, "none", records), servingEpoch);
    }

    /**
     * Takes the queues over at {@code epoch}, this node's leader epoch: once committed (in that
     * term) and applied here, queue state written at an older epoch is refused, and this node's
     * is written at this one. Everything committed before is applied here by then too.
     */
    CompletableFuture<Void> serveQueues(int node, long epoch) {
        return metadata.submit(new LogCommand.ServeQueues(node, epoch)).thenRun(() -> servingEpoch = epoch);
    }

    /**
     * With the topic as this node has it, so replicas that lack it create it (see
     * {@link LogCommand.Append}); a topic this node has not seen yet (created through the group,
     * not applied here yet) is left to the replicas, which apply its creation first.
     */
    private CompletableFuture<AppendResult> appendBatch(TopicPartition partition, ByteBuffer batch, long servingEpoch) {
        return submit(appendCommand(partition, batch, servingEpoch));
    }

    private LogCommand.Append appendCommand(TopicPartition partition, ByteBuffer batch, long servingEpoch) {
        Optional<Topic> topic = engine.topic(partition.topic());
        return new LogCommand.Append(partition, batch, topic.map(Topic::id).orElse(Uuid.ZERO_UUID),
                topic.map(Topic::partitions).orElse(0),
                topic.map(Topic::configOverrides).orElse(java.util.Map.of()), servingEpoch);
    }

    @Override
    public CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId,
            short epoch, TxnMarker marker, int coordinatorEpoch) {
        return submit(new LogCommand.Marker(partition, producerId, epoch, marker, coordinatorEpoch));
    }

    /** Creates {@code topic}, with its ID, on every replica. */
    CompletableFuture<Void> createTopic(Topic topic) {
        return submit(new LogCommand.CreateTopic(topic.name(), topic.id(), topic.partitions(), topic.configOverrides(),
                topic.replicationFactor()))
                .thenApply(r -> null);
    }

    /**
     * Commits the command through the group that orders it — a partition's writes (batches,
     * markers, DeleteRecords) through the partition's, everything else through the metadata
     * group — then waits until this node applied it too, so what a writer on this node wrote,
     * this node's readers see.
     */
    CompletableFuture<AppendResult> submit(LogCommand command) {
        TopicPartition partition = LogCommand.partitionOf(command);
        if (partition == null) {
            return waits.track(metadata.submit(command));
        }
        return send(partition, w -> w.submit(command));
    }

    /** Through the group that orders {@code partition}'s writes; a partition this node does not know fails as unknown. */
    private CompletableFuture<AppendResult> send(TopicPartition partition,
            java.util.function.Function<GroupWriter, CompletableFuture<AppendResult>> write) {
        if (!PartitionGroups.hasGroup(partition)) {
            return waits.track(write.apply(metadata));
        }
        return waits.track(partitions.writer(partition).map(w -> w.send(write)).orElseGet(() -> unknown(partition)));
    }

    /** Fails every write waiting on a group, and every later one: see {@link GroupWaits}. */
    void abandonWaits(String why) {
        waits.abandon(why);
    }

    private static CompletableFuture<AppendResult> unknown(TopicPartition partition) {
        return CompletableFuture.failedFuture(new UnknownTopicException("unknown partition " + partition));
    }
}
