package dev.trilog.kafka.records;

import dev.trilog.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * The Kafka frontend's one door into kafka-clients' non-public record classes
 * ({@code org.apache.kafka.common.record.internal}, moved there in 4.3): produce requests'
 * records as plain buffers, and log slices as records a response can carry zero-copy.
 */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /** The bytes of a produce request's records (a view, not a copy), or null when there are none. */
    public static ByteBuffer bytesOf(BaseRecords records) {
        if (records instanceof MemoryRecords memory) {
            return memory.buffer().duplicate();
        }
        return null;
    }

    /** Batches as request records (for building requests in tools and tests). */
    public static BaseRecords of(ByteBuffer batches) {
        return MemoryRecords.readableRecords(batches);
    }

    /** No records: for error and empty partitions in a fetch response. */
    public static BaseRecords empty() {
        return MemoryRecords.EMPTY;
    }

    /**
     * The batches in {@code batches} (whole batches, as a log read returns them) that hold an
     * offset in {@code [from, to]}, as a view; empty when none does. A share fetch sends only the
     * batches its acquired records are in.
     */
    public static ByteBuffer batchesOverlapping(ByteBuffer batches, long from, long to) {
        int start = -1;
        int end = -1;
        int position = 0;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
            int size = batch.sizeInBytes();
            if (batch.lastOffset() >= from && batch.baseOffset() <= to) {
                start = start < 0 ? position : start;
                end = position + size;
            }
            position += size;
        }
        return start < 0 ? ByteBuffer.allocate(0) : batches.duplicate().position(batches.position() + start)
                .limit(batches.position() + end).slice();
    }

    /** The last offset of the last batch in {@code batches}, or -1 when there is none. */
    public static long lastOffset(ByteBuffer batches) {
        long last = -1;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
            last = batch.lastOffset();
        }
        return last;
    }

    /**
     * Records that a response writes by handing the slice's file region to the channel
     * ({@code TransferableChannel.transferFrom}), never copying them onto the heap.
     */
    public static BaseRecords zeroCopy(LogSlice slice) {
        return new SliceRecords(slice);
    }

    private static final class SliceRecords implements TransferableRecords {
        private final LogSlice slice;

        SliceRecords(LogSlice slice) {
            this.slice = slice;
        }

        @Override
        public int sizeInBytes() {
            return slice.length();
        }

        @Override
        public RecordsSend<? extends BaseRecords> toSend() {
            return new DefaultRecordsSend<>(this);
        }

        @Override
        public int writeTo(TransferableChannel channel, int previouslyWritten, int remaining) throws IOException {
            return (int) channel.transferFrom(slice.channel(), (long) slice.position() + previouslyWritten, remaining);
        }
    }
}
