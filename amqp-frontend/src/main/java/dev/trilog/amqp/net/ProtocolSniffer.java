package dev.trilog.amqp.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every AMQP connection: reads the 8-byte {@link ProtocolHeader}, then
 * replaces itself with the handler of that protocol and passes it every byte, the header
 * included (proton-j reads the header itself). A header Trilog does not serve is answered with
 * {@link ProtocolHeader#PREFERRED} and the connection is closed, as the AMQP specs ask.
 *
 * <p>Nothing is allocated but the 8 bytes; a connection that has not sent its 8 bytes within
 * the header time-out is closed.
 */
public final class ProtocolSniffer extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProtocolSniffer.class);

    private final Function<ProtocolHeader, ChannelHandler> protocols;
    private final Consumer<ProtocolHeader> refused;
    private final long headerTimeoutMs;
    private final byte[] header = new byte[ProtocolHeader.LENGTH];
    private ScheduledFuture<?> timeout;
    private int seen;
    private ByteBuf held;

    /**
     * @param protocols the handler for a header Trilog serves, or null when it does not serve it
     * @param refused   told once of each connection refused, with its header (a meter)
     * @param headerTimeoutMs a connection that has not sent its 8 bytes by then is closed (0 = never)
     */
    public ProtocolSniffer(Function<ProtocolHeader, ChannelHandler> protocols, Consumer<ProtocolHeader> refused,
            long headerTimeoutMs) {
        this.protocols = protocols;
        this.refused = refused;
        this.headerTimeoutMs = headerTimeoutMs;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (seen < 0) { // refused already: ignore the rest
            in.release();
            return;
        }
        int take = Math.min(ProtocolHeader.LENGTH - seen, in.readableBytes());
        in.getBytes(in.readerIndex(), header, seen, take);
        seen += take;
        if (!ProtocolHeader.couldStart(header, seen)) {
            in.release();
            releaseHeld();
            refuse(ctx, ProtocolHeader.UNKNOWN);
            return;
        }
        held = held == null ? in : Unpooled.wrappedBuffer(held, in);
        if (seen < ProtocolHeader.LENGTH) {
            return;
        }
        ProtocolHeader protocol = ProtocolHeader.of(header);
        ChannelHandler next = protocols.apply(protocol);
        if (next == null) {
            releaseHeld();
            refuse(ctx, protocol);
            return;
        }
        ByteBuf bytes = held;
        held = null;
        cancelTimeout();
        ctx.pipeline().addAfter(ctx.name(), "amqp", next);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes); // everything read so far, to the handler now after this context
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (headerTimeoutMs > 0) {
            timeout = ctx.executor().schedule(() -> {
                if (seen >= 0 && ctx.channel().isActive()) {
                    log.info("Closing connection from {}: no protocol header within {} ms",
                            ctx.channel().remoteAddress(), headerTimeoutMs);
                    seen = -1;
                    ctx.close();
                }
            }, headerTimeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void refuse(ChannelHandlerContext ctx, ProtocolHeader protocol) {
        seen = -1;
        cancelTimeout();
        refused.accept(protocol);
        log.info("Refusing AMQP connection from {}: {}; answered with the AMQP 1.0 header", ctx.channel().remoteAddress(),
                "not a protocol header Trilog serves");
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ProtocolHeader.PREFERRED.bytes()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        releaseHeld();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
