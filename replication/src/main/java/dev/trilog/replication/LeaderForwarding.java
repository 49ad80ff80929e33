package dev.trilog.replication;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.util.TimeDuration;

/**
 * Forwards producers' batches from a node that does not lead the group to whichever node does,
 * giving up after {@link ReplicationTimeouts#leaderPatience()}: a node cut off from the
 * majority — a leader that just stepped down among them — finds no leader, and Ratis' default client would retry forever, so
 * the producer's request never got an answer. Giving up fails the batch with
 * {@link NotLeaderOrFollowerException}, on which Kafka producers ask for the leader again and
 * retry (idempotent ones without duplicates). Its own client, not the node's: the group's other
 * commands (topics, queue takeovers) keep waiting for a leader as long as it takes.
 */
final class LeaderForwarding implements AutoCloseable {

    private final RaftProperties properties;
    private final TimeDuration patience;
    private final RaftGroup group;
    /** The peer the first client asks first (the leader as this node knew it), or null. */
    private final RaftPeerId leaderHint;
    private volatile RaftClient client;
    /** Once closed, a client that gave up is not replaced. */
    private boolean closed;

    LeaderForwarding(RaftProperties properties, RaftGroup group) {
        this(properties, group, null);
    }

    LeaderForwarding(RaftProperties properties, RaftGroup group, RaftPeerId leaderHint) {
        this.properties = properties;
        this.patience = ReplicationTimeouts.leaderPatience(properties);
        this.group = group;
        this.leaderHint = leaderHint;
        this.client = newClient();
    }

    private RaftClient newClient() {
        RequestTypeDependentRetryPolicy.Builder retries = RequestTypeDependentRetryPolicy.newBuilder();
        // the batches, and the watch(0) with which the client's ordered stream opens: until that is
        // answered no batch is sent, and with no time-out of its own it would be retried forever
        for (var type : List.of(RaftClientRequestProto.TypeCase.WRITE, RaftClientRequestProto.TypeCase.WATCH)) {
            retries.setRetryPolicy(type, LeaderWait.policy()).setTimeout(type, patience);
        }
        RaftClient.Builder builder = GroupElsewhereRpc.clientBuilder(properties).setRaftGroup(group)
                .setRetryPolicy(retries.build());
        return (leaderHint == null ? builder : builder.setLeaderId(leaderHint)).build();
    }

    /** Commits {@code message} through the leader, wherever it is; fails as described above when none takes it. */
    CompletableFuture<RaftClientReply> submit(Message message) {
        RaftClient sender = client;
        return sender.async().send(message).handle((reply, failure) -> {
            if (failure != null) {
                replace(sender);
                throw notLeader(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
            if (!reply.isSuccess()) {
                throw notLeader(reply.getException());
            }
            return reply;
        });
    }

    /**
     * A client whose ordered stream gave up has failed every batch it held and takes no more
     * ("sliding window closed"): the next batch goes through a new one. Closed off the caller's
     * thread, which may be the old client's own.
     */
    private synchronized void replace(RaftClient gaveUp) {
        if (client == gaveUp && !closed) {
            client = newClient();
            CompletableFuture.runAsync(() -> closeQuietly(gaveUp));
        }
    }

    private static void closeQuietly(RaftClient done) {
        try {
            done.close();
        } catch (IOException | RuntimeException e) {
            // its requests have all failed already; nothing else depends on it
        }
    }

    private NotLeaderOrFollowerException notLeader(Throwable cause) {
        return new NotLeaderOrFollowerException("no leader of the group took the batch within " + patience
                + " (" + cause + "); ask for the leader again", cause);
    }

    /**
     * Closes the client outside the lock: closing fails its pending batches, whose handlers
     * ({@link #replace}) take the lock on the closing thread, which the close waits for.
     */
    @Override
    public void close() throws IOException {
        RaftClient last;
        synchronized (this) {
            closed = true;
            last = client;
        }
        last.close();
    }
}
