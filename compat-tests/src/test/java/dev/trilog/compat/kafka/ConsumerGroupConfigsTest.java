package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * KIP-848 consumer groups' own settings ({@code consumer.session.timeout.ms},
 * {@code consumer.heartbeat.interval.ms}) as GROUP config resources, set and read with
 * kafka-clients' Admin and {@code kafka-configs --entity-type groups}: refused outside the broker's
 * bounds as Kafka refuses them, durable across a restart, and applied to the group's members.
 */
class ConsumerGroupConfigsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TrilogHarness trilog;
    Admin admin;
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() {
        // a broker session of 5 minutes, 5 s heartbeats (Kafka's); the bounds let a group go far lower
        trilog = TrilogHarness.start(dataDir, "num.partitions", "6", "group.consumer.session.timeout.ms", "300000",
                "group.consumer.min.session.timeout.ms", "2000", "group.consumer.min.heartbeat.interval.ms", "100");
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
    }

    @AfterEach
    void stop() {
        consumers.forEach(PollingConsumer::close);
        admin.close();
        trilog.close();
    }

    @Test
    void kafkaConfigsSetsDescribesAndDeletesAConsumerGroupsSettingsThatSurviveARestart() throws Exception {
        KafkaCli.Result set = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "orders", "--alter", "--add-config",
                "consumer.session.timeout.ms=50000,consumer.heartbeat.interval.ms=2500");
        assertThat(set.exitCode()).as(set.output()).isZero();
        KafkaCli.Result described = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "orders", "--describe");
        assertThat(described.output()).contains("consumer.session.timeout.ms=50000",
                "consumer.heartbeat.interval.ms=2500");

        admin.close();
        trilog.restart();
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
        Config config = groupConfig("orders");
        assertThat(config.get("consumer.session.timeout.ms").value()).isEqualTo("50000");
        assertThat(config.get("consumer.session.timeout.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);

        KafkaCli.Result deleted = KafkaCli.groupConfigs(trilog.kafkaBootstrap(), "orders", "--alter",
                "--delete-config", "consumer.session.timeout.ms");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        Config after = groupConfig("orders");
        assertThat(after.get("consumer.session.timeout.ms").value()).as("back to the broker's setting").isEqualTo("300000");
        assertThat(after.get("consumer.session.timeout.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(after.get("consumer.heartbeat.interval.ms").value()).isEqualTo("2500");
    }

    @Test
    void valuesOutsideTheBrokersBoundsAreRefusedAndAQueuesGroupNameMayHaveThem() throws Exception {
        assertRefused("g", Map.of("consumer.session.timeout.ms", "300001")); // above Kafka's 60 s, widened to the broker's
        assertRefused("g", Map.of("consumer.session.timeout.ms", "1999"));
        assertRefused("g", Map.of("consumer.heartbeat.interval.ms", "15001"));
        assertRefused("g", Map.of("consumer.heartbeat.interval.ms", "0"));
        assertRefused("g", Map.of("consumer.session.timeout.ms", "3000", "consumer.heartbeat.interval.ms", "3000"));
        assertRefused("g", Map.of("consumer.session.timeout.ms", "3000")); // not above the broker's 5 s heartbeats
        assertThat(groupConfig("g").get("consumer.session.timeout.ms").source())
                .as("nothing refused was kept").isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        // a consumer group named like a queue: its settings are not the queue's, so they may be set
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            sqs.createQueue(b -> b.queueName("jobs"));
        }
        alter("jobs", Map.of("consumer.heartbeat.interval.ms", "1000"));
        assertThat(groupConfig("jobs").get("consumer.heartbeat.interval.ms").value()).isEqualTo("1000");
    }

    @Test
    void theGroupsSessionTimeoutAndHeartbeatIntervalApplyToItsMembers() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 6, (short) 1))).all().get();
        // 10 s: far below the broker's 5 minutes, so only the group's setting can free a silent member's partitions soon
        alter("fast", Map.of("consumer.session.timeout.ms", "10000", "consumer.heartbeat.interval.ms", "500"));
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            ConsumerGroupHeartbeatResponse joined = raw.send(new ConsumerGroupHeartbeatRequest.Builder(
                    new ConsumerGroupHeartbeatRequestData().setGroupId("fast").setMemberId(Uuid.randomUuid().toString())
                            .setMemberEpoch(0).setRebalanceTimeoutMs(60_000).setSubscribedTopicNames(List.of("orders"))
                            .setTopicPartitions(List.of())), 1);
            assertThat(joined.data().errorCode()).isZero();
            assertThat(joined.data().heartbeatIntervalMs()).as("the group's, not the broker's 5 s").isEqualTo(500);
            assertThat(joined.data().assignment().topicPartitions()).singleElement()
                    .satisfies(t -> assertThat(t.partitions()).hasSize(6));
        }
        long silentSince = System.nanoTime(); // the raw member never heartbeats again

        PollingConsumer a = consumer("a");
        await().atMost(Duration.ofSeconds(200)).untilAsserted(() -> assertThat(a.assignment()).hasSize(6));
        assertThat(Duration.ofNanos(System.nanoTime() - silentSince))
                .as("freed after the group's 10 s session, not the broker's 300 s").isLessThan(Duration.ofSeconds(200));
        assertThat(a.failure()).isNull();
    }

    // ---------------------------------------------------------------- helpers

    private PollingConsumer consumer(String name) {
        PollingConsumer consumer = PollingConsumer.startConsumerProtocol(name, trilog.kafkaBootstrap(), "fast",
                "orders", Map.of());
        consumers.add(consumer);
        return consumer;
    }

    private Config groupConfig(String group) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private void alter(String group, Map<String, String> values) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = values.entrySet().stream().map(e -> new AlterConfigOp(
                new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
    }

    private void assertRefused(String group, Map<String, String> values) {
        assertThatThrownBy(() -> alter(group, values)).as(values.toString())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }
}
