package dev.trilog.log;

import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A run of whole batches (the last one possibly cut short by the byte limit, as in Kafka) in
 * one segment file, for a frontend to send with {@code sendfile} or to copy.
 *
 * <p>The slice holds a reference on its segment so retention or compaction cannot close the
 * file under it: {@link #close()} it once the bytes are on their way. An empty slice holds
 * nothing. {@link #channel()} is the segment's shared channel: use positional reads on it, never
 * close it; a transport that closes what it is given (Netty's {@code DefaultFileRegion}) must
 * open its own channel on {@link #file()}.
 */
public final class LogSlice implements AutoCloseable {

    private static final LogSlice EMPTY = new LogSlice(null, 0, 0, -1);

    private final Segment segment;
    private final int position;
    private final int length;
    private final long firstBatchOffset;
    private final long nextOffset;
    private boolean closed;

    LogSlice(Segment segment, int position, int length, long firstBatchOffset) {
        this(segment, position, length, firstBatchOffset, -1);
    }

    LogSlice(Segment segment, int position, int length, long firstBatchOffset, long nextOffset) {
        this.segment = segment;
        this.position = position;
        this.length = length;
        this.firstBatchOffset = firstBatchOffset;
        this.nextOffset = nextOffset;
    }

    static LogSlice empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    public FileChannel channel() {
        return segment.channel();
    }

    public Path file() {
        return segment.logFile();
    }

    public int position() {
        return position;
    }

    public int length() {
        return length;
    }

    /** Base offset of the first batch in the slice, which may be before the offset asked for; -1 if empty. */
    public long firstBatchOffset() {
        return firstBatchOffset;
    }

    /**
     * Where reading on after this slice starts: the offset after its last batch, for a slice of
     * whole batches ({@link PartitionLog#readBatches}); -1 for one that may end inside a batch.
     */
    public long nextOffset() {
        return nextOffset;
    }

    /** The bytes of the slice, copied to the heap (the path for TLS and for decoding records). */
    public ByteBuffer readBytes() throws IOException {
        return isEmpty() ? ByteBuffer.allocate(0) : segment.read(position, length);
    }

    @Override
    public synchronized void close() {
        if (segment != null && !closed) {
            closed = true;
            segment.release();
        }
    }
}
