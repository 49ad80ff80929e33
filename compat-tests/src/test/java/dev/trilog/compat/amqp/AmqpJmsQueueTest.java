package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.jms.JmsSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Qpid JMS against Trilog's AMQP 1.0 port: queues, acknowledgement modes, competing consumers. */
class AmqpJmsQueueTest {

    /** qpid-jms' JMS_AMQP_ACK_TYPE values (JmsMessageSupport). */
    private static final int REJECTED = 2;
    private static final int RELEASED = 3;

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

    private static void send(Session session, Queue queue, String... texts) throws JMSException {
        try (MessageProducer producer = session.createProducer(queue)) {
            for (String text : texts) {
                producer.send(session.createTextMessage(text));
            }
        }
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
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
            sent.setJMSCorrelationID("corr-1");
            sent.setJMSType("greeting");
            producer.send(sent);

            MessageConsumer consumer = session.createConsumer(queue);
            Message received = consumer.receive(10_000);
            assertThat(received).isInstanceOf(TextMessage.class);
            assertThat(text(received)).isEqualTo("hello over AMQP 1.0");
            assertThat(received.getStringProperty("colour")).isEqualTo("blue");
            assertThat(received.getIntProperty("count")).isEqualTo(42);
            assertThat(received.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            assertThat(received.getJMSCorrelationID()).isEqualTo("corr-1");
            assertThat(received.getJMSType()).isEqualTo("greeting");
            assertThat(received.getJMSRedelivered()).isFalse();
            assertThat(consumer.receive(200)).isNull();
        }
    }

    @Test
    void bytesAndMapMessagesComeBackAsTheyWereSent() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-bodies");
            MessageProducer producer = session.createProducer(queue);
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(new byte[] {1, 2, 3, (byte) 0xFF});
            producer.send(bytes);
            MapMessage map = session.createMapMessage();
            map.setString("name", "trilog");
            map.setLong("n", 7L);
            producer.send(map);

            MessageConsumer consumer = session.createConsumer(queue);
            BytesMessage gotBytes = (BytesMessage) consumer.receive(10_000);
            byte[] body = new byte[(int) gotBytes.getBodyLength()];
            gotBytes.readBytes(body);
            assertThat(body).containsExactly(1, 2, 3, (byte) 0xFF);
            MapMessage gotMap = (MapMessage) consumer.receive(10_000);
            assertThat(gotMap.getString("name")).isEqualTo("trilog");
            assertThat(gotMap.getLong("n")).isEqualTo(7L);
        }
    }

    @Test
    void clientAcknowledgeAndRecoverRedeliverWhatWasNotAcknowledged() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-client-ack");
            send(session, queue, "one", "two");
            MessageConsumer consumer = session.createConsumer(queue);
            Message first = consumer.receive(10_000);
            assertThat(text(first)).isEqualTo("one");
            assertThat(text(consumer.receive(10_000))).isEqualTo("two");
            session.recover(); // neither acknowledged: both come back, redelivered
            Message again = consumer.receive(10_000);
            assertThat(text(again)).isEqualTo("one");
            assertThat(again.getJMSRedelivered()).isTrue();
            Message twoAgain = consumer.receive(10_000);
            assertThat(text(twoAgain)).isEqualTo("two");
            twoAgain.acknowledge(); // CLIENT_ACKNOWLEDGE: acknowledges both
            session.recover();
            assertThat(consumer.receive(300)).isNull();
        }
        assertThat(trilog.gateway().queueLayer().queues().counts("jms-client-ack").available()).isZero();
    }

    @Test
    void individualAcknowledgeAcknowledgesOneMessage() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, 101); // INDIVIDUAL_ACKNOWLEDGE
            Queue queue = session.createQueue("jms-individual-ack");
            send(session, queue, "a", "b", "c");
            MessageConsumer consumer = session.createConsumer(queue);
            Message a = consumer.receive(10_000);
            Message b = consumer.receive(10_000);
            Message c = consumer.receive(10_000);
            assertThat(List.of(text(a), text(b), text(c))).containsExactly("a", "b", "c");
            b.acknowledge();
            session.recover();
            List<String> redelivered = new ArrayList<>();
            for (Message m = consumer.receive(2_000); m != null; m = consumer.receive(500)) {
                redelivered.add(text(m));
                m.acknowledge();
            }
            assertThat(redelivered).containsExactly("a", "c");
        }
    }

    @Test
    void twoConsumersShareAQueueWithoutDuplicates() throws Exception {
        int count = 200;
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = producerSession.createQueue("jms-shared");
            Session s1 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer c1 = s1.createConsumer(queue);
            MessageConsumer c2 = s2.createConsumer(queue);
            String[] texts = new String[count];
            for (int i = 0; i < count; i++) {
                texts[i] = "m" + i;
            }
            send(producerSession, queue, texts);
            Set<String> seen = new HashSet<>();
            int fromFirst = 0;
            int fromSecond = 0;
            int duplicates = 0;
            while (seen.size() < count) {
                Message m1 = c1.receive(100);
                Message m2 = c2.receive(100);
                if (m1 != null) {
                    fromFirst++;
                    duplicates += seen.add(text(m1)) ? 0 : 1;
                }
                if (m2 != null) {
                    fromSecond++;
                    duplicates += seen.add(text(m2)) ? 0 : 1;
                }
                if (m1 == null && m2 == null) {
                    break;
                }
            }
            assertThat(seen).hasSize(count);
            assertThat(duplicates).isZero();
            assertThat(fromFirst).isPositive();
            assertThat(fromSecond).isPositive();
        }
    }

    @Test
    void aClosedSessionsUnacknowledgedMessagesAreRedelivered() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session first = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = first.createQueue("jms-closed-session");
            send(first, queue, "held");
            assertThat(text(first.createConsumer(queue).receive(10_000))).isEqualTo("held");
            first.close(); // its link detaches with the message unacknowledged
            Session second = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Message again = second.createConsumer(queue).receive(10_000);
            assertThat(text(again)).isEqualTo("held");
            assertThat(again.getJMSRedelivered()).isTrue();
            again.acknowledge();
        }
    }

    @Test
    void aClosedConnectionsMessagesComeBackWithTheFailedCountRaised() throws Exception {
        Queue queue;
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            queue = session.createQueue("jms-closed-connection");
            send(session, queue, "held");
            assertThat(text(session.createConsumer(queue).receive(10_000))).isEqualTo("held");
        } // closed without acknowledging
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message again = session.createConsumer(queue).receive(10_000);
            assertThat(text(again)).isEqualTo("held");
            assertThat(again.getJMSRedelivered()).isTrue();
            // header.delivery-count + 1: raised once by the close, and once more if qpid-jms also
            // reported it modified{delivery-failed} before detaching
            assertThat(again.getIntProperty("JMSXDeliveryCount")).isBetween(2, 3);
        }
    }

    @Test
    void aRejectedMessageIsDeadLettered() throws Exception {
        var topology = trilog.gateway().queueLayer().topology();
        topology.declareQueue(QueueSpec.durable("jms-dlq"));
        topology.declareQueue(new QueueSpec("jms-rejecting", true, false, false, Map.of(
                QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
                QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("jms-dlq"))));
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("/queues/jms-rejecting");
            send(session, queue, "poison", "fine");
            MessageConsumer consumer = session.createConsumer(queue);
            Message poison = consumer.receive(10_000);
            poison.setIntProperty("JMS_AMQP_ACK_TYPE", REJECTED);
            poison.acknowledge();
            Message fine = consumer.receive(10_000);
            assertThat(text(fine)).isEqualTo("fine");
            fine.acknowledge();

            MessageConsumer dlq = session.createConsumer(session.createQueue("/queues/jms-dlq"));
            Message dead = dlq.receive(10_000);
            assertThat(text(dead)).isEqualTo("poison");
            dead.acknowledge();
        }
    }

    @Test
    void aReleasedMessageComesBackWithoutBeingCountedAsFailed() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-released");
            send(session, queue, "again");
            MessageConsumer consumer = session.createConsumer(queue);
            Message first = consumer.receive(10_000);
            first.setIntProperty("JMS_AMQP_ACK_TYPE", RELEASED);
            first.acknowledge();
            Message second = consumer.receive(10_000);
            assertThat(text(second)).isEqualTo("again");
            assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
            second.acknowledge();
        }
    }

    @Test
    void aMissingV2QueueIsNotFoundAndAV1QueueIsDeclared() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("/queues/no-such-queue")))
                    .isInstanceOf(JMSException.class).hasMessageContaining("no-such-queue");
            assertThatThrownBy(() -> session.createConsumer(session.createQueue("/amq/queue/no-such-queue")))
                    .isInstanceOf(JMSException.class);
            Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue declared = other.createQueue("/queue/declared-by-v1");
            send(other, declared, "v1");
            assertThat(text(other.createConsumer(other.createQueue("/queues/declared-by-v1")).receive(10_000)))
                    .isEqualTo("v1");
        }
    }

    @Test
    void transactedSessionsAreRefusedCleanly() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            assertThatThrownBy(() -> connection.createSession(true, Session.SESSION_TRANSACTED))
                    .isInstanceOf(JMSException.class);
            // the connection is still usable
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-after-tx");
            send(session, queue, "still here");
            assertThat(text(session.createConsumer(queue).receive(10_000))).isEqualTo("still here");
        }
    }

    @Test
    void anAnonymousProducerSendsByEachMessagesAddress() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue a = session.createQueue("jms-anon-a");
            Queue b = session.createQueue("jms-anon-b");
            MessageProducer anonymous = session.createProducer(null);
            anonymous.send(a, session.createTextMessage("to a"));
            anonymous.send(b, session.createTextMessage("to b"));
            assertThat(text(session.createConsumer(a).receive(10_000))).isEqualTo("to a");
            assertThat(text(session.createConsumer(b).receive(10_000))).isEqualTo("to b");
        }
    }

    @Test
    void temporaryQueuesCarryRepliesAndGoWithTheirConnection() throws Exception {
        String name;
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue requests = session.createQueue("jms-requests");
            jakarta.jms.TemporaryQueue replies = session.createTemporaryQueue();
            name = replies.getQueueName();
            assertThat(name).startsWith("/queues/amq.gen-");
            MessageConsumer replyConsumer = session.createConsumer(replies);

            TextMessage request = session.createTextMessage("ping");
            request.setJMSReplyTo(replies);
            session.createProducer(requests).send(request);

            // the "server" answers to the reply-to address it was given
            Message got = session.createConsumer(requests).receive(10_000);
            assertThat(text(got)).isEqualTo("ping");
            session.createProducer(got.getJMSReplyTo()).send(session.createTextMessage("pong"));
            assertThat(text(replyConsumer.receive(10_000))).isEqualTo("pong");
        }
        String queue = name.substring("/queues/".length());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> trilog.gateway().queueLayer().topology().queue(queue).isEmpty());
    }

    @Test
    void jmsTopicsFanOutToEverySubscriber() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Topic topic = session.createTopic("jms-prices");
            MessageConsumer first = session.createConsumer(topic);
            MessageConsumer second = session.createConsumer(topic);
            session.createProducer(topic).send(session.createTextMessage("42.0"));
            assertThat(text(first.receive(10_000))).isEqualTo("42.0");
            assertThat(text(second.receive(10_000))).isEqualTo("42.0");
            // a RabbitMQ-style address reads the same topic
            MessageConsumer byAddress = session.createConsumer(session.createQueue("/topic/jms-prices"));
            session.createProducer(session.createQueue("/exchanges/amq.topic/jms-prices"))
                    .send(session.createTextMessage("43.0"));
            assertThat(text(byAddress.receive(10_000))).isEqualTo("43.0");
            assertThat(text(first.receive(10_000))).isEqualTo("43.0");
        }
    }

    @Test
    void anExchangeSourceGetsEveryMessageRoutedToIt() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer fanout = session.createConsumer(session.createQueue("/exchange/amq.fanout"));
            MessageConsumer direct = session.createConsumer(session.createQueue("/exchange/amq.direct/orders"));
            MessageProducer toFanout = session.createProducer(session.createQueue("/exchanges/amq.fanout/any"));
            toFanout.send(session.createTextMessage("everyone"));
            MessageProducer bySubject = session.createProducer(session.createQueue("/exchanges/amq.direct"));
            TextMessage order = session.createTextMessage("an order");
            order.setJMSType("orders"); // Qpid JMS sends JMSType as the subject: the routing key
            bySubject.send(order);
            assertThat(text(fanout.receive(10_000))).isEqualTo("everyone");
            assertThat(text(direct.receive(10_000))).isEqualTo("an order");
        }
    }

    @Test
    void aMessageLargerThanAFrameTravelsInSeveralTransfers() throws Exception {
        byte[] large = new byte[600_000]; // over four 128 KiB frames
        new java.util.Random(7).nextBytes(large);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-large");
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(large);
            session.createProducer(queue).send(message);
            BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(10_000);
            byte[] body = new byte[(int) received.getBodyLength()];
            received.readBytes(body);
            assertThat(body).isEqualTo(large);
        }
    }

    @Test
    void aMessageOverTheMaximumSizeIsRefused() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-too-large");
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(new byte[2 * 1024 * 1024]);
            assertThatThrownBy(() -> session.createProducer(queue).send(message)).isInstanceOf(JMSException.class);
            // the connection goes on
            Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(other, queue, "small");
            assertThat(text(other.createConsumer(queue).receive(10_000))).isEqualTo("small");
        }
    }

    @Test
    void selectorsAreRefusedCleanly() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-selected");
            assertThatThrownBy(() -> session.createConsumer(queue, "colour = 'red'"))
                    .isInstanceOf(JMSException.class).hasMessageContaining("not supported");
            send(session, queue, "plain");
            assertThat(text(session.createConsumer(queue).receive(10_000))).isEqualTo("plain");
        }
    }

    @Test
    void anExpiredMessageIsNotDelivered() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-ttl");
            MessageProducer producer = session.createProducer(queue);
            producer.setTimeToLive(50);
            producer.send(session.createTextMessage("short-lived"));
            producer.setTimeToLive(0);
            Thread.sleep(200);
            producer.send(session.createTextMessage("lasting"));
            MessageConsumer consumer = session.createConsumer(queue);
            assertThat(text(consumer.receive(10_000))).isEqualTo("lasting");
            assertThat(consumer.receive(200)).isNull();
        }
    }

    @Test
    void aDelayedMessageWaitsItsDelay() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-delay");
            MessageProducer producer = session.createProducer(queue);
            producer.setDeliveryDelay(1_000);
            long sent = System.nanoTime();
            producer.send(session.createTextMessage("later"));
            Message later = session.createConsumer(queue).receive(10_000);
            assertThat(text(later)).isEqualTo("later");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - sent)).isGreaterThan(java.time.Duration.ofMillis(900));
        }
    }

    @Test
    void linkCreditLimitsWhatAConsumerHolds() throws Exception {
        JmsConnectionFactory two = new JmsConnectionFactory(trilog.amqpUri("jms.prefetchPolicy.all=2"));
        var queues = trilog.gateway().queueLayer().queues();
        try (Connection connection = two.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-credit");
            send(session, queue, "c1", "c2", "c3", "c4", "c5");
            MessageConsumer consumer = session.createConsumer(queue);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> queues.counts("jms-credit").inFlight() == 2);
            Thread.sleep(200);
            assertThat(queues.counts("jms-credit").inFlight()).isEqualTo(2); // the credit, no more
            assertThat(queues.counts("jms-credit").available()).isEqualTo(3);
            Message first = consumer.receive(10_000);
            first.acknowledge();
            assertThat(text(first)).isEqualTo("c1");
        }
    }

    @Test
    void aLinkHoldsAtMost2048UnsettledDeliveriesWhateverItsCredit() throws Exception {
        JmsConnectionFactory greedy = new JmsConnectionFactory(
                trilog.amqpUri("jms.prefetchPolicy.all=5000", "jms.forceAsyncSend=true"));
        var queues = trilog.gateway().queueLayer().queues();
        try (Connection connection = greedy.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-unsettled-cap");
            MessageProducer producer = session.createProducer(queue);
            for (int i = 0; i < 2_200; i++) {
                producer.send(session.createTextMessage("u" + i));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> queues.counts("jms-unsettled-cap").available()
                            + queues.counts("jms-unsettled-cap").inFlight() == 2_200);
            MessageConsumer consumer = session.createConsumer(queue);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> queues.counts("jms-unsettled-cap").inFlight() == 2_048);
            Thread.sleep(300);
            assertThat(queues.counts("jms-unsettled-cap").inFlight()).isEqualTo(2_048);
            // settling makes room: everything arrives
            Message last = null;
            for (int i = 0; i < 2_200; i++) {
                last = consumer.receive(10_000);
                assertThat(last).isNotNull();
                if (i % 100 == 99) {
                    last.acknowledge();
                }
            }
            last.acknowledge();
        }
    }

    @Test
    void prefetchZeroPullsOneMessageAtATime() throws Exception {
        JmsConnectionFactory pulling = new JmsConnectionFactory(trilog.amqpUri("jms.prefetchPolicy.all=0"));
        try (Connection connection = pulling.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jms-pull");
            MessageConsumer consumer = session.createConsumer(queue);
            assertThat(consumer.receiveNoWait()).isNull(); // a drain that finds nothing
            send(session, queue, "p1", "p2");
            assertThat(text(consumer.receive(10_000))).isEqualTo("p1");
            assertThat(text(consumer.receive(10_000))).isEqualTo("p2");
            assertThat(consumer.receive(300)).isNull();
        }
        assertThat(JmsSession.class).isNotNull();
    }
}
