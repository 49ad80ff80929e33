package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Qpid JMS against Trilog's AMQP 1.0 port: queues, acknowledgement modes, competing consumers. */
class AmqpJmsQueueTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static JmsConnectionFactory factory;

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
        factory = new JmsConnectionFactory(trilog.amqpUri());
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    @Test
    void sendAndReceiveOnAQueue() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-basic");
            MessageProducer producer = session.createProducer(queue);
            TextMessage sent = session.createTextMessage("hello over AMQP 1.0");
            sent.setStringProperty("colour", "blue");
            sent.setIntProperty("count", 42);
            producer.send(sent);

            MessageConsumer consumer = session.createConsumer(queue);
            Message received = consumer.receive(10_000);
            assertThat(received).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) received).getText()).isEqualTo("hello over AMQP 1.0");
            assertThat(received.getStringProperty("colour")).isEqualTo("blue");
            assertThat(received.getIntProperty("count")).isEqualTo(42);
            assertThat(received.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            assertThat(received.getJMSRedelivered()).isFalse();
            assertThat(consumer.receive(200)).isNull();
        }
    }
}
