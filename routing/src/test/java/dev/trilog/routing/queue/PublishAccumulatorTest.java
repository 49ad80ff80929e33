package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.LogSlice;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: a burst from one thread is written in few batches, in order, each publish told its offset. */
class PublishAccumulatorTest {

    @TempDir
    Path dataDir;

    @Test
    void aBurstIsWrittenInOrderInFewerBatchesThanRecords() throws Exception {
        ExecutorService appender = Executors.newSingleThreadExecutor();
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            engine.createTopic("t", 1, Map.of());
            PartitionLog log = engine.partition(new TopicPartition("t", 0));
            PublishAccumulator accumulator = new PublishAccumulator(engine.appender(), log.topicPartition(), 100, 1 << 20,
                appender);
            List<CompletableFuture<PublishResult>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                results.add(accumulator.add(RecordData.of(1L, null, ("m" + i).getBytes(StandardCharsets.UTF_8)),
                        "id" + i));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(new PublishResult(0, i, "id" + i,
                        false));
            }
            assertThat(new String(bytes(log.readRecords(1_999, 100).get(0).value()), StandardCharsets.UTF_8))
                    .isEqualTo("m1999");
            int batches = 0;
            for (long next = 0; next < 2_000; batches++) {
                try (LogSlice slice = log.read(next, 1, true)) {
                    BatchHeader header = RecordFormat.readHeader(slice.readBytes(), 0);
                    assertThat(header.baseOffset()).isEqualTo(next);
                    assertThat(header.recordCount()).isLessThanOrEqualTo(100);
                    next = header.lastOffset() + 1;
                }
            }
            assertThat(batches).isBetween(20, 1_999);
        } finally {
            appender.shutdown();
        }
    }

    /**
     * A publish in place is written on the publisher's thread when nothing is queued, and waits its
     * turn behind what is: it never lands ahead of a publish made before it.
     */
    @Test
    void aPublishInPlaceIsWrittenOnTheCallersThreadOnlyWhenTheAccumulatorIsIdle() throws Exception {
        List<Runnable> appendTasks = new ArrayList<>(); // the append thread, run by hand
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            engine.createTopic("t", 1, Map.of());
            PublishAccumulator accumulator = new PublishAccumulator(engine.appender(), new TopicPartition("t", 0), 100,
                    1 << 20, appendTasks::add);

            assertThat(accumulator.add(record("a"), "a", PublishAccumulator.NOW))
                    .isCompletedWithValue(new PublishResult(0, 0, "a", false));
            assertThat(appendTasks).isEmpty();

            CompletableFuture<PublishResult> queued = accumulator.add(record("b"), "b", null);
            CompletableFuture<PublishResult> behind = accumulator.add(record("c"), "c", PublishAccumulator.NOW);
            assertThat(behind).isNotDone();
            assertThat(appendTasks).hasSize(1);
            appendTasks.remove(0).run();
            assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(new PublishResult(0, 1, "b", false));
            assertThat(behind.get(10, TimeUnit.SECONDS)).isEqualTo(new PublishResult(0, 2, "c", false));

            assertThat(accumulator.add(record("d"), "d", PublishAccumulator.NOW))
                    .isCompletedWithValue(new PublishResult(0, 3, "d", false));
            assertThat(appendTasks).isEmpty();
        }
    }

    /**
     * A publish made from an event loop that finds the accumulator idle is written by a task on
     * that loop, not an append thread; what the loop publishes before the task runs (the rest of
     * its read burst) goes into the same append, in order, and is answered when the task has run.
     */
    @Test
    void publishesFromAnEventLoopAreWrittenTogetherByOneTaskOnThatLoop() throws Exception {
        List<Runnable> appendTasks = new ArrayList<>();
        List<Runnable> loopTasks = new ArrayList<>(); // the event loop's task queue, run by hand
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            engine.createTopic("t", 1, Map.of());
            PartitionLog log = engine.partition(new TopicPartition("t", 0));
            PublishAccumulator accumulator = new PublishAccumulator(engine.appender(), log.topicPartition(), 100,
                    1 << 20, appendTasks::add);

            List<CompletableFuture<PublishResult>> burst = new ArrayList<>();
            for (String value : List.of("a", "b", "c")) {
                burst.add(accumulator.add(record(value), value, loopTasks::add));
            }
            assertThat(burst).noneMatch(CompletableFuture::isDone);
            assertThat(loopTasks).hasSize(1);
            loopTasks.remove(0).run();

            assertThat(burst).extracting(CompletableFuture::join).containsExactly(new PublishResult(0, 0, "a", false),
                    new PublishResult(0, 1, "b", false), new PublishResult(0, 2, "c", false));
            try (LogSlice slice = log.read(0, 1, true)) {
                assertThat(RecordFormat.readHeader(slice.readBytes(), 0).recordCount()).isEqualTo(3);
            }
            assertThat(appendTasks).isEmpty();

            // a loop that no longer takes tasks: the append thread writes it
            CompletableFuture<PublishResult> refused = accumulator.add(record("d"), "d", task -> {
                throw new java.util.concurrent.RejectedExecutionException("closing");
            });
            assertThat(appendTasks).hasSize(1);
            appendTasks.remove(0).run();
            assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo(new PublishResult(0, 3, "d", false));
        }
    }

    private static RecordData record(String value) {
        return RecordData.of(1L, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
