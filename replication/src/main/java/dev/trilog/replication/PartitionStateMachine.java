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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
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
 * <p>Snapshots as the metadata group's, for this one partition: a snapshot links the partition's
 * files at the last applied entry ({@link SnapshotCheckpoints}, under the group's state-machine
 * directory), after which Ratis purges the group's log up to what every replica committed; a
 * replica that needs purged entries (it lost its data directory) fetches the leader's newest
 * checkpoint of the partition and installs it ({@link #notifyInstallSnapshotFromLeader}).
 */
final class PartitionStateMachine extends AppliedOnceStateMachine {

    private static final Logger log = LoggerFactory.getLogger(PartitionStateMachine.class);

    private final LogEngine engine;
    private final LogAppender local;
    private final PartitionGroups.Member member;
    /** Whether the group has two replicas: see {@link #getLatestSnapshot}. */
    private final boolean oneOfTwoVoters;
    private final SimpleStateMachineStorage snapshots = new SnapshotFiles();
    /** A client of this group, to fetch its leader's checkpoint with; null while no leader is known here. */
    private final java.util.function.Supplier<org.apache.ratis.client.RaftClient> client;
    /** Where fetches and installs run, off Ratis' threads. */
    private final java.util.concurrent.Executor installs;
    private FileChannel appliedIndex;
    private SnapshotCheckpoints checkpoints;
    private Path installDir;
    private volatile String installing;
    /**
     * The division this machine serves, from its start on: when Ratis fails to add the group it
     * drops the division from its server without closing it (its timers would still run as this
     * peer), and {@link PartitionGroups} closes it through here.
     */
    private volatile RaftServer.Division division;

    PartitionStateMachine(LogEngine engine, LogAppender local, PartitionGroups.Member member, int replicas,
            java.util.function.Supplier<org.apache.ratis.client.RaftClient> client,
            java.util.concurrent.Executor installs) {
        this.engine = engine;
        this.local = local;
        this.member = member;
        this.oneOfTwoVoters = replicas == 2;
        this.client = client;
        this.installs = installs;
    }

    PartitionGroups.Member member() {
        return member;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        try {
            division = server.getDivision(groupId); // Ratis starts a division after adding it: it is there
        } catch (IOException e) {
            log.debug("The division of {} is not known to its server at its start", member.partition(), e);
        }
        snapshots.init(storage);
        Path stateDir = storage.getStorageDir().getStateMachineDir().toPath();
        appliedIndex = FileChannel.open(stateDir.resolve("applied-index"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        checkpoints = new SnapshotCheckpoints(engine, stateDir, member.partition()::equals);
        installDir = stateDir.resolve("install");
        dev.trilog.log.DurableFiles.deleteTree(SnapshotFetch.staging(installDir)); // a fetch cut off: starts afresh
        finishInterruptedInstall();
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
     * What this replica's log starts from, as Ratis asks when it compares logs in an election:
     * the latest checkpoint, or — in a group of two replicas, while this one's log is empty and it
     * has no checkpoint (it lost its data directory) — a mark before the first entry of term 1,
     * which orders before any entry either replica can have written.
     *
     * <p>Why: Ratis counts no vote of a replica whose log is empty once the candidate has
     * committed entries (RATIS-1995: a re-formatted voter must not help a stale candidate win
     * over the replicas that hold the committed entries), and a group of two needs both votes —
     * so after one replica's disk was replaced the group could never elect a leader again, and
     * never send the wiped replica the log. With two replicas the guard protects nothing: every
     * committed entry was acknowledged by both, so the other replica, the only possible
     * candidate, holds them all. The mark says nothing more than "empty" otherwise: this replica
     * still refuses a candidate behind it (none is), and a leader still sends it the log from
     * the first entry (or the snapshot notice), the mark's index being the empty log's.
     */
    @Override
    public SnapshotInfo getLatestSnapshot() {
        SnapshotInfo latest = super.getLatestSnapshot();
        if (latest != null || !oneOfTwoVoters || lastApplied() >= 0 || !ownLogEmpty()) {
            return latest;
        }
        return BEFORE_THE_FIRST_ENTRY;
    }

    private static final SnapshotInfo BEFORE_THE_FIRST_ENTRY = new org.apache.ratis.statemachine.impl.FileListSnapshotInfo(
            java.util.List.of(), TermIndex.valueOf(1, RaftLog.INVALID_LOG_INDEX));

    /** Whether this replica's Raft log holds no entry; false while the division is not up (Ratis is still opening the log). */
    private boolean ownLogEmpty() {
        try {
            return getServer().getNow(null) != null
                    && getServer().getNow(null).getDivision(getGroupId()).getRaftLog().getNextIndex() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * On Ratis' apply thread, once every entry applied so far has completed: the partition and
     * the applied index made durable, the partition's files linked at the last applied entry, and
     * only then the snapshot recorded — after which Ratis may purge the group's log up to it.
     */
    @Override
    public long takeSnapshot() throws IOException {
        synchronized (applying) { // not while an install replaces the partition
            TermIndex last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            PartitionLog partition = engine.partition(member.partition());
            if (partition != null) {
                partition.flush();
            }
            appliedIndex.force(false);
            byte[] state = ByteBuffer.allocate(Long.BYTES).putLong(last.getIndex()).array();
            checkpoints.take(last, state);
            SnapshotCheckpoints.record(snapshots, last, state);
            return last.getIndex();
        }
    }

    /**
     * The group's leader purged entries this replica needs — it lost its data directory, joined
     * late, or holds less of its own log than the others believed it had (a leader stopped just
     * after entries were committed by the other two, before its own copy was on disk; a node
     * restored from an older copy): it fetches the leader's newest checkpoint of the partition
     * ({@link SnapshotFetch}), installs it ({@link LogEngine.Replica#installPartition}) and answers
     * its entry, from which Ratis has it follow the log. What this replica applied before is a
     * prefix of the checkpoint (every replica applies the same committed entries in the same
     * order, and the checkpoint is past the purged entries this one lacks), so replacing its copy
     * of the partition loses nothing.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo,
            TermIndex firstTermIndexInLog) {
        RaftPeerId leader = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
        installing = "fetching the snapshot of " + member.partition() + " from node " + leader;
        return CompletableFuture.supplyAsync(() -> {
            try {
                org.apache.ratis.client.RaftClient asking = client.get();
                if (asking == null) {
                    throw new IOException("no client of the group of " + member.partition() + " yet");
                }
                new SnapshotFetch(asking, installDir).fetch(leader);
                return installReady();
            } catch (IOException | UnknownTopicException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, installs).whenComplete((at, failure) -> {
            if (failure != null) {
                log.warn("Installing the snapshot of {} from node {} failed; the next try starts the fetch again",
                        member.partition(), leader, failure);
            }
            installing = null;
        });
    }

    /** A fetched checkpoint not installed before the process stopped: installed now, unless this replica's own snapshot is as new. */
    private void finishInterruptedInstall() throws IOException {
        if (SnapshotFetch.readyToInstall(installDir, snapshots.loadLatestSnapshot())) {
            try {
                installReady();
            } catch (UnknownTopicException e) {
                log.warn("The fetched snapshot of {} is of a topic this node no longer has", member.partition(), e);
                dev.trilog.log.DurableFiles.deleteTree(SnapshotFetch.ready(installDir));
            }
        }
    }

    /**
     * Installs the fetched checkpoint in {@code install/ready}: the partition's files become the
     * checkpoint's, then the applied index and Ratis' snapshot file say so, and only then does the
     * fetched copy go; cut off anywhere, the next start installs it again.
     */
    private TermIndex installReady() throws IOException, UnknownTopicException {
        Path ready = SnapshotFetch.ready(installDir);
        SnapshotManifest manifest = SnapshotManifest.decode(Files.readAllBytes(ready.resolve(SnapshotCheckpoints.MANIFEST)));
        long index = ByteBuffer.wrap(manifest.appliedState()).getLong();
        boolean installed = installUnlessAppliedAsFar(index, () -> {
            engine.replica().installPartition(member.partition(), member.topicId(), ready.resolve(SnapshotCheckpoints.DATA));
            appliedIndex.write(ByteBuffer.allocate(Long.BYTES).putLong(index).flip(), 0);
            appliedIndex.force(false);
            SnapshotCheckpoints.record(snapshots, manifest.at(), manifest.appliedState());
            setLastAppliedTermIndex(manifest.at());
        });
        dev.trilog.log.DurableFiles.deleteTree(ready);
        if (!installed) {
            return getLastAppliedTermIndex();
        }
        log.info("Installed the snapshot of {} at entry {} ({} bytes)", member.partition(), manifest.at(),
                manifest.checkpoint().bytes());
        return manifest.at();
    }

    @Override
    protected SnapshotCheckpoints checkpoints() {
        return checkpoints;
    }

    /** The division this machine serves, once it started; empty before. */
    java.util.Optional<RaftServer.Division> division() {
        return java.util.Optional.ofNullable(division);
    }

    /** What this replica is doing to install its leader's snapshot, while it is; null otherwise. */
    String installing() {
        return installing;
    }


    @Override
    public void close() throws IOException {
        super.close();
        if (appliedIndex != null) {
            appliedIndex.close();
        }
    }
}
