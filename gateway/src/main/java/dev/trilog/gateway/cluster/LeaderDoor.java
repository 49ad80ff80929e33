package dev.trilog.gateway.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port of a frontend that serves queues, on a clustered node: each connection is
 * relayed, byte for byte, to the node that serves the queues — this node's own frontend (which
 * listens on loopback only) while it leads and serves them, else the leader's public port. The
 * protocol never notices: an AMQP or SQS client may connect to any node.
 *
 * <p>A connection is bound to the leader of the moment it was accepted. When another node
 * becomes leader, the connections relayed to the old one are closed (from both ends), so their
 * clients reconnect — as after a RabbitMQ node failure — and reach the new one; an AMQP client
 * loses its unacknowledged deliveries to redelivery, an SQS client retries its request.
 *
 * <p>A connection accepted while no node serves (an election, a takeover), or while the leader's
 * address cannot be reached (it just died, or restarted on another port and its new address is not
 * recorded yet), is held — its bytes left unread — and relayed as soon as a node serves, for up to
 * {@link #HOLD}; only then is it closed. Closing at once failed the clients that retry quickly: the
 * AWS SDK's three retries are spent within a second, an election and takeover take about as long.
 */
public final class LeaderDoor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderDoor.class);

    /**
     * How long a connection waits for a node to serve: past an election and a takeover (about a
     * second each), below the clients' own time-outs (RabbitMQ's Java client waits 10 s for its
     * handshake, the AWS SDK 30 s for an answer).
     */
    public static final Duration HOLD = Duration.ofSeconds(5);
    private static final long RETRY_MS = 100;

    private final String name;
    private final Supplier<OptionalInt> leader;
    private final int self;
    private final BooleanSupplier servingHere;
    private final Supplier<InetSocketAddress> local;
    private final IntFunction<Optional<InetSocketAddress>> leaderAddress;
    private final long holdNanos;
    /** Every relayed connection (the client's end) and the node it was relayed to. */
    private final Map<Channel, Integer> relayed = new ConcurrentHashMap<>();
    private EventLoopGroup group;
    private Channel server;

    /**
     * @param leader        the cluster's leader as this node knows it (empty during an election)
     * @param self          this node's id
     * @param servingHere   whether this node serves the queues now (it leads and took them over)
     * @param local         this node's own frontend, on loopback
     * @param leaderAddress another node's public address for this frontend, once it recorded it
     * @param hold          how long a connection waits for a node to serve ({@link #HOLD})
     */
    public LeaderDoor(String name, Supplier<OptionalInt> leader, int self, BooleanSupplier servingHere,
            Supplier<InetSocketAddress> local, IntFunction<Optional<InetSocketAddress>> leaderAddress,
            Duration hold) {
        this.name = name;
        this.leader = leader;
        this.self = self;
        this.servingHere = servingHere;
        this.local = local;
        this.leaderAddress = leaderAddress;
        this.holdNanos = hold.toNanos();
    }

    /** Binds {@code host:port} and starts relaying; returns the bound address. */
    public InetSocketAddress start(String host, int port) throws IOException {
        group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory()); // Netty's default: 2 per core
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ClientSide());
                    }
                });
        try {
            server = bootstrap.bind(host, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding the " + name + " port", e);
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return (InetSocketAddress) server.localAddress();
    }

    /** Closes the connections relayed to a node that no longer leads (call on every change of leader). */
    public void leaderChanged() {
        OptionalInt now = leader.get();
        if (now.isEmpty()) {
            return; // an election: connections to a dead leader end by themselves, the others once one is elected
        }
        relayed.forEach((client, node) -> {
            if (node != now.getAsInt()) {
                client.close();
            }
        });
    }

    /** Connections relayed now (for tests and metrics). */
    public int connections() {
        return relayed.size();
    }

    /** Where a connection accepted now goes: the node and its address, or null while none serves. */
    private Target target() {
        OptionalInt now = leader.get();
        if (now.isEmpty()) {
            return null;
        }
        int node = now.getAsInt();
        if (node == self) {
            return servingHere.getAsBoolean() ? new Target(node, local.get()) : null;
        }
        return leaderAddress.apply(node).map(address -> new Target(node, address)).orElse(null);
    }

    private record Target(int node, InetSocketAddress address) {
    }

    /**
     * The client's connection: opens the one to the target (waiting for one up to the hold), then
     * relays what the client sends. Runs on the client's event loop only, as the connect listener
     * and the retries do.
     */
    private final class ClientSide extends ChannelInboundHandlerAdapter {

        private Channel toTarget;
        private long deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            deadline = System.nanoTime() + holdNanos;
            relay(ctx.channel());
        }

        private void relay(Channel client) {
            if (!client.isActive()) {
                return; // the client gave up waiting
            }
            Target target = target();
            if (target == null) {
                waitOrClose(client, "no node serves the queues");
                return;
            }
            relayed.put(client, target.node());
            InetSocketAddress address = target.address().isUnresolved()
                    ? new InetSocketAddress(target.address().getHostString(), target.address().getPort())
                    : target.address();
            Bootstrap bootstrap = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(new TargetSide(client));
            bootstrap.connect(address).addListener((ChannelFutureListener) connected -> {
                if (!connected.isSuccess()) {
                    relayed.remove(client);
                    log.debug("Cannot reach node {} at {} for a {} client", target.node(), address, name,
                            connected.cause());
                    waitOrClose(client, "node " + target.node() + " cannot be reached at " + address);
                } else if (!client.isActive()) {
                    connected.channel().close(); // closed meanwhile: by its client, or as the leader changed
                } else {
                    toTarget = connected.channel();
                    client.read();
                }
            });
        }

        private void waitOrClose(Channel client, String why) {
            if (System.nanoTime() - deadline >= 0) {
                log.debug("Closing a {} connection from {} after {} ms: {}", name, client.remoteAddress(),
                        holdNanos / 1_000_000, why);
                client.close();
                return;
            }
            client.eventLoop().schedule(() -> relay(client), RETRY_MS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            toTarget.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    written.channel().close();
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            relayed.remove(ctx.channel());
            if (toTarget != null) {
                closeOnFlush(toTarget);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} client connection failed", name, cause);
            ctx.close();
        }
    }

    /** The connection to the node that serves: relays what it answers back to the client. */
    private static final class TargetSide extends ChannelInboundHandlerAdapter {

        private final Channel client;

        TargetSide(Channel client) {
            this.client = client;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Closes once what is already written has gone out (the last answer reaches the client). */
    private static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        relayed.keySet().forEach(Channel::close);
        if (group != null) {
            group.shutdownGracefully(0, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
    }
}
