package dev.trilog.kafka.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frames come out whole and in order however the stream is cut into reads. */
class KafkaFrameDecoderTest {

    private static byte[] frameBody(Random random, int size) {
        byte[] body = new byte[size];
        random.nextBytes(body);
        return body;
    }

    private static List<byte[]> decodeAll(EmbeddedChannel channel) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        return frames;
    }

    @Test
    void framesSurviveEveryWayOfCuttingTheStream() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            List<byte[]> sent = new ArrayList<>();
            ByteBuf stream = Unpooled.buffer();
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                byte[] body = frameBody(random, random.nextInt(4) == 0 ? 0 : random.nextInt(3000));
                sent.add(body);
                stream.writeInt(body.length).writeBytes(body);
            }
            EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(1 << 20));
            List<byte[]> received = new ArrayList<>();
            while (stream.isReadable()) {
                // reads of 1 byte (cutting the size prefix) up to several frames at once
                int piece = Math.min(stream.readableBytes(), random.nextBoolean() ? 1 + random.nextInt(5)
                        : 1 + random.nextInt(5000));
                channel.writeInbound(stream.readRetainedSlice(piece));
                received.addAll(decodeAll(channel));
            }
            stream.release();

            assertThat(received).as("seed %d", seed).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(received.get(i)).as("seed %d frame %d", seed, i).isEqualTo(sent.get(i));
            }
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void anOversizedSizeArrivingInPiecesClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(1000));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x10, 0, 1, 2, 3}));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void aNegativeSizeClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(1000));

        channel.writeInbound(Unpooled.buffer().writeInt(-5).writeBytes(new byte[8]));

        assertThat(channel.isOpen()).isFalse();
    }

    /** Memory follows what the peer sent, not what it announced (issue 18: 60 such peers pinned 6.3 GB). */
    @Test
    void aHugeAnnouncedFrameReservesOnlyWhatArrivesAndStillComesOutWhole() {
        int announced = 100 << 20;
        List<ByteBuf> allocated = new ArrayList<>();
        EmbeddedChannel channel = recording(new KafkaFrameDecoder(announced), allocated);
        channel.writeInbound(Unpooled.buffer().writeInt(announced).writeByte(7));
        assertThat(allocated).singleElement()
                .satisfies(frame -> assertThat(frame.capacity()).isEqualTo(KafkaFrameDecoder.FIRST_PIECE_BYTES));
        ByteBuf filling = allocated.get(0);

        byte[] body = frameBody(new Random(42), announced);
        body[0] = 7;
        int sent = 1;
        while (sent < announced) {
            int piece = Math.min(1 << 20, announced - sent);
            channel.writeInbound(Unpooled.wrappedBuffer(body, sent, piece));
            sent += piece;
            assertThat(filling.capacity()).as("held after %d bytes", sent).isLessThanOrEqualTo(2 * sent);
        }
        List<byte[]> frames = decodeAll(channel);
        assertThat(frames).hasSize(1);
        assertThat(java.util.Arrays.equals(frames.get(0), body)).isTrue();
    }

    /** A channel whose allocator records every buffer it hands out (heap buffers, to inspect). */
    private static EmbeddedChannel recording(KafkaFrameDecoder decoder, List<ByteBuf> allocated) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(new io.netty.buffer.AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf buffer = Unpooled.buffer(initialCapacity, maxCapacity);
                allocated.add(buffer);
                return buffer;
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        });
        return channel;
    }

    @Test
    void aHalfReceivedFrameIsReleasedWhenTheConnectionDrops() {
        List<ByteBuf> allocated = new ArrayList<>();
        EmbeddedChannel channel = recording(new KafkaFrameDecoder(1 << 20), allocated);
        channel.writeInbound(Unpooled.buffer().writeInt(10_000).writeBytes(new byte[100]));
        assertThat(allocated).singleElement().satisfies(frame -> assertThat(frame.capacity()).isEqualTo(10_000));

        channel.close();

        assertThat(allocated.get(0).refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
    }
}
