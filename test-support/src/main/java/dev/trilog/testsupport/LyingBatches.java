package dev.trilog.testsupport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.Crc32C;

/**
 * Record batches whose CRC is right but whose contents contradict their own header: what a
 * broken or hostile producer can send. Each {@link Lie} starts from a batch kafka-clients built,
 * changes the bytes the lie needs and recomputes the CRC, so only a reader that walks the
 * records can tell. Apache Kafka refuses every one.
 *
 * <p>Batch v2 layout (offsets within the batch): baseOffset 0, length 8, partitionLeaderEpoch
 * 12, magic 16, crc 17 (CRC32C of everything from 21 on), attributes 21, lastOffsetDelta 23,
 * baseTimestamp 27, maxTimestamp 35, producerId 43, producerEpoch 51, baseSequence 53,
 * recordCount 57, records 61. A record: length varint, attributes int8, timestampDelta varlong,
 * offsetDelta varint, key length varint, key, value length varint, value, header count varint.
 */
public final class LyingBatches {

    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int MAX_TIMESTAMP = 35;
    public static final int RECORD_COUNT = 57;
    public static final int RECORDS = 61;

    /** The Kafka error each lie is refused with. */
    public enum Refusal { INVALID_RECORD, INVALID_TIMESTAMP }

    /** Ten ways a batch can lie. */
    public enum Lie {
        /** The header counts 5 records (offset range 0..4 too); the batch holds 2. */
        COUNT_TOO_HIGH(Refusal.INVALID_RECORD),
        /** The header counts 1 record; the batch holds 3. */
        COUNT_TOO_LOW(Refusal.INVALID_RECORD),
        /** The header counts 2^31 − 1 records, which would move the log end by as much. */
        COUNT_HUGE(Refusal.INVALID_RECORD),
        /** The first record's length varint claims 40 bytes more than it spans. */
        RECORD_LENGTH_TOO_LONG(Refusal.INVALID_RECORD),
        /** The first record's length varint claims 3 bytes fewer than it spans. */
        RECORD_LENGTH_TOO_SHORT(Refusal.INVALID_RECORD),
        /** The first record's offset delta is a varint that never ends (five continuation bytes). */
        BAD_VARINT(Refusal.INVALID_RECORD),
        /** Offset deltas 0, 2, 1 where they must run 0, 1, 2. */
        OFFSET_DELTAS_OUT_OF_ORDER(Refusal.INVALID_RECORD),
        /** The attributes say gzip; the records are not compressed at all. */
        WRONG_COMPRESSION(Refusal.INVALID_RECORD),
        /** A real gzip batch of 3 records whose header counts 2. */
        COMPRESSED_COUNT_MISMATCH(Refusal.INVALID_RECORD),
        /**
         * The header's timestamps are now, but the second record's timestamp delta puts it ten
         * years ahead: only a walk of the records finds it.
         */
        TIMESTAMP_OUT_OF_RANGE(Refusal.INVALID_TIMESTAMP);

        private final Refusal refusal;

        Lie(Refusal refusal) {
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }

        /** The lying batch, its records stamped {@code now}. */
        public ByteBuffer batch(long now) {
            return switch (this) {
                case COUNT_TOO_HIGH -> withCount(uncompressed(2, now), 5);
                case COUNT_TOO_LOW -> withCount(uncompressed(3, now), 1);
                case COUNT_HUGE -> withCount(uncompressed(2, now), Integer.MAX_VALUE);
                case RECORD_LENGTH_TOO_LONG -> withFirstRecordLength(uncompressed(2, now), +40);
                case RECORD_LENGTH_TOO_SHORT -> withFirstRecordLength(uncompressed(2, now), -3);
                case BAD_VARINT -> withEndlessOffsetDelta(uncompressed(2, now));
                case OFFSET_DELTAS_OUT_OF_ORDER -> withSwappedDeltas(uncompressed(3, now));
                case WRONG_COMPRESSION -> withCodecBits(uncompressed(2, now), CompressionType.GZIP.id);
                case COMPRESSED_COUNT_MISMATCH -> withCount(LyingBatches.batch(3, now, CompressionType.GZIP), 2);
                case TIMESTAMP_OUT_OF_RANGE -> withSecondRecordTenYearsAhead(uncompressed(2, now));
            };
        }
    }

    private LyingBatches() {
    }

    /** An honest uncompressed batch of {@code count} records "key-i" → "value-i" at {@code now}. */
    public static ByteBuffer uncompressed(int count, long now) {
        return batch(count, now, CompressionType.NONE);
    }

    /** An honest batch in the given codec. */
    public static ByteBuffer batch(int count, long now, CompressionType codec) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + 64 * count),
                RecordBatch.MAGIC_VALUE_V2, Compression.of(codec).build(), TimestampType.CREATE_TIME, 0L, now);
        for (int i = 0; i < count; i++) {
            builder.appendWithOffset(i, now, bytes("key-" + i), bytes("value-" + i));
        }
        return builder.build().buffer();
    }

    /** An honest uncompressed batch whose records carry headers (one with a null value), and one a null key. */
    public static ByteBuffer withHeaders(int count, long now) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + 128 * count),
                RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, 0L, now);
        for (int i = 0; i < count; i++) {
            org.apache.kafka.common.header.Header[] headers = {
                new org.apache.kafka.common.header.internals.RecordHeader("h" + i, bytes("header-" + i)),
                new org.apache.kafka.common.header.internals.RecordHeader("empty", null)};
            builder.appendWithOffset(i, now + i, i == 1 ? null : bytes("key-" + i), bytes("value-" + i), headers);
        }
        return builder.build().buffer();
    }

    /** An honest batch of {@code count} records with {@code valueBytes}-byte values (pseudo-random, so codecs work). */
    public static ByteBuffer batch(int count, int valueBytes, long now, CompressionType codec) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + (64 + valueBytes) * count),
                RecordBatch.MAGIC_VALUE_V2, Compression.of(codec).build(), TimestampType.CREATE_TIME, 0L, now);
        java.util.Random random = new java.util.Random(count * 31L + valueBytes);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueBytes];
            for (int b = 0; b < valueBytes; b++) {
                value[b] = (byte) ('a' + random.nextInt(16)); // text-like: compressible, not trivially
            }
            builder.appendWithOffset(i, now, bytes("key-" + i), value);
        }
        return builder.build().buffer();
    }

    /** Recomputes the CRC after bytes from the attributes on were changed. */
    public static ByteBuffer withFreshCrc(ByteBuffer batch) {
        int size = batch.limit();
        long crc = Crc32C.compute(batch, ATTRIBUTES, size - ATTRIBUTES);
        batch.putInt(17, (int) crc);
        return batch;
    }

    /** Sets the record count and the offset range to {@code count}, so the header agrees with itself. */
    static ByteBuffer withCount(ByteBuffer batch, int count) {
        batch.putInt(RECORD_COUNT, count);
        batch.putInt(LAST_OFFSET_DELTA, count - 1);
        return withFreshCrc(batch);
    }

    private static ByteBuffer withFirstRecordLength(ByteBuffer batch, int change) {
        int length = readVarint(batch, RECORDS);
        int changed = length + change;
        if (varintSize(changed) != varintSize(length)) {
            throw new IllegalStateException("the lie must keep the varint's width");
        }
        writeVarint(batch, RECORDS, changed);
        return withFreshCrc(batch);
    }

    private static ByteBuffer withEndlessOffsetDelta(ByteBuffer batch) {
        int delta = offsetDeltaPosition(batch, RECORDS);
        for (int i = 0; i < 5; i++) {
            batch.put(delta + i, (byte) 0xff); // over the key length and key: still inside the record
        }
        return withFreshCrc(batch);
    }

    private static ByteBuffer withSwappedDeltas(ByteBuffer batch) {
        int second = RECORDS + recordSize(batch, RECORDS);
        int third = second + recordSize(batch, second);
        batch.put(offsetDeltaPosition(batch, second), (byte) (2 << 1)); // zigzag varints, one byte each
        batch.put(offsetDeltaPosition(batch, third), (byte) (1 << 1));
        return withFreshCrc(batch);
    }

    private static ByteBuffer withCodecBits(ByteBuffer batch, int codecId) {
        short attributes = batch.getShort(ATTRIBUTES);
        batch.putShort(ATTRIBUTES, (short) ((attributes & ~0x07) | codecId));
        return withFreshCrc(batch);
    }

    private static ByteBuffer withSecondRecordTenYearsAhead(ByteBuffer batch) {
        int second = RECORDS + recordSize(batch, RECORDS);
        int timestampDelta = second + varintSize(readVarint(batch, second)) + 1;
        if (batch.get(timestampDelta) != 0) {
            throw new IllegalStateException("expected a zero timestamp delta");
        }
        // replace the one-byte varlong 0 with a 6-byte one: ten years in ms; the record grows by 5 bytes
        long tenYears = 10L * 365 * 24 * 3600 * 1000;
        byte[] delta = varlong(tenYears);
        ByteBuffer out = ByteBuffer.allocate(batch.limit() + delta.length - 1);
        out.put(batch.duplicate().limit(timestampDelta));
        out.put(delta);
        out.put(batch.duplicate().position(timestampDelta + 1));
        out.flip();
        out.putInt(8, out.limit() - 12);
        int length = readVarint(out, second);
        if (varintSize(length + delta.length - 1) != varintSize(length)) {
            throw new IllegalStateException("the record's length must keep its varint width");
        }
        writeVarint(out, second, length + delta.length - 1);
        return withFreshCrc(out);
    }

    /** Size in bytes of the record at {@code position}, its length varint included. */
    private static int recordSize(ByteBuffer batch, int position) {
        int length = readVarint(batch, position);
        return varintSize(length) + length;
    }

    private static int offsetDeltaPosition(ByteBuffer batch, int record) {
        int attributes = record + varintSize(readVarint(batch, record));
        int timestampDelta = attributes + 1;
        int p = timestampDelta;
        while ((batch.get(p) & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }

    static int readVarint(ByteBuffer buffer, int position) {
        int value = 0;
        int shift = 0;
        int p = position;
        byte b;
        do {
            b = buffer.get(p++);
            value |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (value >>> 1) ^ -(value & 1);
    }

    private static void writeVarint(ByteBuffer buffer, int position, int value) {
        int v = (value << 1) ^ (value >> 31);
        int p = position;
        while ((v & ~0x7f) != 0) {
            buffer.put(p++, (byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buffer.put(p, (byte) v);
    }

    private static int varintSize(int value) {
        int v = (value << 1) ^ (value >> 31);
        int size = 1;
        while ((v & ~0x7f) != 0) {
            size++;
            v >>>= 7;
        }
        return size;
    }

    private static byte[] varlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        byte[] out = new byte[10];
        int n = 0;
        while ((v & ~0x7fL) != 0) {
            out[n++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[n++] = (byte) v;
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
