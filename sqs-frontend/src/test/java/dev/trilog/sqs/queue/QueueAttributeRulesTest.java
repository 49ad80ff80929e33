package dev.trilog.sqs.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueAttributeRulesTest {

    private static final String DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq";
    private static final QueueAttributeRules.Context STANDARD =
            new QueueAttributeRules.Context(false, arn -> arn.equals(DLQ) ? Optional.of(false) : Optional.empty());
    private static final QueueAttributeRules.Context FIFO =
            new QueueAttributeRules.Context(true, arn -> Optional.empty());

    @Test
    void aNewQueueGetsAwsDefaultsForItsKind() {
        assertThat(QueueAttributeRules.forNewQueue(Map.of(), STANDARD)).containsEntry("VisibilityTimeout", "30")
                .containsEntry("MaximumMessageSize", "1048576").containsEntry("MessageRetentionPeriod", "345600")
                .containsEntry("DelaySeconds", "0").containsEntry("ReceiveMessageWaitTimeSeconds", "0")
                .doesNotContainKeys("FifoQueue", "ContentBasedDeduplication", "RedrivePolicy");
        assertThat(QueueAttributeRules.forNewQueue(Map.of("FifoQueue", "true"), FIFO))
                .containsEntry("FifoQueue", "true").containsEntry("ContentBasedDeduplication", "false")
                .containsEntry("DeduplicationScope", "queue").containsEntry("FifoThroughputLimit", "perQueue");
    }

    @Test
    void rangesAreAwsOnesAndAnswerInvalidAttributeValue() {
        assertError(Map.of("VisibilityTimeout", "43201"), SqsError.INVALID_ATTRIBUTE_VALUE);
        assertError(Map.of("MaximumMessageSize", "1023"), SqsError.INVALID_ATTRIBUTE_VALUE);
        assertError(Map.of("MessageRetentionPeriod", "59"), SqsError.INVALID_ATTRIBUTE_VALUE);
        assertError(Map.of("ReceiveMessageWaitTimeSeconds", "x"), SqsError.INVALID_ATTRIBUTE_VALUE);
        assertThat(QueueAttributeRules.normalize(Map.of("MaximumMessageSize", "1048576", "DelaySeconds", "900"),
                STANDARD, true)).containsEntry("MaximumMessageSize", "1048576").containsEntry("DelaySeconds", "900");
    }

    @Test
    void unknownAndFifoOnlyNamesAreInvalidAttributeNames() {
        assertError(Map.of("Nope", "1"), SqsError.INVALID_ATTRIBUTE_NAME);
        assertError(Map.of("ContentBasedDeduplication", "true"), SqsError.INVALID_ATTRIBUTE_NAME);
        assertThatThrownBy(() -> QueueAttributeRules.normalize(Map.of("FifoQueue", "true"), FIFO, false))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.INVALID_ATTRIBUTE_NAME));
    }

    @Test
    void aRedrivePolicyMustNameAnExistingQueueOfTheSameKind() {
        assertThat(QueueAttributeRules.normalize(Map.of("RedrivePolicy",
                "{\"maxReceiveCount\":\"5\", \"deadLetterTargetArn\":\"" + DLQ + "\"}"), STANDARD, true))
                .containsEntry("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":5}");
        assertError(Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "x\",\"maxReceiveCount\":5}"),
                SqsError.INVALID_PARAMETER_VALUE);
        assertError(Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + DLQ + "\",\"maxReceiveCount\":1001}"),
                SqsError.INVALID_PARAMETER_VALUE);
        assertError(Map.of("RedrivePolicy", "not json"), SqsError.INVALID_PARAMETER_VALUE);
        assertThat(QueueAttributeRules.normalize(Map.of("RedrivePolicy", ""), STANDARD, false))
                .containsEntry("RedrivePolicy", "");
    }

    @Test
    void queueNames() {
        QueueAttributeRules.checkQueueName("a-B_9".repeat(16), false);
        QueueAttributeRules.checkQueueName("orders.fifo", true);
        for (String bad : new String[] {"", "a".repeat(81), "has space", "dot.ted", "orders.fifo"}) {
            assertThatThrownBy(() -> QueueAttributeRules.checkQueueName(bad, false)).isInstanceOf(SqsException.class);
        }
        assertThatThrownBy(() -> QueueAttributeRules.checkQueueName("orders", true)).isInstanceOf(SqsException.class);
        QueueAttributeRules.checkQueueName("_trilog", false);
        QueueAttributeRules.checkQueueName("x__trilog", false);
        for (String reserved : new String[] {"__trilog", "__trilog_metadata", "__trilogs", "__trilog_q.fifo"}) {
            assertThatThrownBy(() -> QueueAttributeRules.checkQueueName(reserved, reserved.endsWith(".fifo")))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.error()).isEqualTo(SqsError.INVALID_PARAMETER_VALUE);
                        assertThat(e.getMessage()).contains("reserved");
                    });
        }
    }

    private static void assertError(Map<String, String> given, SqsError expected) {
        assertThatThrownBy(() -> QueueAttributeRules.normalize(given, STANDARD, true))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }
}
