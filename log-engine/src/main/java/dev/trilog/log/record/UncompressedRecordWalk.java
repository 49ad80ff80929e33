package dev.trilog.log.record;

import java.nio.ByteBuffer;

/**
 * Reads the records of an uncompressed v2 batch in place, allocating nothing, for
 * {@link BatchValidator}: the produce path's hot loop. Kafka's own record iterator builds an
 * object, key and value slices and a header array per record; a validation that only needs
 * lengths, deltas and timestamps need not, and on 1 KiB records that allocation was most of
 * the walk's cost.
 *
 * <p>A record (KIP-98): {@code length varint | attributes int8 | timestampDelta varlong |
 * offsetDelta varint | keyLength varint | key | valueLength varint | value | headerCount varint
 * | headers}, a header being {@code keyLength varint | key | valueLength varint | value}.
 * Varints are zig-zag encoded, at most 5 bytes (10 for a varlong). A negative key or value
 * length means null; a negative header count or header key length is invalid. It accepts
 * exactly what Kafka's {@code DefaultRecord.readFrom} accepts, plus offset deltas that run 0, 1,
 * 2, …; {@code BatchValidationPropertiesTest} holds it to Kafka's parsing.
 */
final class UncompressedRecordWalk {

    /** What the walk found, reused by the caller; fields valid after {@link #next}. */
    long timestamp;
    boolean hasKey;

    private final ByteBuffer buffer;
    private final int end;
    private final long baseTimestamp;
    private int position;
    private int index;

    /**
     * @param buffer the batch's bytes; {@code start} is where its first record begins
     *               ({@link BatchHeader#SIZE} past the batch's start), {@code end} where the batch ends
     */
    UncompressedRecordWalk(ByteBuffer buffer, int start, int end, long baseTimestamp) {
        this.buffer = buffer;
        this.position = start;
        this.end = end;
        this.baseTimestamp = baseTimestamp;
    }

    /** Reads the next record; throws {@link InvalidBatchException} when it does not parse. */
    void next() {
        int length = readVarint();
        if (length < 0 || length > end - position) {
            throw invalid("record " + index + " claims " + length + " bytes; " + (end - position) + " are left");
        }
        int recordEnd = position + length;
        need(1);
        position++; // attributes: unused in v2
        timestamp = baseTimestamp + readVarlong();
        int offsetDelta = readVarint();
        if (offsetDelta != index) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD, "record " + index + " has offset delta "
                    + offsetDelta + "; deltas must run 0, 1, 2, …", java.util.List.of(index));
        }
        int keyLength = readVarint();
        hasKey = keyLength >= 0;
        skip(keyLength);
        skip(readVarint()); // the value
        int headers = readVarint();
        if (headers < 0) {
            throw invalid("record " + index + " has a negative header count " + headers);
        }
        for (int h = 0; h < headers; h++) {
            int headerKeyLength = readVarint();
            if (headerKeyLength < 0) {
                throw invalid("record " + index + " has a header with a negative key length");
            }
            skip(headerKeyLength);
            skip(readVarint());
        }
        if (position != recordEnd) {
            throw invalid("record " + index + " claims " + length + " bytes but its fields span "
                    + (position - (recordEnd - length)));
        }
        index++;
    }

    /** True when every byte of the batch was read. */
    boolean atEnd() {
        return position == end;
    }

    private void skip(int length) {
        if (length > 0) {
            need(length);
            position += length;
        }
    }

    private void need(int bytes) {
        if (bytes > end - position) {
            throw invalid("record " + index + " runs past the end of its batch");
        }
    }

    private int readVarint() {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            need(1);
            byte b = buffer.get(position++);
            raw |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw invalid("record " + index + " has a varint longer than 5 bytes");
    }

    private long readVarlong() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            need(1);
            byte b = buffer.get(position++);
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw invalid("record " + index + " has a varlong longer than 10 bytes");
    }

    private InvalidBatchException invalid(String message) {
        return new InvalidBatchException(BatchError.INVALID_RECORD, message);
    }
}
