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
 * A node that is not the leader forwards through a Raft client, which finds the leader and
 * follows it when leadership moves. Records ({@link #appendRecords}) are built into a batch here,
 * so every replica appends the same bytes.
 */
final class RaftLogAppender implements LogAppender {

    private final RaftClient client;
    private final LeaderForwarding forwarding;
    private final LogEngine engine;
    private final EngineStateMachine machine;
    /**
     * The epoch at which this node last took the queues over ({@link #serveQueues}); 0 until it
     * does, which no other node's takeover leaves valid.
     */
    private volatile long servingEpoch = 0;
    /** Set once this node's server runs; until then every write goes through the client. */
    private volatile LeaderSubmission leader;
    private final Route route = new Route();
    private final GroupWaits waits = new GroupWaits();

    RaftLogAppender(RaftClient client, LeaderForwarding forwarding, LogEngine engine, EngineStateMachine machine) {
        this.client = client;
        this.forwarding = forwarding;
        this.engine = engine;
        this.machine = machine;
    }

    /**
     * A producer's batch: while this node leads, straight to its own Raft server
     * ({@link LeaderSubmission}, which refuses with a retriable error once it stops leading);
     * otherwise forwarded to wherever the leader is ({@link LeaderForwarding}, which refuses the
     * same way when it finds none in time: a leader that stepped down because it lost its
     * majority leads no more when the batch comes). The way changes only while no batch is in
     * flight either way, so batches keep the order in which they came (the forwarding client
     * orders what it sends; the server what it is handed; nothing orders one against the other).
     * The batch is handed over outside the lock: Ratis completes replies while holding its own
     * locks, and the completion takes this one.
     */
    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
        Message entry = Message.valueOf(LogCommand.encode(appendCommand(partition, records, LogCommand.ANY_EPOCH)));
        boolean direct;
        synchronized (route) {
            if (route.inFlight == 0) {
                route.direct = leader != null && leader.leading();
            }
            route.inFlight++;
            direct = route.direct;
        }
        CompletableFuture<RaftClientReply> sent = direct ? leader.submit(entry) : forwarding.submit(entry);
        sent.whenComplete((reply, failure) -> {
            synchronized (route) {
                route.inFlight--;
            }
        });
        return applied(sent);
    }

    /** Which way producers' batches go now, and how many are on their way. */
    private static final class Route {
        int inFlight;
        boolean direct;
    }

    /** From now on producers' batches go straight to {@code leader}'s server while it leads. */
    void submitDirectlyWhileLeading(LeaderSubmission leader) {
        this.leader = leader;
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
        return submit(new LogCommand.CreateTopic(topic.name(), topic.id(), topic.partitions(), topic.configOverrides()))
                .thenApply(r -> null);
    }

    /**
     * Commits the command, then waits until this node applied it too (the reply comes from the
     * leader once it applied it), so what a writer on this node wrote, this node's readers see.
     */
    CompletableFuture<AppendResult> submit(LogCommand command) {
        return applied(client.async().send(Message.valueOf(LogCommand.encode(command))));
    }

    /** The write's result once committed and applied on this node; the group's refusal as a failure. */
    private CompletableFuture<AppendResult> applied(CompletableFuture<RaftClientReply> sent) {
        return waits.track(sent.thenCompose(reply -> {
            if (!reply.isSuccess()) {
                throw new IllegalStateException("the Raft group did not commit the write", reply.getException());
            }
            return machine.appliedThrough(reply.getLogIndex()).thenApply(applied -> result(reply));
        }));
    }

    /** Fails every write waiting on the group, and every later one: see {@link GroupWaits}. */
    void abandonWaits(String why) {
        waits.abandon(why);
    }

    private static AppendResult result(RaftClientReply reply) {
        return LogCommand.decodeReply(reply.getMessage().getContent().toByteArray());
    }
}
