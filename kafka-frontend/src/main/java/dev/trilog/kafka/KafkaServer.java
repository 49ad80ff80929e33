package dev.trilog.kafka;

import dev.trilog.frontend.AdvertisedHost;
import dev.trilog.frontend.ConnectionGate;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.frontend.auth.LoginThreads;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.kafka.group.KafkaConsumerGroups;
import dev.trilog.kafka.network.KafkaConnection;
import dev.trilog.kafka.network.KafkaFrameDecoder;
import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.security.SaslSession;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka protocol listener: a Netty server whose pipeline per connection is
 * {@link IdleStateHandler} ({@code connections.max.idle.ms}) → {@link KafkaFrameDecoder}
 * (size-checked frames) → {@link KafkaConnection} (decode, dispatch through the {@link ApiTable},
 * answer in order). A connection over {@code max.connections} or {@code max.connections.per.ip}
 * is closed as soon as it is accepted ({@link ConnectionGate}).
 *
 * <p>Transport: epoll where Netty's native library loads, else NIO ({@link KafkaTransport}).
 * Fetched records leave as a {@code DefaultFileRegion} over the segment's own channel, which
 * epoll writes with native {@code sendfile} and NIO with {@code FileChannel.transferTo} into
 * the socket (also {@code sendfile} on Linux): zero-copy either way, with no file opened per
 * response.
 */
public final class KafkaServer implements ServerFrontend.Server {

    private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

    private final KafkaServerSettings settings;
    private final KafkaContext context;
    private final ApiTable apis;
    private final KafkaConsumerGroups consumerGroups;
    private final ScheduledExecutorService timer;
    private final KafkaMetrics metrics;
    private final ConnectionGate gate;
    private final UserStore users;
    /** Evaluates SASL logins (a PBKDF2 derivation each for PLAIN) off the event loops; null without SASL. */
    private final ExecutorService saslEvaluator;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private KafkaTransport transportInUse;

    public KafkaServer(KafkaServerSettings settings, LogEngine engine) {
        this(settings, engine, KafkaMetrics.detached());
    }

    public KafkaServer(KafkaServerSettings settings, LogEngine engine, KafkaMetrics metrics) {
        this(settings, engine, metrics, null, null);
    }

    /**
     * A listener that also serves share groups (KIP-932) over {@code queues}' share cursors; null
     * {@code queues} and {@code topology} leave the share-group APIs out.
     */
    public KafkaServer(KafkaServerSettings settings, LogEngine engine, KafkaMetrics metrics, Queues queues,
            Topology topology) {
        this(settings, engine, metrics, queues, topology, null);
    }

    /**
     * A listener with the broker's {@code users}: SASL logins (when {@code settings} offer
     * mechanisms) are checked against them, and the SCRAM credential APIs manage them. Null
     * {@code users} leaves both out.
     */
    public KafkaServer(KafkaServerSettings settings, LogEngine engine, KafkaMetrics metrics, Queues queues,
            Topology topology, UserStore users) {
        if (settings.sasl().enabled() && users == null) {
            throw new IllegalArgumentException("SASL needs the user store");
        }
        this.settings = settings;
        this.users = users;
        // a guesser's logins queue here, not on the event loops that serve logged-in clients
        this.saslEvaluator = settings.sasl().enabled() ? LoginThreads.newPool("trilog-kafka-sasl") : null;
        this.metrics = metrics;
        this.gate = new ConnectionGate("Kafka", settings.connections(), KafkaFrontendConfig.MAX_CONNECTIONS,
                KafkaFrontendConfig.MAX_CONNECTIONS_PER_IP, metrics::connectionRefused);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "trilog-kafka-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.context = KafkaApis.context(engine, settings, timer);
        KafkaApis.Built built = KafkaApis.table(context, settings, queues, topology, users, metrics);
        this.apis = built.table();
        this.consumerGroups = built.groups();
    }

    /** The groups of this listener's coordinators, classic and share (the admin endpoint lists and resets them). */
    public KafkaConsumerGroups consumerGroups() {
        return consumerGroups;
    }

    /** Lets tests and tools add to the table before start (one handler per key). */
    public ApiTable apis() {
        return apis;
    }

    /** The transport the listener runs on: {@code EPOLL} or {@code NIO}; null before {@link #start}. */
    public KafkaTransport transportInUse() {
        return transportInUse;
    }

    /** Binds and starts accepting; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        transportInUse = chooseTransport(settings.transport());
        boolean epoll = transportInUse == KafkaTransport.EPOLL;
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        bossGroup = new MultiThreadIoEventLoopGroup(1, handlers);
        workerGroup = new MultiThreadIoEventLoopGroup(0, handlers);
        SslContext tls = settings.tls() == null ? null : settings.tlsProvider().serverContext(settings.tls());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Pooled arenas hold whole produce frames (64 KiB to a few MiB) in their chunks;
                // the adaptive default hands buffers that large to an unpooled, zeroed fallback.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        InetAddress peer = channel.remoteAddress().getAddress();
                        if (!gate.admit(peer)) {
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> gate.release(peer));
                        int idleMs = settings.connections().idleTimeoutMs();
                        if (idleMs > 0) {
                            // all-idle: nothing read, nothing written, no output making progress
                            channel.pipeline().addLast("idle", new IdleStateHandler(true, 0, 0, idleMs,
                                    TimeUnit.MILLISECONDS));
                        }
                        if (tls != null) {
                            // Kafka's SSL security protocol; fetched records are then read and encrypted, not sendfile'd
                            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline()
                                .addLast("frames", new KafkaFrameDecoder(settings.maxRequestBytes()))
                                .addLast("kafka", new KafkaConnection(apis, metrics, settings.securityProtocol(),
                                        saslEvaluator == null ? null : new SaslSession(settings.sasl(), users,
                                                saslEvaluator, System::nanoTime, metrics::saslLogin),
                                        tls == null ? null : settings.tlsPrincipals()));
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
        String advertisedHost = settings.advertisedHost().isEmpty() ? AdvertisedHost.forListener(settings.host())
                : settings.advertisedHost();
        int advertisedPort = settings.advertisedPort() == 0 ? bound.getPort() : settings.advertisedPort();
        if (settings.advertisedHost().isEmpty() && AdvertisedHost.isWildcard(settings.host())) {
            log.info("Kafka listens on every interface; clients are told to connect to {}:{} (set"
                    + " kafka.advertised.host to name another address)", advertisedHost, advertisedPort);
        }
        context.advertise(InetSocketAddress.createUnresolved(advertisedHost, advertisedPort));
        context.routing().register(); // in a cluster, so the other nodes can name this one
        log.debug("Kafka listener bound to {} ({}, {}{})", bound, transportInUse, settings.securityProtocol(),
                settings.tls() == null ? "" : ", TLS by " + settings.tlsProvider().resolve());
        return bound;
    }

    private static KafkaTransport chooseTransport(KafkaTransport requested) throws IOException {
        if (requested == KafkaTransport.NIO) {
            return KafkaTransport.NIO;
        }
        if (Epoll.isAvailable()) {
            return KafkaTransport.EPOLL;
        }
        if (requested == KafkaTransport.EPOLL) {
            throw new IOException("kafka.transport=epoll, but Netty's native epoll library is not available here ("
                    + Epoll.unavailabilityCause().getMessage() + ")");
        }
        log.debug("epoll not available ({}); the Kafka listener uses NIO", Epoll.unavailabilityCause().toString());
        return KafkaTransport.NIO;
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
        if (saslEvaluator != null) {
            saslEvaluator.shutdownNow();
        }
        context.routing().close();
    }
}
