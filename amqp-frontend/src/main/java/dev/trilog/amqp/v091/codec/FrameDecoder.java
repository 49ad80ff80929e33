package dev.trilog.amqp.v091.codec;

import com.rabbitmq.client.UnknownClassOrMethodId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.util.List;

/**
 * AMQP 0-9-1 frames from bytes, as a named-state machine (Netty's {@code MqttDecoder} is the
 * model). Input it cannot accept becomes one {@link Frame.Invalid}, after which it discards
 * everything; the connection handler answers that with {@code connection.close} and the reply
 * code. Nothing is allocated before a frame's size has been checked against {@code frame_max}.
 *
 * <pre>
 *   READ_HEADER ──7 bytes: type known, size ≤ frame_max−8──▶ READ_PAYLOAD
 *        ▲                                                       │
 *        └──────────── size+1 bytes, frame-end 0xCE ─────────────┘
 *   any check failing ─▶ BAD_FRAME (emits Invalid once, then skips all input)
 * </pre>
 *
 * <table>
 *   <caption>What is invalid, and its reply code</caption>
 *   <tr><td>unknown frame type, size over frame_max, frame-end not 0xCE</td><td>501 FRAME_ERROR</td></tr>
 *   <tr><td>method arguments or content properties cut short, bytes left over, bad field-table tag</td>
 *       <td>502 SYNTAX_ERROR</td></tr>
 *   <tr><td>unknown class or method id, content class other than basic</td><td>503 COMMAND_INVALID</td></tr>
 * </table>
 *
 * Frame order (a header without a method, a body longer than its header said, …) is the
 * connection's to check (505 UNEXPECTED_FRAME), as are channel numbers (504 CHANNEL_ERROR).
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    enum State {
        READ_HEADER, READ_PAYLOAD, BAD_FRAME
    }

    private State state = State.READ_HEADER;
    private int frameMax;
    private int type;
    private int channel;
    private int size;
    private final RabbitWire.Reader reader = new RabbitWire.Reader();

    /** @param frameMax the largest frame accepted, header and frame-end included (0 = no limit but 2^31) */
    public FrameDecoder(int frameMax) {
        setFrameMax(frameMax);
    }

    /** The negotiated frame_max (connection.tune-ok); 0 means no limit beyond Integer.MAX_VALUE. */
    public void setFrameMax(int frameMax) {
        this.frameMax = frameMax <= 0 ? Integer.MAX_VALUE : frameMax;
    }

    State state() {
        return state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case READ_HEADER -> {
                    if (in.readableBytes() < Frame.HEADER_SIZE) {
                        return;
                    }
                    type = in.readUnsignedByte();
                    channel = in.readUnsignedShort();
                    long declared = in.readUnsignedInt();
                    if (type != Frame.TYPE_METHOD && type != Frame.TYPE_HEADER && type != Frame.TYPE_BODY
                            && type != Frame.TYPE_HEARTBEAT) {
                        bad(in, out, ReplyCode.FRAME_ERROR, "unknown frame type " + type);
                        return;
                    }
                    if (declared > (long) frameMax - Frame.HEADER_SIZE - 1) {
                        bad(in, out, ReplyCode.FRAME_ERROR, "frame of type " + type + " on channel " + channel
                                + " is " + (declared + Frame.HEADER_SIZE + 1) + " bytes, over frame_max " + frameMax);
                        return;
                    }
                    size = (int) declared;
                    state = State.READ_PAYLOAD;
                }
                case READ_PAYLOAD -> {
                    if (in.readableBytes() < size + 1) {
                        return;
                    }
                    if (in.getUnsignedByte(in.readerIndex() + size) != Frame.FRAME_END) {
                        bad(in, out, ReplyCode.FRAME_ERROR, "frame-end octet of a type " + type + " frame on channel "
                                + channel + " is 0x" + Integer.toHexString(in.getUnsignedByte(in.readerIndex() + size))
                                + ", not 0xce");
                        return;
                    }
                    Frame frame = payload(in);
                    in.skipBytes(1); // frame-end
                    state = State.READ_HEADER;
                    out.add(frame);
                    if (frame instanceof Frame.Invalid) {
                        state = State.BAD_FRAME;
                        in.skipBytes(in.readableBytes());
                        return;
                    }
                }
                case BAD_FRAME -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** The frame of the {@code size} bytes at the reader index; reads exactly those. */
    private Frame payload(ByteBuf in) {
        switch (type) {
            case Frame.TYPE_BODY:
                return new Frame.BodyFrame(channel, in.readRetainedSlice(size));
            case Frame.TYPE_HEARTBEAT:
                in.skipBytes(size);
                return new Frame.Heartbeat(channel);
            default:
                break;
        }
        ByteBuf payload = in.readSlice(size);
        int classId = size >= 2 ? payload.getUnsignedShort(0) : 0;
        int methodId = size >= 4 && type == Frame.TYPE_METHOD ? payload.getUnsignedShort(2) : 0;
        try {
            Frame frame = type == Frame.TYPE_METHOD
                    ? new Frame.MethodFrame(channel, reader.readMethod(payload))
                    : reader.readHeader(channel, payload);
            if (payload.isReadable()) {
                return new Frame.Invalid(channel, ReplyCode.SYNTAX_ERROR, payload.readableBytes()
                        + " bytes left over after " + describe(frame), classId, methodId);
            }
            return frame;
        } catch (UnknownClassOrMethodId e) {
            return new Frame.Invalid(channel, ReplyCode.COMMAND_INVALID, type == Frame.TYPE_METHOD
                    ? "unknown method " + classId + "." + methodId : "content header of unknown class " + classId,
                    classId, methodId);
        } catch (IOException | RuntimeException e) {
            return new Frame.Invalid(channel, ReplyCode.SYNTAX_ERROR, (type == Frame.TYPE_METHOD
                    ? "cannot decode method " + classId + "." + methodId : "cannot decode content header") + ": "
                    + e, classId, methodId);
        }
    }

    private static String describe(Frame frame) {
        return frame instanceof Frame.MethodFrame m ? m.method().protocolMethodName() : "the content header";
    }

    private void bad(ByteBuf in, List<Object> out, ReplyCode code, String reason) {
        state = State.BAD_FRAME;
        in.skipBytes(in.readableBytes());
        out.add(new Frame.Invalid(channel, code, reason));
    }
}
