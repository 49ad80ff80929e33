package dev.trilog.replication;

import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft groups of this node's partitions (Ratis multi-raft: one server, one division per
 * group): every partition of every topic but the engine's internal logs has a group of its own,
 * on the nodes of its replica set, which orders that partition's writes and nothing else. The
 * metadata group (topics, the durable maps, committed offsets, queue takeovers) stays on every node.
 *
 * <p>Placement is derived from what the metadata group committed — the topic's id, its
 * replication factor and the partition index — and {@code cluster.nodes}, so every node computes
 * the same replica set and the same preferred leader: the replicas are as many nodes as the
 * factor asks (every node for {@link Topic#EVERY_NODE}), consecutive in id order from one that
 * moves by one with each partition (and with each topic, by its id) — Kafka's round-robin with a
 * per-topic start — and that first replica has the highest Ratis priority, so Ratis hands it the
 * lead once it is caught up: each node leads its share of the partitions.
 *
 * <p>A node adds the group of each partition it is a replica of when it has applied the topic
 * (its creation or growth) and removes it, its Raft storage deleted, when it has applied the
 * topic's deletion; at start, and after installing a snapshot, it makes the groups it holds match
 * its topics ({@link #reconcile}). Group changes run on one thread of their own, in order, never
 * on a group's apply thread. Of the groups it is not a replica of it knows the leader from their
 * replicas ({@link GroupsElsewhere}), and writes to them through a client of their peers.
 */
final class PartitionGroups implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionGroups.class);

    /** A partition's group as this node knows it: the partition, and the id and replication factor of its topic. */
    record Member(TopicPartition partition, Uuid topicId, int replicationFactor) {
    }

    /** The state machine of a group on disk whose topic this node no longer has: applies nothing; removed at start. */
    private static final Member ORPHAN = new Member(new TopicPartition(LogEngine.RESERVED_PREFIX + "-gone", 0),
            Uuid.ZERO_UUID, Topic.EVERY_NODE);

    private final ClusterNodes cluster;
    private final RaftPeerId self;
    private final int selfId;
    private final RaftProperties properties;
    private final GroupsElsewhere elsewhere;
    private final LogEngine engine;
    private volatile LogAppender local;
    private volatile RaftServer server;
    private final Map<RaftGroupId, PartitionStateMachine> machines = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, PartitionWriters> writers = new ConcurrentHashMap<>();
    /** The groups this node added with an empty storage, until they follow their leader's log: see {@link EmptyLogNudge}. */
    private final Map<RaftGroupId, EmptyLogNudge> nudges = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService nudgeTimer = Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "trilog-partition-empty-log-nudge");
                t.setDaemon(true);
                return t;
            });
    /** Fetches and installs of partition groups' snapshots, one at a time, off Ratis' threads. */
    private final ExecutorService installs = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trilog-partition-snapshot-install");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trilog-partition-groups");
        t.setDaemon(true);
        return t;
    });

    PartitionGroups(ClusterNodes cluster, int nodeId, RaftProperties properties, LogEngine engine,
            GroupsElsewhere elsewhere) {
        this.cluster = cluster;
        this.self = ReplicatedNode.peerId(nodeId);
        this.selfId = nodeId;
        this.properties = properties;
        this.engine = engine;
        this.elsewhere = elsewhere;
    }

    /** Committed writes are applied to the engine through {@code local} (set before the server starts). */
    void applyWith(LogAppender local) {
        this.local = local;
    }

    /** The server that holds the groups, once started. */
    void attach(RaftServer server) {
        this.server = server;
    }

    /** Whether {@code partition}'s writes are ordered by a group of its own: every partition but the internal logs'. */
    static boolean hasGroup(TopicPartition partition) {
        return !partition.topic().startsWith(LogEngine.RESERVED_PREFIX);
    }

    /**
     * The ID of the group of {@code partition} of the topic with {@code topicId}: the same on
     * every node, derived from the two. Derived once per partition and remembered: every produce
     * request asks (for the writer, and whether this node leads), and the derivation — a string,
     * an MD5 digest looked up and computed — was ~8 % of a leader's Kafka I/O threads under the
     * RF=3 bench (bench/replication/RESULTS.md, 2026-12-07 rf3cpu). One small entry for every
     * partition this node has been asked about, kept after its topic is deleted (tens of bytes each).
     */
    static RaftGroupId groupId(Uuid topicId, int partition) {
        return GROUP_IDS.computeIfAbsent(new GroupKey(topicId, partition), key -> RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("trilog-partition:" + topicId + "/" + partition).getBytes(StandardCharsets.UTF_8))));
    }

    private record GroupKey(Uuid topicId, int partition) {
    }

    private static final Map<GroupKey, RaftGroupId> GROUP_IDS = new ConcurrentHashMap<>();

    /**
     * The replicas of {@code partition} of the topic with {@code topicId} and
     * {@code replicationFactor} ({@link Topic#EVERY_NODE}: every node), its preferred leader
     * first: see the class comment.
     */
    List<Integer> replicas(Uuid topicId, int replicationFactor, int partition) {
        return placement(cluster.nodes().stream().map(ClusterNodes.Node::id).sorted().toList(), topicId,
                replicationFactor, partition);
    }

    static List<Integer> placement(List<Integer> nodes, Uuid topicId, int replicationFactor, int partition) {
        int count = replicationFactor == Topic.EVERY_NODE ? nodes.size() : replicationFactor;
        if (count > nodes.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " exceeds the "
                    + nodes.size() + " nodes of the cluster");
        }
        int first = Math.floorMod(topicId.hashCode() + partition, nodes.size());
        List<Integer> replicas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replicas.add(nodes.get((first + i) % nodes.size()));
        }
        return replicas;
    }

    /** Whether this node is one of {@code member}'s replicas. */
    private boolean hosts(Member member) {
        return replicas(member.topicId(), member.replicationFactor(), member.partition().partition()).contains(selfId);
    }

    /** The group of {@code member}'s partition: its replicas, the preferred leader with the highest priority. */
    RaftGroup group(Member member) {
        int partition = member.partition().partition();
        Uuid topicId = member.topicId();
        List<Integer> replicas = replicas(topicId, member.replicationFactor(), partition);
        List<RaftPeer> peers = new ArrayList<>();
        for (int id : replicas) {
            peers.add(RaftPeer.newBuilder().setId(ReplicatedNode.peerId(id)).setAddress(cluster.node(id).address())
                    .setPriority(id == replicas.get(0) ? 1 : 0).build());
        }
        return RaftGroup.valueOf(groupId(topicId, partition), peers);
    }

    /** Ratis' registry for every group but the metadata one: the partition's state machine on this node. */
    PartitionStateMachine machineFor(RaftGroupId id) {
        return machines.computeIfAbsent(id, gid -> {
            Member member = wanted().getOrDefault(gid, ORPHAN);
            int replicas = member == ORPHAN ? 0
                    : replicas(member.topicId(), member.replicationFactor(), member.partition().partition()).size();
            return new PartitionStateMachine(engine, local, member, replicas, () -> client(member), installs);
        });
    }

    /** The group of every partition of every topic this node has now that it is a replica of, by group id. */
    private Map<RaftGroupId, Member> wanted() {
        Map<RaftGroupId, Member> wanted = new HashMap<>();
        for (Topic topic : engine.topics()) {
            for (int p = 0; p < topic.partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic.name(), p);
                Member member = new Member(tp, topic.id(), topic.replicationFactor());
                if (hasGroup(tp) && hosts(member)) {
                    wanted.put(groupId(topic.id(), p), member);
                }
            }
        }
        return wanted;
    }

    /**
     * Makes the groups this node holds match its topics, in the background: adds the group of
     * every partition it lacks, removes (with its Raft storage) every group whose topic is gone.
     * Called after every topic change the metadata group applied, at start and after an install.
     */
    void reconcile() {
        try {
            changes.execute(this::reconcileNow);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void reconcileNow() {
        RaftServer running = server;
        if (running == null) {
            return;
        }
        Map<RaftGroupId, Member> wanted = wanted();
        List<RaftGroupId> held = new ArrayList<>();
        running.getGroupIds().forEach(held::add);
        for (RaftGroupId id : held) {
            if (!id.equals(ReplicatedNode.GROUP_ID) && !wanted.containsKey(id)) {
                remove(running, id);
            }
        }
        for (Map.Entry<RaftGroupId, Member> e : wanted.entrySet()) {
            if (!held.contains(e.getKey())) {
                add(running, e.getValue());
            }
        }
        closeWritersOfGone();
    }

    /** The writers of groups this node wrote to without holding them, whose topics are gone. */
    private void closeWritersOfGone() {
        java.util.Set<RaftGroupId> exist = new java.util.HashSet<>();
        for (Topic topic : engine.topics()) {
            for (int p = 0; p < topic.partitions(); p++) {
                exist.add(groupId(topic.id(), p));
            }
        }
        for (RaftGroupId id : List.copyOf(writers.keySet())) {
            if (!exist.contains(id)) {
                closeWriter(writers.remove(id));
            }
        }
    }

    private static void closeWriter(PartitionWriters writer) {
        try {
            if (writer != null && writer.now().isPresent()) {
                writer.now().get().close();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Closing a partition group's clients failed", e);
        }
    }

    private void add(RaftServer running, Member member) {
        machineFor(groupId(member.topicId(), member.partition().partition()));
        RaftGroup group = group(member);
        try {
            var reply = running.groupManagement(GroupManagementRequest.newAdd(clientId, self,
                    callIds.incrementAndGet(), group, true));
            if (!reply.isSuccess()) {
                log.warn("Adding the Raft group of {} failed: {}", member.partition(), reply.getException());
                forgetFailedAdd(running, group.getGroupId());
                return;
            }
            // added with an empty storage: a leader that knew this node's old copy would send it nothing
            RaftGroupId id = group.getGroupId();
            PartitionStateMachine machine = machineFor(id);
            nudges.put(id, new EmptyLogNudge(id, () -> division(running, id), () -> client(member),
                    self, machine::lastApplied, machine::installing, nudgeTimer, false));
        } catch (IOException | RuntimeException e) {
            log.warn("Adding the Raft group of {} failed", member.partition(), e);
            forgetFailedAdd(running, group.getGroupId());
        }
    }

    /** How long after a failed add the groups are reconciled again. */
    private static final long ADD_RETRY_MS = 1_000;

    /**
     * Undoes what a failed add left, so that the next try starts clean, and tries again a second
     * later. Ratis (3.2.0) drops a division whose start failed from its server without closing it
     * — its follower timer would go on running elections as this peer — and leaves its storage
     * directory, which every later add (a new storage is formatted) refuses: one race (a leader's
     * snapshot-install notice reaching the division while it is still starting) would otherwise
     * keep the node out of the partition's group until it restarts. Nothing is undone while the
     * server holds the group (it was there already) or while this node closes, and a directory
     * holding a Raft log (a replica's, which Ratis could not open) is never deleted: that is for
     * whoever runs the node to decide.
     */
    private void forgetFailedAdd(RaftServer running, RaftGroupId id) {
        if (closed || holds(running, id)) {
            return;
        }
        PartitionStateMachine machine = machines.remove(id);
        if (machine != null) {
            machine.division().ifPresent(division -> {
                try {
                    division.close();
                } catch (RuntimeException e) {
                    log.warn("Closing the division of Raft group {} that failed to start failed", id, e);
                }
            });
        }
        for (java.io.File root : org.apache.ratis.server.RaftServerConfigKeys.storageDir(properties)) {
            java.nio.file.Path storage = root.toPath().resolve(id.getUuid().toString());
            try {
                if (holdsRaftLog(storage)) {
                    // not what a failed start leaves: a replica's log, which the node never throws away itself
                    log.error("Raft group {} cannot be added while {} holds a Raft log this node could not open: "
                            + "stop the node and move that directory away to have the group's data fetched "
                            + "again from its leader", id, storage);
                    return;
                }
                dev.trilog.log.DurableFiles.deleteTree(storage);
            } catch (IOException e) {
                log.warn("Could not delete the storage Raft group {} left behind when its add failed", id, e);
            }
        }
        try {
            nudgeTimer.schedule(this::reconcile, ADD_RETRY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Whether {@code storage} holds a Raft log segment with anything in it: a division that ran, not one that failed to start. */
    private static boolean holdsRaftLog(java.nio.file.Path storage) throws IOException {
        if (!java.nio.file.Files.isDirectory(storage)) {
            return false;
        }
        try (var files = java.nio.file.Files.walk(storage)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("log_") && f.toFile().length() > 0);
        }
    }

    private static boolean holds(RaftServer running, RaftGroupId id) {
        for (RaftGroupId held : running.getGroupIds()) {
            if (held.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A client of {@code member}'s group — its writer's, built here once the leader is known (on
     * a node that writes nothing to the partition, a queue led elsewhere, no write would ever
     * build it) — or null while no leader is known.
     */
    private org.apache.ratis.client.RaftClient client(Member member) {
        return writer(member.partition()).flatMap(PartitionWriters::now).map(GroupWriter::client).orElse(null);
    }

    private void remove(RaftServer running, RaftGroupId id) {
        EmptyLogNudge nudge = nudges.remove(id);
        if (nudge != null) {
            nudge.close();
        }
        closeWriter(writers.remove(id));
        try {
            var reply = running.groupManagement(GroupManagementRequest.newRemove(clientId, self,
                    callIds.incrementAndGet(), id, true, false));
            if (!reply.isSuccess()) {
                log.warn("Removing Raft group {} failed: {}", id, reply.getException());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Removing Raft group {} failed", id, e);
        }
        machines.remove(id);
    }

    /**
     * How this node writes to {@code partition}'s group ({@link PartitionWriters}: once the
     * group's leader is known here); empty when this node does not have the topic (not created,
     * or not applied here yet: the write fails as an unknown topic's). On a replica a write
     * completes once this node applied it too; on another node once committed (the leader's
     * answer comes once the leader applied it), there being nothing here to apply it to.
     */
    Optional<PartitionWriters> writer(TopicPartition partition) {
        return member(partition).map(member -> writers.computeIfAbsent(
                groupId(member.topicId(), partition.partition()), gid -> new PartitionWriters(() -> {
                    RaftServer running = server;
                    if (!hosts(member)) {
                        return elsewhere.view(group(member)).map(view -> new GroupWriter(properties, group(member),
                                ReplicatedNode.peerId(view.leader()), index -> CompletableFuture.completedFuture(null)));
                    }
                    Optional<RaftPeerId> leader = running == null ? Optional.empty()
                            : division(running, gid).map(d -> d.getInfo().getLeaderId());
                    return leader.map(known -> new GroupWriter(properties, group(member), known,
                            machineFor(gid)::appliedThrough).submitDirectlyWhileLeading(
                                    new LeaderSubmission(running, gid, self)));
                }, nudgeTimer, ReplicationTimeouts.leaderPatience(properties))));
    }

    /** {@code partition}'s group as this node's topics have it; empty when it has no such partition (yet). */
    private Optional<Member> member(TopicPartition partition) {
        Optional<Topic> topic = engine.topic(partition.topic());
        if (topic.isEmpty() || partition.partition() >= topic.get().partitions()) {
            return Optional.empty();
        }
        return Optional.of(new Member(partition, topic.get().id(), topic.get().replicationFactor()));
    }

    /**
     * The leader, term and in-sync replicas of {@code partition}'s group that this node is not a
     * replica of (or has not added yet), as its replicas answer: see {@link GroupsElsewhere}.
     */
    Optional<GroupsElsewhere.View> elsewhere(TopicPartition partition) {
        return member(partition).flatMap(member -> elsewhere.view(group(member)));
    }

    /** {@code partition}'s replicas, its preferred leader first; empty when this node has no such partition (yet). */
    Optional<List<Integer>> replicas(TopicPartition partition) {
        return member(partition).map(m -> replicas(m.topicId(), m.replicationFactor(), partition.partition()));
    }

    /**
     * Completes once this node's replica of every partition group it should hold (one per
     * partition of every topic it has applied) has applied everything its group had committed
     * when this was called: a Raft read-index read through this node's own division of each
     * group — its leader confirms it still leads and names its commit index, and Ratis answers
     * only once this replica applied that far ({@code Read.Option.LINEARIZABLE}). A group with no
     * leader yet (an election, as after a restart of the nodes) or not held here yet is asked
     * again every {@link #BARRIER_RETRY_MS} ms; fails when one still does not answer after
     * {@code patience}, and the caller asks again.
     */
    CompletableFuture<Void> caughtUp(java.time.Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        return idle().thenCompose(added -> {
            RaftServer running = server;
            if (running == null) {
                return CompletableFuture.failedFuture(new IOException("the Raft server has not started"));
            }
            return CompletableFuture.allOf(wanted().keySet().stream()
                    .map(id -> readIndexBarrier(new LeaderSubmission(running, id, self), deadline))
                    .toArray(CompletableFuture[]::new));
        });
    }

    /** How long a barrier waits before asking a group without a leader again. */
    private static final long BARRIER_RETRY_MS = 200;

    /** @param group one submission for every try: its client id and call ids, not a new client per try */
    private CompletableFuture<Void> readIndexBarrier(LeaderSubmission group, long deadline) {
        return group.readIndex().handle((reply, failure) -> failure).thenCompose(failure -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(failure);
            }
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(BARRIER_RETRY_MS, java.util.concurrent.TimeUnit.MILLISECONDS,
                            nudgeTimer)).thenCompose(again -> readIndexBarrier(group, deadline));
        });
    }

    /** This node's division of {@code partition}'s group, while it holds one. */
    Optional<RaftServer.Division> division(TopicPartition partition) {
        RaftServer running = server;
        if (running == null) {
            return Optional.empty();
        }
        return member(partition).filter(this::hosts)
                .flatMap(m -> division(running, groupId(m.topicId(), partition.partition())));
    }

    private static Optional<RaftServer.Division> division(RaftServer running, RaftGroupId id) {
        try {
            return Optional.of(running.getDivision(id));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The partitions whose groups are fetching or installing their leaders' snapshots, and how far. */
    Collection<String> installing() {
        return machines.values().stream().map(PartitionStateMachine::installing)
                .filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void close() {
        closed = true;
        elsewhere.close();
        changes.shutdownNow();
        nudgeTimer.shutdownNow();
        installs.shutdownNow();
        writers.values().forEach(PartitionGroups::closeWriter);
        writers.clear();
    }

    CompletableFuture<Void> idle() {
        return CompletableFuture.runAsync(() -> { }, changes);
    }
}
