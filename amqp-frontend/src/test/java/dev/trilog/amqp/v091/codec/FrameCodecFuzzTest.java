package dev.trilog.amqp.v091.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.testsupport.PeerReads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the AMQP 0-9-1 frame codec ({@link FrameDecoder}, then {@link FrameEncoder} on
 * what it decoded). Whatever the bytes, in one read or one byte per read:
 * <ul>
 *   <li>the decoder throws nothing: input it cannot accept is one {@link Frame.Invalid}, the last
 *       frame it emits;</li>
 *   <li>the frames do not depend on how the bytes were cut into reads;</li>
 *   <li>every frame decoded writes back (properties and arguments a client sent are sent on to
 *       consumers), and what it writes decodes to a frame that writes the same bytes again;</li>
 *   <li>every byte read is released.</li>
 * </ul>
 */
class FrameCodecFuzzTest {

    @FuzzTest
    void frames(byte[] input) {
        List<String> whole = decode(input, input.length);
        assertThat(decode(input, 1)).isEqualTo(whole);
        for (int i = 0; i < whole.size() - 1; i++) {
            assertThat(whole.get(i)).as("a frame after an invalid one").doesNotStartWith("invalid");
        }
    }

    /** The frames in {@code input}, each as the bytes it encodes to (an invalid one as its code). */
    private static List<String> decode(byte[] input, int readSize) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Frame.MIN_FRAME_MAX));
        PeerReads reads = PeerReads.feed(channel, input, readSize);
        List<String> frames = new ArrayList<>();
        Frame frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(frame instanceof Frame.Invalid invalid ? "invalid " + invalid.code() : reencoded(frame));
            release(frame);
        }
        channel.finishAndReleaseAll();
        reads.assertReleased();
        return frames;
    }

    /** The bytes {@code frame} writes, checked to decode to a frame that writes them again. */
    private static String reencoded(Frame frame) {
        byte[] once = write(frame);
        EmbeddedChannel again = new EmbeddedChannel(new FrameDecoder(0));
        again.writeInbound(Unpooled.wrappedBuffer(once));
        Frame reread = again.readInbound();
        assertThat(reread).as("what %s wrote", frame).isNotNull().isNotInstanceOf(Frame.Invalid.class);
        assertThat((Object) again.readInbound()).isNull();
        assertThat(ByteBufUtil.hexDump(write(reread))).isEqualTo(ByteBufUtil.hexDump(once));
        release(reread);
        again.finishAndReleaseAll();
        return ByteBufUtil.hexDump(once);
    }

    private static void release(Frame frame) {
        if (frame instanceof Frame.BodyFrame body) {
            body.payload().release();
        }
    }

    private static byte[] write(Frame frame) {
        if (frame instanceof Frame.BodyFrame body) {
            body.payload().retain(); // the writer releases it; the caller still needs it
        }
        ByteBuf out = Unpooled.buffer();
        try {
            FrameEncoder.write(frame, out, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a frame that was read", e);
        }
        return ByteBufUtil.getBytes(out);
    }
}
