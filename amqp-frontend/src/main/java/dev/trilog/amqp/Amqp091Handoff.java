package dev.trilog.amqp;

import dev.trilog.amqp.net.ProtocolHeader;
import dev.trilog.amqp.v091.Amqp091;
import dev.trilog.amqp.v091.Amqp091Context;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What the {@link dev.trilog.amqp.net.ProtocolSniffer} puts in place for an {@code AMQP 0 0 9 1}
 * header: it drops the 8 header bytes (the sniffer passes them on; proton-j wants them, the 0-9-1
 * codec does not), installs AMQP 0-9-1 behind itself ({@link Amqp091#install}, which sends
 * {@code connection.start}) and steps aside, handing on whatever the client sent after the header.
 */
final class Amqp091Handoff extends ChannelInboundHandlerAdapter {

    private final Amqp091Context context;
    private int headerLeft = ProtocolHeader.LENGTH;

    Amqp091Handoff(Amqp091Context context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        int skip = Math.min(headerLeft, in.readableBytes());
        in.skipBytes(skip);
        headerLeft -= skip;
        if (headerLeft > 0) {
            in.release();
            return;
        }
        Amqp091.install(ctx.pipeline(), context);
        if (in.isReadable()) {
            ctx.fireChannelRead(in);
        } else {
            in.release();
        }
        ctx.pipeline().remove(this);
    }
}
