package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.body;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.Delivery;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delay, expiry, dead-lettering, delivery limits, deduplication and FIFO groups, one by one. */
class QueuePoliciesTest {

    static final Map<String, HeaderValue> TO_DLQ = Map.of(
            QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
            QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("dlq"));

    @TempDir
    Path dataDir;
    QueuesFixture f;
    Queues queues;

    @BeforeEach
    void open() throws Exception {
        f = new QueuesFixture(dataDir);
        f.declare("dlq", Map.of());
        queues = f.queues;
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    Map<String, HeaderValue> with(Map<String, HeaderValue> base, String name, HeaderValue value) {
        Map<String, HeaderValue> all = new java.util.HashMap<>(base);
        all.put(name, value);
        return all;
    }

    QueueDelivery onlyDeadLetter() {
        List<QueueDelivery> dead = queues.receive("dlq", "inspector", 10, 30_000);
        assertThat(dead).hasSize(1);
        return dead.get(0);
    }

    static String header(QueueDelivery d, String name) {
        HeaderValue value = d.message().unknownProperties().get(name);
        return value == null ? null : value.text();
    }

    // ------------------------------------------------------------ delay

    @Test
    void aDelayedMessageWaitsForItsTime() throws Exception {
        f.declare("q", Map.of());
        queues.publish("q", text("later"), PublishOptions.NONE.withDelayMs(5_000)).get();
        queues.publish("q", text("now"), PublishOptions.NONE).get();
        assertThat(queues.counts("q")).as("before any receive looked").extracting(QueueCounts::available,
                QueueCounts::delayed).containsExactly(1L, 1L);
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("now");
        assertThat(queues.counts("q").delayed()).isEqualTo(1);
        f.clock.advance(5_001);
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("later");
    }

    @Test
    void theQueueDelayAppliesUnlessTheMessageSaysOtherwise() throws Exception {
        f.declare("q", Map.of(QueueSpec.DELIVERY_DELAY, HeaderValue.ofInt(10_000)));
        queues.publish("q", text("queue-delay"), PublishOptions.NONE).get();
        queues.publish("q", text("no-delay"), PublishOptions.NONE.withDelayMs(0)).get();
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("no-delay");
        f.clock.advance(10_001);
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("queue-delay");
    }

    @Test
    void aLongPollWakesWhenADelayEnds() throws Exception {
        f.declare("q", Map.of());
        queues.publish("q", text("soon"), PublishOptions.NONE.withDelayMs(300)).get();
        CompletableFuture<List<QueueDelivery>> waiting = queues.receive("q", "c", 1, 30_000, 20_000);
        assertThat(waiting.get()).extracting(QueuesFixture::body).containsExactly("soon");
    }

    // ------------------------------------------------------------ expiry

    @Test
    void aMessagePastTheQueueTtlIsNotDeliveredButDeadLetteredAsExpired() throws Exception {
        f.declare("q", with(TO_DLQ, QueueSpec.MESSAGE_TTL, HeaderValue.ofInt(1_000)));
        queues.publish("q", text("stale"), PublishOptions.NONE).get();
        queues.publish("q", text("fresh"), PublishOptions.NONE.withDelayMs(0)).get();
        f.clock.advance(1_001);
        queues.publish("q", text("new"), PublishOptions.NONE).get();

        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("new");
        List<QueueDelivery> dead = queues.receive("dlq", "c", 10, 30_000);
        assertThat(dead).extracting(QueuesFixture::body).containsExactly("stale", "fresh");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("expired");
        assertThat(header(dead.get(0), DeadLetterHeaders.QUEUE)).isEqualTo("q");
        assertThat(header(dead.get(0), DeadLetterHeaders.COUNT)).isEqualTo("1");
        assertThat(queues.counts("q").archived()).isEqualTo(2);
    }

    @Test
    void aMessageWithItsOwnExpiryTimeExpiresThen() throws Exception {
        f.declare("q", TO_DLQ);
        long now = f.clock.millis();
        Message shortLived = Message.builder().body("short")
                .properties(MessageProperties.builder().expiryTime(now + 500).build()).build();
        queues.publish("q", shortLived, PublishOptions.NONE).get();
        queues.publish("q", text("long"), PublishOptions.NONE).get();
        f.clock.advance(501);
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("long");
        QueueDelivery dead = onlyDeadLetter();
        assertThat(body(dead)).isEqualTo("short");
        assertThat(dead.message().properties().expiryTime()).as("does not expire again").isNull();
    }

    // ------------------------------------------------------------ dead-lettering

    @Test
    void aRejectedMessageGoesToTheDeadLetterQueueWithReasonQueueAndCount() throws Exception {
        f.declare("q", TO_DLQ);
        f.declare("dlq2", Map.of());
        queues.publish("q", text("bad"), PublishOptions.NONE).get();
        QueueDelivery d = queues.receive("q", "c", 1, 30_000).get(0);
        assertThat(queues.reject(d.tag()).get()).isEqualTo(SettleResult.OK);
        assertThat(queues.receive("q", "c", 1, 30_000)).isEmpty();
        assertThat(queues.counts("q").archived()).isEqualTo(1);

        QueueDelivery dead = onlyDeadLetter();
        assertThat(body(dead)).isEqualTo("bad");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("rejected");
        assertThat(header(dead, DeadLetterHeaders.QUEUE)).isEqualTo("q");
        assertThat(header(dead, DeadLetterHeaders.COUNT)).isEqualTo("1");
        assertThat(dead.message().unknownProperties().get(DeadLetterHeaders.TIME).asTimestamp()).isPositive();
        assertThat(dead.message().properties().exchange()).isEqualTo("");
        assertThat(dead.message().properties().routingKey()).isEqualTo("dlq");
        assertThat(queues.reject(d.tag()).get()).isEqualTo(SettleResult.UNKNOWN);
    }

    @Test
    void deadLetteringTwiceCountsTwice() throws Exception {
        f.topology.deleteQueue("dlq");
        f.declare("dlq", Map.of(QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
                QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("last")));
        f.declare("last", Map.of());
        f.declare("q", TO_DLQ);
        queues.publish("q", text("x"), PublishOptions.NONE).get();
        queues.reject(queues.receive("q", "c", 1, 30_000).get(0).tag()).get();
        queues.reject(queues.receive("dlq", "c", 1, 30_000).get(0).tag()).get();
        QueueDelivery last = queues.receive("last", "c", 1, 30_000).get(0);
        assertThat(header(last, DeadLetterHeaders.COUNT)).isEqualTo("2");
        assertThat(header(last, DeadLetterHeaders.QUEUE)).isEqualTo("dlq");
    }

    @Test
    void aDeadLetterExchangeRoutesWithTheMessagesOwnRoutingKey() throws Exception {
        f.topology.declareExchange(ExchangeSpec.durable("dlx", ExchangeType.DIRECT));
        f.declare("dead-orders", Map.of());
        f.topology.bind(Binding.toQueue("dlx", "dead-orders", "orders.eu"));
        f.declare("orders", Map.of(QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString("dlx")));
        f.topology.bind(Binding.toQueue("amq.direct", "orders", "orders.eu"));
        queues.publishToExchange("amq.direct", "orders.eu", text("o")).get();
        queues.reject(queues.receive("orders", "c", 1, 30_000).get(0).tag()).get();
        QueueDelivery dead = queues.receive("dead-orders", "c", 1, 30_000).get(0);
        assertThat(body(dead)).isEqualTo("o");
        assertThat(dead.message().properties().exchange()).isEqualTo("dlx");
    }

    @Test
    void anExpiredMessageDeadLetteredToItsOwnQueueIsDroppedNotLoopedForever() throws Exception {
        f.declare("self", Map.of(QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
                QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("self"),
                QueueSpec.MESSAGE_TTL, HeaderValue.ofInt(1_000)));
        queues.publish("self", text("old"), PublishOptions.NONE).get();
        f.clock.advance(1_001);
        assertThat(queues.receive("self", "c", 10, 30_000)).isEmpty();
        assertThat(queues.counts("self")).isEqualTo(new QueueCounts(0, 0, 0, 1, 0));
        queues.publish("self", text("fresh"), PublishOptions.NONE).get();
        QueueDelivery fresh = queues.receive("self", "c", 10, 30_000).get(0);
        queues.reject(fresh.tag()).get(); // a consumer's rejection may go round: RabbitMQ allows that
        assertThat(header(queues.receive("self", "c", 10, 30_000).get(0), DeadLetterHeaders.REASON))
                .isEqualTo("rejected");
    }

    @Test
    void withoutADeadLetterTargetARejectedMessageIsDropped() throws Exception {
        f.declare("q", Map.of());
        queues.publish("q", text("x"), PublishOptions.NONE).get();
        assertThat(queues.reject(queues.receive("q", "c", 1, 30_000).get(0).tag()).get()).isEqualTo(SettleResult.OK);
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0, 1, 0));
        assertThat(queues.receive("dlq", "c", 10, 30_000)).isEmpty();
    }

    @Test
    void aMessageDeliveredUpToTheLimitIsDeadLetteredOnTheNextReceive() throws Exception {
        f.declare("q", with(TO_DLQ, QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(2)));
        queues.publish("q", text("poison"), PublishOptions.NONE).get();
        queues.publish("q", text("fine"), PublishOptions.NONE).get();
        for (int attempt = 1; attempt <= 2; attempt++) {
            QueueDelivery d = queues.receive("q", "c", 1, 30_000).get(0);
            assertThat(body(d)).isEqualTo("poison");
            assertThat(d.acquisitions()).isEqualTo(attempt);
            queues.release(d.tag());
        }
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("fine");
        QueueDelivery dead = onlyDeadLetter();
        assertThat(body(dead)).isEqualTo("poison");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("delivery_limit");
    }

    @Test
    void lockExpiryCountsTowardTheLimitToo() throws Exception {
        f.declare("q", with(TO_DLQ, QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(1)));
        queues.publish("q", text("slow"), PublishOptions.NONE).get();
        assertThat(queues.receive("q", "c", 1, 1_000)).hasSize(1);
        f.clock.advance(1_001);
        assertThat(queues.receive("q", "c", 1, 1_000)).isEmpty();
        assertThat(body(onlyDeadLetter())).isEqualTo("slow");
    }

    @Test
    void aRecordTheCursorArchivesAtItsOwnLimitIsStillDeadLettered() throws Exception {
        f.declare("q", with(TO_DLQ, QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(1)));
        queues.publish("q", text("taken elsewhere"), PublishOptions.NONE).get();
        queues.counts("q"); // the queue's cursor exists, with the queue's archive listener
        // a Kafka share consumer of the same group uses the same cursor, and releases past the limit
        ShareCursor cursor = f.engine.shareCursor(new TopicPartition("q", 0), "q",
                ShareGroupSettings.kafkaDefaults(), DeliveryPolicy.NONE, ArchiveListener.NONE);
        for (int i = 1; i <= 2; i++) {
            Delivery d = cursor.acquire("kafka", 1, 1 << 20, 30_000).get(0);
            assertThat(cursor.release(d.offset(), d.acquisitions())).isEqualTo(Outcome.OK);
        }
        List<QueueDelivery> dead = queues.receive("dlq", "c", 1, 30_000, 10_000).get();
        assertThat(dead).extracting(QueuesFixture::body).containsExactly("taken elsewhere");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("delivery_limit");
    }

    // ------------------------------------------------------------ deduplication

    @Test
    void aDuplicateIdWithinTheWindowIsNotWrittenAgainEvenAfterARestart() throws Exception {
        f.declare("q", Map.of());
        PublishOptions id = PublishOptions.NONE.withDeduplicationId("order-1");
        PublishResult first = queues.publish("q", text("one"), id).get();
        PublishResult again = queues.publish("q", text("one, again"), id).get();
        assertThat(again).isEqualTo(new PublishResult(first.partition(), first.offset(), null, true));

        f.restart();
        queues = f.queues;
        assertThat(queues.publish("q", text("after restart"), id).get().duplicate()).isTrue();
        assertThat(queues.receive("q", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("one");

        f.clock.advance(f.settings.deduplicationWindowMs() + 1);
        PublishResult later = queues.publish("q", text("much later"), id).get();
        assertThat(later.duplicate()).isFalse();
        assertThat(later.offset()).isEqualTo(first.offset() + 1);
    }

    @Test
    void theMessagesOwnDeduplicationIdCountsAndConcurrentDuplicatesWriteOnce() throws Exception {
        f.declare("q", Map.of());
        Message withId = Message.builder().body("x")
                .properties(MessageProperties.builder().deduplicationId("d").messageId(HeaderValue.ofString("m1"))
                        .build()).build();
        List<CompletableFuture<PublishResult>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(queues.publish("q", withId, PublishOptions.NONE));
        }
        List<PublishResult> results = all.stream().map(CompletableFuture::join).toList();
        assertThat(results).filteredOn(r -> !r.duplicate()).hasSize(1);
        assertThat(results).extracting(PublishResult::offset).containsOnly(0L);
        assertThat(results).extracting(PublishResult::messageId).containsOnly("m1");
        assertThat(queues.receive("q", "c", 30, 30_000)).hasSize(1);
    }

    @Test
    void contentBasedDeduplicationUsesTheBody() throws Exception {
        f.declare("q", Map.of(QueueSpec.CONTENT_BASED_DEDUPLICATION, HeaderValue.ofBoolean(true)));
        assertThat(queues.publish("q", text("same"), PublishOptions.NONE).get().duplicate()).isFalse();
        assertThat(queues.publish("q", text("same"), PublishOptions.NONE).get().duplicate()).isTrue();
        assertThat(queues.publish("q", text("other"), PublishOptions.NONE).get().duplicate()).isFalse();
        assertThat(queues.publish("q", text("same"), PublishOptions.NONE.withDeduplicationId("own")).get()
                .duplicate()).isFalse();
    }

    // ------------------------------------------------------------ FIFO

    @Test
    void aFifoGroupStaysInOnePartitionAndHasOneMessageInFlight() throws Exception {
        f.declare("f", Map.of(QueueSpec.FIFO, HeaderValue.ofBoolean(true),
                QueueSpec.PARTITIONS, HeaderValue.ofInt(4)));
        List<PublishResult> a = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.add(queues.publish("f", text("a" + i), PublishOptions.NONE.withGroupId("A")).get());
            queues.publish("f", text("b" + i), PublishOptions.NONE.withGroupId("B")).get();
        }
        assertThat(a).extracting(PublishResult::partition).containsOnly(a.get(0).partition());

        List<String> seen = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<QueueDelivery> got = queues.receive("f", "c", 10, 30_000);
            assertThat(got).as("one per group").hasSize(2);
            assertThat(queues.receive("f", "c2", 10, 30_000)).as("both groups blocked").isEmpty();
            for (QueueDelivery d : got) {
                seen.add(body(d));
                assertThat(d.message().properties().groupId()).isIn("A", "B");
                queues.acknowledge(d.tag()).get();
            }
        }
        assertThat(seen.stream().filter(s -> s.startsWith("a"))).containsExactly("a0", "a1", "a2", "a3", "a4");
        assertThat(seen.stream().filter(s -> s.startsWith("b"))).containsExactly("b0", "b1", "b2", "b3", "b4");
    }

    @Test
    void aReleasedFifoMessageIsRedeliveredBeforeTheRestOfItsGroup() throws Exception {
        f.declare("f", Map.of(QueueSpec.FIFO, HeaderValue.ofBoolean(true)));
        queues.publish("f", text("1"), PublishOptions.NONE.withGroupId("g")).get();
        queues.publish("f", text("2"), PublishOptions.NONE.withGroupId("g")).get();
        QueueDelivery first = queues.receive("f", "c", 10, 30_000).get(0);
        assertThat(queues.release(first.tag())).isEqualTo(SettleResult.OK);
        List<QueueDelivery> again = queues.receive("f", "c", 10, 30_000);
        assertThat(again).extracting(QueuesFixture::body).containsExactly("1");
    }
}
