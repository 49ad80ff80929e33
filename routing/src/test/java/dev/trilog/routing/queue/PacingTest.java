package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.await;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer-paced publishing ({@link Queues#paced}): publishers hold back while a queue's
 * consumers are taking messages and more than the limit wait that none has been given; never
 * for a queue nobody consumes, nor once its consumers stopped taking.
 */
class PacingTest {

    private static final long LIMIT = 10;
    /**
     * The activity window, 10× the default: on a loaded machine a few publishes can take longer
     * than 200 ms, and a consumer that took one just before them must still count as taking.
     */
    private static final long PACE_ACTIVE_MS = 2_000;

    @TempDir
    Path dataDir;
    QueuesFixture f;
    Queues queues;

    @BeforeEach
    void open() throws Exception {
        f = new QueuesFixture(dataDir, QueuesSettings.defaults().withLongPollTickMs(20).withPaceBacklogMessages(LIMIT)
                .withPaceActiveMs(PACE_ACTIVE_MS));
        f.declare("jobs", Map.of());
        queues = f.queues;
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    /** Takes what it is given and keeps it (prefetch credit comes back only on settle). */
    static final class HoldingSink implements DeliverySink {
        final LinkedBlockingQueue<QueueDelivery> held = new LinkedBlockingQueue<>();

        @Override
        public void deliver(Subscription subscription, List<QueueDelivery> given) {
            held.addAll(given);
        }
    }

    @Test
    void aQueueNobodyConsumesTakesEverythingUnpaced() throws Exception {
        publish(3 * LIMIT);

        assertThat(queues.paced("jobs")).isFalse();
        assertThat(queues.paced("no-such-queue")).isFalse();
    }

    @Test
    void publishersArePacedWhileBusyConsumersFallBehindAndFreedOnceTheyCatchUp() throws Exception {
        HoldingSink sink = new HoldingSink();
        Subscription consumer = queues.subscribe("jobs", "c1", 1, Subscription.CreditMode.PREFETCH, sink);
        publish(1);
        QueueDelivery first = sink.held.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();

        publish(LIMIT); // exactly the limit waits: not yet paced
        assertThat(queues.paced("jobs")).isFalse();
        publish(1);
        assertThat(queues.paced("jobs")).as("%d waiting for a consumer that is taking", LIMIT + 1).isTrue();

        consumer.addCredit(1_000); // the consumer catches up: everything is handed to it
        await("the condition", () -> sink.held.size() == LIMIT + 1);
        assertThat(queues.paced("jobs")).isFalse();
    }

    @Test
    void aStandingBacklogHoldsPublishersBackOnlyWhileItGrows() throws Exception {
        HoldingSink sink = new HoldingSink();
        Subscription consumer = queues.subscribe("jobs", "c1", 1, Subscription.CreditMode.PREFETCH, sink);
        publish(1);
        publish(Queues.STANDING_BACKLOG_FACTOR * LIMIT + 20); // piled up
        takeOne(consumer, sink);
        assertThat(queues.paced("jobs")).as("it grew past the limit").isTrue();

        Thread.sleep(50); // several sampling windows with no publish, while the consumer takes
        takeOne(consumer, sink);
        assertThat(queues.paced("jobs")).as("a backlog that shrinks").isFalse();

        publish(LIMIT); // growing again
        Thread.sleep(50);
        takeOne(consumer, sink);
        assertThat(queues.paced("jobs")).isTrue();
    }

    @Test
    void deliveriesASettlingConsumerHoldsCountTowardTheLimit() throws Exception {
        HoldingSink sink = new HoldingSink();
        Subscription consumer = queues.subscribe("jobs", "c1", 1_000, Subscription.CreditMode.PREFETCH, sink);
        publish(LIMIT + 1);
        await("all delivered", () -> sink.held.size() == LIMIT + 1);
        assertThat(queues.paced("jobs")).as("held by a consumer that has settled nothing yet").isFalse();

        consumer.settle(sink.held.poll().tag(), Settlement.ACCEPT).join(); // it is settling: LIMIT held count
        assertThat(queues.paced("jobs")).isFalse();
        publish(1);
        await("delivered", () -> sink.held.size() == LIMIT + 1);
        assertThat(queues.paced("jobs")).as("%d held by a settling consumer, none undelivered", LIMIT + 1).isTrue();

        CompletableFuture<Boolean> told = new CompletableFuture<>();
        queues.whenUnpaced("jobs", () -> told.complete(queues.paced("jobs")));
        assertThat(told).isNotDone();
        consumer.settle(sink.held.poll().tag(), Settlement.ACCEPT).join(); // no round takes anything: the settle tells
        assertThat(told.get(10, TimeUnit.SECONDS)).as("still paced when told").isFalse();
    }

    @Test
    void whatAConsumerThatStoppedSettlingHoldsDoesNotHoldPublishersBackFromTheOthers() throws Exception {
        HoldingSink stuckSink = new HoldingSink();
        Subscription stuck = queues.subscribe("jobs", "stuck", (int) LIMIT + 1, Subscription.CreditMode.PREFETCH,
                stuckSink);
        publish(1);
        stuck.settle(stuckSink.held.poll(10, TimeUnit.SECONDS).tag(), Settlement.ACCEPT).join();
        publish(LIMIT + 1); // its whole prefetch, never settled
        await("its prefetch full", () -> stuckSink.held.size() == LIMIT + 1);
        assertThat(queues.paced("jobs")).isTrue();

        HoldingSink sink = new HoldingSink();
        Subscription other = queues.subscribe("jobs", "taking", 1, Subscription.CreditMode.PREFETCH, sink);
        // the other consumer keeps taking and settling; the stuck one's holdings stop counting
        // once it has settled nothing for the activity window
        await("the stuck consumer no longer counted", () -> {
            try {
                publish(1);
                QueueDelivery next = sink.held.poll(10, TimeUnit.SECONDS);
                assertThat(next).as("the other consumer is handed the new message").isNotNull();
                other.settle(next.tag(), Settlement.ACCEPT).join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return !queues.paced("jobs");
        });
        assertThat(stuckSink.held).hasSize((int) LIMIT + 1);
    }

    /** The consumer acknowledges what it holds and is handed the next message: it is taking. */
    private static void takeOne(Subscription consumer, HoldingSink sink) throws Exception {
        QueueDelivery held = sink.held.poll(10, TimeUnit.SECONDS);
        assertThat(held).isNotNull();
        consumer.settle(held.tag(), Settlement.ACCEPT).join();
        await("the next delivery", () -> !sink.held.isEmpty());
    }

    /**
     * A consumer with prefetch 1 that took one message and settles nothing (so nothing more is
     * handed out), and {@code backlog} messages published after it.
     */
    private Subscription stuckConsumerBehind(long backlog) throws Exception {
        HoldingSink sink = new HoldingSink();
        Subscription consumer = queues.subscribe("jobs", "c1", 1, Subscription.CreditMode.PREFETCH, sink);
        publish(1);
        assertThat(sink.held.poll(10, TimeUnit.SECONDS)).isNotNull();
        publish(backlog);
        return consumer;
    }

    @Test
    void consumersThatStopTakingNoLongerHoldPublishersBack() throws Exception {
        stuckConsumerBehind(3 * LIMIT);

        // the consumer never settles, so nothing more is handed out: after the activity window
        // the queue takes publishes unpaced, as a queue with a stuck consumer must
        await("the condition", () -> !queues.paced("jobs"));
        assertThat(queues.counts("jobs").available()).isEqualTo(3 * LIMIT);
    }

    @Test
    void aHeldPublisherIsToldOnceTheConsumersHaveCaughtUp() throws Exception {
        Subscription consumer = stuckConsumerBehind(LIMIT + 1);
        assertThat(queues.paced("jobs")).isTrue();

        CompletableFuture<Boolean> told = new CompletableFuture<>();
        queues.whenUnpaced("jobs", () -> told.complete(queues.paced("jobs")));
        assertThat(told).as("the consumer has no credit: nothing is taken").isNotDone();

        consumer.addCredit(1_000); // the round that takes the backlog tells the publisher
        assertThat(told.get(10, TimeUnit.SECONDS)).as("still paced when told").isFalse();
    }

    @Test
    void aPublisherAskingAboutAQueueThatIsNotPacedIsToldAtOnce() {
        AtomicBoolean told = new AtomicBoolean();
        queues.whenUnpaced("jobs", () -> told.set(true));
        assertThat(told).isTrue();
        queues.whenUnpaced("no-such-queue", () -> told.set(false));
        assertThat(told).isFalse();
    }

    @Test
    void aHeldPublisherIsToldWhenTheConsumersStopTaking() throws Exception {
        stuckConsumerBehind(3 * LIMIT);
        assertThat(queues.paced("jobs")).isTrue();

        CompletableFuture<Void> told = new CompletableFuture<>();
        queues.whenUnpaced("jobs", () -> told.complete(null));
        // no round takes anything (the consumer never settles): the tick tells once the activity window ran out
        told.get(30, TimeUnit.SECONDS);
        assertThat(queues.paced("jobs")).isFalse();
    }

    @Test
    void aZeroLimitTurnsPacingOff() throws Exception {
        f.close();
        f = new QueuesFixture(dataDir, QueuesSettings.defaults().withPaceBacklogMessages(0));
        queues = f.queues;
        stuckConsumerBehind(3 * LIMIT);

        assertThat(queues.paced("jobs")).isFalse();
    }

    private void publish(long n) {
        CompletableFuture.allOf(IntStream.range(0, (int) n)
                .mapToObj(i -> queues.publish("jobs", text("m" + i), PublishOptions.NONE))
                .toArray(CompletableFuture[]::new)).join();
    }

}
