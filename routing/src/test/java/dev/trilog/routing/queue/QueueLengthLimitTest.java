package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuePoliciesTest.TO_DLQ;
import static dev.trilog.routing.queue.QueuePoliciesTest.header;
import static dev.trilog.routing.queue.QueuesFixture.await;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** x-max-length and x-max-length-bytes with each x-overflow ({@link QueueLengthLimit}). */
class QueueLengthLimitTest {

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

    private void declare(Map<String, HeaderValue> deadLetters, Object... limits) throws Exception {
        declare("q", deadLetters, limits);
    }

    private void declare(String queue, Map<String, HeaderValue> deadLetters, Object... limits) throws Exception {
        Map<String, HeaderValue> arguments = new HashMap<>(deadLetters);
        for (int i = 0; i < limits.length; i += 2) {
            Object v = limits[i + 1];
            arguments.put((String) limits[i], v instanceof String s ? HeaderValue.ofString(s)
                    : HeaderValue.ofLong(((Number) v).longValue()));
        }
        f.declare(queue, arguments);
    }

    @Test
    void dropHeadDeadLettersTheOldestReadyMessagesWithReasonMaxlen() throws Exception {
        declare(TO_DLQ, QueueSpec.MAX_LENGTH, 3);

        publishOneByOne("q", 5);

        await("the condition", () -> queues.counts("q").available() == 3 && queues.counts("dlq").available() == 2);
        assertThat(bodies(queues.receive("q", "c", 10, 30_000))).containsExactly("m2", "m3", "m4");
        List<QueueDelivery> dead = queues.receive("dlq", "c", 10, 30_000);
        assertThat(bodies(dead)).containsExactly("m0", "m1");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("maxlen");
    }

    @Test
    void dropHeadWithoutADeadLetterExchangeDropsThem() throws Exception {
        declare(Map.of(), QueueSpec.MAX_LENGTH, 2, QueueSpec.OVERFLOW, "drop-head");

        publishOneByOne("q", 4);

        await("the condition", () -> queues.counts("q").available() == 2);
        assertThat(bodies(queues.receive("q", "c", 10, 30_000))).containsExactly("m2", "m3");
        assertThat(queues.counts("dlq").available()).isZero();
    }

    @Test
    void theBytesLimitCountsBodyBytes() throws Exception {
        declare(Map.of(), QueueSpec.MAX_LENGTH_BYTES, 5); // room for two 2-byte bodies, not three

        publishOneByOne("q", 4);

        await("the condition", () -> queues.counts("q").available() == 2);
        assertThat(bodies(queues.receive("q", "c", 10, 30_000))).containsExactly("m2", "m3");
    }

    @Test
    void messagesHeldByConsumersDoNotCount() throws Exception {
        declare(TO_DLQ, QueueSpec.MAX_LENGTH, 2);
        List<QueueDelivery> held = queues.receive("q", "c", 2, 30_000); // nothing yet
        assertThat(held).isEmpty();
        publishOneByOne("q", 2);
        assertThat(queues.receive("q", "c", 2, 30_000)).hasSize(2); // now in flight

        publishOneByOne("q", 2);

        Thread.sleep(200); // a trim, had there been one to do, runs right after the append
        assertThat(queues.counts("q").available()).isEqualTo(2);
        assertThat(queues.counts("dlq").available()).isZero();
    }

    @Test
    void rejectPublishRefusesWhatDoesNotFitAndKeepsTheRest() throws Exception {
        declare(TO_DLQ, QueueSpec.MAX_LENGTH, 2, QueueSpec.OVERFLOW, "reject-publish");

        List<Throwable> failures = publishOneByOne("q", 4);

        assertThat(failures.subList(0, 2)).containsOnlyNulls();
        assertThat(failures.subList(2, 4)).allSatisfy(e -> assertThat(e).isInstanceOf(QueueFullException.class));
        assertThat(bodies(queues.receive("q", "c", 10, 30_000))).containsExactly("m0", "m1");
        assertThat(queues.counts("dlq").available()).as("reject-publish does not dead-letter").isZero();

        publishOneByOne("q", 1); // the two are in flight now: there is room again
        assertThat(queues.counts("q").available()).isEqualTo(1);
    }

    @Test
    void rejectPublishDlxDeadLettersWhatItRefuses() throws Exception {
        declare(TO_DLQ, QueueSpec.MAX_LENGTH, 1, QueueSpec.OVERFLOW, "reject-publish-dlx");

        List<Throwable> failures = publishOneByOne("q", 3);

        assertThat(failures.get(0)).isNull();
        assertThat(failures.subList(1, 3)).allSatisfy(e -> assertThat(e).isInstanceOf(QueueFullException.class));
        List<QueueDelivery> dead = queues.receive("dlq", "c", 10, 30_000);
        assertThat(bodies(dead)).containsExactly("m1", "m2");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("maxlen");
    }

    @Test
    void concurrentPublishesToAFullQueueAdmitExactlyWhatFits() throws Exception {
        // an append is visible in the ready count a moment before its future completes: many rounds,
        // so that a refusal decided in that moment (one admitted too few) shows
        for (int round = 0; round < 100; round++) {
            String queue = "full-" + round;
            declare(queue, Map.of(), QueueSpec.MAX_LENGTH, 4, QueueSpec.OVERFLOW, "reject-publish");

            List<CompletableFuture<PublishResult>> all = IntStream.range(0, 20)
                    .mapToObj(i -> queues.publish(queue, text("m" + i), PublishOptions.NONE)).toList();
            long admitted = all.stream().filter(p -> {
                try {
                    p.join();
                    return true;
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(QueueFullException.class);
                    return false;
                }
            }).count();

            assertThat(admitted).as("round %d", round).isEqualTo(4);
            assertThat(queues.counts(queue).available()).as("round %d", round).isEqualTo(4);
        }
    }

    /** An append that throws rather than fail its future gives its place back. */
    @Test
    void anAppendThatThrowsLeavesNoPlaceTaken() throws Exception {
        declare(Map.of(), QueueSpec.MAX_LENGTH, 1, QueueSpec.OVERFLOW, "reject-publish");

        CompletableFuture<PublishResult> thrown = queues.admitForTest("q", text("lost"), () -> {
            throw new IllegalStateException("the append could not start");
        });

        assertThatThrownBy(() -> thrown.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("the append could not start");
        queues.publish("q", text("kept"), PublishOptions.NONE).get(30, TimeUnit.SECONDS);
        assertThat(bodies(queues.receive("q", "c", 10, 30_000))).containsExactly("kept");
    }

    @Test
    void badArgumentsAreRefusedAtDeclare() {
        assertThatThrownBy(() -> declare(Map.of(), QueueSpec.OVERFLOW, "drop-tail"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-overflow");
        assertThatThrownBy(() -> declare(Map.of(), QueueSpec.MAX_LENGTH, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-max-length");
        assertThatThrownBy(() -> declare(Map.of(), QueueSpec.MAX_LENGTH_BYTES, "big"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-max-length-bytes");
    }

    /** Publishes m0, m1, … each after the previous completed; the failure of each, or null. */
    private List<Throwable> publishOneByOne(String queue, int n) {
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                queues.publish(queue, text("m" + i), PublishOptions.NONE).join();
                failures.add(null);
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        return failures;
    }

    private static List<String> bodies(List<QueueDelivery> deliveries) {
        return deliveries.stream().map(QueuesFixture::body).toList();
    }

}
