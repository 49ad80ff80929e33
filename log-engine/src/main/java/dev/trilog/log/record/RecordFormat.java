package dev.trilog.log.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The Kafka RecordBatch v2 format, through kafka-clients' record classes.
 *
 * <p>This package ({@code dev.trilog.log.record}: this class, {@link BatchValidator} and
 * {@link ValidatedBatches}) is the only place in log-engine that imports
 * {@code org.apache.kafka.common.record.internal}: Kafka calls those classes non-public and moved
 * them in 4.3, so an upgrade that moves them again breaks here and nowhere else. Everything else in the engine sees {@link BatchHeader},
 * {@link LogRecord} and plain buffers. CRC32C, varints and compression all stay Kafka's.
 */
public final class RecordFormat {

    public static final byte MAGIC_V2 = RecordBatch.MAGIC_VALUE_V2;
    public static final long NO_TIMESTAMP = RecordBatch.NO_TIMESTAMP;
    /** Compression names as Kafka spells them: none, gzip, snappy, lz4, zstd. */
    public static final List<String> COMPRESSION_NAMES =
            List.of("none", "gzip", "snappy", "lz4", "zstd");

    private RecordFormat() {
    }

    /**
     * Reads the fixed header of the batch starting at {@code position}, without checking its CRC.
     * The buffer must hold at least {@link BatchHeader#SIZE} bytes from there.
     */
    public static BatchHeader readHeader(ByteBuffer buffer, int position) {
        return new BatchHeader(
                buffer.getLong(position),
                buffer.getInt(position + 8) + BatchHeader.LOG_OVERHEAD,
                buffer.get(position + 16),
                buffer.getShort(position + 21),
                buffer.getInt(position + 23),
                buffer.getLong(position + 27),
                buffer.getLong(position + 35),
                buffer.getLong(position + 43),
                buffer.getShort(position + 51),
                buffer.getInt(position + 53),
                buffer.getInt(position + 57));
    }

    /**
     * Validates every batch in {@code records} ({@link #validate}) and gives them offsets from
     * {@code nextOffset} ({@link #assignOffsets}): the two steps of an append in one call.
     *
     * @throws InvalidBatchException with the reason the first bad batch was refused
     */
    public static PreparedAppend prepareAppend(ByteBuffer records, AppendRules rules, long nextOffset, long now) {
        return assignOffsets(validate(records, rules, now), rules.logAppendTime(), nextOffset, now);
    }

    /**
     * Checks a producer's batches as Kafka's {@code LogValidator} does ({@link BatchValidator}):
     * framing, magic, size, CRC, and every record against its batch's header. Needs no lock:
     * nothing here depends on the partition's state. Only a wrong max timestamp in a header is
     * corrected in place; nothing else is changed.
     *
     * @throws InvalidBatchException with the reason the first bad batch was refused
     */
    public static ValidatedBatches validate(ByteBuffer records, AppendRules rules, long now) {
        ByteBuffer buffer = records.slice();
        List<BatchHeader> headers = new ArrayList<>(1);
        List<MutableRecordBatch> batches = new ArrayList<>(1);
        int position = 0;
        int count = 0;
        while (position < buffer.limit()) {
            int remaining = buffer.limit() - position;
            if (remaining < BatchHeader.SIZE) {
                throw new InvalidBatchException(BatchError.CORRUPT,
                        "truncated batch: " + remaining + " bytes left, a batch header needs " + BatchHeader.SIZE);
            }
            byte magic = buffer.get(position + 16);
            if (magic != MAGIC_V2) {
                throw new InvalidBatchException(BatchError.UNSUPPORTED_MAGIC,
                        "record batch magic " + magic + " is not supported; only v2 batches are");
            }
            int size = buffer.getInt(position + 8) + BatchHeader.LOG_OVERHEAD;
            if (size < BatchHeader.SIZE || size > remaining) {
                throw new InvalidBatchException(BatchError.CORRUPT,
                        "batch length " + size + " does not fit the " + remaining + " bytes sent");
            }
            if (size > rules.maxBatchBytes()) {
                throw new InvalidBatchException(BatchError.TOO_LARGE,
                        "batch of " + size + " bytes exceeds max.message.bytes " + rules.maxBatchBytes());
            }
            if (rules.fromClient() && !batches.isEmpty()) {
                // as Kafka: a producer sends one v2 batch per partition, which idempotence relies on
                throw new InvalidBatchException(BatchError.INVALID_RECORD,
                        "a produce request carries one record batch per partition, not several");
            }
            MutableRecordBatch batch = BatchValidator.validate(buffer, position, size, rules, now);
            headers.add(readHeader(buffer, position));
            batches.add(batch);
            count += batch.countOrNull();
            position += size;
        }
        if (batches.isEmpty()) {
            throw new InvalidBatchException(BatchError.CORRUPT, "no record batch in the request");
        }
        return new ValidatedBatches(buffer, headers, batches, count);
    }

    /**
     * One batch the engine built itself a moment ago ({@link #build}, {@link #buildTransactionMarker}),
     * taken as it is: its bytes came from kafka-clients' builder, so they are not re-read or
     * re-checksummed.
     */
    public static ValidatedBatches trusted(ByteBuffer built) {
        ByteBuffer buffer = built.slice();
        BatchHeader header = readHeader(buffer, 0);
        MutableRecordBatch batch = BatchValidator.batchAt(buffer, 0, header.sizeInBytes());
        return new ValidatedBatches(buffer, List.of(header), List.of(batch), header.recordCount());
    }

    /**
     * Rewrites each validated batch's base offset (and partition leader epoch, and with
     * LogAppendTime its timestamp) so the first batch starts at {@code nextOffset}. Called under
     * the partition's write lock, just before the bytes are written.
     */
    public static PreparedAppend assignOffsets(ValidatedBatches validated, boolean logAppendTime, long nextOffset,
            long now) {
        ByteBuffer buffer = validated.buffer();
        List<MutableRecordBatch> batches = validated.batches();
        List<BatchHeader> assigned = new ArrayList<>(batches.size());
        long offset = nextOffset;
        long maxTimestamp = NO_TIMESTAMP;
        long offsetOfMax = nextOffset;
        int position = 0;
        for (int i = 0; i < batches.size(); i++) {
            MutableRecordBatch batch = batches.get(i);
            batch.setLastOffset(offset + validated.headers().get(i).lastOffsetDelta());
            batch.setPartitionLeaderEpoch(0);
            if (logAppendTime) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
            }
            BatchHeader written = readHeader(buffer, position);
            assigned.add(written);
            if (written.maxTimestamp() > maxTimestamp) {
                maxTimestamp = written.maxTimestamp();
                offsetOfMax = written.lastOffset();
            }
            offset = written.lastOffset() + 1;
            position += written.sizeInBytes();
        }
        return new PreparedAppend(buffer, assigned, nextOffset, offset - 1, maxTimestamp, offsetOfMax,
                validated.recordCount());
    }

    /** True when the whole batch at {@code position} is present and its CRC matches. */
    public static boolean isIntact(ByteBuffer buffer, int position, int size) {
        if (size < BatchHeader.SIZE || position + size > buffer.limit() || buffer.get(position + 16) != MAGIC_V2) {
            return false;
        }
        try {
            return BatchValidator.batchAt(buffer, position, size).isValid();
        } catch (KafkaException e) {
            return false;
        }
    }

    /** Which transactional batches belong to aborted transactions (by producer id and base offset). */
    @FunctionalInterface
    public interface AbortedBatches {
        AbortedBatches NONE = (producerId, baseOffset) -> false;

        boolean contains(long producerId, long baseOffset);
    }

    /** Told of each batch a reader skipped because its records cannot be read. */
    @FunctionalInterface
    public interface UnreadableBatchListener {
        /** Readers that must not skip anything: the batch's error is thrown instead. */
        UnreadableBatchListener THROW = (baseOffset, lastOffset, reason) -> {
            throw new InvalidBatchException(BatchError.CORRUPT,
                    "record batch at offsets " + baseOffset + ".." + lastOffset + " cannot be read: " + reason);
        };

        void skipped(long baseOffset, long lastOffset, String reason);
    }

    /**
     * The records of every data batch in {@code batches} whose offset is at least
     * {@code fromOffset}. Control batches are skipped; a partial batch at the end (as a read
     * by byte limit may give) is ignored.
     *
     * @throws InvalidBatchException when a batch's records cannot be read
     */
    public static List<LogRecord> decode(ByteBuffer batches, long fromOffset) {
        return decode(batches, fromOffset, AbortedBatches.NONE);
    }

    /** As {@link #decode(ByteBuffer, long)}, leaving out the records of aborted transactions too. */
    public static List<LogRecord> decode(ByteBuffer batches, long fromOffset, AbortedBatches aborted) {
        return decode(batches, fromOffset, aborted, UnreadableBatchListener.THROW);
    }

    /**
     * As {@link #decode(ByteBuffer, long, AbortedBatches)}, but a batch whose records cannot be
     * read is left out whole (none of its records, not the ones before the fault) and reported
     * to {@code unreadable}, and decoding goes on with the next batch.
     */
    public static List<LogRecord> decode(ByteBuffer batches, long fromOffset, AbortedBatches aborted,
            UnreadableBatchListener unreadable) {
        List<LogRecord> records = new ArrayList<>();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.slice()).batches()) {
            if (batch.isControlBatch() || batch.lastOffset() < fromOffset || isAborted(batch, aborted)) {
                continue;
            }
            int before = records.size();
            // streaming, as Kafka's consumer reads: the plain iterator of a compressed batch
            // sizes a list by the header's count before reading anything, and a count that lies
            // would ask for gigabytes
            // the batch's offsets read once: each read decodes the header again, and per record
            // that was a third of a share cursor's decoding (bench/kafka/RESULTS.md, 2026-12-06)
            long baseOffset = batch.baseOffset();
            long lastOffset = batch.lastOffset();
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                long previous = baseOffset - 1;
                while (it.hasNext()) {
                    Record record = it.next();
                    long offset = record.offset();
                    // compaction leaves gaps inside a batch, but offsets only ever rise within it
                    if (offset <= previous || offset > lastOffset) {
                        throw new IllegalStateException("record offset " + offset + " out of order in a batch"
                                + " spanning " + baseOffset + ".." + lastOffset);
                    }
                    previous = offset;
                    if (offset >= fromOffset) {
                        records.add(toLogRecord(record));
                    }
                }
            } catch (KafkaException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
                    | java.nio.BufferUnderflowException | java.util.NoSuchElementException e) {
                records.subList(before, records.size()).clear();
                unreadable.skipped(baseOffset, lastOffset,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        return records;
    }

    /**
     * The first record in {@code batches} at or after {@code fromOffset} whose timestamp is at
     * least {@code timestamp}, or null.
     */
    public static LogRecord firstAtOrAfter(ByteBuffer batches, long fromOffset, long timestamp) {
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.slice()).batches()) {
            if (batch.isControlBatch() || batch.lastOffset() < fromOffset || batch.maxTimestamp() < timestamp) {
                continue;
            }
            for (Record record : batch) {
                if (record.offset() >= fromOffset && record.timestamp() >= timestamp) {
                    return toLogRecord(record);
                }
            }
        }
        return null;
    }

    /** The record with the largest timestamp in the batch starting at position 0 (earliest wins a tie). */
    public static LogRecord maxTimestampRecord(ByteBuffer batch) {
        LogRecord best = null;
        for (MutableRecordBatch b : MemoryRecords.readableRecords(batch.slice()).batches()) {
            for (Record record : b) {
                if (best == null || record.timestamp() > best.timestamp()) {
                    best = toLogRecord(record);
                }
            }
        }
        return best;
    }

    /**
     * One batch holding {@code records} at offsets {@code baseOffset…}, compressed with the named
     * codec ({@link #COMPRESSION_NAMES}). CreateTime timestamps; no producer id.
     */
    public static ByteBuffer build(long baseOffset, String compression, List<RecordData> records) {
        return build(baseOffset, compression, records, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false);
    }

    /** One batch as an idempotent producer writes it: producer id, epoch and first sequence set. */
    public static ByteBuffer buildIdempotent(long producerId, short epoch, int baseSequence, List<RecordData> records) {
        return build(0, "none", records, producerId, epoch, baseSequence, false);
    }

    /** One batch as a transactional producer writes it: an idempotent batch with the transactional flag. */
    public static ByteBuffer buildTransactional(long producerId, short epoch, int baseSequence,
            List<RecordData> records) {
        return build(0, "none", records, producerId, epoch, baseSequence, true);
    }

    /**
     * The control batch that ends a producer's transaction on a partition (Kafka's COMMIT or
     * ABORT marker), as the transaction coordinator writes it.
     */
    public static ByteBuffer buildTransactionMarker(long producerId, short epoch, TxnMarker marker,
            int coordinatorEpoch, long timestamp) {
        ControlRecordType type = marker == TxnMarker.COMMIT ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        return MemoryRecords.withEndTransactionMarker(0, timestamp, 0, producerId, epoch,
                new EndTransactionMarker(type, coordinatorEpoch)).buffer();
    }

    /**
     * Which transaction marker the control batch {@code batch} (starting at position 0) holds;
     * null when it holds another kind of control record or cannot be read.
     */
    public static TxnMarker txnMarkerOf(ByteBuffer batch) {
        try {
            for (MutableRecordBatch b : MemoryRecords.readableRecords(batch.slice()).batches()) {
                if (!b.isControlBatch()) {
                    return null;
                }
                for (Record record : b) {
                    ControlRecordType type = ControlRecordType.parse(record.key());
                    return type == ControlRecordType.COMMIT ? TxnMarker.COMMIT
                            : type == ControlRecordType.ABORT ? TxnMarker.ABORT : null;
                }
            }
        } catch (KafkaException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static ByteBuffer build(long baseOffset, String compression, List<RecordData> records, long producerId,
            short epoch, int baseSequence, boolean transactional) {
        Compression codec = Compression.of(CompressionType.forName(compression)).build();
        int estimate = 128;
        for (RecordData r : records) {
            estimate += 32 + length(r.key()) + length(r.value());
            for (LogRecord.Header h : r.headers()) {
                estimate += 16 + h.key().length() * 3 + length(h.value());
            }
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(estimate), MAGIC_V2, codec,
                TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence,
                transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        long offset = baseOffset;
        for (RecordData r : records) {
            builder.appendWithOffset(offset++, r.timestamp(), r.key(), r.value(), toKafkaHeaders(r.headers()));
        }
        return builder.build().buffer();
    }

    /** Outcome of {@link #retainRecords}: the kept batches and what they span. */
    public record Retained(ByteBuffer batches, int recordsRead, int recordsKept) {
    }

    /**
     * Rewrites {@code batches}, keeping only records {@code keep} accepts, with offsets, batch
     * headers and producer ids unchanged (gaps are allowed, as in Kafka's log cleaner). Records of
     * aborted transactions go too. A batch left empty is dropped unless it carries producer state
     * a later append may need; transaction markers stay.
     */
    public static Retained retainRecords(ByteBuffer batches, Predicate<LogRecord> keep, AbortedBatches aborted,
            long now) {
        MemoryRecords source = MemoryRecords.readableRecords(batches.slice());
        MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(now, Long.MAX_VALUE) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                return new BatchRetentionResult(batch.hasProducerId() ? BatchRetention.RETAIN_EMPTY
                        : BatchRetention.DELETE_EMPTY, false);
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                return batch.isControlBatch() || !isAborted(batch, aborted) && keep.test(toLogRecord(record));
            }
        };
        ByteBuffer out = ByteBuffer.allocate(Math.max(64, batches.remaining()));
        MemoryRecords.FilterResult result = source.filterTo(filter, out, BufferSupplier.NO_CACHING, Integer.MAX_VALUE);
        ByteBuffer kept = result.outputBuffer();
        kept.flip();
        return new Retained(kept, result.messagesRead(), result.messagesRetained());
    }

    private static boolean isAborted(RecordBatch batch, AbortedBatches aborted) {
        return batch.isTransactional() && aborted.contains(batch.producerId(), batch.baseOffset());
    }

    private static LogRecord toLogRecord(Record record) {
        Header[] kafkaHeaders = record.headers();
        List<LogRecord.Header> headers = kafkaHeaders.length == 0 ? List.of() : new ArrayList<>(kafkaHeaders.length);
        for (Header h : kafkaHeaders) {
            headers.add(new LogRecord.Header(h.key(), h.value()));
        }
        return new LogRecord(record.offset(), record.timestamp(),
                record.hasKey() ? record.key().asReadOnlyBuffer() : null,
                record.hasValue() ? record.value().asReadOnlyBuffer() : null,
                headers);
    }

    private static Header[] toKafkaHeaders(List<LogRecord.Header> headers) {
        Header[] result = new Header[headers.size()];
        for (int i = 0; i < result.length; i++) {
            LogRecord.Header h = headers.get(i);
            result[i] = new RecordHeader(h.key(), h.value());
        }
        return result;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
