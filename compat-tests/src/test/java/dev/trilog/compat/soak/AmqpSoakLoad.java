package dev.trilog.compat.soak;

import static dev.trilog.compat.soak.ClientThreads.sleepQuietly;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An AMQP 0-9-1 publisher with confirms and a consumer with manual acks (RabbitMQ's Java client),
 * each reconnecting after a kill. Promises checked: every confirmed message is delivered, and no
 * acked message is delivered again on the connection that acked it. A 0-9-1 ack is never
 * answered, so one sent just before a kill may be lost with the broker and the message delivered
 * again on the next connection, redelivered, as RabbitMQ does: counted, not a violation.
 */
final class AmqpSoakLoad implements SoakLoad {

    private static final String QUEUE = "soak-amqp";
    private static final int CONFIRM_BATCH = 20;

    private final SoakBroker broker;
    private final SoakTally tally = new SoakTally("AMQP 0-9-1 (confirms; manual acks)");
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> deliveredTimes = new ConcurrentHashMap<>();
    /** Each acked message and the consumer connection (its generation) that acked it. */
    private final Map<String, Integer> ackedOnConnection = new ConcurrentHashMap<>();
    private final AtomicInteger consumerConnections = new AtomicInteger();
    private final AtomicLong next = new AtomicLong();
    private final ClientThreads threads = new ClientThreads("amqp", this::publish, this::consume);

    AmqpSoakLoad(SoakBroker broker) {
        this.broker = broker;
    }

    private ConnectionFactory factory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(broker.amqpPort);
        factory.setAutomaticRecoveryEnabled(false); // reconnecting is this class's, so it knows which connection acked
        factory.setConnectionTimeout(5_000);
        return factory;
    }

    @Override
    public void start() throws Exception {
        try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(QUEUE, true, false, false, null);
        }
        threads.start();
    }

    private void publish() {
        while (threads.writing()) {
            try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                while (threads.writing()) {
                    List<String> batch = new ArrayList<>(CONFIRM_BATCH);
                    for (int i = 0; i < CONFIRM_BATCH; i++) {
                        String body = "a-" + next.getAndIncrement();
                        batch.add(body);
                        channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
                                body.getBytes(StandardCharsets.UTF_8));
                    }
                    try {
                        channel.waitForConfirmsOrDie(10_000);
                    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                        tally.unknownOutcome.addAndGet(batch.size());
                        throw e;
                    }
                    confirmed.addAll(batch);
                }
            } catch (Exception brokerGone) {
                sleepQuietly(200);
            }
        }
    }

    private void consume() {
        while (threads.reading()) {
            int generation = consumerConnections.incrementAndGet();
            try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
                channel.basicQos(100);
                channel.basicConsume(QUEUE, false, new DefaultConsumer(channel) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                            byte[] body) throws IOException {
                        String message = new String(body, StandardCharsets.UTF_8);
                        Integer ackedOn = ackedOnConnection.get(message);
                        if (ackedOn != null && ackedOn == generation) {
                            tally.violation("message " + message + " was delivered again on the connection that acked it");
                        } else if (ackedOn != null) {
                            tally.allowedRepeats.incrementAndGet(); // the ack was lost with the killed broker
                        }
                        deliveredTimes.merge(message, 1, Integer::sum);
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                        ackedOnConnection.put(message, generation);
                    }
                });
                while (threads.reading() && connection.isOpen()) {
                    Thread.sleep(100);
                }
            } catch (Exception brokerGone) {
                sleepQuietly(200);
            }
        }
    }

    @Override
    public void finish(Duration patience) throws Exception {
        threads.drain(confirmed, deliveredTimes.keySet(), patience);
        tally.checkEveryPromiseRead(confirmed, deliveredTimes, "confirmed message %s was never delivered");
    }

    @Override
    public SoakTally tally() {
        return tally;
    }

    @Override
    public void close() throws InterruptedException {
        threads.close();
    }
}
