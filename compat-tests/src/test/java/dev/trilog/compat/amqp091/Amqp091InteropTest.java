package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * AMQP 0-9-1 next to Kafka and SQS on one gateway: a queue declared by the RabbitMQ client is a
 * Kafka topic and an SQS queue, both ways. (The 0-9-1 listener is the test one, over the
 * gateway's own topology and queues, until the shared AMQP listener lands.)
 */
class Amqp091InteropTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static Amqp091TestServer amqp;
    static Connection connection;
    static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        trilog = TrilogHarness.start(dataDir);
        amqp = new Amqp091TestServer(trilog.gateway());
        connection = amqp.factory().newConnection();
        sqs = SqsClients.sync(trilog);
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        amqp.close();
        sqs.close();
        trilog.close();
    }

    static GetResponse awaitGet(Channel ch, String queue) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got[0] = ch.basicGet(queue, true);
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void aKafkaConsumerReadsWhatAmqpPublished() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("amqp-to-kafka", true, false, false, null);
        ch.confirmSelect();
        ch.basicPublish("", "amqp-to-kafka", new AMQP.BasicProperties.Builder().contentType("text/plain")
                .headers(Map.of("colour", "blue")).build(), "from amqp".getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(5000);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("amqp-to-kafka", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            ConsumerRecord<String, String> r = records.get(0);
            assertThat(r.value()).isEqualTo("from amqp");
            assertThat(new String(r.headers().lastHeader("colour").value(), StandardCharsets.UTF_8)).isEqualTo("blue");
            assertThat(new String(r.headers().lastHeader("trilog.content-type").value(), StandardCharsets.UTF_8))
                    .isEqualTo("text/plain");
        }
    }

    @Test
    void amqpConsumesWhatAKafkaProducerWrote() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("kafka-to-amqp", true, false, false, null);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("kafka-to-amqp", "k", "from kafka");
            record.headers().add("origin", "kafka".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        GetResponse got = awaitGet(ch, "kafka-to-amqp");
        assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("from kafka");
        assertThat(got.getEnvelope().getExchange()).isEmpty();
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("kafka-to-amqp");
        assertThat(got.getProps().getHeaders().get("origin").toString()).isEqualTo("kafka");
    }

    @Test
    void sqsAndAmqpShareAQueueBothWays() throws Exception {
        // SQS keeps its own catalogue of queues (attributes): the queue is SQS's, AMQP uses it
        String url = sqs.createQueue(b -> b.queueName("shared-q")).queueUrl();
        Channel ch = connection.createChannel();
        ch.queueDeclarePassive("shared-q");

        ch.basicPublish("", "shared-q", new AMQP.BasicProperties.Builder().headers(Map.of("n", 5)).build(),
                "amqp to sqs".getBytes(StandardCharsets.UTF_8));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).messageAttributeNames("All"))
                .messages().get(0);
        assertThat(m.body()).isEqualTo("amqp to sqs");
        assertThat(m.messageAttributes().get("n").dataType()).startsWith("Number");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));

        sqs.sendMessage(b -> b.queueUrl(url).messageBody("sqs to amqp").messageAttributes(Map.of("colour",
                MessageAttributeValue.builder().dataType("String").stringValue("red").build())));
        GetResponse got = awaitGet(ch, "shared-q");
        assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("sqs to amqp");
        assertThat(got.getProps().getHeaders().get("colour").toString()).isEqualTo("red");
        assertThat(got.getProps().getMessageId()).isNotEmpty();
    }
}
