package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.sqs.policy.QueuePolicy;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.queue.SqsQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SQS queue is one durable record, the topology's queue, carrying the SQS metadata as an
 * argument; every change is one write to it. Data directories written by the earlier layout
 * (a second record per queue in {@code sqs-queues}) load, and are moved to the one record.
 */
class SqsQueueRecordTest {

    /** What the earlier layout wrote for a queue, byte for byte (SqsQueueCatalog's Jackson form). */
    private static final String LEGACY_RECORD = "{\"name\":\"legacy\",\"attributes\":{\"DelaySeconds\":\"0\","
            + "\"MaximumMessageSize\":\"1048576\",\"MessageRetentionPeriod\":\"345600\","
            + "\"ReceiveMessageWaitTimeSeconds\":\"0\",\"VisibilityTimeout\":\"45\","
            + "\"KmsDataKeyReusePeriodSeconds\":\"300\",\"SqsManagedSseEnabled\":\"true\"},"
            + "\"tags\":{\"team\":\"a\"},\"permissions\":{\"l1\":{\"accounts\":[\"111122223333\"],"
            + "\"actions\":[\"SendMessage\"]}},\"createdTimestamp\":1700000000,\"lastModifiedTimestamp\":1700000100}";
    private static final String LEGACY_NAMESPACE = "sqs-queues";

    @TempDir
    Path dataDir;

    private static String queueUrl(SqsActionsFixture sqs, String name) {
        return sqs.call(SqsAction.GET_QUEUE_URL, "{\"QueueName\":\"" + name + "\"}").get("QueueUrl").asText();
    }

    private static JsonNode attributes(SqsActionsFixture sqs, String url) {
        return sqs.call(SqsAction.GET_QUEUE_ATTRIBUTES, "{\"QueueUrl\":\"" + url + "\",\"AttributeNames\":[\"All\"]}")
                .get("Attributes");
    }

    private static SqsQueue stored(SqsActionsFixture sqs, String name) {
        return SqsQueue.of(sqs.topology.queue(name).orElseThrow()).orElseThrow();
    }

    @Test
    void theTopologysQueueRecordHoldsTheWholeSqsQueueAndEachChangeRewritesIt() throws Exception {
        try (SqsActionsFixture sqs = new SqsActionsFixture(dataDir)) {
            String url = sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"one\",\"Attributes\":"
                    + "{\"VisibilityTimeout\":\"45\"},\"tags\":{\"team\":\"a\"}}").get("QueueUrl").asText();
            assertThat(stored(sqs, "one").attribute("VisibilityTimeout")).isEqualTo("45");
            assertThat(stored(sqs, "one").tags()).containsExactly(Map.entry("team", "a"));
            assertThat(sqs.topology.queue("one").orElseThrow().messageTtlMs()).hasValue(345_600_000L);

            sqs.call(SqsAction.TAG_QUEUE, "{\"QueueUrl\":\"" + url + "\",\"Tags\":{\"env\":\"test\"}}");
            sqs.call(SqsAction.ADD_PERMISSION, "{\"QueueUrl\":\"" + url + "\",\"Label\":\"l1\","
                    + "\"AWSAccountIds\":[\"111122223333\"],\"Actions\":[\"SendMessage\"]}");
            sqs.call(SqsAction.SET_QUEUE_ATTRIBUTES, "{\"QueueUrl\":\"" + url + "\",\"Attributes\":"
                    + "{\"MessageRetentionPeriod\":\"600\"}}");
            assertThat(stored(sqs, "one").tags()).containsOnlyKeys("team", "env");
            assertThat(QueuePolicy.parse(stored(sqs, "one").attribute("Policy")).hasStatement("l1")).isTrue();
            assertThat(sqs.topology.queue("one").orElseThrow().messageTtlMs()).hasValue(600_000L);
            assertThat(sqs.engine.durableMap(LEGACY_NAMESPACE).all()).isEmpty();

            sqs.restart();
            assertThat(attributes(sqs, url).get("VisibilityTimeout").asText()).isEqualTo("45");
            assertThat(attributes(sqs, url).get("MessageRetentionPeriod").asText()).isEqualTo("600");
            assertThat(sqs.call(SqsAction.LIST_QUEUE_TAGS, "{\"QueueUrl\":\"" + url + "\"}").get("Tags").size())
                    .isEqualTo(2);

            sqs.call(SqsAction.DELETE_QUEUE, "{\"QueueUrl\":\"" + url + "\"}");
            assertThat(sqs.topology.queue("one")).isEmpty();
            assertThat(sqs.error(SqsAction.GET_QUEUE_URL, "{\"QueueName\":\"one\"}"))
                    .isEqualTo(SqsError.QUEUE_DOES_NOT_EXIST);
        }
    }

    @Test
    void aTopologyQueueWithoutSqsMetadataIsNoSqsQueueUntilAnEqualCreateQueueAdoptsIt() throws Exception {
        try (SqsActionsFixture sqs = new SqsActionsFixture(dataDir)) {
            // what CreateQueue "plain" declares, as another protocol (or the earlier layout cut short) left it
            sqs.topology.declareQueue(QueueSpec.durable("plain").withArguments(Map.of(
                    QueueSpec.MESSAGE_TTL, HeaderValue.ofLong(345_600_000L),
                    QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(-1))));
            assertThat(sqs.error(SqsAction.GET_QUEUE_URL, "{\"QueueName\":\"plain\"}"))
                    .isEqualTo(SqsError.QUEUE_DOES_NOT_EXIST);
            assertThat(sqs.call(SqsAction.LIST_QUEUES, "{}").path("QueueUrls")).isEmpty();

            sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"plain\"}");
            assertThat(queueUrl(sqs, "plain")).isEqualTo(sqs.url("plain"));
            assertThat(stored(sqs, "plain").attribute("VisibilityTimeout")).isEqualTo("30");

            sqs.topology.declareQueue(QueueSpec.durable("other"));
            assertThat(sqs.error(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"other\"}"))
                    .isEqualTo(SqsError.QUEUE_NAME_EXISTS);
        }
    }

    @Test
    void aDataDirectoryOfTheEarlierTwoRecordLayoutLoadsAndBecomesOneRecordPerQueue() throws Exception {
        try (SqsActionsFixture engine = SqsActionsFixture.engineOnly(dataDir)) {
            // as the earlier layout left them: the topology's queue, then the SQS record by a second call
            engine.topology.declareQueue(QueueSpec.durable("legacy").withArguments(Map.of(
                    QueueSpec.MESSAGE_TTL, HeaderValue.ofLong(345_600_000L),
                    QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(-1))));
            engine.engine.durableMap(LEGACY_NAMESPACE).put("legacy", LEGACY_RECORD.getBytes(StandardCharsets.UTF_8));
            // a delete that a crash cut short between its two writes: the SQS record outlived the queue
            engine.engine.durableMap(LEGACY_NAMESPACE).put("ghost", LEGACY_RECORD.replace("legacy", "ghost")
                    .getBytes(StandardCharsets.UTF_8));
            engine.queues.publish("legacy", Message.builder().body("sent before the upgrade").build(),
                    PublishOptions.NONE).get();
        }
        try (SqsActionsFixture sqs = new SqsActionsFixture(dataDir)) {
            String url = queueUrl(sqs, "legacy");
            JsonNode attributes = attributes(sqs, url);
            assertThat(attributes.get("VisibilityTimeout").asText()).isEqualTo("45");
            assertThat(attributes.get("CreatedTimestamp").asLong()).isEqualTo(1_700_000_000L);
            assertThat(attributes.get("LastModifiedTimestamp").asLong()).isEqualTo(1_700_000_100L);
            assertThat(sqs.call(SqsAction.LIST_QUEUE_TAGS, "{\"QueueUrl\":\"" + url + "\"}").get("Tags").get("team")
                    .asText()).isEqualTo("a");
            assertThat(attributes.has("Policy")).as("the earlier layout's grants, never enforced, are dropped").isFalse();
            sqs.call(SqsAction.ADD_PERMISSION, "{\"QueueUrl\":\"" + url + "\",\"Label\":\"l1\","
                    + "\"AWSAccountIds\":[\"111122223333\"],\"Actions\":[\"SendMessage\"]}");
            assertThat(QueuePolicy.parse(attributes(sqs, url).get("Policy").asText()).hasStatement("l1")).isTrue();
            assertThat(sqs.call(SqsAction.LIST_QUEUES, "{}").get("QueueUrls")).hasSize(1);
            assertThat(sqs.call(SqsAction.RECEIVE_MESSAGE, "{\"QueueUrl\":\"" + url + "\"}").get("Messages").get(0)
                    .get("Body").asText()).isEqualTo("sent before the upgrade");

            assertThat(sqs.engine.durableMap(LEGACY_NAMESPACE).all()).isEmpty();
            assertThat(stored(sqs, "legacy").tags()).containsExactly(Map.entry("team", "a"));
            sqs.restart();
            assertThat(attributes(sqs, url).get("VisibilityTimeout").asText()).isEqualTo("45");
        }
    }
}
