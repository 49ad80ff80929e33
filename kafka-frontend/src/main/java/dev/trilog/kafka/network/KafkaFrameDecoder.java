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
 * (no copy). A frame split over several reads is copied, piece by piece, into one buffer that
 * grows with what has arrived — never reserved at the announced size up front: a peer announcing
 * 100 MiB and sending one byte holds {@value #FIRST_PIECE_BYTES} bytes, not 100 MiB (issue 18).
 * The buffer starts at the whole frame when it is small, and otherwise doubles as bytes arrive
 * (Netty's growth, capped at the frame's size), so a large frame is copied about twice in all,
 * and the memory held stays within twice what the peer has actually sent.
 */
public final class KafkaFrameDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaFrameDecoder.class);
    private static final int SIZE_BYTES = 4;
    /** What a split frame reserves first; most requests fit, larger ones grow as bytes arrive. */
    static final int FIRST_PIECE_BYTES = 64 * 1024;

    private final int maxFrameBytes;
    /** The size prefix read so far, when a read ended inside it. */
    private int partialSize;
    private int sizeBytesSeen;
    /** The frame being filled, when a read ended inside it; null between frames. */
    private ByteBuf pending;
    /** The size of the frame being filled. */
    private int pendingSize;
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
        pending.writeBytes(in, Math.min(pendingSize - pending.writerIndex(), in.readableBytes()));
        if (pending.writerIndex() == pendingSize) {
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
            pendingSize = size;
            pending = ctx.alloc().buffer(Math.min(size, FIRST_PIECE_BYTES), size);
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
