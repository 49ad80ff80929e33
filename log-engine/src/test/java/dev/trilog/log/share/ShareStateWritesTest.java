package dev.trilog.log.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.meta.InternalLog;
import dev.trilog.log.meta.ShareStateStore;
import dev.trilog.testsupport.TestClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a share cursor's state reaches the engine's share-state log: on one node with no fsync
 * policy the write is made on the caller's thread (the counts are durable when
 * {@link ShareCursor#acquireAsync} returns); otherwise, and whenever writes overlap, by the
 * writer thread. Either way a cursor's changes survive a restart in the order they were made.
 */
class ShareStateWritesTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("q", 0);
    private static final long LOCK = 30_000;

    @TempDir
    Path dataDir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private LogEngine engine;

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    private void open(Map<String, String> topicDefaults) throws Exception {
        EngineSettings settings = EngineSettings.of(dataDir).withClock(clock);
        engine = LogEngine.open(settings.withTopicDefaults(settings.topicDefaults().withOverrides(topicDefaults)));
    }

    private ShareCursor cursor() throws Exception {
        return engine.shareCursor(TP, "g", new ShareGroupSettings(100, ShareGroupSettings.LimitCounts.ACQUISITIONS,
                10_000), DeliveryPolicy.NONE, ArchiveListener.NONE);
    }

    private void publish(int count) {
        for (int i = 0; i < count; i++) {
            engine.appender().append(TP, Batches.of(1, clock.millis(), i)).join();
        }
    }

    @Test
    void onOneNodeWithoutAnFsyncPolicyTheCountsAreDurableWhenTheAcquireReturns() throws Exception {
        open(Map.of());
        engine.createTopic("q", 1, Map.of());
        publish(2);
        ShareCursor cursor = cursor();

        ShareCursor.Acquisition taken = cursor.acquireAsync("a", 1, 1 << 20, LOCK);
        assertThat(taken.deliveries()).hasSize(1);
        assertThat(taken.durable()).as("written on this thread, no hop to the writer").isCompleted();
        assertThat(cursor.acknowledge(taken.deliveries().get(0).offset(), 1)).isCompleted();
        engine.close();

        open(Map.of());
        ShareCursor reopened = cursor();
        assertThat(reopened.startOffset()).isEqualTo(1);
        List<Delivery> again = reopened.acquire("b", 10, 1 << 20, LOCK);
        assertThat(again).extracting(Delivery::offset).containsExactly(1L);
    }

    @Test
    void withAnFsyncPolicyTheWriterStillMakesEveryChangeDurable() throws Exception {
        open(Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1"));
        engine.createTopic("q", 1, Map.of());
        publish(3);
        ShareCursor cursor = cursor();

        ShareCursor.Acquisition taken = cursor.acquireAsync("a", 3, 1 << 20, LOCK);
        taken.durable().get(30, TimeUnit.SECONDS);
        cursor.acknowledge(0, 1).get(30, TimeUnit.SECONDS);
        engine.close();

        open(Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1"));
        ShareCursor reopened = cursor();
        assertThat(reopened.startOffset()).isEqualTo(1);
        List<Delivery> again = reopened.acquire("b", 10, 1 << 20, LOCK);
        assertThat(again).extracting(Delivery::offset).containsExactly(1L, 2L);
        assertThat(again).extracting(Delivery::acquisitions).containsOnly(2);
    }

    /**
     * Many threads acquiring and acknowledging at once: writes on the callers' threads and the
     * writer's batches interleave, and the state read back after a restart is the last one — no
     * acknowledged record comes back, and no count is lower than the highest handed out.
     */
    @Test
    void overlappingWritesLeaveTheNewestStateDurable() throws Exception {
        open(Map.of());
        engine.createTopic("q", 1, Map.of());
        int records = 2_000;
        publish(records);
        ShareCursor cursor = cursor();
        Map<Long, Integer> highestCount = new ConcurrentHashMap<>();
        Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int caller = t;
            done.add(callers.submit(() -> {
                while (true) {
                    ShareCursor.Acquisition taken = cursor.acquireAsync("c" + caller, 5, 1 << 20, LOCK);
                    if (taken.deliveries().isEmpty()) {
                        return null;
                    }
                    taken.durable().join();
                    for (Delivery d : taken.deliveries()) {
                        highestCount.merge(d.offset(), d.acquisitions(), Math::max);
                        if (d.offset() % 2 == 0) {
                            cursor.acknowledge(d.offset(), d.acquisitions()).join();
                            acknowledged.put(d.offset(), true);
                        }
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();
        assertThat(highestCount).hasSize(records);
        engine.close();

        open(Map.of());
        ShareCursor reopened = cursor();
        List<Delivery> again = reopened.acquire("after", records, 1 << 24, LOCK);
        assertThat(again).extracting(Delivery::offset).allMatch(offset -> !acknowledged.containsKey(offset));
        assertThat(again).hasSize(records - acknowledged.size());
        for (Delivery d : again) {
            assertThat(d.acquisitions()).as("count of offset %d", d.offset())
                    .isEqualTo(highestCount.get(d.offset()) + 1);
        }
    }

    /**
     * A write asked for while another thread's write runs is written by that thread as soon as its
     * own is done, not handed to the writer thread: one thread fewer to run before its waiter
     * (a long poll's answer) can go on.
     */
    @Test
    void aWriteQueuedBehindACallersWriteIsWrittenByThatCaller() throws Exception {
        open(Map.of());
        engine.createTopic("state", 1, InternalLog.settings(false));
        TopicPartition stateTp = new TopicPartition("state", 0);
        try (ShareStateStore store = new ShareStateStore(new InternalLog(engine.partition(stateTp), engine.appender(),
                clock))) {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<CompletableFuture<Void>> first = new AtomicReference<>();
            Thread caller = new Thread(() -> first.set(store.write("first", () -> {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new byte[] {1};
            })), "first-caller");
            caller.start();
            writing.await();

            CompletableFuture<Void> queued = store.write("second", () -> new byte[] {2});
            AtomicReference<String> completedOn = new AtomicReference<>();
            CompletableFuture<Void> seen = queued.whenComplete((v, e) -> completedOn.set(Thread.currentThread().getName()));
            assertThat(queued).as("waits while the first write runs").isNotDone();
            release.countDown();
            caller.join();

            assertThat(first.get()).isCompleted();
            seen.get(30, TimeUnit.SECONDS);
            assertThat(completedOn.get()).isEqualTo("first-caller");
            assertThat(store.load("second")).containsExactly(2);
        }
    }
}
