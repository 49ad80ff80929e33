package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart loses no accepted message and brings back no acknowledged one. */
class AmqpRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void acceptedMessagesSurviveARestartAndAcknowledgedOnesStayGone() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            Set<String> acknowledged = new HashSet<>();
            // one message prefetched at a time, so the consumer holds nothing beyond what it took
            JmsConnectionFactory factory = new JmsConnectionFactory(trilog.amqpUri("jms.prefetchPolicy.all=1"));
            try (Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                Queue queue = session.createQueue("restart-queue");
                MessageProducer producer = session.createProducer(queue); // sends wait for accepted
                for (int i = 0; i < 20; i++) {
                    producer.send(session.createTextMessage("m" + i));
                }
                MessageConsumer consumer = session.createConsumer(queue);
                for (int i = 0; i < 8; i++) {
                    Message m = consumer.receive(10_000);
                    acknowledged.add(((TextMessage) m).getText());
                    m.acknowledge();
                }
            }
            var queues = trilog.gateway().queueLayer().queues();
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.counts("restart-queue").inFlight() == 0
                    && queues.counts("restart-queue").available() == 12);

            trilog.restart();

            JmsConnectionFactory again = new JmsConnectionFactory(trilog.amqpUri());
            Set<String> after = new HashSet<>();
            try (Connection connection = again.createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("/queues/restart-queue"));
                for (Message m = consumer.receive(10_000); m != null; m = consumer.receive(1_000)) {
                    after.add(((TextMessage) m).getText());
                }
            }
            assertThat(after).hasSize(12).doesNotContainAnyElementsOf(acknowledged);
            Set<String> all = new HashSet<>(after);
            all.addAll(acknowledged);
            assertThat(all).hasSize(20);
        }
    }
}
