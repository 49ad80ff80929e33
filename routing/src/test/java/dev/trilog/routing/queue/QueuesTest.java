package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.body;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.topology.TopologyException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The basic queue operations of {@link Queues}. */
class QueuesTest {

    @TempDir
    Path dataDir;
    QueuesFixture f;
    Queues queues;

    @BeforeEach
    void open() throws Exception {
        f = new QueuesFixture(dataDir);
        f.declare("jobs", Map.of());
        queues = f.queues;
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    @Test
    void aPublishedMessageIsReceivedOnceAndGoneWhenAcknowledged() throws Exception {
        PublishResult published = queues.publish("jobs", text("hello"), PublishOptions.NONE).get();
        assertThat(published).isEqualTo(new PublishResult(0, 0, null, false));

        List<QueueDelivery> got = queues.receive("jobs", "c1", 10, 30_000);
        assertThat(got).hasSize(1);
        QueueDelivery d = got.get(0);
        assertThat(body(d)).isEqualTo("hello");
        assertThat(d.tag()).isEqualTo(new DeliveryTag("jobs", 0, 0, 1));
        assertThat(d.acquisitions()).isEqualTo(1);
        assertThat(d.failedDeliveries()).isZero();
        assertThat(d.publishTimestampMs()).isPositive();
        assertThat(d.firstAcquiredMs()).isGreaterThanOrEqualTo(d.publishTimestampMs());
        assertThat(queues.receive("jobs", "c2", 10, 30_000)).isEmpty();
        assertThat(queues.counts("jobs")).isEqualTo(new QueueCounts(0, 1, 0, 0, 0));

        assertThat(queues.acknowledge(d.tag()).get()).isEqualTo(SettleResult.OK);
        assertThat(queues.acknowledge(d.tag()).get()).isEqualTo(SettleResult.UNKNOWN);
        assertThat(queues.counts("jobs")).isEqualTo(new QueueCounts(0, 0, 0, 0, 0));
    }

    @Test
    void acknowledgeAllAnswersPerTag() throws Exception {
        for (int i = 0; i < 3; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        List<QueueDelivery> got = queues.receive("jobs", "c", 3, 30_000);
        DeliveryTag stale = new DeliveryTag("jobs", 0, got.get(2).tag().offset(), 7);
        assertThat(queues.acknowledgeAll(List.of(got.get(0).tag(), got.get(1).tag(), stale,
                new DeliveryTag("nope", 0, 0, 1))).get()).containsExactly(SettleResult.OK, SettleResult.OK,
                SettleResult.STALE, SettleResult.UNKNOWN);
        assertThat(queues.counts("jobs").inFlight()).isEqualTo(1);
    }

    @Test
    void releaseKeepsTheFailedCountReleaseFailedRaisesItAndOldTagsAreStale() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        QueueDelivery first = queues.receive("jobs", "c", 1, 30_000).get(0);
        assertThat(queues.release(first.tag())).isEqualTo(SettleResult.OK);

        QueueDelivery second = queues.receive("jobs", "c", 1, 30_000).get(0);
        assertThat(second.acquisitions()).isEqualTo(2);
        assertThat(second.failedDeliveries()).isZero();
        assertThat(second.firstAcquiredMs()).isEqualTo(first.firstAcquiredMs());
        assertThat(queues.releaseFailed(second.tag())).isEqualTo(SettleResult.OK);

        QueueDelivery third = queues.receive("jobs", "c", 1, 30_000).get(0);
        assertThat(third.failedDeliveries()).isEqualTo(1);
        assertThat(queues.acknowledge(second.tag()).get()).isEqualTo(SettleResult.STALE);
        assertThat(queues.release(first.tag())).isEqualTo(SettleResult.STALE);
        assertThat(queues.acknowledge(third.tag()).get()).isEqualTo(SettleResult.OK);
    }

    @Test
    void extendLockMovesTheDeadlineAndZeroMakesTheMessageAvailableNow() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        QueueDelivery d = queues.receive("jobs", "c", 1, 1_000).get(0);
        assertThat(queues.extendLock(d.tag(), 60_000)).isEqualTo(SettleResult.OK);
        f.clock.advance(2_000);
        assertThat(queues.receive("jobs", "c", 1, 1_000)).isEmpty();
        assertThat(queues.extendLock(d.tag(), 0)).isEqualTo(SettleResult.OK);
        assertThat(queues.receive("jobs", "c", 1, 1_000)).extracting(x -> x.acquisitions()).containsExactly(2);
    }

    @Test
    void anExpiredLockMakesTheMessageAvailableAgain() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        QueueDelivery d = queues.receive("jobs", "c", 1, 1_000).get(0);
        f.clock.advance(1_001);
        assertThat(queues.acknowledge(d.tag()).get()).isEqualTo(SettleResult.NOT_ACQUIRED);
        assertThat(queues.receive("jobs", "c", 1, 1_000)).hasSize(1);
    }

    @Test
    void releaseAllReturnsOnlyWhatThatConsumerHolds() throws Exception {
        for (int i = 0; i < 4; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        assertThat(queues.receive("jobs", "gone", 3, 30_000)).hasSize(3);
        assertThat(queues.receive("jobs", "stays", 1, 30_000)).hasSize(1);
        assertThat(queues.releaseAll("jobs", "gone")).isEqualTo(3);
        assertThat(queues.counts("jobs").available()).isEqualTo(3);
        assertThat(queues.counts("jobs").inFlight()).isEqualTo(1);
        assertThat(queues.receive("jobs", "other", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("m0", "m1", "m2");
    }

    @Test
    void theStartOffsetMovesPastContiguousSettledMessagesOnly() throws Exception {
        for (int i = 0; i < 3; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        List<QueueDelivery> got = queues.receive("jobs", "c", 3, 30_000);
        assertThat(queues.startOffset("jobs", 0)).isZero();
        queues.acknowledge(got.get(1).tag()).get();
        assertThat(queues.startOffset("jobs", 0)).as("offset 0 is still held").isZero();
        queues.acknowledge(got.get(0).tag()).get();
        assertThat(queues.startOffset("jobs", 0)).isEqualTo(2);
        assertThat(queues.lag("jobs", 0)).as("offset 2, held: not done yet").isEqualTo(1);
        assertThatThrownBy(() -> queues.startOffset("jobs", 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.lag("jobs", 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.startOffset("nope", 0)).isInstanceOf(UnknownQueueException.class);
    }

    @Test
    void purgeDropsWhatIsNotInFlight() throws Exception {
        for (int i = 0; i < 5; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        QueueDelivery held = queues.receive("jobs", "c", 1, 30_000).get(0);
        queues.purge("jobs").get();
        assertThat(queues.counts("jobs")).isEqualTo(new QueueCounts(0, 1, 0, 0, 0));
        assertThat(queues.receive("jobs", "c", 10, 30_000)).isEmpty();
        assertThat(queues.acknowledge(held.tag()).get()).isEqualTo(SettleResult.OK);
        queues.publish("jobs", text("after"), PublishOptions.NONE).get();
        assertThat(queues.receive("jobs", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("after");
        f.restart(); // "after" was in flight: it comes back; the purged ones do not
        assertThat(f.queues.receive("jobs", "c", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("after");
    }

    @Test
    void aLongPollCompletesWhenAMessageArrivesOrEmptyWhenTheWaitEnds() throws Exception {
        CompletableFuture<List<QueueDelivery>> waiting = queues.receive("jobs", "c", 10, 30_000, 20_000);
        assertThat(waiting).isNotDone();
        queues.publish("jobs", text("late"), PublishOptions.NONE).get();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(QueuesFixture::body).containsExactly("late");

        long start = System.nanoTime();
        assertThat(queues.receive("jobs", "c", 10, 30_000, 200).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void waitingLongPollsAreAnsweredInTheOrderTheyCameOneMessageAtATime() throws Exception {
        List<CompletableFuture<List<QueueDelivery>>> waiting = IntStream.range(0, 4)
                .mapToObj(i -> queues.receive("jobs", "c" + i, 1, 30_000, 20_000)).toList();
        for (int i = 0; i < waiting.size(); i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
            // the poll that has waited longest gets it, not one that came after it
            assertThat(waiting.get(i).get(10, TimeUnit.SECONDS)).extracting(QueuesFixture::body)
                    .containsExactly("m" + i);
        }
    }

    @Test
    void aLongPollIsWokenByALockThatRunsOut() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        QueueDelivery d = queues.receive("jobs", "c", 1, 300).get(0);
        CompletableFuture<List<QueueDelivery>> waiting = queues.receive("jobs", "c", 1, 30_000, 20_000);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(QueueDelivery::acquisitions).containsExactly(2);
        assertThat(queues.acknowledge(d.tag()).get()).isEqualTo(SettleResult.STALE);
    }

    @Test
    void publishAllSpreadsOverPartitionsAndReceiveCollectsFromAll() throws Exception {
        f.declare("wide", Map.of(QueueSpec.PARTITIONS, HeaderValue.ofInt(3)));
        List<PublishResult> results = queues.publishAll("wide",
                IntStream.range(0, 9).mapToObj(i -> Publish.of(text("m" + i))).toList()).get();
        assertThat(results).extracting(PublishResult::partition).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2);
        List<QueueDelivery> got = queues.receive("wide", "c", 20, 30_000);
        assertThat(got).extracting(QueuesFixture::body).containsExactlyInAnyOrder(
                IntStream.range(0, 9).mapToObj(i -> "m" + i).toArray(String[]::new));
        assertThat(queues.counts("wide").inFlight()).isEqualTo(9);
    }

    @Test
    void publishAllKeepsEachResultAtItsIndexWithDuplicatesAmongThem() throws Exception {
        PublishOptions once = PublishOptions.NONE.withDeduplicationId("once");
        List<PublishResult> results = queues.publishAll("jobs", List.of(Publish.of(text("a")),
                new Publish(text("b"), once), Publish.of(text("c")), new Publish(text("b again"), once))).get();
        assertThat(results).extracting(PublishResult::duplicate).containsExactly(false, false, false, true);
        assertThat(results.get(3).offset()).isEqualTo(results.get(1).offset());
        assertThat(queues.receive("jobs", "c", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void anExchangePublishReachesEveryBoundQueueAndRecordsTheExchange() throws Exception {
        f.declare("eu", Map.of());
        f.topology.bind(Binding.toQueue("amq.topic", "eu", "order.*.eu"));
        f.topology.bind(Binding.toQueue("amq.topic", "jobs", "order.#"));
        RoutedPublish routed = queues.publishToExchange("amq.topic", "order.new.eu", text("o1")).get();
        assertThat(routed.byQueue()).containsOnlyKeys("eu", "jobs");
        QueueDelivery d = queues.receive("eu", "c", 1, 30_000).get(0);
        assertThat(d.message().properties().exchange()).isEqualTo("amq.topic");
        assertThat(d.message().properties().routingKey()).isEqualTo("order.new.eu");
        assertThat(queues.publishToExchange("amq.topic", "nothing", text("x")).get().routed()).isFalse();
        assertThatThrownBy(() -> queues.publishToExchange("nope", "k", text("x")).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopologyException.class);
    }

    /** A frontend may stamp exchange and key itself (AMQP 0-9-1 does); stale ones are restamped. */
    @Test
    void anExchangePublishRecordsTheExchangeAndKeyItWasPublishedWithWhateverTheMessageCarried() throws Exception {
        f.topology.bind(Binding.toQueue("amq.topic", "jobs", "order.#"));
        Message stale = text("old").toBuilder().properties(MessageProperties.builder().exchange("elsewhere")
                .routingKey("order.old").build()).build();
        Message stamped = text("new").toBuilder().properties(MessageProperties.builder().exchange("amq.topic")
                .routingKey("order.new").build()).build();
        queues.publishToExchange("amq.topic", "order.new", stale).get();
        queues.publishToExchange("amq.topic", "order.new", stamped).get();
        List<QueueDelivery> got = queues.receive("jobs", "c", 2, 30_000);
        assertThat(got).extracting(d -> d.message().properties().exchange()).containsExactly("amq.topic", "amq.topic");
        assertThat(got).extracting(d -> d.message().properties().routingKey())
                .containsExactly("order.new", "order.new");
        assertThat(got).extracting(QueuesFixture::body).containsExactlyInAnyOrder("old", "new");
    }

    @Test
    void anUnknownQueueIsToldAsSuch() {
        assertThatThrownBy(() -> queues.receive("nope", "c", 1, 1_000)).isInstanceOf(UnknownQueueException.class);
        assertThatThrownBy(() -> queues.publish("nope", text("x"), PublishOptions.NONE).get())
                .hasCauseInstanceOf(UnknownQueueException.class);
        assertThat(queues.release(new DeliveryTag("nope", 0, 0, 1))).isEqualTo(SettleResult.UNKNOWN);
        assertThat(queues.release(new DeliveryTag("jobs", 7, 0, 1))).isEqualTo(SettleResult.UNKNOWN);
    }

    @Test
    void aDeletedAndRedeclaredQueueStartsEmpty() throws Exception {
        queues.publish("jobs", text("old"), PublishOptions.NONE).get();
        f.topology.deleteQueue("jobs");
        assertThatThrownBy(() -> queues.counts("jobs")).isInstanceOf(UnknownQueueException.class);
        f.declare("jobs", Map.of());
        queues.publish("jobs", text("new"), PublishOptions.NONE).get();
        assertThat(queues.receive("jobs", "c", 10, 30_000)).extracting(QueuesFixture::body).containsExactly("new");
    }

    @Test
    void acknowledgedMessagesStayGoneAndHeldOnesComeBackAfterARestart() throws Exception {
        for (int i = 0; i < 3; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        List<QueueDelivery> got = queues.receive("jobs", "c", 2, 30_000);
        assertThat(queues.acknowledge(got.get(0).tag()).get()).isEqualTo(SettleResult.OK);
        f.restart();
        List<QueueDelivery> after = f.queues.receive("jobs", "c", 10, 30_000);
        assertThat(after).extracting(QueuesFixture::body).containsExactly("m1", "m2");
        assertThat(after).extracting(QueueDelivery::acquisitions).containsExactly(2, 1);
    }

    @Test
    void aPeekShowsAvailableMessagesOldestFirstAndTakesNone() throws Exception {
        for (int i = 0; i < 3; i++) {
            queues.publish("jobs", text("m" + i), PublishOptions.NONE).get();
        }
        QueueDelivery held = queues.receive("jobs", "c1", 1, 30_000).get(0);

        List<PeekedMessage> seen = queues.peek("jobs", 10);

        assertThat(seen).extracting(p -> p.message().body() == null ? null
                : java.nio.charset.StandardCharsets.UTF_8.decode(p.message().body()).toString()).containsExactly("m1", "m2");
        assertThat(seen).extracting(PeekedMessage::acquisitions).containsExactly(0, 0);
        assertThat(seen.get(0).offset()).isEqualTo(1);
        assertThat(queues.peek("jobs", 1)).hasSize(1);
        assertThat(queues.counts("jobs").available()).isEqualTo(2);
        assertThat(queues.counts("jobs").inFlight()).isEqualTo(1);
        // still there for a consumer, first delivery
        List<QueueDelivery> next = queues.receive("jobs", "c2", 10, 30_000);
        assertThat(next).extracting(QueueDelivery::acquisitions).containsExactly(1, 1);
        assertThat(held.acquisitions()).isEqualTo(1);
        assertThatThrownBy(() -> queues.peek("nope", 1)).isInstanceOf(UnknownQueueException.class);
        assertThatThrownBy(() -> queues.peek("jobs", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
