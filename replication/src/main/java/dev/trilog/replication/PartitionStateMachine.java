package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's Raft group as Ratis sees it on this node: its log holds only that partition's
 * writes (producers' batches, records built into batches, transaction markers, DeleteRecords), in
 * the order every replica applies them, so every replica holds the same batches at the same
 * offsets. Topic changes (creation, growth, deletion, configs) live in the metadata group
 * ({@link EngineStateMachine}); this group exists on a node only while the topic does.
 *
 * <p>As the metadata group's, the index of the last entry applied is kept beside the group's
 * Raft storage ({@code applied-index} in its state-machine directory) and entries at or below it
 * are skipped after a restart.
 *
 * <p>Not yet: snapshots. A partition group keeps its whole Raft log ({@link #takeSnapshot}): a
 * replica that lost its data directory replays it, as a node of the single group did before
 * checkpoints; fetching a partition's checkpoint is the next step (docs/replication.md).
 */
final class PartitionStateMachine extends AppliedOnceStateMachine {

    private static final Logger log = LoggerFactory.getLogger(PartitionStateMachine.class);

    private final LogEngine engine;
    private final LogAppender local;
    private final PartitionGroups.Member member;
    private final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
    private FileChannel appliedIndex;
    private volatile String cannotCatchUp;

    PartitionStateMachine(LogEngine engine, LogAppender local, PartitionGroups.Member member) {
        this.engine = engine;
        this.local = local;
        this.member = member;
    }

    PartitionGroups.Member member() {
        return member;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        snapshots.init(storage);
        appliedIndex = FileChannel.open(storage.getStorageDir().getStateMachineDir().toPath().resolve("applied-index"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        SingleFileSnapshotInfo snapshot = snapshots.loadLatestSnapshot();
        if (snapshot != null) { // Ratis applies from the entry after it; the partition holds everything up to it
            setLastAppliedTermIndex(snapshot.getTermIndex());
            progress.applied(snapshot.getIndex());
        }
        ByteBuffer buf = ByteBuffer.allocate(Long.BYTES);
        if (appliedIndex.read(buf, 0) == Long.BYTES) {
            appliedBeforeStart = buf.flip().getLong();
        }
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    protected CompletableFuture<byte[]> apply(LogCommand command, long term) {
        try {
            requireThisTopic();
            CompletableFuture<AppendResult> written;
            if (command instanceof LogCommand.Append a && a.partition().equals(member.partition())) {
                written = local.append(a.partition(), a.batch());
            } else if (command instanceof LogCommand.Marker m && m.partition().equals(member.partition())) {
                written = local.appendTransactionMarker(m.partition(), m.producerId(), m.epoch(), m.marker(),
                        m.coordinatorEpoch());
            } else if (command instanceof LogCommand.DeleteRecords d && d.partition().equals(member.partition())) {
                long logStart = engine.replica().deleteRecordsBefore(d.partition(), d.offset());
                written = CompletableFuture.completedFuture(new AppendResult(0, -1, -1, logStart, 0,
                        CompletableFuture.completedFuture(null)));
            } else {
                throw new IllegalArgumentException("the group of " + member.partition() + " cannot apply " + command);
            }
            return EngineStateMachine.reply(written);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(LogCommand.encodeFailure(e));
        }
    }

    /** The topic this group belongs to, not one deleted and created again under its name since. */
    private void requireThisTopic() throws UnknownTopicException {
        Uuid id = engine.topic(member.partition().topic()).map(Topic::id).orElse(null);
        if (!member.topicId().equals(id)) {
            throw new UnknownTopicException("unknown topic " + member.partition().topic() + " (id " + member.topicId()
                    + ")");
        }
    }

    @Override
    protected void recordApplied(long index) {
        try {
            appliedIndex.write(ByteBuffer.allocate(Long.BYTES).putLong(index).flip(), 0);
        } catch (IOException e) {
            log.warn("Recording applied Raft index {} of {} failed; a restart may apply it again", index,
                    member.partition(), e);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshots;
    }

    /**
     * Makes the partition and the applied index durable, but records no snapshot: Ratis purges
     * a group's log up to its snapshots, and a replica that then needed the purged entries (it lost
     * its data directory) would have to fetch the partition's state, which is not built yet. So
     * a partition group keeps its whole Raft log for now (as the single group did before it had
     * snapshots), and a wiped replica replays it; see the class comment.
     */
    @Override
    public long takeSnapshot() throws IOException {
        PartitionLog partition = engine.partition(member.partition());
        if (partition != null) {
            partition.flush();
        }
        appliedIndex.force(false);
        return RaftLog.INVALID_LOG_INDEX;
    }

    /**
     * The group's leader purged entries this replica needs: cannot happen while partition groups
     * take no snapshots ({@link #takeSnapshot}); refused loudly should it.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo,
            TermIndex firstTermIndexInLog) {
        String reason = "the group of " + member.partition() + " starts its Raft log at entry "
                + firstTermIndexInLog.getIndex() + " but this node has applied up to " + progress.last()
                + ": fetching a partition group's snapshot is not built yet";
        if (!reason.equals(cannotCatchUp)) {
            log.error("This node cannot catch up: {}", reason);
        }
        cannotCatchUp = reason;
        return CompletableFuture.failedFuture(new IllegalStateException(reason));
    }

    /**
     * The answer to a read-only request, which this group gets only as a barrier
     * ({@link PartitionGroups#caughtUp}): Ratis calls it once this replica applied everything its
     * leader had committed when asked, so the answer carries nothing.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /** Why this replica cannot catch up with its group's leader, if it cannot; null while it can. */
    String cannotCatchUp() {
        return cannotCatchUp;
    }


    @Override
    public void close() throws IOException {
        super.close();
        if (appliedIndex != null) {
            appliedIndex.close();
        }
    }
}
