package dev.trilog.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Forwards producers' batches from a node that does not lead the group to whichever node does,
 * giving up after {@link #PATIENCE}: a node cut off from the majority — a leader that just
 * stepped down among them — finds no leader, and Ratis' default client would retry forever, so
 * the producer's request never got an answer. Giving up fails the batch with
 * {@link NotLeaderOrFollowerException}, on which Kafka producers ask for the leader again and
 * retry (idempotent ones without duplicates). Its own client, not the node's: the group's other
 * commands (topics, queue takeovers) keep waiting for a leader as long as it takes.
 */
final class LeaderForwarding implements AutoCloseable {

    /**
     * Kafka producers' default {@code request.timeout.ms}: by then the producer stops waiting
     * anyway. Long enough for an election on a loaded machine; a live leader answers far sooner.
     */
    static final TimeDuration PATIENCE = TimeDuration.valueOf(30, TimeUnit.SECONDS);
    /** Between attempts: without a pause a node that finds no leader retries in a busy loop. */
    private static final TimeDuration PAUSE = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

    private final RaftClient client;

    LeaderForwarding(RaftProperties properties, RaftGroup group) {
        this.client = RaftClient.newBuilder().setProperties(properties).setRaftGroup(group)
                .setRetryPolicy(RequestTypeDependentRetryPolicy.newBuilder()
                        .setRetryPolicy(RaftClientRequestProto.TypeCase.WRITE, RetryPolicies.retryForeverWithSleep(PAUSE))
                        .setTimeout(RaftClientRequestProto.TypeCase.WRITE, PATIENCE)
                        .build())
                .build();
    }

    /** Commits {@code message} through the leader, wherever it is; fails as described above when none takes it. */
    CompletableFuture<RaftClientReply> submit(Message message) {
        return client.async().send(message).handle((reply, failure) -> {
            if (failure != null) {
                throw notLeader(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
            if (!reply.isSuccess()) {
                throw notLeader(reply.getException());
            }
            return reply;
        });
    }

    private static NotLeaderOrFollowerException notLeader(Throwable cause) {
        return new NotLeaderOrFollowerException("no leader of the group took the batch within " + PATIENCE
                + " (" + cause + "); ask for the leader again", cause);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
