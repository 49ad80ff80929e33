package dev.trilog.amqp.v091.codec;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One AMQP 0-9-1 frame, decoded ({@link FrameDecoder}) or to be encoded ({@link FrameEncoder}).
 *
 * <pre>
 *   0      1         3             7                  size+7     size+8
 *   +------+---------+-------------+  +-------------+  +-----------+
 *   | type | channel |    size     |  |   payload   |  | frame-end |
 *   +------+---------+-------------+  +-------------+  +-----------+
 *    octet   short      long             size octets      0xCE
 * </pre>
 *
 * Types: 1 method, 2 content header, 3 content body, 8 heartbeat. Methods and content
 * properties are the RabbitMQ Java client's public types ({@code AMQP.Basic.Publish},
 * {@code AMQP.BasicProperties}); only {@link RabbitWire} touches the client's implementation
 * classes. Input the decoder cannot accept becomes an {@link Invalid} frame, which the protocol
 * layer answers with its reply code.
 */
public sealed interface Frame {

    int TYPE_METHOD = 1;
    int TYPE_HEADER = 2;
    int TYPE_BODY = 3;
    int TYPE_HEARTBEAT = 8;
    int FRAME_END = 0xCE;
    /** type, channel, size. */
    int HEADER_SIZE = 7;
    /** The smallest frame_max a peer may ask for (AMQP 0-9-1 frame-min-size). */
    int MIN_FRAME_MAX = 4096;

    int channel();

    /** A method frame. */
    record MethodFrame(int channel, Method method) implements Frame {
        public MethodFrame {
            Objects.requireNonNull(method, "method");
        }
    }

    /** A content header: the class (60, basic), the body's size and its properties. */
    record HeaderFrame(int channel, int classId, long bodySize, AMQP.BasicProperties properties) implements Frame {
    }

    /** A content body frame; the receiver owns (and releases) {@code payload}. */
    record BodyFrame(int channel, ByteBuf payload) implements Frame {
    }

    /** A heartbeat (channel 0 when valid). */
    record Heartbeat(int channel) implements Frame {
    }

    /**
     * Outbound only: a method with content (basic.deliver, basic.get-ok, basic.return) written as
     * one method frame, one header frame and as many body frames as {@code frame_max} needs. The
     * encoder releases {@code body}.
     */
    record Content(int channel, Method method, AMQP.BasicProperties properties, ByteBuf body) implements Frame {
    }

    /**
     * Input that is not a valid frame: what the decoder emits instead of throwing. After one, the
     * decoder discards everything else on the connection.
     *
     * @param code   the reply code the connection closes with
     * @param reason the explanation for {@code connection.close} and the log
     */
    record Invalid(int channel, ReplyCode code, String reason, int classId, int methodId) implements Frame {
        public Invalid(int channel, ReplyCode code, String reason) {
            this(channel, code, reason, 0, 0);
        }
    }
}
