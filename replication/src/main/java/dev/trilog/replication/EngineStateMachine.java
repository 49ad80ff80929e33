package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.NotAnEarlierStateException;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's engine as Ratis sees it: each committed {@link LogCommand} is applied, in log
 * order, to this node's own engine through its local appender, and the result (offsets, or the
 * refusal every replica reaches alike) is the reply the leader gives the writer once its own copy
 * is as durable as the topic asks.
 *
 * <p><b>Exactly once across restarts.</b> Ratis replays the log after a restart from its last
 * snapshot. The index of the last entry applied is written to {@code applied-index} after each
 * apply, and entries at or below it are skipped on replay, so the engine's segments are not
 * written twice. A process crash between an append and that write (two adjacent writes to the
 * page cache) would apply the entry again on replay: a window the next step closes by keeping the
 * index with the batch.
 *
 * <p><b>Snapshots.</b> The engine's own files are the state: a snapshot ({@link #takeSnapshot})
 * fsyncs every log of the engine and the applied index, then records the index in a small file
 * so Ratis may purge its log up to it (see {@link SnapshotSettings}), keeping the engine's files
 * at that index as hard links ({@link SnapshotCheckpoints}). A node that needs entries no node
 * keeps any more (it lost its data directory, or holds less of its log than the others
 * committed) fetches the leader's and installs it, over what it applied if it applied anything
 * ({@link #notifyInstallSnapshotFromLeader}).
 *
 * <p><b>Queue state is fenced.</b> The epoch at which the node serving the queues took them over
 * ({@link LogCommand.ServeQueues}) is state of the log like any other, kept beside the applied
 * index: a write of queue state made at an older epoch — by a node that served before and has not
 * yet heard it lost the lead — is refused, so it cannot overwrite what its successor read when
 * it took over.
 */
final class EngineStateMachine extends AppliedOnceStateMachine {

    private static final Logger log = LoggerFactory.getLogger(EngineStateMachine.class);

    /**
     * The applied-index file: the index, the queue epoch and its server, then the next producer id
     * the cluster grants (older files: the index alone, or without the producer id).
     */
    private static final int APPLIED_STATE_BYTES = Long.BYTES * 3 + Integer.BYTES;
    private static final int QUEUE_STATE_BYTES = Long.BYTES + Integer.BYTES;

    private final LogEngine engine;
    private final LogAppender local;
    private final Path appliedIndexFile;
    private FileChannel appliedIndex;
    /** The epoch of the last takeover of the queues applied here, and by which node; on Ratis' apply thread. */
    private long queueEpoch;
    private int queueServer;
    /** The blocks of producer ids granted so far; on Ratis' apply thread. */
    private final ProducerIdCounter producerIds = new ProducerIdCounter();

    /** The snapshots Ratis knows of: see {@link #getStateMachineStorage()}. */
    private final SimpleStateMachineStorage snapshots = new SnapshotFiles();
    private volatile String cannotCatchUp;

    /** The engine's state at this node's snapshots, which other nodes may fetch. */
    private final SnapshotCheckpoints checkpoints;
    /** Where a snapshot fetched from another node is put together, then installed from. */
    private final Path installDir;
    /** Fetches another node's snapshot; null until {@link #fetchSnapshotsWith}: this node refuses to install one. */
    private volatile SnapshotFetch fetch;
    private volatile String installing;
    private final java.util.concurrent.ExecutorService installs = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "trilog-snapshot-install");
                t.setDaemon(true);
                return t;
            });

    /** Told after every topic change applied here (and an install), on the apply thread: must return at once. */
    private volatile Runnable topicsChanged = () -> { };

    /** Told of every change of leader, on Ratis' thread: must return at once. */
    private volatile Runnable leaderChanged = () -> { };

    EngineStateMachine(LogEngine engine, LogAppender local, Path appliedIndexFile) {
        this.engine = engine;
        this.local = local;
        this.appliedIndexFile = appliedIndexFile;
        // a partition with a Raft group of its own is that group's state, not the metadata group's
        this.checkpoints = new SnapshotCheckpoints(engine, appliedIndexFile.getParent(), tp -> !PartitionGroups.hasGroup(tp));
        this.installDir = appliedIndexFile.resolveSibling("install");
    }

    /** From now on a snapshot this node needs is fetched through {@code client} and installed. */
    void fetchSnapshotsWith(org.apache.ratis.client.RaftClient client) {
        fetch = new SnapshotFetch(client, installDir);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        snapshots.init(storage);
        appliedIndex = FileChannel.open(appliedIndexFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        dev.trilog.log.DurableFiles.deleteTree(SnapshotFetch.staging(installDir)); // a fetch cut off: starts afresh
        finishInterruptedInstall();
        SingleFileSnapshotInfo snapshot = snapshots.loadLatestSnapshot();
        if (snapshot != null) { // Ratis applies from the entry after it; the engine holds everything up to it
            setLastAppliedTermIndex(snapshot.getTermIndex());
            progress.applied(snapshot.getIndex());
        }
        ByteBuffer buf = ByteBuffer.allocate(APPLIED_STATE_BYTES);
        int read = Math.max(0, appliedIndex.read(buf, 0));
        buf.flip();
        appliedBeforeStart = read >= Long.BYTES ? buf.getLong() : -1;
        readQueuesAndProducerIds(buf);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    protected CompletableFuture<byte[]> apply(LogCommand command, long term) {
        CompletableFuture<AppendResult> written;
        if (command instanceof LogCommand.ServeQueues s) {
            return CompletableFuture.completedFuture(serveQueues(s, term));
        }
        if (command instanceof LogCommand.AllocateProducerIds a) {
            return CompletableFuture.completedFuture(producerIds.grant(a));
        }
        TopicPartition partition = LogCommand.partitionOf(command);
        if (partition != null && PartitionGroups.hasGroup(partition)) {
            // its own group orders that partition's writes: two logs ordering one partition would diverge
            return CompletableFuture.completedFuture(LogCommand.encodeFailure(new IllegalArgumentException(
                    partition + " is written through its own Raft group, not the metadata group")));
        }
        if (command instanceof LogCommand.Append a && a.servingEpoch() != LogCommand.ANY_EPOCH
                && a.servingEpoch() < queueEpoch) {
            return CompletableFuture.completedFuture(LogCommand.encodeFailure(new NotServingQueuesException(
                    "queue state written at epoch " + a.servingEpoch() + " is refused: node " + queueServer
                            + " took the queues over at epoch " + queueEpoch)));
        }
        if (command instanceof LogCommand.Append a) {
            try {
                ensureTopic(a.partition().topic(), a.topicId(), a.topicPartitions(), a.topicConfigs(), Topic.EVERY_NODE);
            } catch (Exception e) {
                return CompletableFuture.completedFuture(LogCommand.encodeFailure(e));
            }
            written = local.append(a.partition(), a.batch());
        } else if (command instanceof LogCommand.Marker m) {
            written = local.appendTransactionMarker(m.partition(), m.producerId(), m.epoch(), m.marker(),
                    m.coordinatorEpoch());
        } else if (command instanceof LogCommand.CreateTopic c) {
            written = createTopic(c);
            topicsChanged.run();
        } else {
            written = changeTopic(command);
            topicsChanged.run();
        }
        return reply(written);
    }

    /** The reply to a write once it is as durable as its topic asks: where it landed, or why it failed. */
    static CompletableFuture<byte[]> reply(CompletableFuture<AppendResult> written) {
        return written.thenCompose(r -> r.durable().thenApply(v -> LogCommand.encodeResult(r)))
                .exceptionally(failure -> LogCommand.encodeFailure(
                        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure));
    }

    /** Creates the topic, or its missing partitions, as the writing node has it (0 partitions: it did not know it). */
    private void ensureTopic(String name, Uuid id, int partitions, java.util.Map<String, String> configs,
            int replicationFactor) throws Exception {
        var topic = engine.topic(name);
        if (partitions <= 0 || name.startsWith(LogEngine.RESERVED_PREFIX)) {
            return; // internal logs exist on every node; an unknown partition fails alike on every replica
        }
        if (topic.isEmpty()) {
            engine.replica().createTopic(new Topic(name, id, partitions, configs, replicationFactor));
            topicsChanged.run();
        } else if (topic.get().partitions() < partitions) {
            engine.createPartitions(name, partitions);
            topicsChanged.run();
        }
    }

    /** Creates the topic here; fails alike on every replica when the name is taken by another ID. */
    private CompletableFuture<AppendResult> createTopic(LogCommand.CreateTopic c) {
        try {
            var existing = engine.topic(c.name());
            if (existing.isPresent() && !existing.get().id().equals(c.id())) {
                throw new TopicExistsException(c.name());
            }
            ensureTopic(c.name(), c.id(), c.partitions(), c.configs(), c.replicationFactor());
            return CompletableFuture.completedFuture(new AppendResult(0, -1, -1, 0, 0,
                    CompletableFuture.completedFuture(null)));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code listener} runs after every topic change applied here: the partition groups follow the topics. */
    void onTopicsChanged(Runnable listener) {
        topicsChanged = listener;
    }

    void onLeaderChange(Runnable listener) {
        leaderChanged = listener;
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        leaderChanged.run();
    }

    /**
     * This node stepped down (lost its majority's heartbeats, or heard of a newer term): told at
     * once, where {@link #notifyLeaderChanged} may come only when a new leader is known — seconds
     * during which this node would still think it serves the queues.
     */
    @Override
    public void notifyNotLeader(java.util.Collection<TransactionContext> pendingEntries) {
        leaderChanged.run();
    }

    /** Takes the queues over for {@code s.node()}, if it led when the command was committed. */
    private byte[] serveQueues(LogCommand.ServeQueues s, long term) {
        if (s.epoch() != term || s.epoch() < queueEpoch) {
            return LogCommand.encodeFailure(new NotServingQueuesException("node " + s.node()
                    + " cannot take the queues over at epoch " + s.epoch() + ": committed in term " + term
                    + ", node " + queueServer + " took them over at epoch " + queueEpoch));
        }
        queueEpoch = s.epoch();
        queueServer = s.node();
        return LogCommand.encodeResult(new AppendResult(0, -1, -1, -1, 0, CompletableFuture.completedFuture(null)));
    }

    /** A deletion, growth, config change or DeleteRecords, on this replica alike as on every other. */
    private CompletableFuture<AppendResult> changeTopic(LogCommand command) {
        LogEngine.Replica replica = engine.replica();
        try {
            long logStart = -1;
            if (command instanceof LogCommand.DeleteTopic d) {
                replica.deleteTopic(d.name(), d.id());
            } else if (command instanceof LogCommand.GrowTopic g) {
                replica.createPartitions(g.name(), g.id(), g.partitions());
            } else if (command instanceof LogCommand.ConfigureTopic c) {
                replica.alterTopicConfig(c.name(), c.id(), c.configs());
            } else {
                LogCommand.DeleteRecords d = (LogCommand.DeleteRecords) command;
                logStart = replica.deleteRecordsBefore(d.partition(), d.offset());
            }
            return CompletableFuture.completedFuture(new AppendResult(0, -1, -1, logStart, 0,
                    CompletableFuture.completedFuture(null)));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    protected void recordApplied(long index) {
        try {
            appliedIndex.write(appliedState(index), 0);
        } catch (IOException e) {
            log.warn("Recording applied Raft index {} failed; a restart may apply it again", index, e);
        }
    }

    private ByteBuffer appliedState(long index) {
        return ByteBuffer.allocate(APPLIED_STATE_BYTES).putLong(index).putLong(queueEpoch).putInt(queueServer)
                .putLong(producerIds.next()).flip();
    }

    /** The applied state after its index, as far as {@code state} has it (written by an earlier build: not all of it). */
    private void readQueuesAndProducerIds(ByteBuffer state) {
        if (state.remaining() >= QUEUE_STATE_BYTES) {
            queueEpoch = state.getLong();
            queueServer = state.getInt();
        }
        producerIds.read(state);
    }

    /**
     * Ratis keeps one small file per snapshot ({@code snapshot.<term>_<index>}, holding the applied
     * state as {@code applied-index} does): the snapshot itself is the engine's data directory,
     * which this node keeps anyway, so a single-file storage that names the index is all Ratis
     * needs to know how far it may purge, and where to start applying after a restart.
     */
    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshots;
    }

    /**
     * On Ratis' apply thread, once every entry applied so far has completed (and not while an
     * install replaces the state): makes the engine's state at the last applied index durable —
     * every log fsynced, then the applied index — and only then records it, so the entries Ratis
     * purges after this are all on disk here and a restart, even after a crash, resumes at or
     * after this index.
     */
    @Override
    public long takeSnapshot() throws IOException {
        synchronized (applying) {
            TermIndex last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            engine.flush();
            appliedIndex.force(false);
            byte[] state = new byte[APPLIED_STATE_BYTES];
            appliedState(last.getIndex()).get(state);
            checkpoints.take(last, state);
            recordSnapshot(last, state);
            return last.getIndex();
        }
    }

    /** Records the snapshot at {@code at} in Ratis' storage, holding the applied state there. */
    private void recordSnapshot(TermIndex at, byte[] state) throws IOException {
        SnapshotCheckpoints.record(snapshots, at, state);
    }

    @Override
    protected SnapshotCheckpoints checkpoints() {
        return checkpoints;
    }

    /**
     * The leader no longer has the entries this node needs next (it purged them after a snapshot):
     * this node takes the leader's state itself. Ratis is in its notification mode (the leader
     * sends no snapshot; {@link SnapshotSettings}): this node fetches the leader's newest
     * checkpoint ({@link SnapshotFetch}, one piece at a time, into a staging directory), installs
     * it into its engine, records it as its own snapshot, and answers its entry, from which Ratis
     * has it follow the log. Why not have the leader push the files (Ratis' InstallSnapshot
     * chunks)? The leader would send every file whole, as Ratis lists them, where the active
     * segments' links hold more than the snapshot; the pace would be the leader's; and what a
     * cut-off transfer leaves is Ratis' to clean. Pulled, the follower asks for exactly the bytes
     * that are the state, one chunk in flight, and a transfer cut off leaves only its staging
     * directory, dropped at the next start.
     *
     * <p>Onto an engine that has applied nothing (a node whose data directory was lost, or a new
     * one), or over what this node applied: the leader purges only what every node has
     * <em>committed</em>, and a node can hold less than that — a leader stopped just after the
     * other two, its majority, committed entries it had not yet written, or a node whose data
     * directory went back to an older copy of itself. What it applied is then an earlier state of
     * the same history (every node applies the same committed entries in the same order), which
     * the checkpoint replaces ({@link LogEngine.Replica#install}). A node whose engine is not such
     * an earlier state refuses, loudly ({@link #cannotCatchUp()}, which {@code /health/ready}
     * reports), as does one not set up to fetch snapshots.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo,
            TermIndex firstTermIndexInLog) {
        SnapshotFetch from = fetch;
        if (from == null) {
            return refuse("the leader's Raft log starts at entry " + firstTermIndexInLog.getIndex()
                    + " but this node has applied up to " + progress.last()
                    + ": it needs the leader's snapshot, which it was not set up to fetch");
        }
        RaftPeerId leader = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
        installing = "fetching the snapshot of node " + leader + " (its Raft log starts at entry "
                + firstTermIndexInLog.getIndex() + ")";
        return CompletableFuture.supplyAsync(() -> {
            try {
                from.fetch(leader);
                return installReady();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, installs).exceptionallyCompose(failure -> {
            if (failure.getCause() instanceof NotAnEarlierStateException refused) {
                return refuse(refused.getMessage());
            }
            log.warn("Installing the snapshot of node {} failed; the next try starts the fetch again", leader, failure);
            return CompletableFuture.failedFuture(failure);
        }).whenComplete((at, failure) -> installing = null);
    }

    /** This node cannot take the leader's snapshot, for {@code reason}: said loudly, once, and kept for /health/ready. */
    private CompletableFuture<TermIndex> refuse(String reason) {
        if (!reason.equals(cannotCatchUp)) {
            log.error("This node cannot catch up: {}. Stop it, delete its data directory and start it again:"
                    + " it then fetches the leader's snapshot (docs/replication.md, \"Snapshots\").", reason);
        }
        cannotCatchUp = reason;
        return CompletableFuture.failedFuture(new IllegalStateException(reason));
    }

    /**
     * A fetch that completed ({@code install/ready}) before the process stopped: installed now,
     * before anything is applied, unless this node's own snapshot is already as new (it was
     * installed, and only the clean-up was cut off — installing it again would take entries
     * applied since back).
     */
    private void finishInterruptedInstall() throws IOException {
        if (SnapshotFetch.readyToInstall(installDir, snapshots.loadLatestSnapshot())) {
            log.info("Finishing the install of a snapshot fetched before this node stopped");
            try {
                installReady();
            } catch (NotAnEarlierStateException refused) {
                refuse(refused.getMessage()); // the node starts, and says why it cannot catch up
            }
        }
    }

    /**
     * Installs the fetched snapshot in {@code install/ready}, unless this node applied as far by
     * itself meanwhile: the engine takes its state ({@link LogEngine.Replica#install}), then the
     * applied state there — the index, the queues' epoch and server, the producer-id counter —
     * replaces this node's ({@code applied-index}, then Ratis' snapshot file), and only then does
     * the fetched copy go. Cut off anywhere, the next start installs it again
     * ({@link #finishInterruptedInstall}). Refused by the engine, the copy goes at once and
     * nothing was changed.
     */
    private TermIndex installReady() throws IOException {
        Path ready = SnapshotFetch.ready(installDir);
        SnapshotManifest manifest = SnapshotManifest.decode(Files.readAllBytes(ready.resolve(SnapshotCheckpoints.MANIFEST)));
        long started = System.nanoTime();
        ByteBuffer state = ByteBuffer.wrap(manifest.appliedState());
        long index = state.getLong();
        boolean installed;
        try {
            installed = installUnlessAppliedAsFar(index, () -> {
                engine.replica().install(manifest.checkpoint(), ready.resolve(SnapshotCheckpoints.DATA));
                readQueuesAndProducerIds(state);
                appliedIndex.write(appliedState(index), 0);
                appliedIndex.force(false);
                recordSnapshot(manifest.at(), manifest.appliedState());
                setLastAppliedTermIndex(manifest.at());
            });
        } catch (TopicExistsException e) {
            throw new IOException("installing the snapshot at " + manifest.at() + " failed", e);
        } catch (NotAnEarlierStateException e) { // nothing was changed: the copy would be refused again
            dev.trilog.log.DurableFiles.deleteTree(ready);
            throw new NotAnEarlierStateException("the snapshot at entry " + manifest.at().getIndex()
                    + " cannot be installed over what this node applied (up to entry " + progress.last() + "): "
                    + e.getMessage());
        }
        dev.trilog.log.DurableFiles.deleteTree(ready);
        if (!installed) {
            return getLastAppliedTermIndex();
        }
        cannotCatchUp = null;
        topicsChanged.run();
        log.info("Installed the snapshot at entry {} ({} bytes) in {} ms", manifest.at(),
                manifest.checkpoint().bytes(), (System.nanoTime() - started) / 1_000_000);
        return manifest.at();
    }

    /** The first id of the next block of producer ids the cluster grants, as applied here. */
    long nextProducerId() {
        return producerIds.next();
    }

    /** What this node is doing to install another node's snapshot, while it is; null otherwise. */
    String installing() {
        return installing;
    }


    /** Why this node cannot catch up with the leader, if it cannot; null while it can. */
    String cannotCatchUp() {
        return cannotCatchUp;
    }

    @Override
    public void close() throws IOException {
        installs.shutdownNow();
        super.close();
        if (appliedIndex != null) {
            appliedIndex.close();
        }
    }
}
