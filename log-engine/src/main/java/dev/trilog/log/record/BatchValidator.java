package dev.trilog.log.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Kafka's {@code LogValidator} rules for the v2 batches of one Produce request, applied before
 * anything is written and before the partition's write lock is taken.
 *
 * <p>A batch's CRC only proves that the bytes arrived as the producer sent them, not that they
 * agree with themselves. So, as Kafka does, every record of every batch is read — a compressed
 * batch through kafka-clients' own codecs — and the batch is refused unless:
 * <ul>
 * <li>the header's record count equals its offset range and the records actually present
 *     (a count that lies in either direction, or leaves bytes unread, is refused);</li>
 * <li>every record parses: its length varint matches the bytes it spans, key, value and header
 *     lengths fit inside it, the header count is not negative;</li>
 * <li>offset deltas run 0, 1, 2, … (Kafka rewrites a compressed batch whose deltas do not; every
 *     client in use writes them in order, so Trilog refuses instead of re-compressing);</li>
 * <li>the attributes name a codec that exists and the payload really is in it;</li>
 * <li>each CreateTime timestamp lies within {@code message.timestamp.before/after.max.ms} of the
 *     broker's clock, and a client does not claim LogAppendTime itself;</li>
 * <li>a compacted topic's records all have keys.</li>
 * </ul>
 * A record-level rule reports the positions of the records that broke it, as Kafka's
 * per-record errors do.
 *
 * <p><b>Memory.</b> Compressed records are read with Kafka's key/value-skipping iterator, which
 * streams through the decompressed bytes with a small fixed buffer, so a record whose length
 * varint claims gigabytes allocates nothing. Uncompressed records are read in place by
 * {@link UncompressedRecordWalk}, which allocates nothing at all.
 *
 * <p>The largest timestamp is taken from the records, not from the header: where the header
 * disagrees it is corrected (as Kafka's in-place assignment does), so the time index never
 * points at a timestamp no record has.
 */
final class BatchValidator {

    private BatchValidator() {
    }

    /**
     * Checks the batch of {@code size} bytes at {@code position} of {@code buffer}, whose CRC and
     * length have already been checked, and corrects its max timestamp if it lies.
     *
     * @return the batch, as Kafka's record classes see it
     * @throws InvalidBatchException when a rule is broken
     */
    static MutableRecordBatch validate(ByteBuffer buffer, int position, int size, AppendRules rules, long now) {
        MutableRecordBatch batch = batchAt(buffer, position, size);
        if (!batch.isValid()) {
            throw new InvalidBatchException(BatchError.CORRUPT, "record batch CRC does not match its contents");
        }
        checkHeader(batch, rules);
        long maxTimestamp = batch.isCompressed() ? checkRecords(batch, rules, now)
                : checkUncompressedRecords(batch, buffer, position, size, rules, now);
        if (batch.timestampType() == TimestampType.CREATE_TIME && maxTimestamp != batch.maxTimestamp()) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, maxTimestamp);
        }
        return batch;
    }

    /** The batch-level rules: counts, control batches, sequences, codec. */
    private static void checkHeader(MutableRecordBatch batch, AppendRules rules) {
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || countFromOffsets != count) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "record count " + count + " does not match the batch's offset range of " + countFromOffsets);
        }
        if (rules.fromClient() && batch.isControlBatch()) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD, "clients may not write control batches");
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0 && !batch.isControlBatch()) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "invalid sequence number " + batch.baseSequence() + " for producer " + batch.producerId());
        }
        if (rules.fromClient() && batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            throw new InvalidBatchException(BatchError.INVALID_TIMESTAMP,
                    "a producer may not set the timestamp type to LogAppendTime");
        }
        try {
            batch.compressionType();
        } catch (IllegalArgumentException e) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "unknown compression codec in batch attributes: " + e.getMessage());
        }
    }

    /**
     * The same checks as {@link #checkRecords} for an uncompressed batch, read in place by
     * {@link UncompressedRecordWalk} without an object per record.
     */
    private static long checkUncompressedRecords(MutableRecordBatch batch, ByteBuffer buffer, int position, int size,
            AppendRules rules, long now) {
        int count = batch.countOrNull();
        boolean checkTimestamps = !rules.logAppendTime() && batch.timestampType() == TimestampType.CREATE_TIME;
        boolean checkKeys = rules.requireKeys() && !batch.isControlBatch();
        List<Integer> badTimestamps = null;
        List<Integer> keyless = null;
        long maxTimestamp = RecordFormat.NO_TIMESTAMP;
        UncompressedRecordWalk walk = new UncompressedRecordWalk(buffer, position + BatchHeader.SIZE, position + size,
                buffer.getLong(position + 27));
        for (int index = 0; index < count; index++) {
            walk.next();
            if (checkTimestamps && outOfRange(walk.timestamp, rules, now)) {
                badTimestamps = add(badTimestamps, index);
            }
            if (checkKeys && !walk.hasKey) {
                keyless = add(keyless, index);
            }
            maxTimestamp = Math.max(maxTimestamp, walk.timestamp);
        }
        if (!walk.atEnd()) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "the batch header counts " + count + " records but more bytes follow them");
        }
        return reportRecordErrors(badTimestamps, keyless, now, maxTimestamp);
    }

    /**
     * Reads every record once, through Kafka's own iterator (a compressed batch's records stream
     * out of its codec); returns the largest timestamp among them.
     */
    private static long checkRecords(MutableRecordBatch batch, AppendRules rules, long now) {
        int count = batch.countOrNull();
        boolean checkTimestamps = !rules.logAppendTime() && batch.timestampType() == TimestampType.CREATE_TIME;
        boolean checkKeys = rules.requireKeys() && !batch.isControlBatch();
        List<Integer> badTimestamps = null;
        List<Integer> keyless = null;
        long maxTimestamp = RecordFormat.NO_TIMESTAMP;
        int index = 0;
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record record = records.next();
                if (record.offset() - batch.baseOffset() != index) {
                    throw new InvalidBatchException(BatchError.INVALID_RECORD, "record " + index + " has offset delta "
                            + (record.offset() - batch.baseOffset()) + "; deltas must run 0, 1, 2, …", List.of(index));
                }
                long timestamp = record.timestamp();
                if (checkTimestamps && outOfRange(timestamp, rules, now)) {
                    badTimestamps = add(badTimestamps, index);
                }
                if (checkKeys && !record.hasKey()) {
                    keyless = add(keyless, index);
                }
                maxTimestamp = Math.max(maxTimestamp, timestamp);
                index++;
            }
        } catch (InvalidBatchException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
                | java.nio.BufferUnderflowException | java.util.NoSuchElementException e) {
            // Kafka's InvalidRecordException (a KafkaException) for a record that does not parse,
            // a count that leaves bytes unread or runs past them; a KafkaException wrapping the
            // codec's IOException for a payload that is not in the codec the attributes name.
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "record " + index + " of " + count + " cannot be read" + codecNote(batch) + ": " + reason(e));
        }
        if (index != count) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD,
                    "the batch header counts " + count + " records but holds " + index);
        }
        return reportRecordErrors(badTimestamps, keyless, now, maxTimestamp);
    }

    /** Throws for the per-record rules some records broke (timestamps first, as Kafka); else the max timestamp. */
    private static long reportRecordErrors(List<Integer> badTimestamps, List<Integer> keyless, long now,
            long maxTimestamp) {
        if (badTimestamps != null) {
            throw new InvalidBatchException(BatchError.INVALID_TIMESTAMP, "timestamp outside the allowed range around"
                    + " the broker's time " + now, badTimestamps);
        }
        if (keyless != null) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD, "compacted topics accept only records with a key",
                    keyless);
        }
        return maxTimestamp;
    }

    private static String codecNote(MutableRecordBatch batch) {
        CompressionType codec = batch.compressionType();
        return codec == CompressionType.NONE ? "" : " (" + codec.name + "-compressed)";
    }

    private static String reason(RuntimeException e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && cause != e) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static List<Integer> add(List<Integer> list, int index) {
        List<Integer> result = list == null ? new ArrayList<>() : list;
        result.add(index);
        return result;
    }

    /**
     * Kafka compares each record's timestamp with the broker's clock: not older than
     * {@code before} nor newer than {@code after}. No timestamp (-1) passes.
     */
    static boolean outOfRange(long timestamp, AppendRules rules, long now) {
        if (timestamp == RecordFormat.NO_TIMESTAMP) {
            return false;
        }
        return timestamp < now && now - timestamp > rules.timestampBeforeMaxMs()
                || timestamp > now && timestamp - now > rules.timestampAfterMaxMs();
    }

    static MutableRecordBatch batchAt(ByteBuffer buffer, int position, int size) {
        ByteBuffer view = buffer.duplicate();
        view.position(position).limit(position + size);
        Iterator<MutableRecordBatch> it = MemoryRecords.readableRecords(view.slice()).batches().iterator();
        if (!it.hasNext()) {
            throw new InvalidBatchException(BatchError.CORRUPT, "unreadable record batch");
        }
        return it.next();
    }
}
