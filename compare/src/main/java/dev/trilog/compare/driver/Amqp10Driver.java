package dev.trilog.compare.driver;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.workload.Workload;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * AMQP 1.0 through Qpid JMS ({@code qpid-jms-client}), the 1.0 client most applications use and one
 * that speaks to Trilog, RabbitMQ's {@code rabbitmq_amqp1_0} plugin and Artemis alike (RabbitMQ's
 * own 1.0 client needs RabbitMQ 4). Queues are declared over 0-9-1 ({@link RabbitAdmin}); links use
 * RabbitMQ's v1 addresses, which both Trilog and RabbitMQ 3.x resolve: senders to
 * {@code /amq/queue/Q} or {@code /exchange/X/} (fan-out), receivers from {@code /amq/queue/Q}.
 *
 * <p>Settlement, per the workload's {@code amqp10} settings: unsettled sends are asynchronous JMS 2
 * sends whose completion is the broker's {@code accepted} (a message is durable then), at most
 * {@link #MAX_UNSETTLED} outstanding per sender; settled sends are pre-settled, fire and forget.
 * Receivers get {@code credit} as the link credit (Qpid JMS's prefetch) and accept each poll's
 * messages together (CLIENT_ACKNOWLEDGE); settled receivers take pre-settled deliveries.
 */
public final class Amqp10Driver implements Driver {

    static final int MAX_UNSETTLED = 1000;

    private final String address;
    private final RabbitAdmin admin;
    private final Map<String, RabbitAdmin.Layout> layouts = new ConcurrentHashMap<>();

    public Amqp10Driver(Broker broker) {
        this.address = broker.amqpAddress();
        try {
            this.admin = new RabbitAdmin(address);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot declare queues over AMQP 0-9-1 on " + address + ": " + e, e);
        }
    }

    @Override
    public String protocol() {
        return "amqp10";
    }

    @Override
    public String client() {
        return "Qpid JMS " + org.apache.qpid.jms.util.MetaDataSupport.PROVIDER_VERSION;
    }

    @Override
    public Topology prepare(Workload workload, String id) throws IOException {
        RabbitAdmin.Layout layout = admin.declare(id, workload.readers());
        layouts.put(id, layout);
        String target = layout.exchange().isEmpty() ? "/amq/queue/" + layout.routingKey()
                : "/exchange/" + layout.exchange() + "/";
        return new Topology(id, workload, List.of(target), layout.queues().stream().map(q -> "/amq/queue/" + q).toList());
    }

    /** A connection with the client settings the workload asks for. */
    Connection connect(Workload.Amqp10Settings settings, String clientId) throws JMSException {
        String uri = "amqp://" + address + "?jms.prefetchPolicy.all=" + settings.credit()
                + "&jms.presettlePolicy.presettleProducers=" + settings.settled()
                + "&jms.presettlePolicy.presettleConsumers=" + settings.settled()
                // read what the link credit already brought in; without these Qpid JMS drains the
                // link on every receiveNoWait, a round trip per poll (and RabbitMQ 3.10 crashes the link)
                + "&jms.receiveLocalOnly=true&jms.receiveNoWaitLocalOnly=true"
                + "&jms.clientID=" + clientId;
        Connection connection = new JmsConnectionFactory("guest", "guest", uri).createConnection();
        connection.start();
        return connection;
    }

    @Override
    public Publisher publisher(Topology topology, int index) throws JMSException {
        Workload.Amqp10Settings settings = topology.workload().amqp10();
        return new Amqp10Publisher(connect(settings, topology.id() + "-p" + index), topology.destinations().get(0),
                settings.settled());
    }

    @Override
    public Subscriber subscriber(Topology topology, int reader, int index) throws JMSException {
        Workload.Amqp10Settings settings = topology.workload().amqp10();
        return new Amqp10Subscriber(connect(settings, topology.id() + "-c" + reader + "-" + index),
                topology.sources().get(reader), settings.settled());
    }

    @Override
    public void cleanup(Topology topology) {
        RabbitAdmin.Layout layout = layouts.remove(topology.id());
        if (layout != null) {
            admin.delete(layout.queues(), layout.exchange());
        }
    }

    @Override
    public SemanticsProbe semantics() {
        return new Amqp10Semantics(this, admin);
    }

    @Override
    public void close() {
        admin.close();
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // the broker may already be gone
        }
    }

    /** Durable messages on one sending link; unsettled ones complete when the broker accepts them. */
    private static final class Amqp10Publisher implements Publisher {
        private final Connection connection;
        private final Session session;
        private final MessageProducer producer;
        private final boolean settled;
        private final Semaphore window = new Semaphore(MAX_UNSETTLED);

        Amqp10Publisher(Connection connection, String target, boolean settled) throws JMSException {
            this.connection = connection;
            this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            this.producer = session.createProducer(session.createQueue(target));
            this.producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            this.producer.setDisableMessageID(true);
            this.producer.setDisableMessageTimestamp(true);
            this.settled = settled;
        }

        @Override
        public int maxBatch() {
            return 100;
        }

        @Override
        public void publish(List<byte[]> bodies, Acks acks) throws Exception {
            for (int i = 0; i < bodies.size(); i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(bodies.get(i));
                if (settled) {
                    producer.send(message);
                    acks.done(i, null);
                    continue;
                }
                window.acquire();
                int index = i;
                producer.send(message, new CompletionListener() {
                    @Override
                    public void onCompletion(Message sent) {
                        window.release();
                        acks.done(index, null);
                    }

                    @Override
                    public void onException(Message sent, Exception error) {
                        window.release();
                        acks.done(index, error);
                    }
                });
            }
        }

        @Override
        public void flush(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (window.availablePermits() < MAX_UNSETTLED && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }

    /** A receiving link with the workload's credit; one acknowledgement accepts a poll's messages. */
    private static final class Amqp10Subscriber implements Subscriber {
        private final Connection connection;
        private final MessageConsumer consumer;
        private final boolean settled;

        Amqp10Subscriber(Connection connection, String source, boolean settled) throws JMSException {
            this.connection = connection;
            this.settled = settled;
            Session session = connection.createSession(false, settled ? Session.AUTO_ACKNOWLEDGE
                    : Session.CLIENT_ACKNOWLEDGE);
            this.consumer = session.createConsumer(session.createQueue(source));
        }

        @Override
        public void awaitReady(Duration timeout) {
            // the receiving link is attached once createConsumer returns
        }

        @Override
        public int poll(Duration timeout, Sink sink) throws JMSException {
            Message message = consumer.receive(Math.max(1, timeout.toMillis()));
            if (message == null) {
                return 0;
            }
            int count = 0;
            Message last = null;
            while (message != null && count < 10_000) {
                sink.delivered(message.getBody(byte[].class));
                last = message;
                count++;
                message = consumer.receiveNoWait();
            }
            if (!settled) {
                last.acknowledge(); // CLIENT_ACKNOWLEDGE: accepts every message the session delivered so far
            }
            return count;
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }
}
