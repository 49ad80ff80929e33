package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.Cluster;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a replicated Trilog: an Apache Ratis server holding the cluster's metadata
 * group (every node of {@code cluster.nodes}: topics, internal logs, queue takeovers) and one
 * group per partition ({@link PartitionGroups}), their state machines applying each group's
 * committed writes to this node's engine, and the {@link #appender()} through which everything on
 * this node writes. {@link #leader()} is the metadata group's (it serves the coordinators and the
 * queues); {@link #leader(TopicPartition)} a partition's (docs/replication.md).
 */
public final class ReplicatedNode implements Cluster, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicatedNode.class);

    /** A follower that answered the leader within this long is in sync ({@link ReplicationTimeouts#replicaLagMax()}). */
    private final long replicaLagMaxMs;

    /** How long a takeover waits for this node's partition groups to catch up before it is tried again. */
    private static final java.time.Duration PARTITIONS_CATCH_UP = java.time.Duration.ofSeconds(30);

    /** The metadata group; every node derives the same id. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("trilog-cluster".getBytes(StandardCharsets.UTF_8)));

    private final RaftServer server;
    /** How this node writes through the metadata group. */
    private final GroupWriter metadata;
    private final PartitionGroups partitions;
    private final RaftLogAppender appender;
    private final EngineStateMachine machine;
    private final RaftPeerId self;
    private final List<Integer> nodes;
    private final LogEngine engine;
    private final String clusterId;
    private final List<Runnable> leaderListeners = new CopyOnWriteArrayList<>();
    /** Started with an empty Raft storage: see {@link EmptyLogNudge}; null otherwise. */
    private volatile EmptyLogNudge emptyLogNudge;
    /** Runs the leader listeners one at a time, off Ratis' threads (they may write through the group). */
    private final ExecutorService leaderEvents = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "trilog-leader-events");
                t.setDaemon(true);
                return t;
            });

    private ReplicatedNode(LogEngine engine, ClusterNodes cluster, RaftServer server, GroupWriter metadata,
            PartitionGroups partitions, RaftLogAppender appender, EngineStateMachine machine, RaftPeerId self,
            List<Integer> nodes, long replicaLagMaxMs) {
        this.machine = machine;
        this.replicaLagMaxMs = replicaLagMaxMs;
        this.metadata = metadata;
        this.partitions = partitions;
        this.engine = engine;
        this.clusterId = clusterId(cluster);
        this.server = server;
        this.self = self;
        this.appender = appender;
        this.nodes = nodes;
    }

    /**
     * Ratis ends the whole process ({@code System.exit(1)}) when its gRPC server cannot bind: a
     * taken replication port is refused here first, as every other listener's is, with an error
     * that names it.
     */
    private static void refuseIfTaken(ClusterNodes.Node me) throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(me.host(), me.port()));
        } catch (java.net.BindException e) {
            throw new java.net.BindException("node " + me.id() + "'s replication address " + me.address()
                    + " (cluster.nodes) is already in use or cannot be bound: " + e.getMessage());
        }
    }

    /**
     * Starts this node's Raft server over {@code engine}, keeping Raft's own log and state under
     * {@code raftDir}, and makes the engine's {@link LogEngine#appender()} the replicated one
     * (call it before anything writes); the other nodes may start before or after.
     */
    public static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir)
            throws IOException {
        return start(engine, cluster, nodeId, raftDir, SnapshotSettings.DEFAULTS);
    }

    /** As {@link #start(LogEngine, ClusterNodes, int, Path)}, taking snapshots as {@code snapshots} says. */
    public static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir,
            SnapshotSettings snapshots) throws IOException {
        return start(engine, cluster, nodeId, raftDir, snapshots, ReplicationTimeouts.DEFAULTS);
    }

    /**
     * As {@link #start(LogEngine, ClusterNodes, int, Path, SnapshotSettings)}, with {@code timeouts}
     * rather than Kafka's defaults.
     */
    public static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir,
            SnapshotSettings snapshots, ReplicationTimeouts timeouts) throws IOException {
        return start(engine, cluster, nodeId, raftDir, snapshots, timeouts, RaftTransport.DEFAULT);
    }

    /**
     * As {@link #start(LogEngine, ClusterNodes, int, Path, SnapshotSettings, ReplicationTimeouts)},
     * the nodes talking over {@code transport} (every node of the cluster needs the same).
     */
    public static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir,
            SnapshotSettings snapshots, ReplicationTimeouts timeouts, RaftTransport transport) throws IOException {
        return start(engine, cluster, nodeId, raftDir, snapshots, timeouts, transport, properties -> { });
    }

    /** As above, Ratis' properties then changed by {@code adjust} (tests: e.g. heartbeats far apart). */
    static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir,
            SnapshotSettings snapshots, ReplicationTimeouts timeouts, RaftTransport transport,
            java.util.function.Consumer<RaftProperties> adjust) throws IOException {
        ClusterNodes.Node me = cluster.node(nodeId);
        Files.createDirectories(raftDir);
        RaftProperties properties = new RaftProperties();
        timeouts.applyTo(properties);
        RaftServerConfigKeys.setStorageDir(properties, List.of(raftDir.resolve("ratis").toFile()));
        // the replication port binds the address the others reach this node at, not every interface
        transport.applyTo(properties, me.host(), me.port());
        refuseIfTaken(me);
        // leader loss is noticed within about a second, a new leader elected within a few
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        snapshots.applyTo(properties);
        // Ratis' leader otherwise appends an entry of its own (the new commit index) every time its
        // commit index moves: a second log write, fsync and appendEntries round on every replica for
        // each entry of ours (bench/replication/RESULTS.md, 2026-12-07 raft8). It lets a node restarted
        // alone re-apply what was committed without a leader, and tells followers of a commit at once;
        // without it they learn it with the group's next entry or heartbeat (up to 250 ms later), and
        // a write through a follower, which completes once that node applied it, has it ask at once
        // instead (CommitNudge). Raft's commit index is volatile state, learnt again from the next
        // leader, and every entry is still synced on a majority before it is acknowledged.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
        // read-only requests are read-index barriers (LeaderSubmission.readIndex); snapshot pieces are stale reads
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        adjust.accept(properties);
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, cluster.nodes().stream()
                .map(n -> RaftPeer.newBuilder().setId(peerId(n.id())).setAddress(n.address()).build()).toList());
        boolean existing = Files.isDirectory(raftDir.resolve("ratis")) && hasContent(raftDir.resolve("ratis"));
        requireGroupPerPartitionLayout(raftDir, existing);
        RaftClient client = RaftClient.newBuilder().setProperties(properties).setRaftGroup(group)
                .setRetryPolicy(LeaderWait.policy()).build();
        LeaderForwarding forwarding = new LeaderForwarding(properties, group);
        PartitionGroups partitions = new PartitionGroups(cluster, nodeId, properties, engine,
                new GroupsElsewhere(client, ReplicationTimeouts.replicaLagMaxMs(properties)));
        EngineStateMachine[] machine = new EngineStateMachine[1];
        GroupWriter[] metadata = new GroupWriter[1];
        RaftLogAppender[] replicated = new RaftLogAppender[1];
        // from now on every writer on this node goes through the groups; the state machines apply locally
        engine.replaceAppender(local -> {
            machine[0] = new EngineStateMachine(engine, local, raftDir.resolve("applied-index"));
            machine[0].fetchSnapshotsWith(client);
            machine[0].onTopicsChanged(partitions::reconcile);
            partitions.applyWith(local);
            metadata[0] = new GroupWriter(client, forwarding, machine[0]::appliedThrough);
            replicated[0] = new RaftLogAppender(metadata[0], partitions, engine);
            return replicated[0];
        });
        long ownProducerIdsEnd = engine.producerIdsOwnBlocksEnd();
        engine.takeProducerIdsFrom(size -> metadata[0].submit(
                new LogCommand.AllocateProducerIds(ownProducerIdsEnd, size)).thenApply(AppendResult::firstOffset));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(nodeId))
                .setGroup(group)
                .setProperties(properties)
                .setStateMachineRegistry(id -> id.equals(GROUP_ID) ? machine[0] : partitions.machineFor(id))
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        partitions.attach(server);
        partitions.reconcile();
        LeaderSubmission submission = new LeaderSubmission(server, GROUP_ID, peerId(nodeId));
        metadata[0].submitDirectlyWhileLeading(submission);
        ReplicatedNode node = new ReplicatedNode(engine, cluster, server, metadata[0], partitions, replicated[0],
                machine[0], peerId(nodeId), cluster.nodes().stream().map(ClusterNodes.Node::id).sorted().toList(),
                ReplicationTimeouts.replicaLagMaxMs(properties));
        machine[0].onLeaderChange(node::leaderChanged);
        if (!existing) {
            node.emptyLogNudge = new EmptyLogNudge(node::division, client, peerId(nodeId), machine[0]::lastApplied,
                    machine[0]::installing);
        }
        engine.joinCluster(node);
        return node;
    }

    /** Written before this build first formats a node's Raft storage: its groups are one per partition. */
    static final String LAYOUT_FILE = "layout";
    private static final String LAYOUT = "raft-group-per-partition 1\n";

    /**
     * A node's Raft storage written by the single-group build holds its partitions' writes in the
     * metadata group's log, which this build refuses for every partition that has a group of its
     * own: started on it, the node would apply none of them and its partitions would diverge from
     * every replica. It is refused at start, saying what to do (docs/replication.md, "Upgrading");
     * a new storage is marked before Ratis writes anything to it, so a storage with content and
     * no mark is the old build's.
     */
    private static void requireGroupPerPartitionLayout(Path raftDir, boolean existing) throws IOException {
        Path layout = raftDir.resolve(LAYOUT_FILE);
        if (!existing) {
            Files.writeString(layout, LAYOUT, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(layout)) {
            throw new IOException("the Raft storage in " + raftDir + " was written by a Trilog build with a single Raft"
                    + " group for the whole cluster; this build has a Raft group per partition and cannot take it over."
                    + " Run the cluster on empty data directories (stop every node, move each node's data directory"
                    + " aside, start them all again) and copy the data in through clients, or keep the earlier build;"
                    + " see docs/replication.md, \"Upgrading from the single-group build\"");
        }
        String found = Files.readString(layout, StandardCharsets.UTF_8);
        if (!found.equals(LAYOUT)) {
            throw new IOException("the Raft storage in " + raftDir + " has layout '" + found.strip()
                    + "', which this build does not know (it knows '" + LAYOUT.strip() + "'): written by a newer build?");
        }
    }

    private static boolean hasContent(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    private static String clusterId(ClusterNodes cluster) {
        String spec = cluster.nodes().stream().sorted(java.util.Comparator.comparingInt(ClusterNodes.Node::id))
                .map(n -> n.id() + "@" + n.address()).collect(java.util.stream.Collectors.joining(","));
        UUID id = UUID.nameUUIDFromBytes(("trilog-cluster:" + spec).getBytes(StandardCharsets.UTF_8));
        return new org.apache.kafka.common.Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits()).toString();
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf("n" + nodeId);
    }

    /** The append seam every writer on this node uses: commits through the group, then completes. */
    public LogAppender appender() {
        return appender;
    }

    @Override
    public Topic createTopic(Topic topic) throws TopicExistsException, IOException {
        if (topic.replicationFactor() > nodes.size()) {
            // Kafka's words (its controller's), as CreateTopics answers them
            throw new org.apache.kafka.common.errors.InvalidReplicationFactorException("Unable to replicate the"
                    + " partition " + topic.replicationFactor() + " time(s): The target replication factor of "
                    + topic.replicationFactor() + " cannot be reached because only " + nodes.size()
                    + " broker(s) are registered.");
        }
        try {
            appender.createTopic(topic).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TopicExistsException exists) {
                throw exists;
            }
            throw new IOException("creating topic " + topic.name() + " through the cluster failed", e.getCause());
        }
        return engine.topic(topic.name()).orElseThrow(() -> new IOException("topic " + topic.name()
                + " was committed but is not on this node"));
    }

    @Override
    public void addLeaderListener(Runnable listener) {
        leaderListeners.add(listener);
    }

    private void leaderChanged() {
        try {
            leaderEvents.execute(() -> leaderListeners.forEach(listener -> {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.warn("A leader listener failed", e);
                }
            }));
        } catch (RejectedExecutionException e) {
            // closing: nothing follows the leader any more
        }
    }

    /**
     * Commits the takeover through the metadata group — once applied here, so is every entry that
     * group committed before — and then waits until this node's replica of every partition group
     * applied what its group committed ({@link PartitionGroups#caughtUp}): a queue's records are
     * in ordinary partitions, whose groups this node may still be catching up on (it was down, or
     * is slow), and the queues' state read next must hold every acknowledged publish.
     */
    @Override
    public void serveQueues(long epoch) throws IOException {
        try {
            appender.serveQueues(nodeId(), epoch).join();
        } catch (CompletionException e) {
            throw new IOException("node " + nodeId() + " could not take the queues over at epoch " + epoch, e.getCause());
        }
        long started = System.nanoTime();
        try {
            // a read that hangs (a leader that stopped answering) ends too
            partitions.caughtUp(PARTITIONS_CATCH_UP)
                    .orTimeout(PARTITIONS_CATCH_UP.toMillis() + 5_000, TimeUnit.MILLISECONDS).join();
        } catch (CompletionException | RejectedExecutionException e) {
            throw new IOException("node " + nodeId() + " took the queues over at epoch " + epoch
                    + " but its partition groups have not caught up with their leaders", e.getCause() == null ? e : e.getCause());
        }
        log.info("Node {} took the queues over at epoch {}; its partition groups had applied what they committed"
                + " {} ms later", nodeId(), epoch, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void deleteTopic(Topic topic) throws UnknownTopicException, IOException {
        commit(new LogCommand.DeleteTopic(topic.name(), topic.id()), "deleting topic " + topic.name());
    }

    @Override
    public Topic createPartitions(Topic topic, int newCount) throws UnknownTopicException, IOException {
        commit(new LogCommand.GrowTopic(topic.name(), topic.id(), newCount), "adding partitions to " + topic.name());
        return applied(topic.name());
    }

    @Override
    public Topic alterTopicConfig(Topic topic, Map<String, String> overrides) throws UnknownTopicException, IOException {
        commit(new LogCommand.ConfigureTopic(topic.name(), topic.id(), Map.copyOf(overrides)),
                "changing the config of " + topic.name());
        return applied(topic.name());
    }

    @Override
    public long deleteRecordsBefore(TopicPartition partition, long offset) throws IOException {
        try {
            return commit(new LogCommand.DeleteRecords(partition, offset), "deleting records of " + partition)
                    .logStartOffset();
        } catch (UnknownTopicException e) {
            throw new IOException(partition + " is gone", e);
        }
    }

    /** Commits a topic change and waits until this node applied it; the failure every replica reached, as thrown. */
    private AppendResult commit(LogCommand command, String what) throws UnknownTopicException, IOException {
        try {
            return appender.submit(command).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof UnknownTopicException unknown) {
                throw unknown;
            }
            if (cause instanceof IllegalArgumentException invalid) {
                throw invalid;
            }
            throw new IOException(what + " through the cluster failed", cause);
        }
    }

    private Topic applied(String name) throws UnknownTopicException {
        return engine.topic(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
    }

    /**
     * Why this node cannot catch up with the metadata group's leader — it needs entries the leader
     * purged after a snapshot, and its engine is not an earlier state of the leader's snapshot,
     * which it installs over what it applied otherwise — or empty while it can. (A partition
     * group's replica always can: its snapshot replaces its copy of the partition.)
     */
    public Optional<String> cannotCatchUp() {
        return Optional.ofNullable(machine.cannotCatchUp());
    }

    /**
     * What this node is doing to take other nodes' snapshots — the metadata group's or a
     * partition group's (it lost its data directory after the others purged their logs) — while
     * it is; empty otherwise.
     */
    public Optional<String> installingSnapshot() {
        List<String> installs = new ArrayList<>();
        Optional.ofNullable(machine.installing()).ifPresent(installs::add);
        installs.addAll(partitions.installing());
        return installs.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", installs));
    }

    /** The first producer id of the next block the cluster grants, as applied on this node (tests). */
    long nextProducerIdGranted() {
        return machine.nextProducerId();
    }

    /** How producers' batches for {@code partition} reach this node's own server while it leads its group. */
    LeaderSubmission leaderSubmission(TopicPartition partition) {
        return partitionWriter(partition).leaderSubmission();
    }

    /** {@code partition}'s group's writer, once this node knows the group's leader. */
    private GroupWriter partitionWriter(TopicPartition partition) {
        return partitions.writer(partition).flatMap(PartitionWriters::now)
                .orElseThrow(() -> new IllegalStateException("no leader of " + partition + "'s group known yet"));
    }

    /** How producers' batches for {@code partition} reach its group's leader while this node does not lead it. */
    LeaderForwarding leaderForwarding(TopicPartition partition) {
        return partitionWriter(partition).forwarding();
    }

    /** Whether this node holds a division of {@code partition}'s group (it is a replica, and added the group). */
    boolean holdsGroup(TopicPartition partition) {
        return partitions.division(partition).isPresent();
    }

    /** Whether this node leads {@code partition}'s group now. */
    boolean isLeader(TopicPartition partition) {
        return partitions.division(partition).map(d -> d.getInfo().isLeader()).orElse(false);
    }

    /** The last entry of {@code partition}'s group this node applied (-1 without the group). */
    long appliedIndex(TopicPartition partition) {
        return partitions.division(partition).map(d -> d.getInfo().getLastAppliedIndex()).orElse(-1L);
    }

    /** The last entry of {@code partition}'s group this node's Raft log holds (-1 without the group or its log open). */
    long raftLogEndIndex(TopicPartition partition) {
        try {
            return partitions.division(partition).map(d -> d.getRaftLog().getNextIndex() - 1).orElse(-1L);
        } catch (IllegalStateException logNotOpenYet) { // a group being added while the server starts
            return -1;
        }
    }

    /** How producers' batches reach this node's own server while it leads. */
    LeaderSubmission leaderSubmission() {
        return metadata.leaderSubmission();
    }

    /** How producers' batches reach the leader while this node does not lead. */
    LeaderForwarding leaderForwarding() {
        return metadata.forwarding();
    }

    /** The first entry this node's Raft log still holds (0 until it purged anything). */
    long raftLogStartIndex() {
        return division().map(d -> d.getRaftLog().getStartIndex()).orElse(-1L);
    }

    /** The last entry this node's Raft log holds, applied or not yet (-1 when there is no group). */
    long raftLogEndIndex() {
        return division().map(d -> d.getRaftLog().getNextIndex() - 1).orElse(-1L);
    }

    /** The last entry this node's Raft log has on disk. */
    long raftLogFlushIndex() {
        return division().map(d -> d.getRaftLog().getFlushIndex()).orElse(-1L);
    }

    /** The term of the entry this node's Raft log holds at {@code index}; -1 when it holds none there. */
    long raftLogTermAt(long index) {
        return division().map(d -> d.getRaftLog().getTermIndex(index))
                .map(org.apache.ratis.server.protocol.TermIndex::getTerm).orElse(-1L);
    }

    /** The index of the last entry this node applied to its engine. */
    long appliedIndex() {
        return machine.lastApplied();
    }

    /** The index of this node's latest snapshot, or -1. */
    long snapshotIndex() {
        var snapshot = machine.getLatestSnapshot();
        return snapshot == null ? -1 : snapshot.getIndex();
    }

    /** Whether this node leads the group now. */
    @Override
    public boolean isLeader() {
        return division().map(d -> d.getInfo().isLeader()).orElse(false);
    }

    /** The id of the node leading the group now, as this node knows it. */
    public Optional<Integer> leaderId() {
        return division().map(d -> d.getInfo().getLeaderId()).map(ReplicatedNode::nodeId);
    }

    @Override
    public OptionalInt leader() {
        return leaderId().map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    @Override
    public long leaderEpoch() {
        return division().map(d -> d.getInfo().getCurrentTerm()).orElse(0L);
    }

    /** Derived from {@code cluster.nodes}, which every node of the cluster names alike. */
    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public List<Integer> nodes() {
        return nodes;
    }

    /**
     * The leader knows: itself and every follower that answered it within
     * {@link #replicaLagMaxMs}. A follower does not, and names the leader and itself.
     */
    @Override
    public Set<Integer> inSync() {
        return inSync(division());
    }

    private Set<Integer> inSync(Optional<RaftServer.Division> division) {
        if (division.isEmpty()) {
            return Set.of();
        }
        var info = division.get().getInfo();
        if (info.isLeader()) {
            return GroupsElsewhere.inSync(nodeId(), info.getRoleInfoProto().getLeaderInfo(), replicaLagMaxMs);
        }
        Set<Integer> inSync = new TreeSet<>();
        leaderOf(division).ifPresent(leader -> {
            inSync.add(leader);
            inSync.add(nodeId());
        });
        return inSync;
    }

    private static Optional<Integer> leaderOf(Optional<RaftServer.Division> division) {
        return division.map(d -> d.getInfo().getLeaderId()).map(ReplicatedNode::nodeId);
    }

    /**
     * The partition's own group's leader, as this node's replica of it knows it — or, on a node
     * that holds no replica of it (its topic's replication factor is below the node count), as
     * the group's leader last answered ({@link GroupsElsewhere}).
     */
    @Override
    public OptionalInt leader(TopicPartition partition) {
        if (!PartitionGroups.hasGroup(partition)) {
            return leader();
        }
        Optional<RaftServer.Division> division = partitions.division(partition);
        Optional<Integer> leader = division.isPresent() ? leaderOf(division)
                : partitions.elsewhere(partition).map(GroupsElsewhere.View::leader);
        return leader.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    @Override
    public long leaderEpoch(TopicPartition partition) {
        if (!PartitionGroups.hasGroup(partition)) {
            return leaderEpoch();
        }
        Optional<RaftServer.Division> division = partitions.division(partition);
        return division.isPresent() ? division.get().getInfo().getCurrentTerm()
                : partitions.elsewhere(partition).map(GroupsElsewhere.View::term).orElse(0L);
    }

    @Override
    public List<Integer> replicas(TopicPartition partition) {
        if (!PartitionGroups.hasGroup(partition)) {
            return nodes;
        }
        return partitions.replicas(partition).orElse(nodes);
    }

    @Override
    public Set<Integer> inSync(TopicPartition partition) {
        if (!PartitionGroups.hasGroup(partition)) {
            return inSync();
        }
        Optional<RaftServer.Division> division = partitions.division(partition);
        return division.isPresent() ? inSync(division)
                : partitions.elsewhere(partition).map(GroupsElsewhere.View::inSync).orElse(Set.of());
    }

    /** The first entry {@code partition}'s group still holds in this node's Raft log (-1 without the group). */
    long raftLogStartIndex(TopicPartition partition) {
        return partitions.division(partition).map(d -> d.getRaftLog().getStartIndex()).orElse(-1L);
    }

    /**
     * The commit index node {@code peer} last reported for {@code partition}'s group, as this node's
     * division keeps it (a leader keeps the highest each follower reported); -1 when it has none.
     */
    long commitIndexReportedBy(TopicPartition partition, int peer) {
        return partitions.division(partition).map(d -> EmptyLogNudge.commitIndexOf(d.getCommitInfos(), peerId(peer)))
                .orElse(-1L);
    }

    /** The index of this node's latest snapshot of {@code partition}'s group, or -1. */
    long snapshotIndex(TopicPartition partition) {
        return partitions.division(partition).map(d -> d.getStateMachine().getLatestSnapshot())
                .map(snapshot -> snapshot.getIndex()).orElse(-1L);
    }

    /**
     * From Raft's own bookkeeping, as the leader sees it (a follower asks the leader, as a Kafka
     * broker forwards DescribeQuorum to its controller; if that fails it answers what it knows):
     * the commit index each peer last reported, and the time since each follower last answered.
     */
    @Override
    public Quorum quorum() {
        Optional<RaftServer.Division> division = division();
        if (division.isEmpty()) {
            return new Quorum(-1, 0, -1, List.of());
        }
        RaftServer.Division d = division.get();
        var info = d.getInfo();
        Optional<Integer> leader = leaderId();
        if (!info.isLeader() && leader.isPresent()) {
            try {
                var reply = metadata.client().getGroupManagementApi(peerId(leader.get())).info(GROUP_ID);
                return quorum(leader.get(), info.getCurrentTerm(), reply.getLogInfoProto().getCommitted().getIndex(),
                        reply.getCommitInfos(), reply.getRoleInfoProto());
            } catch (IOException | RuntimeException e) {
                log.debug("Asking leader {} for its view of the quorum failed; answering this node's", leader.get(), e);
            }
        }
        return quorum(leader.orElse(-1), info.getCurrentTerm(), d.getRaftLog().getLastCommittedIndex(),
                d.getCommitInfos(), info.getRoleInfoProto());
    }

    private Quorum quorum(int leader, long term, long committed, Collection<CommitInfoProto> commitInfos,
            RoleInfoProto role) {
        long now = System.currentTimeMillis();
        Map<Integer, Long> reported = new HashMap<>();
        commitInfos.forEach(c -> reported.put(nodeId(RaftPeerId.valueOf(c.getServer().getId())), c.getCommitIndex()));
        Map<Integer, Long> lastHeard = new HashMap<>();
        if (role.hasLeaderInfo()) {
            lastHeard.put(leader, now);
            reported.put(leader, committed);
            for (var follower : role.getLeaderInfo().getFollowerInfoList()) {
                lastHeard.put(nodeId(RaftPeerId.valueOf(follower.getId().getId())),
                        now - follower.getLastRpcElapsedTimeMs());
            }
        }
        List<Voter> voters = new ArrayList<>();
        for (int id : nodes) {
            long end = reported.getOrDefault(id, -1L);
            long fetched = lastHeard.getOrDefault(id, -1L);
            voters.add(new Voter(id, end, fetched, end >= committed ? fetched : -1));
        }
        return new Quorum(leader, term, committed, voters);
    }

    private Optional<RaftServer.Division> division() {
        try {
            return Optional.of(server.getDivision(GROUP_ID));
        } catch (IOException e) {
            return Optional.empty(); // closing, or not started
        }
    }

    static Integer nodeId(RaftPeerId peer) {
        return peer == null ? null : Integer.parseInt(peer.toString().substring(1));
    }

    @Override
    public int nodeId() {
        return nodeId(self);
    }

    /** This node's id. */
    public int id() {
        return nodeId();
    }

    /**
     * Fails every write on this node still waiting for the group to commit it, and every later
     * one, with an {@link IOException}: for a stop that must not wait for a majority that may
     * never come (a node started alone waits in its start-up writes for ever). Then
     * {@link #close()} as always.
     */
    public void stopWaiting() {
        appender.abandonWaits("node " + nodeId() + " is stopping: it no longer waits for the cluster to commit writes");
    }

    @Override
    public void close() throws IOException {
        if (emptyLogNudge != null) {
            emptyLogNudge.close();
        }
        leaderEvents.shutdownNow();
        partitions.close();
        metadata.close();
        server.close();
    }
}
