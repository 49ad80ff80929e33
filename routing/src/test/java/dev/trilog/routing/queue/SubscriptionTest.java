package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.await;
import static dev.trilog.routing.queue.QueuesFixture.body;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Push consumers of {@link Queues}: credit, drain, settlement, cancel, fairness, and their locks. */
class SubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, HeaderValue> TO_DLQ = Map.of(
            QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
            QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("dlq"));

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

    /** Records what the facade pushes, and on which thread. */
    static final class RecordingSink implements DeliverySink {
        final LinkedBlockingQueue<QueueDelivery> deliveries = new LinkedBlockingQueue<>();
        /** Everything the sink heard, in order: "m0", "drained 7", "ended CLOSED". */
        final List<String> events = new CopyOnWriteArrayList<>();
        final Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        /** Settles each delivery as soon as it arrives, when set. */
        volatile Settlement autoSettle;

        @Override
        public void deliver(Subscription subscription, List<QueueDelivery> given) {
            threads.add(Thread.currentThread().getName());
            for (QueueDelivery d : given) {
                events.add(body(d));
                deliveries.add(d);
                if (autoSettle != null) {
                    subscription.settle(d.tag(), autoSettle);
                }
            }
        }

        @Override
        public void drained(Subscription subscription, int creditDropped) {
            threads.add(Thread.currentThread().getName());
            events.add("drained " + creditDropped);
        }

        @Override
        public void ended(Subscription subscription, Subscription.End why) {
            events.add("ended " + why);
        }

        /** The next {@code n} deliveries, waiting for each. */
        List<QueueDelivery> take(int n) throws InterruptedException {
            List<QueueDelivery> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                QueueDelivery d = deliveries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(d).as("delivery %d of %d", i + 1, n).isNotNull();
                out.add(d);
            }
            return out;
        }
    }

    private void publish(String queue, String... bodies) throws Exception {
        for (String b : bodies) {
            queues.publish(queue, text(b), PublishOptions.NONE).get();
        }
    }

    // ------------------------------------------------------------ credit

    @Test
    void creditLimitsWhatIsPushedAndAddCreditResumes() throws Exception {
        publish("jobs", "m0", "m1", "m2", "m3", "m4");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 2, sink);

        assertThat(sink.take(2)).extracting(QueuesFixture::body).containsExactly("m0", "m1");
        assertThat(s.credit()).isZero();
        assertThat(s.held()).isEqualTo(2);
        // no credit, so no round can take more: the rest stays available to others
        QueueCounts counts = queues.counts("jobs");
        assertThat(List.of(counts.available(), counts.inFlight())).containsExactly(3L, 2L);
        assertThat(sink.deliveries).isEmpty();

        s.addCredit(2);
        assertThat(sink.take(2)).extracting(QueuesFixture::body).containsExactly("m2", "m3");
        assertThat(s.delivered()).isEqualTo(4);
        assertThat(queues.counts("jobs").available()).isEqualTo(1);
        assertThat(sink.threads).containsOnly("trilog-queue-delivery");
    }

    @Test
    void pushedDeliveriesAreHeldWithoutADeadlineAndCountedAsDeliveries() throws Exception {
        publish("jobs", "m0");
        RecordingSink sink = new RecordingSink();
        queues.subscribe("jobs", "link-1", 1, sink);
        QueueDelivery d = sink.take(1).get(0);
        assertThat(d.tag()).isEqualTo(new DeliveryTag("jobs", 0, 0, 1));
        assertThat(d.acquisitions()).isEqualTo(1);
        assertThat(d.failedDeliveries()).isZero();
        assertThat(d.lockDeadlineMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void messagesPublishedWhileCreditIsLeftArePushedByTheAppendNotByTheTick() throws Exception {
        f.close();
        f = new QueuesFixture(dataDir, QueuesSettings.defaults().withLongPollTickMs(3_600_000));
        queues = f.queues;
        RecordingSink sink = new RecordingSink();
        queues.subscribe("jobs", "link-1", 10, sink);
        publish("jobs", "late");
        assertThat(sink.take(1)).extracting(QueuesFixture::body).containsExactly("late");
    }

    @Test
    void prefetchGivesACreditBackForEachSettlement() throws Exception {
        publish("jobs", "m0", "m1", "m2");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "ctag-1", 1, Subscription.CreditMode.PREFETCH, sink);
        QueueDelivery first = sink.take(1).get(0);
        assertThat(s.credit()).isZero();
        assertThat(sink.deliveries).isEmpty();
        assertThat(s.settle(first.tag(), Settlement.ACCEPT).get()).isEqualTo(SettleResult.OK);
        assertThat(sink.take(1)).extracting(QueuesFixture::body).containsExactly("m1");
        assertThat(s.held()).isEqualTo(1);
        assertThat(queues.counts("jobs").available()).isEqualTo(1);
    }

    @Test
    void settlingSeveralAtOnceGivesACreditBackForEachDeliveryItStillHeld() throws Exception {
        publish("jobs", "m0", "m1", "m2", "m3", "m4", "m5");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "ctag-1", 3, Subscription.CreditMode.PREFETCH, sink);
        List<QueueDelivery> first = sink.take(3);
        assertThat(s.settle(first.get(0).tag(), Settlement.ACCEPT).get()).isEqualTo(SettleResult.OK);
        assertThat(sink.take(1)).extracting(QueuesFixture::body).containsExactly("m3");

        // m0 is settled already: two credits back (m1, m2), not three
        assertThat(s.settleAll(List.of(first.get(0).tag(), first.get(1).tag(), first.get(2).tag()), Settlement.ACCEPT)
                .get()).containsExactly(SettleResult.UNKNOWN, SettleResult.OK, SettleResult.OK);
        assertThat(sink.take(2)).extracting(QueuesFixture::body).containsExactly("m4", "m5");
        assertThat(s.held()).as("m3, m4, m5").isEqualTo(3);
        assertThat(s.credit()).isZero();
    }

    /**
     * Acks that give a prefetch subscription credit back are written with the round that credit
     * wakes (one share-state write for both), or by that round when it finds nothing to take;
     * either way their futures complete once durable and a restart does not deliver them again.
     */
    @Test
    void acksThatGiveCreditBackAreDurableWithTheRoundTheyWakeAndStayDoneAfterARestart() throws Exception {
        publish("jobs", "m0", "m1", "m2", "m3");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "ctag-1", 2, Subscription.CreditMode.PREFETCH, sink);
        List<QueueDelivery> first = sink.take(2);
        assertThat(s.settleAll(first.stream().map(QueueDelivery::tag).toList(), Settlement.ACCEPT)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("written by the round that takes m2, m3")
                .containsExactly(SettleResult.OK, SettleResult.OK);
        List<QueueDelivery> second = sink.take(2);
        assertThat(second).extracting(QueuesFixture::body).containsExactly("m2", "m3");
        assertThat(s.settleAll(second.stream().map(QueueDelivery::tag).toList(), Settlement.ACCEPT)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("written by a round with nothing to take")
                .containsExactly(SettleResult.OK, SettleResult.OK);

        f.restart();
        assertThat(f.queues.receive("jobs", "after", 10, 30_000)).as("all four acknowledged durably").isEmpty();
    }

    // ------------------------------------------------------------ drain

    @Test
    void drainDeliversWhatIsAvailableThenDropsTheCreditLeftAndSaysSoAfterThem() throws Exception {
        publish("jobs", "m0", "m1", "m2");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 0, sink);
        s.addCredit(10);
        s.drain();
        await("the drain", () -> sink.events.contains("drained 7"));
        assertThat(sink.events).containsExactly("m0", "m1", "m2", "drained 7");
        assertThat(s.credit()).isZero();

        publish("jobs", "after");
        assertThat(queues.receive("jobs", "puller", 10, 30_000)).as("no credit left after the drain")
                .extracting(QueuesFixture::body).containsExactly("after");
        assertThat(sink.events).hasSize(4);
    }

    @Test
    void drainingAnEmptyQueueDropsAllTheCreditAtOnce() throws Exception {
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 5, sink);
        s.drain();
        await("the drain", () -> sink.events.contains("drained 5"));
        assertThat(s.credit()).isZero();
        assertThat(sink.threads).containsOnly("trilog-queue-delivery");
    }

    // ------------------------------------------------------------ settle

    @Test
    void eachSettlementHasItsOutcomeAndItsDeliveryCounts() throws Exception {
        f.declare("dlq", Map.of());
        f.declare("work", TO_DLQ);
        publish("work", "accepted", "released", "failed", "rejected");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("work", "link-1", 4, sink);
        List<QueueDelivery> got = sink.take(4);
        assertThat(got).extracting(QueuesFixture::body).containsExactly("accepted", "released", "failed", "rejected");

        assertThat(s.settle(got.get(0).tag(), Settlement.ACCEPT).get()).isEqualTo(SettleResult.OK);
        assertThat(s.settle(got.get(1).tag(), Settlement.RELEASE).get()).isEqualTo(SettleResult.OK);
        assertThat(s.settle(got.get(2).tag(), Settlement.RELEASE_FAILED).get()).isEqualTo(SettleResult.OK);
        assertThat(s.settle(got.get(3).tag(), Settlement.REJECT).get()).isEqualTo(SettleResult.OK);
        assertThat(s.held()).isZero();

        s.addCredit(10);
        List<QueueDelivery> again = sink.take(2);
        assertThat(again).extracting(QueuesFixture::body).containsExactly("released", "failed");
        assertThat(again).extracting(QueueDelivery::acquisitions).containsExactly(2, 2);
        assertThat(again).extracting(QueueDelivery::failedDeliveries).containsExactly(0, 1);

        List<QueueDelivery> dead = queues.receive("dlq", "inspector", 10, 30_000);
        assertThat(dead).extracting(QueuesFixture::body).containsExactly("rejected");
        assertThat(dead.get(0).message().unknownProperties().get(DeadLetterHeaders.REASON).text())
                .isEqualTo("rejected");
        assertThat(queues.counts("work")).isEqualTo(new QueueCounts(0, 2, 0, 1, 0));

        assertThat(s.settle(got.get(0).tag(), Settlement.ACCEPT).get()).as("done already")
                .isEqualTo(SettleResult.UNKNOWN);
        assertThat(s.settle(got.get(1).tag(), Settlement.ACCEPT).get()).as("delivered again since")
                .isEqualTo(SettleResult.STALE);
        assertThat(s.settleAll(List.of(again.get(0).tag(), again.get(1).tag()), Settlement.ACCEPT).get())
                .containsExactly(SettleResult.OK, SettleResult.OK);
        assertThat(queues.counts("work").inFlight()).isZero();
    }

    // ------------------------------------------------------------ cancel

    @Test
    void cancelReturnsWhatWasHeldToOthersWithOneMoreFailedDeliveryAndStopsTheSink() throws Exception {
        publish("jobs", "m0", "m1", "m2");
        RecordingSink gone = new RecordingSink();
        Subscription a = queues.subscribe("jobs", "link-a", 5, gone);
        gone.take(3);
        RecordingSink stays = new RecordingSink();
        Subscription b = queues.subscribe("jobs", "link-b", 0, stays);

        assertThat(a.cancel().get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(a.active()).isFalse();
        assertThat(a.held()).isZero();

        b.addCredit(2);
        List<QueueDelivery> back = stays.take(2);
        assertThat(back).extracting(QueuesFixture::body).containsExactly("m0", "m1");
        assertThat(back).extracting(QueueDelivery::acquisitions).containsExactly(2, 2);
        assertThat(back).extracting(QueueDelivery::failedDeliveries).containsExactly(1, 1);
        List<QueueDelivery> pulled = queues.receive("jobs", "puller", 10, 30_000);
        assertThat(pulled).extracting(QueuesFixture::body).containsExactly("m2");
        assertThat(pulled.get(0).failedDeliveries()).isEqualTo(1);

        publish("jobs", "new"); // a still had credit: a cancelled subscription must not take it
        assertThat(queues.receive("jobs", "puller", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("new");
        assertThat(gone.events).containsExactly("m0", "m1", "m2");
        assertThat(a.cancel().get()).as("once").isZero();
    }

    @Test
    void cancelCanReleaseWithoutCountingAFailure() throws Exception {
        publish("jobs", "m0");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 1, sink);
        sink.take(1);
        assertThat(s.cancel(Settlement.RELEASE).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        QueueDelivery again = queues.receive("jobs", "puller", 10, 30_000).get(0);
        assertThat(again.acquisitions()).isEqualTo(2);
        assertThat(again.failedDeliveries()).isZero();
    }

    @Test
    void stopEndsDeliveriesButWhatWasDeliveredStaysHeldToSettle() throws Exception {
        publish("jobs", "m0", "m1", "m2");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "basic-consume", 2, Subscription.CreditMode.PREFETCH, sink);
        List<QueueDelivery> given = sink.take(2);
        s.stop();
        assertThat(s.active()).isFalse();
        assertThat(s.held()).isEqualTo(2);

        // still the consumer's own: nobody else gets them, and they settle through the subscription
        assertThat(queues.receive("jobs", "puller", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("m2");
        assertThat(s.settle(given.get(0).tag(), Settlement.ACCEPT).get(10, TimeUnit.SECONDS))
                .isEqualTo(SettleResult.OK);
        assertThat(s.held()).isEqualTo(1);
        publish("jobs", "new"); // a stopped subscription takes nothing more, even with the credit back
        assertThat(queues.receive("jobs", "puller", 10, 30_000)).extracting(QueuesFixture::body)
                .containsExactly("new");

        // the channel closes: the rest goes back with one more failed delivery
        assertThat(s.cancel().get(10, TimeUnit.SECONDS)).isEqualTo(1);
        QueueDelivery back = queues.receive("jobs", "puller", 10, 30_000).get(0);
        assertThat(QueuesFixture.body(back)).isEqualTo("m1");
        assertThat(back.failedDeliveries()).isEqualTo(1);
        assertThat(sink.events).containsExactly("m0", "m1");
        assertThat(s.cancel().get()).as("once").isZero();
    }

    // ------------------------------------------------------------ fairness

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void subscribersWithCreditAreServedRoundRobin(int subscribers) throws Exception {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            queues.subscribe("jobs", "link-" + i, 10_000, sink);
        }
        int total = 300;
        List<CompletableFuture<?>> published = new ArrayList<>();
        for (int batch = 0; batch < total / 10; batch++) {
            int from = batch * 10;
            published.add(queues.publishAll("jobs",
                    IntStream.range(from, from + 10).mapToObj(i -> Publish.of(text("m" + i))).toList()));
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get();
        await("every message pushed", () -> sinks.stream().mapToInt(s -> s.deliveries.size()).sum() == total);

        List<Integer> counts = sinks.stream().map(s -> s.deliveries.size()).toList();
        assertThat(Collections.max(counts) - Collections.min(counts)).as("round-robin: %s", counts)
                .isLessThanOrEqualTo(1);
        Set<String> all = new HashSet<>();
        sinks.forEach(s -> s.deliveries.forEach(d -> assertThat(all.add(body(d))).as("no duplicates").isTrue()));
    }

    @Test
    void prefetchSubscribersThatSettleAtOnceTakeTurns() throws Exception {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingSink sink = new RecordingSink();
            sink.autoSettle = Settlement.ACCEPT;
            sinks.add(sink);
            queues.subscribe("jobs", "ctag-" + i, 2, Subscription.CreditMode.PREFETCH, sink);
        }
        queues.publishAll("jobs", IntStream.range(0, 150).mapToObj(i -> Publish.of(text("m" + i))).toList()).get();
        await("every message pushed", () -> sinks.stream().mapToInt(s -> s.deliveries.size()).sum() == 150);
        assertThat(sinks).allSatisfy(s -> assertThat(s.deliveries).hasSize(50));
        await("every message acknowledged", () -> queues.counts("jobs").inFlight() == 0);
    }

    @Test
    void aWaitingPullerGetsItsTurnAgainstASubscriberWithPlentyOfCredit() throws Exception {
        RecordingSink sink = new RecordingSink();
        queues.subscribe("jobs", "link-1", 10_000, sink);
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            CompletableFuture<List<QueueDelivery>> poll = queues.receive("jobs", "sqs", 10, 30_000, 20_000);
            assertThat(poll).isNotDone();
            int from = round * 10;
            queues.publishAll("jobs",
                    IntStream.range(from, from + 10).mapToObj(i -> Publish.of(text("m" + i))).toList()).get();
            List<QueueDelivery> pulled = poll.get(10, TimeUnit.SECONDS);
            List<QueueDelivery> pushed = sink.take(5);
            assertThat(pulled).as("one message each in turn").hasSize(5);
            assertThat(pulled.get(0).lockDeadlineMs()).isLessThanOrEqualTo(f.clock.millis() + 30_000);
            pulled.forEach(d -> assertThat(seen.add(body(d))).isTrue());
            pushed.forEach(d -> assertThat(seen.add(body(d))).isTrue());
        }
        assertThat(seen).hasSize(30);
    }

    @Test
    void aSubscriberDoesNotKeepWhatItHasNoCreditForFromAPuller() throws Exception {
        RecordingSink sink = new RecordingSink();
        queues.subscribe("jobs", "link-1", 3, sink);
        queues.publishAll("jobs", IntStream.range(0, 10).mapToObj(i -> Publish.of(text("m" + i))).toList()).get();
        sink.take(3);
        List<QueueDelivery> pulled = queues.receive("jobs", "sqs", 10, 30_000);
        assertThat(pulled).hasSize(7);
        Set<String> all = new HashSet<>();
        sink.deliveries.forEach(d -> all.add(body(d)));
        pulled.forEach(d -> all.add(body(d)));
        assertThat(all).hasSize(7); // the 3 pushed were taken from the queue above
    }

    // ------------------------------------------------------------ locks and restarts

    @Test
    void aHeldMessageIsNotRedeliveredWhileTheSubscriptionLivesEvenPastAnyLockTime() throws Exception {
        publish("jobs", "held");
        RecordingSink sink = new RecordingSink();
        queues.subscribe("jobs", "link-1", 1, sink);
        QueueDelivery d = sink.take(1).get(0);

        f.clock.advance(13 * 3_600_000L); // past SQS's longest visibility timeout (12 h)
        assertThat(queues.receive("jobs", "puller", 10, 30_000)).isEmpty();
        RecordingSink other = new RecordingSink();
        queues.subscribe("jobs", "link-2", 10, other);
        publish("jobs", "fresh");
        assertThat(other.take(1)).extracting(QueuesFixture::body).containsExactly("fresh");
        assertThat(queues.counts("jobs").inFlight()).isEqualTo(2);
        assertThat(queues.acknowledge(d.tag()).get()).as("still held by its first delivery").isEqualTo(SettleResult.OK);
        assertThat(other.deliveries).isEmpty();
    }

    @Test
    void unsettledPushedMessagesComeBackAfterARestart() throws Exception {
        publish("jobs", "m0", "m1", "m2");
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 3, sink);
        List<QueueDelivery> got = sink.take(3);
        assertThat(s.settle(got.get(0).tag(), Settlement.ACCEPT).get()).isEqualTo(SettleResult.OK);

        f.restart();
        assertThat(sink.events).endsWith("ended CLOSED");
        RecordingSink after = new RecordingSink();
        f.queues.subscribe("jobs", "link-1", 10, after);
        List<QueueDelivery> back = after.take(2);
        assertThat(back).extracting(QueuesFixture::body).containsExactly("m1", "m2");
        assertThat(back).extracting(QueueDelivery::acquisitions).containsExactly(2, 2);
    }

    // ------------------------------------------------------------ ending

    @Test
    void deletingTheQueueEndsItsSubscriptions() throws Exception {
        RecordingSink sink = new RecordingSink();
        Subscription s = queues.subscribe("jobs", "link-1", 0, sink);
        f.topology.deleteQueue("jobs");
        await("the end", () -> sink.events.contains("ended QUEUE_DELETED"));
        assertThat(s.active()).isFalse();
        assertThatThrownBy(() -> queues.subscribe("jobs", "link-2", 1, sink))
                .isInstanceOf(UnknownQueueException.class);
    }
}
