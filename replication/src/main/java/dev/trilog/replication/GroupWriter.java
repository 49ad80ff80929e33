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

/**
 * How this node writes through one Raft group (the metadata group, or a partition's): a Raft
 * client that waits for a leader as long as it takes, for commands; and for producers' batches,
 * its own server while it leads the group ({@link LeaderSubmission}) or the group's leader
 * wherever it is ({@link LeaderForwarding}). A write completes once committed and applied on
 * this node too ({@code appliedThrough}, the group's own log index), so what a writer on this
 * node wrote, this node's readers see.
 */
final class GroupWriter implements AutoCloseable {

    private volatile RaftClient client;
    /** Makes a new command client when one gave up for good (a partition group's; null for the metadata group's). */
    private final java.util.function.Supplier<RaftClient> newClient;
    private final LeaderForwarding forwarding;
    private final LongFunction<CompletableFuture<Void>> appliedThrough;
    /** Set once this node's server holds the group; until then every write goes through the client. */
    private volatile LeaderSubmission leader;
    private final Route route = new Route();

    /**
     * For a partition's group, whose leader this node knows: its clients ask that leader first.
     * (A Ratis client that asks a node that has not added the group yet — it has not applied the
     * topic's creation — fails for good with a group mismatch; the leader has the group.)
     */
    GroupWriter(RaftProperties properties, RaftGroup group, RaftPeerId leader,
            LongFunction<CompletableFuture<Void>> appliedThrough) {
        this(() -> RaftClient.newBuilder().setProperties(properties).setRaftGroup(group).setLeaderId(leader)
                .setRetryPolicy(LeaderWait.policy()).build(), new LeaderForwarding(properties, group, leader),
                appliedThrough);
    }

    private GroupWriter(java.util.function.Supplier<RaftClient> newClient, LeaderForwarding forwarding,
            LongFunction<CompletableFuture<Void>> appliedThrough) {
        this.client = newClient.get();
        this.newClient = newClient;
        this.forwarding = forwarding;
        this.appliedThrough = appliedThrough;
    }

    /** The metadata group's: its group is on every node from the start, so no client of it meets a node without it. */
    GroupWriter(RaftClient client, LeaderForwarding forwarding, LongFunction<CompletableFuture<Void>> appliedThrough) {
        this.client = client;
        this.newClient = null;
        this.forwarding = forwarding;
        this.appliedThrough = appliedThrough;
    }

    /** From now on producers' batches go straight to {@code leader}'s server while it leads. */
    GroupWriter submitDirectlyWhileLeading(LeaderSubmission leader) {
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
     * A producer's batch: while this node leads, straight to its own Raft server (which refuses
     * with a retriable error once it stops leading); otherwise forwarded to wherever the leader
     * is ({@link LeaderForwarding}, which refuses the same way when it finds none in time: a
     * leader that stepped down because it lost its majority leads no more when the batch comes).
     * The way changes only while no batch is in flight either way, so batches keep the order in
     * which they came (the forwarding client orders what it sends; the server what it is handed;
     * nothing orders one against the other). The batch is handed over outside the lock: Ratis
     * completes replies while holding its own locks, and the completion takes this one.
     */
    CompletableFuture<AppendResult> sendBatch(Message entry) {
        boolean direct;
        LeaderSubmission submission = leader;
        synchronized (route) {
            if (route.inFlight == 0) {
                route.direct = submission != null && submission.leading();
            }
            route.inFlight++;
            direct = route.direct;
        }
        CompletableFuture<RaftClientReply> sent = direct ? submission.submit(entry)
                : retriedOnGroupMismatch(() -> forwarding.submit(entry), System.nanoTime());
        sent.whenComplete((reply, failure) -> {
            synchronized (route) {
                route.inFlight--;
            }
        });
        return applied(sent);
    }

    /** Which way producers' batches go now, and how many are on their way. */
    private static final class Route {
        int inFlight;
        boolean direct;
    }

    /** Commits the command through the group's leader, waiting for one as long as it takes. */
    CompletableFuture<AppendResult> submit(LogCommand command) {
        Message message = Message.valueOf(LogCommand.encode(command));
        return applied(retriedOnGroupMismatch(() -> {
            RaftClient sender = client;
            return sender.async().send(message).whenComplete((reply, failure) -> {
                if (failure != null && newClient != null && groupMismatch(failure)) {
                    replace(sender);
                }
            });
        }, System.nanoTime()));
    }

    /**
     * A Ratis client that asks a node which has not added a partition's group yet (it has not
     * applied the topic's creation, or lost its data directory and is catching up) fails every
     * request it holds and takes no more: no node's state machine saw them, so they are sent again
     * through a new client (the forwarding one replaces itself), after a pause, within
     * {@link LeaderForwarding#PATIENCE}.
     */
    private CompletableFuture<RaftClientReply> retriedOnGroupMismatch(
            java.util.function.Supplier<CompletableFuture<RaftClientReply>> send, long since) {
        if (newClient == null) {
            return send.get();
        }
        return send.get().handle((reply, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(reply);
            }
            if (!groupMismatch(failure)
                    || System.nanoTime() - since > LeaderForwarding.PATIENCE.toLong(java.util.concurrent.TimeUnit.NANOSECONDS)) {
                return CompletableFuture.<RaftClientReply>failedFuture(failure);
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100,
                    java.util.concurrent.TimeUnit.MILLISECONDS)).thenCompose(ignored -> retriedOnGroupMismatch(send, since));
        }).thenCompose(f -> f);
    }

    private static boolean groupMismatch(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.GroupMismatchException
                    || t instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    private synchronized void replace(RaftClient gaveUp) {
        if (client == gaveUp) {
            client = newClient.get();
            CompletableFuture.runAsync(() -> {
                try {
                    gaveUp.close();
                } catch (IOException | RuntimeException e) {
                    // its requests have all failed already
                }
            });
        }
    }

    /** The write's result once committed and applied on this node; the group's refusal as a failure. */
    private CompletableFuture<AppendResult> applied(CompletableFuture<RaftClientReply> sent) {
        return sent.thenCompose(reply -> {
            if (!reply.isSuccess()) {
                throw new IllegalStateException("the Raft group did not commit the write", reply.getException());
            }
            return appliedThrough.apply(reply.getLogIndex())
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
