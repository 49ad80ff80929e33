package dev.trilog.routing.queue;

import static dev.trilog.routing.queue.QueuesFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PublishBacklog}: blocks at the high-water mark, unblocks at the low-water mark, and says so. */
class PublishBacklogTest {

    @TempDir
    Path dataDir;

    /** Records what listeners are told, and on which thread. */
    static final class Told implements PublishBacklog.Listener {
        final List<String> changes = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void blocked() {
            changes.add("blocked");
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void unblocked() {
            changes.add("unblocked");
            threads.add(Thread.currentThread().getName());
        }
    }

    @Test
    void blocksAtTheHighWaterMarkAndOnlyUnblocksAtTheLowOne() {
        PublishBacklog backlog = new PublishBacklog(1_000, 400, Runnable::run);
        Told told = new Told();
        backlog.addListener(told);

        backlog.accepted(999);
        assertThat(backlog.blocked()).isFalse();
        backlog.accepted(1);
        assertThat(backlog.blocked()).isTrue();
        backlog.accepted(500);
        backlog.done(1_000); // 500 left: between the marks, still blocked
        assertThat(backlog.bytes()).isEqualTo(500);
        assertThat(backlog.blocked()).isTrue();
        backlog.done(100);
        assertThat(backlog.blocked()).isFalse();
        backlog.accepted(599); // 999: below the high-water mark again
        assertThat(backlog.blocked()).isFalse();
        assertThat(told.changes).containsExactly("blocked", "unblocked");

        backlog.removeListener(told);
        backlog.accepted(1);
        assertThat(backlog.blocked()).isTrue();
        assertThat(told.changes).hasSize(2);
    }

    @Test
    void aBlockedSpellOverBeforeListenersCouldBeToldIsStillTold() {
        List<Runnable> pending = new ArrayList<>();
        PublishBacklog backlog = new PublishBacklog(1_000, 400, pending::add);
        Told told = new Told();
        backlog.addListener(told);

        backlog.accepted(1_000);
        backlog.done(1_000);
        assertThat(backlog.blocked()).isFalse();
        pending.forEach(Runnable::run); // one task per change; the first tells both, the second nothing
        assertThat(told.changes).containsExactly("blocked", "unblocked");

        pending.clear();
        backlog.accepted(1_000);
        pending.forEach(Runnable::run);
        assertThat(told.changes).containsExactly("blocked", "unblocked", "blocked");
    }

    @Test
    void theMarksMustLeaveAGap() {
        assertThatThrownBy(() -> new PublishBacklog(100, 100, Runnable::run))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueuesSettings.defaults().withBacklogWaterMarks(100, 200))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBurstOfPublishesBlocksUntilItIsDurable() throws Exception {
        QueuesSettings settings = QueuesSettings.defaults().withLongPollTickMs(20).withBacklogWaterMarks(16_384, 1_024);
        try (QueuesFixture f = new QueuesFixture(dataDir, settings)) {
            f.declare("jobs", Map.of());
            Told told = new Told();
            f.queues.publishBacklog().addListener(told);

            // 500 messages of 100 bytes go on the accumulator's stack at once: far past 16 KiB
            var burst = f.queues.publishAll("jobs",
                    IntStream.range(0, 500).mapToObj(i -> Publish.of(text("x".repeat(100)))).toList());
            burst.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (told.changes.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(told.changes).containsExactly("blocked", "unblocked");
            assertThat(told.threads).containsOnly("trilog-queues");
            assertThat(f.queues.publishBacklog().bytes()).isZero();
            assertThat(f.queues.publishBacklog().blocked()).isFalse();
        }
    }
}
