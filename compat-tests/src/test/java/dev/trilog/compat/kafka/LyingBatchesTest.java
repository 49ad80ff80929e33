package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import dev.trilog.testsupport.LyingBatches;
import dev.trilog.testsupport.LyingBatches.Lie;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The ten ways a batch can contradict its own header while its CRC is right, each sent in a
 * raw Produce request to the topic behind an SQS queue: every one is refused with Kafka's
 * error and nothing of it is written, the connection and other clients carry on, and a Java
 * consumer, a librdkafka consumer and an SQS receiver still read everything that was valid.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LyingBatchesTest {

    private static final String QUEUE = "poison-probe";
    private static final TopicPartition TP = new TopicPartition(QUEUE, 0);

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static SqsClient sqs;
    static String queueUrl;
    static RawKafkaClient raw;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        trilog = TrilogHarness.start(dataDir);
        sqs = SqsClients.sync(trilog);
        queueUrl = sqs.createQueue(b -> b.queueName(QUEUE)).queueUrl();
        raw = new RawKafkaClient(trilog.kafkaBootstrap());
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>(QUEUE, "k", "before")).get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        raw.close();
        sqs.close();
        trilog.close();
    }

    @Order(1)
    @ParameterizedTest
    @EnumSource(Lie.class)
    void theLyingBatchIsRefusedAndNothingIsWritten(Lie lie) throws Exception {
        long endBefore = logEnd();

        PartitionProduceResponse answer = raw.produce(TP,
                MemoryRecords.readableRecords(lie.batch(System.currentTimeMillis())), (short) 1, null);

        Errors expected = lie.refusal() == LyingBatches.Refusal.INVALID_TIMESTAMP ? Errors.INVALID_TIMESTAMP
                : Errors.INVALID_RECORD;
        assertThat(Errors.forCode(answer.errorCode())).as(answer.errorMessage()).isEqualTo(expected);
        assertThat(answer.errorMessage()).isNotBlank();
        assertThat(logEnd()).isEqualTo(endBefore);
        // the same connection goes on: an honest batch right after is written
        PartitionProduceResponse honest = raw.produce(TP,
                MemoryRecords.readableRecords(LyingBatches.uncompressed(1, System.currentTimeMillis())), (short) 1,
                null);
        assertThat(Errors.forCode(honest.errorCode())).isEqualTo(Errors.NONE);
        assertThat(logEnd()).isEqualTo(endBefore + 1);
    }

    @Order(2)
    @Test
    void aJavaConsumerReadsEverythingValid() {
        List<ConsumerRecord<String, String>> records = KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(TP),
                expectedValues().size(), Map.of());
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(expectedValues());
    }

    @Order(3)
    @Test
    void aLibrdkafkaConsumerReadsEverythingValid() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/kcat"));
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must install kcat (.ci/run)").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "kcat is not installed");
        Process process = new ProcessBuilder("/usr/bin/kcat", "-b", trilog.kafkaBootstrap(), "-C", "-t", QUEUE,
                "-o", "beginning", "-e", "-q", "-f", "%s\\n").redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output.lines().toList()).containsExactlyElementsOf(expectedValues());
    }

    @Order(4)
    @Test
    void anSqsReceiverGetsEverythingValidAndTheQueueAnswersItsAttributes() {
        List<String> bodies = new ArrayList<>();
        for (int round = 0; round < 10 && bodies.size() < expectedValues().size(); round++) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                bodies.add(m.body());
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(bodies).containsExactlyElementsOf(expectedValues());
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("All")).attributes())
                .isNotEmpty();
    }

    /** "before", then one honest "value-0" after each of the ten refused lies. */
    private static List<String> expectedValues() {
        List<String> values = new ArrayList<>();
        values.add("before");
        for (int i = 0; i < Lie.values().length; i++) {
            values.add("value-0");
        }
        return values;
    }

    private static long logEnd() throws Exception {
        return admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get().offset();
    }
}
