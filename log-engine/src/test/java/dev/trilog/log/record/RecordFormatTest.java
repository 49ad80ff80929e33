package dev.trilog.log.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.Batches;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final AppendRules CLIENT =
            new AppendRules(1 << 20, false, false, Long.MAX_VALUE, 3_600_000, true);

    @Test
    void assignsOffsetsFromTheLogEndAcrossSeveralBatches() {
        ByteBuffer first = Batches.of(3, NOW);
        ByteBuffer second = Batches.of(2, NOW, 3);
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();

        PreparedAppend prepared = RecordFormat.prepareAppend(both, AppendRules.permissive(1 << 20), 100, NOW);

        assertThat(prepared.firstOffset()).isEqualTo(100);
        assertThat(prepared.lastOffset()).isEqualTo(104);
        assertThat(prepared.recordCount()).isEqualTo(5);
        assertThat(prepared.batches()).extracting(BatchHeader::baseOffset).containsExactly(100L, 103L);
        List<LogRecord> records = RecordFormat.decode(prepared.bytes(), 0);
        assertThat(records).extracting(LogRecord::offset).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(Batches.values(records)).containsExactly("v0", "v1", "v2", "v3", "v4");
        // the rewritten batch still passes its CRC: base offset is outside what the CRC covers
        assertThat(RecordFormat.isIntact(prepared.bytes(), 0, prepared.batches().get(0).sizeInBytes())).isTrue();
    }

    @Test
    void aClientSendsOneBatchPerPartition() {
        ByteBuffer first = Batches.of(1, NOW);
        ByteBuffer second = Batches.of(1, NOW, 1);
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();

        assertThatThrownBy(() -> RecordFormat.prepareAppend(both, CLIENT, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_RECORD));
    }

    @Test
    void refusesABatchWhoseContentsNoLongerMatchTheCrc() {
        ByteBuffer batch = Batches.of(2, NOW);
        batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x5a));

        assertThatThrownBy(() -> RecordFormat.prepareAppend(batch, CLIENT, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.error()).isEqualTo(BatchError.CORRUPT));
    }

    @Test
    void refusesTruncatedBytes() {
        ByteBuffer batch = Batches.of(2, NOW);
        ByteBuffer cut = batch.slice(0, batch.limit() - 5);

        assertThatThrownBy(() -> RecordFormat.prepareAppend(cut, CLIENT, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.error()).isEqualTo(BatchError.CORRUPT));
    }

    @Test
    void refusesOldMagic() {
        ByteBuffer batch = Batches.of(1, NOW);
        batch.put(16, (byte) 1);

        assertThatThrownBy(() -> RecordFormat.prepareAppend(batch, CLIENT, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.UNSUPPORTED_MAGIC));
    }

    @Test
    void refusesABatchOverMaxMessageBytes() {
        ByteBuffer batch = Batches.withValueSize(2000, NOW);
        AppendRules small = new AppendRules(1000, false, false, Long.MAX_VALUE, Long.MAX_VALUE, true);

        assertThatThrownBy(() -> RecordFormat.prepareAppend(batch, small, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.error()).isEqualTo(BatchError.TOO_LARGE));
    }

    @Test
    void refusesTimestampsTooFarInTheFuture() {
        ByteBuffer batch = Batches.of(1, NOW + 2 * 3_600_000);

        assertThatThrownBy(() -> RecordFormat.prepareAppend(batch, CLIENT, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> {
                            assertThat(e.error()).isEqualTo(BatchError.INVALID_TIMESTAMP);
                            assertThat(e.recordIndexes()).containsExactly(0); // reported per record, as Kafka does
                        });
    }

    @Test
    void compactedTopicsRefuseKeylessRecords() {
        AppendRules compacted = new AppendRules(1 << 20, true, false, Long.MAX_VALUE, Long.MAX_VALUE, true);

        assertThatThrownBy(() -> RecordFormat.prepareAppend(Batches.withValueSize(10, NOW), compacted, 0, NOW))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_RECORD));
        assertThat(RecordFormat.prepareAppend(Batches.keyed(NOW, "k", "v"), compacted, 0, NOW).recordCount()).isEqualTo(1);
    }

    @Test
    void logAppendTimeStampsTheBatchWithTheBrokerTime() {
        AppendRules appendTime = new AppendRules(1 << 20, false, true, Long.MAX_VALUE, Long.MAX_VALUE, true);

        PreparedAppend prepared = RecordFormat.prepareAppend(Batches.of(2, 5), appendTime, 0, NOW);

        assertThat(prepared.maxTimestamp()).isEqualTo(NOW);
        assertThat(RecordFormat.decode(prepared.bytes(), 0)).extracting(LogRecord::timestamp).containsOnly(NOW);
        assertThat(RecordFormat.isIntact(prepared.bytes(), 0, prepared.bytes().limit())).isTrue();
    }

    @Test
    void everyCompressionCodecRoundTrips() {
        for (String codec : RecordFormat.COMPRESSION_NAMES) {
            ByteBuffer batch = RecordFormat.build(0, codec, List.of(
                    RecordData.of(NOW, Batches.bytes("a"), Batches.bytes("alpha")),
                    new RecordData(NOW, null, Batches.bytes("beta"), List.of(new LogRecord.Header("h", Batches.bytes("x"))))));
            PreparedAppend prepared = RecordFormat.prepareAppend(batch, CLIENT, 7, NOW);
            List<LogRecord> records = RecordFormat.decode(prepared.bytes(), 0);
            assertThat(Batches.values(records)).as(codec).containsExactly("alpha", "beta");
            assertThat(records.get(1).headers()).as(codec).hasSize(1);
            assertThat(records.get(1).offset()).isEqualTo(8);
            assertThat(prepared.batches().get(0).compressionId()).as(codec)
                    .isEqualTo(RecordFormat.COMPRESSION_NAMES.indexOf(codec));
        }
    }

    @Test
    void retainRecordsKeepsOffsetsAndDropsWhatThePredicateRejects() {
        PreparedAppend prepared = RecordFormat.prepareAppend(Batches.of(5, NOW), CLIENT, 10, NOW);

        RecordFormat.Retained kept = RecordFormat.retainRecords(prepared.bytes(), r -> r.offset() % 2 == 0, RecordFormat.AbortedBatches.NONE, NOW);

        assertThat(kept.recordsRead()).isEqualTo(5);
        assertThat(kept.recordsKept()).isEqualTo(3);
        assertThat(RecordFormat.decode(kept.batches(), 0)).extracting(LogRecord::offset).containsExactly(10L, 12L, 14L);
    }
}
