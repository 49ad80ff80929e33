package dev.trilog.amqp.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProtocolSnifferTest {

    private final AtomicInteger refused = new AtomicInteger();
    private final ByteBuf passedOn = Unpooled.buffer();
    private ProtocolHeader chosen;

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new ProtocolSniffer(header -> {
            if (!header.isAmqp10()) {
                return null;
            }
            chosen = header;
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    passedOn.writeBytes((ByteBuf) msg);
                    ((ByteBuf) msg).release();
                }
            };
        }, header -> refused.incrementAndGet(), 0));
    }

    @Test
    void anAmqp10HeaderInPiecesHandsEveryByteToTheProtocol() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q'}));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'P', 3, 1}));
        assertThat(chosen).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 2, 3}));
        assertThat(chosen).isEqualTo(ProtocolHeader.AMQP_1_0_SASL);
        assertThat(ByteBufUtil.getBytes(passedOn)).containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0, 1, 2, 3);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {4}));
        assertThat(passedOn.readableBytes()).isEqualTo(12);
        assertThat(channel.pipeline().get(ProtocolSniffer.class)).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHeaderTheServerDoesNotServeIsAnsweredWithThe10HeaderAndClosed() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}));
        ByteBuf answer = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(answer)).containsExactly(ProtocolHeader.PREFERRED.bytes());
        answer.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(refused).hasValue(1);
    }

    @Test
    void httpIsRefusedAtItsFirstByte() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer("G".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf answer = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(answer)).containsExactly(ProtocolHeader.PREFERRED.bytes());
        answer.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(chosen).isNull();
    }

    @Test
    void anUnknownAmqpVersionIsRefused() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 9}));
        ByteBuf answer = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(answer)).containsExactly(ProtocolHeader.PREFERRED.bytes());
        answer.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(refused).hasValue(1);
    }
}
