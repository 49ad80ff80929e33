package dev.trilog.gateway.cluster;

import dev.trilog.log.Cluster;
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
 * loses its unacknowledged deliveries to redelivery, an SQS client retries its request. A
 * connection accepted while no node serves (an election, a takeover) is closed at once.
 */
public final class LeaderDoor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderDoor.class);

    private final String name;
    private final Cluster cluster;
    private final BooleanSupplier servingHere;
    private final Supplier<InetSocketAddress> local;
    private final IntFunction<Optional<InetSocketAddress>> leaderAddress;
    /** Every relayed connection (the client's end) and the node it was relayed to. */
    private final Map<Channel, Integer> relayed = new ConcurrentHashMap<>();
    private EventLoopGroup group;
    private Channel server;

    /**
     * @param servingHere   whether this node serves the queues now (it leads and took them over)
     * @param local         this node's own frontend, on loopback
     * @param leaderAddress another node's public address for this frontend, once it recorded it
     */
    public LeaderDoor(String name, Cluster cluster, BooleanSupplier servingHere, Supplier<InetSocketAddress> local,
            IntFunction<Optional<InetSocketAddress>> leaderAddress) {
        this.name = name;
        this.cluster = cluster;
        this.servingHere = servingHere;
        this.local = local;
        this.leaderAddress = leaderAddress;
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
        OptionalInt leader = cluster.leader();
        if (leader.isEmpty()) {
            return; // an election: connections to a dead leader end by themselves, the others once one is elected
        }
        relayed.forEach((client, node) -> {
            if (node != leader.getAsInt()) {
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
        OptionalInt leader = cluster.leader();
        if (leader.isEmpty()) {
            return null;
        }
        int node = leader.getAsInt();
        if (node == cluster.nodeId()) {
            return cluster.isLeader() && servingHere.getAsBoolean() ? new Target(node, local.get()) : null;
        }
        return leaderAddress.apply(node).map(address -> new Target(node, address)).orElse(null);
    }

    private record Target(int node, InetSocketAddress address) {
    }

    /** The client's connection: opens the one to the target, then relays what the client sends. */
    private final class ClientSide extends ChannelInboundHandlerAdapter {

        private Channel toTarget;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            Target target = target();
            if (target == null) {
                log.debug("No node serves the queues now; closing {} connection from {}", name, client.remoteAddress());
                client.close();
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
                if (connected.isSuccess()) {
                    toTarget = connected.channel();
                    client.read();
                } else {
                    log.debug("Cannot reach node {} at {} for a {} client", target.node(), address, name,
                            connected.cause());
                    client.close();
                }
            });
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
