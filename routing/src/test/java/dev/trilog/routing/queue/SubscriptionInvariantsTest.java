package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.body;
import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Subscriptions (link credit and prefetch), an SQS-style puller and a publisher on one queue at
 * the same time, the consumers settling on their own threads as event loops would, with
 * releases, failed deliveries and cancelled-and-renewed subscriptions mixed in. Throughout:
 * <ul>
 *   <li>a message is held by at most one consumer at a time;</li>
 *   <li>an accepted message is never delivered again;</li>
 *   <li>nobody receives more than its credit allows;</li>
 *   <li>a cancelled subscription's sink hears nothing once its cancel completed;</li>
 * </ul>
 * and at the end every message was accepted exactly once and the queue holds nothing.
 */
class SubscriptionInvariantsTest {

    private static final int MESSAGES = 2_000;
    private static final int CREDIT = 8;

    @TempDir
    Path dataDir;

    private final Map<String, String> holder = new ConcurrentHashMap<>();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger cancels = new AtomicInteger();
    private final AtomicInteger redeliveries = new AtomicInteger();
    private final AtomicInteger pulled = new AtomicInteger();

    /** One consumer: a subscription (renewed after a cancel) whose sink hops to its own "event loop". */
    private final class Consumer implements DeliverySink {
        final String name;
        final Subscription.CreditMode mode;
        final ExecutorService loop;
        final Random random;
        volatile Subscription subscription;
        /** Deliveries outstanding per subscription, against its credit. */
        final Map<Subscription, AtomicInteger> unsettled = new ConcurrentHashMap<>();
        /** Cancel called: what it still gets is already released (guarded by this consumer). */
        final Set<Subscription> cancelling = ConcurrentHashMap.newKeySet();
        /** Cancel completed: it must get nothing more. */
        final Set<Subscription> finished = ConcurrentHashMap.newKeySet();

        Consumer(String name, Subscription.CreditMode mode, long seed) {
            this.name = name;
            this.mode = mode;
            this.loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "loop-" + name));
            this.random = new Random(seed);
        }

        void subscribe(Queues queues) {
            subscription = queues.subscribe("q", name, CREDIT, mode, this);
        }

        @Override
        public synchronized void deliver(Subscription s, List<QueueDelivery> deliveries) {
            if (finished.contains(s)) {
                violations.add(name + ": delivery after its cancel completed");
            }
            if (cancelling.contains(s)) {
                return; // on its way while the cancel ran: released by it, not ours
            }
            int outstanding = unsettled.computeIfAbsent(s, k -> new AtomicInteger()).addAndGet(deliveries.size());
            if (outstanding > CREDIT) {
                violations.add(name + ": " + outstanding + " unsettled with credit " + CREDIT);
            }
            for (QueueDelivery d : deliveries) {
                took(name, d);
            }
            loop.execute(() -> handle(s, deliveries));
        }

        private void handle(Subscription s, List<QueueDelivery> deliveries) {
            if (s != subscription) {
                return; // cancelled: its messages went back with it
            }
            if (random.nextInt(200) == 0) {
                renew(s);
                return;
            }
            for (QueueDelivery d : deliveries) {
                int roll = random.nextInt(100);
                Settlement how = roll < 80 ? Settlement.ACCEPT : roll < 90 ? Settlement.RELEASE
                        : Settlement.RELEASE_FAILED;
                settle(s, d, how);
            }
            if (mode == Subscription.CreditMode.LINK) {
                s.addCredit(deliveries.size());
            }
        }

        private void settle(Subscription s, QueueDelivery d, Settlement how) {
            String id = body(d);
            if (how == Settlement.ACCEPT) {
                accepted.add(id); // held until the accept is done: it cannot come back meanwhile
            } else {
                holder.remove(id, name);
            }
            unsettled.get(s).decrementAndGet();
            s.settle(d.tag(), how).whenComplete((result, failure) -> {
                if (result != SettleResult.OK) {
                    violations.add(name + ": settling a held " + id + " answered " + result + " " + failure);
                }
                if (how == Settlement.ACCEPT) {
                    holder.remove(id, name);
                }
            });
        }

        private void renew(Subscription s) {
            cancels.incrementAndGet();
            Queues queues = current;
            synchronized (this) {
                subscription = null;
                cancelling.add(s);
                // dropped before the cancel hands them to others
                holder.entrySet().removeIf(e -> e.getValue().equals(name));
            }
            s.cancel().whenComplete((n, failure) -> {
                finished.add(s);
                loop.execute(() -> {
                    subscription = queues.subscribe("q", name, CREDIT, mode, this);
                });
            });
        }
    }

    private volatile Queues current;

    private void took(String who, QueueDelivery d) {
        String id = body(d);
        if (accepted.contains(id)) {
            violations.add(who + " got " + id + ", accepted already");
        }
        String before = holder.putIfAbsent(id, who);
        if (before != null) {
            violations.add(who + " got " + id + ", held by " + before);
        }
        if (d.acquisitions() > 1) {
            redeliveries.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "partitions {0}")
    @ValueSource(ints = {1, 2})
    void consumersNeverShareAMessageAndEveryMessageIsAcceptedOnce(int partitions) throws Exception {
        try (QueuesFixture f = new QueuesFixture(dataDir, QueuesSettings.defaults().withLongPollTickMs(20))) {
            f.declare("q", Map.of(QueueSpec.PARTITIONS, HeaderValue.ofInt(partitions),
                    QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(-1)));
            current = f.queues;
            List<Consumer> consumers = List.of(
                    new Consumer("link-a", Subscription.CreditMode.LINK, 1),
                    new Consumer("link-b", Subscription.CreditMode.LINK, 2),
                    new Consumer("prefetch-c", Subscription.CreditMode.PREFETCH, 3));
            consumers.forEach(c -> c.subscribe(f.queues));

            ExecutorService puller = Executors.newSingleThreadExecutor(r -> new Thread(r, "puller"));
            puller.execute(() -> pull(f.queues));

            for (int from = 0; from < MESSAGES; from += 50) {
                int start = from;
                f.queues.publishAll("q", IntStream.range(start, start + 50)
                        .mapToObj(i -> Publish.of(text("m" + i))).toList()).get();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (accepted.size() < MESSAGES && violations.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            pullerStop = true;
            puller.shutdown();
            assertThat(puller.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            for (Consumer c : consumers) {
                c.loop.shutdown();
                assertThat(c.loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(violations).isEmpty();
            assertThat(accepted).hasSize(MESSAGES);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (f.queues.counts("q").inFlight() > 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(f.queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0, 0, 0));
            // the run reached the interesting states
            assertThat(redeliveries.get()).isPositive();
            assertThat(pulled.get()).as("the puller got messages too").isPositive();
            System.out.printf("partitions %d: %d redeliveries, %d cancels, %d pulled%n", partitions,
                    redeliveries.get(), cancels.get(), pulled.get());
        }
    }

    private volatile boolean pullerStop;

    /** An SQS-style consumer: long polls, then settles what it got (mostly accepts). */
    private void pull(Queues queues) {
        Random random = new Random(4);
        while (!pullerStop) {
            List<QueueDelivery> got;
            try {
                got = queues.receive("q", "sqs", 10, 60_000, 200).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                violations.add("pull failed: " + e);
                return;
            }
            List<DeliveryTag> done = new ArrayList<>();
            for (QueueDelivery d : got) {
                took("puller", d);
                pulled.incrementAndGet();
                if (random.nextInt(10) == 0) {
                    holder.remove(body(d), "puller");
                    queues.release(d.tag());
                } else {
                    accepted.add(body(d));
                    done.add(d.tag());
                }
            }
            List<SettleResult> results = queues.acknowledgeAll(done).join();
            if (results.stream().anyMatch(r -> r != SettleResult.OK)) {
                violations.add("puller acknowledgements answered " + results);
            }
            got.forEach(d -> holder.remove(body(d), "puller"));
        }
    }
}
