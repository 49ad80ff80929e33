package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** An SQS queue is a Kafka topic of the same name, both ways, over each SQS wire protocol. */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsKafkaInteropTest {

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
    void aKafkaConsumerReadsWhatSqsSent() {
        String url = sqs.createQueue(b -> b.queueName("sqs-to-kafka")).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("from sqs").messageAttributes(Map.of("colour",
                MessageAttributeValue.builder().dataType("String").stringValue("blue").build())));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("sqs-to-kafka", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            assertThat(records.get(0).value()).isEqualTo("from sqs");
            assertThat(new String(records.get(0).headers().lastHeader("colour").value(), StandardCharsets.UTF_8))
                    .isEqualTo("blue");
        }
    }

    @Test
    void sqsReceivesWhatAKafkaProducerWroteToTheQueuesTopic() {
        String url = sqs.createQueue(b -> b.queueName("kafka-to-sqs")).queueUrl();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("kafka-to-sqs", null, "from kafka");
            record.headers().add("origin", "kafka".getBytes(StandardCharsets.UTF_8));
            producer.send(record);
            producer.flush();
        }
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).messageAttributeNames("All"))
                .messages().get(0);
        assertThat(m.body()).isEqualTo("from kafka");
        assertThat(m.messageId()).isNotEmpty();
        assertThat(m.messageAttributes().get("origin").stringValue()).isEqualTo("kafka");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
    }
}
