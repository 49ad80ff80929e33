package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/** Queue actions and their errors through the AWS SDK's sync client, over each wire protocol. */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsQueueActionsTest {

    @Parameter
    SqsProtocol protocol;

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static SqsClient sqs;

    @BeforeParameterizedClassInvocation
    static void start(SqsProtocol protocol) throws IOException {
        trilog = TrilogHarness.start(Files.createDirectories(dataDir.resolve(protocol.name())));
        sqs = protocol.sync(trilog);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        sqs.close();
        trilog.close();
    }

    @Test
    void createIsIdempotentWithTheSameAttributesAndRefusesOthers() {
        CreateQueueResponse created = sqs.createQueue(b -> b.queueName("idem").attributes(
                Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45")));
        assertThat(created.queueUrl()).isEqualTo(trilog.sqsEndpoint() + "/000000000000/idem");
        assertThat(sqs.createQueue(b -> b.queueName("idem").attributes(
                Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45"))).queueUrl()).isEqualTo(created.queueUrl());
        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName("idem").attributes(
                Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "46"))))
                .isInstanceOfSatisfying(QueueNameExistsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("QueueAlreadyExists"));
    }

    @Test
    void getQueueUrlAndTheNonExistentQueueError() {
        String url = sqs.createQueue(b -> b.queueName("named")).queueUrl();
        assertThat(sqs.getQueueUrl(b -> b.queueName("named")).queueUrl()).isEqualTo(url);
        assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName("nope")))
                .isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void listQueuesFiltersByPrefixAndPages() {
        for (String name : new String[] {"page-a", "page-b", "page-c", "other"}) {
            sqs.createQueue(b -> b.queueName(name));
        }
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("page-")).queueUrls()).hasSize(3)
                .allMatch(u -> u.contains("/000000000000/page-"));
        ListQueuesResponse first = sqs.listQueues(b -> b.queueNamePrefix("page-").maxResults(2));
        assertThat(first.queueUrls()).hasSize(2);
        assertThat(first.nextToken()).isNotNull();
        ListQueuesResponse second = sqs.listQueues(b -> b.queueNamePrefix("page-").maxResults(2)
                .nextToken(first.nextToken()));
        assertThat(second.queueUrls()).hasSize(1).allMatch(u -> u.endsWith("/page-c"));
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void attributesAreReportedBackIncludingDefaultsAndComputedOnes() {
        String url = sqs.createQueue(b -> b.queueName("attrs").attributes(Map.of(
                QueueAttributeName.DELAY_SECONDS, "2", QueueAttributeName.MESSAGE_RETENTION_PERIOD, "600"))).queueUrl();
        GetQueueAttributesResponse all = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL));
        Map<String, String> a = all.attributesAsStrings();
        assertThat(a).containsEntry("DelaySeconds", "2").containsEntry("MessageRetentionPeriod", "600")
                .containsEntry("VisibilityTimeout", "30").containsEntry("MaximumMessageSize", "1048576")
                .containsEntry("ReceiveMessageWaitTimeSeconds", "0").containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "0")
                .containsEntry("ApproximateNumberOfMessagesDelayed", "0")
                .containsEntry("QueueArn", "arn:aws:sqs:us-east-1:000000000000:attrs")
                .containsKeys("CreatedTimestamp", "LastModifiedTimestamp").doesNotContainKey("FifoQueue");
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "99")));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                .attributesAsStrings()).containsExactly(Map.entry("VisibilityTimeout", "99"));
    }

    @Test
    void badAttributesGetAwsErrorCodes() {
        assertThat(errorCode(() -> sqs.createQueue(b -> b.queueName("bad").attributes(
                Map.of(QueueAttributeName.DELAY_SECONDS, "901"))))).isEqualTo("InvalidAttributeValue");
        assertThat(errorCode(() -> sqs.createQueue(b -> b.queueName("bad").attributesWithStrings(
                Map.of("Frobnication", "1"))))).isEqualTo("InvalidAttributeName");
        assertThat(errorCode(() -> sqs.createQueue(b -> b.queueName("bad name")))).isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.createQueue(b -> b.queueName("bad").attributes(
                Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))))).isEqualTo("InvalidAttributeName");
        String url = sqs.createQueue(b -> b.queueName("bad-get")).queueUrl();
        assertThat(errorCode(() -> sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("Nope"))))
                .isEqualTo("InvalidAttributeName");
        assertThat(errorCode(() -> sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of(
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:none\","
                        + "\"maxReceiveCount\":3}"))))).isEqualTo("InvalidParameterValue");
    }

    /**
     * The engine keeps every name starting with {@code __trilog} for its internal logs: CreateQueue
     * refuses them as AWS refuses invalid names (no 500 an SDK would retry), and no other action
     * finds a queue by them.
     */
    @Test
    void namesTheEngineReservesAreInvalidAndNameNoQueue() {
        for (String name : List.of("__trilog_metadata", "__trilog_offsets", "__trilog", "__trilogx")) {
            assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName(name)))
                    .as(name).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("reserved");
                    });
            assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName(name)))
                    .as(name).isInstanceOf(QueueDoesNotExistException.class);
            String url = trilog.sqsEndpoint() + "/000000000000/" + name;
            assertThatThrownBy(() -> sqs.getQueueAttributes(b -> b.queueUrl(url)))
                    .as(name).isInstanceOf(QueueDoesNotExistException.class);
            assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x")))
                    .as(name).isInstanceOf(QueueDoesNotExistException.class);
            assertThatThrownBy(() -> sqs.deleteQueue(b -> b.queueUrl(url)))
                    .as(name).isInstanceOf(QueueDoesNotExistException.class);
        }
        String source = sqs.createQueue(b -> b.queueName("redrive-to-reserved")).queueUrl();
        assertThat(errorCode(() -> sqs.setQueueAttributes(b -> b.queueUrl(source).attributesWithStrings(Map.of(
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:__trilog_metadata\","
                        + "\"maxReceiveCount\":3}"))))).isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.startMessageMoveTask(b -> b.sourceArn(
                "arn:aws:sqs:us-east-1:000000000000:__trilog_metadata")))).isEqualTo("ResourceNotFoundException");
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("__")).queueUrls()).isEmpty();
    }

    @Test
    void purgeDeletesInFlightMessagesToo() {
        String url = sqs.createQueue(b -> b.queueName("purged")).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("held"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("waiting"));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(1)).messages()).hasSize(1);

        sqs.purgeQueue(b -> b.queueUrl(url));

        // as in AWS ("including in-flight messages"): nothing comes back when the timeout ends
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages()).isEmpty();
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
    }

    @Test
    void deleteThenRecreateTooSoonAndPurgeTwice() {
        String url = sqs.createQueue(b -> b.queueName("gone")).queueUrl();
        sqs.purgeQueue(b -> b.queueUrl(url));
        assertThat(errorCode(() -> sqs.purgeQueue(b -> b.queueUrl(url))))
                .isEqualTo("AWS.SimpleQueueService.PurgeQueueInProgress");
        sqs.deleteQueue(b -> b.queueUrl(url));
        assertThatThrownBy(() -> sqs.getQueueAttributes(b -> b.queueUrl(url)))
                .isInstanceOf(QueueDoesNotExistException.class);
        assertThat(errorCode(() -> sqs.createQueue(b -> b.queueName("gone"))))
                .isEqualTo("AWS.SimpleQueueService.QueueDeletedRecently");
    }

    @Test
    void tagsAndPermissionsAreStoredAndAnswered() {
        String url = sqs.createQueue(b -> b.queueName("tagged").tags(Map.of("team", "a"))).queueUrl();
        sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of("env", "test")));
        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsOnly(Map.entry("team", "a"),
                Map.entry("env", "test"));
        sqs.untagQueue(b -> b.queueUrl(url).tagKeys("team"));
        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsOnly(Map.entry("env", "test"));
        sqs.addPermission(b -> b.queueUrl(url).label("l1").awsAccountIds("111122223333").actions("SendMessage"));
        assertThat(errorCode(() -> sqs.addPermission(b -> b.queueUrl(url).label("l1").awsAccountIds("111122223333")
                .actions("SendMessage")))).isEqualTo("InvalidParameterValue");
        sqs.removePermission(b -> b.queueUrl(url).label("l1"));
        assertThat(errorCode(() -> sqs.removePermission(b -> b.queueUrl(url).label("l1"))))
                .isEqualTo("InvalidParameterValue");
    }

    @Test
    void deadLetterSourceQueuesAreListed() {
        String dlq = sqs.createQueue(b -> b.queueName("dlq-src-target")).queueUrl();
        sqs.createQueue(b -> b.queueName("dlq-src-1").attributesWithStrings(Map.of("RedrivePolicy",
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq-src-target\","
                        + "\"maxReceiveCount\":\"2\"}")));
        assertThat(sqs.listDeadLetterSourceQueues(b -> b.queueUrl(dlq)).queueUrls())
                .containsExactly(trilog.sqsEndpoint() + "/000000000000/dlq-src-1");
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(trilog.sqsEndpoint() + "/000000000000/dlq-src-1")
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributesAsStrings().get("RedrivePolicy"))
                .isEqualTo("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq-src-target\","
                        + "\"maxReceiveCount\":2}");
    }

    static String errorCode(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            return e.awsErrorDetails().errorCode();
        }
        throw new AssertionError("the call succeeded");
    }
}
