package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.await;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x-single-active-consumer}: the oldest subscription alone receives; the next takes over when it leaves. */
class SingleActiveConsumerTest {

    @TempDir
    Path dataDir;
    QueuesFixture f;
    Queues queues;

    @BeforeEach
    void open() throws Exception {
        f = new QueuesFixture(dataDir);
        f.declare("solo", Map.of(QueueSpec.SINGLE_ACTIVE_CONSUMER, HeaderValue.ofBoolean(true)));
        f.declare("shared", Map.of());
        queues = f.queues;
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    /** The bodies it was given, in order; it settles nothing. */
    static final class Held implements DeliverySink {
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(Subscription subscription, List<QueueDelivery> given) {
            given.forEach(d -> bodies.add(QueuesFixture.body(d)));
        }
    }

    @Test
    void onlyTheFirstSubscriptionReceivesAndTheNextTakesOverWithWhatItHeldInOrder() throws Exception {
        Held first = new Held();
        Held second = new Held();
        Subscription active = queues.subscribe("solo", "c1", 10, Subscription.CreditMode.PREFETCH, first);
        queues.subscribe("solo", "c2", 10, Subscription.CreditMode.PREFETCH, second);

        publish("solo", 0, 3);
        await("the condition", () -> first.bodies.size() == 3);
        Thread.sleep(100); // a round that dealt to the second would have done so by now
        assertThat(second.bodies).isEmpty();

        active.cancel().join(); // what it held goes back, and the second becomes the active one
        publish("solo", 3, 1);
        await("the condition", () -> second.bodies.size() == 4);
        assertThat(second.bodies).containsExactly("m0", "m1", "m2", "m3");
        assertThat(first.bodies).containsExactly("m0", "m1", "m2");
    }

    @Test
    void aRoundQueuedBeforeTheCancelGaveBackCannotJumpTheReturnedMessages() throws Exception {
        Held first = new Held();
        Held second = new Held();
        Subscription active = queues.subscribe("solo", "c1", 10, Subscription.CreditMode.PREFETCH, first);
        queues.subscribe("solo", "c2", 10, Subscription.CreditMode.PREFETCH, second);
        publish("solo", 0, 3);
        await("the first to hold three", () -> first.bodies.size() == 3);
        // hold the delivery thread (sinks run on it) with a consumer of another queue
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        queues.subscribe("shared", "blocker", 1, Subscription.CreditMode.PREFETCH, (s, given) -> {
            entered.countDown();
            try {
                letGo.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        publish("shared", 0, 1);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        publish("solo", 3, 1); // its round is queued now, ahead of the give-back the cancel queues
        CompletableFuture<Integer> cancelled = active.cancel();
        letGo.countDown();
        cancelled.join();

        await("the second to have all four", () -> second.bodies.size() == 4);
        assertThat(second.bodies).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void withoutTheArgumentSubscriptionsShareTheQueue() throws Exception {
        Held first = new Held();
        Held second = new Held();
        queues.subscribe("shared", "c1", 10, Subscription.CreditMode.PREFETCH, first);
        queues.subscribe("shared", "c2", 10, Subscription.CreditMode.PREFETCH, second);

        publish("shared", 0, 4);

        await("the condition", () -> first.bodies.size() + second.bodies.size() == 4);
        assertThat(first.bodies).isNotEmpty();
        assertThat(second.bodies).isNotEmpty();
    }

    private void publish(String queue, int from, int n) {
        CompletableFuture.allOf(IntStream.range(from, from + n)
                .mapToObj(i -> queues.publish(queue, text("m" + i), PublishOptions.NONE))
                .toArray(CompletableFuture[]::new)).join();
    }

}
