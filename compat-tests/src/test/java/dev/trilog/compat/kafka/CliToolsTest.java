package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own command-line tools against Trilog, each in its own JVM as the scripts run them. */
class CliToolsTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    @Test
    void kafkaTopicsCreatesDescribesListsAndDeletes() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        KafkaCli.Result created = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--create",
                "--topic", "cli-topic", "--partitions", "3", "--config", "retention.ms=3600000");
        assertThat(created.exitCode()).as(created.output()).isZero();
        assertThat(created.output()).contains("Created topic cli-topic.");

        KafkaCli.Result described = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--describe",
                "--topic", "cli-topic");
        assertThat(described.exitCode()).as(described.output()).isZero();
        assertThat(described.output()).contains("PartitionCount: 3", "retention.ms=3600000", "Partition: 2");

        KafkaCli.Result duplicate = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--create",
                "--topic", "cli-topic");
        assertThat(duplicate.exitCode()).isNotZero();
        assertThat(duplicate.output()).contains("already exists");

        KafkaCli.Result deleted = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--delete",
                "--topic", "cli-topic");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        KafkaCli.Result listed = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--list");
        assertThat(listed.output().lines()).doesNotContain("cli-topic");
    }

    @Test
    void consoleConsumerFromBeginningInAGroupThenConsumerGroupsDescribesItsLag() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        KafkaCli.Result produced = KafkaCli.run(KafkaCli.CONSOLE_PRODUCER, "a\nb\nc\nd\n",
                "--bootstrap-server", bootstrap, "--topic", "grouped");
        assertThat(produced.exitCode()).as(produced.output()).isZero();

        KafkaCli.Result consumed = KafkaCli.run(KafkaCli.CONSOLE_CONSUMER, null, "--bootstrap-server", bootstrap,
                "--topic", "grouped", "--from-beginning", "--group", "readers", "--max-messages", "3",
                "--timeout-ms", "20000");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output().lines()).containsSubsequence("a", "b", "c");

        KafkaCli.Result described = KafkaCli.run(KafkaCli.CONSUMER_GROUPS, null, "--bootstrap-server", bootstrap,
                "--describe", "--group", "readers");
        assertThat(described.exitCode()).as(described.output()).isZero();
        // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...: three of four consumed and committed
        assertThat(described.output().lines().filter(l -> l.startsWith("readers")).findFirst().orElseThrow()
                .trim().split("\\s+")).startsWith("readers", "grouped", "0", "3", "4", "1");

        KafkaCli.Result listed = KafkaCli.run(KafkaCli.CONSUMER_GROUPS, null, "--bootstrap-server", bootstrap, "--list");
        assertThat(listed.output().lines()).contains("readers");
    }

    /**
     * {@code kafka-consumer-groups.sh --describe} shows a KIP-848 consumer group (ConsumerGroupDescribe)
     * and a classic group (DescribeGroups, after ConsumerGroupDescribe said it is not a consumer group)
     * alike: each member's partitions, committed offsets and lag; {@code --list --type} tells them apart.
     */
    @Test
    void consumerGroupsDescribesAConsumerProtocolGroupAndAClassicOne() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        KafkaClients.produceKeyed(bootstrap, "both", "r", 4);
        try (KafkaConsumer<String, String> modern = KafkaClients.consumer(bootstrap, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "modern", ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer", ConsumerConfig.CLIENT_ID_CONFIG, "modern-client"));
             KafkaConsumer<String, String> classic = KafkaClients.consumer(bootstrap, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "classic", ConsumerConfig.CLIENT_ID_CONFIG, "classic-client"))) {
            for (KafkaConsumer<String, String> consumer : List.of(modern, classic)) {
                consumer.subscribe(List.of("both"));
                int[] seen = {0};
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                    return seen[0] == 4;
                });
                consumer.commitSync();
            }
            KafkaCli.Result described = KafkaCli.run(KafkaCli.CONSUMER_GROUPS, null, "--bootstrap-server", bootstrap,
                    "--describe", "--group", "modern", "--group", "classic");
            assertThat(described.exitCode()).as(described.output()).isZero();
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
            for (String group : List.of("modern", "classic")) {
                assertThat(described.output().lines().filter(l -> l.startsWith(group + " ")).findFirst().orElseThrow()
                        .trim().split("\\s+")).as(described.output()).startsWith(group, "both", "0", "4", "4", "0")
                        .endsWith(group + "-client");
            }
            KafkaCli.Result members = KafkaCli.run(KafkaCli.CONSUMER_GROUPS, null, "--bootstrap-server", bootstrap,
                    "--describe", "--members", "--group", "modern");
            assertThat(members.exitCode()).as(members.output()).isZero();
            assertThat(members.output()).contains(modern.groupMetadata().memberId(), "modern-client");

            KafkaCli.Result listed = KafkaCli.run(KafkaCli.CONSUMER_GROUPS, null, "--bootstrap-server", bootstrap,
                    "--list", "--type");
            assertThat(listed.exitCode()).as(listed.output()).isZero();
            assertThat(listed.output().lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
                    .as(listed.output()).contains("modern Consumer", "classic Classic");
        }
    }

    /** One node is a quorum of one: itself, leading; it keeps no replicated log (offsets -1). */
    @Test
    void metadataQuorumDescribesASingleNodeAsAQuorumOfOne() throws Exception {
        KafkaCli.Result status = KafkaCli.run(KafkaCli.METADATA_QUORUM, null, "--bootstrap-server",
                trilog.kafkaBootstrap(), "describe", "--status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("LeaderId:               0") // node.id defaults to 0
                .containsPattern("CurrentVoters:\\s+\\[\\{\"id\": 0, \"endpoints\": \\[\"PLAINTEXT://");
    }

    @Test
    void consoleProducerThenConsoleConsumerOnAPartition() throws Exception {
        KafkaCli.Result produced = KafkaCli.run(KafkaCli.CONSOLE_PRODUCER, "first\nsecond\nthird\n",
                "--bootstrap-server", trilog.kafkaBootstrap(), "--topic", "console");
        assertThat(produced.exitCode()).as(produced.output()).isZero();

        KafkaCli.Result consumed = KafkaCli.run(KafkaCli.CONSOLE_CONSUMER, null,
                "--bootstrap-server", trilog.kafkaBootstrap(), "--topic", "console", "--partition", "0",
                "--offset", "earliest", "--max-messages", "3", "--timeout-ms", "20000");

        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output().lines()).containsSubsequence("first", "second", "third");
    }

    @Test
    void producerPerfTestThenConsumerPerfTestMoveEveryRecord() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        KafkaCli.Result produced = KafkaCli.run(KafkaCli.PRODUCER_PERF, null, "--topic", "perf", "--num-records",
                "20000", "--record-size", "1024", "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all", "batch.size=65536", "linger.ms=5");
        assertThat(produced.exitCode()).as(produced.output()).isZero();
        assertThat(produced.output()).contains("20000 records sent");

        KafkaCli.Result consumed = KafkaCli.run(KafkaCli.CONSUMER_PERF, null, "--bootstrap-server", bootstrap,
                "--topic", "perf", "--num-records", "20000", "--group", "perf-readers", "--timeout", "30000");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, ...
        String row = consumed.output().lines().filter(line -> line.matches("^\\d{4}-.*")).findFirst().orElseThrow();
        assertThat(row.split(",\\s*")[4]).isEqualTo("20000");
    }
}
