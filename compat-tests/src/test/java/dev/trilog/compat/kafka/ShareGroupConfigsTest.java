package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Share groups' own settings as GROUP config resources, set and read with kafka-clients' Admin
 * and {@code kafka-configs --entity-type groups}: refused as Kafka refuses them, durable across a
 * restart, and applied to the group's share consumers.
 */
class ShareGroupConfigsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TrilogHarness trilog;
    Admin admin;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "group.share.heartbeat.interval.ms", "500");
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
    }

    @AfterEach
    void stop() {
        admin.close();
        trilog.close();
    }

    @Test
    void kafkaConfigsSetsDescribesAndDeletesGroupConfigsThatSurviveARestart() throws Exception {
        KafkaCli.Result set = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "configured", "--alter", "--add-config",
                "share.record.lock.duration.ms=20000,share.delivery.count.limit=2,share.auto.offset.reset=latest");
        assertThat(set.exitCode()).as(set.output()).isZero();
        KafkaCli.Result described = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "configured", "--describe");
        assertThat(described.output()).contains("share.record.lock.duration.ms=20000",
                "share.delivery.count.limit=2", "share.auto.offset.reset=latest");

        admin.close();
        trilog.restart();
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
        Config config = groupConfig("configured");
        assertThat(config.get("share.record.lock.duration.ms").value()).isEqualTo("20000");
        assertThat(config.get("share.record.lock.duration.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(config.get("share.isolation.level").value()).isEqualTo("read_uncommitted");
        assertThat(config.get("share.isolation.level").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        KafkaCli.Result deleted = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "configured", "--alter",
                "--delete-config", "share.delivery.count.limit");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        assertThat(groupConfig("configured").get("share.delivery.count.limit").value())
                .as("back to the broker's setting").isEqualTo("5");
        assertThat(groupConfig("configured").get("share.record.lock.duration.ms").value()).isEqualTo("20000");
    }

    @Test
    void valuesOutsideKafkasBoundsUnknownNamesAndAQueuesOwnGroupAreRefused() throws Exception {
        assertRefused("g", "share.record.lock.duration.ms", "1000", InvalidConfigurationException.class);
        assertRefused("g", "share.delivery.count.limit", "11", InvalidConfigurationException.class);
        assertRefused("g", "share.delivery.count.limit", "1", InvalidConfigurationException.class);
        assertRefused("g", "share.auto.offset.reset", "by_duration:-PT1H", InvalidConfigurationException.class);
        assertRefused("g", "share.auto.offset.reset", "newest", InvalidConfigurationException.class);
        assertRefused("g", "share.isolation.level", "serializable", InvalidConfigurationException.class);
        assertRefused("g", "no.such.config", "1", InvalidConfigurationException.class);
        assertThat(groupConfig("g").get("share.delivery.count.limit").source())
                .as("nothing refused was kept").isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        alter("g", "share.auto.offset.reset", "by_duration:PT1H");
        assertThat(groupConfig("g").get("share.auto.offset.reset").value()).isEqualTo("by_duration:PT1H");

        try (SqsClient sqs = SqsClients.sync(trilog)) {
            sqs.createQueue(b -> b.queueName("jobs"));
        }
        assertRefused("jobs", "share.delivery.count.limit", "3", InvalidRequestException.class);
    }

    @Test
    void theGroupsSettingsApplyToItsShareConsumers() throws Exception {
        admin.createTopics(List.of(new NewTopic("applied", 1, (short) 1))).all().get();
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "applied", 2);
        alter("applied-group", "share.auto.offset.reset", "latest");
        alter("applied-group", "share.delivery.count.limit", "2");
        alter("applied-group", "share.record.lock.duration.ms", "20000");
        TopicPartition tp = new TopicPartition("applied", 0);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("applied-group")) {
            consumer.subscribe(List.of("applied"));
            // latest: the group's first fetch starts after the two records already there
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return ShareGroupAdminTest.startOffset(admin, "applied-group", tp) == 2;
            });
            try (var producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
                producer.send(new ProducerRecord<>("applied", "late")).get();
            }
            ConsumerRecord<String, String> first = ShareConsumerTest.pollUntil(consumer, 1).get(0);
            assertThat(first.value()).isEqualTo("late");
            assertThat(consumer.acquisitionLockTimeoutMs()).contains(20_000);
            consumer.acknowledge(first, AcknowledgeType.RELEASE);
            consumer.commitSync(WAIT);
            ConsumerRecord<String, String> second = ShareConsumerTest.pollUntil(consumer, 1).get(0);
            assertThat(second.deliveryCount()).contains((short) 2);
            consumer.acknowledge(second, AcknowledgeType.RELEASE);
            consumer.commitSync(WAIT);
            // the second delivery was the last (share.delivery.count.limit = 2): archived
            assertThat(ShareConsumerTest.drain(consumer, Duration.ofSeconds(3))).isEmpty();
        }
    }

    @Test
    void readCommittedDeliversOnlyCommittedTransactionsAndNothingPastAnOpenOne() throws Exception {
        admin.createTopics(List.of(new NewTopic("txns", 1, (short) 1))).all().get();
        alter("committed-group", "share.isolation.level", "read_committed");
        try (KafkaProducer<String, String> tx = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "share-tx"))) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("txns", "aborted")).get();
            tx.abortTransaction();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("txns", "committed")).get();
            tx.commitTransaction();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("txns", "open")).get();
            ShareConsumerTest.produce(trilog.kafkaBootstrap(), "txns", 1); // m0, past the open transaction
            try (KafkaShareConsumer<String, String> consumer = ShareConsumerTest.shareConsumer(
                    trilog.kafkaBootstrap(), "committed-group", "implicit")) {
                consumer.subscribe(List.of("txns"));
                assertThat(ShareConsumerTest.pollUntil(consumer, 1)).extracting(ConsumerRecord::value)
                        .containsExactly("committed");
                assertThat(ShareConsumerTest.drain(consumer, Duration.ofSeconds(3)))
                        .as("nothing past the open transaction's first record").isEmpty();
                tx.commitTransaction();
                assertThat(ShareConsumerTest.pollUntil(consumer, 2)).extracting(ConsumerRecord::value)
                        .containsExactly("open", "m0");
            }
        }
    }

    @Test
    void deletingTheShareGroupDeletesItsGroupConfigsAndOnlyThen() throws Exception {
        admin.createTopics(List.of(new NewTopic("deleted", 1, (short) 1))).all().get();
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "deleted", 1);
        alter("deleted-group", "share.delivery.count.limit", "3");
        alter("deleted-group", "share.record.lock.duration.ms", "20000");
        try (KafkaShareConsumer<String, String> consumer = ShareConsumerTest.shareConsumer(
                trilog.kafkaBootstrap(), "deleted-group", "implicit")) {
            consumer.subscribe(List.of("deleted"));
            assertThat(ShareConsumerTest.pollUntil(consumer, 1)).hasSize(1);
            consumer.commitSync(WAIT);
            assertThat(KafkaClients.failureOf(admin.deleteShareGroups(List.of("deleted-group")).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(groupConfig("deleted-group").get("share.delivery.count.limit").value())
                    .as("a refused delete keeps the configs").isEqualTo("3");
        }
        admin.deleteShareGroups(List.of("deleted-group")).all().get(); // the closed consumer left the group
        Config after = groupConfig("deleted-group");
        assertThat(after.get("share.delivery.count.limit").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(after.get("share.record.lock.duration.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        admin.close();
        trilog.restart();
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
        assertThat(groupConfig("deleted-group").get("share.delivery.count.limit").source())
                .as("gone for good, not only from memory").isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    // ---------------------------------------------------------------- helpers

    private Config groupConfig(String group) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private void alter(String group, String name, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value),
                AlterConfigOp.OpType.SET)))).all().get();
    }

    private void assertRefused(String group, String name, String value, Class<? extends Exception> error) {
        assertThatThrownBy(() -> alter(group, name, value)).as(name + "=" + value).hasCauseInstanceOf(error);
    }

    private KafkaShareConsumer<String, String> shareConsumer(String group) {
        return ShareConsumerTest.shareConsumer(trilog.kafkaBootstrap(), group, "explicit");
    }
}
