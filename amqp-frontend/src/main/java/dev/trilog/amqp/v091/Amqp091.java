package dev.trilog.amqp.v091;

import dev.trilog.amqp.v091.codec.FrameDecoder;
import dev.trilog.amqp.v091.codec.FrameEncoder;
import io.netty.channel.ChannelPipeline;

/**
 * The AMQP 0-9-1 protocol's one entry point. The AMQP listener reads the 8-byte protocol header;
 * when it is {@link #PROTOCOL_HEADER} it calls {@link #install}, removes itself, and passes any
 * bytes it read past the header on ({@code ctx.fireChannelRead}); from then on the connection is
 * 0-9-1's.
 */
public final class Amqp091 {

    /** {@code AMQP 0 0 9 1}. */
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    static final String DECODER = "amqp091-decoder";
    static final String ENCODER = "amqp091-encoder";
    static final String CONNECTION = "amqp091-connection";
    static final String HEARTBEAT = "amqp091-heartbeat";

    private Amqp091() {
    }

    /**
     * Adds the 0-9-1 handlers at the end of {@code pipeline} (frame decoder and encoder, the
     * connection) and sends {@code connection.start} at once if the channel is active, else when
     * it becomes active. The caller has consumed the protocol header.
     *
     * @param context the broker's shared 0-9-1 state, one for all connections
     */
    public static void install(ChannelPipeline pipeline, Amqp091Context context) {
        FrameDecoder decoder = new FrameDecoder(context.settings.frameMax());
        FrameEncoder encoder = new FrameEncoder(context.settings.frameMax());
        pipeline.addLast(ENCODER, encoder);
        pipeline.addLast(DECODER, decoder);
        pipeline.addLast(CONNECTION, new AmqpConnection(context, decoder, encoder));
    }
}
