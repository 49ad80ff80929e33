package dev.trilog.amqp.v091.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * AMQP 0-9-1 frames to bytes (see {@link Frame} for the layout). A {@link Frame.Content} becomes
 * its method, header and body frames, the body cut at the negotiated {@code frame_max}.
 */
public final class FrameEncoder extends MessageToByteEncoder<Frame> {

    private int frameMax;

    /** @param frameMax largest frame to send, header and frame-end included (0 = no limit) */
    public FrameEncoder(int frameMax) {
        super(Frame.class);
        setFrameMax(frameMax);
    }

    public void setFrameMax(int frameMax) {
        this.frameMax = frameMax <= 0 ? Integer.MAX_VALUE : frameMax;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws IOException {
        write(frame, out, frameMax);
    }

    /** Writes {@code frame} to {@code out}; releases a body it carries. */
    public static void write(Frame frame, ByteBuf out, int frameMax) throws IOException {
        if (frame instanceof Frame.MethodFrame m) {
            int start = begin(out, Frame.TYPE_METHOD, m.channel());
            RabbitWire.writeMethod(m.method(), out);
            end(out, start);
        } else if (frame instanceof Frame.HeaderFrame h) {
            int start = begin(out, Frame.TYPE_HEADER, h.channel());
            RabbitWire.writeHeader(h.properties(), h.bodySize(), out);
            end(out, start);
        } else if (frame instanceof Frame.BodyFrame b) {
            try {
                int start = begin(out, Frame.TYPE_BODY, b.channel());
                out.writeBytes(b.payload(), b.payload().readerIndex(), b.payload().readableBytes());
                end(out, start);
            } finally {
                b.payload().release();
            }
        } else if (frame instanceof Frame.Heartbeat h) {
            out.writeByte(Frame.TYPE_HEARTBEAT).writeShort(h.channel()).writeInt(0).writeByte(Frame.FRAME_END);
        } else if (frame instanceof Frame.Content c) {
            try {
                writeContent(c, out, frameMax);
            } finally {
                c.body().release();
            }
        } else {
            throw new IllegalArgumentException("an invalid frame is never sent: " + frame);
        }
    }

    private static void writeContent(Frame.Content c, ByteBuf out, int frameMax) throws IOException {
        int start = begin(out, Frame.TYPE_METHOD, c.channel());
        RabbitWire.writeMethod(c.method(), out);
        end(out, start);
        ByteBuf body = c.body();
        start = begin(out, Frame.TYPE_HEADER, c.channel());
        RabbitWire.writeHeader(c.properties(), body.readableBytes(), out);
        end(out, start);
        int chunk = frameMax == Integer.MAX_VALUE ? Integer.MAX_VALUE : frameMax - Frame.HEADER_SIZE - 1;
        int index = body.readerIndex();
        int left = body.readableBytes();
        while (left > 0) {
            int n = Math.min(chunk, left);
            out.writeByte(Frame.TYPE_BODY).writeShort(c.channel()).writeInt(n);
            out.writeBytes(body, index, n);
            out.writeByte(Frame.FRAME_END);
            index += n;
            left -= n;
        }
    }

    /** Type, channel and a size to fill in; returns where the size is. */
    private static int begin(ByteBuf out, int type, int channel) {
        out.writeByte(type).writeShort(channel);
        int sizeAt = out.writerIndex();
        out.writeInt(0);
        return sizeAt;
    }

    private static void end(ByteBuf out, int sizeAt) {
        out.setInt(sizeAt, out.writerIndex() - sizeAt - 4);
        out.writeByte(Frame.FRAME_END);
    }
}
