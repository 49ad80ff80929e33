package dev.trilog.replication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * What this node knows of the partition groups it is not a replica of (a topic whose replication
 * factor is below the node count): each group's leader, its term and the replicas in sync with
 * it, asked of the group's replicas (Ratis' group info, the leader's answer) — so Metadata from
 * any node names the leader, as a Kafka broker answers for partitions it does not host, and this
 * node's writes to the partition (a queue's, a transaction marker) are sent to that leader first.
 * A view is asked again, in the background, once it is older than {@link #FRESH_NANOS} when
 * read; until the first answer, and while no replica leads, there is none (clients are told the
 * leader is not available, and ask again).
 */
final class GroupsElsewhere implements AutoCloseable {

    /** How old a view may be before a read asks the group again: a moved leader is named within about this. */
    private static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** A group's leader, term and in-sync replicas as its leader last answered. */
    record View(int leader, long term, Set<Integer> inSync) {
    }

    private static final class Known {
        volatile View view;
        volatile long askedAt;
        final AtomicBoolean asking = new AtomicBoolean();
    }

    /** Its peers are every node, so it reaches any group's replicas. */
    private final RaftClient client;
    private final Map<RaftGroupId, Known> known = new ConcurrentHashMap<>();
    private final ExecutorService asks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trilog-groups-elsewhere");
        t.setDaemon(true);
        return t;
    });

    private final long replicaLagMaxMs;

    /** {@code replicaLagMaxMs}: {@link ReplicationTimeouts#replicaLagMax()}, by which a group's in-sync replicas are told. */
    GroupsElsewhere(RaftClient client, long replicaLagMaxMs) {
        this.client = client;
        this.replicaLagMaxMs = replicaLagMaxMs;
    }

    /** The group's view as last answered (asking again in the background when it is stale); empty before any. */
    Optional<View> view(RaftGroup group) {
        Known k = known.computeIfAbsent(group.getGroupId(), id -> new Known());
        if ((k.view == null || System.nanoTime() - k.askedAt > FRESH_NANOS) && k.asking.compareAndSet(false, true)) {
            try {
                asks.execute(() -> ask(group, k));
            } catch (RejectedExecutionException closing) {
                k.asking.set(false);
            }
        }
        return Optional.ofNullable(k.view);
    }

    /** Asks the replicas, the leader it last named first, until one answers that it leads. */
    private void ask(RaftGroup group, Known k) {
        try {
            List<RaftPeer> order = new ArrayList<>(group.getPeers());
            View last = k.view;
            if (last != null) {
                order.sort((a, b) -> Boolean.compare(!nodeId(a.getId()).equals(last.leader()),
                        !nodeId(b.getId()).equals(last.leader())));
            }
            View found = null;
            for (RaftPeer peer : order) {
                try {
                    var role = client.getGroupManagementApi(peer.getId()).info(group.getGroupId()).getRoleInfoProto();
                    if (role.hasLeaderInfo()) {
                        int leader = nodeId(peer.getId());
                        found = new View(leader, role.getLeaderInfo().getTerm(),
                                inSync(leader, role.getLeaderInfo(), replicaLagMaxMs));
                        break;
                    }
                } catch (IOException | RuntimeException e) {
                    // down, or not holding the group (yet): ask the next
                }
            }
            k.view = found;
        } finally {
            k.askedAt = System.nanoTime();
            k.asking.set(false);
        }
    }

    /**
     * The replicas in sync as a group's leader sees them: itself and every follower that answered
     * it within {@code lagMaxMs} ({@link ReplicationTimeouts#replicaLagMax()}, Kafka's
     * {@code replica.lag.time.max.ms}).
     */
    static Set<Integer> inSync(int leader, LeaderInfoProto info, long lagMaxMs) {
        Set<Integer> inSync = new TreeSet<>();
        inSync.add(leader);
        for (var follower : info.getFollowerInfoList()) {
            if (follower.getLastRpcElapsedTimeMs() <= lagMaxMs) {
                inSync.add(nodeId(RaftPeerId.valueOf(follower.getId().getId())));
            }
        }
        return inSync;
    }

    private static Integer nodeId(RaftPeerId peer) {
        return ReplicatedNode.nodeId(peer);
    }

    @Override
    public void close() {
        asks.shutdownNow();
    }
}
