package dev.trilog.amqp.v091.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round trips through {@link FrameEncoder} and {@link FrameDecoder} in an {@link EmbeddedChannel},
 * and one flipped byte per malformed case, each becoming one {@link Frame.Invalid} with its
 * reply code.
 */
class FrameCodecTest {

    static final int FRAME_MAX = 4096;

    static byte[] encode(Frame... frames) {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(FRAME_MAX));
        for (Frame f : frames) {
            out.writeOutbound(f);
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = out.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    static List<Frame> decode(byte[] bytes, int chunk) {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(FRAME_MAX));
        for (int i = 0; i < bytes.length; i += chunk) {
            in.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = in.readInbound()) != null) {
            frames.add(f);
        }
        return frames;
    }

    static AMQP.Queue.Declare declare() {
        return new AMQP.Queue.Declare.Builder().queue("orders").durable(true)
                .arguments(Map.of("x-message-ttl", 60_000, "x-dead-letter-exchange", "dlx")).build();
    }

    @Test
    void methodFramesRoundTrip() {
        byte[] bytes = encode(new Frame.MethodFrame(3, declare()));
        List<Frame> frames = decode(bytes, bytes.length);
        assertThat(frames).hasSize(1);
        Frame.MethodFrame m = (Frame.MethodFrame) frames.get(0);
        assertThat(m.channel()).isEqualTo(3);
        AMQP.Queue.Declare d = (AMQP.Queue.Declare) m.method();
        assertThat(d.getQueue()).isEqualTo("orders");
        assertThat(d.getDurable()).isTrue();
        assertThat(d.getArguments()).containsEntry("x-message-ttl", 60_000);
        assertThat(d.getArguments().get("x-dead-letter-exchange").toString()).isEqualTo("dlx");
    }

    @Test
    void framesSplitAcrossReadsStillDecode() {
        byte[] bytes = encode(new Frame.MethodFrame(1, declare()), new Frame.Heartbeat(0),
                new Frame.MethodFrame(2, new AMQP.Basic.Ack.Builder().deliveryTag(9).multiple(true).build()));
        for (int chunk : new int[] {1, 3, 7, 64}) {
            List<Frame> frames = decode(bytes, chunk);
            assertThat(frames).hasSize(3);
            assertThat(frames.get(1)).isEqualTo(new Frame.Heartbeat(0));
            assertThat(((AMQP.Basic.Ack) ((Frame.MethodFrame) frames.get(2)).method()).getDeliveryTag()).isEqualTo(9);
        }
    }

    @Test
    void contentIsCutIntoBodyFramesAtFrameMaxAndReassemblesByHeader() {
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/octet-stream")
                .deliveryMode(2).priority(5).timestamp(new Date(1_700_000_000_000L))
                .headers(Map.of("h", "v", "n", 42L)).build();
        byte[] bytes = encode(new Frame.Content(1, new AMQP.Basic.Deliver.Builder().consumerTag("c").deliveryTag(1)
                .exchange("x").routingKey("k").build(), props, Unpooled.wrappedBuffer(body)));
        List<Frame> frames = decode(bytes, 1000);
        assertThat(frames).hasSize(2 + 3); // method, header, 3 bodies of at most 4088 bytes
        Frame.HeaderFrame header = (Frame.HeaderFrame) frames.get(1);
        assertThat(header.classId()).isEqualTo(60);
        assertThat(header.bodySize()).isEqualTo(10_000);
        assertThat(header.properties().getContentType()).isEqualTo("application/octet-stream");
        assertThat(header.properties().getPriority()).isEqualTo(5);
        assertThat(header.properties().getHeaders()).containsEntry("n", 42L);
        ByteBuf joined = Unpooled.buffer();
        for (Frame f : frames.subList(2, 5)) {
            ByteBuf payload = ((Frame.BodyFrame) f).payload();
            assertThat(payload.readableBytes()).isLessThanOrEqualTo(FRAME_MAX - 8);
            joined.writeBytes(payload);
            payload.release();
        }
        assertThat(ByteBufUtil.getBytes(joined)).isEqualTo(body);
    }

    /**
     * The decoder reads every frame through one reused stream and the encoder writes through one
     * per thread: nothing of a frame (bits packed so far, properties, bytes left) may reach the next.
     */
    @Test
    void framesInARowShareNoStateThroughTheReusedStreams() {
        AMQP.BasicProperties full = new AMQP.BasicProperties.Builder().contentType("text/plain").deliveryMode(2)
                .headers(Map.of("h", "v")).messageId("m-1").build();
        AMQP.BasicProperties bare = new AMQP.BasicProperties.Builder().build();
        List<Frame> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(new Frame.MethodFrame(1, new AMQP.Basic.Publish.Builder().exchange("x").routingKey("k" + i)
                    .mandatory(i % 2 == 1).build()));
            sent.add(new Frame.HeaderFrame(1, 60, i, i % 2 == 1 ? full : bare));
            sent.add(new Frame.MethodFrame(1, new AMQP.Basic.Ack.Builder().deliveryTag(i).multiple(i == 2).build()));
        }
        byte[] bytes = encode(sent.toArray(Frame[]::new));
        List<Frame> got = decode(bytes, 5);
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < 3; i++) {
            AMQP.Basic.Publish p = (AMQP.Basic.Publish) ((Frame.MethodFrame) got.get(3 * i)).method();
            assertThat(p.getRoutingKey()).isEqualTo("k" + (i + 1));
            assertThat(p.getMandatory()).isEqualTo(i % 2 == 0);
            Frame.HeaderFrame h = (Frame.HeaderFrame) got.get(3 * i + 1);
            assertThat(h.bodySize()).isEqualTo(i + 1);
            assertThat(h.properties().getMessageId()).isEqualTo(i % 2 == 0 ? "m-1" : null);
            assertThat(h.properties().getHeaders() == null ? Map.of() : h.properties().getHeaders())
                    .hasSize(i % 2 == 0 ? 1 : 0);
            AMQP.Basic.Ack a = (AMQP.Basic.Ack) ((Frame.MethodFrame) got.get(3 * i + 2)).method();
            assertThat(a.getDeliveryTag()).isEqualTo(i + 1);
            assertThat(a.getMultiple()).isEqualTo(i == 1);
        }
    }

    @Test
    void anEmptyBodyIsJustMethodAndHeader() {
        byte[] bytes = encode(new Frame.Content(1, new AMQP.Basic.GetOk.Builder().deliveryTag(1).exchange("")
                .routingKey("q").messageCount(0).build(), new AMQP.BasicProperties(), Unpooled.EMPTY_BUFFER));
        assertThat(decode(bytes, bytes.length)).hasSize(2);
    }

    // ---------------------------------------------------------------- one flipped byte each

    static Frame.Invalid flipped(int index, int value) {
        byte[] bytes = encode(new Frame.MethodFrame(1, declare()));
        bytes[index] = (byte) value;
        List<Frame> frames = decode(bytes, bytes.length);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0)).isInstanceOf(Frame.Invalid.class);
        return (Frame.Invalid) frames.get(0);
    }

    @Test
    void unknownFrameTypeIsFrameError() {
        assertThat(flipped(0, 4).code()).isEqualTo(ReplyCode.FRAME_ERROR);
    }

    @Test
    void sizeOverFrameMaxIsFrameErrorBeforeAnyPayloadArrives() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(FRAME_MAX));
        // only the 7-byte header of a frame claiming 4089 bytes: refused without waiting for them
        in.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 1, 0, 0, 0x0f, (byte) 0xf9}));
        Frame.Invalid invalid = in.readInbound();
        assertThat(invalid.code()).isEqualTo(ReplyCode.FRAME_ERROR);
        assertThat(invalid.reason()).contains("over frame_max 4096");
        assertThat(flipped(3, 0x01).code()).isEqualTo(ReplyCode.FRAME_ERROR);
    }

    @Test
    void frameEndThatIsNotCeIsFrameError() {
        byte[] bytes = encode(new Frame.MethodFrame(1, declare()));
        assertThat(flipped(bytes.length - 1, 0xCD).code()).isEqualTo(ReplyCode.FRAME_ERROR);
    }

    @Test
    void unknownClassOrMethodIsCommandInvalid() {
        Frame.Invalid method = flipped(10, 99);
        assertThat(method.code()).isEqualTo(ReplyCode.COMMAND_INVALID);
        assertThat(method.classId()).isEqualTo(50);
        assertThat(method.methodId()).isEqualTo(99);
        assertThat(flipped(8, 77).code()).isEqualTo(ReplyCode.COMMAND_INVALID);
    }

    @Test
    void argumentsRunningPastTheFrameAreSyntaxError() {
        assertThat(flipped(13, 200).code()).isEqualTo(ReplyCode.SYNTAX_ERROR); // queue name length
    }

    @Test
    void bytesLeftOverAfterTheArgumentsAreSyntaxError() {
        assertThat(flipped(13, 1).code()).isEqualTo(ReplyCode.SYNTAX_ERROR); // "orders" read as "o"
    }

    @Test
    void aBadFieldTableTagIsSyntaxError() {
        byte[] bytes = encode(new Frame.MethodFrame(1, new AMQP.Queue.Declare.Builder().queue("q")
                .arguments(Map.of("a", 1)).build()));
        // table: length(4) name-length(1) 'a' tag 'I' value(4) … the tag sits 6 bytes before the value's end
        int tag = bytes.length - 1 - 4 - 1;
        assertThat(bytes[tag]).isEqualTo((byte) 'I');
        assertThat(flipped(bytes, tag, 'Z').code()).isEqualTo(ReplyCode.SYNTAX_ERROR);
    }

    static Frame.Invalid flipped(byte[] original, int index, int value) {
        byte[] bytes = original.clone();
        bytes[index] = (byte) value;
        return (Frame.Invalid) decode(bytes, bytes.length).get(0);
    }

    @Test
    void afterAnInvalidFrameEverythingIsDiscarded() {
        byte[] bad = encode(new Frame.MethodFrame(1, declare()));
        bad[bad.length - 1] = 0;
        byte[] good = encode(new Frame.MethodFrame(1, declare()));
        byte[] both = new byte[bad.length + good.length];
        System.arraycopy(bad, 0, both, 0, bad.length);
        System.arraycopy(good, 0, both, bad.length, good.length);
        List<Frame> frames = decode(both, both.length);
        assertThat(frames).hasSize(1).first().isInstanceOf(Frame.Invalid.class);
    }

    @Test
    void randomBytesNeverEscapeAsExceptionsAndStopAtTheFirstInvalidFrame() {
        java.util.Random random = new java.util.Random(20260101);
        byte[] valid = encode(new Frame.MethodFrame(1, declare()),
                new Frame.Content(1, new AMQP.Basic.Deliver.Builder().consumerTag("c").deliveryTag(1).exchange("x")
                        .routingKey("k").build(), new AMQP.BasicProperties.Builder().headers(Map.of("h", 1)).build(),
                        Unpooled.wrappedBuffer(new byte[300])));
        for (int run = 0; run < 2000; run++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            List<Frame> frames = decode(bytes, 1 + random.nextInt(64));
            long invalid = frames.stream().filter(f -> f instanceof Frame.Invalid).count();
            assertThat(invalid).isLessThanOrEqualTo(1);
            if (invalid == 1) {
                assertThat(frames.get(frames.size() - 1)).isInstanceOf(Frame.Invalid.class);
            }
            frames.forEach(f -> {
                if (f instanceof Frame.BodyFrame b) {
                    b.payload().release();
                }
            });
        }
    }

    @Test
    void theDecoderHonoursANegotiatedFrameMax() {
        FrameDecoder decoder = new FrameDecoder(131_072);
        EmbeddedChannel in = new EmbeddedChannel(decoder);
        byte[] body = new byte[5000];
        ByteBuf frame = Unpooled.buffer().writeByte(3).writeShort(1).writeInt(body.length).writeBytes(body)
                .writeByte(0xCE);
        in.writeInbound(frame.copy());
        Frame.BodyFrame ok = in.readInbound();
        assertThat(ok.payload().readableBytes()).isEqualTo(5000);
        ok.payload().release();
        decoder.setFrameMax(4096);
        in.writeInbound(frame);
        assertThat(((Frame.Invalid) in.readInbound()).code()).isEqualTo(ReplyCode.FRAME_ERROR);
    }

    @Test
    void replyTextsLookLikeRabbitMqs() {
        assertThat(ReplyCode.NOT_FOUND.text("no queue 'q' in vhost '/'"))
                .isEqualTo("NOT_FOUND - no queue 'q' in vhost '/'");
        assertThat(ReplyCode.CHANNEL_ERROR.hard()).isTrue();
        assertThat(ReplyCode.PRECONDITION_FAILED.hard()).isFalse();
    }
}
