package dev.trilog.amqp;

import dev.trilog.amqp.net.ProtocolHeader;
import dev.trilog.amqp.net.ProtocolSniffer;
import dev.trilog.amqp.v091.Amqp091Context;
import dev.trilog.amqp.v091.Amqp091Settings;
import dev.trilog.amqp.v10.AmqpBroker;
import dev.trilog.amqp.v10.ConsumerCounts;
import dev.trilog.amqp.v10.ProtonConnection;
import dev.trilog.frontend.ConnectionGate;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.frontend.auth.PasswordLogins;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP listener: one Netty port whose pipeline per connection starts with a
 * {@link ProtocolSniffer}; the protocol header then picks the protocol's handler — a
 * {@link ProtonConnection} for AMQP 1.0, with or without the SASL layer, and for AMQP 0-9-1 the
 * handlers {@link dev.trilog.amqp.v091.Amqp091#install} adds (through {@link Amqp091Handoff}).
 *
 * <p>Threads: one Netty acceptor, the worker event loops (one per core, every connection on one of
 * them for its whole life), {@code trilog-amqp-declare}, which writes the topology when an
 * address or the {@code /management} node declares something, and {@code trilog-amqp-stream},
 * which reads the log for stream links.
 *
 * <p>A connection over {@code amqp.max-connections} or {@code amqp.max-connections-per-ip} is
 * closed as soon as it is accepted, before its protocol header ({@link ConnectionGate}), as
 * Kafka's and SQS's listeners do.
 */
public final class AmqpServer implements ServerFrontend.Server {

    private static final Logger log = LoggerFactory.getLogger(AmqpServer.class);
    /** A connection has this long to send its 8-byte protocol header. */
    static final long HEADER_TIMEOUT_MS = 10_000;

    private final AmqpSettings settings;
    private final AmqpBroker broker;
    private final ExecutorService declarer;
    private final ExecutorService streamReader;
    private final PasswordLogins logins;
    /** What every AMQP 0-9-1 connection shares (exclusive owners, blocked state, its topology thread). */
    private final Amqp091Context amqp091;
    private final ConnectionGate gate;
    private final ChannelGroup connections = new DefaultChannelGroup("amqp", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    public AmqpServer(AmqpSettings settings, LogEngine engine, Queues queues, Topology topology,
            AmqpMetrics metrics) throws IOException {
        this(settings, engine, queues, topology, metrics, PasswordLogins.anyone(), VhostStore.open(engine));
    }

    /**
     * @param logins how both protocols' logins are checked ({@code amqp.auth}); closed with the server
     * @param vhosts the vhosts connections may open; the connections of one it deletes are closed
     */
    public AmqpServer(AmqpSettings settings, LogEngine engine, Queues queues, Topology topology,
            AmqpMetrics metrics, PasswordLogins logins, VhostStore vhosts) {
        this.settings = settings;
        this.logins = logins;
        this.gate = new ConnectionGate("AMQP", settings.connections(), AmqpFrontendConfig.MAX_CONNECTIONS,
                AmqpFrontendConfig.MAX_CONNECTIONS_PER_IP, metrics::connectionOverLimit);
        this.declarer = thread("trilog-amqp-declare");
        this.streamReader = thread("trilog-amqp-stream");
        this.broker = new AmqpBroker(settings, engine, queues, topology, metrics, declarer, streamReader,
                new ConsumerCounts(), logins, vhosts);
        this.amqp091 = Amqp091Context.create(engine, queues, topology, metrics.registry(),
                Amqp091Settings.defaults().withMaxMessageBytes(settings.maxMessageSize()), engine.settings().clock(),
                logins);
        vhosts.onDeleted(vhost -> {
            amqp091.closeVhost(vhost);
            broker.closeVhost(vhost);
        });
    }

    private static ExecutorService thread(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Binds and starts accepting; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        // TLS on the whole port, as RabbitMQ's amqps listener: the handshake comes before the protocol header
        SslContext tls = settings.tls() == null ? null : new JdkSslContext(settings.tls().sslContext(), false,
                settings.tls().requiresClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        InetAddress peer = channel.remoteAddress().getAddress();
                        if (!gate.admit(peer)) {
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> gate.release(peer));
                        connections.add(channel);
                        if (tls != null) {
                            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast("sniffer", sniffer(broker, amqp091, HEADER_TIMEOUT_MS));
                    }
                });
        try {
            serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding the AMQP port", e);
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.debug("AMQP listener bound to {}", bound);
        return bound;
    }

    /**
     * The first handler of a connection, which the protocol header then replaces ({@link #handlerFor}).
     * The fuzz target {@code AmqpPortFuzzTest} feeds bytes to the same.
     */
    static ProtocolSniffer sniffer(AmqpBroker broker, Amqp091Context amqp091, long headerTimeoutMs) {
        return new ProtocolSniffer(header -> handlerFor(header, broker, amqp091),
                header -> broker.metrics().connectionRefused("unknown"), headerTimeoutMs);
    }

    /** The handler for a protocol header, or null for one not served (answered with ours, then closed). */
    private static ChannelHandler handlerFor(ProtocolHeader header, AmqpBroker broker, Amqp091Context amqp091) {
        return switch (header) {
            case AMQP_1_0_SASL -> new ProtonConnection(broker, true);
            // with logins checked, AMQP 1.0 without its SASL layer is answered with the SASL header, then closed
            case AMQP_1_0 -> broker.logins().required() ? null : new ProtonConnection(broker, false);
            case AMQP_0_9_1 -> new Amqp091Handoff(amqp091);
            default -> null;
        };
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
        declarer.shutdownNow();
        streamReader.shutdownNow();
        amqp091.close();
        logins.close();
    }
}
