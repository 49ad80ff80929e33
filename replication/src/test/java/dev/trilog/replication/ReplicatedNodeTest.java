package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.log.producer.ProducerIdBlocks;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Three nodes in one JVM, each with its own engine and Raft storage: every replica holds the
 * same records at the same offsets (and topics under the same ids, and the shared internal state:
 * committed offsets, durable maps); the group survives its leader; a restarted node catches up
 * without writing what it already had twice; a node without a majority accepts no write.
 */
// Two cases at a time (junit-platform.properties): each has its own cluster on its own ports and
// directory, and waits far more than it computes; the class is the longest in the build.
@Execution(ExecutionMode.CONCURRENT)
class ReplicatedNodeTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    /** Snapshots every 10 entries into small Raft log segments, so a few dozen writes purge the log. */
    private static final SnapshotSettings SNAPSHOTS = new SnapshotSettings(10, 2048);

    @TempDir
    Path dir;
    ClusterNodes cluster;
    final LogEngine[] engines = new LogEngine[3];
    final ReplicatedNode[] nodes = new ReplicatedNode[3];
    /** The replication timeouts of the nodes started from now on. */
    ReplicationTimeouts timeouts = ReplicationTimeouts.DEFAULTS;
    /** What the nodes started from now on change in Ratis' properties. */
    java.util.function.Consumer<org.apache.ratis.conf.RaftProperties> raftProperties = properties -> { };

    @BeforeEach
    void start() throws Exception {
        List<ClusterNodes.Node> list = new ArrayList<>();
        // the sockets stay open until all three are chosen: a port just closed may be handed out again
        List<ServerSocket> held = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            held.add(new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
            list.add(new ClusterNodes.Node(i, "127.0.0.1", held.get(i - 1).getLocalPort()));
        }
        for (ServerSocket s : held) {
            s.close();
        }
        cluster = new ClusterNodes(list);
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }
        engines[0].createTopic("orders", 1, Map.of());
        // a write goes through the partition's own group, which a node joins once it applied the
        // topic's creation and its leader is elected: as a Kafka client waits for Metadata to name one
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to know orders-0's leader", () -> nodes[n].leader(TP).isPresent(), 120);
        }
    }

    private void startNode(int i) throws IOException {
        engines[i] = LogEngine.open(EngineSettings.of(dir.resolve("node-" + (i + 1)).resolve("data")));
        nodes[i] = ReplicatedNode.start(engines[i], cluster, i + 1, dir.resolve("node-" + (i + 1)).resolve("raft"),
                SNAPSHOTS, timeouts, RaftTransport.DEFAULT, raftProperties);
    }

    private void stopNode(int i) throws Exception {
        nodes[i].close();
        engines[i].close();
        nodes[i] = null;
        engines[i] = null;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = 0; i < 3; i++) {
            if (nodes[i] != null) {
                stopNode(i);
            }
        }
    }

    /**
     * Ratis would end the JVM when its port is taken; the node refuses to start instead, naming
     * the address, and the process goes on.
     */
    @Test
    void aTakenReplicationPortIsRefusedWithItsAddressNotByEndingTheProcess() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                LogEngine engine = LogEngine.open(EngineSettings.of(dir.resolve("lone").resolve("data")))) {
            ClusterNodes lone = new ClusterNodes(List.of(new ClusterNodes.Node(1, "127.0.0.1", taken.getLocalPort())));
            assertThatThrownBy(() -> ReplicatedNode.start(engine, lone, 1, dir.resolve("lone").resolve("raft")))
                    .isInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    private void append(int node, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            appendTo(TP, node, RecordData.of(1_000 + i, null, ("m" + i).getBytes(StandardCharsets.UTF_8)), i);
        }
    }

    /** As {@link #append}, all in flight at once (Ratis' client keeps them in order), for the many writes a purge needs. */
    private void appendMany(int node, int from, int n) throws Exception {
        appendMany(node, from, n, 1_000);
    }

    /** As {@link #appendMany(int, int, int)}, record i stamped {@code timestamps + i}. */
    private void appendMany(int node, int from, int n, long timestamps) throws Exception {
        List<java.util.concurrent.CompletableFuture<dev.trilog.log.AppendResult>> writes = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            writes.add(nodes[node].appender().append(TP, RecordFormat.build(0, "none",
                    List.of(RecordData.of(timestamps + i, null, ("m" + i).getBytes(StandardCharsets.UTF_8))))));
        }
        for (int i = 0; i < n; i++) {
            assertThat(writes.get(i).get(30, TimeUnit.SECONDS).firstOffset()).as("offset of m%d", from + i)
                    .isEqualTo(from + i);
        }
    }

    private static List<String> values(LogEngine engine) throws Exception {
        return values(engine, TP);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, 30);
    }

    private static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the running nodes name one leader of {@code tp} that Ratis will not hand the
     * lead on from: the preferred replica, or any once that one is stopped. A batch handed
     * straight to a leader's server is refused (NOT_LEADER_OR_FOLLOWER, which producers retry)
     * when the lead moves under it — right after an election, the preferred replica takes it over.
     */
    private void awaitSettledLeader(TopicPartition tp) throws InterruptedException {
        await(tp + "'s leader to settle", () -> {
            List<ReplicatedNode> running = java.util.Arrays.stream(nodes).filter(java.util.Objects::nonNull).toList();
            int leader = running.get(0).leader(tp).orElse(-1);
            if (leader < 1 || nodes[leader - 1] == null || !nodes[leader - 1].isLeader(tp)
                    || running.stream().anyMatch(n -> n.leader(tp).orElse(-1) != leader)) {
                return false;
            }
            int preferred = running.get(0).replicas(tp).get(0);
            return leader == preferred || nodes[preferred - 1] == null;
        }, 120);
    }

    private boolean hasEnd(int i, long end) {
        PartitionLog log = engines[i].partition(TP);
        return log != null && log.logEndOffset() == end;
    }

    @Test
    void everyReplicaHoldsTheSameRecordsAtTheSameOffsets() throws Exception {
        append(1, 0, 20); // through a node that may not lead: its client finds the leader

        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to have 20 records", () -> hasEnd(n, 20));
        }
        List<String> expected = values(engines[0]);
        assertThat(expected).hasSize(20).startsWith("0:m0").endsWith("19:m19");
        assertThat(values(engines[1])).isEqualTo(expected);
        assertThat(values(engines[2])).isEqualTo(expected);
    }

    /**
     * With Ratis' commit-index entries off, a follower hears of a commit with the leader's next
     * appendEntries — in an idle group, its heartbeat. Here heartbeats are ten minutes apart (the
     * first elections after the restart still within a second), so a write through a follower — a
     * topic created through the metadata group's, a batch through the partition group's, each
     * completing once that follower applied it — completes, and the follower applies it as the
     * group's last entry, only because the follower asks for a read index (CommitNudge), whose
     * heartbeat carries the commit.
     */
    @Test
    void aWriteThroughAFollowerIsAppliedThereWithNoHeartbeatDueAndNoLaterEntry() throws Exception {
        append(0, 0, 1);
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
        raftProperties = properties -> {
            org.apache.ratis.server.RaftServerConfigKeys.Rpc.setTimeoutMin(properties,
                    org.apache.ratis.util.TimeDuration.valueOf(20, TimeUnit.MINUTES));
            org.apache.ratis.server.RaftServerConfigKeys.Rpc.setTimeoutMax(properties,
                    org.apache.ratis.util.TimeDuration.valueOf(40, TimeUnit.MINUTES));
            org.apache.ratis.server.RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties,
                    org.apache.ratis.util.TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
            org.apache.ratis.server.RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties,
                    org.apache.ratis.util.TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        };
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }
        awaitSettledLeader(TP);
        int metadataLeader = leaderIndex();
        int metadataFollower = (metadataLeader + 1) % 3;
        await("the follower to know the metadata leader", () -> nodes[metadataFollower].leaderId().isPresent());
        long before = nodes[metadataLeader].raftLogEndIndex();

        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return engines[metadataFollower].createTopic("audit", 1, Map.of());
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }).get(60, TimeUnit.SECONDS); // a guard against hanging: the next heartbeat is minutes away

        assertThat(nodes[metadataLeader].raftLogEndIndex()).as("the topic's entry is the group's last").isEqualTo(before + 1);
        assertThat(nodes[metadataFollower].appliedIndex()).isEqualTo(before + 1);

        int partitionLeader = partitionLeaderIndex(TP);
        int partitionFollower = (partitionLeader + 1) % 3;
        long end = nodes[partitionLeader].raftLogEndIndex(TP);

        appendTo(TP, partitionFollower, "through a follower", 1); // waits up to 60 s

        assertThat(nodes[partitionLeader].raftLogEndIndex(TP)).as("the batch's entry is the group's last").isEqualTo(end + 1);
        assertThat(nodes[partitionFollower].appliedIndex(TP)).isEqualTo(end + 1);
    }

    @Test
    void batchesProducedOnTheLeaderGoStraightToItsServerInOrderAndReachEveryReplica() throws Exception {
        int leader = partitionLeaderIndex(TP);
        await("the leader ready for writes", () -> nodes[leader].leaderSubmission(TP).leading());
        appendMany(leader, 0, 200);
        appendMany((leader + 1) % 3, 200, 50); // a follower's go through the Raft client
        appendMany(leader, 250, 50);
        for (int i = 0; i < 3; i++) {
            int node = i;
            await("node " + (node + 1) + " applied everything", () -> hasEnd(node, 300));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add(i + ":m" + i);
        }
        for (LogEngine engine : engines) {
            assertThat(values(engine)).isEqualTo(expected);
        }
    }

    @Test
    void aFollowerHandedABatchAsIfItLedRefusesItWithNotLeaderOrFollower() throws Exception {
        int follower = (partitionLeaderIndex(TP) + 1) % 3;
        await("the follower to know the partition's leader", () -> nodes[follower].leader(TP).isPresent());
        LeaderSubmission submission = nodes[follower].leaderSubmission(TP);
        assertThat(submission.leading()).isFalse();
        var batch = new LogCommand.Append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1, null, "x".getBytes(StandardCharsets.UTF_8)))),
                org.apache.kafka.common.Uuid.ZERO_UUID, 0, Map.of(), LogCommand.ANY_EPOCH);
        assertThatThrownBy(() -> submission.submit(org.apache.ratis.protocol.Message.valueOf(LogCommand.encode(batch)))
                .get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.NotLeaderOrFollowerException.class);
        assertThat(engines[follower].partition(TP)).as("nothing appended on the follower")
                .satisfiesAnyOf(log -> assertThat(log).isNull(), log -> assertThat(log.logEndOffset()).isZero());
    }

    @Test
    void theGroupKeepsAcceptingWritesWhenItsLeaderStops() throws Exception {
        append(0, 0, 5);
        int leader = partitionLeaderIndex(TP);
        stopNode(leader);
        int survivor = (leader + 1) % 3;
        int other = (leader + 2) % 3;

        append(survivor, 5, 5); // waits out the election

        await("both survivors to have 10", () -> hasEnd(survivor, 10) && hasEnd(other, 10));
        assertThat(values(engines[survivor])).isEqualTo(values(engines[other])).hasSize(10);
        assertThat(nodes[survivor].leader(TP)).isPresent();
        assertThat(nodes[survivor].leader(TP).getAsInt()).isNotEqualTo(leader + 1);
    }

    @Test
    void aRestartedNodeCatchesUpWithoutWritingTwiceWhatItHad() throws Exception {
        append(0, 0, 5);
        await("node 3 to have 5", () -> hasEnd(2, 5));
        int follower = nodes[2].isLeader() ? 1 : 2;
        stopNode(follower);
        int writer = (follower + 1) % 3;

        append(writer, 5, 5);
        startNode(follower);

        await("the restarted node to catch up", () -> hasEnd(follower, 10) && hasEnd(writer, 10));
        Thread.sleep(500); // a replay that wrote twice would go past 10 by now
        assertThat(values(engines[follower])).isEqualTo(values(engines[writer])).hasSize(10);
    }

    @Test
    void topicDeletionsGrowthConfigChangesAndDeletedRecordsReachEveryNode() throws Exception {
        append(0, 0, 5);
        engines[1].createTopic("audit", 1, Map.of());
        await("every node to know audit", () -> java.util.Arrays.stream(engines).allMatch(e -> e.topic("audit").isPresent()));

        engines[2].createPartitions("audit", 3);
        engines[0].alterTopicConfig("audit", Map.of("retention.ms", "3600000"));
        assertThat(engines[1].deleteRecordsBefore(TP, 3)).isEqualTo(3);
        // each change returns once applied on the node it came through; the others follow
        assertThat(engines[1].partition(TP).logStartOffset()).isEqualTo(3);
        for (LogEngine engine : engines) {
            await("the changes on every node", () -> engine.topic("audit").orElseThrow().partitions() == 3
                    && engine.topicConfig("audit").orElseThrow().retentionMs() == 3_600_000L
                    && engine.partition(TP).logStartOffset() == 3);
        }
        assertThatThrownBy(() -> engines[0].createPartitions("audit", 2)).isInstanceOf(IllegalArgumentException.class);

        engines[0].deleteTopic("audit");
        await("audit to be gone everywhere", () -> java.util.Arrays.stream(engines).noneMatch(e -> e.topic("audit").isPresent()));
        Topic again = engines[2].createTopic("audit", 1, Map.of()); // a new topic under the old name
        for (LogEngine engine : engines) {
            await("the new audit everywhere", () -> engine.topic("audit").map(t -> t.id().equals(again.id())).orElse(false));
            assertThat(engine.topic("audit").orElseThrow().partitions()).isEqualTo(1);
        }
    }

    @Test
    void aTopicHasOneIdOnEveryNodeAndItsNameCannotBeTakenTwice() throws Exception {
        Topic created = engines[1].createTopic("payments", 3, Map.of("retention.ms", "60000"));

        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to have the topic", () -> engines[n].topic("payments").isPresent());
            assertThat(engines[i].topic("payments")).contains(created);
        }
        assertThatThrownBy(() -> engines[2].createTopic("payments", 1, Map.of()))
                .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void committedOffsetsAndDurableMapsWrittenOnOneNodeAreReadOnEveryNode() throws Exception {
        engines[1].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(7, 0, "", 1_000L)));
        engines[2].durableMap("exchanges").put("prices", "topic".getBytes(StandardCharsets.UTF_8));

        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to know the committed offset",
                    () -> engines[n].groupOffsets().fetch("billing", TP).isPresent());
            assertThat(engines[i].groupOffsets().fetch("billing", TP).get().offset()).isEqualTo(7);
            await("node " + (n + 1) + " to know the exchange", () -> durable(n, "exchanges", "prices") != null);
        }
        // a writer reads its own write at once, even when another node leads
        int follower = nodes[0].isLeader() ? 1 : 0;
        engines[follower].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(9, 0, "", 2_000L)));
        assertThat(engines[follower].groupOffsets().fetch("billing", TP).get().offset()).isEqualTo(9);

        stopNode(2);
        startNode(2); // replays its own copy of the internal logs
        assertThat(engines[2].durableMap("exchanges").get("prices")).isPresent();
        await("the restarted node to know the newest offset",
                () -> engines[2].groupOffsets().fetch("billing", TP).map(c -> c.offset() == 9).orElse(false));
    }

    private String durable(int node, String namespace, String name) {
        try {
            return engines[node].durableMap(namespace).get(name)
                    .map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Once a node has taken the queues over, queue state written by any other node (one that
     * served before and has not heard yet that it lost the lead, or one that never served) is
     * refused on every replica — also after a restart of the whole cluster — while other shared
     * state is written from anywhere; a node that merely believes it leads cannot take over.
     */
    @Test
    void queueStateIsWrittenOnlyByTheNodeThatTookTheQueuesOverLast() throws Exception {
        int leader = leaderIndex();
        int other = (leader + 1) % 3;
        long epoch = nodes[leader].leaderEpoch();
        assertThatThrownBy(() -> nodes[leader].serveQueues(epoch - 1))
                .as("a takeover at an epoch that is not the current term's").isInstanceOf(IOException.class);
        engines[other].queueStateMap("queues").put("before", bytes("anyone may, while nobody serves"));

        nodes[leader].serveQueues(epoch);
        engines[leader].queueStateMap("queues").put("orders", bytes("v1"));
        assertThatThrownBy(() -> engines[other].queueStateMap("queues").put("orders", bytes("stale")))
                .isInstanceOf(IOException.class).rootCause().hasMessageContaining("took the queues over");
        engines[other].durableMap("exchanges").put("prices", bytes("topic")); // not queue state: from anywhere
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to apply the writes", () -> durable(n, "exchanges", "prices") != null);
            assertThat(engines[i].queueStateMap("queues").get("orders")).as("node %d", i + 1)
                    .hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v1"));
        }

        for (int i = 0; i < 3; i++) { // the fence is state of the log: it outlives every process
            stopNode(i);
        }
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }
        int newLeader = leaderIndex();
        int notServing = newLeader == leader ? other : leader; // leader: served at an epoch now gone
        assertThatThrownBy(() -> engines[notServing].queueStateMap("queues").put("orders", bytes("stale")))
                .isInstanceOf(IOException.class);
        nodes[newLeader].serveQueues(nodes[newLeader].leaderEpoch());
        engines[newLeader].queueStateMap("queues").put("orders", bytes("v2"));
        assertThat(engines[newLeader].queueStateMap("queues").get("orders"))
                .hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v2"));
    }

    /**
     * A queue's records live in ordinary partitions, each ordered by its own group: a node that
     * takes the queues over must first have applied every entry those groups committed, or it
     * would read a queue without publishes acknowledged elsewhere (and deliver again what was
     * acknowledged). A follower stopped while 400 batches are committed, started again, and
     * taking the queues over at once holds every one of them when {@code serveQueues} returns —
     * checked at that moment, not awaited.
     */
    @Test
    void aNodeTakingTheQueuesOverHasAppliedEveryEntryItsPartitionGroupsCommittedFirst() throws Exception {
        int metadataLeader = leaderIndex();
        int lagging = (metadataLeader + 1) % 3;
        append(metadataLeader, 0, 1);
        await("node " + (lagging + 1) + " to have the first record", () -> hasEnd(lagging, 1));
        stopNode(lagging);
        awaitSettledLeader(TP); // the 400 go straight to the leader's server when it is the metadata leader
        appendMany(metadataLeader, 1, 400);
        startNode(lagging);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) { // refused until the restarted node heard of the current term (the takeover names it)
            try {
                nodes[lagging].serveQueues(nodes[lagging].leaderEpoch());
                break;
            } catch (IOException refused) {
                assertThat(System.nanoTime()).as("node %d taking the queues over: %s", lagging + 1, refused)
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(engines[lagging].partition(TP).logEndOffset()).as("records applied when the takeover returned")
                .isEqualTo(401);
        assertThat(values(engines[lagging])).isEqualTo(values(engines[metadataLeader]));
    }

    /**
     * A Raft storage the single-group build wrote (content, no layout mark) holds partitions'
     * writes in the metadata group's log, which this build would not apply: the node refuses to
     * start, naming the directory and what to do, and leaves the storage as it was.
     */
    @Test
    void aRaftStorageWrittenByTheSingleGroupBuildIsRefusedAtStartSayingWhatToDo() throws Exception {
        append(0, 0, 1);
        stopNode(2);
        Path raft = dir.resolve("node-3").resolve("raft");
        java.nio.file.Files.delete(raft.resolve(ReplicatedNode.LAYOUT_FILE)); // as the single-group build left it

        try (LogEngine engine = LogEngine.open(EngineSettings.of(dir.resolve("node-3").resolve("data")))) {
            assertThatThrownBy(() -> ReplicatedNode.start(engine, cluster, 3, raft, SNAPSHOTS))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(raft.toString())
                    .hasMessageContaining("single Raft group")
                    .hasMessageContaining("docs/replication.md");
        }
        assertThat(java.nio.file.Files.exists(raft.resolve(ReplicatedNode.LAYOUT_FILE))).as("left unmarked").isFalse();
        assertThat(raft.resolve("ratis").toFile().list()).as("the storage left as it was").isNotEmpty();
    }

    /** The node leading {@code tp}'s own Raft group, once one does. */
    private int partitionLeaderIndex(TopicPartition tp) throws InterruptedException {
        await("a leader of " + tp, () -> java.util.Arrays.stream(nodes).anyMatch(n -> n != null && n.isLeader(tp)));
        for (int i = 0; i < 3; i++) {
            if (nodes[i] != null && nodes[i].isLeader(tp)) {
                return i;
            }
        }
        throw new AssertionError("no leader of " + tp);
    }

    /** The node leading the metadata group, once one does. */
    private int leaderIndex() throws InterruptedException {
        await("a leader", () -> java.util.Arrays.stream(nodes).anyMatch(ReplicatedNode::isLeader));
        for (int i = 0; i < 3; i++) {
            if (nodes[i].isLeader()) {
                return i;
            }
        }
        throw new AssertionError("no leader");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFollowerCutOffFromTheMajorityAcceptsNoWriteAndItsWaitingWriteGoesThroughWhenTheMajorityReturns()
            throws Exception {
        append(0, 0, 1);
        int lone = (partitionLeaderIndex(TP) + 1) % 3;
        // a follower learns of a commit with the group's next entry or heartbeat: the lone node is
        // to hold the first write applied before it is cut off
        await("the lone node applied the first write", () -> engines[lone].partition(TP).logEndOffset() == 1);
        for (int i = 0; i < 3; i++) {
            if (i != lone) {
                stopNode(i);
            }
        }
        // on a loaded machine the lead can move to it just before the others stop: a follower is
        // what this case is about (a leader refuses instead: the next case), so wait for it to step down
        await("the lone node not leading", () -> !nodes[lone].isLeader(), 120);

        var write = nodes[lone].appender().append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1_000, null, "alone".getBytes(StandardCharsets.UTF_8)))));
        Thread.sleep(3_000); // several election timeouts
        assertThat(write).as("a write without a majority").isNotDone();
        assertThat(engines[lone].partition(TP).logEndOffset()).isEqualTo(1);
        assertThat(nodes[lone].isLeader(TP)).isFalse();
        assertThat(nodes[lone].inSync(TP)).doesNotContain(stopped(lone));

        startNode((lone + 1) % 3); // a majority again: the waiting write goes through
        assertThat(write.get(30, TimeUnit.SECONDS).firstOffset()).isEqualTo(1);
    }

    /**
     * A leader hands producers' batches to its own server ({@link LeaderSubmission}): one it could
     * not commit before it lost the majority is refused with NOT_LEADER_OR_FOLLOWER, as a Kafka
     * leader refuses a produce it could not replicate before losing the lead — and, as there, the
     * refused batch may still be committed once the majority returns (its entry is in the old
     * leader's log), so a producer's retry is either deduplicated (idempotent) or a second copy.
     */
    @Test
    void aLeaderCutOffFromTheMajorityRefusesTheBatchItCouldNotCommitWithNotLeaderOrFollower() throws Exception {
        append(0, 0, 1);
        int lone = partitionLeaderIndex(TP);
        await("the leader ready for writes", () -> nodes[lone].leaderSubmission(TP).leading());
        for (int i = 0; i < 3; i++) {
            if (i != lone) {
                stopNode(i);
            }
        }

        var write = nodes[lone].appender().append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1_000, null, "alone".getBytes(StandardCharsets.UTF_8)))));
        // refused once the lone leader notices it lost its majority's heartbeats: about a second
        // on a quiet machine, far more on a loaded one
        assertThatThrownBy(() -> write.get(120, TimeUnit.SECONDS)).as("a write without a majority")
                .hasCauseInstanceOf(org.apache.kafka.common.errors.NotLeaderOrFollowerException.class);
        assertThat(engines[lone].partition(TP).logEndOffset()).isEqualTo(1);
        assertThat(nodes[lone].isLeader(TP)).isFalse();

        startNode((lone + 1) % 3); // a majority again: writes go through, wherever the leader is now
        var after = nodes[lone].appender().append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1_001, null, "after".getBytes(StandardCharsets.UTF_8))))).get(120, TimeUnit.SECONDS);
        List<String> values = values(engines[lone]);
        assertThat(values).startsWith("0:m0").endsWith(after.firstOffset() + ":after");
        assertThat(values.stream().filter(v -> v.endsWith(":alone"))).as("the refused batch, committed or not")
                .hasSizeLessThanOrEqualTo(1);
    }

    /**
     * Raft's truncation: a leader cut off with a batch in its Raft log that no other node has
     * (uncommitted) while the others elect a leader and commit other batches at those indexes
     * drops that batch when it rejoins: it was never applied, so no replica holds it, and the old
     * leader ends with the others' entries at those indexes and their batches, byte for byte.
     * Keeping the message bytes out of the Raft log (docs/replication.md, "Writing message bytes
     * once") would have the engine cut them itself; this is what that must keep true.
     */
    @Test
    void aBatchOnlyACutOffLeaderHadIsDroppedWhenItRejoinsAndNoReplicaHoldsIt() throws Exception {
        append(0, 0, 1);
        int old = -1;
        long uncommittedIndex = -1;
        for (int attempt = 1; uncommittedIndex < 0; attempt++) {
            assertThat(attempt).as("attempts to cut the leader off while it still leads").isLessThanOrEqualTo(5);
            int leader = leaderIndex();
            await("the leader ready for writes", () -> nodes[leader].leaderSubmission().leading(), 120);
            long before = nodes[leader].raftLogEndIndex();
            for (int i = 0; i < 3; i++) {
                if (i != leader) {
                    stopNode(i);
                }
            }
            var batch = new LogCommand.Append(TP, RecordFormat.build(0, "none",
                    List.of(RecordData.of(1_000, null, bytes("uncommitted")))),
                    org.apache.kafka.common.Uuid.ZERO_UUID, 0, Map.of(), LogCommand.ANY_EPOCH);
            var write = nodes[leader].leaderSubmission().submit(
                    org.apache.ratis.protocol.Message.valueOf(LogCommand.encode(batch)));
            await("the batch in the leader's Raft log, or refused", () -> nodes[leader].raftLogEndIndex() > before
                    || write.isCompletedExceptionally(), 120);
            if (nodes[leader].raftLogEndIndex() > before) {
                old = leader;
                uncommittedIndex = nodes[leader].raftLogEndIndex();
            } else { // it had stepped down already (a loaded machine): the others come back, and again
                for (int i = 0; i < 3; i++) {
                    if (i != leader) {
                        startNode(i);
                    }
                }
            }
        }
        int cutOff = old;
        long index = uncommittedIndex;
        await("the uncommitted entry on the cut-off leader's disk", () -> nodes[cutOff].raftLogFlushIndex() >= index);
        long oldTerm = nodes[cutOff].raftLogTermAt(index);
        stopNode(cutOff);

        int a = (cutOff + 1) % 3;
        int b = (cutOff + 2) % 3;
        startNode(a);
        startNode(b);
        append(a, 1, 2); // committed by the two at the offsets the cut-off batch would have taken
        startNode(cutOff);

        awaitEveryNodeHas(3);
        await("the rejoined node's Raft log to hold the new leader's entry at " + index,
                () -> nodes[cutOff].raftLogTermAt(index) == nodes[a].raftLogTermAt(index), 120);
        assertThat(nodes[cutOff].raftLogTermAt(index)).as("the term at the truncated index").isGreaterThan(oldTerm);
        for (int i = 0; i < 3; i++) {
            assertThat(values(engines[i])).as("node %d", i + 1).containsExactly("0:m0", "1:m1", "2:m2");
        }
        assertThat(batches(engines[cutOff])).as("the batches, byte for byte").isEqualTo(batches(engines[a]))
                .isEqualTo(batches(engines[b]));
    }

    /**
     * The same leader, handed the batch only once it has stepped down: it forwards the batch as
     * any node that does not lead, finds no leader, and refuses it within
     * {@link ReplicationTimeouts#leaderPatience()} — before, the forwarding client retried forever and the producer
     * never got an answer. (Three seconds' patience here rather than the default 30: the case
     * waits it out.)
     */
    @Test
    void aLeaderThatSteppedDownForLackOfAMajorityRefusesABatchHandedToItAfterwards() throws Exception {
        timeouts = new ReplicationTimeouts(java.time.Duration.ofSeconds(3), ReplicationTimeouts.DEFAULTS.replicaLagMax());
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to know orders-0's leader again", () -> nodes[n].leader(TP).isPresent(), 120);
        }
        append(0, 0, 1);
        int lone = partitionLeaderIndex(TP);
        for (int i = 0; i < 3; i++) {
            if (i != lone) {
                stopNode(i);
            }
        }
        await("the lone leader to step down", () -> !nodes[lone].isLeader(TP), 120);

        var write = nodes[lone].appender().append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1_000, null, "alone".getBytes(StandardCharsets.UTF_8)))));
        assertThatThrownBy(() -> write.get(120, TimeUnit.SECONDS)).as("a forwarded write no leader took")
                .hasCauseInstanceOf(org.apache.kafka.common.errors.NotLeaderOrFollowerException.class);
        assertThat(engines[lone].partition(TP).logEndOffset()).isEqualTo(1);

        startNode((lone + 1) % 3); // a majority again: the forwarding that gave up forwards again
        await("the lone node to know the partition's new leader", () -> nodes[lone].leader(TP).isPresent(), 120);
        var batch = new LogCommand.Append(TP, RecordFormat.build(0, "none",
                List.of(RecordData.of(1_001, null, "after".getBytes(StandardCharsets.UTF_8)))),
                org.apache.kafka.common.Uuid.ZERO_UUID, 0, Map.of(), LogCommand.ANY_EPOCH);
        var reply = nodes[lone].leaderForwarding(TP).submit(org.apache.ratis.protocol.Message.valueOf(
                LogCommand.encode(batch))).get(120, TimeUnit.SECONDS);
        long after = LogCommand.decodeReply(reply.getMessage().getContent().toByteArray()).firstOffset();
        await("the forwarded batch on the lone node", () -> hasEnd(lone, after + 1), 120);
        assertThat(values(engines[lone])).startsWith("0:m0").endsWith(after + ":after");
    }

    // ---------------------------------------------------------------- a Raft group per partition

    /** {@code tp}'s records on {@code engine}, as offset:value. */
    private static List<String> values(LogEngine engine, TopicPartition tp) throws Exception {
        PartitionLog log = engine.partition(tp);
        List<String> out = new ArrayList<>();
        long offset = 0;
        while (offset < log.logEndOffset()) {
            for (LogRecord r : log.readRecords(offset, 1 << 20)) {
                byte[] v = new byte[r.value().remaining()];
                r.value().duplicate().get(v);
                out.add(r.offset() + ":" + new String(v, StandardCharsets.UTF_8));
                offset = r.offset() + 1;
            }
        }
        return out;
    }

    /** Each {@link #appendTo} call's own producer id, far from the ids the cluster hands out. */
    private final java.util.concurrent.atomic.AtomicLong testProducerIds = new java.util.concurrent.atomic.AtomicLong(1L << 40);

    /**
     * Appends one record through {@code node} as an idempotent producer of its own, retrying a
     * refusal with NotLeaderOrFollower as a Kafka producer does: a node may still believe it leads
     * a group that is electing (its other replica just came back), and a batch it refused may
     * still be committed by the next leader (docs/replication.md) — the retry, same producer id
     * and sequence, is then answered with the first copy's offset instead of written twice. The
     * offset check catches a retry that appended twice.
     */
    private void appendTo(TopicPartition tp, int node, String value, long expectedOffset) throws Exception {
        appendTo(tp, node, RecordData.of(1_000, null, value.getBytes(StandardCharsets.UTF_8)), expectedOffset);
    }

    private void appendTo(TopicPartition tp, int node, RecordData record, long expectedOffset) throws Exception {
        long producerId = testProducerIds.incrementAndGet();
        retryWhile(e -> e instanceof java.util.concurrent.ExecutionException
                && e.getCause() instanceof org.apache.kafka.common.errors.NotLeaderOrFollowerException, () -> {
            var result = nodes[node].appender().append(tp, RecordFormat.buildIdempotent(producerId, (short) 0, 0,
                    List.of(record))).get(60, TimeUnit.SECONDS);
            assertThat(result.firstOffset()).as("offset of %s", new String(record.value(), StandardCharsets.UTF_8))
                    .isEqualTo(expectedOffset);
        });
    }

    /** A step of a test that may throw anything. */
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until it completes, again every 200 ms while it fails {@code retriable}ly, for up to 120 s. */
    private static void retryWhile(java.util.function.Predicate<Exception> retriable, Step step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                step.run();
                return;
            } catch (Exception e) {
                if (!retriable.test(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Each partition has a Raft group of its own whose preferred leader (the highest Ratis
     * priority) moves by one node with each partition: six partitions are led by all three nodes,
     * so some by a node that does not lead the metadata group — and a write through any node,
     * the metadata leader included, reaches the partition's leader and every replica.
     */
    @Test
    void partitionsAreLedByEveryNodeNotOnlyByTheMetadataLeader() throws Exception {
        engines[1].createTopic("spread", 6, Map.of());
        for (int i = 0; i < 3; i++) { // the creation returns once node 2 applied it; placement follows the topic
            int n = i;
            await("node " + (n + 1) + " to have the topic", () -> engines[n].topic("spread").isPresent());
        }
        java.util.Set<Integer> leaders = new java.util.TreeSet<>();
        for (int p = 0; p < 6; p++) {
            TopicPartition tp = new TopicPartition("spread", p);
            int preferred = nodes[0].replicas(tp).get(0);
            assertThat(nodes[1].replicas(tp)).as("every node places %s alike", tp).isEqualTo(nodes[0].replicas(tp))
                    .containsExactlyInAnyOrder(1, 2, 3);
            await(tp + " led by its preferred replica, as every node sees it", () -> java.util.Arrays.stream(nodes)
                    .allMatch(n -> n.leader(tp).orElse(-1) == preferred), 120);
            leaders.add(preferred);
        }
        assertThat(leaders).as("the partitions' leaders").containsExactly(1, 2, 3);

        int metadataLeader = leaderIndex();
        TopicPartition elsewhere = java.util.stream.IntStream.range(0, 6).mapToObj(p -> new TopicPartition("spread", p))
                .filter(tp -> nodes[0].leader(tp).getAsInt() != metadataLeader + 1).findFirst().orElseThrow();
        int partitionLeader = nodes[0].leader(elsewhere).getAsInt() - 1;
        assertThat(nodes[partitionLeader].isLeader(elsewhere)).isTrue();
        assertThat(nodes[partitionLeader].isLeader()).as("the partition's leader leads no metadata").isFalse();

        appendTo(elsewhere, metadataLeader, "through the metadata leader", 0);
        appendTo(elsewhere, partitionLeader, "through the partition's leader", 1);
        appendTo(elsewhere, 3 - metadataLeader - partitionLeader, "through the third node", 2);
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to have the 3 records", () -> engines[n].partition(elsewhere).logEndOffset() == 3);
            assertThat(values(engines[n], elsewhere)).containsExactly("0:through the metadata leader",
                    "1:through the partition's leader", "2:through the third node");
        }
        assertThat(nodes[0].leaderEpoch(elsewhere)).as("the partition group's own term").isPositive();
    }

    /**
     * A topic with a replication factor below the node count (2 and 1 of 3) has each partition's
     * group, and its records, on that many nodes only, every node placing them alike; the node
     * that is not a replica names the group's leader and in-sync replicas as the leader sees them
     * and writes to it through a client of its peers. The partition does not notice the
     * non-replica stopping; stopping one of its two replicas stops its writes (Raft needs both of
     * two) while a partition on all three nodes goes on; the stopped replica comes back to the
     * same placement and the write waiting for it goes through. A partition added later is placed
     * the same way; a factor above the node count is refused.
     */
    @Test
    void aTopicWithFewerReplicasThanNodesLivesOnItsReplicasOnly() throws Exception {
        assertThatThrownBy(() -> engines[2].createTopic("quad", 1, Map.of(), 4))
                .isInstanceOf(org.apache.kafka.common.errors.InvalidReplicationFactorException.class)
                .hasMessageContaining("only 3 broker(s) are registered");
        engines[0].createTopic("pairs", 1, Map.of(), 2);
        engines[1].createTopic("single", 1, Map.of(), 1);
        TopicPartition pairs = new TopicPartition("pairs", 0);
        TopicPartition single = new TopicPartition("single", 0);
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to have both topics", () -> engines[n].topic("single").isPresent()
                    && engines[n].topic("pairs").isPresent());
        }
        List<Integer> replicas = nodes[0].replicas(pairs);
        assertThat(replicas).hasSize(2).doesNotHaveDuplicates();
        assertThat(nodes[0].replicas(single)).hasSize(1);
        for (int i = 1; i < 3; i++) {
            assertThat(nodes[i].replicas(pairs)).as("node %d places pairs-0 alike", i + 1).isEqualTo(replicas);
            assertThat(nodes[i].replicas(single)).isEqualTo(nodes[0].replicas(single));
        }
        int outsider = java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> !replicas.contains(id))
                .findFirst().getAsInt() - 1;
        int preferred = replicas.get(0);
        await("every node, the outsider too, naming pairs-0's preferred replica its leader and both replicas in sync",
                () -> java.util.Arrays.stream(nodes).allMatch(n -> n.leader(pairs).orElse(-1) == preferred)
                        && nodes[outsider].inSync(pairs).equals(new java.util.TreeSet<>(replicas))
                        && nodes[outsider].leaderEpoch(pairs) > 0, 120);
        assertThat(nodes[preferred - 1].inSync(pairs)).containsExactlyInAnyOrderElementsOf(replicas);
        Path outsiderGroup = dir.resolve("node-" + (outsider + 1)).resolve("raft").resolve("ratis").resolve(
                PartitionGroups.groupId(engines[0].topic("pairs").orElseThrow().id(), 0).getUuid().toString());
        assertThat(outsiderGroup).as("no Raft group of pairs-0 on the node that is not its replica").doesNotExist();
        assertThat(nodes[outsider].holdsGroup(pairs)).isFalse();

        appendTo(pairs, outsider, "through the outsider", 0); // forwarded to the leader through its peers
        appendTo(pairs, replicas.get(1) - 1, "through the other replica", 1);
        int singleReplica = nodes[0].replicas(single).get(0) - 1;
        appendTo(single, (singleReplica + 1) % 3, "one copy", 0);
        for (int id : replicas) {
            await("replica " + id + " to have pairs-0's 2 records",
                    () -> engines[id - 1].partition(pairs).logEndOffset() == 2);
            assertThat(values(engines[id - 1], pairs)).containsExactly("0:through the outsider",
                    "1:through the other replica");
        }
        await("single-0's replica to have its record", () -> engines[singleReplica].partition(single).logEndOffset() == 1);
        for (int i = 0; i < 3; i++) {
            if (i != singleReplica) {
                assertThat(engines[i].partition(single).logEndOffset()).as("single-0 on node %d", i + 1).isZero();
            }
        }
        assertThat(engines[outsider].partition(pairs).logEndOffset()).as("pairs-0 on the outsider's disk").isZero();

        engines[outsider].createPartitions("pairs", 2); // the new partition placed as the first ones
        TopicPartition grown = new TopicPartition("pairs", 1);
        await("every node to have pairs-1", () -> java.util.Arrays.stream(engines).allMatch(e -> e.topic("pairs")
                .orElseThrow().partitions() == 2));
        List<Integer> grownReplicas = nodes[0].replicas(grown);
        assertThat(grownReplicas).hasSize(2).isNotEqualTo(replicas);
        for (int i = 0; i < 3; i++) {
            int n = i;
            assertThat(nodes[n].replicas(grown)).isEqualTo(grownReplicas);
            await("node " + (n + 1) + " holding pairs-1's group only if a replica",
                    () -> nodes[n].holdsGroup(grown) == grownReplicas.contains(n + 1)
                            && nodes[n].leader(grown).isPresent(), 120);
        }

        stopNode(outsider);
        appendTo(pairs, preferred - 1, "without the outsider", 2);
        startNode(outsider);

        int stopped = replicas.get(1) - 1;
        int survivor = preferred - 1;
        stopNode(stopped);
        // the survivor alone is no majority of two: it leads no more (Ratis steps a leader down
        // that no majority answers) and no election can win
        await("pairs-0's survivor to step down", () -> !nodes[survivor].isLeader(pairs), 120);
        // records built here wait for a leader as long as it takes (a producer's batch only 30 s)
        var waiting = nodes[survivor].appender().appendRecords(pairs,
                List.of(RecordData.of(1_000, null, "waits for the majority".getBytes(StandardCharsets.UTF_8))));
        appendTo(TP, outsider, "orders on all three goes on", 0);
        assertThat(waiting).as("a write to pairs-0 while one of its two replicas is down").isNotDone();

        startNode(stopped);
        assertThat(nodes[stopped].replicas(pairs)).as("the placement after a restart").isEqualTo(replicas);
        assertThat(waiting.get(60, TimeUnit.SECONDS).firstOffset()).isEqualTo(3);
        await("the restarted replica to have pairs-0's 4 records",
                () -> engines[stopped].partition(pairs).logEndOffset() == 4, 120);
        assertThat(values(engines[stopped], pairs)).isEqualTo(values(engines[survivor], pairs));
        assertThat(engines[outsider].partition(pairs).logEndOffset()).isZero();
    }

    /**
     * A partition with two replicas, one of which lost its data directory (a replaced disk) and
     * came back: the group elects a leader again — Ratis counts no vote of a replica whose log is
     * empty once the group has committed entries, and of two replicas both votes are needed —
     * takes writes, and the wiped replica holds every record, old and new. The preferred replica
     * (the higher Ratis priority) wiped here, the other one below.
     */
    @Test
    void aTwoReplicaPartitionWhosePreferredReplicaWasWipedElectsALeaderAgain() throws Exception {
        wipeOneOfTwoReplicas(0);
    }

    /** As above, the replica that is not the preferred one wiped. */
    @Test
    void aTwoReplicaPartitionWhoseOtherReplicaWasWipedElectsALeaderAgain() throws Exception {
        wipeOneOfTwoReplicas(1);
    }

    /**
     * As above, once both replicas purged the group's log: the wiped replica, once the group has a
     * leader again, installs the leader's checkpoint of the partition and follows the log.
     */
    @Test
    void aTwoReplicaPartitionsWipedReplicaInstallsTheSnapshotOnceTheGroupPurgedItsLog() throws Exception {
        wipeOneOfTwoReplicas(1, true);
    }

    private void wipeOneOfTwoReplicas(int which) throws Exception {
        wipeOneOfTwoReplicas(which, false);
    }

    private void wipeOneOfTwoReplicas(int which, boolean purgedFirst) throws Exception {
        engines[0].createTopic("pairs", 1, Map.of(), 2);
        TopicPartition pairs = new TopicPartition("pairs", 0);
        await("every node to have the topic", () -> java.util.Arrays.stream(engines)
                .allMatch(e -> e.topic("pairs").isPresent()));
        List<Integer> replicas = nodes[0].replicas(pairs);
        await("every node to know pairs-0's leader", () -> java.util.Arrays.stream(nodes)
                .allMatch(n -> n.leader(pairs).isPresent()), 120);
        int wiped = replicas.get(which) - 1;
        int survivor = replicas.get(1 - which) - 1;
        int before = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        do {
            appendTo(pairs, survivor, "before", before++);
            assertThat(System.nanoTime()).as("waiting for both replicas to purge pairs-0's Raft log").isLessThan(deadline);
        } while (purgedFirst && !(nodes[wiped].raftLogStartIndex(pairs) > 0 && nodes[survivor].raftLogStartIndex(pairs) > 0));
        long written = before;
        await("the replica to be wiped to hold the records", () -> engines[wiped].partition(pairs).logEndOffset() == written);

        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        startNode(wiped);

        await("node " + (wiped + 1) + " to have the topic again", () -> engines[wiped].topic("pairs").isPresent(), 60);
        await("pairs-0 to name a leader after its replica " + (wiped + 1) + " was wiped",
                () -> nodes[survivor].isLeader(pairs) || nodes[wiped].isLeader(pairs), 120);
        appendTo(pairs, survivor, "after", written);
        await("the wiped replica to hold every record", () -> engines[wiped].partition(pairs) != null
                && engines[wiped].partition(pairs).logEndOffset() == written + 1
                && nodes[wiped].installingSnapshot().isEmpty(), 120);
        assertThat(values(engines[wiped], pairs)).hasSize((int) written + 1).endsWith(written + ":after")
                .isEqualTo(values(engines[survivor], pairs));
        if (purgedFirst) {
            assertThat(nodes[wiped].snapshotIndex(pairs)).as("the installed snapshot of pairs-0's group").isPositive();
        }
    }

    /**
     * A partition's group elects a new leader among its other replicas when its leader stops:
     * every acknowledged write is on the survivors, writes go on through the new leader, and the
     * old one catches up when it comes back — while the metadata group may still be led by
     * another node the whole time.
     */
    @Test
    void aPartitionGroupKeepsEveryAcknowledgedWriteWhenItsLeaderStops() throws Exception {
        int leader = partitionLeaderIndex(TP);
        int writer = (leader + 1) % 3;
        append(writer, 0, 10);
        stopNode(leader);

        append(writer, 10, 10); // waits out the partition group's election

        int other = (leader + 2) % 3;
        await("both survivors to have 20", () -> hasEnd(writer, 20) && hasEnd(other, 20));
        assertThat(values(engines[writer])).isEqualTo(values(engines[other])).hasSize(20).startsWith("0:m0")
                .endsWith("19:m19");
        int successor = partitionLeaderIndex(TP);
        assertThat(successor).as("the partition's new leader").isNotEqualTo(leader);

        startNode(leader);
        await("the old leader to catch up", () -> hasEnd(leader, 20), 120);
        assertThat(values(engines[leader])).isEqualTo(values(engines[writer]));
        append(leader, 20, 1); // and it takes writes again
    }

    /**
     * A follower whose data directory was wiped (a replaced disk) comes back holding every
     * partition's batches, whichever node leads each partition's group: three partitions led by
     * the three nodes, written before the wipe and while it is down. Each group's leader still
     * remembers how far the node's lost log matched; the node must be fed from its empty log.
     */
    @Test
    void aWipedFollowerHoldsEveryPartitionsBatchesWhicheverNodeLeadsThem() throws Exception {
        engines[0].createTopic("spread", 3, Map.of());
        List<TopicPartition> spread = java.util.stream.IntStream.range(0, 3)
                .mapToObj(p -> new TopicPartition("spread", p)).toList();
        for (TopicPartition tp : spread) {
            int preferred = nodes[0].replicas(tp).get(0);
            await(tp + " led by its preferred replica", () -> java.util.Arrays.stream(nodes)
                    .allMatch(n -> n.leader(tp).orElse(-1) == preferred), 120);
        }
        int wiped = aFollower();
        int writer = (wiped + 1) % 3;
        for (TopicPartition tp : spread) {
            for (int i = 0; i < 5; i++) {
                appendTo(tp, writer, tp.partition() + "-before-" + i, i);
            }
        }
        for (TopicPartition tp : spread) {
            await("node " + (wiped + 1) + " to hold " + tp, () -> engines[wiped].partition(tp) != null
                    && engines[wiped].partition(tp).logEndOffset() == 5);
        }
        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        // only spread-0 is written while the node is down: a group's leader that has nothing new to
        // send sends the node heartbeats only, which never took it back to the log's start
        for (int i = 5; i < 10; i++) {
            appendTo(spread.get(0), writer, "0-while-down-" + i, i);
        }
        startNode(wiped);

        for (TopicPartition tp : spread) {
            long end = tp.partition() == 0 ? 10 : 5;
            await("the wiped node to hold all " + end + " batches of " + tp, () -> engines[wiped].partition(tp) != null
                    && engines[wiped].partition(tp).logEndOffset() == end, 120);
            assertThat(values(engines[wiped], tp)).isEqualTo(values(engines[writer], tp));
        }
        // and, with either other node stopped, every group still elects a leader: the wiped replica's vote counts
        stopNode(writer);
        for (TopicPartition tp : spread) {
            long end = tp.partition() == 0 ? 10 : 5;
            appendTo(tp, wiped, tp.partition() + "-after", end);
        }
    }

    /**
     * A partition never written to: its group's Raft log holds one entry, the first leader's
     * configuration at index 0, and every follower reported entry 0 committed. A follower wiped
     * then comes back with an empty log; the leader, remembering that entry 0 matched, sends it
     * heartbeats only. The node must still get entry 0 and follow the group: a remembered commit
     * of 0 means "it had something" (only -1 means the leader knows the node has nothing).
     */
    @Test
    void aWipedFollowerOfAPartitionNeverWrittenToGetsItsGroupsFirstEntryAgain() throws Exception {
        awaitSettledLeader(TP);
        int leader = nodes[0].leader(TP).getAsInt() - 1;
        int wiped = (leader + 1) % 3;
        await("the leader to hear node " + (wiped + 1) + " committed entry 0",
                () -> nodes[leader].commitIndexReportedBy(TP, wiped + 1) >= 0);
        // what this case is about: the leader remembers entry 0 — a later configuration would make it the usual wipe
        assertThat(nodes[leader].raftLogEndIndex(TP)).as("the last entry of orders-0's group on its leader").isZero();
        assertThat(nodes[leader].commitIndexReportedBy(TP, wiped + 1)).isZero();

        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        startNode(wiped);

        await("the wiped node's group of orders-0 to hold entry 0 again", () -> nodes[wiped].raftLogEndIndex(TP) >= 0,
                60);
        appendTo(TP, leader, "after", 0);
        await("the wiped node to hold the first record", () -> hasEnd(wiped, 1));
        assertThat(values(engines[wiped])).containsExactly("0:after");
    }

    /**
     * A partition's group takes snapshots and purges its Raft log as the metadata group does; a
     * follower that lost its data directory after the purge cannot replay the log from its start,
     * so it fetches the leader's checkpoint of the partition, installs it, and follows the log
     * from there: it then holds the same records at the same offsets, and takes writes.
     */
    @Test
    void aWipedFollowerInstallsItsPartitionGroupsSnapshotOnceTheGroupPurgedItsLog() throws Exception {
        long end = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!java.util.Arrays.stream(nodes).allMatch(n -> n.raftLogStartIndex(TP) > 0)) {
            assertThat(System.nanoTime()).as("waiting for every node to purge its Raft log of " + TP)
                    .isLessThan(deadline);
            appendMany(0, (int) end, 20);
            end += 20;
        }
        awaitEveryNodeHas(end);
        int wiped = aFollower();
        int writer = (wiped + 1) % 3;
        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        appendMany(writer, (int) end, 20);
        long total = end + 20;
        startNode(wiped);

        // the install puts the records in the engine before it records the snapshot as the node's
        await("the wiped node to hold all " + total + " records", () -> hasEnd(wiped, total)
                && nodes[wiped].installingSnapshot().isEmpty(), 180);
        assertThat(nodes[wiped].snapshotIndex(TP)).as("the installed snapshot of the partition's group").isPositive();
        assertThat(nodes[wiped].cannotCatchUp()).isEmpty();
        assertThat(values(engines[wiped])).isEqualTo(values(engines[writer])).hasSize((int) total);
        appendMany(wiped, (int) total, 5); // and it takes writes as any node does
        awaitEveryNodeHas(total + 5);
    }

    /**
     * When Ratis fails to add a partition's group it leaves the group's storage directory
     * behind, and every later add refuses to format over it: the node drops what the failed add
     * left and adds the group again. (The failure seen for real is a race inside Ratis, a
     * leader's install notice reaching the division while it starts; the directory put in place
     * here fails the add the same way, every time.)
     */
    @Test
    void aPartitionGroupWhoseAddFailedLeavingItsStorageBehindIsAddedOnTheNextTry() throws Exception {
        Topic orders = engines[0].topic("orders").orElseThrow();
        Path leftBehind = dir.resolve("node-3").resolve("raft").resolve("ratis")
                .resolve(PartitionGroups.groupId(orders.id(), 1).getUuid().toString());
        java.nio.file.Files.createDirectories(leftBehind);

        engines[0].createPartitions("orders", 2);

        TopicPartition grown = new TopicPartition("orders", 1);
        await("node 3 to know orders-1", () -> engines[2].topic("orders").orElseThrow().partitions() == 2);
        appendTo(grown, 0, "g0", 0);
        await("node 3 to hold orders-1's group and apply its write", () -> {
            PartitionLog log = engines[2].partition(grown);
            return log != null && log.logEndOffset() == 1;
        }, 60);
    }

    /**
     * A failed add's directory is deleted only when it holds no Raft log: one that does is a
     * replica's log Ratis could not open, not what a failed start leaves, and the node keeps it
     * (saying what to do) while the other two replicas carry on.
     */
    @Test
    void aFailedAddNeverDeletesADirectoryHoldingARaftLog() throws Exception {
        Topic orders = engines[0].topic("orders").orElseThrow();
        Path segment = dir.resolve("node-3").resolve("raft").resolve("ratis")
                .resolve(PartitionGroups.groupId(orders.id(), 1).getUuid().toString()).resolve("current")
                .resolve("log_0-9");
        java.nio.file.Files.createDirectories(segment.getParent());
        java.nio.file.Files.write(segment, new byte[64]);

        engines[0].createPartitions("orders", 2);

        TopicPartition grown = new TopicPartition("orders", 1);
        appendTo(grown, 0, "g0", 0); // committed by the two other replicas
        Thread.sleep(2_500); // more than a failed add's retry: it would have deleted the directory by now
        assertThat(segment).as("the Raft log segment the failed add found").exists().hasSize(64);
        PartitionLog log = engines[2].partition(grown);
        assertThat(log == null ? 0 : log.logEndOffset()).as("records node 3 applied to orders-1").isZero();
    }

    /** A topic's deletion, applied in the metadata group, removes its partitions' groups and their Raft storage. */
    @Test
    void aDeletedTopicsPartitionGroupsAreRemovedFromEveryNode() throws Exception {
        appendTo(TP, 0, "m0", 0);
        Topic orders = engines[0].topic("orders").orElseThrow();
        Path group = dir.resolve("node-2").resolve("raft").resolve("ratis")
                .resolve(PartitionGroups.groupId(orders.id(), 0).getUuid().toString());
        assertThat(group).as("the partition group's Raft storage").isDirectory();

        engines[0].deleteTopic("orders");

        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to remove the group", () -> nodes[n].leader(TP).isEmpty()
                    && !java.nio.file.Files.exists(dir.resolve("node-" + (n + 1)).resolve("raft").resolve("ratis")
                            .resolve(PartitionGroups.groupId(orders.id(), 0).getUuid().toString())));
        }
    }

    private static Integer[] stopped(int lone) {
        return java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> id != lone + 1).boxed().toArray(Integer[]::new);
    }

    // ---------------------------------------------------------------- snapshots and purging

    /**
     * Writes to the metadata group (a durable map's entries) until every running node's Raft log
     * of it starts past {@code past}.
     */
    private void writeMetadataUntilEveryNodePurgedPast(long past) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        int key = 0;
        while (!java.util.Arrays.stream(nodes).filter(java.util.Objects::nonNull)
                .allMatch(n -> n.raftLogStartIndex() > past)) {
            assertThat(System.nanoTime()).as("waiting for every node to purge its Raft log").isLessThan(deadline);
            int writer = java.util.stream.IntStream.range(0, 3).filter(i -> nodes[i] != null).findFirst().orElseThrow();
            for (int i = 0; i < 10; i++) {
                engines[writer].durableMap("filler").put("k" + key++, new byte[200]);
            }
        }
    }

    private void awaitEveryNodePurged() throws Exception {
        writeMetadataUntilEveryNodePurgedPast(0);
    }

    /** 60 records (offsets 0 to 59), enough for every node to snapshot and purge; then every node stops. */
    private void writeUntilEveryNodePurgedThenStopAll() throws Exception {
        appendMany(0, 0, 60);
        awaitEveryNodeHas(60);
        awaitEveryNodePurged();
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
    }

    private void awaitEveryNodeHas(long end) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to have " + end + " records", () -> hasEnd(n, end));
        }
    }

    @Test
    void everyNodePurgesItsMetadataRaftLogWhileEveryRecordStaysReadableOnEveryReplica() throws Exception {
        appendMany(1, 0, 60);

        awaitEveryNodeHas(60);
        awaitEveryNodePurged();
        List<String> expected = values(engines[0]);
        assertThat(expected).hasSize(60).startsWith("0:m0").endsWith("59:m59");
        for (int i = 0; i < 3; i++) {
            assertThat(nodes[i].snapshotIndex()).as("node %d's snapshot", i + 1).isGreaterThan(0);
            assertThat(values(engines[i])).as("node %d", i + 1).isEqualTo(expected);
        }
    }

    /**
     * The others take snapshots while it is down, but purge only what it has committed: it
     * catches up from their logs when it comes back.
     */
    @Test
    void aFollowerStoppedWhileTheOthersCommitMoreThanTheThresholdCatchesUpOnRestart() throws Exception {
        appendMany(0, 0, 60);
        awaitEveryNodeHas(60);
        int follower = nodes[2].isLeader() ? 1 : 2;
        int writer = (follower + 1) % 3;
        writeMetadataUntilEveryNodePurgedPast(0);
        await("the follower's snapshot", () -> nodes[follower].snapshotIndex() > 0);
        // what the leader may purge up to is what the follower's log holds, which can run a few
        // entries ahead of what it has applied on a busy machine
        long followerHas = Math.max(nodes[follower].appliedIndex(), nodes[follower].raftLogEndIndex());
        stopNode(follower);

        appendMany(writer, 60, 60);
        int key = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (nodes[writer].snapshotIndex() <= followerHas + 3 * SNAPSHOTS.threshold()) {
            assertThat(System.nanoTime()).as("waiting for a snapshot well past what the follower has")
                    .isLessThan(deadline);
            engines[writer].durableMap("filler").put("while-stopped-" + key++, new byte[200]);
        }
        long start = nodes[writer].raftLogStartIndex();
        startNode(follower);

        awaitEveryNodeHas(120);
        assertThat(nodes[follower].cannotCatchUp()).isEmpty();
        assertThat(values(engines[follower])).isEqualTo(values(engines[writer])).hasSize(120);
        assertThat(start).as("the writer purged, up to what the stopped follower had").isGreaterThan(0)
                .isLessThanOrEqualTo(followerHas + 1);
    }

    @Test
    void aRestartAfterASnapshotResumesWithoutApplyingAnEntryTwiceOrLosingOne() throws Exception {
        writeUntilEveryNodePurgedThenStopAll();
        for (int i = 0; i < 3; i++) {
            startNode(i); // Ratis starts each from its snapshot; its log before it is gone
        }
        appendMany(1, 60, 10); // asserts each offset: nothing was applied twice, nothing lost

        awaitEveryNodeHas(70);
        List<String> expected = values(engines[0]);
        assertThat(expected).hasSize(70).endsWith("69:m69");
        assertThat(values(engines[1])).isEqualTo(expected);
        assertThat(values(engines[2])).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- producer ids

    /** {@code n} producer ids handed out by node {@code node}, each asserted new to {@code seen}. */
    private List<Long> producerIds(int node, int n, java.util.Set<Long> seen) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = engines[node].producerId().get(120, TimeUnit.SECONDS);
            assertThat(seen.add(id)).as("producer id %d of node %d handed out before", id, node + 1).isTrue();
            ids.add(id);
        }
        return ids;
    }

    /**
     * Every node hands out producer ids no other node does, and a node whose data directory was
     * lost after the others purged their logs (a replaced disk) hands out none handed out before
     * on any node: blocks come from the metadata group's counter, which the installed snapshot
     * carries — every node's counter is the same afterwards.
     */
    @Test
    void producerIdsAreDistinctAcrossNodesAndAWipedNodeHandsOutNoneHandedOutBefore() throws Exception {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            producerIds(i, 5, seen);
        }
        awaitEveryNodePurged();
        int wiped = aFollower();
        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        startNode(wiped);

        producerIds(wiped, 5, seen);
        await("the wiped node to have installed the metadata group's snapshot", () -> nodes[wiped].snapshotIndex() > 0
                && nodes[wiped].installingSnapshot().isEmpty(), 120);
        int other = (wiped + 1) % 3;
        producerIds(other, ProducerIdBlocks.BLOCK, seen); // the next block: granted after the install
        await("every node to count the same grants", () -> java.util.Arrays.stream(nodes)
                .mapToLong(ReplicatedNode::nextProducerIdGranted).distinct().count() == 1, 120);
    }

    @Test
    void aRestartedNodeHandsOutProducerIdsAboveItsEarlierOnes() throws Exception {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long before = java.util.Collections.max(producerIds(1, 5, seen));
        stopNode(1);
        startNode(1);

        assertThat(producerIds(1, 5, seen)).allSatisfy(id -> assertThat(id).isGreaterThan(before));
    }

    // ---------------------------------------------------------------- installing a snapshot

    private static final String QUEUE = "orders-queue";
    /** The node whose share cursor has deliveries locked in its memory ({@link #writeSharedState}). */
    private int cursorNode = -1;
    /** Timestamps of now, so that neither segment.ms rolls a segment per record nor retention.ms deletes them. */
    private static final long NOW = System.currentTimeMillis();

    /** Installing is slow on a loaded machine: fetches, fsyncs, index rebuilds. */
    private void awaitEveryNodeHasAfterInstall(long end) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            int n = i;
            // an install puts the records in the engine before it records the snapshot as this
            // node's: the node has caught up once both are done
            await("node " + (n + 1) + " to have " + end + " records", () -> hasEnd(n, end)
                    && nodes[n].installingSnapshot().isEmpty(), 180);
        }
    }

    /**
     * State beside the records that a node must get from a snapshot: a committed offset, a
     * durable map entry, queue state written at the queues' epoch, and a share cursor with
     * records acknowledged in and out of order.
     */
    private void writeSharedState() throws Exception {
        int leader = leaderIndex();
        nodes[leader].serveQueues(nodes[leader].leaderEpoch());
        cursorNode = leader;
        engines[1].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(7, 0, "meta", 1_000L)));
        engines[2].durableMap("exchanges").put("prices", bytes("topic"));
        engines[leader].queueStateMap("queues").put(QUEUE, bytes("durable"));
        ShareCursor cursor = shareCursor(leader);
        List<dev.trilog.log.share.Delivery> delivered = cursor.acquire("c", 10, 1 << 20, 600_000);
        assertThat(delivered).hasSize(10);
        List<dev.trilog.log.share.Delivery> settled = new ArrayList<>(delivered.subList(0, 5));
        settled.add(delivered.get(7));
        cursor.acknowledgeAll(settled).get(30, TimeUnit.SECONDS);
    }

    /**
     * {@link #writeSharedState}, then at least 30 more records (offsets {@code from} on), until
     * every node's Raft log was purged past the shared state: only a snapshot can give it now.
     * Returns the log end offset.
     */
    private int writeSharedStateThenPurgePastIt(int from) throws Exception {
        writeSharedState();
        long stateIndex = nodes[leaderIndex()].appliedIndex();
        int end = from;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // Ratis purges whole closed segments once a snapshot allows it: write on until every node has
        while (end < from + 30) {
            assertThat(System.nanoTime()).as("waiting for the records").isLessThan(deadline);
            appendMany(0, end, 10, NOW);
            end += 10;
            awaitEveryNodeHasAfterInstall(end);
        }
        writeMetadataUntilEveryNodePurgedPast(stateIndex);
        return end;
    }

    private ShareCursor shareCursor(int node) throws Exception {
        return engines[node].shareCursor(TP, QUEUE, ShareGroupSettings.kafkaDefaults(), DeliveryPolicy.NONE,
                ArchiveListener.NONE);
    }

    /** Every batch of the partition, as its bytes on disk, in offset order. */
    private static List<String> batches(LogEngine engine) throws Exception {
        PartitionLog log = engine.partition(TP);
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            java.nio.ByteBuffer bytes;
            try (var slice = log.read(offset, 1 << 20, true)) {
                bytes = slice.readBytes();
            }
            while (bytes.remaining() >= 61) {
                int size = 12 + bytes.getInt(bytes.position() + 8);
                if (size > bytes.remaining()) {
                    break; // cut by maxBytes: read again from its offset
                }
                byte[] batch = new byte[size];
                long last = bytes.getLong(bytes.position()) + bytes.getInt(bytes.position() + 23);
                bytes.get(batch);
                out.add(java.util.HexFormat.of().formatHex(batch));
                offset = last + 1;
            }
        }
        return out;
    }

    /**
     * The wiped node holds what the others hold. Its share cursor, opened from the durable state,
     * is compared with one opened alike on a node that neither was wiped nor holds the live
     * cursor of {@link #writeSharedState} (whose unsettled deliveries are locked in its memory).
     */
    private void assertSameState(int wiped) throws Exception {
        int reference = java.util.stream.IntStream.range(0, 3).filter(i -> i != wiped && i != cursorNode).findFirst()
                .orElseThrow();
        assertThat(values(engines[wiped])).isEqualTo(values(engines[reference]));
        assertThat(batches(engines[wiped])).as("the batches, byte for byte").isEqualTo(batches(engines[reference]));
        assertThat(engines[wiped].topic("orders")).isEqualTo(engines[reference].topic("orders"));
        assertThat(engines[wiped].groupOffsets().fetch("billing", TP)).isEqualTo(
                engines[reference].groupOffsets().fetch("billing", TP)).isPresent();
        assertThat(durable(wiped, "exchanges", "prices")).isEqualTo("topic");
        assertThat(engines[wiped].queueStateMap("queues").get(QUEUE)).hasValueSatisfying(
                v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("durable"));
        ShareCursor installed = shareCursor(wiped);
        ShareCursor followed = shareCursor(reference);
        assertThat(installed.startOffset()).as("the share cursor's start").isEqualTo(5)
                .isEqualTo(followed.startOffset());
        assertThat(installed.counts().archived()).isEqualTo(followed.counts().archived());
        assertThat(installed.counts().available()).isEqualTo(followed.counts().available());
    }

    private int aFollower() throws InterruptedException {
        int leader = leaderIndex();
        return leader == 2 ? 1 : 2;
    }

    /**
     * A follower that loses its data directory after the others purged their Raft logs (a
     * replaced disk) fetches the leader's snapshot, installs it, and follows the log from there —
     * while the others go on taking writes — and then holds what the others hold: the same
     * batches byte for byte at the same offsets, the same committed offsets, maps, queue state
     * and share cursor.
     */
    @Test
    void aFollowerThatLostItsDataDirectoryAfterAPurgeInstallsTheLeadersSnapshotWhileWritesGoOn() throws Exception {
        appendMany(0, 0, 30, NOW);
        int end = writeSharedStateThenPurgePastIt(30);
        int wiped = aFollower();
        int writer = (wiped + 1) % 3;
        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));

        var writes = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                appendMany(writer, end, 100, NOW); // asserts every offset: none lost, none twice
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        startNode(wiped);
        writes.get(120, TimeUnit.SECONDS);

        awaitEveryNodeHasAfterInstall(end + 100);
        assertThat(nodes[wiped].cannotCatchUp()).isEmpty();
        assertThat(nodes[wiped].snapshotIndex()).as("the installed snapshot").isGreaterThan(0);
        assertThat(values(engines[wiped])).hasSize(end + 100).startsWith("0:m0")
                .endsWith((end + 99) + ":m" + (end + 99));
        assertSameState(wiped);
        appendMany(wiped, end + 100, 5, NOW); // and it takes writes as any node does
        awaitEveryNodeHasAfterInstall(end + 105);
    }

    /**
     * The same with the whole cluster restarted around the wipe (the leader then has no memory of
     * what the wiped node held before).
     */
    @Test
    void aNodeWipedWhileTheClusterWasDownInstallsTheSnapshotOnRestart() throws Exception {
        appendMany(0, 0, 30, NOW);
        int end = writeSharedStateThenPurgePastIt(30);
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
        int wiped = 2;
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }

        appendMany(0, end, 5, NOW);
        awaitEveryNodeHasAfterInstall(end + 5);
        assertThat(nodes[wiped].cannotCatchUp()).isEmpty();
        assertThat(nodes[wiped].snapshotIndex()).as("the installed snapshot").isGreaterThan(0);
        assertSameState(wiped);
    }

    /**
     * A node stopped while it fetches the snapshot (the copy half done) leaves nothing half
     * applied: its engine holds nothing, and once started again it fetches afresh and catches up.
     */
    @Test
    void anInstallCutOffMidCopyStartsAgainCleanly() throws Exception {
        // a few MB in the metadata group's snapshot, so the copy takes many pieces: 40 map entries
        // of 100 KiB (a partition's records are its own group's, not in that snapshot)
        for (int b = 0; b < 40; b++) {
            engines[0].durableMap("bulk").put("entry-" + b, new byte[100 * 1024]);
        }
        appendMany(0, 0, 30, NOW);
        int end = writeSharedStateThenPurgePastIt(30);
        int wiped = aFollower();
        stopNode(wiped);
        deleteRecursively(dir.resolve("node-" + (wiped + 1)));
        Path staging = dir.resolve("node-" + (wiped + 1)).resolve("raft").resolve("install").resolve("staging");

        startNode(wiped);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!java.nio.file.Files.isDirectory(staging.resolve("data"))) {
            assertThat(System.nanoTime()).as("waiting for the fetch to start").isLessThan(deadline);
            Thread.sleep(1);
        }
        stopNode(wiped);
        assertThat(java.nio.file.Files.exists(staging.getParent().resolve("ready"))).as("a fetch cut off").isFalse();
        assertThat(dir.resolve("node-" + (wiped + 1)).resolve("data").resolve("orders-0"))
                .as("nothing of the cut-off copy in the engine").doesNotExist();

        startNode(wiped);
        awaitEveryNodeHasAfterInstall(end);
        assertSameState(wiped);
    }

    /**
     * A replica that holds less of its partition group's log than the others believe it has — a
     * leader stopped right after the other two committed entries it had not yet written; here,
     * more simply, a node whose whole data directory went back to an older copy of itself while
     * the cluster was down — finds the group's log purged past its own end when it comes back:
     * it installs the leader's snapshot of the partition over what it had applied, then follows
     * the log, holding the same records at the same offsets.
     */
    @Test
    void aReplicaBehindItsGroupsPurgedLogInstallsTheSnapshotOverWhatItHadApplied() throws Exception {
        appendMany(0, 0, 10);
        awaitEveryNodeHas(10);
        int behind = 2;
        long copiedLogEnd = nodes[behind].raftLogEndIndex(TP);
        stopNode(behind);
        Path node = dir.resolve("node-" + (behind + 1));
        Path older = dir.resolve("older-copy");
        copyRecursively(node, older);
        startNode(behind);
        appendMany(partitionLeaderIndex(TP), 10, 20);
        long end = 30;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (nodes[0].raftLogStartIndex(TP) <= copiedLogEnd + 1 || nodes[1].raftLogStartIndex(TP) <= copiedLogEnd + 1) {
            assertThat(System.nanoTime()).as("waiting for the others to purge orders-0's log past the older copy's")
                    .isLessThan(deadline);
            appendMany(partitionLeaderIndex(TP), (int) end, 20);
            end += 20;
        }
        long total = end;
        awaitEveryNodeHas(total);
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
        deleteRecursively(node);
        copyRecursively(older, node);
        // all three start again: a leader that had followed the node before would still take it
        // for as far as it was (Raft trusts a node's log never to shrink) instead of asking
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }

        // a leader elected after the install may have purged further and have it install again (its
        // partition is then briefly closed): compared once its copy holds still
        await("the node behind to hold the same " + total + " records as the others", () -> hasEnd(behind, total)
                && nodes[behind].installingSnapshot().isEmpty() && sameValues(behind, 0), 180);
        assertThat(nodes[behind].snapshotIndex(TP)).as("the installed snapshot of orders-0's group").isPositive();
        appendMany(partitionLeaderIndex(TP), (int) total, 5); // and the group takes writes
        awaitEveryNodeHas(total + 5);
        await("the node behind to hold the same records as the others", () -> sameValues(behind, 0), 60);
    }

    /**
     * The same for the metadata group: a node whose data directory went back to an older copy of
     * itself — taken after it had applied topics created, offsets committed, queues declared, a
     * share cursor's state — while the others went on (a topic deleted, one deleted and created
     * again under its name, one grown and reconfigured, one created; offsets committed and
     * deleted; a queue deleted, one declared) and purged their metadata Raft logs past the copy's
     * end, installs the leader's snapshot over what it had applied: it then holds what the others
     * hold — the topics under the same ids, the same offsets, queues and share state, nothing of
     * what was deleted since — and can lead the group.
     */
    @Test
    void aNodeBehindTheMetadataGroupsPurgedLogInstallsItsSnapshotOverWhatItHadApplied() throws Exception {
        TopicPartition doomed = new TopicPartition("doomed", 0);
        engines[0].createTopic("doomed", 1, Map.of());
        engines[0].createTopic("reborn", 1, Map.of());
        engines[0].createTopic("grows", 1, Map.of());
        for (int i = 0; i < 3; i++) {
            int n = i;
            await("node " + (n + 1) + " to know doomed-0's leader", () -> nodes[n].leader(doomed).isPresent(), 120);
        }
        appendTo(doomed, 0, "x", 0);
        int leader = leaderIndex();
        serveQueues(leader);
        ShareCursor cursor = engines[leader].shareCursor(doomed, QUEUE, ShareGroupSettings.kafkaDefaults(),
                DeliveryPolicy.NONE, ArchiveListener.NONE);
        cursor.acknowledgeAll(cursor.acquire("c", 1, 1 << 20, 600_000)).get(30, TimeUnit.SECONDS);
        engines[1].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(7, 0, "meta", 1_000L)));
        engines[1].groupOffsets().commit("gone", Map.of(TP, new CommittedOffset(3, 0, "", 1_000L)));
        engines[leader].queueStateMap("queues").put("kept", bytes("durable"));
        engines[leader].queueStateMap("queues").put("deleted-later", bytes("durable"));
        int behind = 2;
        long applied = nodes[leader].appliedIndex();
        await("the node to apply what the leader did", () -> nodes[behind].appliedIndex() >= applied);
        assertThat(engines[behind].shareCursorTopics(QUEUE)).containsExactly("doomed");
        long copiedLogEnd = nodes[behind].raftLogEndIndex();
        stopNode(behind);
        Path node = dir.resolve("node-" + (behind + 1));
        Path older = dir.resolve("older-copy");
        copyRecursively(node, older);
        startNode(behind);

        engines[0].deleteTopic("doomed");
        engines[0].deleteTopic("reborn");
        engines[0].createTopic("reborn", 2, Map.of());
        engines[0].createPartitions("grows", 3);
        engines[0].alterTopicConfig("grows", Map.of("retention.ms", "123456789"));
        engines[0].createTopic("fresh", 1, Map.of());
        engines[1].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(9, 0, "later", 2_000L)));
        engines[1].groupOffsets().deleteGroup("gone");
        leader = leaderIndex();
        serveQueues(leader);
        engines[leader].queueStateMap("queues").remove("deleted-later");
        engines[leader].queueStateMap("queues").put("declared-later", bytes("durable"));
        writeMetadataUntilEveryNodePurgedPast(copiedLogEnd + 1);
        for (int i = 0; i < 3; i++) {
            stopNode(i);
        }
        deleteRecursively(node);
        copyRecursively(older, node);
        for (int i = 0; i < 3; i++) { // the leaders then have no memory of how far the node was
            startNode(i);
        }

        await("the node behind to install the metadata snapshot", () -> nodes[behind].snapshotIndex() > copiedLogEnd
                && nodes[behind].installingSnapshot().isEmpty() && nodes[behind].cannotCatchUp().isEmpty(), 180);
        await("the node behind to hold the others' metadata", () -> sameMetadata(behind, 0), 60);
        assertThat(engines[behind].topic("doomed")).isEmpty();
        assertThat(engines[behind].topic("reborn").orElseThrow().partitions()).isEqualTo(2);
        assertThat(engines[behind].topicConfig("grows").orElseThrow().retentionMs()).isEqualTo(123456789L);
        assertThat(engines[behind].groupOffsets().fetch("billing", TP).orElseThrow().offset()).isEqualTo(9);
        assertThat(engines[behind].groupOffsets().groups()).doesNotContain("gone");
        assertThat(engines[behind].queueStateMap("queues").all()).containsOnlyKeys("kept", "declared-later");
        assertThat(engines[behind].shareCursorTopics(QUEUE)).as("the deleted topic's share state").isEmpty();

        transferMetadataLeadershipTo(behind); // and it can lead
        await("the node behind to lead", () -> nodes[behind].isLeader());
        serveQueues(behind); // once its replicas of the groups it joined since caught up
        engines[behind].queueStateMap("queues").put("declared-by-it", bytes("durable"));
        engines[behind].groupOffsets().commit("billing", Map.of(TP, new CommittedOffset(11, 0, "", 3_000L)));
        await("every node to hold what it wrote", () -> sameMetadata(0, behind) && sameMetadata(1, behind)
                && engines[0].groupOffsets().fetch("billing", TP).orElseThrow().offset() == 11);
    }

    /**
     * Has the leader {@code node} take the queues over, retrying as the gateway does
     * ({@code QueueLeadership}) while its partition groups have not caught up with their leaders:
     * groups it joined moments ago may still be electing or sending it their logs.
     */
    private void serveQueues(int node) throws Exception {
        retryWhile(e -> e instanceof IOException, () -> nodes[node].serveQueues(nodes[node].leaderEpoch()));
    }

    /** Whether two nodes hold the same topics (and ids, configs), committed offsets, queues, maps and share state. */
    private boolean sameMetadata(int a, int b) {
        try {
            return metadata(a).equals(metadata(b));
        } catch (Exception e) {
            return false;
        }
    }

    private Map<String, Object> metadata(int node) throws IOException {
        Map<String, Object> state = new java.util.TreeMap<>();
        state.put("topics", engines[node].topics().stream().sorted(java.util.Comparator.comparing(Topic::name)).toList());
        var offsets = engines[node].groupOffsets();
        offsets.groups().forEach(group -> state.put("offsets of " + group, Map.copyOf(offsets.fetchAll(group))));
        state.put("queues", text(engines[node].queueStateMap("queues").all()));
        state.put("filler", text(engines[node].durableMap("filler").all()));
        state.put("share state", engines[node].shareCursorTopics(QUEUE));
        state.put("next producer id", nodes[node].nextProducerIdGranted());
        return state;
    }

    private static Map<String, String> text(Map<String, byte[]> entries) {
        Map<String, String> text = new java.util.TreeMap<>();
        entries.forEach((k, v) -> text.put(k, java.util.HexFormat.of().formatHex(v)));
        return text;
    }

    private void transferMetadataLeadershipTo(int node) throws IOException {
        var group = org.apache.ratis.protocol.RaftGroup.valueOf(ReplicatedNode.GROUP_ID, cluster.nodes().stream()
                .map(n -> org.apache.ratis.protocol.RaftPeer.newBuilder().setId(ReplicatedNode.peerId(n.id()))
                        .setAddress(n.address()).build()).toList());
        var properties = new org.apache.ratis.conf.RaftProperties();
        RaftTransport.DEFAULT.useIn(properties);
        try (var client = org.apache.ratis.client.RaftClient.newBuilder()
                .setProperties(properties).setRaftGroup(group).build()) {
            assertThat(client.admin().transferLeadership(ReplicatedNode.peerId(node + 1), 60_000).isSuccess())
                    .as("leadership handed to node " + (node + 1)).isTrue();
        }
    }

    /** Whether two nodes hold the same records of orders-0; false while either's partition is being replaced. */
    private boolean sameValues(int a, int b) {
        try {
            return values(engines[a]).equals(values(engines[b]));
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    /**
     * The other way back for such a node: a copy of a stopped node's data directory (its engine
     * and its Raft storage alike, so they agree on the applied index).
     */
    @Test
    void aNodeThatLostItsDataDirectoryComesBackFromACopyOfAStoppedNodes() throws Exception {
        writeUntilEveryNodePurgedThenStopAll();
        deleteRecursively(dir.resolve("node-3"));
        copyRecursively(dir.resolve("node-2"), dir.resolve("node-3"));
        for (int i = 0; i < 3; i++) {
            startNode(i);
        }

        appendMany(0, 60, 10);
        awaitEveryNodeHas(70);
        assertThat(nodes[2].cannotCatchUp()).isEmpty();
        assertThat(values(engines[2])).isEqualTo(values(engines[0])).hasSize(70);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (var paths = java.nio.file.Files.walk(from)) {
            for (Path p : paths.toList()) {
                java.nio.file.Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
