package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.LogSlice;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PublishAccumulator#addAll}: one entry and one future for many records, cut at the batch limits. */
class PublishAccumulatorAddAllTest {

    @TempDir
    Path dataDir;
    private final ExecutorService appender = Executors.newSingleThreadExecutor();
    private LogEngine engine;
    private PartitionLog log;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        engine.createTopic("t", 1, Map.of());
        log = engine.partition(new TopicPartition("t", 0));
    }

    @AfterEach
    void close() throws Exception {
        appender.shutdown();
        engine.close();
    }

    @Test
    void beyondTheBatchLimitItIsCutIntoBatchesAndFillsEveryResultSlot() throws Exception {
        PublishAccumulator accumulator = new PublishAccumulator(engine.appender(), log.topicPartition(), 100, 1 << 20,
                appender);
        int n = 250;
        RecordData[] records = new RecordData[n];
        String[] ids = new String[n];
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            records[i] = RecordData.of(1L, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            ids[i] = "id" + i;
            slots[i] = n - 1 - i; // results land in the slots the caller chose, here reversed
        }
        PublishResult[] results = new PublishResult[n];
        accumulator.add(RecordData.of(1L, null, "first".getBytes(StandardCharsets.UTF_8)), "first")
                .get(10, TimeUnit.SECONDS);
        accumulator.addAll(records, ids, slots, results).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            assertThat(results[n - 1 - i]).isEqualTo(new PublishResult(0, 1 + i, "id" + i, false));
        }
        int batches = 0;
        for (long next = 1; next <= n; batches++) {
            try (LogSlice slice = log.read(next, 1, true)) {
                BatchHeader header = RecordFormat.readHeader(slice.readBytes(), 0);
                assertThat(header.recordCount()).isLessThanOrEqualTo(100);
                next = header.lastOffset() + 1;
            }
        }
        assertThat(batches).isEqualTo(3); // 100 + 100 + 50
    }

    @Test
    void withinTheLimitsItIsOneBatch() throws Exception {
        PublishAccumulator accumulator = new PublishAccumulator(engine.appender(), log.topicPartition(), 100, 1 << 20,
                appender);
        RecordData[] records = new RecordData[10];
        for (int i = 0; i < records.length; i++) {
            records[i] = RecordData.of(1L, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        PublishResult[] results = new PublishResult[10];
        accumulator.addAll(records, new String[10], new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, results)
                .get(10, TimeUnit.SECONDS);
        assertThat(results).extracting(PublishResult::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        try (LogSlice slice = log.read(0, 1, true)) {
            assertThat(RecordFormat.readHeader(slice.readBytes(), 0).recordCount()).isEqualTo(10);
        }
    }
}
