package dev.trilog.log.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batches that passed validation and carry their final offsets, ready to be written as they
 * are. Produced by {@link RecordFormat#prepareAppend}.
 *
 * @param bytes              the batches, offsets assigned, position 0 to limit
 * @param batches            each batch's header, in order, as written
 * @param firstOffset        the base offset of the first batch
 * @param lastOffset         the last offset of the last batch
 * @param maxTimestamp       the largest timestamp among the batches
 * @param offsetOfMaxTimestamp the last offset of the batch holding that timestamp
 * @param recordCount        records in all batches
 */
public record PreparedAppend(
        ByteBuffer bytes,
        List<BatchHeader> batches,
        long firstOffset,
        long lastOffset,
        long maxTimestamp,
        long offsetOfMaxTimestamp,
        int recordCount) {
}
