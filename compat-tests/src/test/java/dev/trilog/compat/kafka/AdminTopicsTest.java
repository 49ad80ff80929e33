package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdminClient's topic calls against Trilog: create, describe, grow, delete, and Kafka's errors. */
class AdminTopicsTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;
    private Admin admin;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "auto.create.topics.enable", "false", "num.partitions", "2");
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


    @Test
    void createdTopicsHaveTheirPartitionsConfigsAndAStableIdAcrossRestarts() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(
                new NewTopic("orders", 4, (short) 1).configs(Map.of("retention.ms", "3600000", "cleanup.policy", "compact")),
                new NewTopic("defaults", Optional.empty(), Optional.empty())));
        created.all().get();

        assertThat(created.numPartitions("orders").get()).isEqualTo(4);
        assertThat(created.replicationFactor("orders").get()).isEqualTo(1);
        assertThat(created.numPartitions("defaults").get()).as("num.partitions").isEqualTo(2);
        assertThat(created.config("orders").get().get("retention.ms").value()).isEqualTo("3600000");
        assertThat(created.config("orders").get().get("cleanup.policy").value()).isEqualTo("compact");
        Uuid id = created.topicId("orders").get();
        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("orders", "defaults");

        TopicDescription described = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
        assertThat(described.topicId()).isEqualTo(id);
        assertThat(described.partitions()).hasSize(4);
        for (TopicPartitionInfo partition : described.partitions()) {
            assertThat(partition.leader().id()).isZero();
            assertThat(partition.replicas()).extracting(n -> n.id()).containsExactly(0);
            assertThat(partition.isr()).extracting(n -> n.id()).containsExactly(0);
        }

        admin.close();
        trilog.restart();
        admin = admin();

        TopicDescription afterRestart = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                .allTopicIds().get().get(id);
        assertThat(afterRestart.name()).isEqualTo("orders");
        assertThat(afterRestart.partitions()).hasSize(4);
        assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId()).isEqualTo(id);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("dry-run", 3, (short) 1)),
                new CreateTopicsOptions().validateOnly(true));
        result.all().get();
        assertThat(result.numPartitions("dry-run").get()).isEqualTo(3);

        assertThat(admin.listTopics().names().get()).doesNotContain("dry-run");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("dry-run", 3, (short) 1).configs(
                Map.of("retention.ms", "soon"))), new CreateTopicsOptions().validateOnly(true)).all()))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void badRequestsGetKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all().get();

        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all()))
                .isInstanceOf(TopicExistsException.class).hasMessage("Topic 'taken' already exists.");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all()))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("bad/name");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("__trilog_mine", 1, (short) 1))).all()))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3))).all()))
                .isInstanceOf(InvalidReplicationFactorException.class)
                .hasMessageContaining("only 1 broker(s) are registered");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("no-partitions", 0, (short) 1))).all()))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                .configs(Map.of("retention.ms", "forever")))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.ms");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("unknown-config", 1, (short) 1)
                .configs(Map.of("no.such.setting", "1")))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.setting");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("elsewhere", Map.of(0, List.of(0), 1, List.of(7)))))
                .all())).isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("broker 7");
        assertThat(admin.listTopics().names().get()).containsExactly("taken");
    }

    @Test
    void partitionsBeyondTheBrokersLimitOrKafkasPerRequestCapAreRefusedWithPolicyViolation() throws Exception {
        admin.close();
        trilog.close();
        trilog = TrilogHarness.start(dataDir.resolve("limited"), "log.max.partitions", "8", "auto.create.topics.enable", "true");
        admin = admin();

        // Kafka's controller cap: over 10,000 partitions in one request, every topic of it is refused
        CreateTopicsResult huge = admin.createTopics(List.of(new NewTopic("huge", 10_001, (short) 1),
                new NewTopic("small", 1, (short) 1)));
        for (String name : List.of("huge", "small")) {
            assertThat(KafkaClients.failureOf(huge.values().get(name)))
                    .isInstanceOf(PolicyViolationException.class)
                    .hasMessage("Excessively large number of partitions per request.");
        }
        assertThat(KafkaClients.failureOf(admin.createPartitions(Map.of("small", NewPartitions.increaseTo(10_002))).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class); // unknown topics add nothing to the count

        // the broker's own bound (internal logs do not count)
        admin.createTopics(List.of(new NewTopic("six", 6, (short) 1))).all().get();
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("three", 3, (short) 1))).all()))
                .isInstanceOf(PolicyViolationException.class).hasMessageContaining("log.max.partitions");
        assertThat(KafkaClients.failureOf(admin.createTopics(List.of(new NewTopic("three", 3, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all())).isInstanceOf(PolicyViolationException.class);
        assertThat(KafkaClients.failureOf(admin.createPartitions(Map.of("six", NewPartitions.increaseTo(9))).all()))
                .isInstanceOf(PolicyViolationException.class).hasMessageContaining("log.max.partitions");
        assertThat(admin.listTopics().names().get()).containsExactly("six");
        assertThat(admin.describeTopics(List.of("six")).allTopicNames().get().get("six").partitions()).hasSize(6);

        // auto-creation past it: the producer sees no topic (POLICY_VIOLATION in Metadata) and gives up at max.block.ms
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000"))) {
            admin.createPartitions(Map.of("six", NewPartitions.increaseTo(8))).all().get(); // up to the limit is fine
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("auto", "k", "v")).get())
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThat(producer.send(new ProducerRecord<>("six", 7, "k", "v")).get().partition()).isEqualTo(7);
        }
        assertThat(admin.listTopics().names().get()).containsExactly("six");

        // deleting makes room again
        admin.deleteTopics(List.of("six")).all().get();
        admin.createTopics(List.of(new NewTopic("eight", 8, (short) 1))).all().get();
    }

    @Test
    void aManualAssignmentOnThisNodeIsAccepted() throws Exception {
        admin.createTopics(List.of(new NewTopic("placed", Map.of(0, List.of(0), 1, List.of(0), 2, List.of(0)))))
                .all().get();

        assertThat(admin.describeTopics(List.of("placed")).allTopicNames().get().get("placed").partitions()).hasSize(3);
    }

    @Test
    void createPartitionsGrowsATopicButNeverShrinksIt() throws Exception {
        admin.createTopics(List.of(new NewTopic("growing", 2, (short) 1))).all().get();

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5))).all().get();
        assertThat(admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions()).hasSize(5);

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(8)),
                new org.apache.kafka.clients.admin.CreatePartitionsOptions().validateOnly(true)).all().get();
        assertThat(admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions()).hasSize(5);

        assertThat(KafkaClients.failureOf(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all()))
                .isInstanceOf(InvalidPartitionsException.class)
                .hasMessage("The topic growing currently has 5 partition(s); 3 would not be an increase.");
        assertThat(KafkaClients.failureOf(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(6,
                List.of(List.of(1))))).all())).isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(KafkaClients.failureOf(admin.createPartitions(Map.of("missing", NewPartitions.increaseTo(2))).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        // a producer sees the new partitions
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("growing", 4, "k", "v")).get().partition()).isEqualTo(4);
        }
    }

    @Test
    void deletedTopicsAreGoneByNameAndById() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1),
                new NewTopic("doomed-by-id", 1, (short) 1)));
        created.all().get();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>("doomed", "k", "v")).get();
        }

        admin.deleteTopics(List.of("doomed")).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(created.topicId("doomed-by-id").get()))).all().get();

        assertThat(admin.listTopics().names().get()).isEmpty();
        assertThat(KafkaClients.failureOf(admin.describeTopics(List.of("doomed")).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(KafkaClients.failureOf(admin.deleteTopics(List.of("doomed")).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(KafkaClients.failureOf(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid()))).all()))
                .isInstanceOf(UnknownTopicIdException.class);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("doomed", "k", "v")).get())
                    .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("not present in metadata");
        }
        // the name can be used again, with a new ID and no old data
        CreateTopicsResult again = admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1)));
        assertThat(again.topicId("doomed").get()).isNotEqualTo(created.topicId("doomed").get());
        assertThat(admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition("doomed", 0),
                org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset())
                .isZero();
    }

    @Test
    void everyCreateTopicsAndDeleteTopicsVersionIsAnswered() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            for (short v = ApiKeys.CREATE_TOPICS.oldestVersion(); v <= ApiKeys.CREATE_TOPICS.latestVersion(); v++) {
                CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(5_000);
                boolean defaults = v >= 4; // -1 for "the broker's default" came with v4
                data.topics().add(new CreatableTopic().setName("v" + v).setNumPartitions(defaults ? -1 : 2)
                        .setReplicationFactor((short) (defaults ? -1 : 1)));
                CreateTopicsResponse response = raw.send(new CreateTopicsRequest.Builder(data), v);
                CreatableTopicResult result = response.data().topics().find("v" + v);
                assertThat(Errors.forCode(result.errorCode())).as("CreateTopics v%d", v).isEqualTo(Errors.NONE);
                if (v >= 5) {
                    assertThat(result.numPartitions()).isEqualTo(2);
                    assertThat(result.replicationFactor()).isEqualTo((short) 1);
                    assertThat(result.configs()).isNotEmpty();
                }
            }
            for (short v = ApiKeys.DELETE_TOPICS.oldestVersion(); v <= ApiKeys.DELETE_TOPICS.latestVersion(); v++) {
                String name = "v" + (v + 1);
                DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(5_000);
                if (v >= 6) {
                    data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
                } else {
                    data.topicNames().add(name);
                }
                DeleteTopicsResponse response = raw.send(new DeleteTopicsRequest.Builder(data), v);
                assertThat(Errors.forCode(response.data().responses().iterator().next().errorCode()))
                        .as("DeleteTopics v%d", v).isEqualTo(Errors.NONE);
            }
        }
        assertThat(admin.listTopics().names().get()).isEmpty();
    }
}
