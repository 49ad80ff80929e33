package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The append seam in replicated mode: each write becomes a {@link LogCommand} that the Raft
 * group commits (a majority has it in its log) before every replica applies it to its engine;
 * an append completes once the leader applied it, durably — Kafka's {@code acks=all} on Raft.
 * A node that is not the leader forwards through its Raft client, which finds the leader and
 * follows it when leadership moves. Records ({@link #appendRecords}) are built into a batch here,
 * so every replica appends the same bytes.
 */
final class RaftLogAppender implements LogAppender {

    private final RaftClient client;
    private final LogEngine engine;
    private final EngineStateMachine machine;
    /**
     * The epoch at which this node last took the queues over ({@link #serveQueues}); 0 until it
     * does, which no other node's takeover leaves valid.
     */
    private volatile long servingEpoch = 0;

    RaftLogAppender(RaftClient client, LogEngine engine, EngineStateMachine machine) {
        this.client = client;
        this.engine = engine;
        this.machine = machine;
    }

    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
        return appendBatch(partition, records, LogCommand.ANY_EPOCH);
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
        return submit(new LogCommand.ServeQueues(node, epoch)).thenRun(() -> servingEpoch = epoch);
    }

    /**
     * With the topic as this node has it, so replicas that lack it create it (see
     * {@link LogCommand.Append}); a topic this node has not seen yet (created through the group,
     * not applied here yet) is left to the replicas, which apply its creation first.
     */
    private CompletableFuture<AppendResult> appendBatch(TopicPartition partition, ByteBuffer batch, long servingEpoch) {
        Optional<Topic> topic = engine.topic(partition.topic());
        return submit(new LogCommand.Append(partition, batch, topic.map(Topic::id).orElse(Uuid.ZERO_UUID),
                topic.map(Topic::partitions).orElse(0),
                topic.map(Topic::configOverrides).orElse(java.util.Map.of()), servingEpoch));
    }

    @Override
    public CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId,
            short epoch, TxnMarker marker, int coordinatorEpoch) {
        return submit(new LogCommand.Marker(partition, producerId, epoch, marker, coordinatorEpoch));
    }

    /** Creates {@code topic}, with its ID, on every replica. */
    CompletableFuture<Void> createTopic(Topic topic) {
        return submit(new LogCommand.CreateTopic(topic.name(), topic.id(), topic.partitions(), topic.configOverrides()))
                .thenApply(r -> null);
    }

    /**
     * Commits the command, then waits until this node applied it too (the reply comes from the
     * leader once it applied it), so what a writer on this node wrote, this node's readers see.
     */
    CompletableFuture<AppendResult> submit(LogCommand command) {
        return client.async().send(Message.valueOf(LogCommand.encode(command)))
                .thenCompose(reply -> {
                    if (!reply.isSuccess()) {
                        throw new IllegalStateException("the Raft group did not commit the write", reply.getException());
                    }
                    return machine.appliedThrough(reply.getLogIndex()).thenApply(applied -> result(reply));
                });
    }

    private static AppendResult result(RaftClientReply reply) {
        return LogCommand.decodeReply(reply.getMessage().getContent().toByteArray());
    }
}
