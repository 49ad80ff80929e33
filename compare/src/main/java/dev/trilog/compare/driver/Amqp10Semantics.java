package dev.trilog.compare.driver;

import static dev.trilog.compare.driver.KafkaDriver.figures;

import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.Workload;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The semantics scenarios through Qpid JMS over AMQP 1.0, each on its own queue (declared over
 * 0-9-1, read and written over 1.0). Replay is tried on a classic queue only: reading a stream over
 * 1.0 needs a source filter ({@code rabbitmq:stream-offset-spec}) that the JMS API cannot set.
 */
final class Amqp10Semantics implements SemanticsProbe {

    private static final String PROTOCOL = "amqp10";
    /** Unsettled sends, credit 10: what a JMS application gets by default, with a small window. */
    private static final Workload.Amqp10Settings SETTINGS = new Workload.Amqp10Settings(false, 10);
    /** Qpid JMS's acknowledge mode that settles one message at a time (its documented value; the constant is private). */
    private static final int INDIVIDUAL_ACKNOWLEDGE = 101;
    /** How often the poison message is failed before the scenario gives up on a dead-letter. */
    private static final int MAX_ATTEMPTS = 20;

    private final Amqp10Driver driver;
    private final RabbitAdmin admin;

    Amqp10Semantics(Amqp10Driver driver, RabbitAdmin admin) {
        this.driver = driver;
        this.admin = admin;
    }

    private static void send(Session session, String queue, int from, int count) throws JMSException {
        MessageProducer producer = session.createProducer(session.createQueue("/amq/queue/" + queue));
        for (int i = from; i < from + count; i++) {
            producer.send(session.createTextMessage(Integer.toString(i)));
        }
        producer.close();
    }

    private static Queue source(Session session, String queue) throws JMSException {
        return session.createQueue("/amq/queue/" + queue);
    }

    private static String text(Message message) throws JMSException {
        return message.getBody(String.class);
    }

    @Override
    public ScenarioResult replay(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-replay";
        admin.declareQueue(queue, Map.of());
        int consumed = 0;
        int again = 0;
        Connection connection = driver.connect(SETTINGS, id + "-replay");
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(session, queue, 0, 100);
            MessageConsumer consumer = session.createConsumer(source(session, queue));
            while (consumed < 100 && consumer.receive(5_000) != null) {
                consumed++;
            }
            consumer.close();
            MessageConsumer rereader = session.createConsumer(source(session, queue));
            while (rereader.receive(1_000) != null) {
                again++;
            }
        } finally {
            Amqp10Driver.closeQuietly(connection);
            admin.delete(List.of(queue), null);
        }
        return ScenarioResult.observed("replay", PROTOCOL,
                "A queue: " + consumed + " messages received and accepted, a new receiver got " + again
                        + ": an accepted message is gone. (A stream queue can be re-read over 1.0 with the"
                        + " rabbitmq:stream-offset-spec source filter, which JMS cannot set; the AMQP 0-9-1 row shows it.)",
                figures("consumed", consumed, "reread", again), start);
    }

    @Override
    public ScenarioResult consumerKilled(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-killed";
        admin.declareQueue(queue, Map.of());
        Set<String> seenByFirst = new HashSet<>();
        int acceptedByFirst = 0;
        List<String> second = new ArrayList<>();
        int redelivered = 0;
        try {
            Connection producerConnection = driver.connect(SETTINGS, id + "-killed-p");
            send(producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE), queue, 0, 100);
            Amqp10Driver.closeQuietly(producerConnection);
            Connection first = driver.connect(SETTINGS, id + "-killed-1");
            Session firstSession = first.createSession(false, INDIVIDUAL_ACKNOWLEDGE);
            MessageConsumer firstConsumer = firstSession.createConsumer(source(firstSession, queue));
            List<Message> batch = new ArrayList<>();
            Message m;
            while (batch.size() < 10 && (m = firstConsumer.receive(5_000)) != null) {
                batch.add(m);
                seenByFirst.add(text(m));
            }
            acceptedByFirst = batch.size() / 2;
            for (Message accepted : batch.subList(0, acceptedByFirst)) {
                accepted.acknowledge();
            }
            Amqp10Driver.closeQuietly(first); // the link closes with the rest unsettled
            Connection successor = driver.connect(SETTINGS, id + "-killed-2");
            try {
                Session session = successor.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(source(session, queue));
                Set<String> distinct = new HashSet<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (distinct.size() < 100 - acceptedByFirst && System.nanoTime() < deadline
                        && (m = consumer.receive(2_000)) != null) {
                    if (m.getJMSRedelivered()) {
                        redelivered++;
                    }
                    second.add(text(m));
                    distinct.add(text(m));
                }
            } finally {
                Amqp10Driver.closeQuietly(successor);
            }
        } finally {
            admin.delete(List.of(queue), null);
        }
        long duplicates = second.stream().filter(seenByFirst::contains).count();
        Set<String> all = new HashSet<>(seenByFirst);
        all.addAll(second);
        return ScenarioResult.observed("consumer-killed", PROTOCOL,
                "The first receiver (credit 10) held " + seenByFirst.size() + ", accepted " + acceptedByFirst
                        + " and its connection closed; the " + (seenByFirst.size() - acceptedByFirst)
                        + " unsettled came back to its successor (" + redelivered + " with a delivery count > 0, JMSRedelivered): "
                        + duplicates + " seen twice, " + (100 - all.size()) + " lost.",
                figures("seenByFirst", seenByFirst.size(), "acceptedByFirst", acceptedByFirst,
                        "deliveredToSuccessor", second.size(), "redelivered", redelivered, "duplicates", duplicates,
                        "lost", 100 - all.size()), start);
    }

    @Override
    public ScenarioResult ordering(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-order";
        admin.declareQueue(queue, Map.of());
        int count = 1000;
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();
        int[] perConsumer = new int[2];
        AtomicBoolean done = new AtomicBoolean();
        List<Connection> connections = new ArrayList<>();
        try {
            Connection producer = driver.connect(SETTINGS, id + "-order-p");
            connections.add(producer);
            send(producer.createSession(false, Session.AUTO_ACKNOWLEDGE), queue, 0, count);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int index = c;
                Connection connection = driver.connect(SETTINGS, id + "-order-" + c);
                connections.add(connection);
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(source(session, queue));
                Thread thread = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            Message m = consumer.receive(100);
                            if (m != null) {
                                arrivals.add(new long[] {System.nanoTime(), Long.parseLong(text(m)), index});
                                perConsumer[index]++;
                            }
                        }
                    } catch (JMSException e) {
                        // the connection closed under it: the scenario is over
                    }
                }, "compare-amqp10-order-" + c);
                threads.add(thread);
                thread.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (arrivals.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            done.set(true);
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        } finally {
            connections.forEach(Amqp10Driver::closeQuietly);
            admin.delete(List.of(queue), null);
        }
        Ordering order = Ordering.of(new ArrayList<>(arrivals));
        return ScenarioResult.observed("ordering", PROTOCOL,
                "1 queue, 2 receivers with credit 10: " + order.describe(count)
                        + " Each receiver sees its share in queue order; together they interleave.",
                figures("sent", count, "received", order.received(), "outOfOrder", order.inversions(),
                        "consumer0", perConsumer[0], "consumer1", perConsumer[1]), start);
    }

    @Override
    public ScenarioResult poisonMessage(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-poison";
        String dlq = id + "-dlq";
        int deliveryLimit = 3;
        admin.declareWithDeliveryLimit(queue, dlq, deliveryLimit);
        int attempts = 0;
        int processed = 0;
        boolean deadLettered = false;
        // credit 1: a receiver holds only the message it is given, so closing it fails that one alone
        Connection connection = driver.connect(new Workload.Amqp10Settings(false, 1), id + "-poison");
        try {
            Session sender = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(sender, queue, 0, 3); // message "1" is the poison
            MessageConsumer dead = sender.createConsumer(source(sender, dlq));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!deadLettered && attempts < MAX_ATTEMPTS && System.nanoTime() < deadline) {
                // a receiver per attempt: failing the message is closing its session without
                // accepting it, which hands it back to the queue with its delivery count raised
                // (JMS recover() would redeliver it from the client's own buffer, never telling the broker)
                Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                Message m = session.createConsumer(source(session, queue)).receive(200);
                if (m == null) {
                    deadLettered = dead.receive(200) != null;
                } else if (text(m).equals("1")) {
                    attempts++;
                } else {
                    processed++;
                    m.acknowledge();
                }
                session.close();
            }
        } finally {
            Amqp10Driver.closeQuietly(connection);
            admin.delete(List.of(queue, dlq), null);
        }
        String observed = !deadLettered
                ? "The poison message was failed " + attempts + " times and did not reach the dead-letter queue within 30 s."
                : "The poison message was failed (its receiver closed without accepting it) " + attempts
                        + " times, then dead-lettered by the queue's x-delivery-limit " + deliveryLimit + "; the "
                        + processed + " other message(s) were processed meanwhile.";
        return ScenarioResult.observed("poison-message", PROTOCOL, observed,
                figures("attempts", attempts, "deliveryLimit", deliveryLimit, "processedOthers", processed,
                        "deadLettered", deadLettered), start);
    }
}
