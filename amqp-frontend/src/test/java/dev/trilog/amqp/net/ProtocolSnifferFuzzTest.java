package dev.trilog.amqp.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import dev.trilog.testsupport.PeerReads;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;

/**
 * Fuzz target for the first bytes of every AMQP connection ({@link ProtocolSniffer}). Whatever
 * arrives, in one read or one byte per read: a header Trilog serves hands every byte, the header
 * included, to that protocol's handler and nothing else; anything that cannot start one is
 * answered with {@link ProtocolHeader#PREFERRED} and closed; fewer than 8 bytes that could still
 * become a header wait. Every byte read is released.
 */
class ProtocolSnifferFuzzTest {

    @FuzzTest
    void firstBytes(byte[] input) {
        Outcome whole = Outcome.of(input, input.length);
        Outcome byteByByte = Outcome.of(input, 1);
        assertThat(byteByByte).isEqualTo(whole);

        byte[] head = Arrays.copyOf(input, Math.min(input.length, ProtocolHeader.LENGTH));
        ProtocolHeader header = input.length >= ProtocolHeader.LENGTH ? ProtocolHeader.of(input) : null;
        if (header != null && header != ProtocolHeader.UNKNOWN) {
            assertThat(whole).isEqualTo(new Outcome(header, input, new byte[0], true));
        } else if (header == null && ProtocolHeader.couldStart(head, head.length)) {
            assertThat(whole).isEqualTo(new Outcome(null, new byte[0], new byte[0], true));
        } else {
            assertThat(whole).isEqualTo(new Outcome(null, new byte[0], ProtocolHeader.PREFERRED.bytes(), false));
        }
    }

    /** What the sniffer did: the protocol chosen, the bytes it passed on, what it answered, whether it left the connection open. */
    private record Outcome(ProtocolHeader chosen, byte[] passedOn, byte[] answered, boolean open) {

        static Outcome of(byte[] input, int readSize) {
            ByteBuf passedOn = Unpooled.buffer();
            ProtocolHeader[] chosen = new ProtocolHeader[1];
            EmbeddedChannel channel = new EmbeddedChannel(new ProtocolSniffer(header -> {
                chosen[0] = header;
                return new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        passedOn.writeBytes((ByteBuf) msg);
                        ((ByteBuf) msg).release();
                    }
                };
            }, header -> { }, 0));
            PeerReads reads = PeerReads.feed(channel, input, readSize);
            byte[] answered = PeerReads.written(channel);
            boolean open = channel.isOpen();
            channel.finishAndReleaseAll();
            reads.assertReleased();
            return new Outcome(chosen[0], ByteBufUtil.getBytes(passedOn), answered, open);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && chosen == other.chosen && Arrays.equals(passedOn, other.passedOn)
                    && Arrays.equals(answered, other.answered) && open == other.open;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(passedOn);
        }

        @Override
        public String toString() {
            return chosen + ", passed on " + ByteBufUtil.hexDump(passedOn) + ", answered " + ByteBufUtil.hexDump(answered)
                    + (open ? ", open" : ", closed");
        }
    }
}
