package dev.trilog.sqs.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the queue URLs and ARNs clients send ({@link QueueUrls}): whatever the text, it
 * names a queue of this account or is answered {@code QueueDoesNotExist} (an ARN: null) — never
 * another exception; and a queue a URL names is named again by the URL Trilog gives it.
 */
class QueueUrlsFuzzTest {

    private static final QueueUrls URLS = new QueueUrls("000000000000", "us-east-1");

    @FuzzTest
    void queueUrl(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            String queue = URLS.queueName(text);
            assertThat(URLS.queueName(URLS.url("sqs.test:9324", queue))).isEqualTo(queue);
        } catch (SqsException refused) {
            assertThat(refused.error()).isEqualTo(SqsError.QUEUE_DOES_NOT_EXIST);
        }
        String queue = URLS.queueNameOfArn(text);
        if (queue != null) {
            assertThat(URLS.queueNameOfArn(URLS.arn(queue))).isEqualTo(queue);
        }
    }
}
