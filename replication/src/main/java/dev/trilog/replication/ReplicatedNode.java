package dev.trilog.replication;

import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's part in a replicated Trilog: an Apache Ratis server in the cluster's Raft group
 * (every node of {@code cluster.nodes}), its state machine applying the group's committed writes to
 * this node's engine, and the {@link #appender()} through which everything on this node writes.
 *
 * <p>First step of replication (docs/replication.md): one Raft group for all partitions, so one
 * leader for everything; a group per partition is the next step.
 */
public final class ReplicatedNode implements AutoCloseable {

    /** The one group of this step; every node derives the same id. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("trilog-cluster".getBytes(StandardCharsets.UTF_8)));

    private final RaftServer server;
    private final RaftClient client;
    private final RaftLogAppender appender;
    private final RaftPeerId self;

    private ReplicatedNode(RaftServer server, RaftClient client, RaftLogAppender appender, RaftPeerId self) {
        this.server = server;
        this.client = client;
        this.self = self;
        this.appender = appender;
    }

    /**
     * Starts this node's Raft server over {@code engine}, keeping Raft's own log and state under
     * {@code raftDir}, and makes the engine's {@link LogEngine#appender()} the replicated one
     * (call it before anything writes); the other nodes may start before or after.
     */
    public static ReplicatedNode start(LogEngine engine, ClusterNodes cluster, int nodeId, Path raftDir)
            throws IOException {
        ClusterNodes.Node me = cluster.node(nodeId);
        Files.createDirectories(raftDir);
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(raftDir.resolve("ratis").toFile()));
        GrpcConfigKeys.Server.setPort(properties, me.port());
        // leader loss is noticed within about a second, a new leader elected within a few
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, cluster.nodes().stream()
                .map(n -> RaftPeer.newBuilder().setId(peerId(n.id())).setAddress(n.address()).build()).toList());
        boolean existing = Files.isDirectory(raftDir.resolve("ratis")) && hasContent(raftDir.resolve("ratis"));
        RaftClient client = RaftClient.newBuilder().setProperties(properties).setRaftGroup(group).build();
        RaftLogAppender replicated = new RaftLogAppender(client, engine);
        EngineStateMachine[] machine = new EngineStateMachine[1];
        engine.spreadProducerIds(nodeId); // every node writes to the same partitions' producer state
        // from now on every writer on this node goes through the group; the state machine applies locally
        engine.replaceAppender(local -> {
            machine[0] = new EngineStateMachine(engine, local, raftDir.resolve("applied-index"));
            return replicated;
        });
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(nodeId))
                .setGroup(group)
                .setProperties(properties)
                .setStateMachine(machine[0])
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        return new ReplicatedNode(server, client, replicated, peerId(nodeId));
    }

    private static boolean hasContent(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf("n" + nodeId);
    }

    /** The append seam every writer on this node uses: commits through the group, then completes. */
    public LogAppender appender() {
        return appender;
    }

    /** Creates a topic on every replica. */
    public CompletableFuture<Void> createTopic(String name, int partitions, Map<String, String> configs) {
        return appender.createTopic(name, partitions, configs);
    }

    /** Whether this node leads the group now. */
    public boolean isLeader() throws IOException {
        return server.getDivision(GROUP_ID).getInfo().isLeader();
    }

    /** The id of the node leading the group now, as this node knows it. */
    public Optional<Integer> leaderId() throws IOException {
        RaftPeerId leader = server.getDivision(GROUP_ID).getInfo().getLeaderId();
        return leader == null ? Optional.empty() : Optional.of(Integer.parseInt(leader.toString().substring(1)));
    }

    public int id() {
        return Integer.parseInt(self.toString().substring(1));
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
