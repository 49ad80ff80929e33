package dev.trilog.kafka.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that many
 * bytes. The size is checked before anything is allocated: a negative size or one over
 * {@code socket.request.max.bytes} closes the connection (as Kafka does), with one log line.
 *
 * <p>Frames that arrive whole in one read are passed on as retained slices of the read buffer
 * (no copy). A frame split over several reads is copied, piece by piece, into one buffer
 * allocated at its exact size once its size is known, as Kafka's {@code NetworkReceive} does.
 * A cumulating decoder would instead regrow one buffer as the pieces arrive, copying the frame
 * again on every growth, and large produce requests always arrive in pieces.
 */
public final class KafkaFrameDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaFrameDecoder.class);
    private static final int SIZE_BYTES = 4;

    private final int maxFrameBytes;
    /** The size prefix read so far, when a read ended inside it. */
    private int partialSize;
    private int sizeBytesSeen;
    /** The frame being filled, when a read ended inside it; null between frames. */
    private ByteBuf pending;
    private boolean refused;

    public KafkaFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && !refused) {
                if (pending != null) {
                    fillPending(ctx, in);
                } else {
                    startFrame(ctx, in);
                }
            }
        } finally {
            in.release();
        }
    }

    private void fillPending(ChannelHandlerContext ctx, ByteBuf in) {
        in.readBytes(pending, Math.min(pending.writableBytes(), in.readableBytes()));
        if (!pending.isWritable()) {
            ByteBuf frame = pending;
            pending = null;
            ctx.fireChannelRead(frame);
        }
    }

    private void startFrame(ChannelHandlerContext ctx, ByteBuf in) {
        int size;
        if (sizeBytesSeen == 0 && in.readableBytes() >= SIZE_BYTES) {
            size = in.readInt();
        } else {
            while (sizeBytesSeen < SIZE_BYTES && in.isReadable()) {
                partialSize = partialSize << 8 | in.readUnsignedByte();
                sizeBytesSeen++;
            }
            if (sizeBytesSeen < SIZE_BYTES) {
                return;
            }
            size = partialSize;
            partialSize = 0;
            sizeBytesSeen = 0;
        }
        if (size < 0 || size > maxFrameBytes) {
            log.warn("Closing Kafka connection from {}: request of {} bytes exceeds socket.request.max.bytes {}",
                    ctx.channel().remoteAddress(), size, maxFrameBytes);
            refused = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (in.readableBytes() >= size) {
            ctx.fireChannelRead(in.readRetainedSlice(size));
        } else {
            pending = ctx.alloc().buffer(size, size);
            fillPending(ctx, in);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        ctx.fireChannelInactive();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
