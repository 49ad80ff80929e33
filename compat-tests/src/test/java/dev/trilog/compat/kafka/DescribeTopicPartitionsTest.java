package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescribeTopicPartitions as the newest admin client and {@code kafka-topics --describe} use it:
 * advertised, paged by the admin client through Kafka's cursor, and printed right.
 */
class DescribeTopicPartitionsTest {

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
    void isAdvertisedInApiVersions() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            ApiVersionsResponse versions = raw.send(new ApiVersionsRequest.Builder(), ApiKeys.API_VERSIONS.latestVersion());
            ApiVersion advertised = versions.data().apiKeys().find(ApiKeys.DESCRIBE_TOPIC_PARTITIONS.id);
            assertThat(advertised).isNotNull();
            assertThat(advertised.minVersion()).isEqualTo(ApiKeys.DESCRIBE_TOPIC_PARTITIONS.oldestVersion());
            assertThat(advertised.maxVersion()).isEqualTo(ApiKeys.DESCRIBE_TOPIC_PARTITIONS.latestVersion());
        }
    }

    /**
     * Five partitions two to a page: the admin client behind TopicCommand follows the cursor over
     * three requests. The ELR columns show the answer came from DescribeTopicPartitions: Metadata
     * has no such field, and TopicCommand prints {@code N/A} for it then.
     */
    @Test
    void kafkaTopicsDescribePagesThroughDescribeTopicPartitions() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        KafkaCli.Result created = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--create",
                "--topic", "paged", "--partitions", "5");
        assertThat(created.exitCode()).as(created.output()).isZero();
        double before = describeTopicPartitionsRequests();

        KafkaCli.Result described = KafkaCli.run(KafkaCli.TOPICS, null, "--bootstrap-server", bootstrap, "--describe",
                "--topic", "paged", "--partition-size-limit-per-response", "2");

        assertThat(described.exitCode()).as(described.output()).isZero();
        List<String> lines = described.output().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Topic: paged\tTopicId: ")
                .contains("\tPartitionCount: 5\tReplicationFactor: 1"));
        List<String> partitionLines = lines.stream().filter(l -> l.startsWith("\tTopic: paged\tPartition: ")).toList();
        assertThat(partitionLines).hasSize(5);
        for (int p = 0; p < 5; p++) {
            assertThat(partitionLines.get(p)).isEqualTo("\tTopic: paged\tPartition: " + p
                    + "\tLeader: 0\tReplicas: 0\tIsr: 0\tElr: \tLastKnownElr: ");
        }
        assertThat(describeTopicPartitionsRequests() - before).as("pages of 2, 2 and 1 partitions")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRawRequestFollowsTheCursorAndGetsAnErrorForAnUnknownTopic() throws Exception {
        Uuid id;
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic("first", 2, (short) 1), new NewTopic("second", 1, (short) 1)))
                    .all().get();
            id = admin.describeTopics(List.of("first")).allTopicNames().get().get("first").topicId();
        }
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            DescribeTopicPartitionsRequestData asked = new DescribeTopicPartitionsRequestData()
                    .setResponsePartitionLimit(1);
            for (String name : List.of("second", "missing", "first")) {
                asked.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name));
            }
            DescribeTopicPartitionsResponseData page = send(raw, asked);
            assertThat(page.topics()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("first");
                assertThat(t.topicId()).isEqualTo(id);
                assertThat(t.partitions()).singleElement().satisfies(p -> assertThat(p.partitionIndex()).isZero());
            });
            assertThat(page.nextCursor().topicName()).isEqualTo("first");
            assertThat(page.nextCursor().partitionIndex()).isEqualTo(1);

            asked.setResponsePartitionLimit(10).setCursor(new DescribeTopicPartitionsRequestData.Cursor()
                    .setTopicName("first").setPartitionIndex(1));
            DescribeTopicPartitionsResponseData rest = send(raw, asked);
            assertThat(rest.topics()).extracting(DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic::name)
                    .containsExactly("first", "missing", "second");
            assertThat(rest.topics().find("first").partitions()).singleElement()
                    .satisfies(p -> assertThat(p.partitionIndex()).isEqualTo(1));
            assertThat(rest.topics().find("missing").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(rest.topics().find("missing").topicId()).isEqualTo(Uuid.ZERO_UUID);
            assertThat(rest.topics().find("second").partitions()).hasSize(1);
            assertThat(rest.nextCursor()).isNull();
        }
    }

    private static DescribeTopicPartitionsResponseData send(RawKafkaClient raw, DescribeTopicPartitionsRequestData data)
            throws Exception {
        DescribeTopicPartitionsResponse response = raw.send(new DescribeTopicPartitionsRequest.Builder(data), 0);
        return response.data();
    }

    /** How many DescribeTopicPartitions requests the broker has answered, from {@code /metrics}. */
    private double describeTopicPartitionsRequests() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort()
                + "/metrics");
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^trilog_kafka_requests_seconds_count\\{api=\"DescribeTopicPartitions\"} (\\S+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
