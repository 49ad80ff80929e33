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
        assertThat(management.queueInfo("rmq-orders").consumerCount()).isEqualTo(1);
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
    void anInternalExchangeRefusesPublishers() throws Exception {
        // the client cannot declare one (its specification has no internal flag): declared directly
        trilog.gateway().queueLayer().topology().declareExchange(new dev.trilog.routing.address.ExchangeSpec(
                "rmq-internal", dev.trilog.routing.address.ExchangeType.FANOUT, true, false, true, java.util.Map.of()));
        assertThatThrownBy(() -> connection.publisherBuilder().exchange("rmq-internal").build())
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

        assertThat(publishAndWait(publisher, publisher.message("job2".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Publisher.Status.ACCEPTED);

        List<String> events = new CopyOnWriteArrayList<>();
        Consumer consumer = connection.consumerBuilder().queue("rmq-work").messageHandler((context, m) -> {
            String body = new String(m.body(), StandardCharsets.UTF_8);
            if (body.equals("job") && events.isEmpty()) {
                events.add("requeued");
                context.requeue();
            } else if (body.equals("job")) {
                events.add("discarded");
                context.discard(); // rejected
            } else {
                events.add("discarded with annotations");
                context.discard(java.util.Map.of("x-opt-reason", "bad")); // modified{undeliverable-here}
            }
        }).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        consumer.close();

        BlockingQueue<String> dead = new ArrayBlockingQueue<>(2);
        Consumer deadConsumer = connection.consumerBuilder().queue("rmq-dead").messageHandler((context, m) -> {
            dead.add(new String(m.body(), StandardCharsets.UTF_8));
            context.accept();
        }).build();
        assertThat(List.of(dead.poll(10, TimeUnit.SECONDS), dead.poll(10, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder("job", "job2");
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
    void everyPrimitiveTypeAndEveryPropertyRoundTrips() throws Exception {
        connection.management().queue("rmq-types").declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-types").build();
        java.util.UUID uuid = java.util.UUID.randomUUID();
        long expiry = System.currentTimeMillis() + 3_600_000;
        Message message = publisher.message("typed".getBytes(StandardCharsets.UTF_8))
                .messageId(uuid).correlationId(42L).userId("guest".getBytes(StandardCharsets.UTF_8))
                .to("/queues/rmq-types").subject("a subject").replyTo("/queues/replies")
                .contentType("text/plain").contentEncoding("identity").absoluteExpiryTime(expiry)
                .creationTime(1_700_000_000_000L).groupId("g1").groupSequence(7).replyToGroupId("rg")
                .property("boolean", true).property("byte", (byte) -8).property("short", (short) -300)
                .property("int", -70_000).property("long", -5_000_000_000L)
                .propertyUnsigned("ubyte", (byte) 200).propertyUnsigned("ushort", (short) 60_000)
                .propertyUnsigned("uint", 4_000_000_000L > Integer.MAX_VALUE ? -294_967_296 : 0)
                .propertyUnsigned("ulong", -1L).property("float", 1.5f).property("double", -2.25)
                .propertyDecimal32("decimal32", new java.math.BigDecimal("1.5"))
                .propertyDecimal64("decimal64", new java.math.BigDecimal("-12.25"))
                .propertyDecimal128("decimal128", new java.math.BigDecimal("123456789.123456789"))
                .property("char", 'é').propertyTimestamp("timestamp", 1_700_000_000_123L)
                .property("uuid", uuid).property("binary", new byte[] {0, 1, (byte) 0xFF})
                .property("string", "text ✓");
        assertThat(publishAndWait(publisher, message)).isEqualTo(Publisher.Status.ACCEPTED);
        publisher.close();

        BlockingQueue<Message> received = new ArrayBlockingQueue<>(1);
        Consumer consumer = connection.consumerBuilder().queue("rmq-types").messageHandler((context, m) -> {
            received.add(m);
            context.accept();
        }).build();
        Message got = received.poll(10, TimeUnit.SECONDS);
        consumer.close();
        assertThat(got).isNotNull();
        assertThat(got.messageIdAsUuid()).isEqualTo(uuid);
        assertThat(got.correlationIdAsLong()).isEqualTo(42L);
        assertThat(new String(got.userId(), StandardCharsets.UTF_8)).isEqualTo("guest");
        assertThat(got.to()).isEqualTo("/queues/rmq-types");
        assertThat(got.subject()).isEqualTo("a subject");
        assertThat(got.replyTo()).isEqualTo("/queues/replies");
        assertThat(got.contentType()).isEqualTo("text/plain");
        assertThat(got.contentEncoding()).isEqualTo("identity");
        assertThat(got.absoluteExpiryTime()).isEqualTo(expiry);
        assertThat(got.creationTime()).isEqualTo(1_700_000_000_000L);
        assertThat(got.groupId()).isEqualTo("g1");
        assertThat(got.groupSequence()).isEqualTo(7);
        assertThat(got.replyToGroupId()).isEqualTo("rg");
        assertThat(got.property("boolean")).isEqualTo(true);
        assertThat(got.property("byte")).isEqualTo((byte) -8);
        assertThat(got.property("short")).isEqualTo((short) -300);
        assertThat(got.property("int")).isEqualTo(-70_000);
        assertThat(got.property("long")).isEqualTo(-5_000_000_000L);
        assertThat(got.property("ubyte").toString()).isEqualTo("200");
        assertThat(got.property("ushort").toString()).isEqualTo("60000");
        assertThat(got.property("uint").toString()).isEqualTo("4000000000");
        assertThat(got.property("ulong").toString()).isEqualTo("18446744073709551615");
        assertThat(got.property("float")).isEqualTo(1.5f);
        assertThat(got.property("double")).isEqualTo(-2.25);
        assertThat(got.property("decimal32").getClass().getSimpleName()).isEqualTo("Decimal32");
        assertThat(got.property("decimal64").getClass().getSimpleName()).isEqualTo("Decimal64");
        assertThat(got.property("decimal128").getClass().getSimpleName()).isEqualTo("Decimal128");
        assertThat(got.property("char")).isEqualTo('é');
        assertThat(got.property("timestamp")).isEqualTo(1_700_000_000_123L); // the client gives timestamps as ms
        assertThat(got.property("uuid")).isEqualTo(uuid);
        assertThat(got.property("binary")).isEqualTo(new byte[] {0, 1, (byte) 0xFF});
        assertThat(got.property("string")).isEqualTo("text ✓");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("typed");
    }

    @Test
    void aHeadersExchangeRoutesByApplicationProperties() throws Exception {
        Management management = connection.management();
        management.queue("rmq-eu").declare();
        management.binding().sourceExchange("amq.headers").destinationQueue("rmq-eu")
                .argument("x-match", "all").argument("region", "eu").bind();
        Publisher publisher = connection.publisherBuilder().exchange("amq.headers").build();
        assertThat(publishAndWait(publisher, publisher.message(new byte[] {1}).property("region", "eu")))
                .isEqualTo(Publisher.Status.ACCEPTED);
        assertThat(publishAndWait(publisher, publisher.message(new byte[] {2}).property("region", "us")))
                .isEqualTo(Publisher.Status.RELEASED);
        publisher.close();
        assertThat(management.queueInfo("rmq-eu").messageCount()).isEqualTo(1);
        management.unbind().sourceExchange("amq.headers").destinationQueue("rmq-eu")
                .argument("x-match", "all").argument("region", "eu").unbind();
        Publisher again = connection.publisherBuilder().exchange("amq.headers").build();
        assertThat(publishAndWait(again, again.message(new byte[] {3}).property("region", "eu")))
                .isEqualTo(Publisher.Status.RELEASED);
        again.close();
    }

    @Test
    void aMessageRequeuedPastItsDeliveryLimitIsDeadLettered() throws Exception {
        Management management = connection.management();
        management.queue("rmq-limit-dlq").declare();
        management.queue("rmq-limited").quorum().deliveryLimit(2).queue().deadLetterExchange("")
                .deadLetterRoutingKey("rmq-limit-dlq").declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-limited").build();
        assertThat(publishAndWait(publisher, publisher.message("poison".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Publisher.Status.ACCEPTED);
        publisher.close();
        java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();
        Consumer consumer = connection.consumerBuilder().queue("rmq-limited").messageHandler((context, m) -> {
            deliveries.incrementAndGet();
            context.requeue();
        }).build();
        BlockingQueue<String> dead = new ArrayBlockingQueue<>(1);
        Consumer deadConsumer = connection.consumerBuilder().queue("rmq-limit-dlq").messageHandler((context, m) -> {
            dead.add(new String(m.body(), StandardCharsets.UTF_8));
            context.accept();
        }).build();
        assertThat(dead.poll(10, TimeUnit.SECONDS)).isEqualTo("poison");
        assertThat(deliveries.get()).isEqualTo(2);
        consumer.close();
        deadConsumer.close();
    }

    @Test
    void streamFilterExpressionsAreEvaluatedInTheBroker() throws Exception {
        Management management = connection.management();
        management.queue("rmq-filtered").type(Management.QueueType.STREAM).declare();
        Publisher publisher = connection.publisherBuilder().queue("rmq-filtered").build();
        String[][] sent = {{"order.new", "eu"}, {"order.paid", "us"}, {"invoice.new", "eu"}, {"order.new", "us"}};
        for (String[] s : sent) {
            assertThat(publishAndWait(publisher, publisher.message(new byte[] {1}).subject(s[0]).property("region", s[1])))
                    .isEqualTo(Publisher.Status.ACCEPTED);
        }
        publisher.close();
        List<Long> offsets = new CopyOnWriteArrayList<>();
        Consumer consumer = connection.consumerBuilder().queue("rmq-filtered").messageHandler((context, m) -> {
            offsets.add(((Number) m.annotation("x-stream-offset")).longValue());
            context.accept();
        }).stream().offset(ConsumerBuilder.StreamOffsetSpecification.FIRST)
                .filter().subject("&p:order.").property("region", "us").stream().builder().build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> offsets.size() >= 2);
        Thread.sleep(200);
        consumer.close();
        assertThat(offsets).containsExactly(1L, 3L);
    }

    @Test
    void anAutoDeleteQueueGoesWithItsLastConsumer() throws Exception {
        Management management = connection.management();
        management.queue("rmq-auto").autoDelete(true).declare();
        Consumer first = connection.consumerBuilder().queue("rmq-auto").messageHandler((c, m) -> c.accept()).build();
        Consumer second = connection.consumerBuilder().queue("rmq-auto").messageHandler((c, m) -> c.accept()).build();
        first.close();
        Thread.sleep(200);
        assertThat(management.queueInfo("rmq-auto").consumerCount()).isEqualTo(1); // still there
        second.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                trilog.gateway().queueLayer().topology().queue("rmq-auto").isEmpty());
    }

    @Test
    void anExclusiveQueueGoesWithItsConnection() throws Exception {
        Connection own = environment.connectionBuilder().build();
        own.management().queue("rmq-exclusive").exclusive(true).declare();
        assertThat(trilog.gateway().queueLayer().topology().queue("rmq-exclusive")).isPresent();
        own.consumerBuilder().queue("rmq-exclusive").messageHandler((c, m) -> c.accept()).build(); // the owner may
        assertThatThrownBy(() -> connection.consumerBuilder().queue("rmq-exclusive")
                .messageHandler((c, m) -> c.accept()).build()).isInstanceOf(AmqpException.class); // others may not
        own.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                trilog.gateway().queueLayer().topology().queue("rmq-exclusive").isEmpty());
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
