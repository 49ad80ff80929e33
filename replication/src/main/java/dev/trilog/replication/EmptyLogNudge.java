package dev.trilog.replication;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a node that started with an empty Raft storage (its data directory lost, or new): a leader
 * that knew this node before remembers how far its log matched (Raft assumes a follower keeps its
 * log), and Ratis then never sends it anything older than that — neither the entries it lacks nor,
 * when they were purged, the notice to install a snapshot: the node would wait forever. Seen from
 * here: a leader is known, this node's log is still empty after {@link #PATIENCE_MS}, and the
 * leader says this node committed entries (it keeps the highest commit index each node reported).
 * The node then asks the leader to step down; whoever is elected next starts from what this node
 * has (nothing), and sends it the log or the snapshot notice. Writes pause for an election (about
 * a second) once; the check stops for good once this node has applied an entry.
 *
 * <p>Every group of the node has its own: the metadata group's, started with the node, and each
 * partition group's, started when this node adds the group with an empty storage (they share one
 * timer thread, the {@link PartitionGroups}').
 */
final class EmptyLogNudge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmptyLogNudge.class);

    static final long PATIENCE_MS = 5_000;

    private final RaftGroupId group;
    private final Supplier<java.util.Optional<RaftServer.Division>> division;
    /** Asks the leader; null while this node has none for the group yet. */
    private final Supplier<RaftClient> client;
    private final RaftPeerId self;
    private final LongSupplier lastApplied;
    private final Supplier<String> installing;
    /** The timer this nudge owns (the metadata group's), or null when it shares one. */
    private final ScheduledExecutorService ownTimer;
    private final java.util.concurrent.ScheduledFuture<?> checks;
    private long emptySince = System.nanoTime();

    /** The metadata group's, on a timer thread of its own. */
    EmptyLogNudge(Supplier<java.util.Optional<RaftServer.Division>> division, RaftClient client, RaftPeerId self,
            LongSupplier lastApplied, Supplier<String> installing) {
        this(ReplicatedNode.GROUP_ID, division, () -> client, self, lastApplied, installing,
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "trilog-empty-log-nudge");
                    t.setDaemon(true);
                    return t;
                }), true);
    }

    /** {@code group}'s, checked on {@code timer}, which it shuts down when done only if it {@code owns} it. */
    EmptyLogNudge(RaftGroupId group, Supplier<java.util.Optional<RaftServer.Division>> division,
            Supplier<RaftClient> client,
            RaftPeerId self, LongSupplier lastApplied, Supplier<String> installing, ScheduledExecutorService timer,
            boolean owns) {
        this.group = group;
        this.division = division;
        this.client = client;
        this.self = self;
        this.lastApplied = lastApplied;
        this.installing = installing;
        this.ownTimer = owns ? timer : null;
        this.checks = timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private void check() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            log.warn("Checking whether the leader sends this node anything failed", e);
        }
    }

    private void checkOnce() {
        if (lastApplied.getAsLong() >= 0) {
            close(); // it follows the log: nothing more to do
            return;
        }
        var d = division.get();
        if (d.isEmpty() || installing.get() != null || d.get().getInfo().isLeader()) {
            emptySince = System.nanoTime();
            return;
        }
        if (d.get().getRaftLog().getNextIndex() > 0) { // it received entries (in a new cluster: the first one)
            emptySince = System.nanoTime();
            return;
        }
        RaftPeerId leader = d.get().getInfo().getLeaderId(); // comes and goes while the leader's appends are refused
        if (leader == null) {
            return;
        }
        if (System.nanoTime() - emptySince < TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS)) {
            return;
        }
        emptySince = System.nanoTime();
        long remembered = committedAsTheLeaderRemembers(leader);
        if (remembered < 0) {
            return; // the leader knows this node has nothing (a new cluster, slow to start): it will send
        }
        // 0 counts: a group whose only entry is the leader's first configuration (a partition never
        // written to) is as stuck — Ratis' own commit-index entries used to put a second one behind it
        log.warn("This node's Raft log of group {} is empty and leader {} has sent it nothing it could take for {} s: the leader"
                + " remembers this node's log from before it was lost (committed up to entry {}). Asking it to step"
                + " down, so the next leader starts from what this node has.", group, leader, PATIENCE_MS / 1000,
                remembered);
        try {
            RaftClient asking = client.get();
            if (asking == null) {
                return;
            }
            asking.admin().transferLeadership(null, leader, 3_000);
        } catch (Exception e) {
            log.warn("Asking leader {} to step down failed; asking again in {} s", leader, PATIENCE_MS / 1000, e);
        }
    }

    /** The commit index the leader last heard from this node (Ratis keeps the highest), or -1. */
    private long committedAsTheLeaderRemembers(RaftPeerId leader) {
        RaftClient asking = client.get();
        if (asking == null) {
            return -1;
        }
        try {
            return commitIndexOf(asking.getGroupManagementApi(leader).info(group).getCommitInfos(), self);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The highest commit index {@code peer} reported among a division's {@code commitInfos}, or -1. */
    static long commitIndexOf(Collection<CommitInfoProto> commitInfos, RaftPeerId peer) {
        return commitInfos.stream().filter(c -> RaftPeerId.valueOf(c.getServer().getId()).equals(peer))
                .mapToLong(c -> c.getCommitIndex()).max().orElse(-1);
    }

    @Override
    public void close() {
        checks.cancel(false);
        if (ownTimer != null) {
            ownTimer.shutdown();
        }
    }
}
