package dev.trilog.log.record;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * Batches that passed {@link RecordFormat#validate} (or were built by the engine itself,
 * {@link RecordFormat#trusted}) and wait for their offsets: the part of an append done outside
 * the partition's write lock. {@link RecordFormat#assignOffsets} turns them into a
 * {@link PreparedAppend}.
 */
public final class ValidatedBatches {

    private final ByteBuffer buffer;
    private final List<BatchHeader> headers;
    private final List<MutableRecordBatch> batches;
    private final int recordCount;

    ValidatedBatches(ByteBuffer buffer, List<BatchHeader> headers, List<MutableRecordBatch> batches, int recordCount) {
        this.buffer = buffer;
        this.headers = headers;
        this.batches = batches;
        this.recordCount = recordCount;
    }

    /** Each batch's header as the producer sent it (offsets not yet assigned). */
    public List<BatchHeader> headers() {
        return headers;
    }

    /** The first batch's header: the one an idempotent producer's state is checked against. */
    public BatchHeader first() {
        return headers.get(0);
    }

    public int recordCount() {
        return recordCount;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    List<MutableRecordBatch> batches() {
        return batches;
    }
}
