package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.await;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x-expires}: a queue unused for that long is deleted; consumers, receives and declares are uses. */
class QueueExpiryTest {

    private static final long EXPIRES_MS = 60_000;

    @TempDir
    Path dataDir;
    QueuesFixture f;
    Queues queues;

    @BeforeEach
    void open() throws Exception {
        f = new QueuesFixture(dataDir);
        f.declare("leased", Map.of(QueueSpec.EXPIRES, HeaderValue.ofLong(EXPIRES_MS)));
        f.declare("kept", Map.of());
        queues = f.queues;
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private boolean exists(String queue) {
        return f.topology.queue(queue).isPresent();
    }

    /** Lets the housekeeping tick look at the queues at least once on the current clock. */
    private void tickPasses() throws InterruptedException {
        Thread.sleep(QueueExpiry.CHECK_INTERVAL_MS + 300);
    }

    @Test
    void anUnusedQueueIsDeletedOnceItsLeaseRunsOutAndOthersStay() throws Exception {
        queues.publish("leased", text("m"), PublishOptions.NONE).join(); // publishing is not a use
        tickPasses(); // the lease is noticed and starts
        f.clock.advance(EXPIRES_MS - 5_000);
        tickPasses();
        assertThat(exists("leased")).as("within its lease").isTrue();

        f.clock.advance(10_000);

        await("the expired queue to go", () -> !exists("leased"));
        assertThat(exists("kept")).isTrue();
    }

    @Test
    void aConsumerKeepsItAndAReceiveOrADeclareRenewsTheLease() throws Exception {
        Subscription consumer = queues.subscribe("leased", "c", 1, Subscription.CreditMode.PREFETCH, (s, given) -> { });
        tickPasses();
        f.clock.advance(2 * EXPIRES_MS);
        tickPasses();
        assertThat(exists("leased")).as("it has a consumer").isTrue();

        consumer.cancel().join();
        tickPasses(); // the last time it was seen in use
        f.clock.advance(EXPIRES_MS - 5_000);
        queues.receive("leased", "c", 1, 30_000); // a basic.get: a use
        f.clock.advance(EXPIRES_MS - 5_000);
        queues.declared("leased");
        f.clock.advance(EXPIRES_MS - 5_000);
        tickPasses();
        assertThat(exists("leased")).as("each use renewed its lease").isTrue();

        f.clock.advance(10_000);
        await("the expired queue to go", () -> !exists("leased"));
    }

    @Test
    void aZeroOrNegativeExpiryIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.declare("bad",
                Map.of(QueueSpec.EXPIRES, HeaderValue.ofLong(0)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x-expires");
    }
}
