package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * A restart of the gateway between send and receive loses nothing and brings no deleted message
 * back, and a long poll open when it stops gets an answer, over each wire protocol.
 */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsRestartTest {

    @Parameter
    SqsProtocol protocol;

    @TempDir
    Path dataDir;

    @Test
    void messagesAndQueueSettingsSurviveARestartAndDeletedMessagesStayDeleted() {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            String url;
            try (SqsClient sqs = protocol.sync(trilog)) {
                url = sqs.createQueue(b -> b.queueName("durable").attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, "60")).tags(Map.of("k", "v"))).queueUrl();
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    sqs.sendMessage(b -> b.queueUrl(url).messageBody("m" + n));
                }
                List<Message> taken = receiveAll(sqs, url, 2);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(taken.get(0).receiptHandle()));
                // the second stays in flight: visibility locks do not outlive the process, so it comes back
            }
            trilog.restart();
            try (SqsClient sqs = protocol.sync(trilog)) {
                assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                        .attributesAsStrings()).containsEntry("VisibilityTimeout", "60");
                assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsEntry("k", "v");
                List<Message> rest = receiveAll(sqs, url, 3);
                assertThat(rest).extracting(Message::body).containsExactlyInAnyOrder("m1", "m2", "m3");
                rest.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
                assertThat(sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(0).waitTimeSeconds(1)
                        .maxNumberOfMessages(10)).messages()).isEmpty();
            }
        }
    }

    /**
     * A long poll still waiting when the gateway stops is answered with no messages, as SQS answers
     * one whose connection it closes, rather than cut off: the client sees an ordinary empty
     * receive, not a broken connection.
     */
    @Test
    void aLongPollOpenAtShutdownIsAnsweredEmpty() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir); SqsClient sqs = protocol.sync(trilog);
                SqsAsyncClient async = protocol.async(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("polled-at-shutdown")).queueUrl();
            double bodyBytesBefore = receivedBodyBytes(trilog);
            CompletableFuture<ReceiveMessageResponse> poll =
                    async.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20));
            // the poll has reached the endpoint (a request not yet read when the gateway stops is
            // refused, and the SDK's retries then find no server: on a loaded machine the first
            // request of a new async client can take seconds to arrive)
            await().atMost(Duration.ofSeconds(30)).until(() -> receivedBodyBytes(trilog) > bodyBytesBefore);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
            trilog.close();
            assertThat(poll.get(10, TimeUnit.SECONDS).messages()).isEmpty();
        }
    }

    /** The SQS endpoint's {@code trilog_sqs_received_bytes_total}: counted once a request's body is read. */
    private static double receivedBodyBytes(TrilogHarness trilog) {
        return trilog.gateway().metrics().registry().get("trilog.sqs.received").counter().count();
    }

    private static List<Message> receiveAll(SqsClient sqs, String url, int count) {
        List<Message> out = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && out.size() < count; attempt++) {
            int missing = count - out.size();
            out.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(missing).waitTimeSeconds(1))
                    .messages());
        }
        assertThat(out).hasSize(count);
        return out;
    }
}
