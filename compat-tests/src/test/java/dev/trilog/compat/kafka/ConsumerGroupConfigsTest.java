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
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
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
        // the broker's own settings are Kafka's (45 s session, 5 s heartbeats); the bounds let a group go lower
        trilog = TrilogHarness.start(dataDir, "num.partitions", "6", "group.consumer.min.session.timeout.ms", "2000",
                "group.consumer.min.heartbeat.interval.ms", "100");
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
        assertThat(after.get("consumer.session.timeout.ms").value()).as("back to the broker's setting").isEqualTo("45000");
        assertThat(after.get("consumer.session.timeout.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(after.get("consumer.heartbeat.interval.ms").value()).isEqualTo("2500");
    }

    @Test
    void valuesOutsideTheBrokersBoundsAreRefusedAndAQueuesGroupNameMayHaveThem() throws Exception {
        assertRefused("g", Map.of("consumer.session.timeout.ms", "60001"));
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
        // 3 s: far below the broker's 45 s, so only the group's setting can move a silent member's partitions soon
        alter("fast", Map.of("consumer.session.timeout.ms", "3000", "consumer.heartbeat.interval.ms", "200"));
        PollingConsumer a = consumer("a");
        PollingConsumer b = consumer("b");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(b.assignment()).hasSize(3);
        });
        Thread.sleep(4_000); // longer than the group's session: members heartbeating at 200 ms stay
        assertThat(a.lostCallbacks()).isZero();
        assertThat(b.lostCallbacks()).isZero();
        assertThat(a.assignment()).hasSize(3);

        long stopped = System.nanoTime();
        a.stopWithoutLeaving(); // a crash: no leave, its heartbeats just stop
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(b.assignment()).hasSize(6));
        assertThat(Duration.ofNanos(System.nanoTime() - stopped))
                .as("moved after the group's 3 s session, not the broker's 45 s").isLessThan(Duration.ofSeconds(40));
        assertThat(b.failure()).isNull();
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
