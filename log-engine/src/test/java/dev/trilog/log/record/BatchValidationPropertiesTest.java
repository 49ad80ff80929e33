package dev.trilog.log.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.testsupport.LyingBatches;
import java.nio.ByteBuffer;
import java.util.Iterator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Valid batches with bytes changed and the CRC made right again: either Kafka's own record
 * parsing ({@link MemoryRecords}, streamed as its consumer reads it) reads the batch consistently with its header and Trilog
 * accepts it too, or Kafka's parsing fails and Trilog refuses it. "Consistently" adds the one
 * rule Trilog keeps where Kafka would rewrite the batch: offset deltas run 0, 1, 2, ….
 */
class BatchValidationPropertiesTest {

    private static final long NOW = 1_700_000_000_000L;
    /** No timestamp limits: the property is about structure. */
    private static final AppendRules ANY_TIME = new AppendRules(1 << 20, false, false, Long.MAX_VALUE, Long.MAX_VALUE,
            true);

    /** One change: the byte at a position in the records (or the header's count fields) set to a value. */
    record Mutation(int position, byte value, boolean withHeaders) {
    }

    @Property(tries = 5000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void flippedRecordBytesAreRefusedExactlyWhenKafkaCannotReadThem(@ForAll("recordByteMutations") Mutation m) {
        ByteBuffer batch = m.withHeaders() ? LyingBatches.withHeaders(4, NOW) : LyingBatches.uncompressed(4, NOW);
        batch.put(LyingBatches.RECORDS + m.position() % (batch.limit() - LyingBatches.RECORDS), m.value());
        LyingBatches.withFreshCrc(batch);

        boolean accepted = trilogAccepts(batch);
        assertThat(accepted).isEqualTo(kafkaReadsConsistently(batch));
        // the property means something only if both outcomes happen often
        Statistics.label("accepted").collect(accepted).coverage(coverage -> {
            coverage.check(true).count(n -> n >= 100);
            coverage.check(false).count(n -> n >= 100);
        });
    }

    @Property(tries = 500)
    void aCountThatLiesIsRefusedExactlyWhenKafkaCannotReadIt(@ForAll("counts") int count,
            @ForAll("codecs") CompressionType codec) {
        ByteBuffer batch = LyingBatches.batch(4, NOW, codec);
        batch.putInt(LyingBatches.RECORD_COUNT, count);
        batch.putInt(LyingBatches.LAST_OFFSET_DELTA, count - 1);
        LyingBatches.withFreshCrc(batch);

        assertThat(trilogAccepts(batch)).isEqualTo(kafkaReadsConsistently(batch)).isEqualTo(count == 4);
    }

    @Provide
    Arbitrary<Mutation> recordByteMutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.bytes(),
                Arbitraries.of(true, false)).as(Mutation::new);
    }

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-2, 10), Arbitraries.of(Integer.MAX_VALUE, 1 << 20));
    }

    @Provide
    Arbitrary<CompressionType> codecs() {
        return Arbitraries.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4, CompressionType.ZSTD,
                CompressionType.SNAPPY);
    }

    private static boolean trilogAccepts(ByteBuffer batch) {
        try {
            RecordFormat.validate(batch.duplicate(), ANY_TIME, NOW);
            return true;
        } catch (InvalidBatchException e) {
            return false;
        }
    }

    /** Kafka's reading of the batch, as a consumer would do it, agrees with the header. */
    private static boolean kafkaReadsConsistently(ByteBuffer bytes) {
        try {
            Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(bytes.duplicate()).batches().iterator();
            MutableRecordBatch batch = batches.next();
            if (batches.hasNext() || !batch.isValid()) {
                return false;
            }
            Integer count = batch.countOrNull();
            if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() + 1 != count) {
                return false;
            }
            int index = 0;
            CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING);
            while (records.hasNext()) {
                Record record = records.next();
                if (record.offset() != batch.baseOffset() + index) {
                    return false;
                }
                index++;
            }
            return index == count;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
