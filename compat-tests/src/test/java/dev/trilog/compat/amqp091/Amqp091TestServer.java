package dev.trilog.compat.amqp091;

import com.rabbitmq.client.ConnectionFactory;
import dev.trilog.amqp.v091.Amqp091;
import dev.trilog.amqp.v091.Amqp091Context;
import dev.trilog.amqp.v091.Amqp091Settings;
import dev.trilog.gateway.RunningGateway;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A test-only AMQP 0-9-1 server until the shared AMQP listener lands: an engine, topology and
 * queues over a temp directory, and a Netty listener on 127.0.0.1 whose first handler reads the
 * 8-byte protocol header and, for {@code AMQP 0 0 9 1}, hands the connection to
 * {@link Amqp091#install} — what the real listener's sniffer does.
 */
final class Amqp091TestServer implements AutoCloseable {

    final Path dataDir;
    final Amqp091Settings settings;
    final QueuesSettings queuesSettings;
    LogEngine engine;
    Topology topology;
    Queues queues;
    Amqp091Context context;
    /** Set when the server runs over a gateway's queues, which it does not own. */
    private final boolean borrowed;
    private EventLoopGroup group;
    private Channel server;
    private int port;

    Amqp091TestServer(Path dataDir) throws IOException {
        this(dataDir, Amqp091Settings.defaults());
    }

    Amqp091TestServer(Path dataDir, Amqp091Settings settings) throws IOException {
        this(dataDir, settings, 64L << 20, 32L << 20);
    }

    /** With the publish backlog's water marks (bytes accepted and not yet durable) set low, to see blocking. */
    Amqp091TestServer(Path dataDir, Amqp091Settings settings, long backlogHigh, long backlogLow) throws IOException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.queuesSettings = QueuesSettings.defaults().withLongPollTickMs(20).withBacklogWaterMarks(backlogHigh,
                backlogLow);
        this.borrowed = false;
        start(0);
    }

    /** Over a running gateway's topology and queues, so Kafka and SQS clients see the same queues. */
    Amqp091TestServer(RunningGateway gateway) {
        this.dataDir = null;
        this.settings = Amqp091Settings.defaults();
        this.queuesSettings = null;
        this.borrowed = true;
        engine = gateway.engine();
        topology = gateway.queueLayer().topology();
        queues = gateway.queueLayer().queues();
        listen(0);
    }

    private void start(int onPort) throws IOException {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, queuesSettings);
        listen(onPort);
    }

    private void listen(int onPort) {
        context = Amqp091Context.create(queues, topology, new SimpleMeterRegistry(), settings, Clock.systemUTC());
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("sniffer", new HeaderSniffer(context));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", onPort)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    int port() {
        return port;
    }

    ConnectionFactory factory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setRequestedHeartbeat(0);
        return factory;
    }

    /** Stops everything and starts again over the same data directory and port. */
    void restart() throws IOException {
        int was = port;
        close();
        start(was);
    }

    @Override
    public void close() throws IOException {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        context.close();
        if (!borrowed) {
            queues.close();
            engine.close();
        }
    }

    /** Reads the protocol header, then installs AMQP 0-9-1 and steps aside. */
    private static final class HeaderSniffer extends ByteToMessageDecoder {
        private final Amqp091Context context;

        HeaderSniffer(Amqp091Context context) {
            this.context = context;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 8) {
                return;
            }
            byte[] header = ByteBufUtil.getBytes(in, in.readerIndex(), 8);
            in.skipBytes(8);
            if (!java.util.Arrays.equals(header, Amqp091.PROTOCOL_HEADER)) {
                in.skipBytes(in.readableBytes());
                ctx.writeAndFlush(Unpooled.wrappedBuffer(Amqp091.PROTOCOL_HEADER))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            Amqp091.install(ctx.pipeline(), context);
            ctx.pipeline().remove(this); // what is left of `in` goes on to the 0-9-1 decoder
        }
    }
}
