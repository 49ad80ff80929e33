package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * How this node writes through one Raft group (the metadata group, or a partition's): a Raft
 * client that waits for a leader as long as it takes, for commands; and for producers' batches,
 * its own server while it leads the group ({@link LeaderSubmission}) or the group's leader
 * wherever it is ({@link LeaderForwarding}). A write completes once committed and applied on
 * this node too ({@code appliedThrough}, the group's own log index), so what a writer on this
 * node wrote, this node's readers see.
 */
final class GroupWriter implements AutoCloseable {

    private final RaftClient client;
    private final LeaderForwarding forwarding;
    private final LongFunction<CompletableFuture<Void>> appliedThrough;
    /** Set once this node's server holds the group; until then every write goes through the client. */
    private volatile LeaderSubmission leader;
    private volatile EntryCoalescing coalescing;
    /** Set with {@link #leader}: has this node learn of a commit it waits for at once ({@link CommitNudge}). */
    private volatile CommitNudge nudge;
    private final Route route = new Route();

    /**
     * For a partition's group, whose leader this node knows: its clients ask that leader first,
     * and another peer when one answers that it does not have the group yet
     * ({@link GroupElsewhereRpc}).
     */
    GroupWriter(RaftProperties properties, RaftGroup group, RaftPeerId leader,
            LongFunction<CompletableFuture<Void>> appliedThrough) {
        this(GroupElsewhereRpc.clientBuilder(properties).setRaftGroup(group).setLeaderId(leader)
                .setRetryPolicy(LeaderWait.policy()).build(), new LeaderForwarding(properties, group, leader),
                appliedThrough);
    }

    /** The metadata group's: its group is on every node from the start. */
    GroupWriter(RaftClient client, LeaderForwarding forwarding, LongFunction<CompletableFuture<Void>> appliedThrough) {
        this.client = client;
        this.forwarding = forwarding;
        this.appliedThrough = appliedThrough;
    }

    /**
     * From now on producers' batches go straight to {@code leader}'s server while it leads, those
     * that come while one entry is committed coalesced into the next ({@link EntryCoalescing}).
     */
    GroupWriter submitDirectlyWhileLeading(LeaderSubmission leader) {
        this.coalescing = new EntryCoalescing(leader::submit, appliedThrough);
        this.nudge = new CommitNudge(leader::readIndex, appliedThrough);
        this.leader = leader;
        return this;
    }

    LeaderSubmission leaderSubmission() {
        return leader;
    }

    LeaderForwarding forwarding() {
        return forwarding;
    }

    RaftClient client() {
        return client;
    }

    /**
     * A producer's batch ({@code entry}: its {@link LogCommand.Append}, encoded): while this node
     * leads, straight to its own Raft server, coalesced with those that come while its previous
     * entry is committed ({@link EntryCoalescing}; the server refuses
     * with a retriable error once it stops leading); otherwise forwarded to wherever the leader
     * is ({@link LeaderForwarding}, which refuses the same way when it finds none in time: a
     * leader that stepped down because it lost its majority leads no more when the batch comes).
     * The way changes only while no batch is in flight either way, so batches keep the order in
     * which they came (the forwarding client orders what it sends; the server what it is handed;
     * nothing orders one against the other). The batch is handed over outside the lock: Ratis
     * completes replies while holding its own locks, and the completion takes this one.
     */
    CompletableFuture<AppendResult> sendBatch(ByteString entry) {
        boolean direct;
        LeaderSubmission submission = leader;
        EntryCoalescing straight = coalescing;
        synchronized (route) {
            if (route.inFlight == 0) {
                route.direct = submission != null && submission.leading();
            }
            route.inFlight++;
            direct = route.direct;
        }
        CompletableFuture<AppendResult> written = direct ? straight.send(entry)
                : applied(forwarding.submit(Message.valueOf(entry)));
        written.whenComplete((result, failure) -> {
            synchronized (route) {
                route.inFlight--;
            }
        });
        return written;
    }

    /** Which way producers' batches go now, and how many are on their way. */
    private static final class Route {
        int inFlight;
        boolean direct;
    }

    /** Commits the command through the group's leader, waiting for one as long as it takes. */
    CompletableFuture<AppendResult> submit(LogCommand command) {
        return applied(client.async().send(Message.valueOf(LogCommand.encode(command))));
    }

    /**
     * The write's result once committed and applied on this node; the group's refusal as a failure.
     * The leader answers once it applied the write; this node, when it does not lead, may not know
     * of the commit yet, and is told at once ({@link CommitNudge}) once its server holds the group.
     */
    private CompletableFuture<AppendResult> applied(CompletableFuture<RaftClientReply> sent) {
        return sent.thenCompose(reply -> {
            if (!reply.isSuccess()) {
                throw new IllegalStateException("the Raft group did not commit the write", reply.getException());
            }
            CommitNudge asking = nudge;
            return (asking == null ? appliedThrough.apply(reply.getLogIndex()) : asking.appliedThrough(reply.getLogIndex()))
                    .thenApply(applied -> LogCommand.decodeReply(reply.getMessage().getContent().toByteArray()));
        });
    }

    @Override
    public void close() throws IOException {
        try {
            forwarding.close();
        } finally {
            client.close();
        }
    }
}
