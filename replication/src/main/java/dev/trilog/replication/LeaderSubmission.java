package dev.trilog.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Hands a write straight to this node's own Raft server while it leads the group, instead of
 * through the node's {@code RaftClient}: that client reaches even the local leader over gRPC, so
 * every batch produced to the leader — which Kafka producers send every batch to — was serialised,
 * sent over loopback and parsed again inside the same process before Raft saw it.
 *
 * <p>The server takes the request in the caller's order (it assigns the log index before
 * returning), so one connection's batches keep their order. What the client would have hidden
 * comes back as a failure instead: a leader that steps down, is not ready yet or is too busy
 * refuses with {@link NotLeaderOrFollowerException}, which Kafka producers retry after asking
 * for metadata again (idempotent producers without duplicates; the engine's producer state is
 * replicated with the batches).
 */
final class LeaderSubmission {

    private final RaftServer server;
    private final RaftGroupId group;
    private final RaftPeerId self;
    /** The retry cache of the group's servers keys entries by client and call id: one client id per node. */
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    LeaderSubmission(RaftServer server, RaftGroupId group, RaftPeerId self) {
        this.server = server;
        this.group = group;
        this.self = self;
    }

    /** Whether this node leads the group and is ready to take writes. */
    boolean leading() {
        try {
            var info = server.getDivision(group).getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false; // closing, or not started
        }
    }

    /** Appends {@code message} through this node's server; fails as described above when it does not lead. */
    CompletableFuture<RaftClientReply> submit(Message message) {
        RaftClientRequest request = request(message, RaftClientRequest.writeRequestType());
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(notLeader(e));
        }
        return reply.thenApply(r -> {
            if (!r.isSuccess()) {
                throw notLeader(r.getException());
            }
            return r;
        });
    }

    /**
     * A read-index barrier through this node's server, leading the group or not: its leader
     * confirms it still leads with a heartbeat to every follower, which carries its commit index,
     * and names that index; the answer comes once this replica applied that far
     * ({@code Read.Option.LINEARIZABLE}; the state machines answer an empty query with nothing).
     * Fails as Ratis does, with no leader or this node not holding the group.
     */
    CompletableFuture<RaftClientReply> readIndex() {
        try {
            return server.submitClientRequestAsync(request(Message.EMPTY, RaftClientRequest.readRequestType()))
                    .thenApply(reply -> {
                        if (!reply.isSuccess()) {
                            throw new CompletionException(reply.getException());
                        }
                        return reply;
                    });
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RaftClientRequest request(Message message, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(self)
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
    }

    private NotLeaderOrFollowerException notLeader(Throwable cause) {
        return new NotLeaderOrFollowerException("node " + self + " could not append as the group's leader ("
                + cause + "); ask for the leader again", cause);
    }
}
