package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.record.LogRecord;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private final GroupCommitFlusher flusher = new GroupCommitFlusher();
    private PartitionLog log;

    @AfterEach
    void closeLog() throws Exception {
        if (log != null) {
            log.close();
        }
        flusher.close();
    }

    private PartitionLog open(Map<String, String> overrides, boolean clean) throws IOException {
        log = PartitionLog.open(new TopicPartition("t", 0), dir, LogConfig.defaults().withOverrides(overrides), clock,
                Runnable::run, flusher, clean);
        return log;
    }

    private static Map<String, String> smallSegments() {
        return Map.of("segment.bytes", "2048", "index.interval.bytes", "200");
    }

    @Test
    void appendsAssignConsecutiveOffsetsAndReadsReturnThem() throws Exception {
        open(Map.of(), true);

        AppendResult first = log.append(Batches.of(3, T0), true);
        AppendResult second = log.append(Batches.of(2, T0, 3), true);

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.highWatermark()).isEqualTo(5);
        assertThat(Batches.values(log.readRecords(0, 1 << 20))).containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(Batches.values(log.readRecords(4, 1 << 20))).containsExactly("v4");
        assertThat(first.durable()).isCompleted();
    }

    @Test
    void readReturnsAFileRegionStartingAtTheBatchThatHoldsTheOffset() throws Exception {
        open(Map.of(), true);
        log.append(Batches.of(3, T0), true);
        AppendResult second = log.append(Batches.of(3, T0, 3), true);

        try (LogSlice slice = log.read(4, 1 << 20, true)) {
            assertThat(slice.firstBatchOffset()).isEqualTo(second.firstOffset());
            assertThat(slice.position()).isPositive();
            assertThat(slice.channel().isOpen()).isTrue();
            assertThat(slice.position() + slice.length()).isEqualTo((int) slice.channel().size());
        }
        try (LogSlice atEnd = log.read(6, 1 << 20, true)) {
            assertThat(atEnd.isEmpty()).isTrue();
        }
    }

    @Test
    void minOneBatchReturnsAWholeBatchLargerThanTheLimit() throws Exception {
        open(Map.of(), true);
        ByteBuffer big = Batches.withValueSize(5000, T0);
        int size = big.remaining();
        log.append(big, true);

        try (LogSlice slice = log.read(0, 100, true)) {
            assertThat(slice.length()).isEqualTo(size);
        }
        try (LogSlice slice = log.read(0, 100, false)) {
            assertThat(slice.length()).isEqualTo(100);
        }
    }

    @Test
    void readBatchesReturnsExactlyTheWholeBatchesHoldingARangeAndWhereToReadOn() throws Exception {
        open(Map.of(), true);
        int[] sizes = new int[4];
        for (int i = 0; i < 4; i++) {
            ByteBuffer batch = Batches.of(3, T0, i * 3); // offsets 3i .. 3i+2
            sizes[i] = batch.remaining();
            log.append(batch, true);
        }

        try (LogSlice middle = log.readBatches(4, 7)) { // in the second and third batches
            assertThat(middle.firstBatchOffset()).isEqualTo(3);
            assertThat(middle.position()).isEqualTo(sizes[0]);
            assertThat(middle.length()).isEqualTo(sizes[1] + sizes[2]);
            assertThat(middle.nextOffset()).isEqualTo(9);
            assertThat(Batches.values(recordsOf(middle))).containsExactly("v3", "v4", "v5", "v6", "v7", "v8");
        }
        try (LogSlice one = log.readBatches(10, 10)) {
            assertThat(one.length()).isEqualTo(sizes[3]);
            assertThat(one.nextOffset()).isEqualTo(12);
        }
        try (LogSlice none = log.readBatches(12, 20)) {
            assertThat(none.isEmpty()).isTrue();
        }
        assertThatThrownBy(() -> log.readBatches(13, 20)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void readBatchesStopsAtASegmentsEndAndReadsOnInTheNext() throws Exception {
        open(smallSegments(), true);
        for (int i = 0; i < 100; i++) {
            log.append(Batches.of(5, T0, i * 5), true);
        }
        List<String> values = new java.util.ArrayList<>();
        int slices = 0;
        for (long from = 0; from <= 499; slices++) {
            try (LogSlice slice = log.readBatches(from, 499)) {
                values.addAll(Batches.values(recordsOf(slice)));
                from = slice.nextOffset();
            }
        }
        assertThat(slices).isEqualTo(log.segmentCount());
        assertThat(values).hasSize(500).startsWith("v0").endsWith("v499");
    }

    private static List<LogRecord> recordsOf(LogSlice slice) throws IOException {
        return dev.trilog.log.record.RecordFormat.decode(slice.readBytes(), 0);
    }

    @Test
    void readsOutsideTheLogAreOutOfRange() throws Exception {
        open(Map.of(), true);
        log.append(Batches.of(2, T0), true);

        assertThatThrownBy(() -> log.read(3, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void rollsSegmentsBySizeAndReadsAcrossThem() throws Exception {
        open(smallSegments(), true);
        for (int i = 0; i < 100; i++) {
            log.append(Batches.of(5, T0, i * 5), true);
        }

        assertThat(log.segmentCount()).isGreaterThan(3);
        for (long offset : List.of(0L, 57L, 123L, 199L, 499L)) {
            List<LogRecord> records = log.readRecords(offset, 1);
            assertThat(records.get(0).offset()).isEqualTo(offset);
            assertThat(Batches.text(records.get(0).value())).isEqualTo("v" + offset);
        }
    }

    @Test
    void rollsASegmentOnceItIsOlderThanSegmentMs() throws Exception {
        open(Map.of("segment.ms", "1000"), true);
        log.append(Batches.of(1, T0), true);
        clock.advance(500);
        log.append(Batches.of(1, T0 + 500), true);
        assertThat(log.segmentCount()).isEqualTo(1);

        clock.advance(600);
        log.append(Batches.of(1, T0 + 1100), true);

        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
    }

    @Test
    void findsOffsetsByTimestamp() throws Exception {
        open(smallSegments(), true);
        for (int i = 0; i < 50; i++) {
            log.append(Batches.of(2, T0 + i * 10L, i * 2), true); // offsets 2i, 2i+1 at T0 + 10i
        }

        assertThat(log.offsetForTimestamp(T0)).contains(new TimestampedOffset(0, T0));
        assertThat(log.offsetForTimestamp(T0 + 255)).contains(new TimestampedOffset(52, T0 + 260));
        assertThat(log.offsetForTimestamp(T0 + 260)).contains(new TimestampedOffset(52, T0 + 260));
        assertThat(log.offsetForTimestamp(T0 + 10_000)).isEmpty();
        assertThat(log.maxTimestampOffset()).contains(new TimestampedOffset(98, T0 + 490));
    }

    @Test
    void deleteRecordsMovesTheStartAndDropsWholeSegmentsBelowIt() throws Exception {
        open(smallSegments(), true);
        for (int i = 0; i < 40; i++) {
            log.append(Batches.of(5, T0, i * 5), true);
        }
        int segmentsBefore = log.segmentCount();

        long start = log.deleteRecordsBefore(120);

        assertThat(start).isEqualTo(120);
        assertThat(log.logStartOffset()).isEqualTo(120);
        assertThat(log.segmentCount()).isLessThan(segmentsBefore);
        assertThat(log.segmentBaseOffsets().get(0)).isLessThanOrEqualTo(120L);
        assertThatThrownBy(() -> log.read(119, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.readRecords(120, 1).get(0).offset()).isEqualTo(120);
        assertThatThrownBy(() -> log.deleteRecordsBefore(201)).isInstanceOf(OffsetOutOfRangeException.class);

        log.close();
        open(smallSegments(), true);
        assertThat(log.logStartOffset()).isEqualTo(120);
    }

    @Test
    void retentionByTimeDeletesOnlyExpiredSegmentsAndNeverReadsFreedData() throws Exception {
        open(Map.of("segment.bytes", "2048", "retention.ms", "10000"), true);
        for (int i = 0; i < 20; i++) {
            log.append(Batches.of(5, T0, i * 5), true);
        }
        long firstNew = log.logEndOffset();
        clock.advance(20_000);
        for (int i = 0; i < 5; i++) {
            log.append(Batches.of(5, T0 + 20_000, 100 + i * 5), true);
        }

        int deleted = log.enforceRetention();

        // whole segments only: the one holding both old and new records stays
        assertThat(deleted).isPositive();
        assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0)).isPositive()
                .isLessThanOrEqualTo(firstNew);
        assertThat(log.readRecords(log.logStartOffset(), 1).get(0).offset()).isEqualTo(log.logStartOffset());
        clock.advance(1000);
        assertThat(log.enforceRetention()).isZero();
    }

    @Test
    void retentionRollsAndDeletesAnExpiredActiveSegment() throws Exception {
        open(Map.of("retention.ms", "1000"), true);
        log.append(Batches.of(5, T0), true);
        clock.advance(5000);

        log.enforceRetention();

        assertThat(log.logStartOffset()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.append(Batches.of(1, T0 + 5000), true).firstOffset()).isEqualTo(5);
    }

    @Test
    void retentionBySizeKeepsTheNewestSegmentsUnderTheLimit() throws Exception {
        open(Map.of("segment.bytes", "2048", "retention.bytes", "4096"), true);
        for (int i = 0; i < 100; i++) {
            log.append(Batches.of(5, T0, i * 5), true);
        }

        log.enforceRetention();

        // Kafka's rule: a segment goes only while the log stays at least retention.bytes without it
        assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(4096).isLessThan(4096 + 2048);
        assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0)).isPositive();
        assertThat(log.logEndOffset()).isEqualTo(500);
    }

    @Test
    void compactPolicyAloneIsNotSubjectToRetention() throws Exception {
        open(Map.of("cleanup.policy", "compact", "retention.ms", "1"), true);
        log.append(Batches.keyed(T0, "k", "v"), true);
        clock.advance(10_000);

        assertThat(log.enforceRetention()).isZero();
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void fsyncPolicyCompletesAppendsThroughGroupCommit() throws Exception {
        open(Map.of("flush.messages", "1"), true);

        List<AppendResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(log.append(Batches.of(1, T0, i), true));
        }

        for (AppendResult result : results) {
            result.durable().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(results).allSatisfy(r -> assertThat(r.durable()).isCompleted());
    }

    @Test
    void reopensWithTheSameContentsAfterACleanClose() throws Exception {
        open(smallSegments(), true);
        for (int i = 0; i < 30; i++) {
            log.append(Batches.of(5, T0 + i, i * 5), true);
        }
        List<Long> segments = log.segmentBaseOffsets();
        log.close();

        open(smallSegments(), true);

        assertThat(log.segmentBaseOffsets()).isEqualTo(segments);
        assertThat(log.logEndOffset()).isEqualTo(150);
        assertThat(log.readRecords(77, 1).get(0).offset()).isEqualTo(77);
        assertThat(log.maxTimestampOffset()).map(TimestampedOffset::timestamp).contains(T0 + 29);
        assertThat(log.append(Batches.of(1, T0), true).firstOffset()).isEqualTo(150);
    }

    @Test
    void appendListenersHearEveryAppend() throws Exception {
        open(Map.of(), true);
        int[] heard = new int[1];
        log.addAppendListener(() -> heard[0]++);

        log.append(Batches.of(1, T0), true);
        log.append(Batches.of(1, T0), true);

        assertThat(heard[0]).isEqualTo(2);
    }

    @Test
    void offsetForTimestampSkipsRecordsBelowTheLogStart() throws Exception {
        open(Map.of(), true);
        log.append(Batches.of(5, T0), true);
        log.deleteRecordsBefore(3);

        Optional<TimestampedOffset> found = log.offsetForTimestamp(T0);

        assertThat(found).contains(new TimestampedOffset(3, T0));
    }
}
