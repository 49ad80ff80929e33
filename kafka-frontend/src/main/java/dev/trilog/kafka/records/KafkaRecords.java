package dev.trilog.kafka.records;

import dev.trilog.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.MemoryRecords;
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
     * Records that a response writes by handing the slice's file region to the channel
     * ({@code TransferableChannel.transferFrom}), never copying them onto the heap.
     */
    public static BaseRecords zeroCopy(LogSlice slice) {
        return new SliceRecords(List.of(slice));
    }

    /**
     * As {@link #zeroCopy(LogSlice)} for several slices sent one after the other as one
     * partition's records (a share fetch's batches, which may lie apart and in several segments).
     */
    public static BaseRecords zeroCopy(List<LogSlice> slices) {
        return slices.isEmpty() ? empty() : new SliceRecords(List.copyOf(slices));
    }

    private static final class SliceRecords implements TransferableRecords {
        private final List<LogSlice> slices;
        private final int size;

        SliceRecords(List<LogSlice> slices) {
            this.slices = slices;
            this.size = slices.stream().mapToInt(LogSlice::length).sum();
        }

        @Override
        public int sizeInBytes() {
            return size;
        }

        @Override
        public RecordsSend<? extends BaseRecords> toSend() {
            return new DefaultRecordsSend<>(this);
        }

        @Override
        public int writeTo(TransferableChannel channel, int previouslyWritten, int remaining) throws IOException {
            int written = 0;
            int skip = previouslyWritten; // bytes of the slices already sent
            for (LogSlice slice : slices) {
                if (written == remaining) {
                    break;
                }
                if (skip >= slice.length()) {
                    skip -= slice.length();
                    continue;
                }
                int count = Math.min(slice.length() - skip, remaining - written);
                int sent = (int) channel.transferFrom(slice.channel(), (long) slice.position() + skip, count);
                written += sent;
                skip = 0;
                if (sent < count) {
                    break; // the channel takes no more now; the send calls again from here
                }
            }
            return written;
        }
    }
}
