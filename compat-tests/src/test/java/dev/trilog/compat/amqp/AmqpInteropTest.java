package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
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
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** One message, three protocols: AMQP 1.0 ⇄ Kafka and AMQP 1.0 ⇄ SQS, both ways. */
class AmqpInteropTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static JmsConnectionFactory factory;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
        factory = new JmsConnectionFactory(trilog.amqpUri());
        sqs = SqsClients.sync(trilog);
    }

    @AfterAll
    static void stop() {
        sqs.close();
        trilog.close();
    }

    @Test
    void aKafkaConsumerReadsWhatAnAmqpClientSent() throws Exception {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("amqp-to-kafka"));
            TextMessage message = session.createTextMessage("from amqp");
            message.setStringProperty("colour", "blue");
            message.setLongProperty("size", 12L);
            producer.send(message);
        }
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
            ConsumerRecord<String, String> record = records.get(0);
            assertThat(record.value()).isEqualTo("from amqp"); // an amqp-value string is stored as its text
            assertThat(header(record, "colour")).isEqualTo("blue");
            assertThat(header(record, "size")).isEqualTo("12");
            assertThat(header(record, "trilog.message-id")).startsWith("ID:");
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anAmqpClientReceivesWhatAKafkaProducerWroteToTheQueuesTopic() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("kafka-to-amqp"); // declares the queue (a bare name)
            var consumer = session.createConsumer(queue);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                ProducerRecord<String, String> record = new ProducerRecord<>("kafka-to-amqp", "key", "from kafka");
                record.headers().add("trace", "abc".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
            Message received = consumer.receive(10_000);
            assertThat(received).isInstanceOf(BytesMessage.class); // a Kafka value is a data section
            BytesMessage bytes = (BytesMessage) received;
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("from kafka");
            assertThat(received.getStringProperty("trace")).isEqualTo("abc");
        }
    }

    @Test
    void anAmqpClientReadsAnyKafkaTopicAsAStream() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer()); Connection connection = factory.createConnection()) {
            producer.send(new ProducerRecord<>("kafka-stream", "k", "before")).get(); // auto-creates the topic
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = session.createConsumer(session.createQueue("/topics/kafka-stream")); // from next
            Thread.sleep(300);
            producer.send(new ProducerRecord<>("kafka-stream", "k", "after-1")).get();
            producer.send(new ProducerRecord<>("kafka-stream", "k", "after-2")).get();
            List<String> read = new ArrayList<>();
            for (Message m = consumer.receive(10_000); m != null; m = consumer.receive(500)) {
                read.add(new String(m.getBody(byte[].class), StandardCharsets.UTF_8));
            }
            assertThat(read).containsExactly("after-1", "after-2");
        }
    }

    @Test
    void sqsReceivesWhatAnAmqpClientSent() throws Exception {
        String url = sqs.createQueue(b -> b.queueName("amqp-to-sqs")).queueUrl();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("/queues/amqp-to-sqs"));
            TextMessage message = session.createTextMessage("hello sqs");
            message.setStringProperty("colour", "green");
            producer.send(message);
        }
        var received = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).messageAttributeNames("All"))
                .messages();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).body()).isEqualTo("hello sqs");
        assertThat(received.get(0).messageAttributes().get("colour").stringValue()).isEqualTo("green");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.get(0).receiptHandle()));
    }

    @Test
    void anAmqpClientReceivesWhatSqsSent() throws Exception {
        String url = sqs.createQueue(b -> b.queueName("sqs-to-amqp")).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello amqp").messageAttributes(Map.of("colour",
                MessageAttributeValue.builder().dataType("String").stringValue("red").build())));
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Message received = session.createConsumer(session.createQueue("/queues/sqs-to-amqp")).receive(10_000);
            assertThat(received).isNotNull();
            byte[] body = received.getBody(byte[].class);
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("hello amqp");
            assertThat(received.getStringProperty("colour")).isEqualTo("red");
            received.acknowledge();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> "0".equals(sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }
}
