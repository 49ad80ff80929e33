package dev.trilog.replication;

import java.util.Locale;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.netty.client.NettyClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.ServerFactory;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * What the nodes' Raft servers and clients talk over ({@code cluster.transport}); every node of a
 * cluster needs the same. {@link #NETTY}: Ratis' Netty wire format, answered without holding the
 * event loop ({@link OrderedNettyRpcService}) and with a leader that tells a follower behind its
 * purged log to fetch a snapshot ({@link NotifyingLogAppender}). {@link #GRPC}: Ratis' gRPC transport.
 */
public enum RaftTransport {
    NETTY, GRPC;

    /**
     * gRPC: Netty runs the throughput bench through at 1.20× the rate for 0.79× the CPU per record
     * (2026-12-07, netty4), but with it as the default a cluster healed from a partition in
     * {@code ClusterProcessesTest} took no write for two minutes in one of three runs
     * (docs/replication.md, "The Raft transport").
     */
    public static final RaftTransport DEFAULT = GRPC;

    /** {@code name} in any case; fails naming the choices otherwise. */
    public static RaftTransport parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster.transport must be netty or grpc, not '" + name + "'", e);
        }
    }

    /** Has Ratis' servers and clients of {@code properties} use this transport, a server listening at {@code host:port}. */
    void applyTo(RaftProperties properties, String host, int port) {
        useIn(properties);
        if (this == GRPC) {
            GrpcConfigKeys.Server.setHost(properties, host);
            GrpcConfigKeys.Server.setPort(properties, port);
        } else {
            NettyConfigKeys.Server.setHost(properties, host);
            NettyConfigKeys.Server.setPort(properties, port);
        }
    }

    /** Has Ratis' clients of {@code properties} use this transport. */
    void useIn(RaftProperties properties) {
        RaftConfigKeys.Rpc.setType(properties, this == GRPC ? SupportedRpcType.GRPC : new OrderedNetty());
    }

    /**
     * The Netty transport as Ratis finds it by name (a class name: Ratis makes one with its no-argument
     * constructor); its factory is what chooses the server's service and the leader's appenders.
     */
    public static final class OrderedNetty implements RpcType {
        @Override
        public String name() {
            return OrderedNetty.class.getName();
        }

        @Override
        public RpcFactory newFactory(Parameters parameters) {
            return new Factory(this);
        }
    }

    private record Factory(RpcType type) implements ServerFactory, ClientFactory {
        @Override
        public RpcType getRpcType() {
            return type;
        }

        @Override
        public RaftServerRpc newRaftServerRpc(RaftServer server) {
            return new OrderedNettyRpcService(server, type);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new NotifyingLogAppender(server, state, follower);
        }

        @Override
        public RaftClientRpc newRaftClientRpc(ClientId clientId, RaftProperties properties) {
            return new OffLoopClientRpc(new NettyClientRpc(clientId, properties));
        }
    }
}
