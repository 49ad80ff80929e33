package dev.trilog.kafka;

import dev.trilog.kafka.api.ApiTable;
import dev.trilog.kafka.network.KafkaConnection;
import dev.trilog.kafka.network.KafkaFrameDecoder;
import dev.trilog.log.LogEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka protocol listener: a Netty server whose pipeline per connection is
 * {@link KafkaFrameDecoder} (size-checked frames) → {@link KafkaConnection} (decode, dispatch
 * through the {@link ApiTable}, answer in order).
 *
 * <p>Transport: NIO. Its {@code FileRegion} writes go through {@code FileChannel.transferTo}
 * into the socket, which is {@code sendfile} on Linux for any region, so fetches are
 * zero-copy without opening a file per response (epoll's native sendfile only takes Netty's
 * {@code DefaultFileRegion}, which closes the channel it is given).
 */
public final class KafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

    private final KafkaServerSettings settings;
    private final KafkaBroker broker;
    private final ApiTable apis;
    private final ScheduledExecutorService timer;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    public KafkaServer(KafkaServerSettings settings, LogEngine engine) {
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "trilog-kafka-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.broker = new KafkaBroker(engine, settings, timer);
        this.apis = KafkaApis.table(broker);
    }

    /** Lets tests and tools add to the table before start (one handler per key). */
    public ApiTable apis() {
        return apis;
    }

    /** Binds and starts accepting; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("frames", new KafkaFrameDecoder(settings.maxRequestBytes()))
                                .addLast("kafka", new KafkaConnection(apis));
                    }
                });
        try {
            serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding the Kafka port", e);
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        String advertisedHost = settings.advertisedHost().isEmpty() ? settings.host() : settings.advertisedHost();
        int advertisedPort = settings.advertisedPort() == 0 ? bound.getPort() : settings.advertisedPort();
        broker.advertise(InetSocketAddress.createUnresolved(advertisedHost, advertisedPort));
        log.debug("Kafka listener bound to {}", bound);
        return bound;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
        timer.shutdownNow();
    }
}
