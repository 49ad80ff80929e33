package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdminClient's calls about records and the cluster: offsets by time, deleting records, log
 * directory sizes, the cluster, and the replica-placement calls a one-node cluster answers.
 */
class AdminRecordsTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;
    private Admin admin;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir);
        admin = admin();
    }

    @AfterEach
    void stop() {
        admin.close();
        trilog.close();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()));
    }

    private void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    }

    private void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private ListOffsetsResultInfo offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    private static Throwable causeOf(KafkaFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected the call to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void listOffsetsFindsRecordsByTimeAndTheEnds() throws Exception {
        createTopic("timed", 1, Map.of());
        TopicPartition tp = new TopicPartition("timed", 0);
        long base = System.currentTimeMillis() - 600_000;
        long[] timestamps = {base, base + 10_000, base + 20_000, base + 50_000, base + 30_000};
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = 0; i < timestamps.length; i++) {
                producer.send(new ProducerRecord<>("timed", 0, timestamps[i], "k" + i, "v" + i));
            }
            producer.flush();
        }

        assertThat(offset(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(offset(tp, OffsetSpec.latest()).offset()).isEqualTo(5);
        ListOffsetsResultInfo byTime = offset(tp, OffsetSpec.forTimestamp(base + 15_000));
        assertThat(byTime.offset()).isEqualTo(2);
        assertThat(byTime.timestamp()).isEqualTo(base + 20_000);
        assertThat(offset(tp, OffsetSpec.forTimestamp(base + 25_000)).offset())
                .as("the first offset at or after the time, not the closest time").isEqualTo(3);
        ListOffsetsResultInfo max = offset(tp, OffsetSpec.maxTimestamp());
        assertThat(max.offset()).isEqualTo(3);
        assertThat(max.timestamp()).isEqualTo(base + 50_000);
        assertThat(offset(tp, OffsetSpec.forTimestamp(base + 100_000)).offset()).as("after every record").isEqualTo(-1);
    }

    @Test
    void deleteRecordsMovesTheLowWatermarkForAdminAndConsumers() throws Exception {
        createTopic("trimmed", 1, Map.of());
        TopicPartition tp = new TopicPartition("trimmed", 0);
        produce("trimmed", 0, 10);

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp)
                .get().lowWatermark();

        assertThat(lowWatermark).isEqualTo(4);
        assertThat(offset(tp, OffsetSpec.earliest()).offset()).isEqualTo(4);
        List<ConsumerRecord<String, String>> fromStart = KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(tp), 6, Map.of());
        assertThat(fromStart).extracting(ConsumerRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(fromStart.get(0).value()).isEqualTo("v4");

        assertThat(causeOf(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all()))
                .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).lowWatermarks().get(tp).get()
                .lowWatermark()).as("never moves back").isEqualTo(4);
        assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(tp).get()
                .lowWatermark()).as("-1 is the high watermark").isEqualTo(10);
        assertThat(offset(tp, OffsetSpec.earliest()).offset()).isEqualTo(10);

        createTopic("compacted", 1, Map.of("cleanup.policy", "compact"));
        TopicPartition compacted = new TopicPartition("compacted", 0);
        produce("compacted", 0, 3);
        assertThat(causeOf(admin.deleteRecords(Map.of(compacted, RecordsToDelete.beforeOffset(1))).all()))
                .isInstanceOf(PolicyViolationException.class);
    }

    @Test
    void describeLogDirsReportsTheDataDirectoryAndPartitionSizesThatGrow() throws Exception {
        createTopic("sized", 2, Map.of());
        TopicPartition tp = new TopicPartition("sized", 0);
        LogDirDescription before = onlyLogDir();
        assertThat(before.replicaInfos()).containsKeys(tp, new TopicPartition("sized", 1));
        assertThat(before.replicaInfos().get(tp).size()).isZero();
        assertThat(before.totalBytes()).isPresent();
        assertThat(before.usableBytes()).isPresent();

        produce("sized", 0, 200);

        LogDirDescription after = onlyLogDir();
        assertThat(after.replicaInfos().get(tp).size()).isGreaterThan(200 * 4);
        assertThat(after.replicaInfos().get(tp).offsetLag()).isZero();
        assertThat(after.replicaInfos().get(tp).isFuture()).isFalse();
        assertThat(after.replicaInfos().get(new TopicPartition("sized", 1)).size()).isZero();
    }

    private LogDirDescription onlyLogDir() throws Exception {
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
        assertThat(dirs).containsOnlyKeys(dataDir.toAbsolutePath().normalize().toString());
        return dirs.values().iterator().next();
    }

    @Test
    void describeClusterIsThisOneBrokerAsController() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        String clusterId = cluster.clusterId().get();
        int port = Integer.parseInt(trilog.kafkaBootstrap().split(":")[1]);

        assertThat(clusterId).isNotBlank();
        assertThat(cluster.controller().get().id()).isZero();
        assertThat(cluster.nodes().get()).singleElement().satisfies(node -> {
            assertThat(node.id()).isZero();
            assertThat(node.port()).isEqualTo(port);
        });

        admin.close();
        trilog.restart();
        admin = admin();
        assertThat(admin.describeCluster().clusterId().get()).as("kept with the data").isEqualTo(clusterId);
    }

    @Test
    void electionsAndReassignmentsHaveNothingToDoOnOneNode() throws Exception {
        createTopic("placed", 2, Map.of());
        TopicPartition tp = new TopicPartition("placed", 0);

        Map<TopicPartition, Optional<Throwable>> elected =
                admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get();
        assertThat(elected.get(tp)).containsInstanceOf(ElectionNotNeededException.class);
        assertThat(admin.electLeaders(ElectionType.PREFERRED, null).partitions().get()).isEmpty();

        assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(0))))).all().get();
        assertThat(causeOf(admin.alterPartitionReassignments(
                Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(0, 1))))).all()))
                .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(causeOf(admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()))
                .isInstanceOf(NoReassignmentInProgressException.class);
    }

    @Test
    void consumersValidateTheirPositionWithOffsetForLeaderEpoch() throws Exception {
        createTopic("epochs", 1, Map.of());
        TopicPartition tp = new TopicPartition("epochs", 0);
        produce("epochs", 0, 5);

        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(3, Optional.of(0), ""));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);

            // a position past the end of epoch 0 means the log was truncated under the consumer
            consumer.seek(tp, new OffsetAndMetadata(50, Optional.of(0), ""));
            assertThatThrownBy(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until) {
                    consumer.poll(Duration.ofMillis(100));
                }
            }).isInstanceOf(LogTruncationException.class);
        }

        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
            OffsetForLeaderTopic asked = new OffsetForLeaderTopic().setTopic("epochs");
            asked.partitions().add(new OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0).setCurrentLeaderEpoch(0));
            asked.partitions().add(new OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0).setCurrentLeaderEpoch(3));
            asked.partitions().add(new OffsetForLeaderPartition().setPartition(9).setLeaderEpoch(0).setCurrentLeaderEpoch(0));
            topics.add(asked);
            // consumers send v3 and later (v2 has no replica ID, so only followers could send it)
            for (short v = 3; v <= ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(); v++) {
                OffsetsForLeaderEpochResponse response = raw.send(OffsetsForLeaderEpochRequest.Builder.forConsumer(
                        topics.duplicate()), v);
                List<EpochEndOffset> results = response.data().topics().find("epochs").partitions();
                assertThat(results.get(0).errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
                assertThat(results.get(0).endOffset()).isEqualTo(5);
                assertThat(results.get(0).leaderEpoch()).isZero();
                assertThat(results.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
                assertThat(results.get(2).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
        }
    }
}
