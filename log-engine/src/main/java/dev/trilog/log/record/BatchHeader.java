package dev.trilog.log.record;

/**
 * The fixed 61-byte header of a Kafka RecordBatch v2, decoded. Field offsets follow the
 * Kafka protocol guide ("Record Batch"):
 *
 * <pre>
 *  0 baseOffset int64      8 batchLength int32    12 partitionLeaderEpoch int32
 * 16 magic int8           17 crc uint32           21 attributes int16
 * 23 lastOffsetDelta int32 27 baseTimestamp int64  35 maxTimestamp int64
 * 43 producerId int64     51 producerEpoch int16  53 baseSequence int32
 * 57 recordCount int32    61 records…
 * </pre>
 *
 * @param sizeInBytes the whole batch, including the 12 bytes of offset and length
 */
public record BatchHeader(
        long baseOffset,
        int sizeInBytes,
        byte magic,
        short attributes,
        int lastOffsetDelta,
        long baseTimestamp,
        long maxTimestamp,
        long producerId,
        short producerEpoch,
        int baseSequence,
        int recordCount) {

    public static final int SIZE = 61;
    /** Offset (8) and length (4): the part of a batch its batchLength field does not count. */
    public static final int LOG_OVERHEAD = 12;

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    public int compressionId() {
        return attributes & 0x07;
    }

    public boolean logAppendTime() {
        return (attributes & 0x08) != 0;
    }

    public boolean transactional() {
        return (attributes & 0x10) != 0;
    }

    public boolean control() {
        return (attributes & 0x20) != 0;
    }

    public boolean hasProducerId() {
        return producerId >= 0;
    }
}
