package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every time the SQS frontend keeps is the engine's: with the engine's clock standing still and
 * moved by hand, visibility timeouts, delays, the 60 s rules and the queue timestamps follow it,
 * and no test has to sleep through them. (An empty long poll's wait does not, for now: see the
 * disabled case.)
 */
class SqsEngineClockTest {

    @TempDir
    Path dataDir;
    SqsActionsFixture sqs;

    @BeforeEach
    void open() throws Exception {
        sqs = new SqsActionsFixture(dataDir);
    }

    @AfterEach
    void close() throws Exception {
        sqs.close();
    }

    private String create(String name, String attributes) {
        return sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"" + name + "\",\"Attributes\":" + attributes + "}")
                .get("QueueUrl").asText();
    }

    private JsonNode receive(String url, String options) {
        return sqs.call(SqsAction.RECEIVE_MESSAGE, "{\"QueueUrl\":\"" + url + "\",\"MessageSystemAttributeNames\":"
                + "[\"All\"]" + options + "}").path("Messages");
    }

    private void send(String url, String body) {
        sqs.call(SqsAction.SEND_MESSAGE, "{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"" + body + "\"}");
    }

    @Test
    void theQueueTimestampsAreTheEnginesTime() {
        String url = create("stamped", "{}");
        long createdSeconds = sqs.nowMillis() / 1000;
        sqs.advance(Duration.ofSeconds(90));
        sqs.call(SqsAction.SET_QUEUE_ATTRIBUTES, "{\"QueueUrl\":\"" + url + "\",\"Attributes\":"
                + "{\"VisibilityTimeout\":\"5\"}}");
        JsonNode attributes = sqs.call(SqsAction.GET_QUEUE_ATTRIBUTES, "{\"QueueUrl\":\"" + url
                + "\",\"AttributeNames\":[\"All\"]}").get("Attributes");
        assertThat(attributes.get("CreatedTimestamp").asLong()).isEqualTo(createdSeconds);
        assertThat(attributes.get("LastModifiedTimestamp").asLong()).isEqualTo(createdSeconds + 90);
    }

    @Test
    void aMessageComesBackWhenItsVisibilityTimeoutEnds() {
        String url = create("visible-again", "{}");
        send(url, "m");
        JsonNode first = receive(url, ",\"VisibilityTimeout\":30");
        assertThat(first).hasSize(1);
        sqs.advance(Duration.ofSeconds(29));
        assertThat(receive(url, "")).isEmpty();
        sqs.advance(Duration.ofSeconds(1));
        JsonNode again = receive(url, "");
        assertThat(again).hasSize(1);
        assertThat(again.get(0).get("MessageId")).isEqualTo(first.get(0).get("MessageId"));
        assertThat(again.get(0).get("Attributes").get("ApproximateReceiveCount").asText()).isEqualTo("2");
    }

    @Test
    void aDelayedMessageIsReceivedOnceItsDelayHasPassed() {
        String url = create("delayed", "{\"DelaySeconds\":\"600\"}");
        send(url, "later");
        sqs.advance(Duration.ofSeconds(599));
        assertThat(receive(url, "")).isEmpty();
        sqs.advance(Duration.ofSeconds(1));
        JsonNode received = receive(url, "");
        assertThat(received).hasSize(1);
        assertThat(received.get(0).get("Attributes").get("SentTimestamp").asLong())
                .isEqualTo(sqs.nowMillis() - 600_000);
    }

    @Test
    void anEmptyLongPollEndsWhenTheEnginesClockPassesItsWait() {
        String url = create("long-poll", "{}");
        CompletableFuture<ObjectNode> poll = sqs.start(SqsAction.RECEIVE_MESSAGE, "{\"QueueUrl\":\"" + url
                + "\",\"WaitTimeSeconds\":20}");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        sqs.advance(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(5)).until(poll::isDone);
        assertThat(poll.join().path("Messages")).isEmpty();
    }

    @Test
    void aDeletedNameMayBeCreatedAgainSixtySecondsLater() {
        String url = create("reborn", "{}");
        sqs.call(SqsAction.DELETE_QUEUE, "{\"QueueUrl\":\"" + url + "\"}");
        sqs.advance(Duration.ofSeconds(59));
        assertThat(sqs.error(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"reborn\"}"))
                .isEqualTo(SqsError.QUEUE_DELETED_RECENTLY);
        sqs.advance(Duration.ofSeconds(1));
        assertThat(create("reborn", "{}")).isEqualTo(url);
    }

    @Test
    void aQueueMayBePurgedAgainSixtySecondsLater() {
        String url = create("purged", "{}");
        String purge = "{\"QueueUrl\":\"" + url + "\"}";
        sqs.call(SqsAction.PURGE_QUEUE, purge);
        sqs.advance(Duration.ofSeconds(59));
        assertThat(sqs.error(SqsAction.PURGE_QUEUE, purge)).isEqualTo(SqsError.PURGE_QUEUE_IN_PROGRESS);
        sqs.advance(Duration.ofSeconds(1));
        sqs.call(SqsAction.PURGE_QUEUE, purge);
    }
}
