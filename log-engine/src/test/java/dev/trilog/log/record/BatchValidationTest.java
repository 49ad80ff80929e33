package dev.trilog.log.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.testsupport.LyingBatches;
import dev.trilog.testsupport.LyingBatches.Lie;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Batches whose CRC is right but whose records contradict the header are refused, as Kafka refuses them. */
class BatchValidationTest {

    private static final long NOW = 1_700_000_000_000L;
    /** Kafka's defaults: any age, at most an hour ahead. */
    private static final AppendRules CLIENT = new AppendRules(1 << 20, false, false, Long.MAX_VALUE, 3_600_000, true);

    @ParameterizedTest
    @EnumSource(Lie.class)
    void everyLyingBatchIsRefusedWithKafkasError(Lie lie) {
        ByteBuffer batch = lie.batch(NOW);
        BatchError expected = lie.refusal() == LyingBatches.Refusal.INVALID_TIMESTAMP
                ? BatchError.INVALID_TIMESTAMP : BatchError.INVALID_RECORD;

        assertThat(RecordFormat.isIntact(batch, 0, batch.limit())).as("the CRC still matches").isTrue();
        assertThatThrownBy(() -> RecordFormat.validate(batch, CLIENT, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void honestBatchesInEveryCodecPass(CompressionType codec) {
        ByteBuffer batch = LyingBatches.batch(20, NOW, codec);

        ValidatedBatches validated = RecordFormat.validate(batch, CLIENT, NOW);

        assertThat(validated.recordCount()).isEqualTo(20);
        assertThat(RecordFormat.decode(RecordFormat.assignOffsets(validated, false, 7, NOW).bytes(), 0))
                .extracting(LogRecord::offset).containsExactlyElementsOf(
                        java.util.stream.LongStream.range(7, 27).boxed().toList());
    }

    @Test
    void aRecordOutOfTimeRangeIsNamedByItsPositionThoughTheHeaderLooksFine() {
        ByteBuffer batch = Lie.TIMESTAMP_OUT_OF_RANGE.batch(NOW);

        assertThatThrownBy(() -> RecordFormat.validate(batch, CLIENT, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.recordIndexes()).containsExactly(1));
    }

    @Test
    void aHeaderMaxTimestampThatDisagreesWithTheRecordsIsCorrectedAndTheCrcStaysRight() {
        ByteBuffer batch = LyingBatches.uncompressed(3, NOW);
        batch.putLong(LyingBatches.MAX_TIMESTAMP, NOW - 5_000);
        LyingBatches.withFreshCrc(batch);

        PreparedAppend prepared = RecordFormat.prepareAppend(batch, CLIENT, 0, NOW);

        assertThat(prepared.maxTimestamp()).isEqualTo(NOW);
        assertThat(RecordFormat.isIntact(prepared.bytes(), 0, prepared.bytes().limit())).isTrue();
    }

    @Test
    void aProducerMayNotClaimLogAppendTime() {
        ByteBuffer batch = LyingBatches.uncompressed(2, NOW);
        batch.putShort(LyingBatches.ATTRIBUTES, (short) (batch.getShort(LyingBatches.ATTRIBUTES) | 0x08));
        LyingBatches.withFreshCrc(batch);

        assertThatThrownBy(() -> RecordFormat.validate(batch, CLIENT, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_TIMESTAMP));
    }

    @Test
    void anUnknownCodecIsRefused() {
        ByteBuffer batch = LyingBatches.uncompressed(2, NOW);
        batch.putShort(LyingBatches.ATTRIBUTES, (short) (batch.getShort(LyingBatches.ATTRIBUTES) | 0x07));
        LyingBatches.withFreshCrc(batch);

        assertThatThrownBy(() -> RecordFormat.validate(batch, CLIENT, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_RECORD));
    }

    @Test
    void compactedTopicsRefuseKeylessRecordsInsideACompressedBatch() {
        ByteBuffer batch = RecordFormat.build(0, "gzip", List.of(
                RecordData.of(NOW, new byte[] {1}, new byte[] {1}), RecordData.of(NOW, null, new byte[] {2})));
        AppendRules compacted = new AppendRules(1 << 20, true, false, Long.MAX_VALUE, 3_600_000, true);

        assertThatThrownBy(() -> RecordFormat.validate(batch, compacted, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.recordIndexes()).containsExactly(1));
    }

    @Test
    void readersSkipAnUnreadableBatchWholeAndReportIt() {
        ByteBuffer good = LyingBatches.uncompressed(2, NOW);
        ByteBuffer bad = Lie.COUNT_TOO_LOW.batch(NOW);
        bad.putLong(0, 2);
        ByteBuffer after = LyingBatches.uncompressed(2, NOW);
        after.putLong(0, 3);
        ByteBuffer all = ByteBuffer.allocate(good.limit() + bad.limit() + after.limit())
                .put(good).put(bad).put(after).flip();
        List<Long> skipped = new java.util.ArrayList<>();

        List<LogRecord> records = RecordFormat.decode(all, 0, RecordFormat.AbortedBatches.NONE,
                (base, last, reason) -> skipped.add(base));

        assertThat(records).extracting(LogRecord::offset).containsExactly(0L, 1L, 3L, 4L);
        assertThat(skipped).containsExactly(2L);
        assertThatThrownBy(() -> RecordFormat.decode(all, 0)).isInstanceOf(InvalidBatchException.class);
    }
}
