package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.amqp.AmqpException;
import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.Consumer;
import com.rabbitmq.client.amqp.ConsumerBuilder;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.Message;
import com.rabbitmq.client.amqp.Publisher;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's own AMQP 1.0 Java client ({@code com.rabbitmq.client:amqp-client}) against Trilog:
 * topology through its {@code /management} node, publishes with RabbitMQ 4's outcomes, and a
 * consumer's accept / requeue / discard.
 */
class RabbitAmqpClientTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static Environment environment;
    static Connection connection;

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
        environment = new AmqpEnvironmentBuilder().connectionSettings()
                .uri("amqp://guest:guest@127.0.0.1:" + trilog.amqpPort() + "/%2f").environmentBuilder().build();
        connection = environment.connectionBuilder().build();
    }

    @AfterAll
    static void stop() {
        if (environment != null) {
            environment.close();
        }
        trilog.close();
    }

    private static Publisher.Status publishAndWait(Publisher publisher, Message message) throws Exception {
        BlockingQueue<Publisher.Status> outcome = new ArrayBlockingQueue<>(1);
        publisher.publish(message, context -> outcome.add(context.status()));
        Publisher.Status status = outcome.poll(10, TimeUnit.SECONDS);
        assertThat(status).as("an outcome within 10 s").isNotNull();
        return status;
    }

    @Test
    void declaresATopologyPublishesThroughItAndConsumes() throws Exception {
        Management management = connection.management();
        Management.QueueInfo info = management.queue("rmq-orders").type(Management.QueueType.QUORUM).declare();
        assertThat(info.name()).isEqualTo("rmq-orders");
        assertThat(info.type()).isEqualTo(Management.QueueType.QUORUM);
        management.exchange("rmq-x").type(Management.ExchangeType.DIRECT).declare();
        management.binding().sourceExchange("rmq-x").destinationQueue("rmq-orders").key("new").bind();

        Publisher publisher = connection.publisherBuilder().exchange("rmq-x").key("new").build();
        Message message = publisher.message("an order".getBytes(StandardCharsets.UTF_8)).messageId(1L)
                .property("region", "eu");
        assertThat(publishAndWait(publisher, message)).isEqualTo(Publisher.Status.ACCEPTED);
        assertThat(management.queueInfo("rmq-orders").messageCount()).isEqualTo(1);

        List<Message> received = new CopyOnWriteArrayList<>();
        Consumer consumer = connection.consumerBuilder().queue("rmq-orders").messageHandler((context, m) -> {
            received.add(m);
            context.accept();
        }).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(new String(received.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("an order");
        assertThat(received.get(0).property("region")).isEqualTo("eu");
        assertThat(received.get(0).messageIdAsLong()).isEqualTo(1L);
        consumer.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> management.queueInfo("rmq-orders").messageCount() == 0);
        publisher.close();

        management.unbind().sourceExchange("rmq-x").destinationQueue("rmq-orders").key("new").unbind();
        management.exchangeDelete("rmq-x");
        management.queueDelete("rmq-orders");
        assertThatThrownBy(() -> management.queueInfo("rmq-orders")).isInstanceOf(AmqpException.class);
    }

    @Test
    void anUnroutableMessageIsReleasedAndAMissingQueueRefused() throws Exception {
        Management management = connection.management();
        management.exchange("rmq-nowhere").type(Management.ExchangeType.FANOUT).declare();
        Publisher publisher = connection.publisherBuilder().exchange("rmq-nowhere").build();
        assertThat(publishAndWait(publisher, publisher.message(new byte[] {1}))).isEqualTo(Publisher.Status.RELEASED);
        publisher.close();
        assertThatThrownBy(() -> connection.publisherBuilder().queue("rmq-no-such-queue").build())
                .isInstanceOf(AmqpException.class);
    }

    @Test
    void aDifferentRedeclarationIsAConflict() {
        Management management = connection.management();
        management.queue("rmq-conflict").messageTtl(Duration.ofMinutes(1)).declare();
        management.queue("rmq-conflict").messageTtl(Duration.ofMinutes(1)).declare(); // same: fine
        assertThatThrownBy(() -> management.queue("rmq-conflict").messageTtl(Duration.ofMinutes(2)).declare())
                .isInstanceOf(AmqpException.class).hasMessageContaining("409");
    }

    @Test
    void requeueRedeliversAndDiscardDeadLetters() throws Exception {
        Management management = connection.management();
        management.queue("rmq-dead").declare();
        management.queue("rmq-work").deadLetterExchange("").deadLetterRoutingKey("rmq-dead").declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-work").build();
        assertThat(publishAndWait(publisher, publisher.message("job".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Publisher.Status.ACCEPTED);

        List<String> events = new CopyOnWriteArrayList<>();
        Consumer consumer = connection.consumerBuilder().queue("rmq-work").messageHandler((context, m) -> {
            if (events.isEmpty()) {
                events.add("requeued");
                context.requeue();
            } else {
                events.add("discarded");
                context.discard();
            }
        }).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        consumer.close();

        BlockingQueue<String> dead = new ArrayBlockingQueue<>(1);
        Consumer deadConsumer = connection.consumerBuilder().queue("rmq-dead").messageHandler((context, m) -> {
            dead.add(new String(m.body(), StandardCharsets.UTF_8));
            context.accept();
        }).build();
        assertThat(dead.poll(10, TimeUnit.SECONDS)).isEqualTo("job");
        deadConsumer.close();
        publisher.close();
    }

    /** Reads {@code count} messages from the stream at {@code offset}; returns their x-stream-offset annotations. */
    private static List<Long> readStream(String queue, java.util.function.UnaryOperator<ConsumerBuilder.StreamOptions> at,
            int count) throws Exception {
        List<Long> offsets = new CopyOnWriteArrayList<>();
        Consumer consumer = at.apply(connection.consumerBuilder().queue(queue).messageHandler((context, m) -> {
            offsets.add(((Number) m.annotation("x-stream-offset")).longValue());
            context.accept(); // accepted and ignored: a stream is not consumed
        }).stream()).builder().build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> offsets.size() >= count);
        Thread.sleep(200); // nothing more arrives
        consumer.close();
        return offsets;
    }

    @Test
    void aStreamIsReadFromEachOffsetSpecAndNotConsumed() throws Exception {
        Management management = connection.management();
        management.queue("rmq-stream").type(Management.QueueType.STREAM).declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-stream").build();
        for (int i = 0; i < 5; i++) {
            assertThat(publishAndWait(publisher, publisher.message(("s" + i).getBytes(StandardCharsets.UTF_8))))
                    .isEqualTo(Publisher.Status.ACCEPTED);
        }
        assertThat(readStream("rmq-stream", o -> o.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), 5))
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(readStream("rmq-stream", o -> o.offset(ConsumerBuilder.StreamOffsetSpecification.FIRST), 5))
                .containsExactly(0L, 1L, 2L, 3L, 4L); // read again: nothing was consumed
        assertThat(readStream("rmq-stream", o -> o.offset(3), 2)).containsExactly(3L, 4L);
        assertThat(readStream("rmq-stream", o -> o.offset(ConsumerBuilder.StreamOffsetSpecification.LAST), 1))
                .containsExactly(4L);
        assertThat(readStream("rmq-stream", o -> o.offset(java.time.Instant.now().minusSeconds(60)), 5))
                .containsExactly(0L, 1L, 2L, 3L, 4L);

        // next: only what is published after the attach
        List<Long> offsets = new CopyOnWriteArrayList<>();
        Consumer next = connection.consumerBuilder().queue("rmq-stream").messageHandler((context, m) -> {
            offsets.add(((Number) m.annotation("x-stream-offset")).longValue());
            context.accept();
        }).stream().offset(ConsumerBuilder.StreamOffsetSpecification.NEXT).builder().build();
        Thread.sleep(300);
        assertThat(publishAndWait(publisher, publisher.message("s5".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Publisher.Status.ACCEPTED);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> offsets.size() == 1);
        assertThat(offsets).containsExactly(5L);
        next.close();
        publisher.close();
    }

    @Test
    void purgeEmptiesAQueue() throws Exception {
        Management management = connection.management();
        management.queue("rmq-purge").declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-purge").build();
        for (int i = 0; i < 3; i++) {
            assertThat(publishAndWait(publisher, publisher.message(new byte[] {(byte) i})))
                    .isEqualTo(Publisher.Status.ACCEPTED);
        }
        publisher.close();
        assertThat(management.queueInfo("rmq-purge").messageCount()).isEqualTo(3);
        assertThat(management.queuePurge("rmq-purge").messageCount()).isEqualTo(3);
        assertThat(management.queueInfo("rmq-purge").messageCount()).isZero();
    }
}
