package dev.trilog.kafka.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Lets a kafka-clients {@code Send} (built by {@code RequestContext.buildResponseSend}) write
 * into a Netty pipeline: byte buffers become wrapped {@code ByteBuf}s (no copy: the send's
 * buffers are not reused), and {@link #transferFrom} becomes a {@link SharedFileRegion}, so
 * fetched record bytes go from the segment file to the socket without passing the heap.
 * Everything is queued with {@code write}; the caller flushes once the send is drained.
 */
final class NettyTransferableChannel implements TransferableChannel {

    private final ChannelHandlerContext ctx;
    private long fileRegions;

    NettyTransferableChannel(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** How many file regions this response queued (zero-copy writes); for tests and metrics. */
    long fileRegions() {
        return fileRegions;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
        if (ctx.pipeline().get(SslHandler.class) != null) {
            // TLS encrypts in user space: the bytes must be read into memory, so no sendfile here
            ctx.write(read(fileChannel, position, (int) count), ctx.voidPromise());
            return count;
        }
        ctx.write(new SharedFileRegion(fileChannel, position, count), ctx.voidPromise());
        fileRegions++;
        return count;
    }

    private ByteBuf read(FileChannel file, long position, int count) throws IOException {
        ByteBuf bytes = ctx.alloc().ioBuffer(count);
        try {
            int done = 0;
            while (done < count) {
                int n = bytes.writeBytes(file, position + done, count - done);
                if (n < 0) {
                    throw new java.io.EOFException("segment ended " + (count - done) + " bytes before the fetched range");
                }
                done += n;
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) {
        int size = src.remaining();
        if (size > 0) {
            ctx.write(Unpooled.wrappedBuffer(src.slice()), ctx.voidPromise());
            src.position(src.limit());
        }
        return size;
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isOpen();
    }

    @Override
    public void close() {
        // the connection's life is the pipeline's, not the response's
    }
}
