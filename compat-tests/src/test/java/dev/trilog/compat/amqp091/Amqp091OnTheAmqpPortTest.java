package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.Message;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMQP 0-9-1 and AMQP 1.0 on the gateway's one AMQP port, told apart by the protocol header: the
 * RabbitMQ Java client and Qpid JMS connect to the same port and exchange messages through the
 * same queues, both ways.
 */
class Amqp091OnTheAmqpPortTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static Connection rabbit;
    static JmsConnectionFactory jms;

    @BeforeAll
    static void start() throws Exception {
        trilog = TrilogHarness.start(dataDir);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        factory.setAutomaticRecoveryEnabled(false);
        rabbit = factory.newConnection("on-the-amqp-port");
        jms = new JmsConnectionFactory(trilog.amqpUri());
    }

    @AfterAll
    static void stop() throws Exception {
        rabbit.close();
        trilog.close();
    }

    @Test
    void aMessagePublishedOver091IsReceivedOver10() throws Exception {
        try (Channel channel = rabbit.createChannel()) {
            channel.queueDeclare("from-091", true, false, false, Map.of());
            channel.confirmSelect();
            channel.basicPublish("", "from-091", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "hello from 0-9-1".getBytes(StandardCharsets.UTF_8));
            assertThat(channel.waitForConfirms(Duration.ofSeconds(10).toMillis())).isTrue();
        }
        try (JMSContext context = jms.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue("/queues/from-091"))) {
            Message received = consumer.receive(10_000);
            assertThat(received).isNotNull();
            // content-type text/plain: the AMQP 1.0 side presents it as text, which JMS reads as a String
            assertThat(received.getBody(String.class)).isEqualTo("hello from 0-9-1");
        }
    }

    @Test
    void aMessageSentOver10IsGotOver091() throws Exception {
        try (Channel channel = rabbit.createChannel()) {
            channel.queueDeclare("from-10", true, false, false, Map.of());
        }
        try (JMSContext context = jms.createContext()) {
            context.createProducer().send(context.createQueue("/queues/from-10"),
                    "hello from 1.0".getBytes(StandardCharsets.UTF_8));
        }
        try (Channel channel = rabbit.createChannel()) {
            GetResponse got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                got = channel.basicGet("from-10", false);
                if (got == null) {
                    Thread.sleep(50); // basic.get does not wait; the send above is already durable
                }
            }
            assertThat(got).isNotNull();
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("hello from 1.0");
            channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
        }
    }

    @Test
    void aSingleActiveConsumerQueueFailsOverFromA091ConsumerToAn10Receiver() throws Exception {
        Channel publisher = rabbit.createChannel();
        publisher.queueDeclare("solo-across", true, false, false, Map.of("x-single-active-consumer", true));
        Channel consuming = rabbit.createChannel();
        consuming.basicQos(10);
        java.util.concurrent.BlockingQueue<String> got091 = new java.util.concurrent.LinkedBlockingQueue<>();
        consuming.basicConsume("solo-across", false, (tag, d) -> got091.add(new String(d.getBody(),
                StandardCharsets.UTF_8)), tag -> { });
        try (JMSContext context = jms.createContext();
                JMSConsumer receiver = context.createConsumer(context.createQueue("/queues/solo-across"))) {
            publisher.basicPublish("", "solo-across", null, "first".getBytes(StandardCharsets.UTF_8));
            assertThat(got091.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(receiver.receive(300)).as("the 1.0 receiver is not the active consumer").isNull();

            consuming.close(); // "first" goes back unacknowledged; the 1.0 receiver is the oldest now
            Message received = receiver.receive(10_000);
            assertThat(received).isNotNull();
            assertThat(new String(received.getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo("first");
            assertThat(received.getJMSRedelivered()).isTrue();
        }
        publisher.close();
    }
}
