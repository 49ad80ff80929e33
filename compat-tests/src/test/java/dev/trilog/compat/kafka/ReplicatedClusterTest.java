package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogCluster;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.replication.ReplicatedNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways in one JVM joined by {@code cluster.nodes} (replication, first step): an
 * idempotent Kafka producer with {@code acks=all} on one node (each node hands out its own
 * producer ids), a consumer on another reading everything in order,
 * and writes going on through a survivor after the Raft leader's gateway stops.
 */
class ReplicatedClusterTest {

    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @TempDir
    Path dir;
    TrilogCluster cluster;
    TrilogHarness[] nodes;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startCluster() throws Exception {
        cluster = TrilogCluster.start(dir);
        nodes = cluster.nodes();
    }

    private static void produce(TrilogHarness node, int from, int n) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(node.kafkaBootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            for (int i = from; i < from + n; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> read(TrilogHarness node, int count) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KafkaClients.readAll(node.kafkaBootstrap(), List.of(TP), count,
                Map.of())) {
            values.add(r.offset() + ":" + r.value());
        }
        return values;
    }

    private static List<String> expected(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(i + ":v" + i);
        }
        return values;
    }

    /** Over both of Ratis' transports: Netty, the default, and gRPC, the other choice of {@code cluster.transport}. */
    @org.junit.jupiter.params.ParameterizedTest(name = "over {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"netty", "grpc"})
    void whatIsProducedOnOneNodeIsReadOnAnotherAndWritesSurviveTheLeader(String transport) throws Exception {
        cluster = TrilogCluster.start(dir, "cluster.transport", transport);
        nodes = cluster.nodes();

        produce(nodes[1], 0, 20); // auto-created on node 2, reaching the others with its first write

        assertThat(read(nodes[2], 20)).isEqualTo(expected(20));
        assertThat(read(nodes[0], 20)).isEqualTo(expected(20));

        int leader = -1;
        for (int i = 0; i < 3; i++) {
            if (nodes[i].gateway().replication().map(ReplicatedNode::isLeader).orElse(false)) {
                leader = i;
            }
        }
        assertThat(leader).as("a Raft leader among the three").isGreaterThanOrEqualTo(0);
        nodes[leader].close();
        nodes[leader] = null;
        TrilogHarness survivor = nodes[(leader + 1) % 3];
        TrilogHarness other = nodes[(leader + 2) % 3];

        long stoppedAt = System.nanoTime();
        produce(survivor, 20, 1); // waits out the election
        System.out.printf("replication failover: the first acks=all write after the leader stopped took %d ms%n",
                (System.nanoTime() - stoppedAt) / 1_000_000);
        produce(survivor, 21, 9);

        assertThat(read(other, 30)).isEqualTo(expected(30));
    }

    private int leaderIndex() throws InterruptedException {
        return cluster.leaderIndex();
    }

    private String bootstrapAll() {
        List<String> all = new ArrayList<>();
        for (TrilogHarness node : nodes) {
            if (node != null) {
                all.add(node.kafkaBootstrap());
            }
        }
        return String.join(",", all);
    }

    @Test
    void metadataNamesEachPartitionsOwnGroupLeaderAndItsReplicas() throws Exception {
        startCluster();
        produce(nodes[0], 0, 1);
        int leader = leaderIndex();
        TrilogHarness follower = nodes[(leader + 1) % 3];
        // the partition's own Raft group elects its leader, its preferred replica once caught up,
        // which every node names alike
        int[] partitionLeader = {-1};
        await("every node naming the preferred replica the leader of " + TP, () -> {
            java.util.Set<Integer> named = new java.util.HashSet<>();
            for (TrilogHarness node : nodes) {
                named.add(node.gateway().replication().orElseThrow().leader(TP).orElse(-1));
            }
            partitionLeader[0] = named.iterator().next();
            return named.size() == 1
                    && partitionLeader[0] == nodes[0].gateway().replication().orElseThrow().replicas(TP).get(0);
        });

        try (Admin admin = KafkaClients.admin(follower.kafkaBootstrap())) {
            TopicDescription described = admin.describeTopics(List.of(TP.topic())).allTopicNames().get()
                    .get(TP.topic());
            TopicPartitionInfo partition = described.partitions().get(0);
            assertThat(partition.leader().id()).isEqualTo(partitionLeader[0]);
            assertThat(partition.leader().host() + ":" + partition.leader().port())
                    .isEqualTo(nodes[partitionLeader[0] - 1].kafkaBootstrap());
            assertThat(partition.replicas()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3)
                    .startsWith(partitionLeader[0]);
            assertThat(partition.isr()).extracting(Node::id).contains(partitionLeader[0]);

            await("every node registered", () -> nodeIds(admin).size() == 3);
            // a replication factor up to the node count is met (every node holds every partition)
            admin.createTopics(List.of(new NewTopic("three-copies", 2, (short) 3))).all().get();
            // the admin client may ask a node that has not applied the creation yet, as with Kafka's
            // metadata propagation: UNKNOWN_TOPIC_OR_PARTITION until it has
            await("every node knowing three-copies", () -> nodes.length == java.util.Arrays.stream(nodes)
                    .filter(n -> n.gateway().engine().topic("three-copies").isPresent()).count());
            assertThat(admin.describeTopics(List.of("three-copies")).allTopicNames().get().get("three-copies")
                    .partitions()).allSatisfy(p -> assertThat(p.replicas()).extracting(Node::id)
                            .containsExactlyInAnyOrder(1, 2, 3));
            // below the node count: each partition on two of the three nodes, placed round-robin
            admin.createTopics(List.of(new NewTopic("two-copies", 3, (short) 2))).all().get();
            await("every node knowing two-copies", () -> java.util.Arrays.stream(nodes)
                    .allMatch(n -> n.gateway().engine().topic("two-copies").isPresent()));
            List<TopicPartitionInfo> twoCopies = new ArrayList<>();
            await("two-copies led by their preferred replicas, both replicas in sync", () -> {
                twoCopies.clear();
                try {
                    twoCopies.addAll(describe(admin, "two-copies").partitions());
                } catch (Exception e) {
                    return false; // a node that has not registered every broker's address yet
                }
                return twoCopies.stream().allMatch(p -> p.leader() != null && p.isr().size() == 2
                        && p.leader().id() == p.replicas().get(0).id());
            });
            java.util.Set<Integer> leadersOfTwo = new java.util.TreeSet<>();
            for (TopicPartitionInfo p : twoCopies) {
                assertThat(p.replicas()).hasSize(2).contains(p.leader());
                assertThat(p.isr()).containsExactlyInAnyOrderElementsOf(p.replicas());
                leadersOfTwo.add(p.leader().id());
            }
            assertThat(leadersOfTwo).as("two-copies' partitions led by every node").containsExactly(1, 2, 3);
            TopicPartition firstOfTwo = new TopicPartition("two-copies", 0);
            int outsider = java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> twoCopies.get(0).replicas()
                    .stream().noneMatch(r -> r.id() == id)).findFirst().getAsInt();
            TrilogHarness notAReplica = nodes[outsider - 1];
            // a client bootstrapped from the node without a copy follows Metadata to the leader
            try (KafkaProducer<String, String> producer = KafkaClients.producer(notAReplica.kafkaBootstrap(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                producer.send(new ProducerRecord<>(firstOfTwo.topic(), 0, "k", "two")).get(60, TimeUnit.SECONDS);
            }
            assertThat(KafkaClients.readAll(notAReplica.kafkaBootstrap(), List.of(firstOfTwo), 1, Map.of()))
                    .extracting(ConsumerRecord::value).containsExactly("two");
            assertThat(notAReplica.gateway().engine().partition(firstOfTwo).logEndOffset())
                    .as("nothing of two-copies-0 on the node that is not its replica").isZero();
            KafkaCli.Result topics = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server",
                    notAReplica.kafkaBootstrap(), "--describe", "--topic", "two-copies");
            assertThat(topics.exitCode()).as(topics.output()).isZero();
            assertThat(topics.output()).contains("ReplicationFactor: 2").contains("Partition: 0\tLeader: "
                    + twoCopies.get(0).leader().id());
            assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("four-copies", 1, (short) 4)))
                    .all())).isInstanceOf(InvalidReplicationFactorException.class)
                    .hasMessageContaining("only 3 broker(s) are registered");
            assertThat(admin.describeCluster().controller().get().id()).isEqualTo(leader + 1);
            assertThat(admin.describeCluster().clusterId().get()).as("one cluster id on every node")
                    .isEqualTo(nodes[leader].gateway().engine().clusterId())
                    .isEqualTo(nodes[(leader + 2) % 3].gateway().engine().clusterId());
        }
        // the same topic id everywhere: a client that learned it from one node fetches by it from another
        Uuid id = topicId(nodes[0]);
        assertThat(topicId(nodes[1])).isEqualTo(id);
        assertThat(topicId(nodes[2])).isEqualTo(id);
        // kafka-metadata-quorum, asked on a follower: the Raft group as KRaft's quorum
        KafkaCli.Result status = KafkaCli.run(KafkaCli.METADATA_QUORUM, null, "--bootstrap-server",
                follower.kafkaBootstrap(), "describe", "--status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("LeaderId:               " + (leader + 1))
                .contains("ClusterId:              " + nodes[leader].gateway().engine().clusterId())
                .containsPattern("CurrentVoters:\\s+\\[\\{\"id\": 1");
        KafkaCli.Result replication = KafkaCli.run(KafkaCli.METADATA_QUORUM, null, "--bootstrap-server",
                nodes[leader].kafkaBootstrap(), "describe", "--replication");
        assertThat(replication.exitCode()).as(replication.output()).isZero();
        System.out.println(status.output() + replication.output());
        assertThat(replication.output().lines().filter(line -> line.matches("^\\d+\\s.*")).count())
                .as(replication.output()).isEqualTo(3);
        assertThat(replication.output()).contains("Leader").contains("Follower")
                .as("every voter's last fetch is known (the leader's view, wherever asked)")
                .doesNotContainPattern("\\s-1\\s");
    }

    @Test
    void aConsumerGroupResumesFromItsCommittedOffsetOnTheNewLeader() throws Exception {
        startCluster();
        produce(nodes[0], 0, 20);
        Map<String, Object> group = new java.util.HashMap<>(KafkaClients.groupDefaults("billing"));
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrapAll(), group)) {
            consumer.subscribe(List.of(TP.topic()));
            consumeAndCommit(consumer, seen, 10);
        }

        int leader = leaderIndex();
        nodes[leader].close();
        nodes[leader] = null;

        produce(nodes[(leader + 1) % 3], 20, 5);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrapAll(), group)) {
            consumer.subscribe(List.of(TP.topic()));
            consumeAndCommit(consumer, seen, 25);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add("v" + i);
        }
        assertThat(seen).as("every record once, in order, across the failover").isEqualTo(expected);
    }

    /**
     * A transaction left open on the leader is aborted by the new leader when the producer's
     * successor calls initTransactions there (it loads the coordinator state the old leader wrote),
     * so read_committed consumers are not stuck behind it.
     */
    @Test
    void theNewLeaderFinishesTheTransactionsTheOldOneCoordinated() throws Exception {
        startCluster();
        Map<String, Object> transactional = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ledger",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        KafkaProducer<String, String> abandoned = KafkaClients.producer(bootstrapAll(), transactional);
        abandoned.initTransactions();
        abandoned.beginTransaction();
        abandoned.send(new ProducerRecord<>(TP.topic(), 0, "k", "abandoned")).get(60, TimeUnit.SECONDS);
        abandoned.flush();

        int leader = leaderIndex();
        nodes[leader].close();
        nodes[leader] = null;
        abandoned.close(java.time.Duration.ZERO);

        try (KafkaProducer<String, String> successor = KafkaClients.producer(bootstrapAll(), transactional)) {
            successor.initTransactions(); // fences the abandoned one and aborts its transaction
            successor.beginTransaction();
            successor.send(new ProducerRecord<>(TP.topic(), 0, "k", "committed"));
            successor.commitTransaction();
        }
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KafkaClients.readAll(bootstrapAll(), List.of(TP), 1,
                Map.of(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            values.add(r.value());
        }
        assertThat(values).containsExactly("committed");
    }

    /**
     * With a follower gone for longer than Kafka's replica.lag.time.max.ms (30 s by default, 10 s
     * here), the ISR shrinks, and acks=all writes to a topic asking for min.insync.replicas=3 are
     * refused with NOT_ENOUGH_REPLICAS while a topic asking for 2 still takes them.
     */
    @Test
    void acksAllIsRefusedWhileFewerReplicasThanMinInsyncAreInSync() throws Exception {
        cluster = TrilogCluster.start(dir, "replica.lag.time.max.ms", "10000");
        nodes = cluster.nodes();
        int leader = leaderIndex();
        try (Admin admin = KafkaClients.admin(nodes[leader].kafkaBootstrap())) {
            admin.createTopics(List.of(
                    new NewTopic("strict", 1, (short) 3).configs(Map.of("min.insync.replicas", "3")),
                    new NewTopic("lenient", 1, (short) 3).configs(Map.of("min.insync.replicas", "2")),
                    // more in sync than there are replicas: Kafka takes the topic and refuses every acks=all write
                    new NewTopic("unreachable", 1, (short) 2).configs(Map.of("min.insync.replicas", "3"))))
                    .all().get();
        }
        Map<String, Object> noRetries = Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrapAll(), noRetries)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("unreachable", 0, "k", "v"))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(NotEnoughReplicasException.class);
        }
        int follower = (leader + 1) % 3;
        nodes[follower].close();
        nodes[follower] = null;
        // the ISR that counts is the one "strict"'s own group's leader keeps
        TopicPartition strict = new TopicPartition("strict", 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!stoppedLeftTheIsr(strict, follower + 1)) {
            assertThat(System.nanoTime()).as("the stopped follower to leave the ISR").isLessThan(deadline);
            Thread.sleep(500);
        }

        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrapAll(), noRetries)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("strict", 0, "k", "v")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);
            assertThat(producer.send(new ProducerRecord<>("lenient", 0, "k", "v")).get(30, TimeUnit.SECONDS).offset())
                    .isEqualTo(0);
        }
    }

    /** Whether {@code partition}'s leader, as a live node names it, no longer counts node {@code stopped} in sync. */
    private boolean stoppedLeftTheIsr(TopicPartition partition, int stopped) {
        for (TrilogHarness node : nodes) {
            if (node == null) {
                continue;
            }
            ReplicatedNode raft = node.gateway().replication().orElseThrow();
            var leader = raft.leader(partition);
            if (leader.isPresent() && leader.getAsInt() == raft.id()) {
                return !raft.inSync(partition).contains(stopped);
            }
        }
        return false;
    }

    /** Admin changes made through one node hold on the others, also once the node that made them is gone. */
    @Test
    void topicChangesMadeThroughTheAdminApiOutliveTheLeader() throws Exception {
        startCluster();
        produce(nodes[0], 0, 10);
        int leader = leaderIndex();
        try (Admin admin = KafkaClients.admin(bootstrapAll())) {
            admin.createTopics(List.of(new NewTopic("scratch", 1, (short) 3), new NewTopic("grown", 1, (short) 3)))
                    .all().get();
            admin.createPartitions(Map.of("grown", org.apache.kafka.clients.admin.NewPartitions.increaseTo(4)))
                    .all().get();
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "grown");
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "7200000"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
            admin.deleteRecords(Map.of(TP, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(4))).all().get();
            admin.deleteTopics(List.of("scratch")).all().get();
        }
        cluster.stop(leader);
        for (TrilogHarness node : nodes) {
            if (node != null) {
                await("the changes on node " + node.gateway().engine().cluster().orElseThrow().nodeId(), () ->
                        node.gateway().engine().topic("scratch").isEmpty()
                        && node.gateway().engine().topic("grown").map(t -> t.partitions() == 4).orElse(false)
                        && node.gateway().engine().topicConfig("grown").orElseThrow().retentionMs() == 7_200_000L
                        && node.gateway().engine().partition(TP).logStartOffset() == 4);
            }
        }
        try (Admin admin = KafkaClients.admin(bootstrapAll())) {
            assertThat(admin.listTopics().names().get()).doesNotContain("scratch").contains("grown");
        }
    }

    /** Polls until {@code seen} holds {@code until} records, committing what it read after each poll. */
    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static void consumeAndCommit(KafkaConsumer<String, String> consumer, List<String> seen, int until) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < until && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(java.time.Duration.ofMillis(200))) {
                if (seen.size() < until) {
                    seen.add(r.value());
                    consumer.commitSync(Map.of(TP, new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        }
        assertThat(seen).hasSize(until);
    }

    private static java.util.Set<Integer> nodeIds(Admin admin) {
        try {
            java.util.Set<Integer> ids = new java.util.TreeSet<>();
            admin.describeCluster().nodes().get().forEach(n -> ids.add(n.id()));
            return ids;
        } catch (Exception e) {
            return java.util.Set.of();
        }
    }

    private static Uuid topicId(TrilogHarness node) {
        return node.gateway().engine().topic(TP.topic()).orElseThrow().id();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        TrilogCluster.await(what, condition);
    }
}
