package dev.trilog.compat.sqs;

import static dev.trilog.compat.sqs.SqsQueueActionsTest.errorCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Messages through the AWS SDK (sync and async clients, MD5 checks on), over each wire protocol:
 * attributes of every type, receive options, visibility, long polling, batches and their errors,
 * dead-lettering and redrive, FIFO order and deduplication.
 */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsMessagesTest {

    @Parameter
    SqsProtocol protocol;

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static SqsClient sqs;
    static SqsAsyncClient async;

    @BeforeParameterizedClassInvocation
    static void start(SqsProtocol protocol) throws IOException {
        trilog = TrilogHarness.start(Files.createDirectories(dataDir.resolve(protocol.name())));
        sqs = protocol.sync(trilog);
        async = protocol.async(trilog);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        async.close();
        sqs.close();
        trilog.close();
    }

    private static String queue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static MessageAttributeValue string(String type, String value) {
        return MessageAttributeValue.builder().dataType(type).stringValue(value).build();
    }

    @Test
    void attributesOfEveryTypeRoundTripWithTheSdksDigestChecks() {
        String url = queue("attributes");
        Map<String, MessageAttributeValue> attributes = Map.of(
                "s", string("String", "héllo ✓"),
                "n", string("Number", "-12.50"),
                "f", string("Number.float", "1e5"),
                "j", string("String.json", "{\"a\":1}"),
                "b", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(
                        new byte[] {0, 1, 2, (byte) 0xFF})).build(),
                "p", MessageAttributeValue.builder().dataType("Binary.png").binaryValue(SdkBytes.fromUtf8String("png"))
                        .build());
        SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("body ü")
                .messageAttributes(attributes)
                .messageSystemAttributesWithStrings(Map.of("AWSTraceHeader", MessageSystemAttributeValue.builder()
                        .dataType("String").stringValue("Root=1-5759e988-bd862e3fe1be46a994272793").build())));
        assertThat(sent.md5OfMessageAttributes()).isNotNull();
        assertThat(sent.md5OfMessageSystemAttributes()).isNotNull();
        Message received = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().get(0);
        assertThat(received.messageId()).isEqualTo(sent.messageId());
        assertThat(received.body()).isEqualTo("body ü");
        assertThat(received.messageAttributes()).isEqualTo(attributes);
        assertThat(received.md5OfMessageAttributes()).isEqualTo(sent.md5OfMessageAttributes());
        assertThat(received.attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")
                .containsEntry(MessageSystemAttributeName.AWS_TRACE_HEADER, "Root=1-5759e988-bd862e3fe1be46a994272793")
                .containsKeys(MessageSystemAttributeName.SENT_TIMESTAMP,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                        MessageSystemAttributeName.SENDER_ID);
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.receiptHandle()));
    }

    @Test
    void attributeNamesSelectByNameAndPrefix() {
        String url = queue("prefixes");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(Map.of(
                "foo.a", string("String", "1"), "foo.b", string("String", "2"), "bar", string("String", "3"))));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("foo.*").visibilityTimeout(0))
                .messages().get(0);
        assertThat(m.messageAttributes()).containsOnlyKeys("foo.a", "foo.b");
        Message none = sqs.receiveMessage(b -> b.queueUrl(url)).messages().get(0);
        assertThat(none.messageAttributes()).isEmpty();
        assertThat(none.md5OfMessageAttributes()).isNull();
    }

    @Test
    void aMessageComesBackWhenItsVisibilityTimeoutEnds() {
        String url = queue("visibility");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("again"));
        Message first = sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().get(0);
        assertThat(first.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("1");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        Message second = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).visibilityTimeout(30)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().get(0);
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2");
        assertThat(second.receiptHandle()).isNotEqualTo(first.receiptHandle());
        // the old handle cannot extend the new delivery
        assertThat(errorCode(() -> sqs.changeMessageVisibility(b -> b.queueUrl(url)
                .receiptHandle(first.receiptHandle()).visibilityTimeout(60)))).isEqualTo("InvalidParameterValue");
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(second.receiptHandle()).visibilityTimeout(0));
        Message third = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages().get(0);
        assertThat(third.messageId()).isEqualTo(first.messageId());
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(third.receiptHandle()));
        // deleting again is not an error, as in SQS
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(third.receiptHandle()));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
    }

    @Test
    void changingTheVisibilityOfAMessageNoLongerInFlightIsMessageNotInflight() {
        String url = queue("not-inflight");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("m"));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(1)).messages().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings()
                .get("ApproximateNumberOfMessages").equals("1"));
        assertThat(errorCode(() -> sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())
                .visibilityTimeout(10)))).isEqualTo("AWS.SimpleQueueService.MessageNotInflight");
    }

    @Test
    void aSlowConsumersDeleteAfterItsVisibilityTimeoutStillDeletesIfNobodyReceivedTheMessageSince() {
        String url = queue("slow-consumer");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("slow"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("taken"));
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(2).visibilityTimeout(1))
                .messages();
        assertThat(got).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings()
                .get("ApproximateNumberOfMessages").equals("2"));
        Message slow = got.stream().filter(m -> m.body().equals("slow")).findFirst().orElseThrow();
        Message taken = got.stream().filter(m -> m.body().equals("taken")).findFirst().orElseThrow();

        // as in SQS: the latest receipt handle deletes even after the timeout
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(slow.receiptHandle()));
        Message again = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30))
                .messages().get(0);
        assertThat(again.body()).isEqualTo("taken");
        // but once another receive took the message, the old handle no longer deletes it
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(taken.receiptHandle()));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "1");
    }

    @Test
    void aLongPollReturnsAsSoonAsAMessageIsSent() throws Exception {
        String url = queue("long-poll");
        // the sender's connection is opened first, so what is timed is the send and the wake-up
        sqs.getQueueUrl(b -> b.queueName("long-poll"));
        CompletableFuture<ReceiveMessageResponse> poll = async.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> !poll.isDone());
        long sentAt = System.nanoTime();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("wake up"));
        ReceiveMessageResponse response = poll.get(15, TimeUnit.SECONDS);
        long wokeAfterMs = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(response.messages()).extracting(Message::body).containsExactly("wake up");
        // woken by the send, not at the end of its 20 s wait: the bound leaves room for a loaded machine
        assertThat(wokeAfterMs).as("ms from send to the long poll's answer").isLessThan(10_000);
    }

    @Test
    void anEmptyLongPollWaitsItsTime() throws Exception {
        String url = queue("long-poll-empty");
        long start = System.nanoTime();
        assertThat(async.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).get(10, TimeUnit.SECONDS)
                .messages()).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 5000L);
    }

    @Test
    void batchesAnswerPerEntry() {
        String url = queue("batches");
        SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody("one").build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody("two").messageAttributes(
                        Map.of("k", string("String", "v"))).build(),
                SendMessageBatchRequestEntry.builder().id("bad").messageBody("\u0000").build()));
        assertThat(sent.successful()).extracting(e -> e.id()).containsExactly("a", "b");
        assertThat(sent.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("bad");
            assertThat(f.code()).isEqualTo("InvalidMessageContents");
            assertThat(f.senderFault()).isTrue();
        });
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2))
                .messages();
        List<Message> all = new ArrayList<>(got);
        if (all.size() < 2) {
            all.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)).messages());
        }
        assertThat(all).extracting(Message::body).containsExactlyInAnyOrder("one", "two");
        ChangeMessageVisibilityBatchResponse changed = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(
                e -> e.id("x").receiptHandle(all.get(0).receiptHandle()).visibilityTimeout(60),
                e -> e.id("y").receiptHandle("garbage").visibilityTimeout(60)));
        assertThat(changed.successful()).extracting(e -> e.id()).containsExactly("x");
        assertThat(changed.failed()).extracting(f -> f.code()).containsExactly("ReceiptHandleIsInvalid");
        DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("d1").receiptHandle(all.get(0).receiptHandle()),
                e -> e.id("d2").receiptHandle(all.get(1).receiptHandle()),
                e -> e.id("d3").receiptHandle("garbage")));
        assertThat(deleted.successful()).extracting(e -> e.id()).containsExactly("d1", "d2");
        assertThat(deleted.failed()).extracting(f -> f.id() + ":" + f.code()).containsExactly("d3:ReceiptHandleIsInvalid");
    }

    @Test
    void batchRequestErrors() {
        String url = queue("batch-errors");
        Map<String, Function<List<String>, Runnable>> batchOfIds = Map.of(
                "SendMessageBatch", ids -> () -> sqs.sendMessageBatch(b -> b.queueUrl(url).entries(ids.stream()
                        .map(id -> SendMessageBatchRequestEntry.builder().id(id).messageBody("m").build()).toList())),
                "DeleteMessageBatch", ids -> () -> sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(ids.stream()
                        .map(id -> DeleteMessageBatchRequestEntry.builder().id(id).receiptHandle("h").build())
                        .toList())),
                "ChangeMessageVisibilityBatch", ids -> () -> sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url)
                        .entries(ids.stream().map(id -> ChangeMessageVisibilityBatchRequestEntry.builder().id(id)
                                .receiptHandle("h").visibilityTimeout(5).build()).toList())));
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("e" + i);
        }
        batchOfIds.forEach((action, batch) -> {
            assertThat(errorCode(batch.apply(eleven))).as(action)
                    .isEqualTo("AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
            assertThat(errorCode(batch.apply(List.of()))).as(action)
                    .isEqualTo("AWS.SimpleQueueService.EmptyBatchRequest");
            assertThat(errorCode(batch.apply(List.of("same", "same")))).as(action)
                    .isEqualTo("AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
            assertThat(errorCode(batch.apply(List.of("not valid!")))).as(action)
                    .isEqualTo("AWS.SimpleQueueService.InvalidBatchEntryId");
        });
        String big = "x".repeat(200 * 1024);
        List<SendMessageBatchRequestEntry> large = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            large.add(SendMessageBatchRequestEntry.builder().id("l" + i).messageBody(big).build());
        }
        assertThat(errorCode(() -> sqs.sendMessageBatch(b -> b.queueUrl(url).entries(large))))
                .isEqualTo("AWS.SimpleQueueService.BatchRequestTooLong");
    }

    @Test
    void aOneMebibyteMessageFitsTheDefaultLimit() {
        String url = queue("large");
        String body = "é".repeat(512 * 1024); // 2 bytes each in UTF-8: exactly 1,048,576 bytes
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(body + "x"))))
                .isEqualTo("InvalidParameterValue");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages().get(0).body()).isEqualTo(body);
    }

    /**
     * A request past the server's body limit (8 MiB) is an error the SDK reads, in its protocol's
     * shape: HTTP 413, as AWS answers, with a code and a message, not a body it cannot parse.
     */
    @Test
    void aRequestOverTheBodyLimitIsAnErrorTheSdkReads() {
        String url = queue("oversized");
        String body = "x".repeat(9 << 20);
        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(body)))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLarge");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("HTTP content length exceeded 8388608 bytes.");
                });
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
    }

    @Test
    void messageErrors() {
        String url = sqs.createQueue(b -> b.queueName("message-errors").attributes(
                Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024"))).queueUrl();
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("bad \uFFFF"))))
                .isEqualTo("InvalidMessageContents");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x".repeat(1025)))))
                .isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").delaySeconds(901))))
                .isEqualTo("InvalidParameterValue");
        Map<String, MessageAttributeValue> eleven = new java.util.HashMap<>();
        for (int i = 0; i < 11; i++) {
            eleven.put("a" + i, string("String", "v"));
        }
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(eleven))))
                .isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(
                Map.of("n", string("Number", "twelve")))))).isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(
                Map.of("AWS.reserved", string("String", "v")))))).isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(11))))
                .isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(21))))
                .isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle("garbage"))))
                .isEqualTo("ReceiptHandleIsInvalid");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x")
                .messageDeduplicationId("d")))).isEqualTo("InvalidParameterValue");
    }

    @Test
    void aDelayedMessageIsDelayed() {
        String url = sqs.createQueue(b -> b.queueName("delayed").attributes(
                Map.of(QueueAttributeName.DELAY_SECONDS, "2"))).queueUrl();
        long start = System.nanoTime();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("later"));
        // counted as delayed at once, before any receive looked at it
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessagesDelayed", "1")
                .containsEntry("ApproximateNumberOfMessages", "0");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)).messages().get(0);
        assertThat(m.body()).isEqualTo("later");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1900);
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("now").delaySeconds(0));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages())
                .extracting(Message::body).containsExactly("now");
    }

    @Test
    void afterMaxReceiveCountAMessageMovesToTheDeadLetterQueueAndAMoveTaskBringsItBack() {
        String dlq = queue("dlq-target");
        String source = sqs.createQueue(b -> b.queueName("dlq-source").attributesWithStrings(Map.of("RedrivePolicy",
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq-target\",\"maxReceiveCount\":2}")))
                .queueUrl();
        sqs.sendMessage(b -> b.queueUrl(source).messageBody("poison"));
        for (int i = 0; i < 2; i++) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(source).visibilityTimeout(0).waitTimeSeconds(2)).messages())
                    .extracting(Message::body).containsExactly("poison");
        }
        assertThat(sqs.receiveMessage(b -> b.queueUrl(source).waitTimeSeconds(1)).messages()).isEmpty();
        Message dead = sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(5).visibilityTimeout(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN)).messages().get(0);
        assertThat(dead.body()).isEqualTo("poison");
        assertThat(dead.attributes().get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN))
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:dlq-source");
        String task = sqs.startMessageMoveTask(b -> b.sourceArn("arn:aws:sqs:us-east-1:000000000000:dlq-target"))
                .taskHandle();
        assertThat(task).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.listMessageMoveTasks(b -> b.sourceArn(
                "arn:aws:sqs:us-east-1:000000000000:dlq-target")).results().get(0).status().equals("COMPLETED"));
        assertThat(sqs.listMessageMoveTasks(b -> b.sourceArn("arn:aws:sqs:us-east-1:000000000000:dlq-target"))
                .results().get(0).approximateNumberOfMessagesMoved()).isEqualTo(1L);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(source).waitTimeSeconds(5)).messages())
                .extracting(Message::body).containsExactly("poison");
        assertThat(errorCode(() -> sqs.startMessageMoveTask(b -> b.sourceArn(
                "arn:aws:sqs:us-east-1:000000000000:dlq-source")))).isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.startMessageMoveTask(b -> b.sourceArn(
                "arn:aws:sqs:us-east-1:000000000000:no-such-queue")))).isEqualTo("ResourceNotFoundException");
        // the task is over, so there is nothing to cancel
        assertThat(errorCode(() -> sqs.cancelMessageMoveTask(b -> b.taskHandle(task))))
                .isEqualTo("ResourceNotFoundException");
    }

    @Test
    void fifoKeepsGroupOrderBlocksAGroupInFlightAndDeduplicates() {
        String url = sqs.createQueue(b -> b.queueName("orders.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            ids.add(sqs.sendMessage(b -> b.queueUrl(url).messageBody("m" + n).messageGroupId("g1")
                    .messageDeduplicationId("d" + n)).messageId());
        }
        SendMessageResponse again = sqs.sendMessage(b -> b.queueUrl(url).messageBody("m0 again").messageGroupId("g1")
                .messageDeduplicationId("d0"));
        assertThat(again.messageId()).isEqualTo(ids.get(0));
        assertThat(again.sequenceNumber()).isNotEmpty();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Message m = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID,
                            MessageSystemAttributeName.SEQUENCE_NUMBER,
                            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages().get(0);
            bodies.add(m.body());
            assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g1")
                    .containsEntry(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "d" + i)
                    .containsKey(MessageSystemAttributeName.SEQUENCE_NUMBER);
            // the group is blocked while its message is in flight
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()).isEmpty();
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        }
        assertThat(bodies).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageDeduplicationId("x"))))
                .isEqualTo("MissingParameter");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g"))))
                .isEqualTo("InvalidParameterValue");
        assertThat(errorCode(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g")
                .messageDeduplicationId("x").delaySeconds(1)))).isEqualTo("InvalidParameterValue");
    }

    @Test
    void contentBasedDeduplicationUsesTheBody() {
        String url = sqs.createQueue(b -> b.queueName("content.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")))
                .queueUrl();
        String first = sqs.sendMessage(b -> b.queueUrl(url).messageBody("same").messageGroupId("g")).messageId();
        assertThat(sqs.sendMessage(b -> b.queueUrl(url).messageBody("same").messageGroupId("g")).messageId())
                .isEqualTo(first);
        List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages();
        assertThat(received).hasSize(1);
        // as AWS: the id content-based deduplication used, the body's SHA-256 in hex
        assertThat(received.get(0).attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID,
                "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5");
    }

    @Test
    void theAsyncClientSendsAndReceivesBatches() throws Exception {
        String url = queue("async-batches");
        SendMessageBatchResponse sent = async.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("1").messageBody("a").messageAttributes(Map.of("k", string("Number", "7"))),
                e -> e.id("2").messageBody("b"))).get(5, TimeUnit.SECONDS);
        assertThat(sent.successful()).hasSize(2);
        List<Message> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            got.addAll(async.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).messageAttributeNames("All"))
                    .get(5, TimeUnit.SECONDS).messages());
            return got.size() == 2;
        });
        assertThat(got).extracting(Message::body).containsExactlyInAnyOrder("a", "b");
        assertThat(new String(got.stream().filter(m -> m.body().equals("a")).findFirst().orElseThrow()
                .messageAttributes().get("k").stringValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo("7");
    }
}
