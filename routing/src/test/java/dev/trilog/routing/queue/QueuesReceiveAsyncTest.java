package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Queues#receiveAsync}, the receive for callers on event loops, and
 * {@link Queues#receiveOnCallerThread}, the one for worker threads (SQS).
 */
class QueuesReceiveAsyncTest {

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

    /** The queue's cursor, as the facade opened it: holding its lock stalls any receive from it on another thread. */
    private ShareCursor jobsCursor() throws Exception {
        return f.engine.shareCursor(new TopicPartition("jobs", 0), "jobs", ShareGroupSettings.kafkaDefaults(),
                DeliveryPolicy.NONE, ArchiveListener.NONE);
    }

    @Test
    void theReceiveRunsOffTheCallersThread() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        ShareCursor cursor = jobsCursor();
        CompletableFuture<List<QueueDelivery>> got;
        synchronized (cursor) {
            got = queues.receiveAsync("jobs", "c", 10, 30_000, 0);
            // run on this thread, it would have gone through (the lock is re-entrant)
            assertThat(cursor.counts().acquired()).isZero();
            assertThat(got).isNotDone();
        }
        List<QueueDelivery> delivered = got.get(10, TimeUnit.SECONDS);
        assertThat(delivered).extracting(QueuesFixture::body).containsExactly("a");
        assertThat(delivered.get(0).lockDeadlineMs()).isBetween(f.clock.millis(), f.clock.millis() + 30_000);
        assertThat(queues.acknowledge(delivered.get(0).tag()).get()).isEqualTo(SettleResult.OK);
    }

    @Test
    void withNothingThereItAnswersEmptyOrWaitsForAnAppend() throws Exception {
        assertThat(queues.receiveAsync("jobs", "c", 10, 30_000, 0).get(10, TimeUnit.SECONDS)).isEmpty();

        CompletableFuture<List<QueueDelivery>> waiting = queues.receiveAsync("jobs", "c", 10, 30_000, 20_000);
        queues.publish("jobs", text("late"), PublishOptions.NONE).get();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(QueuesFixture::body).containsExactly("late");

        assertThat(queues.receiveAsync("jobs", "c", 10, 30_000, 100).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aCancelledWaitGivesWhatItWouldHaveGotToTheNextReceiver() throws Exception {
        CompletableFuture<List<QueueDelivery>> waiting = queues.receiveAsync("jobs", "c", 10, 30_000, 20_000);
        waiting.cancel(false);
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        assertThat(queues.receiveAsync("jobs", "d", 10, 30_000, 20_000).get(10, TimeUnit.SECONDS))
                .extracting(QueuesFixture::body).containsExactly("a");
    }

    @Test
    void anUnknownQueueOrBadArgumentsFailTheFuture() {
        assertThatThrownBy(() -> queues.receiveAsync("nope", "c", 1, 1_000, 0).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownQueueException.class);
        assertThat(queues.receiveAsync("jobs", "c", 0, 1_000, 0)).isCompletedExceptionally();
    }

    @Test
    void closingAnswersWaitingReceivesEmpty() throws Exception {
        CompletableFuture<List<QueueDelivery>> waiting = queues.receiveAsync("jobs", "c", 10, 30_000, 20_000);
        f.restart();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void onTheCallersThreadTheTakeRunsHereAndOnOneNodeIsAnsweredOnReturn() throws Exception {
        queues.publish("jobs", text("a"), PublishOptions.NONE).get();
        ShareCursor cursor = jobsCursor();
        CompletableFuture<List<QueueDelivery>> got;
        synchronized (cursor) { // a take on another thread would stall on this lock
            got = queues.receiveOnCallerThread("jobs", "c", 10, 30_000, 0);
            assertThat(cursor.counts().acquired()).isEqualTo(1);
        }
        assertThat(got).as("its count written on this thread too").isCompleted();
        assertThat(got.get()).extracting(QueuesFixture::body).containsExactly("a");
        assertThat(queues.acknowledge(got.get().get(0).tag()).get()).isEqualTo(SettleResult.OK);

        assertThatThrownBy(() -> queues.receiveOnCallerThread("nope", "c", 1, 1_000, 0).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownQueueException.class);
        assertThat(queues.receiveOnCallerThread("jobs", "c", 0, 1_000, 0)).isCompletedExceptionally();
    }

    /**
     * A fresh facade whose tick, which could run a round on the delivery thread at the wrong
     * moment, is far off, and a long poll waiting on its empty queue.
     */
    private CompletableFuture<List<QueueDelivery>> pollWaitingWithoutTick() throws Exception {
        f.close();
        f = new QueuesFixture(dataDir, QueuesSettings.defaults().withLongPollTickMs(600_000));
        f.declare("jobs", Map.of());
        queues = f.queues;
        CompletableFuture<List<QueueDelivery>> waiting = queues.receiveOnCallerThread("jobs", "c", 10, 30_000, 20_000);
        assertThat(waiting).isNotDone();
        return waiting;
    }

    /**
     * A poll waiting on a queue nobody subscribes to is answered by the append thread that wrote
     * the message (the round runs there), not after hops to the delivery thread and the writer.
     */
    @Test
    void aWaitingPollIsAnsweredFromTheAppendThread() throws Exception {
        CompletableFuture<List<QueueDelivery>> waiting = pollWaitingWithoutTick();
        // the round its arrival needed ran on this thread (or, were a subscription waiting, on the
        // delivery thread, which is one thread: this receive runs after it)
        assertThat(queues.receiveAsync("jobs", "d", 1, 30_000, 0).get(10, TimeUnit.SECONDS)).isEmpty();
        CompletableFuture<String> answeredOn = waiting.handle((v, failure) -> Thread.currentThread().getName());

        queues.publish("jobs", text("late"), PublishOptions.NONE).get();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(QueuesFixture::body).containsExactly("late");
        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isEqualTo("trilog-queue-appender");
    }

    /**
     * A publish written on the publisher's thread (SQS SendMessage on its I/O thread) runs the
     * round for a waiting poll there too: the poll is answered on that thread, no other woken.
     */
    @Test
    void aPublishOnTheCallersThreadAnswersAWaitingPollThere() throws Exception {
        CompletableFuture<List<QueueDelivery>> waiting = pollWaitingWithoutTick();
        CompletableFuture<String> answeredOn = waiting.handle((v, failure) -> Thread.currentThread().getName());

        queues.publishOnCallerThread("jobs", text("now"), PublishOptions.NONE).get(10, TimeUnit.SECONDS);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(QueuesFixture::body).containsExactly("now");
        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isEqualTo(Thread.currentThread().getName());
    }
}
